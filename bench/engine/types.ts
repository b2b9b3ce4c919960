// Encoding cost per column type: 1M rows of one column each, through ResultCursor, text format.
// Run: npx tsx bench/engine/types.ts [rows] [format 0|1]
import { DuckDBInstance } from '@duckdb/node-api';
import { ResultCursor, describeResult } from '../../src/engine/index.js';

const ROWS = Number(process.argv[2] ?? 1_000_000);
const FORMAT = Number(process.argv[3] ?? 0) as 0 | 1;
const COLUMNS: [string, string][] = [
  ['none (range only)', 'NULL::INTEGER'],
  ['bigint', 'i'],
  ['varchar ≤12 bytes', "'n-' || i"],
  ['varchar 40 bytes', "'customer-name-padded-to-forty-bytes-' || i"],
  ['double', 'i * 0.37'],
  ['real', '(i * 0.37)::REAL'],
  ['decimal(12,2)', '(i / 100)::DECIMAL(12,2)'],
  ['decimal(38,4)', '(i / 100)::DECIMAL(38,4)'],
  ['date', "DATE '2000-01-01' + (i % 10000)::INTEGER"],
  ['timestamp', "TIMESTAMP '2024-01-01' + to_microseconds(i * 1000)"],
  ['timestamptz', "TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_microseconds(i * 1000)"],
  ['interval', 'to_microseconds(i * 1000)'],
  ['uuid', 'uuid()'],
  ['boolean', 'i % 2 = 0'],
  ['int[] (value path)', '[i::INTEGER, 2]'],
];

const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
const c = await instance.connect();
for (const [name, expr] of COLUMNS) {
  const result = await c.stream(`SELECT ${expr} AS v FROM range(${ROWS}) t(i)`);
  const types = result.columnTypes();
  const cursor = new ResultCursor(
    { columnTypes: types, fetchChunk: () => result.fetchChunk(), close: () => {} },
    describeResult(result.columnNames(), types, [FORMAT]),
    { timeZone: 'America/New_York' },
  );
  const t0 = performance.now();
  await cursor.next(0, () => {});
  const s = (performance.now() - t0) / 1000;
  console.log(
    `${name.padEnd(22)} ${(s * 1000).toFixed(0).padStart(6)} ms ${Math.round(ROWS / s)
      .toString()
      .padStart(9)} rows/s`,
  );
}
c.closeSync();
instance.closeSync();
