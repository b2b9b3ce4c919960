// Suite `wire`: Lakeshift through the PostgreSQL wire protocol, against a real PostgreSQL 15
// serving the same rows in the same run (the anchor).
//   1. stream: every row of a narrow table to node-postgres and to psql COPY TO STDOUT,
//      rows/s                                                          target ≥ PostgreSQL's
//   2. point: `SELECT * FROM t WHERE id = $1`, extended protocol, one connection, p50, p95 and
//      p99 latency and queries/s; anchors PostgreSQL without and with an index on id
//                                                                      target p50 ≤ 2 ms
//   3. concurrent: the point query from 32 and from 128 connections (one benchmark each),
//      queries/s, p50 and p99 latency                                  no target
// Options: --target lakeshift|postgres|both (default both; alone: no anchors), --rows N (stream
// table, default 5M), --point-rows N (point table, default 100k), --point-queries N (2000),
// --clients LIST (connection counts, default 1,32,128: 1 is the point benchmark, which runs
// with or without it, each other count a concurrent benchmark; `--clients 32` as before),
// --concurrent-queries N (4000 per run), --runs N, --only stream,point,concurrent,
// --seed N, --load series|copy|inserts (the first loading path tried; default series, falling
// back to the next on an error), --lakeshift-root DIR (the checkout whose server is started;
// default this one), --quick (200k stream rows, 500 point queries, 1000 concurrent queries).
import { join, resolve } from 'node:path';
import type pg from 'pg';
import { listArg, parseCount, stringArg } from '../lib/args.js';
import { formatNumber } from '../lib/format.js';
import { commandVersion, packageVersion } from '../lib/versions.js';
import type { BenchmarkResult, Suite, SuiteContext } from '../lib/types.js';
import type { Subject } from './wire/compare.js';
import {
  checksum,
  expectedChecksum,
  LOAD_PATHS,
  loadTable,
  type LoadPath,
  type LoadResult,
} from './wire/load.js';
import { concurrentBenchmark, pointBenchmark } from './wire/point.js';
import { REPO_ROOT } from '../lib/paths.js';
import {
  connect,
  serverVersion,
  startLakeshift,
  startPostgresEndpoint,
  stopEndpoints,
  type Endpoint,
} from './wire/servers.js';
import { streamBenchmark } from './wire/stream.js';

const BENCHMARKS = ['stream', 'point', 'concurrent'] as const;
const TARGETS = ['lakeshift', 'postgres', 'both'] as const;
type TargetMode = (typeof TARGETS)[number];

const STREAM_TABLE = 't';
const POINT_TABLE = 't_point';
/** PostgreSQL only: the point table again, with a primary key on id. */
const POINT_TABLE_PK = 't_point_pk';

interface Server {
  endpoint: Endpoint;
  version: string;
  serverVersion: string;
  loads: LoadResult[];
  sums: Map<string, string>;
}

/** Creates and fills the tables on one server and records what it says about itself. */
async function prepare(
  ctx: SuiteContext,
  endpoint: Endpoint,
  tables: { name: string; rows: number }[],
  withPk: boolean,
  from: LoadPath,
): Promise<Server> {
  const client: pg.Client = await connect(endpoint, ctx.log);
  try {
    const version = await serverVersion(client);
    const shown = await client.query<string[]>({ text: 'SHOW server_version', rowMode: 'array' });
    const shownVersion = String(shown.rows[0]?.[0] ?? 'unknown');
    ctx.log(`${endpoint.system} on port ${endpoint.port}: ${version}`);
    const loads: LoadResult[] = [];
    for (const t of tables)
      loads.push(await loadTable(client, endpoint, t.name, t.rows, ctx.workDir, ctx.log, from));
    if (withPk && tables.some((t) => t.name === POINT_TABLE)) {
      await client.query(`DROP TABLE IF EXISTS ${POINT_TABLE_PK}`);
      await client.query(`CREATE TABLE ${POINT_TABLE_PK} AS SELECT * FROM ${POINT_TABLE}`);
      await client.query(`ALTER TABLE ${POINT_TABLE_PK} ADD PRIMARY KEY (id)`);
    }
    if (endpoint.system === 'PostgreSQL') await client.query('VACUUM ANALYZE');
    const sums = new Map<string, string>();
    for (const t of tables) {
      try {
        sums.set(t.name, await checksum(client, t.name));
      } catch (e) {
        ctx.log(`${endpoint.system}: checksum of ${t.name} failed: ${(e as Error).message}`);
      }
    }
    return { endpoint, version, serverVersion: shownVersion, loads, sums };
  } finally {
    await client.end().catch(() => undefined);
  }
}

