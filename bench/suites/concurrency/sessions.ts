// N sessions running a query mix in a loop for a fixed time, on any engine: a session is
// something that runs one query text and says how many rows came back. Session i starts at
// query i of the mix (modulo its length), so the sessions spread over the mix from the start.
// A session stops starting queries at the deadline; the phase ends when its last query has
// answered, and throughput counts every query that answered without error over that whole time.
import type { DuckDBInstance } from '@duckdb/node-api';
import type pg from 'pg';
import { elapsedMs, nowNs } from '../../lib/timing.js';
import { connect, type Endpoint } from '../wire/servers.js';
import type { MixQuery } from './queries.js';

export interface QuerySession {
  /** Runs the text; resolves with the number of rows returned. */
  run(sql: string): Promise<number>;
  close(): Promise<void>;
}

/** An engine as the suite uses it: the dialect it reads and how to open a session. */
export interface Contestant {
  id: string;
  label: string;
  short: string;
  text(q: MixQuery): string;
  open(): Promise<QuerySession>;
}

export interface QueryStats {
  latenciesMs: number[];
  /** Error message (first line) → how often. */
  errors: Map<string, number>;
}

export interface PhaseResult {
  sessions: number;
  /** From the start until every session finished (the tail after the deadline included). */
  elapsedMs: number;
  /** After the deadline, until the last query in flight answered. */
  tailMs: number;
  byQuery: Map<string, QueryStats>;
  /** Sessions that stopped early after repeated errors (their connection gone, say). */
  abandoned: number;
}

/** A session giving up after this many errors in a row (a dead connection fails every query). */
const MAX_ERRORS_IN_A_ROW = 20;

export function firstLine(e: unknown): string {
  const err = e as { code?: unknown; message?: unknown };
  const message = String(err.message ?? e).split('\n')[0]!;
  return typeof err.code === 'string' ? `${err.code} ${message}` : message;
}

export async function runPhase(
  sessions: readonly QuerySession[],
  mix: readonly MixQuery[],
  text: (q: MixQuery) => string,
  seconds: number,
): Promise<PhaseResult> {
  const byQuery = new Map<string, QueryStats>(
    mix.map((q) => [q.name, { latenciesMs: [], errors: new Map() }]),
  );
  const texts = mix.map(text);
  const start = nowNs();
  const deadline = start + BigInt(Math.round(seconds * 1e9));
  let abandoned = 0;
  await Promise.all(
    sessions.map(async (session, i) => {
      let errorsInARow = 0;
      for (let k = i; nowNs() < deadline; k++) {
        const q = k % mix.length;
        const stats = byQuery.get(mix[q]!.name)!;
        const t0 = nowNs();
        try {
          await session.run(texts[q]!);
          stats.latenciesMs.push(elapsedMs(t0));
          errorsInARow = 0;
        } catch (e) {
          const key = firstLine(e);
          stats.errors.set(key, (stats.errors.get(key) ?? 0) + 1);
          if (++errorsInARow >= MAX_ERRORS_IN_A_ROW) {
            abandoned++;
            return;
          }
        }
      }
    }),
  );
  const elapsed = elapsedMs(start);
  return {
    sessions: sessions.length,
    elapsedMs: elapsed,
    tailMs: Math.max(0, elapsed - seconds * 1000),
    byQuery,
    abandoned,
  };
}

/** Sessions over the wire (Lakeshift or PostgreSQL), simple query protocol, rows kept by pg. */
export function wireContestant(
  endpoint: Endpoint,
  log: (m: string) => void,
  c: Omit<Contestant, 'open'>,
  config: pg.ClientConfig = {},
): Contestant {
  return {
    ...c,
    open: async () => {
      const client = await connect(endpoint, log, config);
      return {
        run: async (sql) => {
          // A text of several statements (q15: CREATE VIEW, SELECT, DROP VIEW) gives a result each.
          const r = (await client.query(sql)) as pg.QueryResult | pg.QueryResult[];
          return (Array.isArray(r) ? r : [r]).reduce((n, x) => n + x.rows.length, 0);
        },
        close: () => client.end().catch(() => undefined),
      };
    },
  };
}

/** Sessions as connections of one DuckDB instance in this process, rows read into JS. */
export function duckdbContestant(
  instance: DuckDBInstance,
  c: Omit<Contestant, 'open'>,
): Contestant {
  return {
    ...c,
    open: async () => {
      const conn = await instance.connect();
      return {
        run: async (sql) => (await conn.runAndReadAll(sql)).currentRowCount,
        close: () => {
          conn.closeSync();
          return Promise.resolve();
        },
      };
    },
  };
}
