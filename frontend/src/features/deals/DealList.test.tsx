import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { adminUser, json, mockApi, problem } from '../../test/api';
import { renderApp } from '../../test/renderApp';
import { setTokens } from '../auth/authStore';
import { board, deal, salesFunnel, STAGE_CONTRACT } from './fixtures';
import type { Deal, DealTotals } from './queries';

const DEALS = '/api/v1/deals';
// The first render loads the route's chunk; on a busy 2-core machine that takes a while.
const LOAD = 10_000;
const TOTALS = '/api/v1/deals/totals';

const row = (n: number, overrides: Partial<Deal> = {}): Deal => ({
  ...deal,
  id: `${deal.id.slice(0, -3)}${String(n).padStart(3, '0')}`,
  title: `Сделка ${n}`,
  ...overrides,
});

const totals = (overrides: Partial<DealTotals> = {}): DealTotals => ({
  exact: true,
  currencies: [
    { currency: 'RUB', count: 3, amount: '450000.00', weighted_amount: '90000.00' },
    { currency: 'USD', count: 1, amount: '2000.00', weighted_amount: '400.00' },
  ],
  ...overrides,
});

/** Money as the reader sees it, with Testing Library's plain spaces. */
const money = (amount: number, currency: string) =>
  new Intl.NumberFormat('ru', { style: 'currency', currency, maximumFractionDigits: 0 })
    .format(amount)
    .replace(/\s/g, ' ');

const query = (request: Request) => new URL(request.url).searchParams;

const pages: Record<string, { items: Deal[]; next_cursor: string | null }> = {
  '': { items: [row(1), row(2)], next_cursor: 'page-2' },
  'page-2': { items: [row(3)], next_cursor: null },
};

/** The API of the deal screen: two pages of deals by cursor, totals, colleagues. */
function dealApi({
  answerTotals = () => json(200, totals()),
  answerBoard = () => json(200, board),
  me = adminUser,
}: {
  answerTotals?: () => Response;
  answerBoard?: (request: Request) => Response;
  me?: typeof adminUser;
} = {}) {
  return mockApi({
    'GET /api/v1/users/me': () => json(200, me),
    [`GET /api/v1/users/${adminUser.id}`]: () => json(200, adminUser),
    'GET /api/v1/users': () => json(200, { items: [adminUser], next_cursor: null }),
    'GET /api/v1/funnels': () => json(200, [salesFunnel]),
    [`GET /api/v1/funnels/${salesFunnel.id}/board`]: (request) => answerBoard(request),
    [`GET ${DEALS}`]: (request) => {
      const search = query(request);
      if (search.get('q')) {
        return json(200, { items: [row(9, { title: 'Монтаж под ключ' })], next_cursor: null });
      }
      return json(200, pages[search.get('cursor') ?? '']);
    },
    [`GET ${TOTALS}`]: () => answerTotals(),
  });
}

/** jsdom lays nothing out: the list's scroller is 600 px high and each row 50 px, so the
 * virtualiser renders what a browser would. */
function layOut() {
  vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(600);
  vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(1000);
  vi.spyOn(HTMLElement.prototype, 'offsetHeight', 'get').mockReturnValue(50);
  vi.spyOn(HTMLElement.prototype, 'offsetWidth', 'get').mockReturnValue(1000);
}

beforeEach(layOut);
afterEach(() => vi.restoreAllMocks());

