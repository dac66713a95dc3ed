import {
  ActionIcon,
  Alert,
  Button,
  Card,
  Group,
  Select,
  Stack,
  Switch,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, errorMessage, mapProblemToFields } from '../../api/problem';
import {
  MAX_ANSWERS,
  MAX_STEPS,
  SCRIPT_OUTCOMES,
  type AnswerWrite,
  type CallScript,
  type CallScriptWrite,
  type StepWrite,
  useSaveScript,
} from './queries';

const END = '__end';

interface Draft {
  name: string;
  is_active: boolean;
  start_step_id: string;
  steps: StepWrite[];
}

function freshId(prefix: string, taken: readonly string[]): string {
  for (let n = taken.length + 1; ; n += 1) {
    const id = `${prefix}${n}`;
    if (!taken.includes(id)) return id;
  }
}

function emptyAnswer(taken: readonly string[]): AnswerWrite {
  return { id: freshId('a', taken), kind: 'answer', text: '', outcome: 'interested' };
}

function draftOf(script: CallScript | null): Draft {
  if (!script) {
    return {
      name: '',
      is_active: true,
      start_step_id: 's1',
      steps: [{ id: 's1', kind: 'question', text: '', answers: [emptyAnswer([])] }],
    };
  }
  return {
    name: script.name,
    is_active: script.is_active,
    start_step_id: script.start_step_id,
    steps: script.steps.map((step) => ({
      id: step.id,
      kind: step.kind,
      text: step.text,
      answers: step.answers.map((a) => ({
        id: a.id,
        kind: a.kind,
        text: a.text,
        next_step_id: a.next_step_id,
        outcome: a.outcome,
      })),
    })),
  };
}

/** Every field an error of the API may name, for the draft as it is. */
function fieldsOf(draft: Draft): string[] {
  return [
    'name',
    'start_step_id',
    'steps',
    ...draft.steps.flatMap((step, i) => [
      `steps.${i}.id`,
      `steps.${i}.text`,
      `steps.${i}.answers`,
      ...step.answers.flatMap((_, j) => [
        `steps.${i}.answers.${j}.text`,
        `steps.${i}.answers.${j}.id`,
        `steps.${i}.answers.${j}.next_step_id`,
      ]),
    ]),
  ];
}

/** A script's editor: its steps (a question or a statement), each with the answers or
 * objections expected, each answer leading to another step or ending the script with an
 * outcome. The API checks the graph; its complaints land on the fields they name. */
