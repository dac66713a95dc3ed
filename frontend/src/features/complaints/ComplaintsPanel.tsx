import { Button, Card, Group, Loader, Stack, Text, Title, UnstyledButton } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMe } from '../auth/queries';
import { holds } from '../settings/sections';
import { LoadError } from '../shell/LoadError';
import { ComplaintDeadline, ComplaintStatusBadge } from './ComplaintBadges';
import { ComplaintCreateModal } from './ComplaintCreateModal';
import { ComplaintDrawer } from './ComplaintDrawer';
import { NO_FILTERS, useComplaints } from './queries';

/** The complaints of a client (or of one of its deals) on its card, with the button that
 * records a new one. */
export function ComplaintsPanel({
  clientId,
  dealId = null,
}: {
  clientId: string;
  dealId?: string | null;
}) {
  const { t } = useTranslation();
  const me = useMe();
  const readable = holds(me.data, 'complaints:read');
  const complaints = useComplaints(
    dealId ? { ...NO_FILTERS, dealId } : { ...NO_FILTERS, clientId },
    readable,
  );
  const [creating, setCreating] = useState(false);
  const [openId, setOpenId] = useState<string | null>(null);
  if (!readable) return null;
  const rows = complaints.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <Card withBorder data-testid="complaints-panel">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={3}>{t('complaints.title')}</Title>
          {holds(me.data, 'complaints:write') ? (
            <Button size="xs" variant="light" onClick={() => setCreating(true)}>
              {t('complaints.record')}
            </Button>
          ) : null}
        </Group>
        {complaints.isPending ? <Loader size="sm" /> : null}
        {complaints.isError ? (
          <LoadError onRetry={() => void complaints.refetch()} retrying={complaints.isFetching} />
        ) : null}
        {complaints.isSuccess && rows.length === 0 ? (
          <Text c="dimmed" size="sm">
            {t('complaints.none')}
          </Text>
        ) : null}
        {rows.map((complaint) => (
          <UnstyledButton
            key={complaint.id}
            onClick={() => setOpenId(complaint.id)}
            data-testid="complaint-item"
          >
            <Group justify="space-between" wrap="nowrap">
              <Stack gap={0}>
                <Text size="sm" fw={600}>
                  {t(`complaints.kind.${complaint.kind}`)}
                </Text>
                <ComplaintDeadline complaint={complaint} />
              </Stack>
              <ComplaintStatusBadge complaint={complaint} />
            </Group>
          </UnstyledButton>
        ))}
      </Stack>
      <ComplaintCreateModal
        clientId={clientId}
        dealId={dealId}
        opened={creating}
        onClose={() => setCreating(false)}
      />
      <ComplaintDrawer id={openId} onClose={() => setOpenId(null)} />
    </Card>
  );
}
