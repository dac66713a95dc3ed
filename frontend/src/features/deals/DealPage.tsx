import {
  Anchor,
  Badge,
  Button,
  Card,
  Center,
  Grid,
  Group,
  Loader,
  Modal,
  Select,
  SimpleGrid,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { ApiError } from '../../api/problem';
import { problemText } from '../../api/problemText';
import { WorkPanel } from '../activities/WorkPanel';
import { WorkTimeline } from '../activities/WorkTimeline';
import { UserSelect } from '../activities/UserSelect';
import { useDealTimeline } from '../activities/queries';
import { AttachmentList } from '../attachments/AttachmentList';
import { DealRuleRuns } from '../automation/RuleRunLog';
import { InvoicePanel } from '../billing/InvoicePanel';
import { DealLossMaking } from '../karma/DealLossMaking';
import { DealSurveyPanel } from '../loyalty/DealSurveyPanel';
import { ComplaintsPanel } from '../complaints/ComplaintsPanel';
import { useClient, useUserName } from '../clients/queries';
import { LoadError } from '../shell/LoadError';
import { dealChanges, type Change } from './dealChanges';
import { DealConflictModal } from './DealConflictModal';
import { CallScriptPanel } from '../callScripts/CallScriptPanel';
import { DealFollowUpPanel } from './DealFollowUpPanel';
import { DealLoseModal } from './DealLoseModal';
import { DealProducts } from './DealProducts';
import { DealStageHistory } from './DealStageHistory';
import { FieldInput } from './DealFieldInput';
import { fieldLabel, formatDuration, initialValue, toPatch, type EditableName } from './dealFields';
import {
  dealDetailKeys,
  fetchDeal,
  useCloseDeal,
  useDeal,
  useDealCustomFields,
  useMoveDealFromPage,
  useSetDeal,
  useUpdateDeal,
  type CustomField,
  type DealUpdate,
} from './dealQueries';
import { formatMoney } from './money';
import { useFunnels, type Deal } from './queries';
import { askForRequirements, requirementsOf } from './requirements';
import { InlineField } from './InlineField';
import { StageRequirementsHost } from './StageRequirementsModal';

const CURRENCIES = ['RUB', 'UAH', 'KZT', 'BYN', 'USD', 'EUR', 'CNY'];
const STATUS_COLORS = { open: 'blue', won: 'green', lost: 'red' } as const;

export function DealPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const deal = useDeal(id);
  if (deal.isPending) {
    return (
      <Center>
        <Loader />
      </Center>
    );
  }
  if (!deal.data) {
    return (
      <Stack>
        {deal.error?.status === 404 ? (
          <Text c="dimmed">{t('dealPage.notFound')}</Text>
        ) : (
          <LoadError onRetry={() => void deal.refetch()} retrying={deal.isFetching} />
        )}
        <Anchor component={Link} to="/deals">
          ← {t('dealPage.back')}
        </Anchor>
      </Stack>
    );
  }
  return <DealDetails deal={deal.data} />;
}

interface Conflict {
  changes: Change[];
  fresh: Deal;
  /** The refused edit, to send again on top of the fresh deal. */
  patch: DealUpdate | null;
}

