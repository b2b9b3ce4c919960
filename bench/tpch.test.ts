// Smoke test of the tpch suite: runs `bench/run.ts tpch --quick` (TPC-H SF 0.01 generated into a
// temporary directory, one timed round, all four engines) into a temporary results file and
// checks that every query's answer matched on all four engines, and that the section holds the
// geometric means with both targets, the per-query table, the load times and the chart. It
// asserts the shape, never the timings. Run: node --import tsx --test bench/tpch.test.ts
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { smokeRun } from './lib/smoke.js';

const NUMBER = '[0-9][0-9.,]*';

test('npm run bench -- tpch --quick appends its section', { timeout: 600_000 }, (t) => {
  // The data set is generated into a temporary directory, removed afterwards.
  const data = mkdtempSync(join(tmpdir(), 'lakeshift-bench-tpch-data-'));
  try {
    smokeRun(t, 'tpch', ['--data-root', data], ({ dir, section }) => {
      for (const line of [
        'sf=0.01',
        'runs=1',
        'timeoutS=300',
        'engines=lakeshift,duckdb-native,duckdb-parquet,postgres',
        '### 1. TPC-H SF 0.01: geometric mean',
        '### 2. TPC-H SF 0.01 per query',
        '### 3. Loading TPC-H SF 0.01',
        '**Setup.**',
        '- Lakeshift (wire): `',
        '- PostgreSQL 15: `PostgreSQL 15',
        // Every answer matched on every engine.
        '22 of 22 queries matched on Lakeshift (wire), DuckDB on Parquet, PostgreSQL 15',
        'Geometric means over the 22 queries every engine answered alike within the limit (all of them).',
      ]) {
        assert.ok(section.includes(line), `section has "${line}"`);
      }
      // The two targets, each met or not.
      assert.match(
        section,
        new RegExp(
          `\\| Lakeshift through the wire: geometric mean of 22 query medians \\| ${NUMBER} ms \\| DuckDB native, geometric mean \\| ${NUMBER} ms \\| ${NUMBER}× \\| ratio ≤ 1\\.3× \\| \\*\\*(pass|FAIL)\\*\\* \\|`,
        ),
      );
      assert.match(section, /\| 〃 \| \| DuckDB on Parquet, geometric mean \| /);
      assert.match(section, /\| 〃 \| \| PostgreSQL 15, geometric mean \| /);
      assert.match(
        section,
        new RegExp(
          `\\| Speedup over PostgreSQL 15: .* \\| ${NUMBER} × faster \\| — \\| — \\| — \\| ≥ 20 × faster \\| \\*\\*(pass|FAIL)\\*\\* \\|`,
        ),
      );
      // Per query: a measurement beside DuckDB native, and a row of the table with a time on
      // every engine and the three ratios.
      for (let n = 1; n <= 22; n++) {
        const q = `q${String(n).padStart(2, '0')}`;
        assert.match(
          section,
          new RegExp(
            `\\| ${q}: Lakeshift through the wire \\| ${NUMBER} ms \\| DuckDB native \\| `,
          ),
        );
        assert.match(
          section,
          new RegExp(`\\| ${q}(?: \\| ${NUMBER}){4}(?: \\| ${NUMBER}×){3} \\|`),
          `${q}: four times and three ratios`,
        );
      }
      assert.match(
        section,
        new RegExp(`\\| Lakeshift: Redshift DDL .* \\| ${NUMBER} s \\| DuckDB native: `),
      );
      const link =
        /!\[tpch: measurements vs targets\]\((results\/tpch-\d{8}-\d{4}\.(png|svg))\)/.exec(
          section,
        );
      assert.ok(link, 'section links the chart');
      assert.ok(existsSync(join(dir, link[1]!)), 'chart file exists');
    });
  } finally {
    rmSync(data, { recursive: true, force: true });
  }
});
