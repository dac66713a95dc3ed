import { Alert, Badge, Button, Card, Group, Select, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/problem';
import {
  SCRIPT_OUTCOMES,
  type CallScript,
  type PathEntry,
  type ScriptAnswer,
  type ScriptOutcome,
  type ScriptRecord,
  useSaveRun,
} from './queries';

const OUTCOME_COLOR: Record<ScriptOutcome, string> = {
  interested: 'green',
  not_interested: 'red',
  call_back: 'blue',
  wrong_number: 'orange',
  no_decision: 'gray',
};

/** The script beside a call: the current step, its answers as buttons, a way back, and the
 * run saved (the path taken and the outcome) when an answer ends the script or the call ends
 * early. ``onFinished`` hears the outcome (the call list presets its own from it). */
export function ScriptPlayer({
  script,
  record,
  onFinished,
  now = () => new Date(),
}: {
  script: CallScript;
  record: ScriptRecord;
  onFinished?: (outcome: ScriptOutcome) => void;
  now?: () => Date;
}) {
  const { t } = useTranslation();
  const saveRun = useSaveRun();
  const [taken, setTaken] = useState<PathEntry[]>([]);
  const [here, setHere] = useState(() => ({
    step_id: script.start_step_id,
    at: now().toISOString(),
  }));
  const [stopping, setStopping] = useState(false);
  const [stopOutcome, setStopOutcome] = useState<ScriptOutcome>('no_decision');
  const [finished, setFinished] = useState<ScriptOutcome | null>(null);
  const [ending, setEnding] = useState<string | null>(null);
  const step = script.steps.find((s) => s.id === here.step_id);

  const save = (path: PathEntry[], outcome: ScriptOutcome | null) =>
    saveRun.mutate(
      { script, record, path, outcome },
      {
        onSuccess: (run) => {
          setFinished(run.outcome);
          onFinished?.(run.outcome);
        },
      },
    );

  const choose = (answer: ScriptAnswer) => {
    const entry = { ...here, answer_id: answer.id };
    if (answer.next_step_id) {
      setTaken([...taken, entry]);
      setHere({ step_id: answer.next_step_id, at: now().toISOString() });
      return;
    }
    // The ending answer's outcome is the run's: the server takes it from the script.
    setEnding(answer.id);
    save([...taken, entry], null);
  };

  const back = () => {
    const previous = taken[taken.length - 1];
    if (!previous) return;
    setTaken(taken.slice(0, -1));
    setHere({ step_id: previous.step_id, at: previous.at });
  };

  const restart = () => {
    setTaken([]);
    setHere({ step_id: script.start_step_id, at: now().toISOString() });
    setFinished(null);
    setStopping(false);
    setEnding(null);
    saveRun.reset();
  };

  return (
    <Card withBorder aria-label={t('callScripts.player')} data-testid="script-player">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={4}>{script.name}</Title>
          <Text size="xs" c="dimmed">
            {t('callScripts.stepOf', { n: taken.length + 1 })}
          </Text>
        </Group>
        {finished ? (
          <>
            <Alert color={OUTCOME_COLOR[finished]}>
              {t('callScripts.runSaved', { outcome: t(`callScripts.outcome.${finished}`) })}
            </Alert>
            <Group>
              <Button variant="default" onClick={restart}>
                {t('callScripts.again')}
              </Button>
            </Group>
          </>
        ) : (
          <>
            {step && (
              <>
                <Badge variant="light" color={step.kind === 'question' ? 'blue' : 'gray'}>
                  {t(`callScripts.kind.${step.kind}`)}
                </Badge>
                <Text size="lg" style={{ whiteSpace: 'pre-wrap' }}>
                  {step.text}
                </Text>
                <Group gap="xs">
                  {step.answers.map((answer) => (
                    <Button
                      key={answer.id}
                      variant={answer.kind === 'objection' ? 'light' : 'filled'}
                      color={answer.kind === 'objection' ? 'orange' : undefined}
                      onClick={() => choose(answer)}
                      loading={saveRun.isPending && ending === answer.id}
                      disabled={saveRun.isPending}
                    >
                      {answer.text}
                    </Button>
                  ))}
                </Group>
              </>
            )}
            <Group gap="xs">
              <Button
                variant="subtle"
                onClick={back}
                disabled={taken.length === 0 || saveRun.isPending}
              >
                {t('callScripts.back')}
              </Button>
              {!stopping && (
                <Button variant="subtle" color="gray" onClick={() => setStopping(true)}>
                  {t('callScripts.endedEarly')}
                </Button>
              )}
            </Group>
            {stopping && (
              <Group align="end">
                <Select
                  label={t('callScripts.howEnded')}
                  data={SCRIPT_OUTCOMES.map((o) => ({
                    value: o,
                    label: t(`callScripts.outcome.${o}`),
                  }))}
                  value={stopOutcome}
                  onChange={(value) => value && setStopOutcome(value)}
                  allowDeselect={false}
                  w={220}
                />
                <Button
                  onClick={() => save([...taken, { ...here, answer_id: null }], stopOutcome)}
                  loading={saveRun.isPending}
                >
                  {t('callScripts.saveRun')}
                </Button>
              </Group>
            )}
          </>
        )}
        {saveRun.error && <Alert color="red">{errorMessage(saveRun.error, t)}</Alert>}
      </Stack>
    </Card>
  );
}
