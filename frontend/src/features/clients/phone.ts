/** "+7 912 345-67-89", "+380 67 123 45 67": an E.164 number as people write it. */
export function formatPhone(e164: string): string {
  const ru = /^\+7(\d{3})(\d{3})(\d{2})(\d{2})$/.exec(e164);
  if (ru) return `+7 ${ru[1]} ${ru[2]}-${ru[3]}-${ru[4]}`;
  const ua = /^\+380(\d{2})(\d{3})(\d{2})(\d{2})$/.exec(e164);
  if (ua) return `+380 ${ua[1]} ${ua[2]} ${ua[3]} ${ua[4]}`;
  return e164;
}