export function ScriptEditor({
  script,
  onClose,
}: {
  script: CallScript | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const save = useSaveScript();
  const [draft, setDraft] = useState<Draft>(() => draftOf(script));
  const problem = save.error instanceof ApiError ? save.error.problem : null;
  const { fieldErrors, otherErrors } = mapProblemToFields(problem, fieldsOf(draft), {
    nested: true,
  });
  const stepLabel = (index: number) =>
    t('callScripts.stepN', {
      n: index + 1,
      text: (draft.steps[index]?.text ?? '').slice(0, 40),
    });

  const setStep = (index: number, change: Partial<StepWrite>) =>
    setDraft((d) => ({
      ...d,
      steps: d.steps.map((s, i) => (i === index ? { ...s, ...change } : s)),
    }));
  const setAnswer = (index: number, answer: number, change: Partial<AnswerWrite>) =>
    setStep(index, {
      answers: (draft.steps[index]?.answers ?? []).map((a, j) =>
        j === answer ? { ...a, ...change } : a,
      ),
    });
  const addStep = () =>
    setDraft((d) => {
      const id = freshId(
        's',
        d.steps.map((s) => s.id),
      );
      return {
        ...d,
        steps: [...d.steps, { id, kind: 'question', text: '', answers: [emptyAnswer([])] }],
      };
    });
  const removeStep = (index: number) =>
    setDraft((d) => {
      const gone = d.steps[index]?.id;
      const steps = d.steps
        .filter((_, i) => i !== index)
        .map((s) => ({
          ...s,
          answers: s.answers.map((a) =>
            a.next_step_id === gone
              ? { ...a, next_step_id: null, outcome: 'no_decision' as const }
              : a,
          ),
        }));
      return {
        ...d,
        steps,
        start_step_id: d.start_step_id === gone ? (steps[0]?.id ?? '') : d.start_step_id,
      };
    });

  const submit = () => {
    const body: CallScriptWrite = {
      name: draft.name,
      is_active: draft.is_active,
      start_step_id: draft.start_step_id || null,
      steps: draft.steps,
    };
    save.mutate({ script, body }, { onSuccess: onClose });
  };

  return (
    <Stack>
      <TextInput
        label={t('callScripts.name')}
        value={draft.name}
        onChange={(e) => {
          const name = e.currentTarget.value;
          setDraft((d) => ({ ...d, name }));
        }}
        error={fieldErrors.name}
        required
      />
      <Group>
        <Switch
          label={t('callScripts.active')}
          checked={draft.is_active}
          onChange={(e) => {
            const active = e.currentTarget.checked;
            setDraft((d) => ({ ...d, is_active: active }));
          }}
        />
        <Select
          label={t('callScripts.startStep')}
          data={draft.steps.map((s, i) => ({ value: s.id, label: stepLabel(i) }))}
          value={draft.start_step_id}
          onChange={(value) => value && setDraft((d) => ({ ...d, start_step_id: value }))}
          allowDeselect={false}
          error={fieldErrors.start_step_id}
          style={{ flex: 1 }}
        />
      </Group>
      {draft.steps.map((step, i) => (
        <Card withBorder key={step.id} data-testid="script-step">
          <Stack gap="xs">
            <Group justify="space-between">
              <Title order={5}>{t('callScripts.stepTitle', { n: i + 1 })}</Title>
              <Group gap="xs">
                <Select
                  aria-label={t('callScripts.stepKind')}
                  data={(['question', 'statement'] as const).map((kind) => ({
                    value: kind,
                    label: t(`callScripts.kind.${kind}`),
                  }))}
                  value={step.kind}
                  onChange={(value) => value && setStep(i, { kind: value })}
                  allowDeselect={false}
                  w={160}
                />
                <Button
                  size="xs"
                  variant="subtle"
                  color="red"
                  disabled={draft.steps.length === 1}
                  onClick={() => removeStep(i)}
                >
                  {t('callScripts.removeStep')}
                </Button>
              </Group>
            </Group>
            {fieldErrors[`steps.${i}.id`] && (
              <Text c="red" size="sm">
                {fieldErrors[`steps.${i}.id`]}
              </Text>
            )}
            <Textarea
              label={
                step.kind === 'question' ? t('callScripts.questionText') : t('callScripts.sayText')
              }
              value={step.text}
              onChange={(e) => setStep(i, { text: e.currentTarget.value })}
              error={fieldErrors[`steps.${i}.text`]}
              autosize
              minRows={2}
            />
            <Text size="sm" fw={500}>
              {t('callScripts.answers')}
            </Text>
            {fieldErrors[`steps.${i}.answers`] && (
              <Text c="red" size="sm">
                {fieldErrors[`steps.${i}.answers`]}
              </Text>
            )}
            {step.answers.map((answer, j) => (
              <Group key={answer.id} align="start" gap="xs" wrap="wrap" data-testid="script-answer">
                <TextInput
                  aria-label={t('callScripts.answerText')}
                  placeholder={t('callScripts.answerText')}
                  value={answer.text}
                  onChange={(e) => setAnswer(i, j, { text: e.currentTarget.value })}
                  error={fieldErrors[`steps.${i}.answers.${j}.text`]}
                  style={{ flex: '2 1 12rem' }}
                />
                <Select
                  aria-label={t('callScripts.answerKind')}
                  data={(['answer', 'objection'] as const).map((kind) => ({
                    value: kind,
                    label: t(`callScripts.answerKinds.${kind}`),
                  }))}
                  value={answer.kind ?? 'answer'}
                  onChange={(value) => value && setAnswer(i, j, { kind: value })}
                  allowDeselect={false}
                  w={130}
                />
                <Select
                  aria-label={t('callScripts.leadsTo')}
                  data={[
                    ...draft.steps.map((s, k) => ({ value: s.id, label: stepLabel(k) })),
                    { value: END, label: t('callScripts.endsScript') },
                  ]}
                  value={answer.next_step_id ?? END}
                  onChange={(value) =>
                    value === END || !value
                      ? setAnswer(i, j, {
                          next_step_id: null,
                          outcome: answer.outcome ?? 'interested',
                        })
                      : setAnswer(i, j, { next_step_id: value, outcome: null })
                  }
                  allowDeselect={false}
                  error={fieldErrors[`steps.${i}.answers.${j}.next_step_id`]}
                  style={{ flex: '1 1 10rem' }}
                />
                {!answer.next_step_id && (
                  <Select
                    aria-label={t('callScripts.outcomeLabel')}
                    data={SCRIPT_OUTCOMES.map((o) => ({
                      value: o,
                      label: t(`callScripts.outcome.${o}`),
                    }))}
                    value={answer.outcome ?? 'interested'}
                    onChange={(value) => value && setAnswer(i, j, { outcome: value })}
                    allowDeselect={false}
                    w={170}
                  />
                )}
                <ActionIcon
                  variant="subtle"
                  color="red"
                  aria-label={t('callScripts.removeAnswer')}
                  disabled={step.answers.length === 1}
                  onClick={() => setStep(i, { answers: step.answers.filter((_, k) => k !== j) })}
                >
                  ×
                </ActionIcon>
              </Group>
            ))}
            <Group>
              <Button
                size="xs"
                variant="light"
                disabled={step.answers.length >= MAX_ANSWERS}
                onClick={() =>
                  setStep(i, {
                    answers: [...step.answers, emptyAnswer(step.answers.map((a) => a.id))],
                  })
                }
              >
                {t('callScripts.addAnswer')}
              </Button>
            </Group>
          </Stack>
        </Card>
      ))}
      {fieldErrors.steps && <Text c="red">{fieldErrors.steps}</Text>}
      <Group>
        <Button variant="light" onClick={addStep} disabled={draft.steps.length >= MAX_STEPS}>
          {t('callScripts.addStep')}
        </Button>
      </Group>
      {save.error && (otherErrors.length > 0 || !problem?.errors?.length) && (
        <Alert color="red">
          {otherErrors.length > 0 ? otherErrors.join('; ') : errorMessage(save.error, t)}
        </Alert>
      )}
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>
          {t('callScripts.cancel')}
        </Button>
        <Button onClick={submit} loading={save.isPending}>
          {t('callScripts.save')}
        </Button>
      </Group>
    </Stack>
  );
}
