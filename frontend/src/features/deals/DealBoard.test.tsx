import { act, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { notifications } from '@mantine/notifications';
import { MemoryRouter } from 'react-router-dom';
import { AppProviders } from '../../AppProviders';
import { createQueryClient } from '../../api/queryClient';
import type { Problem } from '../../api/problem';
import { adminUser, json, mockApi, problem } from '../../test/api';
import { renderApp } from '../../test/renderApp';
import { i18n } from '../../i18n';
import { setTokens } from '../auth/authStore';
import { board, deal, salesFunnel, STAGE_CONTRACT, STAGE_QUALIFY } from './fixtures';
import {
  columnKeyboardCoordinates,
  missingRequirements,
  useDealMoves,
  withMoves,
  type MovingDeal,
} from './moveDeal';
import type { Deal } from './queries';
import { askForRequirements } from './requirements';
import { StageRequirementsHost } from './StageRequirementsModal';

const BOARD = `/api/v1/funnels/${salesFunnel.id}/board`;
const COLUMN = `/api/v1/funnels/${salesFunnel.id}/board/columns/${STAGE_QUALIFY}`;
const LOAD = 10_000;

const card = (n: number, overrides: Partial<Deal> = {}): Deal => ({
  ...deal,
  id: `${deal.id.slice(0, -5)}${String(n).padStart(5, '0')}`,
  title: `Сделка ${n}`,
  ...overrides,
});

/** jsdom lays nothing out: each column's scroller is 600 px high and each card 100 px, so the
 * virtualiser renders what a browser would. */
function layOut() {
  vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(600);
  vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(280);
  vi.spyOn(HTMLElement.prototype, 'offsetHeight', 'get').mockReturnValue(100);
  vi.spyOn(HTMLElement.prototype, 'offsetWidth', 'get').mockReturnValue(280);
}
const MOVE = `/api/v1/deals/${deal.id}/move`;

const refusal = (errors: Problem['errors']): Problem => ({
  type: 'about:blank',
  title: 'Stage requirements missing',
  status: 422,
  detail: 'Entering the stage requires more',
  errors,
});

describe('missingRequirements', () => {
  it('names missing documents and fields in words', () => {
    const t = i18n.t;
    expect(
      missingRequirements(
        refusal([
          { loc: ['body', 'documents', 'contract'], msg: 'attach a contract' },
          { loc: ['body', 'fields', 'amount'], msg: 'fill in amount' },
          { loc: ['body', 'fields', 'custom:budget'], msg: 'fill in budget' },
          { loc: ['body', 'stage_id'], msg: 'unknown stage' },
        ]),
        t,
      ),
    ).toEqual([
      'Нужен документ: Договор',
      'Заполните поле: Сумма',
      'Заполните поле: Дополнительное поле «budget»',
      'unknown stage',
    ]);
  });

  it('speaks the current language', async () => {
    await i18n.changeLanguage('en');
    expect(
      missingRequirements(refusal([{ loc: ['body', 'documents', 'invoice'], msg: '' }]), i18n.t),
    ).toEqual(['Document required: Invoice']);
  });
});

describe('DealBoard', { timeout: 30_000 }, () => {
  beforeEach(layOut);
  afterEach(() => vi.restoreAllMocks());

  it('shows a column per stage with count, sum, weighted sum, probability and initials', async () => {
    setTokens({ access: 'access-1' });
    mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/funnels': () => json(200, [salesFunnel]),
      [`GET ${BOARD}`]: () => json(200, board),
    });
    renderApp('/deals');

    const columns = await screen.findAllByTestId('stage-column', {}, { timeout: LOAD });
    // In stage order, not in the order the API listed them.
    expect(columns.map((column) => column.getAttribute('aria-label'))).toEqual([
      'Квалификация',
      'Договор',
    ]);
    const first = within(columns[0]!);
    expect(first.getByText('Вероятность 20%')).toBeInTheDocument();
    expect(await first.findByText('Поставка оборудования')).toBeInTheDocument();
    expect(first.getByText('ООО Ромашка')).toBeInTheDocument();
    expect(first.getByText('Застряла')).toBeInTheDocument();
    const money = (amount: number) =>
      new Intl.NumberFormat('ru', { style: 'currency', currency: 'RUB', maximumFractionDigits: 0 })
        .format(amount)
        // Testing Library reads non-breaking spaces as plain ones.
        .replace(/\s/g, ' ');
    expect(first.getAllByText(money(150000))).toHaveLength(2); // the column sum and the card
    expect(first.getByTestId('column-total')).toHaveTextContent(`взвеш. ${money(30000)}`);
    // The responsible's initials, named for screen readers.
    const avatar = first.getByRole('img', { name: 'Ответственный: Анна Админова' });
    expect(avatar).toHaveTextContent('АА');
    expect(within(columns[1]!).getByText('Нет сделок')).toBeInTheDocument();
  });

  it('renders only the cards in view of a column of 2,000', async () => {
    setTokens({ access: 'access-1' });
    const many = Array.from({ length: 2000 }, (_, n) => card(n));
    mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/funnels': () => json(200, [salesFunnel]),
      [`GET ${BOARD}`]: () =>
        json(200, {
          ...board,
          columns: [{ ...board.columns[0]!, count: 2000, deals: many }, board.columns[1]],
        }),
    });
    renderApp('/deals');

    const columns = await screen.findAllByTestId('stage-column', {}, { timeout: LOAD });
    const first = within(columns[0]!);
    expect(await first.findByText('Сделка 0')).toBeInTheDocument();
    const rendered = first.getAllByTestId('deal-card').length;
    // 600 px of 100 px cards and a few around them, not 2,000.
    expect(rendered).toBeGreaterThan(3);
    expect(rendered).toBeLessThan(30);
    expect(first.queryByText('Сделка 1999')).toBeNull();
    expect(first.getByTitle('Сделок: 2000')).toHaveTextContent('2000');
  });
});

