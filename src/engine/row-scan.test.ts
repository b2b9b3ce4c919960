import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { offerRows, registerRowScan } from './row-scan.js';

interface Row {
  id: number;
  big: bigint | null;
  at: number | null;
  bytes: Buffer | null;
  text: string | null;
}

/** 5,000 rows: more than two of DuckDB's chunks, with NULLs in every column but id. */
const rows: Row[] = Array.from({ length: 5000 }, (_, i) => ({
  id: i - 2500,
  big: i % 7 === 0 ? null : BigInt(i) * 10_000_000_000n,
  at: i % 11 === 0 ? null : Date.UTC(2026, 0, 1) * 1000 + i * 1_000_001,
  bytes: i % 13 === 0 ? null : Buffer.from(`{"n":${i}}`.repeat(1 + (i % 5))),
  text: i % 17 === 0 ? null : `row ${i} é`,
}));

const columns = [
  { name: 'id', type: 'BIGINT', value: (r: Row) => r.id },
  { name: 'big', type: 'BIGINT', value: (r: Row) => r.big },
  { name: 'ts', type: 'TIMESTAMP', value: (r: Row) => r.at },
  { name: 'bytes', type: 'BLOB', value: (r: Row) => r.bytes },
  { name: 'text', type: 'VARCHAR', value: (r: Row) => r.text },
] as const;

describe('row scan: rows held in JavaScript read by DuckDB', () => {
  let connection: DuckDBConnection;
  before(async () => {
    const instance = await DuckDBInstance.create(':memory:');
    connection = await instance.connect();
    registerRowScan(connection);
  });
  after(() => connection.closeSync());

  test('every value arrives as it was, NULLs included, over several chunks', async () => {
    const offered = offerRows({ rows, columns });
    try {
      const reader = await connection.runAndReadAll(
        `SELECT id, big, epoch_us(ts) AS ts, bytes, text FROM ${offered.sql} ORDER BY id`,
      );
      const got = reader.getRowObjectsJS();
      assert.equal(got.length, rows.length);
      for (const [i, r] of rows.entries()) {
        const g = got[i]!;
        assert.equal(g.id, BigInt(r.id));
        assert.equal(g.big, r.big);
        assert.equal(g.ts, r.at === null ? null : BigInt(r.at));
        assert.deepEqual(g.bytes === null ? null : Buffer.from(g.bytes as Uint8Array), r.bytes);
        assert.equal(g.text, r.text);
      }
    } finally {
      offered.release();
    }
  });

  test('a query may read only some columns, count rows, and scan the rows twice', async () => {
    const offered = offerRows({ rows, columns });
    try {
      const reader = await connection.runAndReadAll(
        `SELECT (SELECT count(*) FROM ${offered.sql}) AS n,
                (SELECT sum(octet_length(bytes)) FROM ${offered.sql}) AS bytes,
                (SELECT count(*) FROM ${offered.sql} a JOIN ${offered.sql} b ON a.id = -b.id) AS pairs`,
      );
      const [n, bytes, pairs] = reader.getRowsJS()[0]!;
      assert.equal(n, BigInt(rows.length));
      assert.equal(bytes, BigInt(rows.reduce((s, r) => s + (r.bytes?.length ?? 0), 0)));
      // ids run from -2500 to 2499: each but -2500 has its negation.
      assert.equal(pairs, BigInt(rows.length - 1));
    } finally {
      offered.release();
    }
  });

  test('rows no longer offered cannot be read', async () => {
    const offered = offerRows({ rows: rows.slice(0, 3), columns });
    offered.release();
    await assert.rejects(
      connection.run(`SELECT * FROM ${offered.sql}`),
      /no such rows are offered/,
    );
  });
});
