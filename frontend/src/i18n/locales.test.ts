import { describe, expect, it } from 'vitest';
import en from './locales/en.json';
import ru from './locales/ru.json';
import uk from './locales/uk.json';

const resources = { ru: { translation: ru }, uk: { translation: uk }, en: { translation: en } };

function keys(tree: object, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([key, value]) =>
    typeof value === 'object' && value !== null
      ? keys(value as object, `${prefix}${key}.`)
      : [`${prefix}${key}`],
  );
}

describe('locales', () => {
  const reference = keys(resources.ru.translation).sort();

  it.each(['uk', 'en'] as const)('%s has exactly the keys of ru', (language) => {
    expect(keys(resources[language].translation).sort()).toEqual(reference);
  });

  it.each(['ru', 'uk', 'en'] as const)('%s has no empty strings', (language) => {
    const flat = keys(resources[language].translation);
    expect(flat.length).toBeGreaterThan(0);
    const tree = resources[language].translation as unknown as Record<
      string,
      Record<string, string>
    >;
    for (const key of flat) {
      const [group, name] = key.split('.');
      expect(tree[group!]![name!], key).not.toBe('');
    }
  });
});
