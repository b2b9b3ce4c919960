// The suite registry is the directory bench/suites/: every `<name>.ts` there (not *.test.ts, not
// _*.ts) is a suite whose default export is a Suite. Adding a suite is adding one file.
// Helpers of a suite live in a subdirectory (bench/suites/<name>/), which is not scanned.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Suite } from './types.js';

const SUITES_DIR = join(dirname(dirname(fileURLToPath(import.meta.url))), 'suites');

export function suiteNames(): string[] {
  return readdirSync(SUITES_DIR, { withFileTypes: true })
    .filter(
      (e) =>
        e.isFile() &&
        e.name.endsWith('.ts') &&
        !e.name.endsWith('.test.ts') &&
        !e.name.startsWith('_'),
    )
    .map((e) => e.name.slice(0, -'.ts'.length))
    .sort();
}

function isSuite(x: unknown): x is Suite {
  const s = x as Partial<Suite> | undefined;
  return (
    typeof s?.name === 'string' && typeof s.description === 'string' && typeof s.run === 'function'
  );
}

export async function loadSuite(name: string): Promise<Suite | undefined> {
  if (!suiteNames().includes(name)) return undefined;
  const mod = (await import(pathToFileURL(join(SUITES_DIR, `${name}.ts`)).href)) as {
    default?: unknown;
  };
  if (!isSuite(mod.default)) {
    throw new Error(`bench/suites/${name}.ts must export default { name, description, run(ctx) }`);
  }
  return mod.default;
}