describe('DealList', { timeout: 30_000 }, () => {
  it('keeps 2,000 loaded deals to a window of rows and loads the next page on scrolling', async () => {
    setTokens({ access: 'access-1' });
    const many = Array.from({ length: 2000 }, (_, n) => row(n));
    const cursors: (string | null)[] = [];
    mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      [`GET /api/v1/users/${adminUser.id}`]: () => json(200, adminUser),
      'GET /api/v1/users': () => json(200, { items: [adminUser], next_cursor: null }),
      'GET /api/v1/funnels': () => json(200, [salesFunnel]),
      [`GET ${DEALS}`]: (request) => {
        const cursor = query(request).get('cursor');
        cursors.push(cursor);
        return cursor
          ? json(200, { items: [row(2000, { title: 'Последняя сделка' })], next_cursor: null })
          : json(200, { items: many, next_cursor: 'after-2000' });
      },
      [`GET ${TOTALS}`]: () =>
        json(200, totals({ currencies: [{ ...totals().currencies[0]!, count: 2001 }] })),
    });
    renderApp('/deals?view=list');

    const table = await screen.findByTestId('deal-list', {}, { timeout: LOAD });
    await waitFor(() =>
      expect(screen.getByTestId('deal-list-shown')).toHaveTextContent('Показано 2 000 из 2 001'),
    );
    const windowed = () => table.querySelectorAll('tbody tr[data-index]');
    expect(windowed().length).toBeGreaterThan(5);
    expect(windowed().length).toBeLessThan(60);
    expect(within(table).getByText('Сделка 0')).toBeInTheDocument();
    expect(within(table).queryByText('Сделка 1999')).not.toBeInTheDocument();
    // Far from the end: nothing more is asked for yet.
    expect(cursors).toEqual([null]);

    // Scrolled to the end: the rows there replace the first ones, and the next page comes.
    const scroller = screen.getByTestId('deal-scroller');
    // (Rows not yet drawn count at the estimated height: past them all is the end.)
    Object.defineProperty(scroller, 'scrollTop', { configurable: true, value: 2000 * 60 });
    fireEvent.scroll(scroller);
    expect(await within(table).findByText('Сделка 1999')).toBeInTheDocument();
    expect(within(table).queryByText('Сделка 0')).not.toBeInTheDocument();
    await waitFor(() => expect(cursors).toEqual([null, 'after-2000']));
    await waitFor(() =>
      expect(screen.getByTestId('deal-list-shown')).toHaveTextContent('Показано 2 001 из 2 001'),
    );
    expect(windowed().length).toBeLessThan(60);
  });

  it('shows the deals and their totals, and pages by cursor without asking the totals again', async () => {
    setTokens({ access: 'access-1' });
    const api = dealApi();
    renderApp('/deals?view=list');

    const table = within(await screen.findByTestId('deal-list', {}, { timeout: LOAD }));
    // The end of the list is in view: the next page comes without a click.
    expect(await table.findByText('Сделка 3')).toBeInTheDocument();
    expect(table.getByRole('link', { name: 'Сделка 1' })).toHaveAttribute(
      'href',
      `/deals/${row(1).id}`,
    );
    expect(table.getByText('Сделка 2')).toBeInTheDocument();
    expect(table.getAllByText('ООО Ромашка')[0]).toHaveAttribute(
      'href',
      `/clients/${deal.client_id}`,
    );
    expect(table.getAllByText('Квалификация')).toHaveLength(3);
    expect((await table.findAllByText(adminUser.full_name)).length).toBe(3);
    await waitFor(() =>
      expect(screen.getByTestId('deal-list-shown')).toHaveTextContent('Показано 3 из 4'),
    );
    expect(screen.queryByRole('button', { name: 'Показать ещё' })).not.toBeInTheDocument();

    const summary = within(screen.getByTestId('deal-totals'));
    expect(summary.getByText(money(450000, 'RUB'))).toBeInTheDocument();
    expect(summary.getByText(money(90000, 'RUB'))).toBeInTheDocument();
    expect(summary.getByText(money(2000, 'USD'))).toBeInTheDocument();
    expect(summary.getByText(money(400, 'USD'))).toBeInTheDocument();
    expect(summary.queryByText(/≈/)).toBeNull();

    expect(api.callsTo('GET', DEALS)).toHaveLength(2);
    // Two pages, one question about the totals.
    expect(api.callsTo('GET', TOTALS)).toHaveLength(1);
  });

  it('asks for the next page with the cursor of the previous one and the same filters', async () => {
    setTokens({ access: 'access-1' });
    const seen: URLSearchParams[] = [];
    mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      [`GET /api/v1/users/${adminUser.id}`]: () => json(200, adminUser),
      'GET /api/v1/users': () => json(200, { items: [adminUser], next_cursor: null }),
      'GET /api/v1/funnels': () => json(200, [salesFunnel]),
      [`GET ${DEALS}`]: (request) => {
        seen.push(query(request));
        return query(request).get('cursor')
          ? json(200, { items: [row(2)], next_cursor: null })
          : json(200, { items: [row(1)], next_cursor: 'page-2' });
      },
      [`GET ${TOTALS}`]: () => json(200, totals()),
    });
    renderApp('/deals?view=list&status=won&sort=amount');

    expect(await screen.findByText('Сделка 2', {}, { timeout: LOAD })).toBeInTheDocument();

    expect(seen.map((search) => search.get('cursor'))).toEqual([null, 'page-2']);
    for (const search of seen) {
      expect(search.get('funnel_id')).toBe(salesFunnel.id);
      expect(search.getAll('status')).toEqual(['won']);
      expect(search.get('sort')).toBe('amount');
    }
  });

  it('asks the totals once per filter: a new search asks again, sorting does not', async () => {
    setTokens({ access: 'access-1' });
    const api = dealApi();
    const { user, router } = renderApp('/deals?view=list');

    await screen.findByTestId('deal-list', {}, { timeout: LOAD });
    await waitFor(() => expect(api.callsTo('GET', TOTALS)).toHaveLength(1));

    // Sorting by a column header changes the order, not what is counted.
    // (Both pages of each order: the end of so short a list is always in view.)
    await waitFor(() => expect(api.callsTo('GET', DEALS)).toHaveLength(2));
    await user.click(screen.getByRole('button', { name: /^Сумма/ }));
    await waitFor(() => expect(api.callsTo('GET', DEALS)).toHaveLength(4));
    expect(screen.getByRole('columnheader', { name: /^Сумма/ })).toHaveAttribute(
      'aria-sort',
      'descending',
    );
    expect(new URLSearchParams(router.state.location.search).get('sort')).toBe('-amount');
    expect(api.callsTo('GET', TOTALS)).toHaveLength(1);

    // Pasted at once: a busy machine may pause between typed keys longer than the debounce.
    await user.click(screen.getByLabelText('Поиск'));
    await user.paste('Монтаж');
    expect(await screen.findByText('Монтаж под ключ', {}, { timeout: LOAD })).toBeInTheDocument();
    await waitFor(() => expect(api.callsTo('GET', TOTALS)).toHaveLength(2));
    // The debounce sends the finished word once, to the list and to the totals.
    expect(api.callsTo('GET', DEALS)).toHaveLength(5);
    const search = new URLSearchParams(router.state.location.search);
    expect(search.get('view')).toBe('list');
    expect(search.get('q')).toBe('Монтаж');
    expect(search.get('sort')).toBe('-amount');
  });

  it('sends the filters the URL names to the list and to the totals', async () => {
    setTokens({ access: 'access-1' });
    const lists: URLSearchParams[] = [];
    const sums: URLSearchParams[] = [];
    mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      [`GET /api/v1/users/${adminUser.id}`]: () => json(200, adminUser),
      'GET /api/v1/users': () => json(200, { items: [adminUser], next_cursor: null }),
      'GET /api/v1/funnels': () => json(200, [salesFunnel]),
      [`GET ${DEALS}`]: (request) => {
        lists.push(query(request));
        return json(200, { items: [row(1)], next_cursor: null });
      },
      [`GET ${TOTALS}`]: (request) => {
        sums.push(query(request));
        return json(200, totals());
      },
    });
    const { user, router } = renderApp(
      `/deals?view=list&responsible=${adminUser.id}&source=Сайт&tag=VIP&tag=опт&stale=true` +
        `&no_task=true&stage=${STAGE_CONTRACT}&status=lost&q=ключ`,
    );

    expect(await screen.findByText('Сделка 1', {}, { timeout: LOAD })).toBeInTheDocument();
    for (const search of [lists[0]!, sums[0]!]) {
      expect(search.get('funnel_id')).toBe(salesFunnel.id);
      expect(search.getAll('responsible_id')).toEqual([adminUser.id]);
      expect(search.getAll('source_channel')).toEqual(['Сайт']);
      expect(search.getAll('tag')).toEqual(['VIP', 'опт']);
      expect(search.get('stale')).toBe('true');
      expect(search.get('without_next_task')).toBe('true');
      expect(search.getAll('stage_id')).toEqual([STAGE_CONTRACT]);
      expect(search.getAll('status')).toEqual(['lost']);
      expect(search.get('q')).toBe('ключ');
    }
    // The filter controls show what the URL says.
    expect(screen.getByLabelText('Поиск')).toHaveValue('ключ');
    expect(screen.getByRole('combobox', { name: 'Статус' })).toHaveValue('Проиграна');
    expect(screen.getByRole('combobox', { name: 'Этап' })).toHaveValue('Договор');
    expect(screen.getByRole('combobox', { name: 'Застрявшие' })).toHaveValue('Только застрявшие');
    expect(screen.getByRole('checkbox', { name: 'Без следующей задачи' })).toBeChecked();
    const tags = screen.getByTestId('tag-filter').closest('.mantine-InputWrapper-root');
    expect(within(tags as HTMLElement).getByText('VIP')).toBeInTheDocument();
    expect(within(tags as HTMLElement).getByText('опт')).toBeInTheDocument();
    const team = screen.getByTestId('team-select').closest('.mantine-InputWrapper-root');
    await waitFor(() =>
      expect(within(team as HTMLElement).getByText(adminUser.full_name)).toBeInTheDocument(),
    );

    // Unticking a filter asks again without it and keeps the rest in the URL.
    await user.click(screen.getByRole('checkbox', { name: 'Без следующей задачи' }));
    await waitFor(() => expect(lists.at(-1)!.get('without_next_task')).toBeNull());
    const url = new URLSearchParams(router.state.location.search);
    expect(url.get('no_task')).toBeNull();
    expect(url.getAll('tag')).toEqual(['VIP', 'опт']);

    // One button clears every filter, keeping the view.
    await user.click(screen.getByRole('button', { name: 'Сбросить фильтры' }));
    await waitFor(() => expect(lists.at(-1)!.getAll('tag')).toEqual([]));
    const cleared = new URLSearchParams(router.state.location.search);
    expect([...cleared.keys()]).toEqual(['view']);
    expect(lists.at(-1)!.get('responsible_id')).toBeNull();
    expect(screen.getByLabelText('Поиск')).toHaveValue('');
  });

  it('sends the filters a dashboard link brings and shows each as a removable chip', async () => {
    setTokens({ access: 'access-1' });
    const lists: URLSearchParams[] = [];
    const sums: URLSearchParams[] = [];
    const department = '00000000-0000-4000-8000-0000000000d1';
    const reason = '00000000-0000-4000-8000-0000000000e1';
    mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/funnels': () => json(200, [salesFunnel]),
      'GET /api/v1/departments': () =>
        json(200, [{ id: department, name: 'Отдел продаж', parent_id: null }]),
      'GET /api/v1/loss-reasons': () => json(200, [{ id: reason, name: 'Дорого' }]),
      [`GET ${DEALS}`]: (request) => {
        lists.push(query(request));
        return json(200, { items: [row(1)], next_cursor: null });
      },
      [`GET ${TOTALS}`]: (request) => {
        sums.push(query(request));
        return json(200, totals());
      },
    });
    const { user, router } = renderApp(
      `/deals?view=list&funnel=${salesFunnel.id}&created_from=2026-11-01&created_to=2026-11-30` +
        `&department=${department}&status=lost&loss_reason=${reason}` +
        `&reached_stage=${STAGE_CONTRACT}&closed_from=2026-12-01&closed_to=not-a-day`,
    );

    expect(await screen.findByText('Сделка 1', {}, { timeout: LOAD })).toBeInTheDocument();
    for (const search of [lists[0]!, sums[0]!]) {
      expect(search.get('department_id')).toBe(department);
      expect(search.get('reached_stage_id')).toBe(STAGE_CONTRACT);
      expect(search.getAll('loss_reason_id')).toEqual([reason]);
      expect(search.get('created_on_from')).toBe('2026-11-01');
      expect(search.get('created_on_to')).toBe('2026-11-30');
      expect(search.get('closed_from')).toBe('2026-12-01');
      // A mistyped day is left out rather than refused by the server.
      expect(search.get('closed_to')).toBeNull();
      expect(search.getAll('status')).toEqual(['lost']);
    }
    const chips = within(screen.getByTestId('deal-filter-chips'));
    expect(await chips.findByText('Отдел: Отдел продаж')).toBeInTheDocument();
    expect(await chips.findByText('Причина проигрыша: Дорого')).toBeInTheDocument();
    expect(chips.getByText('Дошли до этапа: Договор')).toBeInTheDocument();
    const days = new Intl.DateTimeFormat('ru', { dateStyle: 'medium', timeZone: 'UTC' });
    const day = (value: string) => days.format(new Date(`${value}T00:00:00Z`));
    expect(
      chips.getByText(`Созданы ${day('2026-11-01')} – ${day('2026-11-30')}`),
    ).toBeInTheDocument();
    expect(chips.getByText(`Закрыты с ${day('2026-12-01')}`)).toBeInTheDocument();

    // Removing a chip asks again without that filter and keeps the others in the URL.
    await user.click(
      chips.getByRole('button', { name: 'Убрать фильтр: Причина проигрыша: Дорого' }),
    );
    await waitFor(() => expect(lists.at(-1)!.get('loss_reason_id')).toBeNull());
    expect(lists.at(-1)!.get('department_id')).toBe(department);
    const url = new URLSearchParams(router.state.location.search);
    expect(url.get('loss_reason')).toBeNull();
    expect(url.get('department')).toBe(department);

    // A period's chip removes both its ends.
    await user.click(chips.getByRole('button', { name: /^Убрать фильтр: Созданы/ }));
    await waitFor(() => expect(lists.at(-1)!.get('created_on_from')).toBeNull());
    expect(lists.at(-1)!.get('created_on_to')).toBeNull();
  });

  it('remembers the columns a user chose and exports the filtered list', async () => {
    setTokens({ access: 'access-1' });
    const exported: URLSearchParams[] = [];
    mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/funnels': () => json(200, [salesFunnel]),
      [`GET ${DEALS}`]: () =>
        json(200, { items: [row(1, { source_channel: 'Сайт' })], next_cursor: null }),
      [`GET ${TOTALS}`]: () => json(200, totals()),
      [`GET ${DEALS}/export`]: (request) => {
        exported.push(query(request));
        return new Response('id;title', { status: 200, headers: { 'Content-Type': 'text/csv' } });
      },
    });
    // jsdom has no object URLs: the download hands the file to these.
    const createObjectURL = vi.fn(() => 'blob:deals');
    Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() });
    const { user } = renderApp('/deals?view=list&tag=VIP&sort=amount');

    const table = await screen.findByTestId('deal-list', {}, { timeout: LOAD });
    const headers = () =>
      within(table)
        .getAllByRole('columnheader')
        .map((cell) => cell.textContent?.replace(/[↑↓↕]/g, '').trim());
    expect(headers()).toContain('Клиент');
    expect(headers()).not.toContain('Источник');

    await user.click(screen.getByRole('button', { name: 'Столбцы' }));
    await user.click(await screen.findByRole('checkbox', { name: 'Клиент' }));
    await user.click(screen.getByRole('checkbox', { name: 'Источник' }));
    await waitFor(() => expect(headers()).not.toContain('Клиент'));
    expect(headers()).toContain('Источник');
    expect(within(table).getByText('Сайт')).toBeInTheDocument();
    const stored = JSON.parse(
      localStorage.getItem(`crm.deals.list.columns.${adminUser.id}`)!,
    ) as string[];
    expect(stored).toContain('source_channel');
    expect(stored).not.toContain('client');

    await user.click(screen.getByRole('button', { name: 'Экспорт' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Excel (XLSX)' }));
    await waitFor(() => expect(createObjectURL).toHaveBeenCalled());
    expect(exported).toHaveLength(1);
    expect(exported[0]!.get('format')).toBe('xlsx');
    expect(exported[0]!.getAll('tag')).toEqual(['VIP']);
    expect(exported[0]!.get('sort')).toBe('amount');
    expect(exported[0]!.get('funnel_id')).toBe(salesFunnel.id);
  });

  it("shows the columns this user chose before, not another user's choice", async () => {
    setTokens({ access: 'access-1' });
    localStorage.setItem(
      `crm.deals.list.columns.${adminUser.id}`,
      JSON.stringify(['updated_at', 'amount', 'unknown']),
    );
    localStorage.setItem('crm.deals.list.columns.someone-else', JSON.stringify(['amount']));
    dealApi();
    renderApp('/deals?view=list');

    const table = await screen.findByTestId('deal-list', {}, { timeout: LOAD });
    const headers = within(table)
      .getAllByRole('columnheader')
      .map((cell) => cell.textContent?.replace(/[↑↓↕]/g, '').trim());
    // In the list's own order; an unknown name is ignored.
    expect(headers).toEqual(['Сделка', 'Сумма', 'Изменена']);
  });

  it('marks estimated totals with ≈ and says so on hover', async () => {
    setTokens({ access: 'access-1' });
    dealApi({ answerTotals: () => json(200, totals({ exact: false })) });
    const { user } = renderApp('/deals?view=list');

    const summary = within(await screen.findByTestId('deal-totals', {}, { timeout: LOAD }));
    const estimated = await summary.findByText(`≈ ${money(450000, 'RUB')}`);
    expect(summary.getByText(`≈ ${money(90000, 'RUB')}`)).toBeInTheDocument();
    expect(summary.getByText('≈ 3')).toBeInTheDocument();
    await waitFor(() =>
      expect(screen.getByTestId('deal-list-shown')).toHaveTextContent('Показано 3 из ≈ 4'),
    );

    await user.hover(estimated);
    expect(await screen.findByText('Оценка: точное значение пересчитывается')).toBeInTheDocument();
  });

  it('switches between the board and the list, keeping the filters in the URL', async () => {
    setTokens({ access: 'access-1' });
    const boards: URLSearchParams[] = [];
    dealApi({
      answerBoard: (request) => {
        boards.push(query(request));
        return json(200, board);
      },
    });
    const { user, router } = renderApp('/deals?q=Монтаж');

    await screen.findAllByTestId('stage-column', {}, { timeout: LOAD });
    expect(boards).toHaveLength(1);

    await user.click(screen.getByRole('radio', { name: 'Список' }));
    expect(await screen.findByText('Монтаж под ключ', {}, { timeout: LOAD })).toBeInTheDocument();
    const search = new URLSearchParams(router.state.location.search);
    expect(search.get('view')).toBe('list');
    expect(search.get('q')).toBe('Монтаж');

    await user.click(screen.getByRole('radio', { name: 'Доска' }));
    expect(await screen.findAllByTestId('stage-column')).toHaveLength(2);
    expect(new URLSearchParams(router.state.location.search).get('view')).toBeNull();
    // The board asked with the same search.
    expect(boards.every((search) => search.get('q') === 'Монтаж')).toBe(true);

    // A link to /deals (the navigation) clears the filters, the search box with them.
    await router.navigate('/deals');
    await waitFor(() => expect(screen.getByLabelText('Поиск')).toHaveValue(''));
  });

  it('says a failed load failed and loads again on retry', async () => {
    setTokens({ access: 'access-1' });
    let fail = true;
    mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      [`GET /api/v1/users/${adminUser.id}`]: () => json(200, adminUser),
      'GET /api/v1/users': () => json(200, { items: [adminUser], next_cursor: null }),
      'GET /api/v1/funnels': () => json(200, [salesFunnel]),
      [`GET ${DEALS}`]: () =>
        fail ? problem(422, 'refused') : json(200, { items: [row(1)], next_cursor: null }),
      [`GET ${TOTALS}`]: () => json(200, totals()),
    });
    const { user } = renderApp('/deals?view=list');

    const alert = await screen.findByText('Не удалось загрузить данные.', {}, { timeout: LOAD });
    expect(screen.queryByText('Сделки не найдены')).toBeNull();
    fail = false;
    await user.click(
      within(alert.closest('[role="alert"]')!).getByRole('button', { name: 'Повторить' }),
    );
    expect(await screen.findByText('Сделка 1')).toBeInTheDocument();
  });
});

