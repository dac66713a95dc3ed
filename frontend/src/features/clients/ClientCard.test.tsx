import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { adminUser, json, mockApi, problem } from '../../test/api';
import { renderApp } from '../../test/renderApp';
import { setTokens } from '../auth/authStore';
import { client } from './fixtures';

const selectInput = (labelled: HTMLElement[]) =>
  labelled.find((element) => element.tagName === 'INPUT')!;

const ID = '00000000-0000-4000-8000-00000000c201';
const OTHER = '00000000-0000-4000-8000-00000000c202';
const SELLER = '00000000-0000-4000-8000-000000000003';
const seller = { ...adminUser, id: SELLER, full_name: 'Пётр Сидоров' };

const ivan = {
  id: 'k-1',
  client_id: ID,
  full_name: 'Иван Петров',
  position: 'Директор',
  phones: [{ e164: '+79123456789', raw: '+7 912 345-67-89', kind: 'mobile' as const }],
  emails: ['ivan@example.com'],
  messengers: [],
  notes: null,
  is_primary: true,
  created_by: null,
  created_at: null,
  updated_at: null,
  version: 3,
};

const romashka = client(ID, 'ООО Ромашка', {
  contacts: [ivan],
  responsible_name: adminUser.full_name,
  version: 7,
});

const deal = {
  id: 'd-1',
  title: 'Поставка станков',
  stage_name: 'Переговоры',
  amount: '150000.00',
  currency: 'RUB',
  status: 'open',
};

const routes = {
  'GET /api/v1/users/me': () => json(200, adminUser),
  [`GET /api/v1/users/${adminUser.id}`]: () => json(200, adminUser),
  [`GET /api/v1/users/${SELLER}`]: () => json(200, seller),
  'GET /api/v1/users': () => json(200, { items: [adminUser, seller], next_cursor: null }),
  'GET /api/v1/custom-fields': () => json(200, []),
  'GET /api/v1/deals': () => json(200, { items: [deal], next_cursor: null }),
  'GET /api/v1/tasks': () => json(200, { items: [], next_cursor: null }),
  [`GET /api/v1/clients/${ID}/timeline`]: () =>
    json(200, {
      items: [
        {
          at: '2025-03-02T10:00:00Z',
          kind: 'activity',
          id: 'a-1',
          client_id: ID,
          deal_id: 'd-1',
          actor_id: SELLER,
          actor_name: 'Пётр Сидоров',
          deal_title: 'Поставка станков',
          title: null,
          body: 'Договорились о встрече',
          data: { kind: 'call', direction: 'outbound' },
        },
        {
          at: '2025-03-01T10:00:00Z',
          kind: 'stage_move',
          id: 'm-1',
          client_id: ID,
          deal_id: 'd-1',
          actor_id: SELLER,
          actor_name: 'Пётр Сидоров',
          deal_title: 'Поставка станков',
          title: null,
          body: null,
          data: { move: 'moved', from_stage: 'Заявка', to_stage: 'Переговоры' },
        },
        {
          at: '2025-02-28T10:00:00Z',
          kind: 'relationship',
          id: 'r-1',
          client_id: ID,
          deal_id: null,
          actor_id: null,
          title: null,
          body: 'activity: call',
          data: { from_type: 'cold', to_type: 'potential', reason: 'activity: call' },
        },
      ],
      next_cursor: null,
    }),
};

