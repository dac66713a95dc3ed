/** A mention as the API stores it in a comment's Markdown: @[Full Name](user id). */
const STORED = /@\[([^\]]+)\]\(([0-9a-f-]{36})\)/g;

export interface Mention {
  id: string;
  name: string;
}

/**
 * The text a person typed ("… @Анна Петрова …") with each chosen colleague written as the API
 * expects. A name the person erased after choosing it is not mentioned.
 */
export function encodeMentions(text: string, mentions: readonly Mention[]): string {
  // Longer names first, so "@Анна Петрова" is not taken for "@Анна".
  const byLength = [...mentions].sort((a, b) => b.name.length - a.name.length);
  let result = text;
  for (const { id, name } of byLength) {
    result = result.split(`@${name}`).join(`@[${name}](${id})`);
  }
  return result;
}

/** A stored comment as people read it: each mention as "@Full Name". */
export function decodeMentions(body: string): string {
  return body.replace(STORED, (_match, name: string) => `@${name}`);
}

/** The "@na" being typed just before the caret, or null. */
export function mentionQuery(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const match = /(^|\s)@([^\s@]{0,40})$/.exec(before);
  if (!match) return null;
  return { start: before.length - match[2]!.length - 1, query: match[2]! };
}
