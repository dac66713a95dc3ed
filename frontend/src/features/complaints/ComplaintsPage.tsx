import {
  Anchor,
  Button,
  Group,
  Loader,
  MultiSelect,
  Stack,
  Switch,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { errorMessage } from '../../api/problem';
import { UserSelect } from '../activities/UserSelect';
import { seesTeam, useMe } from '../auth/queries';
import { LoadError } from '../shell/LoadError';
import { ComplaintDeadline, ComplaintStatusBadge } from './ComplaintBadges';
import { ComplaintDrawer } from './ComplaintDrawer';
import {
  COMPLAINT_KINDS,
  COMPLAINT_STATUSES,
  type ComplaintFilters,
  type ComplaintKind,
  type ComplaintStatus,
  useComplaints,
} from './queries';

function filtersOf(params: URLSearchParams): ComplaintFilters {
  return {
    statuses: params
      .getAll('status')
      .filter((s): s is ComplaintStatus => COMPLAINT_STATUSES.includes(s as ComplaintStatus)),
    kinds: params
      .getAll('kind')
      .filter((k): k is ComplaintKind => COMPLAINT_KINDS.includes(k as ComplaintKind)),
    ownerId: params.get('owner_id'),
    clientId: params.get('client_id'),
    dealId: null,
    overdue: params.get('overdue') === 'true' ? true : null,
  };
}

/** Complaints (рекламации) of the owners the caller sees, earliest deadline first: overdue
 * ones in red with the days they are late, the others with the days left; one opens in a
 * drawer to be taken in work, resolved or rejected. */
export function ComplaintsPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const filters = filtersOf(params);
  const me = useMe();
  const complaints = useComplaints(filters);
  const rows = complaints.data?.pages.flatMap((page) => page.items) ?? [];
  const openId = params.get('open');

  const setParam = (name: string, values: string[]) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        next.delete(name);
        for (const value of values) next.append(name, value);
        return next;
      },
      { replace: true },
    );

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{t('complaints.title')}</Title>
        <Anchor component={Link} to="/reports/complaints">
          {t('complaints.report.link')}
        </Anchor>
      </Group>
      <Group align="flex-end" wrap="wrap">
        <MultiSelect
          label={t('complaints.statusLabel')}
          data={COMPLAINT_STATUSES.map((value) => ({
            value,
            label: t(`complaints.status.${value}`),
          }))}
          value={filters.statuses}
          onChange={(values) => setParam('status', values)}
          clearable
          w={260}
        />
        <MultiSelect
          label={t('complaints.kind.label')}
          data={COMPLAINT_KINDS.map((value) => ({ value, label: t(`complaints.kind.${value}`) }))}
          value={filters.kinds}
          onChange={(values) => setParam('kind', values)}
          clearable
          w={260}
        />
        {me.data && seesTeam(me.data) ? (
          <div style={{ width: 240 }}>
            <UserSelect
              label={t('complaints.owner')}
              value={filters.ownerId}
              onChange={(value) => setParam('owner_id', value ? [value] : [])}
              clearable
              ownersOf="deals"
            />
          </div>
        ) : null}
        <Switch
          label={t('complaints.onlyOverdue')}
          checked={filters.overdue === true}
          onChange={(event) => setParam('overdue', event.currentTarget.checked ? ['true'] : [])}
        />
      </Group>
      {complaints.isPending ? <Loader aria-label={t('complaints.loading')} /> : null}
      {complaints.isError && !complaints.isFetchNextPageError ? (
        <LoadError
          message={errorMessage(complaints.error, t)}
          onRetry={() => void complaints.refetch()}
          retrying={complaints.isFetching}
        />
      ) : null}
      {complaints.isSuccess && rows.length === 0 ? (
        <Text c="dimmed">{t('complaints.empty')}</Text>
      ) : null}
      {rows.length > 0 ? (
        <Table.ScrollContainer minWidth={760}>
          <Table withTableBorder highlightOnHover aria-label={t('complaints.tableLabel')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('complaints.client')}</Table.Th>
                <Table.Th>{t('complaints.kind.label')}</Table.Th>
                <Table.Th>{t('complaints.description')}</Table.Th>
                <Table.Th>{t('complaints.owner')}</Table.Th>
                <Table.Th style={{ minWidth: '10rem' }}>{t('complaints.deadline')}</Table.Th>
                <Table.Th style={{ minWidth: '8rem' }}>{t('complaints.statusLabel')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((complaint) => (
                <Table.Tr
                  key={complaint.id}
                  data-testid="complaint-row"
                  data-overdue={complaint.is_overdue ? 'true' : undefined}
                  bg={complaint.is_overdue ? 'var(--mantine-color-red-light)' : undefined}
                  style={{ cursor: 'pointer' }}
                  onClick={() =>
                    setParams(
                      (current) => {
                        const next = new URLSearchParams(current);
                        next.set('open', complaint.id);
                        return next;
                      },
                      { replace: true },
                    )
                  }
                >
                  <Table.Td>
                    <Anchor
                      component={Link}
                      to={`/clients/${complaint.client_id}`}
                      onClick={(event) => event.stopPropagation()}
                    >
                      {complaint.client_name ?? '—'}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{t(`complaints.kind.${complaint.kind}`)}</Table.Td>
                  <Table.Td>
                    <Text size="sm" lineClamp={2}>
                      {complaint.description}
                    </Text>
                  </Table.Td>
                  <Table.Td>{complaint.owner_name ?? '—'}</Table.Td>
                  <Table.Td>
                    <ComplaintDeadline complaint={complaint} />
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    <ComplaintStatusBadge complaint={complaint} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      ) : null}
      {complaints.hasNextPage ? (
        <Group justify="center">
          <Button
            variant="default"
            loading={complaints.isFetchingNextPage}
            onClick={() => void complaints.fetchNextPage()}
          >
            {t('complaints.showMore')}
          </Button>
        </Group>
      ) : null}
      {complaints.isFetchNextPageError ? (
        <LoadError
          retrying={complaints.isFetching}
          onRetry={() => void complaints.fetchNextPage()}
        />
      ) : null}
      <ComplaintDrawer id={openId} onClose={() => setParam('open', [])} />
    </Stack>
  );
}
