// The four engines of the tpch suite, each loaded with the same generated data set and answering
// a query as compare.ts wants it (column names, values as text), or running it for timing:
// - Lakeshift, a server started from a checkout, through its wire endpoint (node-postgres, the
//   result cache off, statement_timeout set to the per-query limit);
// - DuckDB on native tables, in this process (@duckdb/node-api), the reference of the check;
// - DuckDB on views over the data set's Parquet files, in this process;
// - PostgreSQL 15 on a throwaway cluster, set up as a fair user would (tpch-load.ts: primary keys,
//   an index per foreign-key column, ANALYZE; here also VACUUM and the session settings below).
// A query running past the limit is stopped (statement_timeout on the servers, an interrupt of
// DuckDB's connection in process) and reported as a QueryTimeout.
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import pg from 'pg';
import type { Result } from '../../../test/support/tpc/compare.js';
import { duckdbResults, selectResults, TEXT_TYPES } from '../../../test/support/tpc/engines.js';
import { elapsedMs, nowNs } from '../../lib/timing.js';
import type { TpchDataset } from '../../lib/tpch-dataset.js';
import {
  loadTpchDuckdbNative,
  loadTpchLakeshift,
  loadTpchPostgres,
  viewTpchDuckdbParquet,
} from '../../lib/tpch-load.js';
import {
  clientConfig,
  startLakeshift,
  startPostgresEndpoint,
  type Endpoint,
} from '../wire/servers.js';
import type { QueryTexts } from './queries.js';

export const ENGINE_IDS = ['lakeshift', 'duckdb-native', 'duckdb-parquet', 'postgres'] as const;
export type EngineId = (typeof ENGINE_IDS)[number];

/**
 * PostgreSQL's session settings for the queries: memory for sorts and hashes a 2-core machine
 * with GBs of RAM can give one session, and the planner told the data is cached. shared_buffers
 * stays at the default (128 MB): test/support/postgres.ts takes no server settings; the
 * operating system's page cache holds the tables after the warm-up.
 */
export const POSTGRES_SETTINGS: Readonly<Record<string, string>> = {
  work_mem: '256MB',
  effective_cache_size: '8GB',
  random_page_cost: '1.1',
};
/** For the index builds of the load. */
const POSTGRES_LOAD_SETTINGS: Readonly<Record<string, string>> = { maintenance_work_mem: '1GB' };

/** SQLSTATE 57014, query_canceled: what statement_timeout raises on both servers. */
const QUERY_CANCELED = '57014';

export class QueryTimeout extends Error {
  constructor(
    readonly engine: string,
    readonly limitMs: number,
  ) {
    super(`${engine}: the query ran past the limit of ${limitMs / 1000} s`);
    this.name = 'QueryTimeout';
  }
}