describe('DealBoard estimated columns', { timeout: 30_000 }, () => {
  it('shows ≈ before the count and sums of a column whose totals are estimated', async () => {
    setTokens({ access: 'access-1' });
    const [first, second] = board.columns;
    mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/users': () => json(200, { items: [adminUser], next_cursor: null }),
      'GET /api/v1/funnels': () => json(200, [salesFunnel]),
      [`GET /api/v1/funnels/${salesFunnel.id}/board`]: () =>
        json(200, {
          ...board,
          columns: [
            { ...first, exact: false },
            { ...second, exact: true },
          ],
        }),
    });
    renderApp('/deals');

    const columns = await screen.findAllByTestId('stage-column', {}, { timeout: LOAD });
    const estimated = within(columns[0]!);
    expect(estimated.getByText(`≈ ${money(150000, 'RUB')}`)).toBeInTheDocument();
    expect(estimated.getByText('≈ 1')).toBeInTheDocument();
    expect(within(columns[1]!).queryByText(/≈/)).toBeNull();
  });

  it('offers the team filter to a head of sales, not to a seller who sees only their own', async () => {
    setTokens({ access: 'access-1' });
    const seller = { ...adminUser, role_code: 'seller', permissions: ['deals:read'] };
    dealApi({ me: seller });
    renderApp('/deals?view=list');
    expect(await screen.findByText('Сделка 1', {}, { timeout: LOAD })).toBeInTheDocument();
    expect(screen.queryByTestId('team-select')).not.toBeInTheDocument();
    expect(screen.getByLabelText('Поиск')).toBeInTheDocument();
    cleanup();

    const head = {
      ...seller,
      role_code: 'head_of_sales',
      permissions: ['deals:read', 'reports:read'],
    };
    dealApi({ me: head });
    renderApp('/deals?view=list');
    expect(await screen.findByTestId('team-select', {}, { timeout: LOAD })).toBeInTheDocument();
  });
});
