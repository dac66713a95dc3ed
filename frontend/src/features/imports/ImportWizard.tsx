import {
  Alert,
  Anchor,
  Badge,
  Button,
  Center,
  Code,
  FileInput,
  Group,
  Loader,
  Progress,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Stepper,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { ApiError, mapProblemToFields } from '../../api/problem';
import { problemText } from '../../api/problemText';
import { LoadError } from '../shell/LoadError';
import { fieldLabel, issueText } from './labels';
import {
  busy,
  DELIMITERS,
  ENCODINGS,
  IMPORT_ENTITIES,
  MAX_FILE_BYTES,
  ON_DUPLICATE,
  useImport,
  useImportAction,
  useImportIssues,
  useSetMapping,
  useUploadImport,
  type ImportCounts,
  type ImportEntity,
  type ImportIssue,
  type OnDuplicate,
  type SpreadsheetImport,
} from './queries';

const STEP = { upload: 0, mapping: 1, check: 2, run: 3, result: 4 } as const;
// Rows of the file shown under the mapping; the API keeps up to 20.
const PREVIEW_ROWS = 5;
const EXAMPLES = 3;

const entityOf = (value: string | null): ImportEntity => (value === 'deals' ? 'deals' : 'clients');

/**
 * /imports/new and /imports/:id: a spreadsheet of clients (with contacts) or deals brought in
 * step by step: the file, which column feeds which field (with its first rows), a dry run that
 * says what would be created, updated or flagged, the import with its progress, and the result
 * with links to the records the flagged rows match. The step follows the import's status, so a
 * reload (or a link from the list) opens the import where it is.
 */
export function ImportWizard() {
  const { t } = useTranslation();
  const { id } = useParams();
  const [params] = useSearchParams();
  const record = useImport(id);
  // A checked import can go back to its mapping; anything else is where its status says.
  const [remapping, setRemapping] = useState(false);

  const data = record.data;
  let active: number = STEP.upload;
  if (data) {
    if (data.status === 'uploaded' || data.status === 'failed') active = STEP.mapping;
    else if (data.status === 'checking') active = STEP.check;
    else if (data.status === 'checked') active = remapping ? STEP.mapping : STEP.check;
    else if (data.status === 'running') active = STEP.run;
    else active = STEP.result;
  }

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{t('imports.title')}</Title>
        <Anchor component={Link} to="/imports" size="sm">
          {t('imports.history')}
        </Anchor>
      </Group>
      <Stepper active={active} size="sm" allowNextStepsSelect={false}>
        <Stepper.Step label={t('imports.stepUpload')} />
        <Stepper.Step label={t('imports.stepMapping')} />
        <Stepper.Step label={t('imports.stepCheck')} />
        <Stepper.Step label={t('imports.stepRun')} />
        <Stepper.Step label={t('imports.stepResult')} />
      </Stepper>
      {!id && <UploadStep initialEntity={entityOf(params.get('entity'))} />}
      {id && record.isPending && (
        <Center>
          <Loader aria-label={t('imports.loading')} />
        </Center>
      )}
      {id && record.isError && (
        <LoadError onRetry={() => void record.refetch()} retrying={record.isFetching} />
      )}
      {data && (
        <>
          <FileLine record={data} />
          {data.status === 'failed' && (
            <Alert color="red" title={t('imports.failed')} role="alert">
              {data.error}
            </Alert>
          )}
          {active === STEP.mapping && (
            <MappingStep
              // A file read again (another encoding) starts its mapping afresh.
              key={`${data.encoding}|${data.delimiter}|${data.header.join('\u0001')}`}
              record={data}
              onChecked={() => setRemapping(false)}
            />
          )}
          {active === STEP.check && <CheckStep record={data} onRemap={() => setRemapping(true)} />}
          {active === STEP.run && <RunStep record={data} />}
          {active === STEP.result && <ResultStep record={data} />}
        </>
      )}
    </Stack>
  );
}

