import { Paper, Switch } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { type CurrentUser, useMe } from '../auth/queries';
import { useAllowPrivateTargets, useOrganisation } from './queries';

/** Changing the organisation's settings is an administrator's call (admins hold every one). */
function canManageOrganisation(user: CurrentUser | undefined): boolean {
  return (
    user?.role_code === 'admin' || (user?.permissions.includes('organisation:manage') ?? false)
  );
}

/**
 * The organisation's switch that lets endpoints target loopback, private and link-local
 * addresses, with the risk spelled out. Shown to administrators only: the server refuses
 * the change to anyone else.
 */
export function WebhookPrivateTargets() {
  const { t } = useTranslation();
  const me = useMe();
  const allowed = canManageOrganisation(me.data);
  const organisation = useOrganisation({ enabled: allowed });
  const change = useAllowPrivateTargets();
  if (!allowed || !organisation.data) return null;
  const current = organisation.data;
  const on = current.webhooks_allow_private_targets;

  return (
    <Paper withBorder p="sm" data-testid="webhook-private-targets">
      <Switch
        label={t('webhooks.privateTargets')}
        description={t('webhooks.privateTargetsHint')}
        color="orange"
        checked={on}
        disabled={change.isPending}
        onChange={(event) =>
          change.mutate(
            { organisation: current, allow: event.currentTarget.checked },
            {
              onSuccess: (updated) =>
                notifications.show({
                  color: updated.webhooks_allow_private_targets ? 'orange' : 'green',
                  message: updated.webhooks_allow_private_targets
                    ? t('webhooks.privateTargetsOn')
                    : t('webhooks.privateTargetsOff'),
                }),
            },
          )
        }
      />
    </Paper>
  );
}