describe('DealBoard quick add and filters', { timeout: 30_000 }, () => {
  beforeEach(layOut);
  afterEach(() => vi.restoreAllMocks());

  it('adds a deal with title, client and amount at the top of a column, in its stage', async () => {
    setTokens({ access: 'access-1' });
    const client = { id: '00000000-0000-4000-8000-00000000c777', name: 'ООО Василёк' };
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/funnels': () => json(200, [salesFunnel]),
      [`GET ${BOARD}`]: () => json(200, board),
      'GET /api/v1/clients': () => json(200, { items: [client], next_cursor: null }),
      'POST /api/v1/deals': () => json(201, { ...deal, id: card(5).id, title: 'Монтаж' }),
    });
    const { user } = renderApp('/deals');

    const columns = await screen.findAllByTestId('stage-column', {}, { timeout: LOAD });
    const contract = within(columns[1]!);
    await user.click(contract.getByRole('button', { name: 'Добавить сделку на этап «Договор»' }));
    const form = within(await contract.findByTestId('quick-add'));
    // Nothing is sent until the required fields are there.
    await user.click(form.getByRole('button', { name: 'Добавить' }));
    expect(await form.findByText('Выберите клиента')).toBeInTheDocument();
    expect(api.callsTo('POST', '/api/v1/deals')).toHaveLength(0);

    await user.type(form.getByLabelText(/Название/), 'Монтаж');
    await user.click(form.getByRole('combobox', { name: /Клиент/ }));
    await user.click(await screen.findByRole('option', { name: 'ООО Василёк' }));
    await user.type(form.getByLabelText('Сумма'), '250 000,50');
    await user.click(form.getByRole('button', { name: 'Добавить' }));

    await waitFor(() => expect(api.callsTo('POST', '/api/v1/deals')).toHaveLength(1));
    expect(JSON.parse(api.callsTo('POST', '/api/v1/deals')[0]!.body)).toEqual({
      title: 'Монтаж',
      client_id: client.id,
      amount: '250000.50',
      funnel_id: salesFunnel.id,
      stage_id: STAGE_CONTRACT,
    });
    await waitFor(() => expect(contract.queryByTestId('quick-add')).toBeNull());
    // The board is asked again, so the new card and the column's totals show.
    await waitFor(() => expect(api.callsTo('GET', BOARD).length).toBeGreaterThan(1));
  });

  it('puts a server refusal of the quick add in words, on the form', async () => {
    setTokens({ access: 'access-1' });
    const client = { id: '00000000-0000-4000-8000-00000000c777', name: 'ООО Василёк' };
    mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/funnels': () => json(200, [salesFunnel]),
      [`GET ${BOARD}`]: () => json(200, board),
      'GET /api/v1/clients': () => json(200, { items: [client], next_cursor: null }),
      'POST /api/v1/deals': () => problem(403, 'Missing permission deals:write'),
    });
    const { user } = renderApp('/deals');

    const columns = await screen.findAllByTestId('stage-column', {}, { timeout: LOAD });
    const first = within(columns[0]!);
    await user.click(first.getByRole('button', { name: 'Добавить сделку на этап «Квалификация»' }));
    const form = within(await first.findByTestId('quick-add'));
    await user.type(form.getByLabelText(/Название/), 'Монтаж');
    await user.click(form.getByRole('combobox', { name: /Клиент/ }));
    await user.click(await screen.findByRole('option', { name: 'ООО Василёк' }));
    await user.click(form.getByRole('button', { name: 'Добавить' }));

    expect(await form.findByText(i18n.t('apiProblem.forbidden'))).toBeInTheDocument();
    expect(screen.queryByText(/Missing permission/)).toBeNull();
  });

  it('checks the quick add as typed and puts a refused field under it in words', async () => {
    setTokens({ access: 'access-1' });
    const client = { id: '00000000-0000-4000-8000-00000000c777', name: 'ООО Василёк' };
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/funnels': () => json(200, [salesFunnel]),
      [`GET ${BOARD}`]: () => json(200, board),
      'GET /api/v1/clients': () => json(200, { items: [client], next_cursor: null }),
      'POST /api/v1/deals': () =>
        problem(422, 'Invalid input', [
          {
            loc: ['body', 'title'],
            msg: 'must not contain control characters',
            code: 'control_characters',
          },
          { loc: ['body', 'amount'], msg: 'bad amount' },
        ]),
    });
    const { user } = renderApp('/deals');

    const columns = await screen.findAllByTestId('stage-column', {}, { timeout: LOAD });
    const first = within(columns[0]!);
    await user.click(first.getByRole('button', { name: 'Добавить сделку на этап «Квалификация»' }));
    const form = within(await first.findByTestId('quick-add'));
    const title = form.getByLabelText(/Название/);
    await user.click(title);
    await user.paste('М'.repeat(301));
    // Said while typing, before anything is sent.
    expect(title).toHaveAccessibleDescription(/Не длиннее 300 символов/);
    await user.clear(title);
    await user.type(title, 'Монтаж');
    expect(title).not.toHaveAttribute('aria-invalid', 'true');
    const amount = form.getByLabelText('Сумма');
    await user.type(amount, 'много');
    expect(amount).toHaveAccessibleDescription(i18n.t('dealCreate.amountInvalid'));
    await user.clear(amount);
    await user.type(amount, '100');
    await user.click(form.getByRole('combobox', { name: /Клиент/ }));
    await user.click(await screen.findByRole('option', { name: 'ООО Василёк' }));
    await user.click(form.getByRole('button', { name: 'Добавить' }));

    await waitFor(() => expect(api.callsTo('POST', '/api/v1/deals')).toHaveLength(1));
    await waitFor(() => expect(title).toHaveAccessibleDescription(/Уберите управляющие символы/));
    expect(amount).toHaveAccessibleDescription('Сервер не принял это значение');
    expect(form.queryByRole('alert')).toBeNull();
  });

  it('asks the board with the filters the URL names, and the team among visible owners', async () => {
    setTokens({ access: 'access-1' });
    const boards: URLSearchParams[] = [];
    const people: URLSearchParams[] = [];
    mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      [`GET /api/v1/users/${adminUser.id}`]: () => json(200, adminUser),
      'GET /api/v1/users': (request) => {
        people.push(new URL(request.url).searchParams);
        return json(200, { items: [adminUser], next_cursor: null });
      },
      'GET /api/v1/funnels': () => json(200, [salesFunnel]),
      [`GET ${BOARD}`]: (request) => {
        boards.push(new URL(request.url).searchParams);
        return json(200, board);
      },
    });
    renderApp(
      `/deals?responsible=${adminUser.id}&source=Сайт&tag=VIP&stale=false&no_task=true&q=Ромашка`,
    );

    await screen.findAllByTestId('stage-column', {}, { timeout: LOAD });
    const [search] = boards;
    expect(search!.getAll('responsible_id')).toEqual([adminUser.id]);
    expect(search!.getAll('source_channel')).toEqual(['Сайт']);
    expect(search!.getAll('tag')).toEqual(['VIP']);
    expect(search!.get('stale')).toBe('false');
    expect(search!.get('without_next_task')).toBe('true');
    expect(search!.get('q')).toBe('Ромашка');
    // The team choices are the people whose deals the caller may see.
    await waitFor(() => expect(people.length).toBeGreaterThan(0));
    expect(people.every((query) => query.get('owners_of') === 'deals')).toBe(true);
  });
});

