// Smoke test of the load suite: runs `bench/run.ts load --quick` (TPC-H SF 0.01 lineitem,
// 59,936 rows) into a temporary results file and checks that it appended its section: every
// Lakeshift path beside DuckDB and PostgreSQL, measured or marked as refused by the server
// (COPY from a file), and every timed path's table holding the file's rows (count and
// checksum equal on every engine), and the UNLOAD benchmark (Lakeshift's UNLOAD to Parquet beside
// DuckDB's COPY … TO, the files read back). It asserts the shape, never the timings.
// Run: node --import tsx --test bench/load.test.ts
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { smokeRun } from './lib/smoke.js';

const ROWS = '59,936';

test('npm run bench -- load --quick appends its section', { timeout: 600_000 }, (t) =>
  smokeRun(t, 'load', [], ({ dir, section, result }) => {
    for (const line of [
      'sf=0.01',
      'quick=true',
      `### 1. COPY of lineitem (${ROWS} rows) into an empty table`,
      '**Setup.**',
      '- Lakeshift: `',
      '- DuckDB: in this process',
      '- PostgreSQL: `',
      '- Checksum of the file (DuckDB read_csv), equal after every load of every timed path: n=59936, ',
    ])
      assert.ok(section.includes(line), `section has "${line}"`);

    const measurements = result.benchmarks[0]!.measurements;
    const byName = (name: string) => {
      const m = measurements.find((x) => x.name === name);
      assert.ok(m, `measurement "${name}"`);
      return m;
    };
    // COPY FROM STDIN works today: measured against both anchors with both targets.
    for (const path of [
      'Lakeshift: COPY FROM STDIN (node-postgres)',
      "Lakeshift: psql \\copy … with (delimiter '|')",
    ]) {
      const vsDuck = byName(`${path} vs DuckDB`);
      assert.ok(vsDuck.value > 0 && vsDuck.missing === undefined, `${path} measured`);
      assert.match(vsDuck.anchors![0]!.label, /^DuckDB: INSERT … SELECT FROM read_csv/);
      assert.deepEqual(vsDuck.target, { on: 'ratio', op: '>=', threshold: 0.8 });
      const vsPg = byName(`${path} vs PostgreSQL`);
      assert.match(vsPg.anchors![0]!.label, /^PostgreSQL 15: /);
      assert.deepEqual(vsPg.target, { on: 'ratio', op: '>=', threshold: 3 });
    }
    // COPY from a file: measured once the server accepts it, until then its refusal.
    for (const path of [
      "Lakeshift: COPY FROM 'file:///…/lineitem.tbl' DELIMITER '|'",
      "Lakeshift: COPY FROM 'file:///…/lineitem.parquet' FORMAT AS PARQUET",
    ]) {
      const m = byName(`${path} vs DuckDB`);
      assert.ok(
        (m.missing === undefined && m.value > 0) ||
          /^(not supported yet|refused): [0-9A-Z]{5} /.test(m.missing ?? ''),
        `${path}: measured or refused with an SQLSTATE (${m.missing})`,
      );
    }
    assert.match(
      section,
      /\| Lakeshift: COPY FROM STDIN \(node-postgres\) vs DuckDB \| [0-9,.]+ rows\/s \| DuckDB: INSERT … SELECT FROM read_csv \|.*\| ratio ≥ 0.8× \| \*\*(pass|FAIL)\*\* \|/,
    );

    // Every timed path, on every engine, left the file's rows in its table.
    const equal = section.split('\n').filter((l) => l.endsWith(`| ${ROWS} | = the file's |`));
    for (const engine of ['Lakeshift', 'DuckDB', 'PostgreSQL 15'])
      assert.ok(
        equal.some((l) => l.startsWith(`| ${engine}: `)),
        `a ${engine} path holds the file's rows`,
      );
    assert.ok(equal.length >= 8, `8 or more timed paths with the file's checksum: ${equal.length}`);

    // UNLOAD to Parquet beside DuckDB's COPY … TO (FORMAT parquet) of the same rows.
    assert.ok(section.includes(`### 2. UNLOAD of lineitem (${ROWS} rows) to Parquet`));
    const unload = result.benchmarks.find((b) => b.id === 'unload');
    assert.ok(unload, 'the unload benchmark');
    const [u] = unload.measurements;
    assert.ok(
      (u!.missing === undefined && u!.value > 0) ||
        /^(not supported yet|refused): [0-9A-Z]{5} /.test(u!.missing ?? ''),
      `UNLOAD measured or refused with an SQLSTATE (${u!.missing})`,
    );
    assert.match(u!.anchors![0]!.label, /^DuckDB: COPY \(SELECT \* FROM lineitem\) TO /);
    assert.deepEqual(u!.target, { on: 'ratio', op: '>=', threshold: 0.8 });
    assert.ok(
      section.includes(
        'Files read back after every run: count, sum(l_orderkey), sum(l_extendedprice) = 59936 ',
      ),
    );

    const link =
      /!\[load: measurements vs targets\]\((results\/load-\d{8}-\d{4}\.(png|svg))\)/.exec(section);
    assert.ok(link && existsSync(join(dir, link[1]!)), 'chart written');
  }),
);
