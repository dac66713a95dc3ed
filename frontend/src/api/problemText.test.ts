import { afterEach, describe, expect, it } from 'vitest';
import { i18n } from '../i18n';
import { fieldErrorText } from './fieldErrorText';
import { ApiError, mapProblemToFields, type Problem } from './problem';
import { problemSlug, problemText } from './problemText';

const problem = (status: number, type: string, errors?: Problem['errors']): Problem => ({
  type: `https://crm.example/problems/${type}`,
  title: 'Error',
  status,
  detail: 'The server explains this in English',
  ...(errors ? { errors } : {}),
});

afterEach(async () => {
  await i18n.changeLanguage('ru');
});

describe('problemText', () => {
  it('words a problem by its type in the reader’s language, never the server’s detail', async () => {
    const conflict = new ApiError(409, problem(409, 'conflict'));
    expect(problemText(conflict, i18n.t)).toBe('Действие противоречит текущему состоянию записи.');
    await i18n.changeLanguage('uk');
    expect(problemText(conflict, i18n.t)).not.toContain('English');
    expect(problemText(conflict, i18n.t)).toBe(i18n.t('apiProblem.conflict'));
  });

  it('falls back on the status when the type is unknown, and names the fields', () => {
    const error = new ApiError(
      422,
      problem(422, 'validation-error', [{ loc: ['body', 'amount'], msg: 'must be a number' }]),
    );
    expect(problemSlug(error)).toBe('invalid-input');
    expect(problemText(error, i18n.t, (field) => (field === 'amount' ? 'Сумма' : undefined))).toBe(
      'Проверьте введённые данные. Поля: Сумма.',
    );
  });

  it('tells the closed-month conflicts apart and names the month in the reader’s words', async () => {
    const closedMonth = (type: string) =>
      new ApiError(409, { ...problem(409, type), period: '2026-11-01' });
    expect(problemText(closedMonth('period-already-closed'), i18n.t)).toBe(
      'Месяц «ноябрь 2026 г.» уже закрыт: сохранённые значения больше не меняются.',
    );
    expect(problemText(closedMonth('period-not-over'), i18n.t)).toBe(
      'Месяц «ноябрь 2026 г.» ещё не закончился: закрыть его можно с первого дня следующего месяца.',
    );
    expect(problemText(closedMonth('period-closed'), i18n.t)).toBe(
      'Месяц «ноябрь 2026 г.» закрыт: то, что к нему относится, больше не меняется.',
    );
    await i18n.changeLanguage('en');
    expect(problemText(closedMonth('period-closed'), i18n.t)).toBe(
      'The month November 2026 is closed: what falls in it no longer changes.',
    );
  });

  it('says the server was not reached, or gives the status of an unknown answer', () => {
    expect(problemText(new ApiError(0, null), i18n.t)).toBe(i18n.t('errors.network'));
    expect(problemText(new ApiError(418, null), i18n.t)).toBe(
      i18n.t('errors.generic', { status: 418 }),
    );
  });
});

describe('fieldErrorText', () => {
  it('words a validation error from its code and the limit it names', async () => {
    const tooLong = { loc: ['body', 'name'], msg: 'must be at most 200 characters' };
    const coded = { ...tooLong, code: 'string_too_long', ctx: { max_length: '200' } };
    expect(fieldErrorText(coded, i18n.t, 'ru')).toBe('Не длиннее 200 символов');
    await i18n.changeLanguage('uk');
    expect(fieldErrorText(coded, i18n.t, 'uk')).toBe('Не довше 200 символів');
    expect(fieldErrorText({ ...tooLong, code: 'missing' }, i18n.t, 'uk')).toBe('Обовʼязкове поле');
    // Without the limit the sentence would be wrong: a general one instead.
    expect(fieldErrorText({ ...tooLong, code: 'string_too_long' }, i18n.t, 'uk')).toBe(
      'Неприпустиме значення',
    );
  });

  it('keeps a domain rule’s English text for English readers only', async () => {
    const rule = { loc: ['body', 'client_id'], msg: 'give a client_id or a deal_id' };
    expect(fieldErrorText({ ...rule, code: 'invalid_input' }, i18n.t, 'ru')).toBe(
      'Значение не принято: проверьте его',
    );
    await i18n.changeLanguage('en');
    expect(fieldErrorText({ ...rule, code: 'invalid_input' }, i18n.t, 'en')).toBe(rule.msg);
    expect(fieldErrorText({ ...rule, code: 'something_new' }, i18n.t, 'en')).toBe(
      'Not a valid value',
    );
  });

  it('words a domain rule’s own code in Russian, Ukrainian and English', async () => {
    const at = { loc: ['body', 'contacts', 0, 'phones', 0], msg: "is not a phone number: '12'" };
    const phone = { ...at, code: 'not_a_phone' };
    const window = {
      loc: ['body', 'expected_close_date'],
      msg: 'must be between 1900-01-01 and 2199-12-31',
      code: 'date_outside_window',
      ctx: { min: '1900-01-01', max: '2199-12-31' },
    };
    const unknown = { loc: ['body', 'funnel_id'], msg: 'no such funnel', code: 'not_found' };
    expect(fieldErrorText(phone, i18n.t, 'ru')).toBe('Неверный номер телефона');
    expect(fieldErrorText(window, i18n.t, 'ru')).toBe(
      'Дата должна быть от 1900-01-01 до 2199-12-31',
    );
    expect(fieldErrorText(unknown, i18n.t, 'ru')).toBe('Не найдено или недоступно вам');
    expect(fieldErrorText({ ...at, msg: 'must not be blank', code: 'blank' }, i18n.t, 'ru')).toBe(
      'Обязательное поле',
    );
    await i18n.changeLanguage('uk');
    expect(fieldErrorText(phone, i18n.t, 'uk')).toBe('Невірний номер телефону');
    expect(fieldErrorText(unknown, i18n.t, 'uk')).toBe('Не знайдено або недоступно вам');
    await i18n.changeLanguage('en');
    // English readers too get the wording, not the server's sentence with the raw input.
    expect(fieldErrorText(phone, i18n.t, 'en')).toBe('Not a valid phone number');
    expect(fieldErrorText({ ...window, ctx: undefined }, i18n.t, 'en')).toBe('Enter a date');
  });

  it('puts the worded errors on the form fields they name', () => {
    const mapped = mapProblemToFields(
      problem(422, 'validation-error', [
        { loc: ['body', 'title'], msg: 'is required', code: 'missing' },
        {
          loc: ['body', 'amount'],
          msg: 'must be at most 10',
          code: 'less_than_equal',
          ctx: { le: '10' },
        },
        { loc: ['body', 'note'], msg: 'Текст от старого сервера' },
      ]),
      ['title', 'amount', 'note'],
    );
    expect(mapped.fieldErrors).toEqual({
      title: 'Обязательное поле',
      amount: 'Не больше 10',
      note: 'Текст от старого сервера',
    });
  });
});