describe('DealBoard column paging', { timeout: 30_000 }, () => {
  beforeEach(layOut);
  afterEach(() => vi.restoreAllMocks());

  it('loads the next cards of a column as its end comes into view, until there are no more', async () => {
    setTokens({ access: 'access-1' });
    const pages: Record<string, unknown> = {
      c1: { stage_id: STAGE_QUALIFY, deals: [card(2)], next_cursor: 'c2' },
      c2: { stage_id: STAGE_QUALIFY, deals: [card(3)], next_cursor: null },
    };
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/funnels': () => json(200, [salesFunnel]),
      [`GET ${BOARD}`]: () =>
        json(200, {
          ...board,
          columns: [{ ...board.columns[0]!, count: 3, next_cursor: 'c1' }, board.columns[1]],
        }),
      [`GET ${COLUMN}`]: (request) =>
        json(200, pages[new URL(request.url).searchParams.get('cursor') ?? '']),
    });
    renderApp('/deals?tag=VIP');

    const columns = await screen.findAllByTestId('stage-column', {}, { timeout: LOAD });
    const first = within(columns[0]!);
    // Only a column with a next page offers more.
    expect(within(columns[1]!).queryByRole('button', { name: /Показать ещё/ })).toBeNull();
    // The end of the column is in view: its next pages come without a click.
    expect(await first.findByText('Сделка 2')).toBeInTheDocument();
    expect(await first.findByText('Сделка 3')).toBeInTheDocument();
    expect(first.getByText('Поставка оборудования')).toBeInTheDocument();
    await waitFor(() => expect(first.queryByRole('button', { name: /Показать ещё/ })).toBeNull());
    const calls = api.callsTo('GET', COLUMN);
    expect(calls).toHaveLength(2);
    // The column's pages take the board's filters.
    expect(calls.every((call) => call.path === COLUMN)).toBe(true);
  });

  it('offers a button after a failed page instead of retrying in a loop', async () => {
    setTokens({ access: 'access-1' });
    let fail = true;
    const api = mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/funnels': () => json(200, [salesFunnel]),
      [`GET ${BOARD}`]: () =>
        json(200, {
          ...board,
          columns: [{ ...board.columns[0]!, count: 2, next_cursor: 'c1' }, board.columns[1]],
        }),
      [`GET ${COLUMN}`]: () =>
        fail
          ? problem(422, 'refused')
          : json(200, { stage_id: STAGE_QUALIFY, deals: [card(2)], next_cursor: null }),
    });
    const { user } = renderApp('/deals');

    const columns = await screen.findAllByTestId('stage-column', {}, { timeout: LOAD });
    const first = within(columns[0]!);
    expect(await first.findByText(i18n.t('errors.loadFailed'))).toBeInTheDocument();
    expect(api.callsTo('GET', COLUMN)).toHaveLength(1);
    fail = false;
    await user.click(first.getByRole('button', { name: 'Показать ещё (1 из 2)' }));
    expect(await first.findByText('Сделка 2')).toBeInTheDocument();
  });
});

