// The benchmark tables and how rows get into them. Row i of every table, on every server:
//   id = i, k = i % 1000, name = 'name-' || (i % 100000), amount = (i % 100000) * 0.01
// Loading tries, in order: INSERT ... SELECT FROM generate_series (one statement); COPY FROM
// STDIN with psql's \copy of a CSV file written here; multi-row INSERTs in one transaction.
// Each path that fails is logged with the server's error and the next one is tried; the path
// used is returned for the report. A checksum (count and sums) then compares the servers.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import type pg from 'pg';
import { formatNumber } from '../../lib/format.js';
import { elapsedMs, nowNs } from '../../lib/timing.js';
import { psqlEnv, type Endpoint } from './servers.js';

export const COLUMNS_DDL = 'id bigint, k int, name varchar(32), amount decimal(12,2)';
/** The streamed result: every column of every row. */
export const SELECT_LIST = 'id, k, name, amount';

/** The loading paths in the order they are tried; `--load PATH` starts at PATH. */
export const LOAD_PATHS = ['series', 'copy', 'inserts'] as const;
export type LoadPath = (typeof LOAD_PATHS)[number];

export interface LoadResult {
  table: string;
  rows: number;
  /** 'INSERT … SELECT FROM generate_series', 'COPY FROM STDIN (psql \copy of a CSV file)' … */
  path: string;
  ms: number;
  /** Paths tried before, with the error each gave. */
  failed: string[];
}

function generateSeriesSql(table: string, rows: number): string {
  return (
    `INSERT INTO ${table} SELECT g.i, (g.i % 1000)::int, 'name-' || (g.i % 100000)::varchar, ` +
    `((g.i % 100000) * 0.01)::decimal(12,2) FROM generate_series(1, ${rows}) AS g(i)`
  );
}

/** Row i as CSV fields, the same values generateSeriesSql produces. */
function rowFields(i: number): [string, string, string, string] {
  const v = i % 100000;
  const amount = `${Math.floor(v / 100)}.${String(v % 100).padStart(2, '0')}`;
  return [String(i), String(i % 1000), `name-${v}`, amount];
}

async function writeCsv(file: string, rows: number): Promise<void> {
  const out = createWriteStream(file);
  const chunk = 10_000;
  for (let start = 1; start <= rows; start += chunk) {
    const lines: string[] = [];
    for (let i = start; i < Math.min(start + chunk, rows + 1); i++)
      lines.push(rowFields(i).join(','));
    if (!out.write(`${lines.join('\n')}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** Runs psql with one command; rejects with its stderr when it fails. */
export async function psql(e: Endpoint, command: string): Promise<string> {
  const child = spawn('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', command], {
    env: psqlEnv(e),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
  const [code] = (await once(child, 'close')) as [number | null];
  if (code !== 0) throw new Error(`psql exited with ${code}: ${err.trim()}`);
  return out;
}

function message(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
}

/**
 * Creates `table` and fills it with rows 1..rows through the first path the server accepts,
 * starting at `from`. `csvDir` holds the CSV file of the \copy path (written only when tried).
 */
export async function loadTable(
  client: pg.Client,
  e: Endpoint,
  table: string,
  rows: number,
  csvDir: string,
  log: (m: string) => void,
  from: LoadPath = 'series',
): Promise<LoadResult> {
  const tried = (p: LoadPath) => LOAD_PATHS.indexOf(p) >= LOAD_PATHS.indexOf(from);
  await client.query(`DROP TABLE IF EXISTS ${table}`);
  await client.query(`CREATE TABLE ${table} (${COLUMNS_DDL})`);
  const failed: string[] = [];
  const attempt = async (path: string, load: () => Promise<void>): Promise<LoadResult | null> => {
    log(`${e.system}: loading ${formatNumber(rows)} rows into ${table} via ${path}`);
    const start = nowNs();
    try {
      await load();
    } catch (err) {
      log(`${e.system}: ${path} failed: ${message(err)}`);
      failed.push(`${path}: ${message(err)}`);
      await client.query('ROLLBACK').catch(() => undefined);
      await client.query(`DELETE FROM ${table}`).catch(() => undefined);
      return null;
    }
    const ms = elapsedMs(start);
    log(`${e.system}: loaded ${table} via ${path} in ${formatNumber(ms / 1000)} s`);
    return { table, rows, path, ms, failed };
  };

  const viaSeries = !tried('series')
    ? null
    : await attempt('INSERT … SELECT FROM generate_series', async () => {
        await client.query(generateSeriesSql(table, rows));
      });
  if (viaSeries) return viaSeries;

  const viaCopy = !tried('copy')
    ? null
    : await attempt('COPY FROM STDIN (psql \\copy of a CSV file)', async () => {
        const file = join(csvDir, `rows-${rows}.csv`);
        if (!existsSync(file)) {
          log(`writing ${formatNumber(rows)} rows to ${file}`);
          await writeCsv(file, rows);
        }
        await psql(e, `\\copy ${table} (${SELECT_LIST}) from '${file}' with (format csv)`);
      });
  if (viaCopy) return viaCopy;

  const batch = 1000;
  const viaInserts = await attempt(
    `multi-row INSERTs of ${batch} rows in one transaction`,
    async () => {
      await client.query('BEGIN');
      for (let start = 1; start <= rows; start += batch) {
        const values: string[] = [];
        for (let i = start; i < Math.min(start + batch, rows + 1); i++) {
          const [id, k, name, amount] = rowFields(i);
          values.push(`(${id}, ${k}, '${name}', ${amount})`);
        }
        await client.query(`INSERT INTO ${table} (${SELECT_LIST}) VALUES ${values.join(', ')}`);
        if ((start - 1) % (batch * 500) === 0 && start > 1)
          log(`${e.system}: ${formatNumber(start - 1)} rows inserted`);
      }
      await client.query('COMMIT');
    },
  );
  if (viaInserts) return viaInserts;
  throw new Error(`${e.system}: could not load ${table}:\n${failed.join('\n')}`);
}

/** What checksum() must give for rows 1..rows, computed from rowFields' formula. */
export function expectedChecksum(rows: number): string {
  let ks = 0;
  let cents = 0;
  let len = 0;
  for (let i = 1; i <= rows; i++) {
    const v = i % 100000;
    ks += i % 1000;
    cents += v;
    len += 5 + String(v).length;
  }
  return [rows, (rows * (rows + 1)) / 2, ks, cents / 100, len].map(String).join('/');
}

/** count, sums and total name length: what the server holds, in expectedChecksum's form. */
export async function checksum(client: pg.Client, table: string): Promise<string> {
  const r = await client.query<{
    n: string;
    ids: string;
    ks: string;
    amounts: string;
    len: string;
  }>(
    `SELECT count(*) AS n, sum(id) AS ids, sum(k) AS ks, sum(amount) AS amounts, ` +
      `sum(length(name)) AS len FROM ${table}`,
  );
  const row = r.rows[0]!;
  // Normalized so 1.50 and 1.5 (numeric vs decimal text forms) compare equal.
  return [row.n, row.ids, row.ks, row.amounts, row.len].map((x) => String(Number(x))).join('/');
}
