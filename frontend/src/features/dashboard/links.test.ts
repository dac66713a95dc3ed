import { describe, expect, it } from 'vitest';
import { turnoverLink } from './links';

const december = { kind: 'month', start: '2026-12-01' } as const;

describe('turnoverLink', () => {
  it('opens the payments received on the period days when turnover counts paid invoices', () => {
    expect(
      turnoverLink(december, { basis: 'paid_invoices', currency: 'UAH' }, { department: 'd-1' }),
    ).toBe('/payments?paid_from=2026-12-01&paid_to=2026-12-31&currency=UAH&department=d-1');
  });

  it('opens the deals won on the period days when turnover counts won deals', () => {
    expect(
      turnoverLink(december, { basis: 'won_deals', currency: 'UAH' }, { responsible: 'u-1' }),
    ).toBe(
      '/deals?view=list&status=won&closed_from=2026-12-01&closed_to=2026-12-31&responsible=u-1',
    );
  });

  it('keeps the won deals while the basis is not known yet', () => {
    expect(turnoverLink(december, undefined, { responsible: 'u-1' })).toContain('status=won');
  });
});