function FileLine({ record }: { record: SpreadsheetImport }) {
  const { t } = useTranslation();
  return (
    <Group gap="xs">
      <Text size="sm" fw={500}>
        {record.filename}
      </Text>
      <Badge variant="light">{t(`imports.entity.${record.entity}`)}</Badge>
      <Badge variant="outline">{record.format.toUpperCase()}</Badge>
      {record.rows_total !== null && (
        <Text size="sm" c="dimmed">
          {t('imports.rowsTotal', { count: record.rows_total })}
        </Text>
      )}
    </Group>
  );
}

function UploadStep({ initialEntity }: { initialEntity: ImportEntity }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const upload = useUploadImport();
  const [entity, setEntity] = useState<ImportEntity>(initialEntity);
  const [file, setFile] = useState<File | null>(null);
  const [touched, setTouched] = useState(false);

  const tooBig = file !== null && file.size > MAX_FILE_BYTES;
  const wrongKind = file !== null && !/\.(csv|txt|xlsx)$/i.test(file.name);
  const fileError = !touched
    ? null
    : !file
      ? t('imports.fileRequired')
      : tooBig
        ? t('imports.fileTooBig', { mb: MAX_FILE_BYTES / 1024 / 1024 })
        : wrongKind
          ? t('imports.fileKind')
          : null;
  const refused =
    upload.error instanceof ApiError
      ? mapProblemToFields(upload.error.problem, ['file', 'entity']).fieldErrors
      : {};

  const submit = () => {
    setTouched(true);
    if (!file || tooBig || wrongKind) return;
    upload.mutate(
      { file, entity },
      { onSuccess: (made) => void navigate(`/imports/${made.id}`, { replace: true }) },
    );
  };

  return (
    <Stack maw={640}>
      <Text size="sm" c="dimmed">
        {t('imports.uploadIntro')}
      </Text>
      <Stack gap={4}>
        <Text size="sm" fw={500} id="import-entity-label">
          {t('imports.what')}
        </Text>
        <SegmentedControl
          aria-labelledby="import-entity-label"
          data={IMPORT_ENTITIES.map((value) => ({
            value,
            label: t(`imports.entity.${value}`),
          }))}
          value={entity}
          onChange={(value) => setEntity(entityOf(value))}
        />
      </Stack>
      <FileInput
        label={t('imports.file')}
        description={t('imports.fileHint')}
        placeholder={t('imports.choose')}
        accept=".csv,.txt,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        value={file}
        onChange={(chosen) => {
          setFile(chosen);
          upload.reset();
        }}
        clearable
        required
        error={fileError ?? refused.file ?? null}
      />
      {upload.error && !refused.file && (
        <Alert color="red" role="alert">
          {problemText(upload.error, t)}
        </Alert>
      )}
      <Group>
        <Button onClick={submit} loading={upload.isPending}>
          {t('imports.upload')}
        </Button>
      </Group>
    </Stack>
  );
}

