import { render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryRouter } from 'react-router-dom';
import { AppProviders } from '../../AppProviders';
import { createQueryClient } from '../../api/queryClient';
import type { Problem } from '../../api/problem';
import { adminUser, json, mockApi, problem } from '../../test/api';
import { renderApp } from '../../test/renderApp';
import { i18n } from '../../i18n';
import { setTokens } from '../auth/authStore';
import { board, deal, salesFunnel, STAGE_CONTRACT, STAGE_QUALIFY } from './fixtures';
import { missingRequirements, useDealDragEnd } from './moveDeal';
import { askForRequirements } from './requirements';
import { StageRequirementsHost } from './StageRequirementsModal';

const BOARD = `/api/v1/funnels/${salesFunnel.id}/board`;
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

describe('DealBoard', () => {
  it('shows a column per stage of the default funnel with count, sum and probability', async () => {
    setTokens({ access: 'access-1' });
    mockApi({
      'GET /api/v1/users/me': () => json(200, adminUser),
      'GET /api/v1/funnels': () => json(200, [salesFunnel]),
      [`GET ${BOARD}`]: () => json(200, board),
    });
    renderApp('/deals');

    const columns = await screen.findAllByTestId('stage-column', {}, { timeout: 5000 });
    // In stage order, not in the order the API listed them.
    expect(columns.map((column) => column.getAttribute('aria-label'))).toEqual([
      'Квалификация',
      'Договор',
    ]);
    const first = within(columns[0]!);
    expect(first.getByText('Вероятность 20%')).toBeInTheDocument();
    expect(first.getByText('Поставка оборудования')).toBeInTheDocument();
    expect(first.getByText('ООО Ромашка')).toBeInTheDocument();
    expect(first.getByText('Застряла')).toBeInTheDocument();
    const money = new Intl.NumberFormat('ru', {
      style: 'currency',
      currency: 'RUB',
      maximumFractionDigits: 0,
    })
      .format(150000)
      // Testing Library reads non-breaking spaces as plain ones.
      .replace(/\s/g, ' ');
    expect(first.getAllByText(money)).toHaveLength(2); // the column sum and the card
    expect(within(columns[1]!).getByText('Нет сделок')).toBeInTheDocument();
  });
});

describe('DealBoard column paging', () => {
  it('loads the next cards of one column page by page until there are no more', async () => {
    setTokens({ access: 'access-1' });
    const COLUMN = `/api/v1/funnels/${salesFunnel.id}/board/columns/${STAGE_QUALIFY}`;
    const card = (n: number) => ({
      ...deal,
      id: `${deal.id.slice(0, -1)}${n}`,
      title: `Сделка ${n}`,
    });
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
    renderApp('/deals');

    const columns = await screen.findAllByTestId('stage-column', {}, { timeout: 5000 });
    const first = within(columns[0]!);
    // Only a column with a next page offers more.
    expect(within(columns[1]!).queryByRole('button', { name: /Показать ещё/ })).toBeNull();
    first.getByRole('button', { name: 'Показать ещё (1 из 3)' }).click();
    expect(await first.findByText('Сделка 2')).toBeInTheDocument();
    (await first.findByRole('button', { name: 'Показать ещё (2 из 3)' })).click();
    expect(await first.findByText('Сделка 3')).toBeInTheDocument();
    expect(first.getByText('Поставка оборудования')).toBeInTheDocument();
    await waitFor(() => expect(first.queryByRole('button', { name: /Показать ещё/ })).toBeNull());
    expect(api.callsTo('GET', COLUMN)).toHaveLength(2);
  });
});

describe('useDealDragEnd', () => {
  let onDragEnd: ReturnType<typeof useDealDragEnd> | undefined;
  function Harness() {
    onDragEnd = useDealDragEnd();
    return null;
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
  // The dialog's store outlives a test.
  afterEach(() => askForRequirements(null));
  const drop = (stageId: string) =>
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
    });

  it('asks for the missing document in a dialog instead of refusing the move', async () => {
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
    const [move] = api.callsTo('POST', MOVE);
    expect(JSON.parse(move!.body)).toEqual({ stage_id: STAGE_CONTRACT });
    // The refusal is not shown again by the generic handler.
    expect(screen.queryByText(/requires: document contract/)).not.toBeInTheDocument();
  });

  it('explains any other refusal in a notification', async () => {
    setTokens({ access: 'access-1' });
    mockApi({
      [`POST ${MOVE}`]: () => problem(409, 'The deal is closed'),
    });
    renderHarness();

    drop(STAGE_CONTRACT);

    expect(await screen.findByText('The deal is closed')).toBeInTheDocument();
    expect(screen.queryByTestId('stage-requirements')).not.toBeInTheDocument();
  });

  it('moves the deal and refetches the board; a drop on its own column sends nothing', async () => {
    setTokens({ access: 'access-1' });
    const api = mockApi({
      [`POST ${MOVE}`]: () => json(200, { ...deal, stage_id: STAGE_CONTRACT }),
    });
    renderHarness();

    drop(STAGE_QUALIFY);
    drop(STAGE_CONTRACT);

    await waitFor(() => expect(api.callsTo('POST', MOVE)).toHaveLength(1));
  });
});
