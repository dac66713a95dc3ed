import {
  Alert,
  Badge,
  Button,
  Group,
  Loader,
  Modal,
  MultiSelect,
  NumberInput,
  SegmentedControl,
  Select,
  Stack,
  Text,
  TextInput,
  Textarea,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import type { ParseKeys } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LoadError } from '../shell/LoadError';
import { maxLength, required, rules } from '../../forms/rules';
import { markRefusedFields } from './formHelpers';
import { Refusal } from './Refusal';
import {
  type Funnel,
  type FunnelTemplate,
  type Stage,
  type StageGroup,
  useCreateFunnel,
  useCustomFields,
  useDeleteFunnel,
  useDeleteStage,
  useDocumentTypes,
  useReorderFunnels,
  useReorderStages,
  useSaveStage,
  useSettingsFunnels,
  useUpdateFunnel,
} from './queries';
import { SortableList } from './SortableList';
import { StageList } from './StageList';

const STANDARD_FIELDS = [
  'amount',
  'contact_id',
  'expected_close_date',
  'expected_margin',
  'products',
  'source_channel',
] as const;
const GROUPS: StageGroup[] = ['marketing', 'sale', 'paperwork', 'service'];
const TEMPLATES: FunnelTemplate[] = ['sales', 'b2b_project', 'simple_sale'];
const CUSTOM = 'custom:';

/** Names a stage requirement: a document type's name, a deal field's or custom field's label. */
function useRequirementLabel() {
  const { t } = useTranslation();
  const documentTypes = useDocumentTypes();
  const customFields = useCustomFields();
  return (kind: 'documents' | 'fields', name: string): string => {
    if (kind === 'documents') {
      return documentTypes.data?.find((d) => d.code === name)?.name ?? name;
    }
    if (name.startsWith(CUSTOM)) {
      const key = name.slice(CUSTOM.length);
      return (
        customFields.data?.find((f) => f.entity === 'deal' && f.key === key)?.label ??
        t('dealField.custom', { key })
      );
    }
    return (STANDARD_FIELDS as readonly string[]).includes(name)
      ? t(`dealField.${name}` as ParseKeys)
      : name;
  };
}

/** Funnels and their stages: order (drag), probability, requirements, day limits, groups. */
export function FunnelSettings() {
  const { t } = useTranslation();
  const funnels = useSettingsFunnels();
  const [chosen, setChosen] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const funnel =
    funnels.data?.find((f) => f.id === chosen) ??
    funnels.data?.find((f) => f.is_default) ??
    funnels.data?.[0];

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={3}>{t('settings.funnels.title')}</Title>
        <Button onClick={() => setCreating(true)}>{t('settings.funnels.add')}</Button>
      </Group>
      {funnels.isPending && <Loader />}
      {funnels.isError && (
        <LoadError onRetry={() => void funnels.refetch()} retrying={funnels.isFetching} />
      )}
      {funnels.data?.length === 0 && <Text c="dimmed">{t('settings.funnels.empty')}</Text>}
      {funnels.data && funnels.data.length > 0 && funnel && (
        <>
          <Select
            label={t('settings.funnels.funnel')}
            allowDeselect={false}
            maw={360}
            data={funnels.data.map((f) => ({
              value: f.id,
              label: f.is_default ? `${f.name} (${t('settings.funnels.default')})` : f.name,
            }))}
            value={funnel.id}
            onChange={setChosen}
          />
          <FunnelEditor key={funnel.id} funnel={funnel} />
          {funnels.data.length > 1 && <FunnelOrder funnels={funnels.data} />}
        </>
      )}
      {creating && (
        <FunnelCreate
          onClose={(created) => {
            setCreating(false);
            if (created) setChosen(created.id);
          }}
        />
      )}
    </Stack>
  );
}

