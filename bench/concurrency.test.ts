// Smoke test of the concurrency suite: runs `bench/run.ts concurrency --quick` (TPC-H SF 0.01,
// 100 sessions, 5 s per phase) into a temporary results file and checks that it appended its
// section: both Lakeshift phases (result cache off, on) with throughput and p50/p95/p99 beside
// DuckDB and PostgreSQL, every query of the mix answering the same number of rows on every
// engine, and a per-query table. It asserts the shape, never the timings.
// Run: node --import tsx --test bench/concurrency.test.ts
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { smokeRun } from './lib/smoke.js';

const MIX = ['q1', 'q3', 'q5', 'q6', 'q10', 'q12', 'q14', 'q19'];

test('npm run bench -- concurrency --quick appends its section', { timeout: 600_000 }, (t) =>
  smokeRun(t, 'concurrency', [], ({ section, result }) => {
    for (const line of [
      'sf=0.01',
      'sessions=100',
      'seconds=5',
      `queries=${MIX.join(',')}`,
      'postgres=true',
      "### 1. 100 sessions looping a TPC-H mix, Lakeshift's result cache off",
      "### 2. 100 sessions looping a TPC-H mix, Lakeshift's result cache on",
      '**Setup.**',
      'Result cache, after phase 2: ',
    ])
      assert.ok(section.includes(line), `section has "${line}"`);
    // Every query ran everywhere and gave the same number of rows.
    assert.ok(!section.includes('**Left out of the mix**'), 'no query failed alone');
    assert.ok(!section.includes('**Different row counts**'), 'equal row counts');
    for (const q of MIX)
      assert.match(
        section,
        new RegExp(
          `\\| ${q} \\| (\\d+) \\| [0-9.,]+ \\| \\1 \\| [0-9.,]+ \\| \\1 \\| [0-9.,]+ \\|`,
        ),
        `${q}: the same row count on Lakeshift, DuckDB and PostgreSQL`,
      );
    for (const [i, phase] of ['result cache off', 'result cache on'].entries()) {
      const names = result.benchmarks[i]!.measurements.map((m) => m.name);
      assert.deepEqual(
        names,
        ['queries/s', 'p50 latency', 'p95 latency', 'p99 latency'].map(
          (what) => `Lakeshift, ${phase}: ${what}, 100 sessions`,
        ),
      );
      for (const m of result.benchmarks[i]!.measurements) {
        assert.ok(m.value > 0, `${m.name} measured`);
        assert.deepEqual(
          m.anchors?.map((a) => a.label),
          ['DuckDB in process', 'PostgreSQL 15'],
        );
      }
    }
  }),
);
