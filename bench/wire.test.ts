// Smoke test of the wire suite: runs `bench/run.ts wire --quick` (Lakeshift and PostgreSQL 15)
// into a temporary results file and checks that it appended one section holding the four
// benchmarks (stream, point with one connection, point with 32 and with 128), each with its
// table, Lakeshift measured beside PostgreSQL, and wrote the chart.
// It asserts the shape, never the timings. Skipped, with the reason, when the Lakeshift server
// of this checkout cannot start (the suite then fails with "lakeshift server could not start").
// Run: node --import tsx --test bench/wire.test.ts
// LAKESHIFT_ROOT=DIR starts the server of another checkout (bench option --lakeshift-root DIR).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { smokeRun } from './lib/smoke.js';

test(
  'npm run bench -- wire --quick appends a section with all four benchmarks',
  { timeout: 600_000 },
  (t) =>
    smokeRun(t, 'wire', [], ({ dir, section }) => {
      for (const line of [
        '- Machine: ',
        '- Versions: Node ',
        '- Parameters: ',
        'quick=true',
        'target=both',
        'clients=1,32,128',
        '**Setup.**',
        '- Lakeshift: `',
        '- PostgreSQL: `',
        '- Clients: node-postgres (pg) ',
        '- Loaded Lakeshift table t (200,000 rows) via ',
        '- Loaded PostgreSQL table t (200,000 rows) via ',
      ]) {
        assert.ok(section.includes(line), `section has "${line}"`);
      }
      const titles = [
        '### 1. Streaming a 200,000-row narrow result to a client',
        '### 2. Parameterized point query, one connection',
        '### 3. Parameterized point query, 32 concurrent connections',
        '### 4. Parameterized point query, 128 concurrent connections',
      ];
      for (const title of titles) assert.ok(section.includes(title), `section has "${title}"`);
      const tables = section.match(
        /\| Measurement \| Value \| Anchor \(same run\) \| Anchor value \| Ratio \| Target \| Result \|/g,
      );
      assert.equal(tables?.length, 4);
      // Lakeshift measured, PostgreSQL the anchor; the stream rows either met the target or not.
      assert.match(
        section,
        /\| Lakeshift: 200,000 rows to node-postgres .*rows\/s \| PostgreSQL 15 \|.*× \| ratio ≥ 1× \| \*\*(pass|FAIL)\*\* \|/,
      );
      // psql's COPY TO STDOUT: measured, or a note saying why not.
      assert.ok(
        /\| Lakeshift: 200,000 rows to psql COPY … TO STDOUT > \/dev\/null .*\*\*(pass|FAIL)\*\* \|/.test(
          section,
        ) || section.includes('psql `COPY … TO STDOUT` from Lakeshift failed'),
        'psql stream measured or explained',
      );
      assert.match(
        section,
        /\| Lakeshift \(Parquet, no index\): p50 latency of 500 point queries \| .* ms \| PostgreSQL 15, no index on id \|.*\| ≤ 2 ms \| \*\*(pass|FAIL)\*\* \|/,
      );
      assert.match(section, /\| 〃 \| \| PostgreSQL 15, primary key on id \| .* ms \|/);
      assert.match(
        section,
        /\| Lakeshift \(Parquet, no index\): p99 latency of 500 point queries \| .* ms \| PostgreSQL 15, no index on id \|/,
      );
      assert.match(
        section,
        /\| Lakeshift \(Parquet, no index\): point queries\/s, 1 connection \| .* queries\/s \| PostgreSQL 15, no index on id \|/,
      );
      for (const n of [32, 128]) {
        for (const [what, unit] of [
          ['point queries/s', 'queries/s'],
          ['p50 latency', 'ms'],
          ['p99 latency', 'ms'],
        ]) {
          const row = `| Lakeshift (Parquet, no index): ${what}, ${n} connections | `;
          const at = section.indexOf(row);
          assert.ok(at >= 0, `section has "${row}"`);
          const line = section.slice(at, section.indexOf('\n', at));
          assert.ok(
            line.includes(` ${unit} | PostgreSQL 15, no index on id | `),
            `measured beside PostgreSQL: ${line}`,
          );
        }
      }
      const link =
        /!\[wire: measurements vs targets\]\((results\/wire-\d{8}-\d{4}\.(png|svg))\)/.exec(
          section,
        );
      assert.ok(link, 'section links the chart');
      assert.ok(existsSync(join(dir, link[1]!)), 'chart file exists');
    }),
);