describe('columnKeyboardCoordinates', () => {
  const rect = (left: number) => ({
    left,
    top: 100,
    width: 280,
    height: 600,
    right: left + 280,
    bottom: 700,
  });
  const context = {
    collisionRect: { left: 310, top: 120, width: 260, height: 90, right: 570, bottom: 210 },
    droppableRects: new Map([
      ['c', rect(600)],
      ['a', rect(0)],
      ['b', rect(300)],
    ]),
  } as unknown as Parameters<typeof columnKeyboardCoordinates>[1]['context'];
  const press = (code: string) =>
    columnKeyboardCoordinates(new KeyboardEvent('keydown', { code }), {
      active: deal.id,
      currentCoordinates: { x: 440, y: 165 },
      context,
    });

  it('carries the card to the centre of the next or the previous column', () => {
    // The card's centre is at 440, in column b (300..580): c's centre is 740, a's 140.
    expect(press('ArrowRight')).toEqual({ x: 740, y: 165 });
    expect(press('ArrowLeft')).toEqual({ x: 140, y: 165 });
  });

  it('stays at the ends and ignores up and down', () => {
    const last = {
      ...context,
      collisionRect: { left: 610, top: 120, width: 260, height: 90, right: 870, bottom: 210 },
    } as typeof context;
    expect(
      columnKeyboardCoordinates(new KeyboardEvent('keydown', { code: 'ArrowRight' }), {
        active: deal.id,
        currentCoordinates: { x: 740, y: 165 },
        context: last,
      }),
    ).toBeUndefined();
    expect(press('ArrowDown')).toBeUndefined();
  });
});

