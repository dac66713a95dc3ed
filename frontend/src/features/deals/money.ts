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
