import { describe, expect, it } from 'vitest';
import { mapProblemToFields, type Problem } from './problem';

const invalid = (errors: Problem['errors']): Problem => ({
  type: 'about:blank',
  title: 'Invalid input',
  status: 422,
  detail: 'Invalid input',
  errors,
});

describe('mapProblemToFields', () => {
  it('drops the request part of loc and keys the message by the field path', () => {
    const mapped = mapProblemToFields(
      invalid([
        { loc: ['body', 'phone'], msg: 'bad phone' },
        { loc: ['body', 'address', 'city'], msg: 'unknown city' },
      ]),
      ['phone', 'address.city'],
    );
    expect(mapped).toEqual({
      fieldErrors: { phone: 'bad phone', 'address.city': 'unknown city' },
      otherErrors: [],
    });
  });

  it('with nested, puts an error below a field on the closest field that holds it', () => {
    const mapped = mapProblemToFields(
      invalid([
        { loc: ['body', 'contacts', 0, 'phones', 0, 'number'], msg: 'bad phone' },
        { loc: ['body', 'contacts', 0, 'emails', 0], msg: 'bad e-mail' },
        { loc: ['body', 'segment_tags', 3], msg: 'too long' },
      ]),
      ['contacts.0.phones.0', 'contacts.0.emails.0'],
      { nested: true },
    );
    expect(mapped).toEqual({
      fieldErrors: { 'contacts.0.phones.0': 'bad phone', 'contacts.0.emails.0': 'bad e-mail' },
      otherErrors: ['too long'],
    });
  });

  it('joins several messages for one field', () => {
    const mapped = mapProblemToFields(
      invalid([
        { loc: ['body', 'phone'], msg: 'too short' },
        { loc: ['body', 'phone'], msg: 'not a number' },
      ]),
      ['phone'],
    );
    expect(mapped.fieldErrors).toEqual({ phone: 'too short; not a number' });
  });

  it('keeps messages for fields the form does not have apart', () => {
    const mapped = mapProblemToFields(
      invalid([
        { loc: ['body', 'version'], msg: 'stale' },
        { loc: ['query', 'x'], msg: 'bad x' },
      ]),
      ['phone'],
    );
    expect(mapped).toEqual({ fieldErrors: {}, otherErrors: ['stale', 'bad x'] });
  });

  it('maps nothing when there is no problem body', () => {
    expect(mapProblemToFields(null, ['phone'])).toEqual({ fieldErrors: {}, otherErrors: [] });
  });
});
