// Fails when src/api/schema.d.ts is not what openapi-typescript generates from ../openapi.yaml,
// i.e. when the API changed and `npm run gen:api` was not run (or the file was edited by hand).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const spec = resolve(root, '../openapi.yaml');
const committed = resolve(root, 'src/api/schema.d.ts');

if (!existsSync(spec)) {
  console.error(`check:api: ${spec} does not exist (export it with \`crm export-openapi\`)`);
  process.exit(1);
}

const require = createRequire(import.meta.url);
const cli = join(dirname(require.resolve('openapi-typescript/package.json')), 'bin/cli.js');
const dir = mkdtempSync(join(tmpdir(), 'check-api-'));
const generated = join(dir, 'schema.d.ts');
try {
  // Same arguments as `npm run gen:api`, from the same folder, so the output is byte-comparable.
  const run = spawnSync(process.execPath, [cli, '../openapi.yaml', '-o', generated], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (run.status !== 0) {
    console.error('check:api: openapi-typescript failed');
    process.exit(run.status ?? 1);
  }
  const fresh = readFileSync(generated, 'utf8');
  const current = existsSync(committed) ? readFileSync(committed, 'utf8') : '';
  if (fresh !== current) {
    console.error(
      'check:api: src/api/schema.d.ts is out of date with ../openapi.yaml; run `npm run gen:api` and commit it',
    );
    process.exit(1);
  }
  console.log('check:api: src/api/schema.d.ts matches ../openapi.yaml');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