describe('withMoves', () => {
  const moving = (d: Deal, from: string, to: string): MovingDeal => ({
    deal: d,
    fromStageId: from,
    toStageId: to,
  });

  it('takes a moving card out of its column and puts it first in the new one', () => {
    const others = [card(1, { stage_id: STAGE_CONTRACT })];
    const move = [moving(deal, STAGE_QUALIFY, STAGE_CONTRACT)];
    expect(withMoves(STAGE_QUALIFY, [deal, card(2)], 2, move)).toEqual({
      cards: [card(2)],
      count: 1,
    });
    const arrived = withMoves(STAGE_CONTRACT, others, 1, move);
    expect(arrived.cards.map((d) => [d.id, d.stage_id])).toEqual([
      [deal.id, STAGE_CONTRACT],
      [others[0]!.id, STAGE_CONTRACT],
    ]);
    expect(arrived.count).toBe(2);
  });

  it('does not count twice once the refetched board already shows the move', () => {
    const move = [moving(deal, STAGE_QUALIFY, STAGE_CONTRACT)];
    const server = { ...deal, stage_id: STAGE_CONTRACT };
    expect(withMoves(STAGE_CONTRACT, [server], 1, move)).toEqual({
      cards: [{ ...deal, stage_id: STAGE_CONTRACT }],
      count: 1,
    });
    expect(withMoves(STAGE_QUALIFY, [card(2)], 1, move)).toEqual({ cards: [card(2)], count: 1 });
  });
});