function DealDetails({ deal }: { deal: Deal }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const update = useUpdateDeal();
  const move = useMoveDealFromPage();
  const close = useCloseDeal();
  const setDeal = useSetDeal();
  const funnels = useFunnels();
  const customFields = useDealCustomFields();
  const client = useClient(deal.client_id);
  const responsible = useUserName(deal.responsible_id);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [confirming, setConfirming] = useState<'win' | 'reopen' | null>(null);
  const [losing, setLosing] = useState(false);
  const definitions = customFields.data ?? [];
  const open = deal.status === 'open';
  const money = (value: string | number) => formatMoney(value, deal.currency, i18n.language);
  const contact = client.data?.contacts.find((item) => item.id === deal.contact_id);
  const stages = [
    ...(funnels.data?.find((funnel) => funnel.id === deal.funnel_id)?.stages ?? []),
  ].sort((a, b) => a.position - b.position);

  /** A refused write: 412 opens the conflict dialog; anything else is a notification. */
  const refused = async (error: unknown, patch: DealUpdate | null) => {
    if (error instanceof ApiError && error.status === 412) {
      const fresh = await fetchDeal(deal.id).catch(() => null);
      if (fresh) {
        setConflict({ changes: dealChanges(deal, fresh, t, definitions, names), fresh, patch });
        return;
      }
    }
    notifications.show({
      color: 'red',
      title: t('errors.title'),
      message: problemText(error, t, (field) => fieldLabel(field, t, definitions)),
    });
  };
  const names = (userId: string) =>
    queryClient.getQueryData<{ full_name: string }>(['users', 'detail', userId])?.full_name;

  const save = async (patch: DealUpdate): Promise<boolean> => {
    try {
      await update.mutateAsync({ deal, body: patch });
      return true;
    } catch (error) {
      await refused(error, patch);
      return false;
    }
  };

  const moveTo = async (stageId: string) => {
    try {
      const moved = await move.mutateAsync({ deal, stageId });
      notifications.show({
        color: 'green',
        message: t('stageRequirements.moved', { stage: moved.stage_name }),
      });
    } catch (error) {
      const missing =
        error instanceof ApiError && error.status === 422 ? requirementsOf(error.problem) : [];
      if (missing.length > 0) askForRequirements({ deal, stageId, missing });
      else await refused(error, null);
    }
  };

  const confirmClose = async () => {
    if (!confirming) return;
    try {
      await close.mutateAsync({ deal, action: confirming });
      notifications.show({
        color: 'green',
        message: confirming === 'win' ? t('deals.won') : t('dealPage.reopened'),
      });
    } catch (error) {
      await refused(error, null);
    }
    setConfirming(null);
  };

  const reload = () => {
    if (conflict) queryClient.setQueryData(dealDetailKeys.detail(deal.id), conflict.fresh);
    setConflict(null);
  };
  const overwrite = async () => {
    if (!conflict?.patch) return;
    const { fresh, patch } = conflict;
    try {
      await update.mutateAsync({ deal: fresh, body: patch });
      setConflict(null);
    } catch (error) {
      setConflict(null);
      await refused(error, patch);
    }
  };

  const field = (name: EditableName, display: ReactNode, definition?: CustomField) => (
    <InlineFieldFor
      key={name}
      name={name}
      deal={deal}
      display={display}
      definition={definition}
      definitions={definitions}
      save={save}
    />
  );

  return (
    <Stack>
      <Anchor component={Link} to="/deals" size="sm">
        ← {t('dealPage.back')}
      </Anchor>
      <Group align="start" justify="space-between">
        <Stack gap={4} style={{ flex: '1 1 20rem' }}>
          <InlineFieldFor
            name="title"
            deal={deal}
            display={
              <Title order={2} component="span">
                {deal.title}
              </Title>
            }
            definitions={definitions}
            save={save}
            testId="deal-title"
          />
          <Group gap="xs">
            <Badge color={STATUS_COLORS[deal.status]}>
              {t(`dealPage.statusName.${deal.status}`)}
            </Badge>
            {deal.is_stale ? <Badge color="orange">{t('deals.stale')}</Badge> : null}
            <Anchor component={Link} to={`/clients/${deal.client_id}`}>
              {deal.client_name ?? t('dealPage.client')}
            </Anchor>
          </Group>
        </Stack>
        <Group gap="xs">
          {open ? (
            <>
              <Button color="green" onClick={() => setConfirming('win')}>
                {t('deals.win')}
              </Button>
              <Button color="red" variant="light" onClick={() => setLosing(true)}>
                {t('deals.lose')}
              </Button>
            </>
          ) : (
            <Button variant="default" onClick={() => setConfirming('reopen')}>
              {t('dealPage.reopen')}
            </Button>
          )}
        </Group>
      </Group>

      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Stack>
            <Card withBorder>
              <Stack gap="sm">
                <Group align="end" wrap="wrap">
                  <Select
                    label={t('dealPage.stage')}
                    data={stages.map((stage) => ({ value: stage.id, label: stage.name }))}
                    value={deal.stage_id}
                    onChange={(value) => value && value !== deal.stage_id && void moveTo(value)}
                    allowDeselect={false}
                    disabled={!open || move.isPending}
                    style={{ flex: '1 1 14rem' }}
                  />
                  <Text size="sm" c="dimmed">
                    {t('deals.probability', { value: Number(deal.probability) })} ·{' '}
                    {t('dealPage.inStageFor', {
                      time: formatDuration(deal.time_in_stage_seconds, t),
                    })}
                  </Text>
                </Group>
                {deal.status === 'lost' && deal.loss_comment ? (
                  <Text size="sm">
                    {t('deals.comment')}: {deal.loss_comment}
                  </Text>
                ) : null}
                <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
                  {field('amount', money(deal.amount))}
                  <InlineCurrency deal={deal} save={save} />
                  {field(
                    'expected_margin',
                    deal.expected_margin === null ? '—' : money(deal.expected_margin),
                  )}
                  {field(
                    'expected_close_date',
                    deal.expected_close_date
                      ? new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium' }).format(
                          new Date(`${deal.expected_close_date}T00:00:00`),
                        )
                      : '—',
                  )}
                  {field('contact_id', contact?.full_name ?? '—')}
                  <InlineResponsible deal={deal} name={responsible.data} save={save} />
                  {field('source_channel', deal.source_channel ?? '—')}
                  {definitions.map((definition) =>
                    field(
                      `custom:${definition.key}`,
                      initialValue(`custom:${definition.key}`, deal) || '—',
                      definition,
                    ),
                  )}
                </SimpleGrid>
              </Stack>
            </Card>
            <Title order={3}>{t('dealField.products')}</Title>
            <DealProducts deal={deal} save={save} disabled={false} />
            <Title order={3}>{t('dealPage.invoices')}</Title>
            <InvoicePanel deal={deal} />
            <DealLossMaking deal={deal} />
            <DealSurveyPanel deal={deal} />
            <DealFollowUpPanel key={deal.version} deal={deal} save={save} />
            <ComplaintsPanel clientId={deal.client_id} dealId={deal.id} />
            <Title order={3}>{t('dealPage.history')}</Title>
            <DealStageHistory dealId={deal.id} />
            <Title order={3}>{t('dealPage.files')}</Title>
            <AttachmentList owner={{ dealId: deal.id }} />
            <Title order={3}>{t('automation.dealRuns')}</Title>
            <DealRuleRuns dealId={deal.id} />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Stack>
            {open && (
              <CallScriptPanel
                key={deal.stage_id}
                record={{ dealId: deal.id, stageId: deal.stage_id }}
              />
            )}
            <WorkPanel subject={{ dealId: deal.id, clientId: deal.client_id }} />
            <Title order={3}>{t('dealPage.timeline')}</Title>
            <DealTimeline dealId={deal.id} />
          </Stack>
        </Grid.Col>
      </Grid>

      {conflict ? (
        <DealConflictModal
          changes={conflict.changes}
          onReload={reload}
          onOverwrite={conflict.patch ? () => void overwrite() : undefined}
          overwriting={update.isPending}
          onClose={reload}
        />
      ) : null}
      <Modal
        opened={confirming !== null}
        onClose={() => setConfirming(null)}
        title={confirming === 'win' ? t('dealPage.winTitle') : t('dealPage.reopenTitle')}
      >
        <Stack>
          <Text>
            {confirming === 'win'
              ? t('dealPage.winConfirm', { title: deal.title, amount: money(deal.amount) })
              : t('dealPage.reopenConfirm', { title: deal.title })}
          </Text>
          <Group justify="end">
            <Button variant="default" onClick={() => setConfirming(null)}>
              {t('deals.cancel')}
            </Button>
            <Button
              color={confirming === 'win' ? 'green' : 'blue'}
              loading={close.isPending}
              onClick={() => void confirmClose()}
            >
              {confirming === 'win' ? t('dealPage.confirmWin') : t('dealPage.confirmReopen')}
            </Button>
          </Group>
        </Stack>
      </Modal>
      {losing ? (
        <DealLoseModal
          deal={deal}
          onClose={() => setLosing(false)}
          onLost={(lost) => void setDeal(lost)}
        />
      ) : null}
      <StageRequirementsHost />
    </Stack>
  );
}

