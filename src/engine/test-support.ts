// Helpers for the engine's tests: run a DuckDB query through a ResultCursor and split the
// DataRow messages it produces back into field bytes.
import type { EngineConnection } from './engine.js';
import { ResultCursor } from './cursor.js';
import type { FieldDescription, WireFormat } from './pg-field.js';
import { describeResult } from './types.js';

/** Each DataRow of `bytes` as its fields (null for SQL NULL). */
export function splitDataRows(bytes: Uint8Array): (Buffer | null)[][] {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const rows: (Buffer | null)[][] = [];
  let p = 0;
  while (p < b.length) {
    if (b[p] !== 0x44) throw new Error(`not a DataRow at ${p}: ${b[p]}`);
    const len = b.readInt32BE(p + 1);
    const end = p + 1 + len;
    const n = b.readInt16BE(p + 5);
    let q = p + 7;
    const row: (Buffer | null)[] = [];
    for (let i = 0; i < n; i++) {
      const l = b.readInt32BE(q);
      q += 4;
      if (l < 0) row.push(null);
      else {
        row.push(b.subarray(q, q + l));
        q += l;
      }
    }
    if (q !== end) throw new Error(`DataRow length mismatch at ${p}`);
    rows.push(row);
    p = end;
  }
  return rows;
}

export interface QueryOutput {
  fields: FieldDescription[];
  rows: (Buffer | null)[][];
  /** Number of write calls the cursor made. */
  writes: number;
}

export async function queryRows(
  connection: EngineConnection,
  sql: string,
  format: WireFormat = 0,
  timeZone = 'UTC',
): Promise<QueryOutput> {
  const result = await connection.run(sql);
  const fields = describeResult(result.columnNames, result.columnTypes, [format]);
  const cursor = new ResultCursor(result, fields, { timeZone });
  const parts: Uint8Array[] = [];
  await cursor.next(0, (m) => {
    parts.push(Uint8Array.from(m));
  });
  return { fields, rows: splitDataRows(Buffer.concat(parts)), writes: parts.length };
}
