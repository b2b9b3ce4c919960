// The clients the wire suite measures with: node-postgres streaming a result row by row without
// keeping it, psql's COPY … TO STDOUT into /dev/null, and the helpers for point queries
// (seeded random ids, percentiles).
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { once } from 'node:events';
import pg from 'pg';
import { psqlEnv, type Endpoint } from './servers.js';

/** Every column as the text the server sent: what a client reading raw values costs. */
const RAW_TEXT: pg.CustomTypesConfig = { getTypeParser: () => (value: string) => value };

/**
 * Streams the result of `sql` through node-postgres (simple query protocol): a pg.Query with a
 * 'row' listener and no callback, so pg hands over each row as it is parsed and keeps none;
 * rows as arrays of raw strings. Resolves with the number of rows received.
 */
export function streamRows(client: pg.Client, sql: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let n = 0;
    const config: pg.QueryArrayConfig = { text: sql, rowMode: 'array', types: RAW_TEXT };
    const query = new pg.Query(config);
    query.on('row', () => {
      n++;
    });
    query.on('error', reject);
    query.on('end', () => resolve(n));
    client.query(query);
  });
}

function psqlArgs(sql: string): string[] {
  return ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', `copy (${sql}) to stdout`];
}

/** `psql -X -c "copy (sql) to stdout" > /dev/null`; rejects with psql's stderr on failure. */
export async function psqlCopyToNull(e: Endpoint, sql: string): Promise<void> {
  const devNull = openSync('/dev/null', 'w');
  try {
    const child = spawn('psql', psqlArgs(sql), {
      env: psqlEnv(e),
      stdio: ['ignore', devNull, 'pipe'],
    });
    let err = '';
    child.stderr?.setEncoding('utf8').on('data', (s: string) => (err += s));
    const [code] = (await once(child, 'close')) as [number | null];
    if (code !== 0) throw new Error(`psql copy exited with ${code}: ${err.trim()}`);
  } finally {
    closeSync(devNull);
  }
}

/** The same psql COPY with its output counted (lines = rows): the check before timing. */
export async function psqlCopyCount(e: Endpoint, sql: string): Promise<number> {
  const child = spawn('psql', psqlArgs(sql), {
    env: psqlEnv(e),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let lines = 0;
  let err = '';
  child.stdout.on('data', (b: Buffer) => {
    for (let i = b.indexOf(10); i !== -1; i = b.indexOf(10, i + 1)) lines++;
  });
  child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
  const [code] = (await once(child, 'close')) as [number | null];
  if (code !== 0) throw new Error(`psql copy exited with ${code}: ${err.trim()}`);
  return lines;
}

/** mulberry32: the same seed gives every server the same ids in the same order. */
export function randomIds(seed: number, count: number, max: number): number[] {
  let a = seed >>> 0;
  const ids: number[] = [];
  for (let i = 0; i < count; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const r = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    ids.push(1 + Math.floor(r * max));
  }
  return ids;
}

/** Nearest-rank percentile (p in 0..100). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error('percentile of no values');
  const sorted = [...values].sort((x, y) => x - y);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

/** One parameterized point query over the extended protocol; checks that exactly one row came. */
export async function pointQuery(client: pg.Client, text: string, id: number): Promise<void> {
  const r = await client.query({ text, values: [id] });
  if (r.rows.length !== 1) throw new Error(`${text} with $1 = ${id}: ${r.rows.length} rows`);
}
