// Smoke test of the procedures suite: runs `bench/run.ts procedures --quick` into a temporary
// results file and checks that it appended its section with both benchmarks beside their
// anchors (PostgreSQL 15, and the client's INSERTs) and the chart. It asserts the shape, never
// the timings.
// Run: node --import tsx --test bench/procedures.test.ts
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { smokeRun } from './lib/smoke.js';

test('npm run bench -- procedures --quick appends its section', { timeout: 600_000 }, (t) =>
  smokeRun(t, 'procedures', ['--warmup', '0'], ({ dir, section: text }) => {
    assert.match(text, /## procedures — /);
    assert.match(
      text,
      /\| Lakeshift: 10,000 iterations in a procedure \| .* \| PostgreSQL 15: the same procedure \|/,
    );
    assert.match(
      text,
      /\| Lakeshift: INSERTs in a procedure \| .* \| Lakeshift: the same INSERTs from a client in one transaction \|/,
    );
    assert.match(text, /\| 〃 \| \| PostgreSQL 15: INSERTs in the procedure \|/);
    assert.ok(existsSync(join(dir, 'results', 'procedures-latest.svg')), 'chart written');
  }),
);
