import {
  ActionIcon,
  Alert,
  Button,
  Group,
  MultiSelect,
  NumberInput,
  Paper,
  Select,
  Stack,
  Switch,
  TagsInput,
  Text,
  TextInput,
  Textarea,
  Title,
} from '@mantine/core';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, errorMessage, mapProblemToFields } from '../../api/problem';
import { useFunnels } from '../deals/queries';
import { useDepartments, useRoles, useUsers } from '../settings/queries';
import { useWebhookEndpoints } from '../webhooks/queries';
import { DryRunResult } from './DryRunResult';
import {
  ACTION_KINDS,
  type ActionKind,
  type AutomationRule,
  CONDITION_KINDS,
  MAX_ACTIONS,
  MAX_CONDITIONS,
  RECIPIENT_KINDS,
  type RuleAction,
  type RuleCondition,
  type RuleCreate,
  type RuleRecipient,
  TRIGGER_KINDS,
  type TriggerKind,
  useDryRun,
  useSaveRule,
} from './queries';

// Built-in role codes (domain/staff/permissions.py), offered when the roles cannot be read.
const BUILTIN_ROLES = [
  'admin',
  'head_of_sales',
  'seller',
  'telemarketer',
  'marketer',
  'assistant',
  'lawyer',
  'account_manager',
  'project_manager',
];
const STAGE_TRIGGERS: readonly TriggerKind[] = [
  'deal_entered_stage',
  'deal_left_stage',
  'deal_stayed_in_stage',
];
const WATCHED_FIELDS = ['amount', 'responsible_id', 'source_channel', 'source_campaign', 'title'];
const SETTABLE_FIELDS = ['amount', 'source_channel', 'source_campaign', 'title'];
const RECIPIENT_ACTIONS: readonly ActionKind[] = [
  'create_task',
  'change_responsible',
  'notify',
  'send_email',
];

const EMPTY: RuleCreate = {
  name: '',
  is_enabled: true,
  trigger: { kind: 'deal_entered_stage' },
  conditions: [],
  actions: [{ kind: 'create_task', recipient: { kind: 'responsible' }, title: '' }],
};

function fromRule(rule: AutomationRule | null): RuleCreate {
  if (!rule) return EMPTY;
  return {
    name: rule.name,
    is_enabled: rule.is_enabled,
    trigger: rule.trigger,
    conditions: rule.conditions,
    actions: rule.actions,
  };
}

/** Drops the fields another kind would read, so the server does not refuse them. */
function clean<T extends object>(value: T): T {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== null && v !== undefined && v !== ''),
  ) as T;
}

function outgoing(draft: RuleCreate): RuleCreate {
  return {
    ...draft,
    trigger: clean(draft.trigger),
    conditions: (draft.conditions ?? []).map(clean),
    actions: draft.actions.map((action) => {
      const cleaned = clean(action);
      return action.recipient ? { ...cleaned, recipient: clean(action.recipient) } : cleaned;
    }),
  };
}

function knownFields(draft: RuleCreate): string[] {
  const keys = ['name', 'trigger', 'trigger.kind', 'trigger.stage_id', 'trigger.days'];
  keys.push('trigger.field', 'conditions', 'actions');
  (draft.conditions ?? []).forEach((_, i) => keys.push(`conditions.${i}`));
  draft.actions.forEach((_, i) => {
    for (const name of ['', '.recipient', '.title', '.text', '.stage_id', '.field', '.value']) {
      keys.push(`actions.${i}${name}`);
    }
    for (const name of ['.email', '.subject', '.body', '.endpoint_id', '.due_in_days']) {
      keys.push(`actions.${i}${name}`);
    }
  });
  return keys;
}

