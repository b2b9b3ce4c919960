// Smoke test of the kafka-read suite: runs `bench/run.ts kafka-read --quick` (20,000 records, a
// test broker in a child process) into a temporary results file and checks that it appended
// its section with the reader's records/s beside the library anchor, and its chart. It asserts
// the shape, never the timings. Run: node --import tsx --test bench/kafka-read.test.ts
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from './lib/paths.js';

test('npm run bench -- kafka-read --quick appends its section', { timeout: 300_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'lakeshift-bench-test-'));
  try {
    const file = join(dir, 'RESULTS.md');
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'bench/run.ts', 'kafka-read', '--quick', '--gzip'],
      { cwd: REPO_ROOT, env: { ...process.env, BENCH_RESULTS_FILE: file }, encoding: 'utf8' },
    );
    assert.equal(run.status, 0, run.stderr);
    const text = readFileSync(file, 'utf8');
    assert.match(text, /## kafka-read — /);
    assert.match(
      text,
      /\| KafkaStreamReader catch-up .*\| [0-9,]+ records\/s \| Consumer\.fetch \+ library parsing/,
    );
    assert.ok(existsSync(join(dir, 'results', 'kafka-read-latest.svg')), 'chart written');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
