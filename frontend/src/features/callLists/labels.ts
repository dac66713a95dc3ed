export type SourceKind = 'saved' | 'segment' | 'upload' | 'paste';

export const STATUS_COLOR: Record<string, string> = {
  draft: 'gray',
  active: 'green',
  paused: 'yellow',
  done: 'blue',
};

/** Lines of "phone[;,\\t]name" pasted by hand (50,000 at most, as the list holds). */
export function parsePasted(text: string): { phone: string; name?: string }[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
    .slice(0, 50000)
    .map((line) => {
      const [phone, ...rest] = line.split(/[;\t,]/);
      const name = rest.join(' ').trim();
      return name ? { phone: (phone ?? '').trim(), name } : { phone: (phone ?? '').trim() };
    });
}
