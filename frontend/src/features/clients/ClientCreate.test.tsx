import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { adminUser, json, mockApi, problem } from '../../test/api';
import { renderApp } from '../../test/renderApp';
import { setTokens } from '../auth/authStore';
import { client } from './fixtures';

const NEW_ID = '00000000-0000-4000-8000-00000000c101';
const EXISTING_ID = '00000000-0000-4000-8000-00000000c102';
const OWNER_ID = '00000000-0000-4000-8000-000000000002';

const signIn = () => setTokens({ access: 'access-1' });
// These tests type a whole form key by key and then open the client card: on a loaded machine
// that outlasts the default 15 s.
const LONG = 30_000;

const baseRoutes = {
  'GET /api/v1/users/me': () => json(200, adminUser),
  'GET /api/v1/clients': () => json(200, { items: [], next_cursor: null }),
  [`GET /api/v1/clients/${NEW_ID}`]: () => json(200, client(NEW_ID, 'ООО Ромашка')),
  [`GET /api/v1/clients/${NEW_ID}/timeline`]: () => json(200, { items: [], next_cursor: null }),
  [`GET /api/v1/users/${adminUser.id}`]: () => json(200, adminUser),
  [`GET /api/v1/users/${OWNER_ID}`]: () =>
    json(200, { ...adminUser, id: OWNER_ID, full_name: 'Борис Продавцов' }),
};

