// How fast DuckDB results become PostgreSQL DataRow bytes. Streams a narrow 5M-row result
// (BIGINT, INTEGER, VARCHAR, DECIMAL(12,2)) into a sink that discards the bytes, with:
//   a) node-api's per-value getters (vector.getItem) + the value encoders,
//   b) raw vector reads (columns.ts, what ResultCursor uses),
//   c) DuckDB formats every column as text in SQL, JS copies the bytes (b's string path),
// and for reference getRowObjectsJS() on 1M rows.
// Run: npx tsx bench/engine/encode.ts [rows]
import { DuckDBInstance, type DuckDBConnection, type DuckDBVector } from '@duckdb/node-api';
import { ResultCursor, describeResult, textContext, textOfValue } from '../../src/engine/index.js';
import { ByteWriter } from '../../src/engine/writer.js';

const ROWS = Number(process.argv[2] ?? 5_000_000);
const SQL = `SELECT i AS id, (i % 1000)::INTEGER AS k, 'name-' || i AS name, (i / 100)::DECIMAL(12,2) AS amount FROM range(${ROWS}) t(i)`;
const LONG_SQL = `SELECT i AS id, 'customer-name-padded-to-forty-bytes-' || i AS name, i * 0.5 AS f, TIMESTAMP '2024-01-01' + to_microseconds(i * 1000) AS ts FROM range(${ROWS}) t(i)`;
const TEXT_SQL = `SELECT id::VARCHAR, k::VARCHAR, name, amount::VARCHAR FROM (${SQL})`;

interface Figure {
  variant: string;
  rows: number;
  seconds: number;
  bytes: number;
  /** Seconds spent waiting for DuckDB chunks (the rest is JS encoding). */
  fetchSeconds?: number;
}

async function rawCursor(c: DuckDBConnection, sql: string, variant: string): Promise<Figure> {
  const t0 = performance.now();
  const result = await c.stream(sql);
  const types = result.columnTypes();
  let fetchMs = 0;
  const source = {
    columnTypes: types,
    fetchChunk: async () => {
      const f0 = performance.now();
      const chunk = await result.fetchChunk();
      fetchMs += performance.now() - f0;
      return chunk;
    },
    close: () => {},
  };
  const cursor = new ResultCursor(source, describeResult(result.columnNames(), types));
  let bytes = 0;
  const { rows } = await cursor.next(0, (m) => {
    bytes += m.length;
  });
  return {
    variant,
    rows,
    seconds: (performance.now() - t0) / 1000,
    bytes,
    fetchSeconds: fetchMs / 1000,
  };
}

async function perValue(c: DuckDBConnection): Promise<Figure> {
  const t0 = performance.now();
  const result = await c.stream(SQL);
  const types = result.columnTypes();
  const ctx = textContext('UTC');
  const w = new ByteWriter();
  let rows = 0;
  let bytes = 0;
  for (
    let chunk = await result.fetchChunk();
    chunk !== null && chunk.rowCount > 0;
    chunk = await result.fetchChunk()
  ) {
    const vectors: DuckDBVector[] = types.map((_, i) => chunk.getColumnVector(i));
    for (let r = 0; r < chunk.rowCount; r++) {
      w.ensure(7);
      const start = w.pos;
      w.buf[start] = 0x44;
      w.buf.writeInt16BE(types.length, start + 5);
      w.pos += 7;
      for (let col = 0; col < types.length; col++) {
        const v = (vectors[col] as DuckDBVector).getItem(r);
        if (v === null) w.int32(-1);
        else w.utf8Value(textOfValue(types[col]!, v, ctx));
      }
      w.buf.writeInt32BE(w.pos - start - 1, start + 1);
      if (w.pos > 256 * 1024) bytes += w.take().length;
    }
    rows += chunk.rowCount;
  }
  bytes += w.take().length;
  return { variant: 'a) per-value getters', rows, seconds: (performance.now() - t0) / 1000, bytes };
}

async function fetchOnly(c: DuckDBConnection): Promise<Figure> {
  const t0 = performance.now();
  const result = await c.stream(SQL);
  let rows = 0;
  for (
    let chunk = await result.fetchChunk();
    chunk !== null && chunk.rowCount > 0;
    chunk = await result.fetchChunk()
  ) {
    rows += chunk.rowCount;
  }
  return {
    variant: 'floor) fetch chunks, no encoding',
    rows,
    seconds: (performance.now() - t0) / 1000,
    bytes: 0,
  };
}

async function rowObjects(c: DuckDBConnection): Promise<Figure> {
  const n = Math.min(ROWS, 1_000_000);
  const t0 = performance.now();
  const reader = await c.runAndReadAll(SQL.replace(`range(${ROWS})`, `range(${n})`));
  const objects = reader.getRowObjectsJS();
  return {
    variant: 'ref) getRowObjectsJS (materialize)',
    rows: objects.length,
    seconds: (performance.now() - t0) / 1000,
    bytes: 0,
  };
}

async function main(): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  const c = await instance.connect();
  const figures: Figure[] = [];
  // Warm up the JIT on a small run of each path.
  await rawCursor(c, SQL.replace(`range(${ROWS})`, 'range(200000)'), 'warmup');
  await rawCursor(c, TEXT_SQL.replace(`range(${ROWS})`, 'range(200000)'), 'warmup');
  figures.push(await fetchOnly(c));
  figures.push(await perValue(c));
  figures.push(await rawCursor(c, SQL, 'b) raw vectors (ResultCursor)'));
  figures.push(await rawCursor(c, TEXT_SQL, 'c) DuckDB casts to VARCHAR, JS copies'));
  figures.push(await rawCursor(c, SQL, 'b) raw vectors (ResultCursor), again'));
  figures.push(await rawCursor(c, LONG_SQL, 'b) other types: long varchar, double, timestamp'));
  figures.push(await rowObjects(c));
  for (const f of figures) {
    const rate = Math.round(f.rows / f.seconds);
    const encode =
      f.fetchSeconds === undefined
        ? ''
        : `  (JS encoding alone: ${Math.round(f.rows / (f.seconds - f.fetchSeconds))} rows/s)`;
    console.log(
      `${f.variant.padEnd(48)} ${String(f.rows).padStart(8)} rows ${f.seconds.toFixed(2).padStart(6)} s ${String(rate).padStart(9)} rows/s ${(f.bytes / 1e6).toFixed(0).padStart(5)} MB${encode}`,
    );
  }
  c.closeSync();
  instance.closeSync();
}

await main();