function InlineFieldFor({
  name,
  deal,
  display,
  definition,
  definitions,
  save,
  testId,
}: {
  name: EditableName;
  deal: Deal;
  display: ReactNode;
  definition?: CustomField;
  definitions: CustomField[];
  save: (patch: DealUpdate) => Promise<boolean>;
  testId?: string;
}) {
  const { t } = useTranslation();
  const label = fieldLabel(name, t, definitions);
  return (
    <InlineField
      label={label}
      display={display}
      initial={initialValue(name, deal)}
      testId={testId ?? `deal-field-${name}`}
      toPatch={(value) => toPatch(name, value, deal, t, definition)}
      save={save}
      editor={({ value, onChange, error }) => (
        <FieldInput
          name={name}
          deal={deal}
          label={label}
          definition={definition}
          value={value}
          onChange={onChange}
          error={error}
          autoFocus
        />
      )}
    />
  );
}

function InlineCurrency({
  deal,
  save,
}: {
  deal: Deal;
  save: (patch: DealUpdate) => Promise<boolean>;
}) {
  const { t } = useTranslation();
  const data = CURRENCIES.includes(deal.currency) ? CURRENCIES : [deal.currency, ...CURRENCIES];
  return (
    <InlineField
      label={t('dealPage.currency')}
      display={deal.currency}
      initial={deal.currency}
      testId="deal-field-currency"
      toPatch={(value) => ({ patch: { currency: value } })}
      save={save}
      editor={({ value, onChange }) => (
        <Select
          label={t('dealPage.currency')}
          data={data}
          value={value}
          onChange={(next) => next && onChange(next)}
          allowDeselect={false}
        />
      )}
    />
  );
}

