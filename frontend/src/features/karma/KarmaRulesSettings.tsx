import {
  Alert,
  Button,
  Group,
  Loader,
  NumberInput,
  Progress,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { problemText } from '../../api/problemText';
import { LoadError } from '../shell/LoadError';
import { SectorAverages } from './SectorAverages';
import {
  KARMA_RULE_KINDS,
  MONEY_RULES,
  useJob,
  useKarmaRules,
  useUpdateKarmaRules,
  type KarmaRuleIn,
  type KarmaRuleKind,
  type KarmaRules,
} from './queries';

type Draft = Record<KarmaRuleKind, { weight: number | string; per_unit: number | string }>;

function draftOf(rules: KarmaRules): Draft {
  const draft = {} as Draft;
  for (const rule of rules.rules) {
    draft[rule.kind] = { weight: rule.weight, per_unit: rule.per_unit ?? '' };
  }
  return draft;
}

/** The karma rules (Карма: правила): a weight per kind of event, per so many units of money
 * for turnover and profit. Saving recalculates every client; the job's progress shows here. */
export function KarmaRulesSettings() {
  const rules = useKarmaRules();
  // Above the form, which starts afresh at each saved version.
  const [jobId, setJobId] = useState<string | null>(null);
  if (rules.isPending) return <Loader />;
  if (rules.isError) {
    return <LoadError onRetry={() => void rules.refetch()} retrying={rules.isFetching} />;
  }
  // Keyed by version: a saved or reloaded rule set starts a fresh form.
  return (
    <Stack>
      <KarmaRulesForm key={rules.data.version} rules={rules.data} onSaved={setJobId} />
      {jobId ? <Recalculation jobId={jobId} /> : null}
      <SectorAverages />
    </Stack>
  );
}

function KarmaRulesForm({
  rules,
  onSaved,
}: {
  rules: KarmaRules;
  onSaved: (jobId: string | null) => void;
}) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<Draft>(() => draftOf(rules));
  const save = useUpdateKarmaRules();
  const set = (kind: KarmaRuleKind, field: 'weight' | 'per_unit', value: number | string) =>
    setDraft((current) => ({ ...current, [kind]: { ...current[kind], [field]: value } }));
  const submit = () => {
    const body: KarmaRuleIn[] = KARMA_RULE_KINDS.map((kind) => ({
      kind,
      weight: String(draft[kind].weight),
      per_unit: MONEY_RULES.includes(kind) ? String(draft[kind].per_unit) : null,
    }));
    save.mutate(
      { version: rules.version, rules: body },
      { onSuccess: (saved) => onSaved(saved.recalculation?.id ?? null) },
    );
  };
  return (
    <Stack>
      <Title order={2}>{t('karma.rules.title')}</Title>
      <Text c="dimmed">{t('karma.rules.intro')}</Text>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        <Stack>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('karma.rules.kind')}</Table.Th>
                <Table.Th>{t('karma.rules.weight')}</Table.Th>
                <Table.Th>{t('karma.rules.perUnit')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {KARMA_RULE_KINDS.map((kind) => (
                <Table.Tr key={kind}>
                  <Table.Td>{t(`karma.kind.${kind}`)}</Table.Td>
                  <Table.Td>
                    <NumberInput
                      aria-label={t('karma.rules.weightOf', { kind: t(`karma.kind.${kind}`) })}
                      value={draft[kind].weight}
                      onChange={(value) => set(kind, 'weight', value)}
                      decimalScale={2}
                    />
                  </Table.Td>
                  <Table.Td>
                    {MONEY_RULES.includes(kind) ? (
                      <NumberInput
                        aria-label={t('karma.rules.perUnitOf', {
                          kind: t(`karma.kind.${kind}`),
                        })}
                        value={draft[kind].per_unit}
                        onChange={(value) => set(kind, 'per_unit', value)}
                        min={0}
                        decimalScale={2}
                      />
                    ) : (
                      <Text c="dimmed">{t('karma.rules.perEvent')}</Text>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {save.isError ? <Alert color="red">{problemText(save.error, t)}</Alert> : null}
          <Group justify="end">
            <Button type="submit" loading={save.isPending}>
              {t('karma.rules.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Stack>
  );
}

function Recalculation({ jobId }: { jobId: string }) {
  const { t } = useTranslation();
  const job = useJob(jobId);
  const status = job.data?.status ?? 'queued';
  const progress = job.data?.progress ?? 0;
  return (
    <Stack gap={4} data-testid="karma-recalculation">
      <Text size="sm">
        {status === 'done'
          ? t('karma.rules.recalculated', { clients: job.data?.result?.clients ?? 0 })
          : status === 'failed'
            ? t('karma.rules.recalculationFailed')
            : t('karma.rules.recalculating', { progress })}
      </Text>
      <Progress
        value={progress}
        color={status === 'failed' ? 'red' : undefined}
        aria-label={t('karma.rules.progress')}
      />
    </Stack>
  );
}
