import {
  Alert,
  Button,
  Checkbox,
  FileInput,
  Group,
  Modal,
  MultiSelect,
  NumberInput,
  Progress,
  SegmentedControl,
  Select,
  Stack,
  TagsInput,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/problem';
import { useFunnels } from '../deals/queries';
import { useJob } from '../karma/queries';
import { useSavedFilters } from '../savedFilters/queries';
import { useUsers } from '../settings/queries';
import {
  useAddClients,
  useAddEntries,
  useCreateCallList,
  useUpdateCallList,
  useUploadEntries,
  type Build,
} from './queries';
import { parsePasted, type SourceKind } from './labels';

export function BuildSummary({ build }: { build: Build }) {
  const { t } = useTranslation();
  return (
    <Alert color={build.invalid ? 'yellow' : 'green'} title={t('callLists.built')}>
      <Text size="sm">
        {t('callLists.buildLine', {
          added: build.added,
          duplicates: build.duplicates,
          invalid: build.invalid,
        })}
      </Text>
      {build.invalid_rows.slice(0, 5).map((row) => (
        <Text size="xs" c="dimmed" key={`${row.row}-${row.value}`}>
          {t('callLists.badRow', { row: row.row + 1, value: row.value })}
        </Text>
      ))}
    </Alert>
  );
}

/** The numbers' source: a saved clients filter, a segment, a file or pasted lines; adds them
 * to list `listId`. Shared by the wizard and a list's page. */
export function SourcePicker({
  listId,
  onDone,
}: {
  listId: string;
  onDone?: (build: Build | null) => void;
}) {
  const { t } = useTranslation();
  const [kind, setKind] = useState<SourceKind>('saved');
  const [savedId, setSavedId] = useState<string | null>(null);
  const [tags, setTags] = useState<string[]>([]);
  const [file, setFile] = useState<File | null>(null);
  const [pasted, setPasted] = useState('');
  const [built, setBuilt] = useState<Build | null>(null);
  const saved = useSavedFilters('clients', { enabled: kind === 'saved' });
  const addClients = useAddClients();
  const addEntries = useAddEntries();
  const upload = useUploadEntries();
  const job = useJob(upload.data?.id ?? null);
  const uploaded = job.data?.status === 'done' ? (job.data.result as Build | null) : null;
  const failed = addClients.error ?? addEntries.error ?? upload.error;
  const busy = addClients.isPending || addEntries.isPending || upload.isPending;

  const submit = async () => {
    let result: Build | null = null;
    if (kind === 'saved' && savedId) {
      result = await addClients.mutateAsync({ id: listId, body: { saved_filter_id: savedId } });
    } else if (kind === 'segment' && tags.length) {
      result = await addClients.mutateAsync({ id: listId, body: { tags } });
    } else if (kind === 'paste' && pasted.trim()) {
      result = await addEntries.mutateAsync({ id: listId, entries: parsePasted(pasted) });
    } else if (kind === 'upload' && file) {
      await upload.mutateAsync({ id: listId, file });
    }
    setBuilt(result);
    onDone?.(result);
  };

  return (
    <Stack gap="sm">
      <SegmentedControl
        value={kind}
        onChange={setKind}
        data={[
          { value: 'saved', label: t('callLists.source.saved') },
          { value: 'segment', label: t('callLists.source.segment') },
          { value: 'upload', label: t('callLists.source.upload') },
          { value: 'paste', label: t('callLists.source.paste') },
        ]}
      />
      {kind === 'saved' && (
        <Select
          label={t('callLists.savedFilter')}
          placeholder={t('callLists.savedFilterHint')}
          data={(saved.data ?? []).map((f) => ({ value: f.id, label: f.name }))}
          value={savedId}
          onChange={setSavedId}
        />
      )}
      {kind === 'segment' && (
        <TagsInput label={t('callLists.segment')} value={tags} onChange={setTags} />
      )}
      {kind === 'upload' && (
        <FileInput
          label={t('callLists.file')}
          description={t('callLists.fileHint')}
          accept=".csv,.xlsx,text/csv"
          value={file}
          onChange={setFile}
        />
      )}
      {kind === 'paste' && (
        <Textarea
          label={t('callLists.pasted')}
          description={t('callLists.pastedHint')}
          autosize
          minRows={4}
          maxRows={12}
          value={pasted}
          onChange={(event) => setPasted(event.currentTarget.value)}
        />
      )}
      {failed && <Alert color="red">{errorMessage(failed, t)}</Alert>}
      {upload.isSuccess && !uploaded && job.data?.status !== 'failed' && (
        <Alert color="blue">
          {t('callLists.uploadQueued')}
          <Progress mt="xs" value={job.data?.progress ?? 0} aria-label={t('callLists.upload')} />
        </Alert>
      )}
      {job.data?.status === 'failed' && <Alert color="red">{job.data.error}</Alert>}
      {uploaded && <BuildSummary build={uploaded} />}
      {built && <BuildSummary build={built} />}
      <Group>
        <Button variant="light" loading={busy} onClick={() => void submit()}>
          {t('callLists.addNumbers')}
        </Button>
      </Group>
    </Stack>
  );
}

/** The "new call list" dialog: name, telemarketers, funnel, retry policy; then the numbers. */
export function CallListWizard({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const users = useUsers();
  const funnels = useFunnels();
  const create = useCreateCallList();
  const update = useUpdateCallList();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [assignees, setAssignees] = useState<string[]>([]);
  const [funnelId, setFunnelId] = useState<string | null>(null);
  const [attempts, setAttempts] = useState<number>(3);
  const [interval, setIntervalMinutes] = useState<number>(120);
  const [createdId, setCreatedId] = useState<string | null>(null);
  const [startNow, setStartNow] = useState(true);

  const people = (users.data ?? [])
    .filter((u) => u.is_active)
    .sort((a, b) => Number(b.role_code === 'telemarketer') - Number(a.role_code === 'telemarketer'))
    .map((u) => ({
      value: u.id,
      label: u.role_name ? `${u.full_name} · ${u.role_name}` : u.full_name,
    }));

  const close = () => {
    setCreatedId(null);
    setName('');
    setDescription('');
    setAssignees([]);
    create.reset();
    onClose();
  };

  const finish = async () => {
    if (createdId && startNow) {
      await update.mutateAsync({ id: createdId, body: { status: 'active' } });
    }
    close();
  };

  return (
    <Modal opened={opened} onClose={close} title={t('callLists.new')} size="lg">
      {!createdId ? (
        <Stack gap="sm">
          <TextInput
            label={t('callLists.name')}
            required
            value={name}
            onChange={(event) => setName(event.currentTarget.value)}
          />
          <Textarea
            label={t('callLists.description')}
            value={description}
            onChange={(event) => setDescription(event.currentTarget.value)}
          />
          <MultiSelect
            label={t('callLists.telemarketers')}
            data={people}
            value={assignees}
            onChange={setAssignees}
            searchable
          />
          <Select
            label={t('callLists.funnel')}
            description={t('callLists.funnelHint')}
            data={(funnels.data ?? []).map((f) => ({ value: f.id, label: f.name }))}
            value={funnelId}
            onChange={setFunnelId}
            clearable
          />
          <Group grow>
            <NumberInput
              label={t('callLists.maxAttempts')}
              min={1}
              max={10}
              value={attempts}
              onChange={(value) => setAttempts(Number(value) || 1)}
            />
            <NumberInput
              label={t('callLists.retryMinutes')}
              min={1}
              max={43200}
              value={interval}
              onChange={(value) => setIntervalMinutes(Number(value) || 1)}
            />
          </Group>
          {create.error && <Alert color="red">{errorMessage(create.error, t)}</Alert>}
          <Group justify="flex-end">
            <Button
              loading={create.isPending}
              disabled={!name.trim()}
              onClick={() =>
                void create
                  .mutateAsync({
                    name,
                    description: description || null,
                    assignee_ids: assignees,
                    funnel_id: funnelId,
                    max_attempts: attempts,
                    retry_interval_minutes: interval,
                  })
                  .then((made) => setCreatedId(made.id))
              }
            >
              {t('callLists.createAndFill')}
            </Button>
          </Group>
        </Stack>
      ) : (
        <Stack gap="sm">
          <Text size="sm">{t('callLists.fillIntro')}</Text>
          <SourcePicker listId={createdId} />
          <Checkbox
            label={t('callLists.startNow')}
            checked={startNow}
            onChange={(event) => setStartNow(event.currentTarget.checked)}
          />
          {update.error && <Alert color="red">{errorMessage(update.error, t)}</Alert>}
          <Group justify="flex-end">
            <Button loading={update.isPending} onClick={() => void finish()}>
              {t('callLists.finish')}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
