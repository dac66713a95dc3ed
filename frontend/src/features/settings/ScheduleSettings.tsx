import {
  Button,
  Checkbox,
  Divider,
  Group,
  Loader,
  Modal,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Textarea,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMe } from '../auth/queries';
import { LoadError } from '../shell/LoadError';
import { markRefusedFields, userOptions } from './formHelpers';
import { Refusal } from './Refusal';
import { RowActions } from './RowActions';
import {
  type Absence,
  type AbsenceKind,
  type Schedule,
  type WeekHours,
  useAbsences,
  useDeleteAbsence,
  usePutSchedule,
  useSaveAbsence,
  useSchedule,
  useUsers,
} from './queries';
import { holds } from './sections';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
type Day = (typeof DAYS)[number];
const KINDS: AbsenceKind[] = ['vacation', 'sick_leave', 'business_trip'];
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

/** Working hours per colleague, and absences with who stands in. */
export function ScheduleSettings() {
  const { t } = useTranslation();
  const me = useMe();
  return (
    <Stack>
      {holds(me.data, 'schedules:manage') && <ScheduleEditor />}
      {holds(me.data, 'schedules:manage') && holds(me.data, 'absences:manage') && <Divider />}
      {holds(me.data, 'absences:manage') && <AbsenceList />}
      {!me.data && <Text>{t('settings.loading')}</Text>}
    </Stack>
  );
}

function ScheduleEditor() {
  const { t } = useTranslation();
  const users = useUsers();
  const [userId, setUserId] = useState<string | null>(null);
  const schedule = useSchedule(userId);
  return (
    <Stack>
      <Title order={3}>{t('settings.schedules.title')}</Title>
      <Select
        label={t('settings.schedules.user')}
        placeholder={t('settings.schedules.pickUser')}
        searchable
        data={userOptions(users.data ?? [])}
        value={userId}
        onChange={setUserId}
        maw={360}
      />
      {userId && schedule.isPending && <Loader />}
      {schedule.isError && (
        <LoadError onRetry={() => void schedule.refetch()} retrying={schedule.isFetching} />
      )}
      {schedule.data && <WeekEditor key={schedule.data.user_id} schedule={schedule.data} />}
    </Stack>
  );
}

interface DayValues {
  works: boolean;
  starts: string;
  ends: string;
}

