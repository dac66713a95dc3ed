/** An invoice amount in its currency, kopecks included (a deal's amount is shown whole). */
export function invoiceMoney(amount: number | string, currency: string, language: string): string {
  const value = Number(amount);
  try {
    return new Intl.NumberFormat(language, { style: 'currency', currency }).format(value);
  } catch {
    return `${new Intl.NumberFormat(language).format(value)} ${currency}`;
  }
}
