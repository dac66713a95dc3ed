import { Button, Card, Group, NumberInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { components } from '../../api/schema';

type Deal = components['schemas']['DealRead'];
type DealUpdate = components['schemas']['DealUpdate'];

// The bounds the server checks (domain/deals/model.py).
const DAYS_MIN = 1;
const DAYS_MAX = 365;

const days = (value: string | number): number | null =>
  value === '' || value === null ? null : Number(value);

/** Postponing a deal ("remind me every N days" while it stays in its stage) and its warranty or
 * service end date with a reminder N days before it. */
export function DealFollowUpPanel({
  deal,
  save,
}: {
  deal: Deal;
  save: (patch: DealUpdate) => Promise<boolean>;
}) {
  const { t, i18n } = useTranslation();
  const [every, setEvery] = useState<string | number>(deal.follow_up_every_days ?? '');
  const [ends, setEnds] = useState(deal.warranty_ends_on ?? '');
  const [before, setBefore] = useState<string | number>(deal.warranty_remind_days ?? '');
  const [saving, setSaving] = useState(false);
  const open = deal.status === 'open';
  const inRange = (value: string | number) => {
    const n = days(value);
    return n === null || (Number.isInteger(n) && n >= DAYS_MIN && n <= DAYS_MAX);
  };
  const valid = inRange(every) && inRange(before);

  const submit = async () => {
    setSaving(true);
    await save({
      follow_up_every_days: open ? days(every) : null,
      warranty_ends_on: ends || null,
      warranty_remind_days: days(before),
    });
    setSaving(false);
  };

  return (
    <Card withBorder data-testid="deal-follow-up">
      <Stack gap="sm">
        <Title order={3}>{t('followUps.title')}</Title>
        <Group align="flex-end" wrap="wrap">
          <NumberInput
            label={t('followUps.every')}
            description={open ? t('followUps.everyHint') : t('followUps.closed')}
            value={every}
            onChange={setEvery}
            min={DAYS_MIN}
            max={DAYS_MAX}
            allowDecimal={false}
            disabled={!open}
            error={inRange(every) ? null : t('followUps.range', { min: DAYS_MIN, max: DAYS_MAX })}
            w={220}
          />
          <TextInput
            type="date"
            label={t('followUps.warrantyEnds')}
            value={ends}
            onChange={(event) => setEnds(event.currentTarget.value)}
            w={200}
          />
          <NumberInput
            label={t('followUps.remindBefore')}
            value={before}
            onChange={setBefore}
            min={DAYS_MIN}
            max={DAYS_MAX}
            allowDecimal={false}
            error={inRange(before) ? null : t('followUps.range', { min: DAYS_MIN, max: DAYS_MAX })}
            w={200}
          />
        </Group>
        {deal.follow_up_next_at ? (
          <Text size="sm" c="dimmed" data-testid="follow-up-next">
            {t('followUps.next', {
              at: new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium' }).format(
                new Date(deal.follow_up_next_at),
              ),
            })}
          </Text>
        ) : null}
        <Group>
          <Button size="xs" loading={saving} disabled={!valid} onClick={() => void submit()}>
            {t('followUps.save')}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}