describe('ClientCard', () => {
  it('shows the deals, and a timeline in words: deal, stages, activity and reason', async () => {
    setTokens({ access: 'access-1' });
    mockApi({ ...routes, [`GET /api/v1/clients/${ID}`]: () => json(200, romashka) });
    renderApp(`/clients/${ID}`);

    const deals = within(await screen.findByTestId('client-deals', {}, { timeout: 5000 }));
    expect(deals.getByRole('link', { name: 'Поставка станков' })).toHaveAttribute(
      'href',
      '/deals/d-1',
    );
    expect(deals.getByText('Переговоры')).toBeInTheDocument();
    expect(deals.getByText('Открыта')).toBeInTheDocument();

    const timeline = within(await screen.findByTestId('work-timeline', {}, { timeout: 5000 }));
    expect(timeline.getByText('Заявка → Переговоры')).toBeInTheDocument();
    expect(timeline.getAllByRole('link', { name: 'сделка «Поставка станков»' })).toHaveLength(2);
    expect(timeline.getByText('Результат: Договорились о встрече')).toBeInTheDocument();
    expect(timeline.getByText('Записано: Звонок')).toBeInTheDocument();
    expect(timeline.getAllByText(/Пётр Сидоров/).length).toBeGreaterThan(0);
    // No raw codes.
    expect(screen.queryByText(/activity: call/)).not.toBeInTheDocument();
  });

  it('changes the responsible in place with If-Match', async () => {
    setTokens({ access: 'access-1' });
    const api = mockApi({
      ...routes,
      [`GET /api/v1/clients/${ID}`]: () => json(200, romashka),
      [`PATCH /api/v1/clients/${ID}`]: () =>
        json(200, {
          ...romashka,
          responsible_id: SELLER,
          responsible_name: 'Пётр Сидоров',
          version: 8,
        }),
    });
    const { user } = renderApp(`/clients/${ID}`);

    const field = within(
      await screen.findByTestId('client-field-responsible_id', {}, { timeout: 5000 }),
    );
    await user.click(field.getByRole('button', { name: /Изменить/ }));
    const editor = within(screen.getByTestId('client-field-responsible_id'));
    await user.click(selectInput(editor.getAllByLabelText('Ответственный')));
    await user.click(await screen.findByRole('option', { name: 'Пётр Сидоров' }));
    await user.click(editor.getByRole('button', { name: 'Сохранить' }));

    await waitFor(() => expect(api.callsTo('PATCH', `/api/v1/clients/${ID}`)).toHaveLength(1));
    const [patch] = api.callsTo('PATCH', `/api/v1/clients/${ID}`);
    expect(patch!.headers.get('If-Match')).toBe('"v7"');
    expect(JSON.parse(patch!.body)).toEqual({ confirm_duplicate: false, responsible_id: SELLER });
    expect(
      await within(screen.getByTestId('client-field-responsible_id')).findByText('Пётр Сидоров'),
    ).toBeInTheDocument();
  });

  it('a 412 shows what someone else changed and reloads', async () => {
    setTokens({ access: 'access-1' });
    let reads = 0;
    mockApi({
      ...routes,
      [`GET /api/v1/clients/${ID}`]: () => {
        reads += 1;
        return json(200, reads === 1 ? romashka : { ...romashka, temperature: 'hot', version: 8 });
      },
      [`PATCH /api/v1/clients/${ID}`]: () => problem(412, 'stale'),
    });
    const { user } = renderApp(`/clients/${ID}`);

    const field = within(await screen.findByTestId('client-field-sector', {}, { timeout: 5000 }));
    await user.click(field.getByRole('button', { name: /Изменить/ }));
    const editor = within(screen.getByTestId('client-field-sector'));
    await user.type(selectInput(editor.getAllByLabelText('Отрасль')), 'Ритейл');
    await user.click(editor.getByRole('button', { name: 'Сохранить' }));

    const dialog = within(await screen.findByTestId('deal-conflict'));
    expect(screen.getByText('Клиента уже изменили')).toBeInTheDocument();
    expect(dialog.getByText('Температура')).toBeInTheDocument();
    expect(dialog.getByText('горячий')).toBeInTheDocument();
    await user.click(dialog.getByRole('button', { name: 'Загрузить актуальную версию' }));
    expect(
      await within(screen.getByTestId('client-field-temperature')).findByText('горячий'),
    ).toBeInTheDocument();
  });

  it('fixes a contact phone; the server answers with the normalised number', async () => {
    setTokens({ access: 'access-1' });
    let current = romashka;
    const api = mockApi({
      ...routes,
      [`GET /api/v1/clients/${ID}`]: () => json(200, current),
      'PATCH /api/v1/contacts/k-1': () => {
        const fixed = {
          ...ivan,
          phones: [{ e164: '+79031234567', raw: '8 903 123-45-67', kind: 'mobile' as const }],
          version: 4,
        };
        current = { ...romashka, contacts: [fixed] };
        return json(200, fixed);
      },
    });
    const { user } = renderApp(`/clients/${ID}`);

    await user.click(
      await screen.findByRole(
        'button',
        { name: 'Изменить контакт Иван Петров' },
        { timeout: 5000 },
      ),
    );
    const dialog = within(await screen.findByRole('dialog', {}, { timeout: 5000 }));
    const phone = dialog.getByRole('textbox', { name: 'Телефоны 1' });
    await user.clear(phone);
    await user.type(phone, '8 903 123-45-67');
    await user.click(dialog.getByRole('button', { name: 'Сохранить' }));

    await waitFor(() => expect(api.callsTo('PATCH', '/api/v1/contacts/k-1')).toHaveLength(1));
    const [patch] = api.callsTo('PATCH', '/api/v1/contacts/k-1');
    expect(patch!.headers.get('If-Match')).toBe('"v3"');
    expect(JSON.parse(patch!.body)).toMatchObject({
      full_name: 'Иван Петров',
      phones: [{ number: '8 903 123-45-67', kind: 'mobile' }],
      emails: ['ivan@example.com'],
    });
    expect(await screen.findByText('+7 903 123-45-67')).toBeInTheDocument();
  });

  it('puts a refused phone on its field, translated', async () => {
    setTokens({ access: 'access-1' });
    mockApi({
      ...routes,
      [`GET /api/v1/clients/${ID}`]: () => json(200, romashka),
      [`POST /api/v1/clients/${ID}/contacts`]: () =>
        problem(422, 'Invalid input', [
          { loc: ['body', 'phones', 0], msg: 'not a phone number' },
          {
            loc: ['body', 'phones', 1, 'number'],
            msg: 'String should have at most 64 characters',
            code: 'string_too_long',
            ctx: { max_length: '64' },
          },
          {
            loc: ['body', 'position'],
            msg: 'must not contain control characters',
            code: 'control_characters',
          },
        ]),
    });
    const { user } = renderApp(`/clients/${ID}`);

    await user.click(
      await screen.findByRole('button', { name: 'Добавить контакт' }, { timeout: 5000 }),
    );
    const dialog = within(await screen.findByRole('dialog', {}, { timeout: 5000 }));
    await user.type(dialog.getByRole('textbox', { name: /ФИО/ }), 'Ольга');
    const first = dialog.getByRole('textbox', { name: 'Телефоны 1' });
    // Said while typing, before anything is sent.
    await user.type(first, '12');
    expect(first).toHaveAccessibleDescription('Неверный номер телефона');
    await user.type(first, '3 45 67');
    expect(first).not.toHaveAttribute('aria-invalid', 'true');
    const mail = dialog.getByRole('textbox', { name: 'Эл. почта 1' });
    await user.type(mail, 'olga@');
    expect(mail).toHaveAccessibleDescription('Введите адрес эл. почты вида name@example.com');
    await user.type(mail, 'example.com');
    // An empty input is not sent: the second number sent is the third input.
    await user.click(dialog.getByRole('button', { name: '+ телефон' }));
    await user.click(dialog.getByRole('button', { name: '+ телефон' }));
    const third = dialog.getByRole('textbox', { name: 'Телефоны 3' });
    await user.type(third, '+7 912 345-67-89');
    await user.click(dialog.getByRole('button', { name: 'Сохранить' }));

    // The server's English without a code gets a general sentence; coded ones their own.
    await waitFor(() => expect(first).toHaveAccessibleDescription('Проверьте значение'));
    expect(third).toHaveAccessibleDescription('Не длиннее 64 символов');
    expect(dialog.getByRole('textbox', { name: 'Телефоны 2' })).not.toHaveAttribute(
      'aria-invalid',
      'true',
    );
    expect(dialog.getByRole('textbox', { name: 'Должность' })).toHaveAccessibleDescription(
      'Уберите управляющие символы',
    );
    expect(screen.queryByText('not a phone number')).not.toBeInTheDocument();
    expect(dialog.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('merges another client into this one after showing what moves', async () => {
    setTokens({ access: 'access-1' });
    const other = client(OTHER, 'Ромашка ООО', {
      responsible_id: SELLER,
      responsible_name: 'Пётр Сидоров',
    });
    const previews: string[] = [];
    const api = mockApi({
      ...routes,
      [`GET /api/v1/clients/${ID}`]: () => json(200, romashka),
      'GET /api/v1/clients': () => json(200, { items: [romashka, other], next_cursor: null }),
      [`GET /api/v1/clients/${ID}/merge-preview`]: () => {
        previews.push(ID);
        return json(200, {
          survivor: romashka,
          other,
          moves: { contacts: 1, deals: 2, tasks: 0, activities: 3, comments: 0, attachments: 0 },
          filled: ['inn'],
        });
      },
      [`GET /api/v1/clients/${OTHER}/merge-preview`]: () => {
        previews.push(OTHER);
        return json(200, {
          survivor: other,
          other: romashka,
          moves: { contacts: 1, deals: 1, tasks: 0, activities: 0, comments: 0, attachments: 0 },
          filled: [],
        });
      },
      [`POST /api/v1/clients/${ID}/merge`]: () => json(200, { ...romashka, version: 8 }),
    });
    const { user } = renderApp(`/clients/${ID}`);

    await user.click(await screen.findByRole('button', { name: 'Объединить…' }, { timeout: 5000 }));
    const dialog = within(await screen.findByTestId('client-merge', {}, { timeout: 5000 }));
    await user.click(selectInput(dialog.getAllByLabelText('С каким клиентом объединить')));
    await user.click(await screen.findByRole('option', { name: 'Ромашка ООО' }));

    const moves = within(await dialog.findByTestId('merge-moves', {}, { timeout: 5000 }));
    expect(moves.getByText('Сделки')).toBeInTheDocument();
    expect(moves.getByText('2')).toBeInTheDocument();
    expect(dialog.getByText('Пустые поля заполнятся: ИНН.')).toBeInTheDocument();
    expect(dialog.getByText(/Ответственным останется Анна Админова/)).toBeInTheDocument();

    // Choosing the other client as the one that stays asks for the other direction.
    await user.click(dialog.getByRole('radio', { name: 'Ромашка ООО' }));
    await waitFor(() => expect(previews).toContain(OTHER));
    await user.click(dialog.getByRole('radio', { name: 'ООО Ромашка' }));
    await waitFor(() => expect(dialog.getByTestId('merge-moves')).toHaveTextContent('3'));

    await user.click(dialog.getByRole('button', { name: 'Объединить' }));
    await waitFor(() => expect(api.callsTo('POST', `/api/v1/clients/${ID}/merge`)).toHaveLength(1));
    const [merge] = api.callsTo('POST', `/api/v1/clients/${ID}/merge`);
    expect(merge!.headers.get('If-Match')).toBe('"v7"');
    expect(JSON.parse(merge!.body)).toEqual({ other_id: OTHER });
  });
});