describe('ClientCreate', () => {
  it(
    'shows a similar client with its owner and creates anyway on request',
    async () => {
      signIn();
      let posts = 0;
      const api = mockApi({
        ...baseRoutes,
        'POST /api/v1/clients': () => {
          posts += 1;
          if (posts === 1) {
            return json(
              409,
              {
                type: 'about:blank',
                title: 'Conflict',
                status: 409,
                detail: 'Possible duplicate',
                candidates: [
                  { id: EXISTING_ID, name: 'Ромашка', responsible_id: OWNER_ID, reasons: ['inn'] },
                ],
              },
              'application/problem+json',
            );
          }
          return json(201, client(NEW_ID, 'ООО Ромашка'));
        },
      });
      const { user, router } = renderApp('/clients');

      await user.click(
        await screen.findByRole('button', { name: 'Новый клиент' }, { timeout: 5000 }),
      );
      const dialog = within(await screen.findByRole('dialog'));
      await user.type(dialog.getByLabelText(/^Название/), 'ООО Ромашка');
      await user.type(dialog.getByLabelText('ИНН'), '7707083893');
      await user.type(dialog.getByLabelText('Имя и фамилия контакта'), 'Иван Петров');
      await user.type(dialog.getByLabelText('Телефон'), '+7 912 345-67-89');
      await user.click(dialog.getByRole('button', { name: 'Создать' }));

      const alert = await dialog.findByRole('alert');
      expect(alert).toHaveTextContent('Похожий клиент уже есть:');
      expect(within(alert).getByRole('link', { name: 'Ромашка' })).toHaveAttribute(
        'href',
        `/clients/${EXISTING_ID}`,
      );
      await waitFor(() => expect(alert).toHaveTextContent('(ответственный: Борис Продавцов)'));

      await user.click(within(alert).getByRole('button', { name: 'Всё равно создать' }));

      await waitFor(() => expect(router.state.location.pathname).toBe(`/clients/${NEW_ID}`));
      const [first, second] = api.callsTo('POST', '/api/v1/clients');
      expect(JSON.parse(first!.body)).toEqual({
        kind: 'company',
        name: 'ООО Ромашка',
        inn: '7707083893',
        temperature: 'warm',
        contacts: [
          {
            full_name: 'Иван Петров',
            phones: ['+7 912 345-67-89'],
            emails: [],
            is_primary: true,
          },
        ],
        confirm_duplicate: false,
      });
      expect(JSON.parse(second!.body)).toEqual({
        ...(JSON.parse(first!.body) as object),
        confirm_duplicate: true,
      });
      expect(await screen.findByRole('heading', { name: 'ООО Ромашка' })).toBeInTheDocument();
    },
    LONG,
  );

  it('puts a 422 on the INN and on the contact phone under those fields', async () => {
    signIn();
    mockApi({
      ...baseRoutes,
      'POST /api/v1/clients': () =>
        problem(422, 'Invalid input', [
          { loc: ['body', 'inn'], msg: 'Неверная контрольная сумма ИНН' },
          {
            loc: ['body', 'contacts', 0, 'phones', 0, 'number'],
            msg: 'not a phone number',
            code: 'not_a_phone',
          },
          {
            loc: ['body', 'contacts', 0, 'emails', 0],
            msg: 'not an e-mail address',
            code: 'not_an_email',
          },
        ]),
    });
    const { user, router } = renderApp('/clients');

    await user.click(
      await screen.findByRole('button', { name: 'Новый клиент' }, { timeout: 5000 }),
    );
    const dialog = within(await screen.findByRole('dialog'));
    await user.type(dialog.getByLabelText(/^Название/), 'ООО Ромашка');
    const inn = dialog.getByLabelText('ИНН');
    await user.type(inn, '1234567890');
    await user.type(dialog.getByLabelText('Имя и фамилия контакта'), 'Иван Петров');
    const phone = dialog.getByLabelText('Телефон');
    await user.type(phone, '+7 000 000-00-00');
    const mail = dialog.getByLabelText('Эл. почта');
    await user.type(mail, 'ivan@example');
    expect(phone).not.toHaveAttribute('aria-invalid', 'true');
    await user.click(dialog.getByRole('button', { name: 'Создать' }));

    await waitFor(() => expect(inn).toHaveAttribute('aria-invalid', 'true'));
    expect(inn).toHaveAccessibleDescription('Неверная контрольная сумма ИНН');
    // Coded errors in Russian; a path below the phone (its number) is the phone's.
    expect(phone).toHaveAccessibleDescription('Неверный номер телефона');
    expect(mail).toHaveAccessibleDescription('Введите адрес эл. почты вида name@example.com');
    expect(dialog.getByLabelText(/^Название/)).not.toHaveAttribute('aria-invalid', 'true');
    // Every message found its field: no general alert repeats them.
    expect(dialog.queryByRole('alert')).not.toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/clients');
  });

  it('checks the name, phone and e-mail as they are typed', async () => {
    signIn();
    const api = mockApi(baseRoutes);
    const { user } = renderApp('/clients');

    await user.click(
      await screen.findByRole('button', { name: 'Новый клиент' }, { timeout: 5000 }),
    );
    const dialog = within(await screen.findByRole('dialog'));
    const name = dialog.getByLabelText(/^Название/);
    // Nothing is said of a field not yet typed in.
    expect(name).not.toHaveAttribute('aria-invalid', 'true');
    await user.click(name);
    await user.paste('Р'.repeat(301));
    expect(name).toHaveAccessibleDescription('Не длиннее 300 символов');
    await user.clear(name);
    expect(name).toHaveAccessibleDescription('Введите название');
    const phone = dialog.getByLabelText('Телефон');
    await user.type(phone, '12');
    expect(phone).toHaveAccessibleDescription('Неверный номер телефона');
    await user.type(phone, '3 45 67');
    expect(phone).not.toHaveAttribute('aria-invalid', 'true');
    const mail = dialog.getByLabelText('Эл. почта');
    await user.type(mail, 'ivan example.com');
    expect(mail).toHaveAccessibleDescription('Введите адрес эл. почты вида name@example.com');
    await user.click(dialog.getByRole('button', { name: 'Создать' }));
    expect(dialog.getByLabelText('Имя и фамилия контакта')).toHaveAccessibleDescription(
      'Укажите имя контакта',
    );
    expect(api.callsTo('POST', '/api/v1/clients')).toHaveLength(0);
  });

  it(
    'creates the client and merges it into the similar one found',
    async () => {
      signIn();
      let posts = 0;
      const existing = client(EXISTING_ID, 'Ромашка', { version: 5, responsible_id: OWNER_ID });
      const created = client(NEW_ID, 'ООО Ромашка');
      const api = mockApi({
        ...baseRoutes,
        [`GET /api/v1/clients/${EXISTING_ID}`]: () => json(200, existing),
        [`GET /api/v1/clients/${EXISTING_ID}/timeline`]: () =>
          json(200, { items: [], next_cursor: null }),
        'POST /api/v1/clients': () => {
          posts += 1;
          return posts === 1
            ? json(
                409,
                {
                  type: 'about:blank',
                  title: 'Conflict',
                  status: 409,
                  detail: 'Possible duplicate',
                  candidates: [
                    {
                      id: EXISTING_ID,
                      name: 'Ромашка',
                      responsible_id: OWNER_ID,
                      reasons: ['inn'],
                    },
                  ],
                },
                'application/problem+json',
              )
            : json(201, created);
        },
        [`GET /api/v1/clients/${EXISTING_ID}/merge-preview`]: () =>
          json(200, {
            survivor: existing,
            other: created,
            moves: { contacts: 1, deals: 0, tasks: 0, activities: 0, comments: 0, attachments: 0 },
            filled: ['inn'],
          }),
        [`POST /api/v1/clients/${EXISTING_ID}/merge`]: () => json(200, { ...existing, version: 6 }),
      });
      const { user, router } = renderApp('/clients');

      await user.click(
        await screen.findByRole('button', { name: 'Новый клиент' }, { timeout: 5000 }),
      );
      const dialog = within(await screen.findByRole('dialog'));
      await user.type(dialog.getByLabelText(/^Название/), 'ООО Ромашка');
      await user.type(dialog.getByLabelText('ИНН'), '7707083893');
      await user.click(dialog.getByRole('button', { name: 'Создать' }));
      const alert = await dialog.findByRole('alert');
      await user.click(within(alert).getByRole('button', { name: 'Создать и объединить' }));

      const merge = within(await screen.findByTestId('client-merge', {}, { timeout: 5000 }));
      expect(await merge.findByTestId('merge-moves')).toHaveTextContent('Контактные лица');
      await user.click(merge.getByRole('button', { name: 'Объединить' }));

      await waitFor(() => expect(router.state.location.pathname).toBe(`/clients/${EXISTING_ID}`));
      expect(JSON.parse(api.callsTo('POST', '/api/v1/clients')[1]!.body)).toMatchObject({
        confirm_duplicate: true,
      });
      const [merged] = api.callsTo('POST', `/api/v1/clients/${EXISTING_ID}/merge`);
      expect(merged!.headers.get('If-Match')).toBe('"v5"');
      expect(JSON.parse(merged!.body)).toEqual({ other_id: NEW_ID });
    },
    LONG,
  );
});