function InlineResponsible({
  deal,
  name,
  save,
}: {
  deal: Deal;
  name: string | undefined;
  save: (patch: DealUpdate) => Promise<boolean>;
}) {
  const { t } = useTranslation();
  return (
    <InlineField
      label={t('dealPage.responsible')}
      display={name ?? '—'}
      initial={deal.responsible_id}
      testId="deal-field-responsible"
      toPatch={(value) =>
        value ? { patch: { responsible_id: value } } : { error: t('dealPage.required') }
      }
      save={save}
      editor={({ value, onChange, error }) => (
        <UserSelect
          label={t('dealPage.responsible')}
          value={value || null}
          onChange={(next) => onChange(next ?? '')}
          error={error}
        />
      )}
    />
  );
}

function DealTimeline({ dealId }: { dealId: string }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const timeline = useDealTimeline(dealId);
  if (timeline.isPending) return <Loader size="sm" />;
  if (timeline.isError)
    return <LoadError onRetry={() => void timeline.refetch()} retrying={timeline.isFetching} />;
  if (timeline.data.items.length === 0) return <Text c="dimmed">{t('clients.noTimeline')}</Text>;
  return (
    <WorkTimeline
      items={timeline.data.items}
      actorName={(id) =>
        queryClient.getQueryData<{ full_name: string }>(['users', 'detail', id])?.full_name
      }
    />
  );
}