export interface TpchEngine {
  readonly id: EngineId;
  /** 'Lakeshift (wire)' … for tables and anchors. */
  readonly label: string;
  /** For the chart. */
  readonly short: string;
  /** What `SELECT version()` says. */
  readonly version: string;
  /** Wall time of the load (DDL, data, indexes, statistics), in ms. */
  readonly loadMs: number;
  /** How the engine was loaded, one phrase. */
  readonly loadHow: string;
  /** The answer of the query's SELECT (the one SELECT of Q15's create view / select / drop). */
  answer(n: number): Promise<Result>;
  /** Runs the query and fetches every row, for timing. */
  run(n: number): Promise<void>;
  /** Runs any statement (SELECT 1 for the per-statement floor). */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

/** Statements to run after a failed query so the next run starts clean (Q15's view). */
function cleanupSql(text: string): string[] {
  return [...text.matchAll(/create\s+view\s+(\w+)/gi)].map((m) => `drop view if exists ${m[1]}`);
}

async function withTimer<T>(limitMs: number, onTimeout: () => void, body: () => Promise<T>) {
  const timer = setTimeout(onTimeout, limitMs);
  try {
    return await body();
  } finally {
    clearTimeout(timer);
  }
}

/** An in-process DuckDB: native tables or views over Parquet. */
async function duckdbEngine(
  id: 'duckdb-native' | 'duckdb-parquet',
  data: TpchDataset,
  texts: QueryTexts,
  limitMs: number,
): Promise<TpchEngine> {
  const instance = await DuckDBInstance.create(':memory:');
  const duck: DuckDBConnection = await instance.connect();
  try {
    const start = nowNs();
    if (id === 'duckdb-native') await loadTpchDuckdbNative(duck, data);
    else await viewTpchDuckdbParquet(duck, data);
    const loadMs = elapsedMs(start);
    const version = String((await duck.runAndReadAll('SELECT version()')).getRows()[0]?.[0]);
    const label = id === 'duckdb-native' ? 'DuckDB native' : 'DuckDB on Parquet';
    // Interrupted by the timer: the statement fails, the connection stays usable.
    const guarded = async <T>(body: () => Promise<T>): Promise<T> => {
      let timedOut = false;
      try {
        return await withTimer(
          limitMs,
          () => {
            timedOut = true;
            duck.interrupt();
          },
          body,
        );
      } catch (e) {
        if (timedOut) throw new QueryTimeout(label, limitMs);
        throw e;
      }
    };
    return {
      id,
      label,
      short: id === 'duckdb-native' ? 'DuckDB' : 'DuckDB Parquet',
      version,
      loadMs,
      loadHow:
        id === 'duckdb-native'
          ? 'CREATE TABLE with primary keys, INSERT … SELECT from the Parquet files, in process'
          : 'CREATE VIEW … AS SELECT * FROM read_parquet(file) per table (nothing loaded)',
      answer: (n) =>
        guarded(async () => {
          const results = await duckdbResults(duck, texts.reference(n));
          return results[results.length - 1]!;
        }),
      run: (n) =>
        guarded(async () => {
          await duck.run(texts.reference(n));
        }),
      exec: async (sql) => {
        await duck.run(sql);
      },
      close: () => {
        duck.closeSync();
        instance.closeSync();
        return Promise.resolve();
      },
    };
  } catch (e) {
    duck.closeSync();
    instance.closeSync();
    throw e;
  }
}

/** A server engine: Lakeshift or PostgreSQL through node-postgres, values kept as text. */
async function serverEngine(
  endpoint: Endpoint,
  data: TpchDataset,
  texts: QueryTexts,
  limitMs: number,
  log: (m: string) => void,
): Promise<TpchEngine> {
  const lakeshift = endpoint.system === 'Lakeshift';
  const label = lakeshift ? 'Lakeshift (wire)' : 'PostgreSQL 15';
  const client = new pg.Client({ ...clientConfig(endpoint), types: TEXT_TYPES });
  client.on('error', (err) => log(`${label} client error: ${err.message}`));
  let loadMs: number;
  let version: string;
  try {
    await client.connect();
    const set = async (settings: Readonly<Record<string, string>>) => {
      for (const [k, v] of Object.entries(settings)) await client.query(`SET ${k} = '${v}'`);
    };
    const start = nowNs();
    if (lakeshift) {
      await loadTpchLakeshift(client, data, log);
    } else {
      await set(POSTGRES_LOAD_SETTINGS);
      await loadTpchPostgres(client, data, log);
      // The visibility map, so PostgreSQL may use index-only scans.
      await client.query('VACUUM');
    }
    loadMs = elapsedMs(start);
    const shown = await client.query<string[]>({ text: 'SELECT version()', rowMode: 'array' });
    version = String(shown.rows[0]?.[0]);
    if (!lakeshift) {
      await set(POSTGRES_SETTINGS);
      // JIT stays at PostgreSQL's default; say whether it could compile at all.
      const jit = await client.query<string[]>({
        text: "SELECT current_setting('jit'), pg_jit_available()",
        rowMode: 'array',
      });
      version += `; jit=${jit.rows[0]?.[0]}, pg_jit_available()=${jit.rows[0]?.[1]}`;
    }
    await client.query(`SET statement_timeout = ${Math.round(limitMs)}`);
  } catch (e) {
    await client.end().catch(() => undefined);
    throw e;
  }
  const text = (n: number) => (lakeshift ? texts.redshift(n) : texts.postgres(n));
  const query = async (n: number) => {
    const sql = text(n);
    try {
      return await client.query({ text: sql, rowMode: 'array' });
    } catch (e) {
      for (const c of cleanupSql(sql)) await client.query(c).catch(() => undefined);
      if ((e as { code?: string }).code === QUERY_CANCELED) throw new QueryTimeout(label, limitMs);
      throw e;
    }
  };
  return {
    id: lakeshift ? 'lakeshift' : 'postgres',
    label,
    short: lakeshift ? 'Lakeshift' : 'PostgreSQL',
    version,
    loadMs,
    loadHow: lakeshift
      ? 'Redshift DDL (schema.sql), COPY … FROM STDIN of the .tbl files over the wire'
      : 'CREATE TABLE with primary keys, COPY … FROM STDIN, an index per foreign-key column, ANALYZE, VACUUM',
    async answer(n) {
      const selects = selectResults(await query(n));
      if (selects.length !== 1) throw new Error(`${selects.length} SELECT answers, expected 1`);
      return selects[0]!;
    },
    async run(n) {
      await query(n);
    },
    async exec(sql) {
      await client.query({ text: sql, rowMode: 'array' });
    },
    async close() {
      await client.end().catch(() => undefined);
      await endpoint.stop();
    },
  };
}

export interface StartOptions {
  data: TpchDataset;
  texts: QueryTexts;
  /** Which engines; Lakeshift and DuckDB native are always among them. */
  engines: readonly EngineId[];
  limitMs: number;
  workDir: string;
  /** The checkout whose server is started. */
  lakeshiftRoot: string;
  log: (m: string) => void;
}

/** Starts and loads the engines one after the other (each load alone on the machine). */
export async function startEngines(opts: StartOptions): Promise<TpchEngine[]> {
  const started: TpchEngine[] = [];
  try {
    for (const id of ENGINE_IDS) {
      if (!opts.engines.includes(id)) continue;
      opts.log(`loading ${id}`);
      if (id === 'duckdb-native' || id === 'duckdb-parquet') {
        started.push(await duckdbEngine(id, opts.data, opts.texts, opts.limitMs));
      } else {
        const endpoint =
          id === 'lakeshift'
            ? await startLakeshift(opts.lakeshiftRoot, join(opts.workDir, 'lakeshift'), opts.log)
            : await startPostgresEndpoint();
        try {
          started.push(await serverEngine(endpoint, opts.data, opts.texts, opts.limitMs, opts.log));
        } catch (e) {
          await endpoint.stop();
          throw e;
        }
      }
      const e = started[started.length - 1]!;
      opts.log(`${e.label} loaded in ${(e.loadMs / 1000).toFixed(1)} s`);
    }
  } catch (e) {
    await closeEngines(started, opts.log);
    throw e;
  }
  return started;
}

export async function closeEngines(
  engines: readonly TpchEngine[],
  log: (m: string) => void,
): Promise<void> {
  for (const e of [...engines].reverse()) {
    await e.close().catch((err: unknown) => log(`closing ${e.label}: ${String(err)}`));
  }
}
