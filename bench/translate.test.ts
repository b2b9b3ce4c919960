// Smoke test of the translate suite: runs `bench/run.ts translate --quick` into a temporary
// results file and checks that it appended its section with both measurements beside their
// DuckDB anchor, the per-query table of all 22 queries, and the chart. It asserts the shape,
// never the timings. Run: node --import tsx --test bench/translate.test.ts
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));

test('npm run bench -- translate --quick appends its section', { timeout: 300_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'lakeshift-bench-test-'));
  try {
    const file = join(dir, 'RESULTS.md');
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'bench/run.ts', 'translate', '--quick', '--iterations', '5'],
      { cwd: ROOT, env: { ...process.env, BENCH_RESULTS_FILE: file }, encoding: 'utf8' },
    );
    assert.equal(run.status, 0, run.stderr);
    const text = readFileSync(file, 'utf8');
    assert.match(text, /## translate — /);
    assert.match(
      text,
      /\| translate a TPC-H query .* \| DuckDB prepares the generated SQL, p50 \|/,
    );
    assert.match(text, /\| cached statement .* \| DuckDB prepares the generated SQL, p50 \|/);
    for (let q = 1; q <= 22; q++) {
      assert.match(text, new RegExp(`\\| q${String(q).padStart(2, '0')} \\| [0-9.]+ \\|`));
    }
    assert.ok(existsSync(join(dir, 'results', 'translate-latest.svg')), 'chart written');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