function MappingStep({ record, onChecked }: { record: SpreadsheetImport; onChecked: () => void }) {
  const { t } = useTranslation();
  const save = useSetMapping();
  const dryRun = useImportAction('dry-run');
  const initial =
    Object.keys(record.mapping).length > 0 ? record.mapping : record.suggested_mapping;
  const [mapping, setMapping] = useState<Record<string, string>>(initial);
  const [onDuplicate, setOnDuplicate] = useState<OnDuplicate>(record.on_duplicate);
  const [empty, setEmpty] = useState(false);

  const columns = record.header.map((header, index) => ({ header, key: String(index) }));
  const error = save.error ?? dryRun.error;
  const known = [
    'mapping',
    'on_duplicate',
    'encoding',
    'delimiter',
    ...columns.map((c) => `mapping.${c.key}`),
  ];
  const refused =
    error instanceof ApiError ? mapProblemToFields(error.problem, known).fieldErrors : {};
  const taken = new Map<string, number>();
  for (const field of Object.values(mapping)) taken.set(field, (taken.get(field) ?? 0) + 1);
  const options = record.fields.map((field) => ({ value: field, label: fieldLabel(t, field) }));

  const choose = (key: string, field: string | null) => {
    setEmpty(false);
    setMapping((current) => {
      const next = { ...current };
      if (field) next[key] = field;
      else delete next[key];
      return next;
    });
  };

  const reread = (change: { encoding?: string; delimiter?: string }) =>
    save.mutate({ id: record.id, mapping: {}, onDuplicate, ...change });

  const check = () => {
    if (Object.keys(mapping).length === 0) {
      setEmpty(true);
      return;
    }
    if ([...taken.values()].some((count) => count > 1)) return;
    save.mutate(
      { id: record.id, mapping, onDuplicate },
      { onSuccess: () => dryRun.mutate(record.id, { onSuccess: onChecked }) },
    );
  };

  return (
    <Stack>
      <Text size="sm" c="dimmed">
        {t('imports.mappingIntro')}
      </Text>
      {record.format === 'csv' && (
        <Group align="end">
          <Select
            label={t('imports.encoding')}
            data={ENCODINGS.map((value) => ({ value, label: t(`imports.encodingName.${value}`) }))}
            value={record.encoding}
            onChange={(value) => value && value !== record.encoding && reread({ encoding: value })}
            allowDeselect={false}
            disabled={save.isPending}
            error={refused.encoding}
            w={200}
          />
          <Select
            label={t('imports.delimiter')}
            data={DELIMITERS.map((value) => ({
              value,
              label: value === '\t' ? t('imports.tab') : value,
            }))}
            value={record.delimiter}
            onChange={(value) =>
              value && value !== record.delimiter && reread({ delimiter: value })
            }
            allowDeselect={false}
            disabled={save.isPending}
            error={refused.delimiter}
            w={160}
          />
        </Group>
      )}
      <Table.ScrollContainer minWidth={560}>
        <Table data-testid="import-mapping">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('imports.column')}</Table.Th>
              <Table.Th>{t('imports.examples')}</Table.Th>
              <Table.Th>{t('imports.field.label')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {columns.map(({ header, key }) => {
              const field = mapping[key] ?? null;
              const repeated = field !== null && (taken.get(field) ?? 0) > 1;
              return (
                <Table.Tr key={key} data-testid="import-column">
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {header || t('imports.noHeader', { index: Number(key) + 1 })}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" c="dimmed" lineClamp={2}>
                      {record.preview
                        .slice(0, EXAMPLES)
                        .map((row) => row[Number(key)] ?? '')
                        .filter(Boolean)
                        .join(' · ')}
                    </Text>
                  </Table.Td>
                  <Table.Td miw={220}>
                    <Select
                      aria-label={t('imports.fieldFor', { column: header || Number(key) + 1 })}
                      data={options}
                      value={field}
                      onChange={(value) => choose(key, value)}
                      placeholder={t('imports.skipColumn')}
                      clearable
                      searchable
                      error={
                        repeated ? t('imports.fieldTaken') : (refused[`mapping.${key}`] ?? null)
                      }
                    />
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {record.preview.length > 0 && (
        <Stack gap={4}>
          <Text size="sm" fw={500}>
            {t('imports.preview')}
          </Text>
          <Table.ScrollContainer minWidth={560}>
            <Table withTableBorder withColumnBorders fz="xs" data-testid="import-preview">
              <Table.Thead>
                <Table.Tr>
                  {columns.map(({ header, key }) => (
                    <Table.Th key={key}>
                      {header}
                      {mapping[key] && (
                        <Text size="xs" c="blue">
                          {fieldLabel(t, mapping[key])}
                        </Text>
                      )}
                    </Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {record.preview.slice(0, PREVIEW_ROWS).map((row, index) => (
                  <Table.Tr key={index}>
                    {columns.map(({ key }) => (
                      <Table.Td key={key}>{row[Number(key)] ?? ''}</Table.Td>
                    ))}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Stack>
      )}
      <Select
        label={t('imports.onDuplicate')}
        description={t(`imports.onDuplicateHint.${onDuplicate}`)}
        data={ON_DUPLICATE.map((value) => ({
          value,
          label: t(`imports.onDuplicateName.${value}`),
        }))}
        value={onDuplicate}
        onChange={(value) => value && setOnDuplicate(value)}
        allowDeselect={false}
        error={refused.on_duplicate}
        maw={420}
      />
      {empty && (
        <Alert color="yellow" role="alert">
          {t('imports.mapSomething')}
        </Alert>
      )}
      {(refused.mapping || (error && Object.keys(refused).length === 0)) && (
        <Alert color="red" role="alert" data-testid="import-refusal">
          {refused.mapping ?? problemText(error, t)}
        </Alert>
      )}
      <Group>
        <Button onClick={check} loading={save.isPending || dryRun.isPending}>
          {t('imports.check')}
        </Button>
      </Group>
    </Stack>
  );
}

function CountsGrid({ counts, labels }: { counts: ImportCounts; labels: 'dryRun' | 'result' }) {
  const { t } = useTranslation();
  const keys = ['created', 'updated', 'unchanged', 'duplicates', 'skipped', 'errors'] as const;
  const color = { duplicates: 'orange', errors: 'red' } as Record<string, string>;
  return (
    <SimpleGrid cols={{ base: 2, sm: 3, md: 6 }} data-testid={`import-counts-${labels}`}>
      {keys.map((key) => (
        <Stack gap={0} key={key} data-testid={`import-count-${key}`}>
          <Text size="xl" fw={700} c={counts[key] ? color[key] : undefined}>
            {counts[key]}
          </Text>
          <Text size="sm" c="dimmed">
            {t(`imports.${labels}Count.${key}`)}
          </Text>
        </Stack>
      ))}
    </SimpleGrid>
  );
}

function ProgressLine({ record }: { record: SpreadsheetImport }) {
  const { t } = useTranslation();
  return (
    <Stack gap={4}>
      <Progress
        value={record.progress}
        animated={busy(record.status)}
        aria-label={t('imports.progress')}
        data-testid="import-progress"
        size="lg"
      />
      <Text size="sm" c="dimmed" data-testid="import-progress-text">
        {record.rows_total === null
          ? t('imports.counting')
          : t('imports.rowsDone', {
              done: record.rows_done,
              total: record.rows_total,
              percent: record.progress,
            })}
      </Text>
    </Stack>
  );
}

function CheckStep({ record, onRemap }: { record: SpreadsheetImport; onRemap: () => void }) {
  const { t } = useTranslation();
  const run = useImportAction('run');
  const cancel = useImportAction('cancel');
  if (record.status === 'checking') {
    return (
      <Stack>
        <Text>{t('imports.checking')}</Text>
        <ProgressLine record={record} />
        <Group>
          <Button
            variant="default"
            onClick={() => cancel.mutate(record.id)}
            loading={cancel.isPending}
            disabled={record.cancel_requested}
          >
            {t('imports.cancel')}
          </Button>
        </Group>
      </Stack>
    );
  }
  return (
    <Stack>
      <Text>{t('imports.checkedIntro')}</Text>
      {record.dry_run && <CountsGrid counts={record.dry_run} labels="dryRun" />}
      <Issues record={record} dryRun />
      {run.error && (
        <Alert color="red" role="alert">
          {problemText(run.error, t)}
        </Alert>
      )}
      <Group>
        <Button variant="default" onClick={onRemap}>
          {t('imports.backToMapping')}
        </Button>
        <Button onClick={() => run.mutate(record.id)} loading={run.isPending}>
          {t('imports.run')}
        </Button>
      </Group>
    </Stack>
  );
}

function RunStep({ record }: { record: SpreadsheetImport }) {
  const { t } = useTranslation();
  const cancel = useImportAction('cancel');
  return (
    <Stack>
      <Text>{t('imports.running')}</Text>
      <ProgressLine record={record} />
      {record.result && <CountsGrid counts={record.result} labels="result" />}
      <Group>
        <Button
          variant="default"
          onClick={() => cancel.mutate(record.id)}
          loading={cancel.isPending}
          disabled={record.cancel_requested}
        >
          {record.cancel_requested ? t('imports.cancelling') : t('imports.cancel')}
        </Button>
      </Group>
    </Stack>
  );
}

function ResultStep({ record }: { record: SpreadsheetImport }) {
  const { t } = useTranslation();
  const list = record.entity === 'deals' ? '/deals' : '/clients';
  return (
    <Stack>
      <Alert
        color={record.status === 'done' ? 'teal' : 'yellow'}
        title={t(`imports.statusName.${record.status}`)}
        data-testid="import-result"
      >
        {record.status === 'done'
          ? t('imports.doneIntro')
          : t('imports.cancelledIntro', { done: record.rows_done })}
      </Alert>
      <ProgressLine record={record} />
      {record.result && <CountsGrid counts={record.result} labels="result" />}
      <Issues record={record} dryRun={false} />
      <Group>
        <Button component={Link} to={list} variant="default">
          {t(`imports.openList.${record.entity}`)}
        </Button>
        {record.entity === 'clients' && (record.result?.duplicates ?? 0) > 0 && (
          <Button component={Link} to="/clients/duplicates" variant="default">
            {t('imports.openDuplicates')}
          </Button>
        )}
        <Button component={Link} to={`/imports/new?entity=${record.entity}`}>
          {t('imports.another')}
        </Button>
      </Group>
    </Stack>
  );
}

/** The rows flagged as duplicates (with links to what they match) and the rows refused. */
function Issues({ record, dryRun }: { record: SpreadsheetImport; dryRun: boolean }) {
  const { t, i18n } = useTranslation();
  const counts = dryRun ? record.dry_run : record.result;
  const any = (counts?.duplicates ?? 0) + (counts?.errors ?? 0) > 0;
  const issues = useImportIssues(record.id, { dryRun, enabled: any });
  if (!any) return null;
  const items = issues.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <Stack gap="xs">
      <Title order={4}>{t('imports.issues')}</Title>
      {issues.isPending && <Loader size="sm" aria-label={t('imports.loading')} />}
      {issues.isError && (
        <LoadError onRetry={() => void issues.refetch()} retrying={issues.isFetching} />
      )}
      {items.length > 0 && (
        <Table.ScrollContainer minWidth={560}>
          <Table data-testid={dryRun ? 'import-issues-dry-run' : 'import-issues'}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('imports.row')}</Table.Th>
                <Table.Th>{t('imports.problem')}</Table.Th>
                <Table.Th>{t('imports.column')}</Table.Th>
                <Table.Th>{t('imports.reason')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((issue) => (
                <Table.Tr key={issue.id} data-testid="import-issue">
                  <Table.Td>{issue.row_number}</Table.Td>
                  <Table.Td>
                    <Badge color={issue.kind === 'duplicate' ? 'orange' : 'red'} variant="light">
                      {t(`imports.issueKind.${issue.kind}`)}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{issue.column ? <Code>{issue.column}</Code> : '—'}</Table.Td>
                  <Table.Td>
                    <Text size="sm" title={issue.reason}>
                      {issueText(issue, t, i18n.language)}
                    </Text>
                    <Matches issue={issue} entity={record.entity} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {issues.hasNextPage && (
        <Group>
          <Button
            variant="subtle"
            onClick={() => void issues.fetchNextPage()}
            loading={issues.isFetchingNextPage}
          >
            {t('imports.more')}
          </Button>
        </Group>
      )}
    </Stack>
  );
}

function Matches({ issue, entity }: { issue: ImportIssue; entity: ImportEntity }) {
  const { t } = useTranslation();
  if (issue.matches.length === 0) return null;
  return (
    <Group gap="xs" mt={2}>
      {issue.matches.map((match, index) => {
        if (typeof match.row === 'number') {
          return (
            <Text size="xs" c="dimmed" key={index}>
              {t('imports.sameAsRow', { row: match.row })}
            </Text>
          );
        }
        if (typeof match.id !== 'string') return null;
        const reasons = Array.isArray(match.reasons)
          ? (match.reasons as unknown[])
              .map((reason) =>
                t(`duplicateReason.${String(reason)}`, { defaultValue: String(reason) }),
              )
              .join(', ')
          : '';
        const name =
          typeof match.name === 'string' && match.name ? match.name : t('imports.record');
        return (
          <Anchor
            key={index}
            size="xs"
            component={Link}
            to={`/${entity}/${match.id}`}
            data-testid="import-match"
          >
            {reasons ? `${name} (${reasons})` : name}
          </Anchor>
        );
      })}
    </Group>
  );
}