/** The form for one rule: its trigger, conditions and actions, with the dry run. */
export function RuleEditor({
  rule,
  onClose,
}: {
  rule: AutomationRule | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<RuleCreate>(() => fromRule(rule));
  const save = useSaveRule();
  const dryRun = useDryRun();
  const funnels = useFunnels();
  const users = useUsers();
  const roles = useRoles();
  const endpoints = useWebhookEndpoints();
  const departments = useDepartments();

  const stages = useMemo(
    () =>
      (funnels.data ?? []).flatMap((funnel) =>
        funnel.stages.map((stage) => ({
          value: stage.id,
          label: `${funnel.name} › ${stage.name}`,
        })),
      ),
    [funnels.data],
  );
  const funnelOptions = (funnels.data ?? []).map((f) => ({ value: f.id, label: f.name }));
  const userOptions = (users.data ?? [])
    .filter((u) => u.is_active)
    .map((u) => ({ value: u.id, label: u.full_name }));
  const roleOptions = roles.data
    ? roles.data.filter((r) => r.code).map((r) => ({ value: r.code ?? '', label: r.name }))
    : BUILTIN_ROLES.map((code) => ({ value: code, label: code }));
  const endpointOptions = (endpoints.data ?? []).map((e) => ({ value: e.id, label: e.url }));
  const departmentOptions = (departments.data ?? []).map((d) => ({ value: d.id, label: d.name }));

  const problem = save.error instanceof ApiError ? save.error.problem : null;
  const { fieldErrors, otherErrors } = mapProblemToFields(problem, knownFields(draft), {
    nested: true,
  });

  const setTrigger = (patch: Partial<RuleCreate['trigger']>) =>
    setDraft((d) => ({ ...d, trigger: { ...d.trigger, ...patch } }));
  const setCondition = (index: number, patch: Partial<RuleCondition>) =>
    setDraft((d) => ({
      ...d,
      conditions: (d.conditions ?? []).map((c, i) => (i === index ? { ...c, ...patch } : c)),
    }));
  const setAction = (index: number, patch: Partial<RuleAction>) =>
    setDraft((d) => ({
      ...d,
      actions: d.actions.map((a, i) => (i === index ? { ...a, ...patch } : a)),
    }));

  const submit = () => save.mutate({ rule, body: outgoing(draft) }, { onSuccess: () => onClose() });

  const trigger = draft.trigger;
  return (
    <Stack>
      <TextInput
        label={t('automation.name')}
        required
        maxLength={200}
        value={draft.name}
        error={fieldErrors.name}
        onChange={(e) => {
          const name = e.currentTarget.value;
          setDraft((d) => ({ ...d, name }));
        }}
      />
      <Switch
        label={t('automation.enabled')}
        checked={draft.is_enabled ?? true}
        onChange={(e) => {
          const checked = e.currentTarget.checked;
          setDraft((d) => ({ ...d, is_enabled: checked }));
        }}
      />

      <Title order={4}>{t('automation.when')}</Title>
      <Paper withBorder p="sm">
        <Stack gap="xs">
          <Select
            label={t('automation.triggerKind')}
            data={TRIGGER_KINDS.map((kind) => ({
              value: kind,
              label: t(`automation.trigger.${kind}`),
            }))}
            value={trigger.kind}
            allowDeselect={false}
            onChange={(kind) => kind && setDraft((d) => ({ ...d, trigger: { kind: kind } }))}
          />
          {STAGE_TRIGGERS.includes(trigger.kind) && (
            <Select
              label={t('automation.stage')}
              placeholder={t('automation.anyStage')}
              data={stages}
              searchable
              clearable={trigger.kind !== 'deal_stayed_in_stage'}
              value={trigger.stage_id ?? null}
              error={fieldErrors['trigger.stage_id']}
              onChange={(value) => setTrigger({ stage_id: value })}
            />
          )}
          {trigger.kind === 'deal_stayed_in_stage' && (
            <NumberInput
              label={t('automation.days')}
              min={1}
              max={365}
              value={trigger.days ?? ''}
              error={fieldErrors['trigger.days']}
              onChange={(value) => setTrigger({ days: typeof value === 'number' ? value : null })}
            />
          )}
          {trigger.kind === 'deal_field_changed' && (
            <TextInput
              label={t('automation.field')}
              description={t('automation.fieldHint', { fields: WATCHED_FIELDS.join(', ') })}
              value={trigger.field ?? ''}
              error={fieldErrors['trigger.field']}
              onChange={(e) => setTrigger({ field: e.currentTarget.value })}
            />
          )}
        </Stack>
      </Paper>

      <Group justify="space-between">
        <Title order={4}>{t('automation.if')}</Title>
        <Button
          size="xs"
          variant="default"
          disabled={(draft.conditions ?? []).length >= MAX_CONDITIONS}
          onClick={() =>
            setDraft((d) => ({
              ...d,
              conditions: [...(d.conditions ?? []), { kind: 'funnel', ids: [] }],
            }))
          }
        >
          {t('automation.addCondition')}
        </Button>
      </Group>
      {(draft.conditions ?? []).length === 0 && (
        <Text size="sm" c="dimmed">
          {t('automation.noConditions')}
        </Text>
      )}
      {(draft.conditions ?? []).map((condition, index) => (
        <Paper withBorder p="sm" key={index} data-testid="rule-condition">
          <Stack gap="xs">
            <Group align="flex-end" wrap="nowrap">
              <Select
                style={{ flex: 1 }}
                label={t('automation.conditionKind')}
                data={CONDITION_KINDS.map((kind) => ({
                  value: kind,
                  label: t(`automation.condition.${kind}`),
                }))}
                value={condition.kind}
                allowDeselect={false}
                error={fieldErrors[`conditions.${index}`]}
                onChange={(kind) =>
                  kind &&
                  setDraft((d) => ({
                    ...d,
                    conditions: (d.conditions ?? []).map((c, i) =>
                      i === index ? { kind: kind } : c,
                    ),
                  }))
                }
              />
              <ActionIcon
                variant="subtle"
                color="red"
                aria-label={t('automation.remove')}
                onClick={() =>
                  setDraft((d) => ({
                    ...d,
                    conditions: (d.conditions ?? []).filter((_, i) => i !== index),
                  }))
                }
              >
                ×
              </ActionIcon>
            </Group>
            {condition.kind === 'funnel' && (
              <MultiSelect
                label={t('automation.funnels')}
                data={funnelOptions}
                value={condition.ids ?? []}
                onChange={(ids) => setCondition(index, { ids })}
              />
            )}
            {condition.kind === 'stage' && (
              <MultiSelect
                label={t('automation.stages')}
                data={stages}
                searchable
                value={condition.ids ?? []}
                onChange={(ids) => setCondition(index, { ids })}
              />
            )}
            {condition.kind === 'amount' && (
              <Group grow>
                <TextInput
                  label={t('automation.minAmount')}
                  value={String(condition.min_amount ?? '')}
                  onChange={(e) => setCondition(index, { min_amount: e.currentTarget.value })}
                />
                <TextInput
                  label={t('automation.maxAmount')}
                  value={String(condition.max_amount ?? '')}
                  onChange={(e) => setCondition(index, { max_amount: e.currentTarget.value })}
                />
              </Group>
            )}
            {(condition.kind === 'source' ||
              condition.kind === 'tags' ||
              condition.kind === 'responsible_role') &&
              (condition.kind === 'responsible_role' ? (
                <MultiSelect
                  label={t('automation.roles')}
                  data={roleOptions}
                  value={condition.values ?? []}
                  onChange={(values) => setCondition(index, { values })}
                />
              ) : (
                <TagsInput
                  label={t(condition.kind === 'tags' ? 'automation.tags' : 'automation.sources')}
                  value={condition.values ?? []}
                  onChange={(values) => setCondition(index, { values })}
                />
              ))}
            {condition.kind === 'custom_field' && (
              <Group grow>
                <TextInput
                  label={t('automation.customFieldCode')}
                  value={condition.field ?? ''}
                  onChange={(e) => setCondition(index, { field: e.currentTarget.value })}
                />
                <TextInput
                  label={t('automation.value')}
                  value={condition.value ?? ''}
                  onChange={(e) => setCondition(index, { value: e.currentTarget.value })}
                />
              </Group>
            )}
            {condition.kind === 'responsible_department' && (
              <MultiSelect
                label={t('automation.departments')}
                description={t('automation.departmentsHint')}
                data={departmentOptions}
                value={condition.ids ?? []}
                onChange={(ids) => setCondition(index, { ids })}
              />
            )}
          </Stack>
        </Paper>
      ))}

      <Group justify="space-between">
        <Title order={4}>{t('automation.then')}</Title>
        <Button
          size="xs"
          variant="default"
          disabled={draft.actions.length >= MAX_ACTIONS}
          onClick={() =>
            setDraft((d) => ({
              ...d,
              actions: [...d.actions, { kind: 'notify', recipient: { kind: 'responsible' } }],
            }))
          }
        >
          {t('automation.addAction')}
        </Button>
      </Group>
      {draft.actions.map((action, index) => (
        <Paper withBorder p="sm" key={index} data-testid="rule-action">
          <Stack gap="xs">
            <Group align="flex-end" wrap="nowrap">
              <Select
                style={{ flex: 1 }}
                label={t('automation.actionKind')}
                data={ACTION_KINDS.map((kind) => ({
                  value: kind,
                  label: t(`automation.action.${kind}`),
                }))}
                value={action.kind}
                allowDeselect={false}
                error={fieldErrors[`actions.${index}`]}
                onChange={(kind) =>
                  kind &&
                  setDraft((d) => ({
                    ...d,
                    actions: d.actions.map((a, i) =>
                      i === index
                        ? {
                            kind: kind,
                            recipient: RECIPIENT_ACTIONS.includes(kind)
                              ? { kind: kind === 'change_responsible' ? 'role' : 'responsible' }
                              : null,
                          }
                        : a,
                    ),
                  }))
                }
              />
              <ActionIcon
                variant="subtle"
                color="red"
                aria-label={t('automation.remove')}
                disabled={draft.actions.length === 1}
                onClick={() =>
                  setDraft((d) => ({ ...d, actions: d.actions.filter((_, i) => i !== index) }))
                }
              >
                ×
              </ActionIcon>
            </Group>
            {action.recipient && (
              <RecipientPicker
                recipient={action.recipient}
                users={userOptions}
                roles={roleOptions}
                error={fieldErrors[`actions.${index}.recipient`]}
                onChange={(recipient) => setAction(index, { recipient })}
              />
            )}
            {action.kind === 'create_task' && (
              <>
                <TextInput
                  label={t('automation.taskTitle')}
                  description={t('automation.placeholders')}
                  maxLength={200}
                  value={action.title ?? ''}
                  error={fieldErrors[`actions.${index}.title`]}
                  onChange={(e) => setAction(index, { title: e.currentTarget.value })}
                />
                <NumberInput
                  label={t('automation.dueInDays')}
                  min={0}
                  max={365}
                  value={action.due_in_days ?? ''}
                  onChange={(value) =>
                    setAction(index, { due_in_days: typeof value === 'number' ? value : null })
                  }
                />
              </>
            )}
            {(action.kind === 'notify' || action.kind === 'create_task') && (
              <Textarea
                label={t(
                  action.kind === 'notify' ? 'automation.notifyText' : 'automation.description',
                )}
                maxLength={1000}
                value={action.text ?? ''}
                error={fieldErrors[`actions.${index}.text`]}
                onChange={(e) => setAction(index, { text: e.currentTarget.value })}
              />
            )}
            {action.kind === 'send_email' && (
              <>
                <Switch
                  label={t('automation.fixedEmail')}
                  checked={action.recipient === null || action.recipient === undefined}
                  onChange={(e) =>
                    setAction(
                      index,
                      e.currentTarget.checked
                        ? { recipient: null, email: '' }
                        : { recipient: { kind: 'responsible' }, email: null },
                    )
                  }
                />
                {!action.recipient && (
                  <TextInput
                    label={t('automation.email')}
                    value={action.email ?? ''}
                    error={fieldErrors[`actions.${index}.email`]}
                    onChange={(e) => setAction(index, { email: e.currentTarget.value })}
                  />
                )}
                <TextInput
                  label={t('automation.subject')}
                  description={t('automation.placeholders')}
                  maxLength={200}
                  value={action.subject ?? ''}
                  error={fieldErrors[`actions.${index}.subject`]}
                  onChange={(e) => setAction(index, { subject: e.currentTarget.value })}
                />
                <Textarea
                  label={t('automation.body')}
                  autosize
                  minRows={3}
                  maxLength={5000}
                  value={action.body ?? ''}
                  error={fieldErrors[`actions.${index}.body`]}
                  onChange={(e) => setAction(index, { body: e.currentTarget.value })}
                />
              </>
            )}
            {action.kind === 'move_to_stage' && (
              <Select
                label={t('automation.targetStage')}
                data={stages}
                searchable
                value={action.stage_id ?? null}
                error={fieldErrors[`actions.${index}.stage_id`]}
                onChange={(value) => setAction(index, { stage_id: value })}
              />
            )}
            {action.kind === 'set_field' && (
              <Group grow>
                <TextInput
                  label={t('automation.field')}
                  description={t('automation.fieldHint', { fields: SETTABLE_FIELDS.join(', ') })}
                  value={action.field ?? ''}
                  error={fieldErrors[`actions.${index}.field`]}
                  onChange={(e) => setAction(index, { field: e.currentTarget.value })}
                />
                <TextInput
                  label={t('automation.value')}
                  value={action.value ?? ''}
                  error={fieldErrors[`actions.${index}.value`]}
                  onChange={(e) => setAction(index, { value: e.currentTarget.value })}
                />
              </Group>
            )}
            {action.kind === 'call_webhook' && (
              <Select
                label={t('automation.endpoint')}
                data={endpointOptions}
                value={action.endpoint_id ?? null}
                error={fieldErrors[`actions.${index}.endpoint_id`]}
                onChange={(value) => setAction(index, { endpoint_id: value })}
              />
            )}
          </Stack>
        </Paper>
      ))}

      {(otherErrors.length > 0 || (save.isError && !problem?.errors?.length)) && (
        <Alert color="red">
          {otherErrors.length > 0 ? otherErrors.join('; ') : errorMessage(save.error, t)}
        </Alert>
      )}
      <Group justify="space-between">
        <Button
          variant="default"
          loading={dryRun.isPending}
          onClick={() => dryRun.mutate({ body: outgoing(draft) })}
        >
          {t('automation.dryRun')}
        </Button>
        <Group>
          <Button variant="default" onClick={onClose}>
            {t('automation.cancel')}
          </Button>
          <Button loading={save.isPending} onClick={submit}>
            {t('automation.save')}
          </Button>
        </Group>
      </Group>
      {dryRun.isError && <Alert color="red">{errorMessage(dryRun.error, t)}</Alert>}
      {dryRun.data && <DryRunResult deals={dryRun.data.items} />}
    </Stack>
  );
}

function RecipientPicker({
  recipient,
  users,
  roles,
  error,
  onChange,
}: {
  recipient: RuleRecipient;
  users: { value: string; label: string }[];
  roles: { value: string; label: string }[];
  error?: string;
  onChange: (recipient: RuleRecipient) => void;
}) {
  const { t } = useTranslation();
  return (
    <Group grow align="flex-start">
      <Select
        label={t('automation.recipient')}
        data={RECIPIENT_KINDS.map((kind) => ({
          value: kind,
          label: t(`automation.recipientKind.${kind}`),
        }))}
        value={recipient.kind}
        allowDeselect={false}
        error={error}
        onChange={(kind) => kind && onChange({ kind: kind })}
      />
      {recipient.kind === 'user' && (
        <Select
          label={t('automation.user')}
          data={users}
          searchable
          value={recipient.user_id ?? null}
          onChange={(value) => onChange({ ...recipient, user_id: value })}
        />
      )}
      {recipient.kind === 'role' && (
        <Select
          label={t('automation.role')}
          data={roles}
          value={recipient.role ?? null}
          onChange={(value) => onChange({ ...recipient, role: value })}
        />
      )}
    </Group>
  );
}
