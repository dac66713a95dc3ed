// A language's sign-in texts, picked by the `locale-boot-texts` plugin in vite.config.ts.
declare module '*.json?boot' {
  const texts: Record<string, unknown>;
  export = texts;
}