describe('useDealMoves', () => {
  let onDragEnd: ReturnType<typeof useDealMoves>['onDragEnd'] | undefined;
  function Harness() {
    const moves = useDealMoves();
    onDragEnd = moves.onDragEnd;
    return (
      <ul data-testid="moving">
        {moves.moving.map((item) => (
          <li key={item.deal.id}>{`${item.deal.title} → ${item.toStageId}`}</li>
        ))}
      </ul>
    );
  }
  const renderHarness = () =>
    render(
      <AppProviders queryClient={createQueryClient()} env="test">
        <MemoryRouter>
          <Harness />
          <StageRequirementsHost />
        </MemoryRouter>
      </AppProviders>,
    );
  // The dialog's store and the notifications outlive a test.
  beforeEach(() => act(() => notifications.clean()));
  afterEach(() => {
    askForRequirements(null);
    act(() => notifications.clean());
  });
  const drop = (stageId: string) =>
    act(() =>
      onDragEnd!({
        active: {
          id: deal.id,
          data: { current: { deal } },
          rect: { current: { initial: null, translated: null } },
        },
        over: {
          id: stageId,
          data: { current: undefined },
          rect: { width: 0, height: 0, top: 0, left: 0, bottom: 0, right: 0 },
          disabled: false,
        },
      }),
    );
  /** A response the test releases when it has looked at the optimistic state. */
  function held() {
    let release: (response: Response) => void = () => {};
    const promise = new Promise<Response>((resolve) => {
      release = resolve;
    });
    return { answer: () => promise, release: (response: Response) => release(response) };
  }
  const movingList = () => within(screen.getByTestId('moving'));

  it('shows the card in its new stage at once, sends If-Match, and keeps it there on success', async () => {
    setTokens({ access: 'access-1' });
    const response = held();
    const api = mockApi({ [`POST ${MOVE}`]: () => response.answer() });
    renderHarness();

    drop(STAGE_CONTRACT);

    expect(movingList().getByText(`${deal.title} → ${STAGE_CONTRACT}`)).toBeInTheDocument();
    await waitFor(() => expect(api.callsTo('POST', MOVE)).toHaveLength(1));
    const [move] = api.callsTo('POST', MOVE);
    expect(move!.headers.get('If-Match')).toBe(`"v${deal.version}"`);
    expect(JSON.parse(move!.body)).toEqual({ stage_id: STAGE_CONTRACT });

    response.release(json(200, { ...deal, stage_id: STAGE_CONTRACT, version: 4 }));
    // Settled: the refetched board shows the card where it went.
    await waitFor(() => expect(movingList().queryByRole('listitem')).toBeNull());
    expect(screen.queryByText('Сделку изменили')).toBeNull();
    expect(screen.queryByText('Ошибка')).toBeNull();
  });

  it('rolls the card back and says the deal changed when the server refuses with 412', async () => {
    setTokens({ access: 'access-1' });
    const response = held();
    mockApi({ [`POST ${MOVE}`]: () => response.answer() });
    renderHarness();

    drop(STAGE_CONTRACT);
    expect(movingList().getAllByRole('listitem')).toHaveLength(1);

    response.release(problem(412, 'The deal changed since it was read'));

    expect(await screen.findByText('Сделку изменили')).toBeInTheDocument();
    expect(
      screen.getByText(/Пока вы переносили «Поставка оборудования», её изменил кто-то другой/),
    ).toBeInTheDocument();
    await waitFor(() => expect(movingList().queryByRole('listitem')).toBeNull());
    // No raw English from the server.
    expect(screen.queryByText(/changed since it was read/)).toBeNull();
  });

  it('rolls the card back and asks for the missing document in a dialog', async () => {
    setTokens({ access: 'access-1' });
    const api = mockApi({
      'GET /api/v1/funnels': () => json(200, [salesFunnel]),
      'GET /api/v1/document-types': () => json(200, []),
      'GET /api/v1/custom-fields': () => json(200, []),
      [`POST ${MOVE}`]: () =>
        problem(422, "Entering the stage 'Договор' requires: document contract", [
          { loc: ['body', 'documents', 'contract'], msg: "attach a document of type 'contract'" },
        ]),
    });
    renderHarness();

    drop(STAGE_CONTRACT);

    const dialog = await screen.findByTestId('stage-requirements');
    expect(within(dialog).getByText('Нужен документ: Договор')).toBeInTheDocument();
    expect(api.callsTo('POST', MOVE)).toHaveLength(1);
    await waitFor(() => expect(movingList().queryByRole('listitem')).toBeNull());
    // The refusal is not shown again by the generic handler.
    expect(screen.queryByText(/requires: document contract/)).not.toBeInTheDocument();
  });

  it("explains any other refusal in the reader's language and rolls back", async () => {
    setTokens({ access: 'access-1' });
    mockApi({ [`POST ${MOVE}`]: () => problem(409, 'The deal is closed') });
    renderHarness();

    drop(STAGE_CONTRACT);

    expect(await screen.findByText(i18n.t('apiProblem.conflict'))).toBeInTheDocument();
    expect(screen.queryByText('The deal is closed')).toBeNull();
    expect(screen.queryByTestId('stage-requirements')).not.toBeInTheDocument();
    await waitFor(() => expect(movingList().queryByRole('listitem')).toBeNull());
  });

  it("sends nothing for a drop on the card's own column", () => {
    setTokens({ access: 'access-1' });
    const api = mockApi({});
    renderHarness();

    drop(STAGE_QUALIFY);

    expect(movingList().queryByRole('listitem')).toBeNull();
    expect(api.callsTo('POST', MOVE)).toHaveLength(0);
  });
});
