import { Switch } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useMe } from '../auth/queries';
import { holds } from '../settings/sections';
import { useDealKarmaFlags, useLossMaking } from './queries';

/** On a won deal: "loss-making project", which lowers its client's karma while it stands. */
export function DealLossMaking({
  deal,
}: {
  deal: { id: string; client_id: string; status: string };
}) {
  const { t } = useTranslation();
  const me = useMe();
  const won = deal.status === 'won';
  const flags = useDealKarmaFlags(deal.id, won);
  const change = useLossMaking(deal.id, deal.client_id);
  if (!won || !flags.data) return null;
  const on = flags.data.some((flag) => flag.kind === 'loss_making');
  return (
    <Switch
      label={t('karma.lossMaking')}
      description={t('karma.lossMakingHint')}
      checked={on}
      disabled={!holds(me.data, 'deals:write') || change.isPending}
      onChange={(event) => change.mutate(event.currentTarget.checked)}
    />
  );
}
