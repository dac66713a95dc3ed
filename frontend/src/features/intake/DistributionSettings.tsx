import {
  ActionIcon,
  Badge,
  Button,
  Center,
  Group,
  Loader,
  Modal,
  MultiSelect,
  NumberInput,
  Select,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import { problemText } from '../../api/problemText';
import { maxLength, required, rules } from '../../forms/rules';
import { markRefusedFields, userOptions } from '../settings/formHelpers';
import { useDepartments, useSettingsFunnels, useUsers } from '../settings/queries';
import { RowActions } from '../settings/RowActions';
import { LoadError } from '../shell/LoadError';
import { useDeleteRule, useRules, useSaveRule, type Rule, type RuleCreate } from './distribution';

type Kind = RuleCreate['kind'];
type Target = 'all' | 'form' | 'source' | 'funnel';

interface RuleForm {
  name: string;
  kind: Kind;
  target: Target;
  form_id: string | null;
  source: string;
  funnel_id: string | null;
  user_ids: string[];
  tag: string;
  tag_routes: { value: string; user_ids: string[] }[];
  department_id: string | null;
  escalate_after_minutes: number | string;
  to_responsible: boolean;
  priority: number | string;
  is_active: boolean;
}

const FIELDS = [
  'name',
  'kind',
  'form_id',
  'source',
  'funnel_id',
  'user_ids',
  'tag',
  'tag_routes',
  'department_id',
  'escalate_after_minutes',
  'priority',
] as const;

function toForm(rule: Rule | null): RuleForm {
  const target: Target = rule?.form_id
    ? 'form'
    : rule?.source
      ? 'source'
      : rule?.funnel_id
        ? 'funnel'
        : 'all';
  return {
    name: rule?.name ?? '',
    kind: (rule?.kind as Kind | undefined) ?? 'round_robin',
    target,
    form_id: rule?.form_id ?? null,
    source: rule?.source ?? '',
    funnel_id: rule?.funnel_id ?? null,
    user_ids: rule?.user_ids ?? [],
    tag: rule?.tag ?? '',
    tag_routes: rule?.tag_routes.map((r) => ({ value: r.value, user_ids: r.user_ids })) ?? [],
    department_id: rule?.department_id ?? null,
    escalate_after_minutes: rule ? (rule.escalate_after_minutes ?? '') : 15,
    to_responsible: rule?.to_responsible ?? true,
    priority: rule?.priority ?? 100,
    is_active: rule?.is_active ?? true,
  };
}

function toBody(values: RuleForm): RuleCreate {
  const minutes =
    values.escalate_after_minutes === '' ? null : Number(values.escalate_after_minutes);
  return {
    name: values.name.trim(),
    kind: values.kind,
    form_id: values.target === 'form' ? values.form_id : null,
    source: values.target === 'source' && values.source.trim() ? values.source.trim() : null,
    funnel_id: values.target === 'funnel' ? values.funnel_id : null,
    user_ids: values.user_ids,
    tag: values.kind === 'by_tag' && values.tag.trim() ? values.tag.trim() : null,
    tag_routes: values.kind === 'by_tag' ? values.tag_routes.filter((r) => r.value.trim()) : [],
    department_id: values.department_id,
    escalate_after_minutes: minutes,
    to_responsible: values.to_responsible,
    priority: Number(values.priority),
    is_active: values.is_active,
  };
}

// domain/intake/distribution.py RULE_NAME_MAX, SOURCE_MAX, TAG_VALUE_MAX; model.py TAG_MAX
const RULE_NAME_MAX = 200;
const SOURCE_MAX = 100;
const TAG_MAX = 64;
const TAG_VALUE_MAX = 100;

/**
 * A refused tag route's path (`tag_routes.1.value`) by the row that holds it: rows without a
 * value are not sent, so the second route sent may be the third row.
 */
function sentRoutes(values: RuleForm): Record<string, string> {
  const paths: Record<string, string> = {};
  let sent = 0;
  values.tag_routes.forEach((route, index) => {
    if (!route.value.trim()) return;
    for (const field of ['value', 'user_ids']) {
      paths[`tag_routes.${sent}.${field}`] = `tag_routes.${index}.${field}`;
    }
    sent += 1;
  });
  return paths;
}

/** Settings › Distribution: whom a form's, a source's or a funnel's leads go to, and how. */
export function DistributionSettings() {
  const { t } = useTranslation();
  const rules = useRules();
  const users = useUsers();
  const remove = useDeleteRule();
  const forms = useFormOptions();
  const funnels = useFunnelOptions();
  const [editing, setEditing] = useState<Rule | null | undefined>(undefined);
  const names = new Map((users.data ?? []).map((u) => [u.id, u.full_name]));
  const formName = (id: string) => forms.find((f) => f.id === id)?.name;
  const funnelName = (id: string) => funnels.find((f) => f.id === id)?.name;

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{t('distribution.title')}</Title>
        <Button onClick={() => setEditing(null)}>{t('distribution.add')}</Button>
      </Group>
      <Text size="sm" c="dimmed">
        {t('distribution.hint')}
      </Text>
      {rules.isPending ? (
        <Center>
          <Loader />
        </Center>
      ) : rules.isError ? (
        <LoadError retrying={rules.isFetching} onRetry={() => void rules.refetch()} />
      ) : rules.data.items.length === 0 ? (
        <Text c="dimmed">{t('distribution.empty')}</Text>
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('distribution.name')}</Table.Th>
                <Table.Th>{t('distribution.kind')}</Table.Th>
                <Table.Th>{t('distribution.appliesTo')}</Table.Th>
                <Table.Th>{t('distribution.people')}</Table.Th>
                <Table.Th>{t('distribution.escalation')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rules.data.items.map((rule) => (
                <Table.Tr key={rule.id} data-testid="rule-row">
                  <Table.Td>
                    <Group gap={6} wrap="nowrap">
                      <Text size="sm">{rule.name}</Text>
                      {!rule.is_active ? (
                        <Badge color="gray">{t('distribution.inactive')}</Badge>
                      ) : null}
                    </Group>
                  </Table.Td>
                  <Table.Td>{t(`distribution.kinds.${rule.kind as Kind}`)}</Table.Td>
                  <Table.Td>
                    {rule.form_id
                      ? `${t('distribution.targets.form')}: ${formName(rule.form_id) ?? '…'}`
                      : rule.source
                        ? `${t('distribution.targets.source')}: ${rule.source}`
                        : rule.funnel_id
                          ? `${t('distribution.targets.funnel')}: ${funnelName(rule.funnel_id) ?? '…'}`
                          : t('distribution.targets.all')}
                  </Table.Td>
                  <Table.Td>
                    {[...rule.user_ids, ...rule.tag_routes.flatMap((r) => r.user_ids)]
                      .filter((id, i, all) => all.indexOf(id) === i)
                      .map((id) => names.get(id) ?? '…')
                      .join(', ')}
                  </Table.Td>
                  <Table.Td>
                    {rule.escalate_after_minutes
                      ? t('distribution.afterMinutes', { count: rule.escalate_after_minutes })
                      : t('distribution.never')}
                  </Table.Td>
                  <Table.Td>
                    <RowActions
                      onEdit={() => setEditing(rule)}
                      onDelete={() =>
                        remove.mutate(rule.id, {
                          onError: (error) =>
                            notifications.show({ color: 'red', message: problemText(error, t) }),
                        })
                      }
                      confirmText={t('distribution.confirmDelete', { name: rule.name })}
                    />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {editing !== undefined ? (
        <RuleModal
          rule={editing}
          people={userOptions(users.data ?? [])}
          onClose={() => setEditing(undefined)}
        />
      ) : null}
    </Stack>
  );
}

function RuleModal({
  rule,
  people,
  onClose,
}: {
  rule: Rule | null;
  people: { value: string; label: string }[];
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const save = useSaveRule();
  const departments = useDepartments();
  const forms = useFormOptions();
  const funnelItems = useFunnelOptions();
  const form = useForm<RuleForm>({
    initialValues: toForm(rule),
    // A field is checked once it changed, so an untouched one says nothing.
    validateInputOnChange: true,
    validate: {
      name: rules(required(t, t('distribution.required')), maxLength(t, RULE_NAME_MAX)),
      source: (v, values) => (values.target === 'source' ? maxLength(t, SOURCE_MAX)(v) : null),
      user_ids: (v, values) =>
        values.kind !== 'by_tag' && v.length === 0 ? t('distribution.needPeople') : null,
      tag: (v, values) =>
        values.kind === 'by_tag'
          ? rules(required(t, t('distribution.required')), maxLength(t, TAG_MAX))(v)
          : null,
      tag_routes: { value: maxLength(t, TAG_VALUE_MAX) },
    },
  });
  const kinds: Kind[] = ['round_robin', 'least_loaded', 'by_tag'];
  const targets: Target[] = ['all', 'form', 'source', 'funnel'];

  return (
    <Modal
      opened
      onClose={onClose}
      size="lg"
      title={rule ? t('distribution.edit') : t('distribution.add')}
    >
      <form
        onSubmit={form.onSubmit((values) =>
          save.mutate(
            { id: rule?.id, version: rule?.version, body: toBody(values) },
            {
              onSuccess: onClose,
              onError: (error) => {
                markRefusedFields(form, error, FIELDS, t, sentRoutes(values));
                notifications.show({ color: 'red', message: problemText(error, t) });
              },
            },
          ),
        )}
      >
        <Stack>
          <TextInput label={t('distribution.name')} required {...form.getInputProps('name')} />
          <Select
            label={t('distribution.kind')}
            data={kinds.map((k) => ({ value: k, label: t(`distribution.kinds.${k}`) }))}
            allowDeselect={false}
            {...form.getInputProps('kind')}
          />
          <Select
            label={t('distribution.appliesTo')}
            data={targets.map((k) => ({ value: k, label: t(`distribution.targets.${k}`) }))}
            allowDeselect={false}
            {...form.getInputProps('target')}
          />
          {form.values.target === 'form' ? (
            <Select
              label={t('distribution.targets.form')}
              data={forms.map((f) => ({ value: f.id, label: f.name }))}
              {...form.getInputProps('form_id')}
            />
          ) : null}
          {form.values.target === 'source' ? (
            <TextInput
              label={t('distribution.targets.source')}
              description={t('distribution.sourceHint')}
              {...form.getInputProps('source')}
            />
          ) : null}
          {form.values.target === 'funnel' ? (
            <Select
              label={t('distribution.targets.funnel')}
              data={funnelItems.map((f) => ({ value: f.id, label: f.name }))}
              {...form.getInputProps('funnel_id')}
            />
          ) : null}
          <MultiSelect
            label={t('distribution.people')}
            description={t('distribution.peopleHint')}
            data={people}
            searchable
            {...form.getInputProps('user_ids')}
          />
          {form.values.kind === 'by_tag' ? (
            <Stack gap="xs">
              <TextInput
                label={t('distribution.tag')}
                description={t('distribution.tagHint')}
                {...form.getInputProps('tag')}
              />
              {form.values.tag_routes.map((_, index) => (
                <Group key={index} align="end" wrap="nowrap">
                  <TextInput
                    label={t('distribution.tagValue')}
                    {...form.getInputProps(`tag_routes.${index}.value`)}
                  />
                  <MultiSelect
                    style={{ flex: 1 }}
                    label={t('distribution.people')}
                    data={people}
                    searchable
                    {...form.getInputProps(`tag_routes.${index}.user_ids`)}
                  />
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    aria-label={t('distribution.removeValue')}
                    onClick={() => form.removeListItem('tag_routes', index)}
                  >
                    ×
                  </ActionIcon>
                </Group>
              ))}
              <Button
                variant="default"
                size="xs"
                onClick={() => form.insertListItem('tag_routes', { value: '', user_ids: [] })}
              >
                {t('distribution.addValue')}
              </Button>
            </Stack>
          ) : null}
          <Select
            label={t('distribution.department')}
            description={t('distribution.departmentHint')}
            data={(departments.data ?? []).map((d) => ({ value: d.id, label: d.name }))}
            clearable
            {...form.getInputProps('department_id')}
          />
          <NumberInput
            label={t('distribution.escalateAfter')}
            description={t('distribution.escalateHint')}
            min={1}
            max={10080}
            {...form.getInputProps('escalate_after_minutes')}
          />
          <NumberInput
            label={t('distribution.priority')}
            description={t('distribution.priorityHint')}
            min={0}
            max={10000}
            {...form.getInputProps('priority')}
          />
          <Switch
            label={t('distribution.toResponsible')}
            {...form.getInputProps('to_responsible', { type: 'checkbox' })}
          />
          <Switch
            label={t('distribution.active')}
            {...form.getInputProps('is_active', { type: 'checkbox' })}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('settings.cancel')}
            </Button>
            <Button type="submit" loading={save.isPending}>
              {t('settings.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** The organisation's forms, to name the one a rule applies to (one page of up to 200). */
function useFormOptions(): { id: string; name: string }[] {
  const forms = useQuery({
    queryKey: ['intake', 'forms', 'options'],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/intake/form-settings', { params: { query: { limit: 200 } }, signal }),
      ),
  });
  return forms.data?.items ?? [];
}

function useFunnelOptions(): { id: string; name: string }[] {
  const funnels = useSettingsFunnels();
  return funnels.data ?? [];
}
