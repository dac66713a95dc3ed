/** A `datetime-local` input's value ("2025-03-01T14:30", the reader's clock) as an ISO moment. */
export function localToIso(value: string): string | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** A moment as a `datetime-local` input's value on the reader's clock. */
export function isoToLocal(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}`
  );
}

/** Tomorrow at 10:00 on the reader's clock: the usual due time of a next step. */
export function tomorrowMorning(now = new Date()): string {
  const date = new Date(now);
  date.setDate(date.getDate() + 1);
  date.setHours(10, 0, 0, 0);
  return isoToLocal(date);
}
