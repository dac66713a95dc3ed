import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { adminUser, json, mockApi, problem } from '../../test/api';
import { renderApp } from '../../test/renderApp';
import { setTokens } from '../auth/authStore';
import type { ImportIssue, SpreadsheetImport } from './queries';

const ID = '77777777-7777-4777-8777-777777777777';
const IMPORT = `/api/v1/imports/${ID}`;
const DUPLICATE_OF = '88888888-8888-4888-8888-888888888888';

const uploaded: SpreadsheetImport = {
  id: ID,
  entity: 'clients',
  filename: 'клиенты.csv',
  size: 120,
  format: 'csv',
  encoding: 'cp1251',
  delimiter: ';',
  header: ['Клиент', 'ИНН', 'Телефон', 'Заметка'],
  preview: [
    ['ООО Ромашка', '7707083893', '+7 912 000-00-01', 'важный'],
    ['ИП Иванов', '', '+7 912 000-00-02', ''],
  ],
  mapping: {},
  suggested_mapping: { '0': 'name', '1': 'inn', '2': 'phones' },
  fields: ['name', 'inn', 'phones', 'notes', 'emails', 'cf.region'],
  on_duplicate: 'flag',
  status: 'uploaded',
  job_id: null,
  rows_total: null,
  rows_done: 0,
  progress: 0,
  dry_run: null,
  result: null,
  cancel_requested: false,
  error: null,
  created_by: adminUser.id,
  created_at: '2026-12-03T10:00:00Z',
  updated_at: '2026-12-03T10:00:00Z',
  version: 1,
};

const counts = { created: 1, updated: 0, unchanged: 0, duplicates: 1, skipped: 0, errors: 1 };
const checked: SpreadsheetImport = {
  ...uploaded,
  mapping: { '0': 'name', '1': 'inn', '2': 'phones', '3': 'notes' },
  status: 'checked',
  rows_total: 3,
  rows_done: 3,
  progress: 100,
  dry_run: counts,
};

const issues: ImportIssue[] = [
  {
    id: '99999999-9999-4999-8999-999999999991',
    kind: 'duplicate',
    row_number: 1,
    column: null,
    reason: 'matches an existing client',
    code: 'duplicate_client',
    params: {},
    matches: [{ id: DUPLICATE_OF, name: 'ООО Ромашка', reasons: ['inn'] }],
  },
  {
    id: '99999999-9999-4999-8999-999999999992',
    kind: 'error',
    row_number: 3,
    column: 'Телефон',
    reason: 'not a phone number',
    code: 'not_a_phone',
    params: {},
    matches: [],
  },
  {
    id: '99999999-9999-4999-8999-999999999993',
    kind: 'error',
    row_number: 4,
    column: 'Этап',
    reason: 'no stage of this name in the funnel Продажи',
    code: 'unknown_stage',
    params: { funnel: 'Продажи' },
    matches: [],
  },
  {
    id: '99999999-9999-4999-8999-999999999994',
    kind: 'duplicate',
    row_number: 5,
    column: null,
    reason: 'repeats row 2 of this file',
    code: 'duplicate_row',
    params: { row: '2' },
    matches: [{ row: 2 }],
  },
  {
    id: '99999999-9999-4999-8999-999999999995',
    kind: 'error',
    row_number: 6,
    column: 'ИНН',
    reason: 'must be a valid INN: 10 or 12 digits with check digits',
    code: 'rejected',
    params: {},
    matches: [],
  },
];

/** The Select of a column's row (its visible input, not the hidden value). */
const fieldInput = (row: HTMLElement) =>
  row.querySelector<HTMLInputElement>('input:not([type="hidden"])')!;

const page = <T,>(items: T[]) => ({ items, next_cursor: null });