const suite: Suite = {
  name: 'wire',
  description:
    'Lakeshift over the PostgreSQL wire vs PostgreSQL 15: streaming rows/s (node-postgres, psql COPY), point-query latency and queries/s at 1, 32 and 128 connections',
  async run(ctx) {
    const only = typeof ctx.args.only === 'string' ? ctx.args.only.split(',') : [...BENCHMARKS];
    const unknown = only.filter((b) => !(BENCHMARKS as readonly string[]).includes(b));
    if (unknown.length)
      throw new Error(
        `--only: unknown benchmark(s) ${unknown.join(', ')}; known: ${BENCHMARKS.join(', ')}`,
      );
    const target = (stringArg(ctx.args, 'target') ?? 'both') as TargetMode;
    if (!TARGETS.includes(target))
      throw new Error(`--target: "${target}"; one of ${TARGETS.join(', ')}`);
    const rows = ctx.intArg('rows', 5_000_000, 200_000);
    const pointRows = ctx.intArg('point-rows', 100_000, 100_000);
    const pointQueries = ctx.intArg('point-queries', 2000, 500);
    const clientCounts = listArg(ctx.args, 'clients', ['1', '32', '128']).map(parseCount);
    if (clientCounts.some((n) => n < 1)) throw new Error('--clients: counts of at least 1');
    // 1 is the point benchmark (one connection); every other count a concurrent benchmark.
    const concurrentCounts = [...new Set(clientCounts.filter((n) => n > 1))];
    const concurrentQueries = ctx.intArg('concurrent-queries', 4000, 1000);
    const runs = ctx.intArg('runs', 5, 3);
    const seed = ctx.intArg('seed', 42, 42);
    const warmup = 1;
    const load = (stringArg(ctx.args, 'load') ?? 'series') as LoadPath;
    if (!LOAD_PATHS.includes(load))
      throw new Error(`--load: "${load}"; one of ${LOAD_PATHS.join(', ')}`);
    const lakeshiftRoot = resolve(stringArg(ctx.args, 'lakeshift-root') ?? REPO_ROOT);

    const tables = [
      ...(only.includes('stream') ? [{ name: STREAM_TABLE, rows }] : []),
      ...(only.includes('point') || only.includes('concurrent')
        ? [{ name: POINT_TABLE, rows: pointRows }]
        : []),
    ];

    let lakeshift: Server | undefined;
    let postgres: Server | undefined;
    const started: Endpoint[] = [];
    try {
      if (target !== 'postgres') {
        ctx.log(`starting Lakeshift from ${lakeshiftRoot}`);
        const e = await startLakeshift(lakeshiftRoot, join(ctx.workDir, 'lakeshift'), ctx.log);
        started.push(e);
        ctx.log(`Lakeshift listening on ${e.host}:${e.port}`);
      }
      if (target !== 'lakeshift') {
        ctx.log('starting PostgreSQL 15');
        const e = await startPostgresEndpoint();
        started.push(e);
        ctx.log(`PostgreSQL listening on ${e.host}:${e.port}`);
      }
      for (const e of started) {
        const s = await prepare(ctx, e, tables, e.system === 'PostgreSQL', load);
        if (e.system === 'Lakeshift') lakeshift = s;
        else postgres = s;
      }
      // The rows the generator defines on every server, or the comparison means nothing.
      const checks: string[] = [];
      for (const t of tables) {
        const expected = expectedChecksum(t.rows);
        const held = [lakeshift, postgres].filter((s): s is Server => s !== undefined);
        for (const s of held) {
          const got = s.sums.get(t.name);
          if (got !== undefined && got !== expected)
            throw new Error(
              `${s.endpoint.system} table ${t.name} holds other rows: checksum ${got}, expected ${expected}`,
            );
        }
        const names = (ok: boolean) =>
          held.filter((s) => s.sums.has(t.name) === ok).map((s) => s.endpoint.system);
        const unchecked = names(false);
        checks.push(
          `${t.name}: ${expected}, as generated, on ${names(true).join(' and ') || 'no server'}${unchecked.length ? ` (not checked on ${unchecked.join(', ')}: the checksum query failed)` : ''}`,
        );
      }

      const streamSubjects: Subject[] = [];
      const pointSubjects: Subject[] = [];
      if (lakeshift) {
        streamSubjects.push({
          label: 'Lakeshift',
          short: 'Lakeshift',
          endpoint: lakeshift.endpoint,
          table: STREAM_TABLE,
        });
        pointSubjects.push({
          label: 'Lakeshift (Parquet, no index)',
          short: 'Lakeshift',
          endpoint: lakeshift.endpoint,
          table: POINT_TABLE,
        });
      }
      if (postgres) {
        streamSubjects.push({
          label: 'PostgreSQL 15',
          short: 'PostgreSQL',
          endpoint: postgres.endpoint,
          table: STREAM_TABLE,
        });
        pointSubjects.push(
          {
            label: 'PostgreSQL 15, no index on id',
            short: 'PostgreSQL no index',
            endpoint: postgres.endpoint,
            table: POINT_TABLE,
          },
          {
            label: 'PostgreSQL 15, primary key on id',
            short: 'PostgreSQL PK',
            endpoint: postgres.endpoint,
            table: POINT_TABLE_PK,
          },
        );
      }

      const benchmarks: BenchmarkResult[] = [];
      if (only.includes('stream'))
        benchmarks.push(await streamBenchmark(ctx, streamSubjects, { rows, warmup, runs }));
      if (only.includes('point'))
        benchmarks.push(
          await pointBenchmark(ctx, pointSubjects, {
            rows: pointRows,
            queries: pointQueries,
            rounds: ctx.quick ? 4 : 8,
            warmupRounds: 1,
            seed,
          }),
        );
      if (only.includes('concurrent'))
        for (const clients of concurrentCounts)
          benchmarks.push(
            await concurrentBenchmark(ctx, pointSubjects, {
              rows: pointRows,
              clients,
              queries: concurrentQueries,
              warmup,
              runs,
              seed: seed + 1,
            }),
          );

      const servers = [lakeshift, postgres].filter((s): s is Server => s !== undefined);
      const setup = [
        '**Setup.** Servers on 127.0.0.1, clients in this process (node-postgres) or psql child processes, no TLS.',
        ...servers.map(
          (s) =>
            `- ${s.endpoint.system}: \`${s.version}\` (server_version ${s.serverVersion})${s.endpoint.system === 'Lakeshift' ? `, started from ${lakeshiftRoot} at commit ${commandVersion('git', ['-C', lakeshiftRoot, 'rev-parse', '--short', 'HEAD'])}` : ', test/support/postgres.ts (fsync=off, default shared_buffers)'}`,
        ),
        `- Clients: node-postgres (pg) ${packageVersion('pg')} on Node ${process.version}; ${commandVersion('psql', ['--version'])}`,
        ...servers.flatMap((s) =>
          s.loads.map(
            (l) =>
              `- Loaded ${s.endpoint.system} table ${l.table} (${formatNumber(l.rows)} rows) via ${l.path} in ${formatNumber(l.ms / 1000)} s${l.failed.length ? `; failed first: ${l.failed.join('; ')}` : ''}`,
          ),
        ),
        ...(postgres && tables.some((t) => t.name === POINT_TABLE)
          ? [
              `- PostgreSQL ${POINT_TABLE_PK}: CREATE TABLE AS SELECT * FROM ${POINT_TABLE}, then ADD PRIMARY KEY (id); VACUUM ANALYZE after loading`,
            ]
          : []),
        ...checks.map(
          (c) => `- Checksum (count, sum(id), sum(k), sum(amount), sum(length(name))) ${c}`,
        ),
      ].join('\n');
      benchmarks[0]?.notes?.unshift(setup);
      if (benchmarks[0] && !benchmarks[0].notes) benchmarks[0].notes = [setup];

      return {
        parameters: {
          target,
          rows,
          pointRows,
          pointQueries,
          clients: clientCounts.join(','),
          concurrentQueries,
          runs,
          warmup,
          seed,
          quick: ctx.quick,
          only: only.join(','),
          ...(lakeshift ? { lakeshift: lakeshift.serverVersion } : {}),
          ...(postgres ? { postgres: postgres.serverVersion } : {}),
          pg: packageVersion('pg'),
          load: servers
            .map(
              (s) => `${s.endpoint.system}: ${[...new Set(s.loads.map((l) => l.path))].join(', ')}`,
            )
            .join('; '),
        },
        benchmarks,
      };
    } catch (e) {
      // A server killed from outside fails the client first and exits a moment later.
      await new Promise((res) => setTimeout(res, 2000));
      const early = started.find((x) => x.exitedEarly() !== undefined);
      if (early)
        throw new Error(
          `${early.system} exited during the run, before the suite stopped it (${early.exitedEarly()}); the error that followed: ${e instanceof Error ? e.message : String(e)}`,
          { cause: e },
        );
      throw e;
    } finally {
      await stopEndpoints(started, ctx.log);
    }
  },
};

export default suite;
