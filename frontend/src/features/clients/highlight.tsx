import type { ReactNode } from 'react';

// Legal forms the server ignores in a name search: never highlighted as a match.
const LEGAL_FORMS = new Set([
  'ооо',
  'оао',
  'зао',
  'пао',
  'нао',
  'ао',
  'ип',
  'тов',
  'тоо',
  'пп',
  'фоп',
  'чп',
  'llc',
  'ltd',
  'inc',
]);

const fold = (text: string) => text.toLowerCase().replaceAll('ё', 'е');

/** The words of a search worth marking in a name: letters, without legal forms. */
export function searchWords(query: string): string[] {
  return fold(query)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0 && !LEGAL_FORMS.has(word) && !/^\d+$/.test(word));
}

/** The digits of a search that looks like a phone fragment, with the trunk 8 read as 7. */
export function searchDigits(query: string): string[] {
  const digits = query.replace(/\D/g, '');
  if (digits.length < 3 || digits.length * 2 < query.replace(/\s/g, '').length) return [];
  return digits.startsWith('8') ? [digits, `7${digits.slice(1)}`] : [digits];
}

function marked(text: string, ranges: [number, number][]): ReactNode {
  if (ranges.length === 0) return text;
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const parts: ReactNode[] = [];
  let at = 0;
  for (const [start, end] of sorted) {
    if (start < at) continue;
    if (start > at) parts.push(text.slice(at, start));
    parts.push(<mark key={start}>{text.slice(start, end)}</mark>);
    at = end;
  }
  if (at < text.length) parts.push(text.slice(at));
  return parts;
}

/** Whether `text` holds one of the search's words. */
export function matchesWords(text: string, query: string): boolean {
  const folded = fold(text);
  return searchWords(query).some((word) => folded.includes(word));
}

/** `text` with every occurrence of the search's words marked (case and ё insensitive). */
export function highlightWords(text: string, query: string): ReactNode {
  const words = searchWords(query);
  if (words.length === 0) return text;
  const folded = fold(text);
  const ranges: [number, number][] = [];
  for (const word of words) {
    for (let at = folded.indexOf(word); at >= 0; at = folded.indexOf(word, at + word.length)) {
      ranges.push([at, at + word.length]);
    }
  }
  return marked(text, ranges);
}

/**
 * A formatted phone ("+7 912 345-67-89") with the digits the search matched marked, however
 * the search was written ("8 (912) 345" marks "7 912 345").
 */
export function highlightPhone(text: string, query: string): ReactNode {
  const positions: number[] = [];
  let digits = '';
  for (let index = 0; index < text.length; index += 1) {
    if (/\d/.test(text[index]!)) {
      positions.push(index);
      digits += text[index];
    }
  }
  for (const wanted of searchDigits(query)) {
    const at = digits.indexOf(wanted);
    if (at >= 0) {
      return marked(text, [[positions[at]!, positions[at + wanted.length - 1]! + 1]]);
    }
  }
  return text;
}