/** The order funnels are listed in (the deal screens' funnel choice, the default aside). */
function FunnelOrder({ funnels }: { funnels: readonly Funnel[] }) {
  const { t } = useTranslation();
  const reorder = useReorderFunnels();
  return (
    <Stack gap="xs" mt="md">
      <Text fw={500}>{t('settings.funnels.order.title')}</Text>
      <Text size="xs" c="dimmed">
        {t('settings.funnels.order.hint')}
      </Text>
      <Refusal error={reorder.error} />
      <SortableList
        items={funnels}
        texts="settings.funnels.order"
        testId="settings-funnel-order"
        rowTestId="settings-funnel-order-row"
        onReorder={(ids) => reorder.mutate(ids)}
      >
        {(item, index, handle) => (
          <Group gap="sm" wrap="nowrap">
            {handle}
            <Text size="sm">
              {index + 1}. {item.name}
            </Text>
            {item.is_default && <Badge size="sm">{t('settings.funnels.default')}</Badge>}
          </Group>
        )}
      </SortableList>
    </Stack>
  );
}

// domain/funnels/model.py FUNNEL_NAME_MAX, STAGE_NAME_MAX
const FUNNEL_NAME_MAX = 200;
const STAGE_NAME_MAX = 200;

function FunnelEditor({ funnel }: { funnel: Funnel }) {
  const { t } = useTranslation();
  const update = useUpdateFunnel();
  const remove = useDeleteFunnel();
  const reorder = useReorderStages();
  const removeStage = useDeleteStage();
  const requirementLabel = useRequirementLabel();
  const [editing, setEditing] = useState<Stage | 'new' | null>(null);
  const rename = useForm({
    initialValues: { name: funnel.name },
    validateInputOnChange: true,
    validate: { name: rules(required(t, t('settings.required')), maxLength(t, FUNNEL_NAME_MAX)) },
  });
  const name = rename.values.name;
  const submitRename = rename.onSubmit((values) =>
    update.mutate(
      { funnel, body: { name: values.name.trim() } },
      { onError: (error) => markRefusedFields(rename, error, ['name'], t) },
    ),
  );

  return (
    <Stack>
      <Group align="flex-start">
        <form onSubmit={submitRename} noValidate>
          <Group align="flex-start">
            <TextInput label={t('settings.funnels.name')} {...rename.getInputProps('name')} />
            <Button
              type="submit"
              variant="default"
              mt={24}
              disabled={name.trim() === funnel.name}
              loading={update.isPending}
            >
              {t('settings.funnels.rename')}
            </Button>
          </Group>
        </form>
        {funnel.is_default ? (
          <Badge mt={30}>{t('settings.funnels.default')}</Badge>
        ) : (
          <Button
            variant="default"
            mt={24}
            onClick={() => update.mutate({ funnel, body: { is_default: true } })}
          >
            {t('settings.funnels.makeDefault')}
          </Button>
        )}
        <Button
          variant="subtle"
          color="red"
          mt={24}
          onClick={() => {
            if (window.confirm(t('settings.funnels.confirmDelete', { name: funnel.name })))
              remove.mutate(funnel);
          }}
        >
          {t('settings.funnels.delete')}
        </Button>
      </Group>
      <Refusal error={update.error ?? remove.error} labels={{ name: 'settings.funnels.name' }} />
      {funnel.warnings.length > 0 && (
        <Alert color="yellow">
          {t('settings.funnels.tooManyStages', { count: funnel.stages.length })}
        </Alert>
      )}
      <Group justify="space-between">
        <Text fw={500}>{t('settings.stages.title')}</Text>
        <Button size="xs" onClick={() => setEditing('new')}>
          {t('settings.stages.add')}
        </Button>
      </Group>
      <Text size="xs" c="dimmed">
        {t('settings.stages.reorderHint')}
      </Text>
      <Refusal error={reorder.error ?? removeStage.error} />
      <StageList
        stages={funnel.stages}
        requirementLabel={requirementLabel}
        onReorder={(stageIds) => reorder.mutate({ funnel, stageIds })}
        onEdit={setEditing}
        onDelete={(stage) => {
          if (window.confirm(t('settings.stages.confirmDelete', { name: stage.name })))
            removeStage.mutate({ funnel, stage });
        }}
      />
      {editing !== null && (
        <StageEdit
          funnel={funnel}
          stage={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
        />
      )}
    </Stack>
  );
}

function FunnelCreate({ onClose }: { onClose: (created: Funnel | null) => void }) {
  const { t } = useTranslation();
  const create = useCreateFunnel();
  const form = useForm({
    initialValues: { source: 'simple_sale' as FunnelTemplate | 'blank', name: '', firstStage: '' },
    validateInputOnChange: true,
    // A template names the funnel and its stages: only a blank one needs them typed.
    validate: {
      name: (value, values) =>
        rules(
          (text: string) =>
            values.source === 'blank' ? required(t, t('settings.required'))(text) : null,
          maxLength(t, FUNNEL_NAME_MAX),
        )(value),
      firstStage: (value, values) =>
        values.source === 'blank'
          ? rules(required(t, t('settings.required')), maxLength(t, STAGE_NAME_MAX))(value)
          : null,
    },
  });
  const submit = form.onSubmit((values) =>
    create.mutate(
      values.source === 'blank'
        ? {
            name: values.name.trim(),
            stages: [{ name: values.firstStage.trim(), probability: 0, group: 'sale' }],
            is_default: false,
          }
        : {
            template: values.source,
            ...(values.name.trim() ? { name: values.name.trim() } : {}),
            is_default: false,
          },
      {
        onSuccess: (created) => onClose(created),
        onError: (error) =>
          markRefusedFields(form, error, ['name'], t, { 'stages.0.name': 'firstStage' }),
      },
    ),
  );
  return (
    <Modal opened onClose={() => onClose(null)} title={t('settings.funnels.add')}>
      <form onSubmit={submit} noValidate>
        <Stack>
          <Select
            label={t('settings.funnels.source')}
            allowDeselect={false}
            data={[
              ...TEMPLATES.map((template) => ({
                value: template,
                label: t(`settings.funnels.templates.${template}`),
              })),
              { value: 'blank', label: t('settings.funnels.blank') },
            ]}
            {...form.getInputProps('source')}
          />
          {form.values.source !== 'blank' && (
            <Text size="xs" c="dimmed">
              {t(`settings.funnels.templateHints.${form.values.source}`)}
            </Text>
          )}
          <TextInput
            label={t('settings.funnels.name')}
            required={form.values.source === 'blank'}
            description={
              form.values.source === 'blank' ? undefined : t('settings.funnels.nameFromTemplate')
            }
            {...form.getInputProps('name')}
          />
          {form.values.source === 'blank' && (
            <TextInput
              label={t('settings.funnels.firstStage')}
              required
              {...form.getInputProps('firstStage')}
            />
          )}
          <Refusal error={create.error} labels={{ name: 'settings.funnels.name' }} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => onClose(null)}>
              {t('settings.cancel')}
            </Button>
            <Button type="submit" loading={create.isPending}>
              {t('settings.create')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

const STAGE_LABELS = {
  name: 'settings.stages.name',
  probability: 'settings.stages.probability',
  group: 'settings.stages.group',
  max_days: 'settings.stages.maxDays',
  expected_result: 'settings.stages.expectedResult',
  required_documents: 'settings.stages.requiredDocuments',
  required_fields: 'settings.stages.requiredFields',
} as const;

interface StageValues {
  name: string;
  probability: number | string;
  group: StageGroup;
  max_days: number | string;
  expected_result: string;
  required_documents: string[];
  required_fields: string[];
}

function StageEdit({
  funnel,
  stage,
  onClose,
}: {
  funnel: Funnel;
  stage: Stage | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const save = useSaveStage();
  const documentTypes = useDocumentTypes();
  const customFields = useCustomFields();
  const form = useForm<StageValues>({
    initialValues: {
      name: stage?.name ?? '',
      probability: stage ? Number(stage.probability) : 0,
      group: stage?.group ?? 'sale',
      max_days: stage?.max_days ?? '',
      expected_result: stage?.expected_result ?? '',
      required_documents: stage?.required_documents ?? [],
      required_fields: stage?.required_fields ?? [],
    },
    validate: {
      name: (value) => (value.trim() ? null : t('settings.required')),
      probability: (value) => {
        const n = Number(value);
        return value !== '' && n >= 0 && n <= 100 ? null : t('settings.stages.probabilityRange');
      },
      max_days: (value) => {
        if (value === '') return null;
        const n = Number(value);
        return Number.isInteger(n) && n >= 1 && n <= 3650
          ? null
          : t('settings.stages.maxDaysRange');
      },
    },
    validateInputOnChange: true,
  });

  const documentOptions = (documentTypes.data ?? [])
    .filter((d) => d.is_active || form.values.required_documents.includes(d.code))
    .map((d) => ({ value: d.code, label: d.name }));
  const fieldOptions = [
    ...STANDARD_FIELDS.map((name) => ({ value: name, label: t(`dealField.${name}`) })),
    ...(customFields.data ?? [])
      .filter((f) => f.entity === 'deal')
      .map((f) => ({ value: `${CUSTOM}${f.key}`, label: f.label })),
  ];

  const submit = form.onSubmit((values) =>
    save.mutate(
      {
        funnel,
        stage,
        body: {
          name: values.name.trim(),
          probability: Number(values.probability),
          group: values.group,
          max_days: values.max_days === '' ? null : Number(values.max_days),
          expected_result: values.expected_result.trim() || null,
          required_documents: values.required_documents,
          required_fields: values.required_fields,
        },
      },
      {
        onSuccess: onClose,
        onError: (error) => markRefusedFields(form, error, Object.keys(STAGE_LABELS), t),
      },
    ),
  );

  return (
    <Modal opened onClose={onClose} size="lg" title={stage ? stage.name : t('settings.stages.add')}>
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput
            label={t(STAGE_LABELS.name)}
            required
            data-autofocus
            {...form.getInputProps('name')}
          />
          <Group grow align="flex-start">
            <NumberInput
              label={t(STAGE_LABELS.probability)}
              min={0}
              max={100}
              suffix=" %"
              {...form.getInputProps('probability')}
            />
            <NumberInput
              label={t(STAGE_LABELS.max_days)}
              description={t('settings.stages.maxDaysHint')}
              min={1}
              max={3650}
              allowDecimal={false}
              {...form.getInputProps('max_days')}
            />
          </Group>
          <Stack gap={4}>
            <Text size="sm" fw={500} id="stage-group-label">
              {t(STAGE_LABELS.group)}
            </Text>
            <SegmentedControl
              aria-labelledby="stage-group-label"
              data={GROUPS.map((group) => ({
                value: group,
                label: t(`settings.stages.groups.${group}`),
              }))}
              {...form.getInputProps('group')}
            />
          </Stack>
          <Textarea
            label={t(STAGE_LABELS.expected_result)}
            autosize
            minRows={2}
            {...form.getInputProps('expected_result')}
          />
          <MultiSelect
            label={t(STAGE_LABELS.required_documents)}
            description={t('settings.stages.requiredDocumentsHint')}
            data={documentOptions}
            clearable
            {...form.getInputProps('required_documents')}
          />
          <MultiSelect
            label={t(STAGE_LABELS.required_fields)}
            description={t('settings.stages.requiredFieldsHint')}
            data={fieldOptions}
            searchable
            clearable
            {...form.getInputProps('required_fields')}
          />
          <Refusal error={save.error} labels={STAGE_LABELS} />
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
