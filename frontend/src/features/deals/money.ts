/** An amount in its currency, as the reader's language writes money. */
export function formatMoney(amount: number | string, currency: string, language: string): string {
  const value = typeof amount === 'number' ? amount : Number(amount);
  try {
    return new Intl.NumberFormat(language, {
      style: 'currency',
      currency,
      maximumFractionDigits: 0,
    }).format(value);
  } catch {
    // An unknown currency code: the number with the code beside it.
    return `${new Intl.NumberFormat(language).format(value)} ${currency}`;
  }
}

// A Decimal as people type it: digits, an optional fraction after a dot or a comma.
const AMOUNT = /^\d+(?:[.,]\d+)?$/;

/**
 * A typed amount as the API's Decimal string ("150 000,50" → "150000.50"); null when empty,
 * undefined when it is not a number.
 */
export function normaliseAmount(raw: string): string | null | undefined {
  const compact = raw.replace(/[\s\u00a0]/g, '');
  if (!compact) return null;
  return AMOUNT.test(compact) ? compact.replace(',', '.') : undefined;
}