function WeekEditor({ schedule }: { schedule: Schedule }) {
  const { t } = useTranslation();
  const put = usePutSchedule();
  const form = useForm<{ time_zone: string; days: Record<Day, DayValues> }>({
    initialValues: {
      time_zone: schedule.time_zone,
      days: Object.fromEntries(
        DAYS.map((day) => {
          const hours = schedule.days[day];
          return [
            day,
            {
              works: Boolean(hours),
              starts: hours?.starts ?? '09:00',
              ends: hours?.ends ?? '18:00',
            },
          ];
        }),
      ) as Record<Day, DayValues>,
    },
    validate: {
      time_zone: (value) => (value.trim() ? null : t('settings.required')),
      days: Object.fromEntries(
        DAYS.map((day) => [
          day,
          {
            starts: (value: string, values: { days: Record<Day, DayValues> }) =>
              !values.days[day].works || TIME.test(value)
                ? null
                : t('settings.schedules.timeInvalid'),
            ends: (value: string, values: { days: Record<Day, DayValues> }) => {
              const d = values.days[day];
              if (!d.works) return null;
              if (!TIME.test(value)) return t('settings.schedules.timeInvalid');
              return value > d.starts ? null : t('settings.schedules.endsBeforeStarts');
            },
          },
        ]),
      ),
    },
    validateInputOnChange: true,
  });

  const submit = form.onSubmit((values) => {
    const days: WeekHours = Object.fromEntries(
      DAYS.map((day) => {
        const d = values.days[day];
        return [day, d.works ? { starts: d.starts, ends: d.ends } : null];
      }),
    );
    put.mutate(
      { userId: schedule.user_id, body: { time_zone: values.time_zone.trim(), days } },
      {
        onSuccess: () => notifications.show({ color: 'green', message: t('settings.saved') }),
        onError: (error) => markRefusedFields(form, error, ['time_zone', 'days'], t),
      },
    );
  });

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="xs" maw={520}>
        {schedule.is_default && (
          <Text size="sm" c="dimmed">
            {t('settings.schedules.default')}
          </Text>
        )}
        <TextInput label={t('settings.schedules.timeZone')} {...form.getInputProps('time_zone')} />
        {DAYS.map((day) => (
          <Group key={day} wrap="nowrap" align="flex-start">
            <Checkbox
              w={140}
              mt={6}
              label={t(`settings.schedules.day.${day}`)}
              {...form.getInputProps(`days.${day}.works`, { type: 'checkbox' })}
            />
            <TextInput
              type="time"
              aria-label={t('settings.schedules.startsOn', {
                day: t(`settings.schedules.day.${day}`),
              })}
              disabled={!form.values.days[day].works}
              {...form.getInputProps(`days.${day}.starts`)}
            />
            <TextInput
              type="time"
              aria-label={t('settings.schedules.endsOn', {
                day: t(`settings.schedules.day.${day}`),
              })}
              disabled={!form.values.days[day].works}
              {...form.getInputProps(`days.${day}.ends`)}
            />
          </Group>
        ))}
        <Refusal error={put.error} labels={{ time_zone: 'settings.schedules.timeZone' }} />
        <Group>
          <Button type="submit" loading={put.isPending}>
            {t('settings.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function AbsenceList() {
  const { t, i18n } = useTranslation();
  const absences = useAbsences();
  const users = useUsers();
  const remove = useDeleteAbsence();
  const [editing, setEditing] = useState<Absence | 'new' | null>(null);
  const names = useMemo(
    () => new Map((users.data ?? []).map((u) => [u.id, u.full_name])),
    [users.data],
  );
  const day = (iso: string) => new Date(`${iso}T00:00:00`).toLocaleDateString(i18n.language);
  const items = absences.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={3}>{t('settings.absences.title')}</Title>
        <Button onClick={() => setEditing('new')}>{t('settings.absences.add')}</Button>
      </Group>
      <Refusal error={remove.error} />
      {absences.isPending && <Loader />}
      {absences.isError && (
        <LoadError onRetry={() => void absences.refetch()} retrying={absences.isFetching} />
      )}
      {absences.data && items.length === 0 && (
        <Text c="dimmed">{t('settings.absences.empty')}</Text>
      )}
      {items.length > 0 && (
        <Table.ScrollContainer minWidth={600}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('settings.absences.user')}</Table.Th>
                <Table.Th>{t('settings.absences.kind')}</Table.Th>
                <Table.Th>{t('settings.absences.dates')}</Table.Th>
                <Table.Th>{t('settings.absences.substitute')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((absence) => (
                <Table.Tr key={absence.id} data-testid="settings-absence">
                  <Table.Td>{names.get(absence.user_id) ?? '—'}</Table.Td>
                  <Table.Td>{t(`settings.absences.kinds.${absence.kind}`)}</Table.Td>
                  <Table.Td>
                    {day(absence.starts_on)} – {day(absence.ends_on)}
                  </Table.Td>
                  <Table.Td>
                    {absence.substitute_id ? (names.get(absence.substitute_id) ?? '—') : '—'}
                  </Table.Td>
                  <Table.Td>
                    <RowActions
                      onEdit={() => setEditing(absence)}
                      onDelete={() => remove.mutate(absence)}
                      confirmText={t('settings.absences.confirmDelete')}
                    />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {absences.hasNextPage && (
        <Group>
          <Button
            variant="default"
            loading={absences.isFetchingNextPage}
            onClick={() => void absences.fetchNextPage()}
          >
            {t('settings.absences.more')}
          </Button>
        </Group>
      )}
      {editing !== null && (
        <AbsenceEdit
          absence={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
        />
      )}
    </Stack>
  );
}

const ABSENCE_LABELS = {
  user_id: 'settings.absences.user',
  kind: 'settings.absences.kind',
  starts_on: 'settings.absences.startsOn',
  ends_on: 'settings.absences.endsOn',
  substitute_id: 'settings.absences.substitute',
  comment: 'settings.absences.comment',
} as const;

function AbsenceEdit({ absence, onClose }: { absence: Absence | null; onClose: () => void }) {
  const { t } = useTranslation();
  const users = useUsers();
  const save = useSaveAbsence();
  const form = useForm({
    initialValues: {
      user_id: absence?.user_id ?? null,
      kind: absence?.kind ?? 'vacation',
      starts_on: absence?.starts_on ?? '',
      ends_on: absence?.ends_on ?? '',
      substitute_id: absence?.substitute_id ?? null,
      comment: absence?.comment ?? '',
    },
    validate: {
      user_id: (value) => (value ? null : t('settings.required')),
      starts_on: (value) => (value ? null : t('settings.required')),
      ends_on: (value, values) =>
        !value
          ? t('settings.required')
          : value < values.starts_on
            ? t('settings.absences.endsBeforeStarts')
            : null,
      substitute_id: (value, values) =>
        value && value === values.user_id ? t('settings.absences.selfSubstitute') : null,
    },
    validateInputOnChange: true,
  });

  const submit = form.onSubmit((values) =>
    save.mutate(
      {
        absence,
        body: {
          ...(absence ? {} : { user_id: values.user_id }),
          kind: values.kind,
          starts_on: values.starts_on,
          ends_on: values.ends_on,
          substitute_id: values.substitute_id,
          comment: values.comment.trim() || null,
        },
      },
      {
        onSuccess: onClose,
        onError: (error) => markRefusedFields(form, error, Object.keys(ABSENCE_LABELS), t),
      },
    ),
  );
  const people = userOptions(users.data ?? []);

  return (
    <Modal
      opened
      onClose={onClose}
      title={absence ? t('settings.absences.edit') : t('settings.absences.add')}
    >
      <form onSubmit={submit} noValidate>
        <Stack>
          <Select
            label={t(ABSENCE_LABELS.user_id)}
            required
            searchable
            disabled={absence !== null}
            data={people}
            {...form.getInputProps('user_id')}
          />
          <Select
            label={t(ABSENCE_LABELS.kind)}
            allowDeselect={false}
            data={KINDS.map((kind) => ({
              value: kind,
              label: t(`settings.absences.kinds.${kind}`),
            }))}
            {...form.getInputProps('kind')}
          />
          <Group grow>
            <TextInput
              type="date"
              label={t(ABSENCE_LABELS.starts_on)}
              required
              {...form.getInputProps('starts_on')}
            />
            <TextInput
              type="date"
              label={t(ABSENCE_LABELS.ends_on)}
              required
              {...form.getInputProps('ends_on')}
            />
          </Group>
          <Select
            label={t(ABSENCE_LABELS.substitute_id)}
            description={t('settings.absences.substituteHint')}
            clearable
            searchable
            data={people}
            {...form.getInputProps('substitute_id')}
          />
          <Textarea
            label={t(ABSENCE_LABELS.comment)}
            autosize
            minRows={2}
            {...form.getInputProps('comment')}
          />
          <Refusal error={save.error} labels={ABSENCE_LABELS} />
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
