// Smoke test of the super suite: runs `bench/run.ts super --quick` (20,000 documents) with a small
// document count into a temporary results file and checks that it appended its section with the
// three measurements beside their DuckDB anchors, equal aggregates on both systems, the profile of
// the JSON_PARSE macro and the chart. It asserts the shape, never the timings.
// Run: node --import tsx --test bench/super.test.ts
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));

test('npm run bench -- super --quick appends its section', { timeout: 600_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'lakeshift-bench-test-'));
  try {
    const file = join(dir, 'RESULTS.md');
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'bench/run.ts', 'super', '--quick', '--docs', '2000', '--warmup', '0'],
      { cwd: ROOT, env: { ...process.env, BENCH_RESULTS_FILE: file }, encoding: 'utf8' },
    );
    assert.equal(run.status, 0, run.stderr);
    const text = readFileSync(file, 'utf8');
    assert.match(text, /## super — /);
    assert.match(
      text,
      /\| INSERT … SELECT JSON_PARSE\(doc\) into a SUPER column .* \| DuckDB: CAST\(doc AS JSON\) into a JSON column \|/,
    );
    assert.match(text, /\| 〃 \| \| DuckDB: json\(doc\) \(minified\) into a JSON column \|/);
    assert.match(
      text,
      /\| five SUPER navigations .*same aggregates on both.* \| DuckDB: -> \/ ->> of the same paths/,
    );
    assert.match(
      text,
      /\| JSON_PARSE\(doc\) and five navigations .*same aggregates on both.* \| DuckDB: CAST\(doc AS JSON\) and -> \/ ->> in one query \|/,
    );
    assert.match(
      text,
      /\| lakeshift_fn\.json_parse\(doc\): the whole macro \| [0-9.,]+ \| [0-9.,]+ \|/,
    );
    assert.ok(existsSync(join(dir, 'results', 'super-latest.svg')), 'chart written');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
