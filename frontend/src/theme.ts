import { createTheme, type CSSVariablesResolver } from '@mantine/core';

// WCAG AA asks 4.5:1 for body text. Mantine's default shade 6 of blue gives white text on a
// filled button (and blue links on white) 3.6:1, and its "dimmed" grey 3.3:1; shade 8 and grey 7
// pass (4.9:1 and 7.5:1). Filled colours as light as cyan 8 or lighter take black text
// (autoContrast with the threshold where white falls under 4.5:1). The browser journey checks
// every main screen with axe-core.
export const theme = createTheme({
  primaryColor: 'blue',
  primaryShade: { light: 8, dark: 6 },
  defaultRadius: 'sm',
  autoContrast: true,
  luminanceThreshold: 0.19,
  components: {
    // The toast's text is grey 6 by default (3.3:1).
    Notification: { styles: { description: { color: 'var(--mantine-color-gray-8)' } } },
  },
});

// Light badges, avatars and alerts write in shade 6 of their colour on a pale tint of it: shade
// 9 reads at 4.5:1 or more there, or a darker tone of it for the lightest colours.
const LIGHT_TEXT: Record<string, string> = {
  gray: 'var(--mantine-color-gray-9)',
  red: '#b42525',
  pink: 'var(--mantine-color-pink-9)',
  grape: 'var(--mantine-color-grape-9)',
  violet: 'var(--mantine-color-violet-9)',
  indigo: 'var(--mantine-color-indigo-9)',
  blue: 'var(--mantine-color-blue-9)',
  cyan: 'var(--mantine-color-cyan-9)',
  teal: '#077251',
  green: '#247534',
  lime: '#49760a',
  yellow: '#a15300',
  orange: '#b83d0c',
};

export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    '--mantine-color-placeholder': 'var(--mantine-color-gray-7)',
    // Links stay readable on the tinted rows of overdue tasks too (4.9:1).
    '--mantine-color-anchor': 'var(--mantine-color-blue-9)',
    // Also the colour of text given a colour by name (`c="red"`): shade 8 or lighter by default.
    ...Object.fromEntries(
      Object.entries(LIGHT_TEXT).flatMap(([color, text]) => [
        [`--mantine-color-${color}-light-color`, text],
        [`--mantine-color-${color}-text`, text],
      ]),
    ),
  },
  dark: {},
});
