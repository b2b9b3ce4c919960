// TPC-H's 22 queries, written in Redshift's syntax (tpc/tpch/qNN.sql), run on a real Lakeshift
// server over data generated at SF 0.01 (test/support/tpc/tpch-data.ts), created with Redshift
// DDL (tpc/tpch/schema.sql) and loaded with COPY ... FROM STDIN. The reference is the same query
// in DuckDB's own dialect (tpc/tpch/reference/qNN.sql) run by a plain in-memory DuckDB on the
// same data. Each query is its own subtest and must return the same rows, compared as
// test/support/tpc/compare.ts describes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TARGET } from '../support/server.js';
import { TpchGenerator } from '../support/tpc/tpch-data.js';
import { assertSameResult, type Result } from '../support/tpc/compare.js';
import { startTpcEngines, type TpcEngines } from '../support/tpc/engines.js';
import {
  TPCH_LIMIT,
  TPCH_ORDER,
  TPCH_QUERY_NUMBERS,
  tpchQueryName,
} from '../support/tpc/tpch-queries.js';

const SCALE = 0.01;
const DIR = join(import.meta.dirname, 'tpc', 'tpch');

describe(
  'TPC-H: 22 queries in Redshift syntax on Lakeshift = DuckDB on the same data',
  {
    skip: TARGET !== 'lakeshift' && 'Redshift syntax; the postgres reference target has none',
  },
  () => {
    let engines: TpcEngines;

    before(async () => {
      const generator = new TpchGenerator({ scale: SCALE });
      engines = await startTpcEngines({
        schema: readFileSync(join(DIR, 'schema.sql'), 'utf8'),
        tables: generator.tables().map((t) => ({ ...t, rowCount: t.rowCount() })),
      });
    });

    after(() => engines?.close());

    for (const n of TPCH_QUERY_NUMBERS) {
      const name = tpchQueryName(n);
      test(name, async () => {
        const redshift = readFileSync(join(DIR, `${name}.sql`), 'utf8');
        const reference = readFileSync(join(DIR, 'reference', `${name}.sql`), 'utf8');

        // Q15 creates, queries and drops a view: its answer is the SELECT's.
        const selects = await engines.lakeshift(redshift);
        assert.equal(selects.length, 1, 'one SELECT in the query file');
        const actual = selects[0] as Result;
        const [expected] = (await engines.reference(reference)) as [Result];
        assert.ok(expected.rows.length > 0, 'the reference answer is not empty');
        assertSameResult(actual, expected, { order: TPCH_ORDER[n] ?? [], limit: TPCH_LIMIT[n] });
      });
    }
  },
);
