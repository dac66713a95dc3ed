import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { adminUser, json, mockApi, problem } from '../../test/api';
import { renderApp } from '../../test/renderApp';
import { setTokens } from '../auth/authStore';
import { deal, salesFunnel, STAGE_CONTRACT } from './fixtures';
import type { Deal } from './queries';

const DEAL = `/api/v1/deals/${deal.id}`;
const documentTypes = [
  {
    id: '00000000-0000-4000-8000-0000000000d1',
    code: 'contract',
    name: 'Договор',
    is_active: true,
    position: 0,
    version: 1,
  },
  {
    id: '00000000-0000-4000-8000-0000000000d2',
    code: 'invoice',
    name: 'Счёт',
    is_active: true,
    position: 1,
    version: 1,
  },
];
const client = {
  id: deal.client_id,
  name: 'ООО Ромашка',
  contacts: [],
};

/** The backend of the deal page, with `overrides` for the calls a test is about. */
function dealPageApi(
  overrides: Record<string, (request: Request) => Response | Promise<Response>> = {},
) {
  setTokens({ access: 'access-1' });
  return mockApi({
    'GET /api/v1/users/me': () => json(200, adminUser),
    [`GET /api/v1/users/${adminUser.id}`]: () => json(200, adminUser),
    'GET /api/v1/users': () => json(200, { items: [adminUser], next_cursor: null }),
    [`GET ${DEAL}`]: () => json(200, deal),
    'GET /api/v1/funnels': () => json(200, [salesFunnel]),
    'GET /api/v1/custom-fields': () => json(200, []),
    [`GET /api/v1/clients/${deal.client_id}`]: () => json(200, client),
    // The deal's complaints panel.
    'GET /api/v1/complaints': () => json(200, { items: [], next_cursor: null }),
    [`GET ${DEAL}/stage-history`]: () =>
      json(200, {
        deal_id: deal.id,
        moves: [],
        stays: [
          {
            stage_id: deal.stage_id,
            stage_name: 'Квалификация',
            entered_at: '2025-01-01T10:00:00Z',
            left_at: null,
            seconds: 3 * 86400 + 4 * 3600,
          },
        ],
        time_in_stages: [],
      }),
    'GET /api/v1/attachments': () => json(200, { items: [], next_cursor: null }),
    [`GET ${DEAL}/invoices`]: () => json(200, { items: [], next_cursor: null }),
    'GET /api/v1/document-types': () => json(200, documentTypes),
    'GET /api/v1/tasks': () => json(200, { items: [], next_cursor: null }),
    [`GET ${DEAL}/timeline`]: () => json(200, { items: [], next_cursor: null }),
    'GET /api/v1/loss-reasons': () =>
      json(200, [
        {
          id: '00000000-0000-4000-8000-0000000000e1',
          name: 'Дорого',
          is_active: true,
          position: 0,
          version: 1,
        },
      ]),
    ...overrides,
  });
}

/** A Mantine Select's input among the elements its label names. */
const selectInput = (labelled: HTMLElement[]) =>
  labelled.find((element) => element.tagName === 'INPUT')!;

async function openAmountEditor(user: ReturnType<typeof renderApp>['user']) {
  const amount = await screen.findByTestId('deal-field-amount', {}, { timeout: 5000 });
  await user.click(within(amount).getByRole('button', { name: 'Изменить: Сумма' }));
  const input = within(screen.getByTestId('deal-field-amount')).getByLabelText('Сумма');
  await user.clear(input);
  return input;
}