describe('ImportWizard', () => {
  it('uploads a file as multipart and opens its mapping, filled from the suggestion', async () => {
    setTokens({ access: 'access-1' });
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'POST /api/v1/imports': () => json(201, uploaded),
      [`GET ${IMPORT}`]: () => json(200, uploaded),
    });
    const { user, router } = renderApp('/imports/new?entity=deals');

    const what = await screen.findByText('Что импортируем', {}, { timeout: 5000 });
    expect(what).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Загрузить' }));
    expect(await screen.findByText('Выберите файл')).toBeInTheDocument();
    await user.click(screen.getByText('Клиенты и контакты'));
    const input = document.querySelector<HTMLInputElement>('input[type="file"]')!;
    await user.upload(input, new File(['Клиент;ИНН'], 'клиенты.csv', { type: 'text/csv' }));
    await user.click(screen.getByRole('button', { name: 'Загрузить' }));

    await waitFor(() => expect(router.state.location.pathname).toBe(`/imports/${ID}`));
    const [sent] = api.callsTo('POST', '/api/v1/imports');
    expect(sent!.headers.get('Content-Type')).toMatch(/^multipart\/form-data; boundary=/);
    expect(sent!.body).toContain('name="entity"\r\n\r\nclients');
    expect(sent!.body).toContain('name="file"');

    const rows = await screen.findAllByTestId('import-column', {}, { timeout: 5000 });
    expect(rows).toHaveLength(4);
    expect(fieldInput(rows[0]!)).toHaveValue('Название клиента');
    expect(fieldInput(rows[1]!)).toHaveValue('ИНН');
    expect(fieldInput(rows[2]!)).toHaveValue('Телефоны');
    expect(fieldInput(rows[3]!)).toHaveValue('');
    // The first rows are shown under their headers.
    expect(within(screen.getByTestId('import-preview')).getByText('ИП Иванов')).toBeInTheDocument();
  }, 30_000);

  it('refuses a file that is not a spreadsheet before sending it', async () => {
    setTokens({ access: 'access-1' });
    const api = mockApi({ 'GET /api/v1/users/me': () => json(200, adminUser) });
    const { user } = renderApp('/imports/new');
    await screen.findByText('Что импортируем', {}, { timeout: 5000 });
    const input = document.querySelector<HTMLInputElement>('input[type="file"]')!;
    // Its type passes the picker's filter (as a browser lets "all files" through); its name not.
    await user.upload(input, new File(['%PDF'], 'scan.pdf', { type: 'text/csv' }));
    expect(await screen.findByText('scan.pdf')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Загрузить' }));
    expect(await screen.findByText('Нужен файл CSV или XLSX')).toBeInTheDocument();
    expect(api.callsTo('POST', '/api/v1/imports')).toHaveLength(0);
  }, 30_000);

  it('saves the mapping, runs the dry run and reports duplicates with links', async () => {
    setTokens({ access: 'access-1' });
    let state: SpreadsheetImport = uploaded;
    let polls = 0;
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      [`GET ${IMPORT}`]: () => {
        if (state.status === 'checking' && ++polls > 1) state = checked;
        return json(200, state);
      },
      [`PUT ${IMPORT}/mapping`]: () => json(200, { ...uploaded, mapping: checked.mapping }),
      [`POST ${IMPORT}/dry-run`]: () => {
        state = { ...uploaded, status: 'checking', rows_total: 3, rows_done: 1, progress: 33 };
        return json(202, state);
      },
      [`GET ${IMPORT}/issues`]: () => json(200, page(issues)),
    });
    const { user } = renderApp(`/imports/${ID}`);

    const rows = await screen.findAllByTestId('import-column', {}, { timeout: 5000 });
    await user.click(fieldInput(rows[3]!));
    await user.click(await screen.findByRole('option', { name: 'Примечание' }));
    await user.click(screen.getByRole('button', { name: 'Проверить (пробный прогон)' }));

    await waitFor(() => expect(api.callsTo('POST', `${IMPORT}/dry-run`)).toHaveLength(1));
    expect(JSON.parse(api.callsTo('PUT', `${IMPORT}/mapping`)[0]!.body)).toEqual({
      mapping: { '0': 'name', '1': 'inn', '2': 'phones', '3': 'notes' },
      on_duplicate: 'flag',
    });

    const report = await screen.findByTestId('import-counts-dryRun', {}, { timeout: 8000 });
    expect(within(report).getByTestId('import-count-created')).toHaveTextContent('1будет создано');
    expect(within(report).getByTestId('import-count-duplicates')).toHaveTextContent(
      '1дублей отмечено',
    );
    const listed = await screen.findAllByTestId('import-issue');
    expect(listed).toHaveLength(5);
    expect(within(listed[0]!).getByRole('link', { name: 'ООО Ромашка (ИНН)' })).toHaveAttribute(
      'href',
      `/clients/${DUPLICATE_OF}`,
    );
    // Each reason in Russian, from its code and what it names.
    expect(listed[0]).toHaveTextContent('Совпадает с существующим клиентом');
    expect(listed[1]).toHaveTextContent('Неверный номер телефона');
    expect(listed[2]).toHaveTextContent('В воронке «Продажи» нет этапа с таким названием');
    expect(listed[3]).toHaveTextContent('Повторяет строку 2 этого файла');
    expect(listed[4]).toHaveTextContent(
      'Значение не принято (must be a valid INN: 10 or 12 digits with check digits)',
    );
    expect(listed[1]).not.toHaveTextContent('not a phone number');
  }, 30_000);

  it('shows the server refusing a column under that column', async () => {
    setTokens({ access: 'access-1' });
    mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      [`GET ${IMPORT}`]: () => json(200, uploaded),
      [`PUT ${IMPORT}/mapping`]: () =>
        problem(422, 'invalid', [
          { loc: ['body', 'mapping', '2'], msg: 'no such field: phones', code: null },
        ]),
    });
    const { user } = renderApp(`/imports/${ID}`);
    const rows = await screen.findAllByTestId('import-column', {}, { timeout: 5000 });
    await user.click(screen.getByRole('button', { name: 'Проверить (пробный прогон)' }));
    const input = fieldInput(rows[2]!);
    await waitFor(() => expect(input).toHaveAttribute('aria-invalid', 'true'));
    expect(fieldInput(rows[0]!)).not.toHaveAttribute('aria-invalid', 'true');
  }, 30_000);

  it('says a field chosen twice before asking the server', async () => {
    setTokens({ access: 'access-1' });
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      [`GET ${IMPORT}`]: () => json(200, uploaded),
    });
    const { user } = renderApp(`/imports/${ID}`);
    const rows = await screen.findAllByTestId('import-column', {}, { timeout: 5000 });
    await user.click(fieldInput(rows[3]!));
    await user.click(await screen.findByRole('option', { name: 'ИНН' }));
    expect(await screen.findAllByText('Это поле уже выбрано для другого столбца')).toHaveLength(2);
    await user.click(screen.getByRole('button', { name: 'Проверить (пробный прогон)' }));
    expect(api.callsTo('PUT', `${IMPORT}/mapping`)).toHaveLength(0);
  }, 30_000);

  it('runs the import, polls its progress until done and shows the result', async () => {
    setTokens({ access: 'access-1' });
    let state: SpreadsheetImport = checked;
    let polls = 0;
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      [`GET ${IMPORT}`]: () => {
        if (state.status === 'running' && ++polls > 1) {
          state = { ...state, status: 'done', rows_done: 3, progress: 100, result: counts };
        }
        return json(200, state);
      },
      [`GET ${IMPORT}/issues`]: () => json(200, page(issues)),
      [`POST ${IMPORT}/run`]: () => {
        state = {
          ...checked,
          status: 'running',
          rows_done: 1,
          progress: 33,
          result: { ...counts, created: 0, duplicates: 0, errors: 0 },
        };
        return json(202, state);
      },
    });
    const { user } = renderApp(`/imports/${ID}`);

    await user.click(
      await screen.findByRole('button', { name: 'Импортировать' }, { timeout: 5000 }),
    );
    expect(await screen.findByText('1 из 3 строк (33%)')).toBeInTheDocument();
    expect(screen.getByTestId('import-progress')).toBeInTheDocument();

    const result = await screen.findByTestId('import-result', {}, { timeout: 8000 });
    expect(result).toHaveTextContent('Завершён');
    expect(screen.getByText('3 из 3 строк (100%)')).toBeInTheDocument();
    expect(
      within(screen.getByTestId('import-counts-result')).getByTestId('import-count-created'),
    ).toHaveTextContent('1создано');
    expect(screen.getByRole('link', { name: 'Дубли клиентов' })).toHaveAttribute(
      'href',
      '/clients/duplicates',
    );
    // The run's own flagged rows, with their links.
    expect(
      await within(await screen.findByTestId('import-issues')).findByRole('link', {
        name: 'ООО Ромашка (ИНН)',
      }),
    ).toHaveAttribute('href', `/clients/${DUPLICATE_OF}`);
    // Done: no more polling.
    const seen = api.callsTo('GET', IMPORT).length;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(api.callsTo('GET', IMPORT)).toHaveLength(seen);
  }, 30_000);
});

describe('ImportList', () => {
  it('lists past imports with who, file, status and counts', async () => {
    setTokens({ access: 'access-1' });
    const done: SpreadsheetImport = { ...checked, status: 'done', result: counts };
    mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      [`GET /api/v1/users/${adminUser.id}`]: () => json(200, adminUser),
      'GET /api/v1/imports': () => json(200, page([done])),
    });
    renderApp('/imports');
    const row = await screen.findByTestId('import-row', {}, { timeout: 5000 });
    expect(within(row).getByRole('link', { name: 'клиенты.csv' })).toHaveAttribute(
      'href',
      `/imports/${ID}`,
    );
    expect(within(row).getByText('Завершён')).toBeInTheDocument();
    expect(within(row).getByText('создано 1, обновлено 0, дублей 1, ошибок 1')).toBeInTheDocument();
    expect(await within(row).findByText(adminUser.full_name)).toBeInTheDocument();
  }, 30_000);
});