describe('DealPage', { timeout: 40_000 }, () => {
  it('shows the deal with its stage history and edits the amount with If-Match', async () => {
    const api = dealPageApi({
      [`PATCH ${DEAL}`]: () => json(200, { ...deal, amount: '200000.00', version: 4 }),
    });
    const { user } = renderApp(`/deals/${deal.id}`);
    expect(
      await screen.findByText('Поставка оборудования', {}, { timeout: 5000 }),
    ).toBeInTheDocument();
    expect(await screen.findByText('3 д 4 ч')).toBeInTheDocument();

    const input = await openAmountEditor(user);
    await user.type(input, '200 000{Enter}');
    await waitFor(() => expect(api.callsTo('PATCH', DEAL)).toHaveLength(1));
    const [sent] = api.callsTo('PATCH', DEAL);
    expect(sent!.headers.get('If-Match')).toBe('"v3"');
    expect(JSON.parse(sent!.body)).toEqual({ amount: '200000' });
    const amount = screen.getByTestId('deal-field-amount');
    await waitFor(() => expect(amount).toHaveTextContent(/200\s000/));
  });

  it('refuses an empty or wrong amount before sending it', async () => {
    const api = dealPageApi();
    const { user } = renderApp(`/deals/${deal.id}`);
    const input = await openAmountEditor(user);
    await user.type(input, 'много{Enter}');
    expect(await screen.findByText(/Введите сумму/)).toBeInTheDocument();
    expect(api.callsTo('PATCH', DEAL)).toHaveLength(0);
  });

  it('on 412 lists what someone else changed and reloads the fresh deal', async () => {
    let fresh = false;
    const changed: Deal = { ...deal, title: 'Поставка станков', amount: '175000.00', version: 5 };
    dealPageApi({
      [`GET ${DEAL}`]: () => json(200, fresh ? changed : deal),
      [`PATCH ${DEAL}`]: () => {
        fresh = true;
        return problem(412, 'The record changed');
      },
    });
    const { user } = renderApp(`/deals/${deal.id}`);
    const input = await openAmountEditor(user);
    await user.type(input, '190000{Enter}');

    const dialog = await screen.findByTestId('deal-conflict', {}, { timeout: 5000 });
    const rows = within(dialog).getAllByRole('row');
    expect(rows.map((row) => row.textContent)).toEqual([
      'ПолеБыло у васСейчас',
      'НазваниеПоставка оборудованияПоставка станков',
      'Сумма150000.00175000.00',
    ]);
    await user.click(within(dialog).getByRole('button', { name: 'Загрузить актуальную версию' }));
    expect(await screen.findByText('Поставка станков')).toBeInTheDocument();
  });

  it('on 412 can save the edit over the fresh version', async () => {
    let patches = 0;
    const changed: Deal = { ...deal, title: 'Поставка станков', version: 5 };
    const api = dealPageApi({
      [`GET ${DEAL}`]: () => json(200, patches > 0 ? changed : deal),
      [`PATCH ${DEAL}`]: () => {
        patches += 1;
        return patches === 1
          ? problem(412, 'The record changed')
          : json(200, { ...changed, amount: '190000.00', version: 6 });
      },
    });
    const { user } = renderApp(`/deals/${deal.id}`);
    const input = await openAmountEditor(user);
    await user.type(input, '190000{Enter}');
    const dialog = await screen.findByTestId('deal-conflict', {}, { timeout: 5000 });
    await user.click(within(dialog).getByRole('button', { name: 'Сохранить моё поверх' }));
    await waitFor(() => expect(api.callsTo('PATCH', DEAL)).toHaveLength(2));
    expect(api.callsTo('PATCH', DEAL)[1]!.headers.get('If-Match')).toBe('"v5"');
  });

  it('uploads a file with its document type', async () => {
    const api = dealPageApi({
      'POST /api/v1/attachments': () =>
        json(201, {
          id: '00000000-0000-4000-8000-0000000000f1',
          client_id: deal.client_id,
          deal_id: deal.id,
          document_type: 'contract',
          filename: 'dogovor.pdf',
          content_type: 'application/pdf',
          size: 2048,
          sha256: 'x',
          uploaded_by: adminUser.id,
          created_at: '2025-01-02T10:00:00Z',
        }),
    });
    const { user } = renderApp(`/deals/${deal.id}`);
    const files = await screen.findByTestId('deal-files', {}, { timeout: 5000 });
    await user.click(within(files).getByRole('button', { name: 'Загрузить' }));
    expect(within(files).getByText('Выберите тип документа')).toBeInTheDocument();

    const input = files.querySelector<HTMLInputElement>('input[type="file"]')!;
    await user.upload(input, new File(['%PDF'], 'dogovor.pdf', { type: 'application/pdf' }));
    await user.click(selectInput(within(files).getAllByLabelText('Тип документа')));
    await user.click(await screen.findByRole('option', { name: 'Договор' }));
    await user.click(within(files).getByRole('button', { name: 'Загрузить' }));

    await waitFor(() => expect(api.callsTo('POST', '/api/v1/attachments')).toHaveLength(1));
    const [sent] = api.callsTo('POST', '/api/v1/attachments');
    expect(sent!.headers.get('Content-Type')).toMatch(/^multipart\/form-data; boundary=/);
    expect(sent!.body).toContain('name="document_type"\r\n\r\ncontract');
    expect(sent!.body).toContain(`name="deal_id"\r\n\r\n${deal.id}`);
    // jsdom's File reaches Node's FormData without its name; a browser sends it.
    expect(sent!.body).toContain('name="file"');
  });

  it('wins the deal after a confirmation, with If-Match', async () => {
    const api = dealPageApi({
      [`POST ${DEAL}/win`]: () => json(200, { ...deal, status: 'won', version: 4 }),
    });
    const { user } = renderApp(`/deals/${deal.id}`);
    await user.click(await screen.findByRole('button', { name: 'Выиграна' }, { timeout: 5000 }));
    const dialog = await screen.findByRole('dialog');
    expect(api.callsTo('POST', `${DEAL}/win`)).toHaveLength(0);
    await user.click(within(dialog).getByRole('button', { name: 'Да, выиграна' }));
    await waitFor(() => expect(api.callsTo('POST', `${DEAL}/win`)).toHaveLength(1));
    expect(api.callsTo('POST', `${DEAL}/win`)[0]!.headers.get('If-Match')).toBe('"v3"');
    expect(await screen.findByRole('button', { name: 'Вернуть в работу' })).toBeInTheDocument();
  });

  it('loses the deal with a reason and shows it closed', async () => {
    const api = dealPageApi({
      [`POST ${DEAL}/lose`]: () =>
        json(200, { ...deal, status: 'lost', loss_comment: 'Ушли к конкуренту', version: 4 }),
    });
    const { user } = renderApp(`/deals/${deal.id}`);
    await user.click(await screen.findByRole('button', { name: 'Проиграна' }, { timeout: 5000 }));
    const [reason] = await screen.findAllByLabelText(/Причина проигрыша/);
    await user.click(reason!);
    await user.click(await screen.findByText('Дорого'));
    await user.click(screen.getByLabelText('Убыточный проект'));
    await user.click(screen.getByText('Закрыть как проигранную'));
    await waitFor(() => expect(api.callsTo('POST', `${DEAL}/lose`)).toHaveLength(1));
    expect(JSON.parse(api.callsTo('POST', `${DEAL}/lose`)[0]!.body)).toMatchObject({
      loss_making: true,
    });
    expect(await screen.findByText(/Ушли к конкуренту/)).toBeInTheDocument();
  });

  it('asks for the document a stage requires, uploads it and completes the move', async () => {
    let moves = 0;
    const api = dealPageApi({
      [`POST ${DEAL}/move`]: () => {
        moves += 1;
        return moves === 1
          ? problem(422, 'Entering the stage requires more', [
              { loc: ['body', 'documents', 'contract'], msg: 'attach a contract' },
            ])
          : json(200, { ...deal, stage_id: STAGE_CONTRACT, stage_name: 'Договор', version: 4 });
      },
      'POST /api/v1/attachments': () =>
        json(201, {
          id: '00000000-0000-4000-8000-0000000000f1',
          client_id: deal.client_id,
          deal_id: deal.id,
          document_type: 'contract',
          filename: 'dogovor.pdf',
          content_type: 'application/pdf',
          size: 2048,
          sha256: 'x',
          uploaded_by: adminUser.id,
          created_at: '2025-01-02T10:00:00Z',
        }),
    });
    const { user } = renderApp(`/deals/${deal.id}`);
    await user.click(selectInput(await screen.findAllByLabelText('Этап', {}, { timeout: 5000 })));
    await user.click(await screen.findByRole('option', { name: 'Договор' }));

    const dialog = await screen.findByTestId('stage-requirements');
    expect(within(dialog).getByText('Нужен документ: Договор')).toBeInTheDocument();
    const move = within(dialog).getByRole('button', { name: 'Перевести на «Договор»' });
    expect(move).toBeDisabled();
    const input = dialog.querySelector<HTMLInputElement>('input[type="file"]')!;
    await user.upload(input, new File(['%PDF'], 'dogovor.pdf', { type: 'application/pdf' }));
    await user.click(within(dialog).getByRole('button', { name: 'Загрузить' }));
    expect(await within(dialog).findByText('Прикреплён')).toBeInTheDocument();
    expect(api.callsTo('POST', '/api/v1/attachments')[0]!.body).toContain('contract');

    await user.click(move);
    await waitFor(() => expect(api.callsTo('POST', `${DEAL}/move`)).toHaveLength(2));
    await waitFor(() => expect(screen.queryByTestId('stage-requirements')).not.toBeInTheDocument());
  });

  it('asks for a required field in the dialog and saves it before moving', async () => {
    let moves = 0;
    const api = dealPageApi({
      [`POST ${DEAL}/move`]: () => {
        moves += 1;
        return moves === 1
          ? problem(422, 'Entering the stage requires more', [
              { loc: ['body', 'fields', 'expected_close_date'], msg: 'fill in' },
            ])
          : json(200, { ...deal, stage_id: STAGE_CONTRACT, stage_name: 'Договор', version: 5 });
      },
      [`PATCH ${DEAL}`]: () =>
        json(200, { ...deal, expected_close_date: '2025-06-30', version: 4 }),
    });
    const { user } = renderApp(`/deals/${deal.id}`);
    await user.click(selectInput(await screen.findAllByLabelText('Этап', {}, { timeout: 5000 })));
    await user.click(await screen.findByRole('option', { name: 'Договор' }));
    const dialog = await screen.findByTestId('stage-requirements');
    await user.click(within(dialog).getByRole('button', { name: 'Перевести на «Договор»' }));
    expect(await within(dialog).findByText('Заполните поле')).toBeInTheDocument();
    await user.type(within(dialog).getByLabelText('Ожидаемая дата закрытия'), '2025-06-30');
    await user.click(within(dialog).getByRole('button', { name: 'Перевести на «Договор»' }));
    await waitFor(() => expect(api.callsTo('POST', `${DEAL}/move`)).toHaveLength(2));
    const [patch] = api.callsTo('PATCH', DEAL);
    expect(JSON.parse(patch!.body)).toEqual({ expected_close_date: '2025-06-30' });
    expect(patch!.headers.get('If-Match')).toBe('"v3"');
    expect(api.callsTo('POST', `${DEAL}/move`)[1]!.headers.get('If-Match')).toBe('"v4"');
  });

  it('says a failed load of the deal and of its history failed and retries them', async () => {
    let failDeal = true;
    let failHistory = true;
    dealPageApi({
      [`GET ${DEAL}`]: () => (failDeal ? problem(403, 'denied') : json(200, deal)),
      [`GET ${DEAL}/stage-history`]: () =>
        failHistory
          ? problem(403, 'denied')
          : json(200, { deal_id: deal.id, moves: [], stays: [], time_in_stages: [] }),
    });
    const { user } = renderApp(`/deals/${deal.id}`);

    expect(
      await screen.findByText('Не удалось загрузить данные.', {}, { timeout: 5000 }),
    ).toBeInTheDocument();
    failDeal = false;
    await user.click(screen.getByRole('button', { name: 'Повторить' }));
    expect(await screen.findByText('Поставка оборудования')).toBeInTheDocument();

    const retry = await screen.findByRole('button', { name: 'Повторить' });
    failHistory = false;
    await user.click(retry);
    expect(await screen.findByText('Сделка ещё не меняла этапов.')).toBeInTheDocument();
  });
});
