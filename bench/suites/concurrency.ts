// Suite `concurrency`: N sessions (default 100) each running a mix of TPC-H queries in a loop
// for a fixed time against Lakeshift over the wire, TPC-H loaded through COPY: throughput
// (queries/s) and p50/p95/p99 latency, with the result cache off and then on (two phases).
// Anchors in the same run: the same mix from the same number of sessions on DuckDB in process
// (one instance, a connection per session, DuckDB's query texts), and on PostgreSQL 15 (keys,
// join-key indexes, ANALYZE) when it is included. No target: figures and ratios.
// Options: --sf F (TPC-H scale factor, default 1, --quick 0.01), --seed N, --sessions N (100),
// --seconds S (per phase, default 60, --quick 5), --queries LIST (q1,q3,… or all; default the
// mix of queries.ts), --rounds N (default 1: each phase once; more: the phases take turns, their
// figures merged), --postgres on|off|auto (auto: on up to SF 0.1), --lakeshift-root DIR.
import { join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type pg from 'pg';
import { listArg, numberArg, stringArg, tpchArgs } from '../lib/args.js';
import { formatNumber } from '../lib/format.js';
import { REPO_ROOT } from '../lib/paths.js';
import { elapsedMs, nowNs } from '../lib/timing.js';
import { ensureTpchDataset } from '../lib/tpch-dataset.js';
import { loadTpchDuckdbNative, loadTpchLakeshift, loadTpchPostgres } from '../lib/tpch-load.js';
import type { BenchmarkResult, Suite } from '../lib/types.js';
import { commandVersion, packageVersion } from '../lib/versions.js';
import { DEFAULT_MIX, loadMix, queryNames, type MixQuery } from './concurrency/queries.js';
import {
  addPhase,
  emptyTotals,
  perQueryTable,
  phaseMeasurements,
  phaseNotes,
  throughput,
  type Totals,
} from './concurrency/report.js';
import {
  duckdbContestant,
  firstLine,
  runPhase,
  wireContestant,
  type Contestant,
} from './concurrency/sessions.js';
import {
  connect,
  serverVersion,
  startLakeshift,
  startPostgresEndpoint,
  stopEndpoints,
  type Endpoint,
} from './wire/servers.js';

/** Up to this scale factor PostgreSQL is included unless --postgres off. */
const POSTGRES_AUTO_MAX_SF = 0.1;

const CACHE_ON: pg.ClientConfig = { options: '-c enable_result_cache_for_session=on' };

interface CheckRow {
  query: string;
  /** Contestant id → rows returned, or the error. */
  results: Map<string, { rows?: number; ms?: number; error?: string }>;
}

/** Runs every query once, alone, on each contestant: the answer's row count and the time. */
async function checkMix(
  contestants: readonly Contestant[],
  mix: readonly MixQuery[],
  log: (m: string) => void,
): Promise<CheckRow[]> {
  const rows: CheckRow[] = mix.map((q) => ({ query: q.name, results: new Map() }));
  for (const c of contestants) {
    const session = await c.open();
    try {
      for (const [i, q] of mix.entries()) {
        const start = nowNs();
        try {
          const n = await session.run(c.text(q));
          rows[i]!.results.set(c.id, { rows: n, ms: elapsedMs(start) });
        } catch (e) {
          log(`${c.label}: ${q.name} failed: ${firstLine(e)}`);
          rows[i]!.results.set(c.id, { error: firstLine(e) });
        }
      }
    } finally {
      await session.close();
    }
  }
  return rows;
}

function checkTable(rows: readonly CheckRow[], contestants: readonly Contestant[]): string {
  const lines = [
    `| Query | ${contestants.map((c) => `${c.short}: rows | ms`).join(' | ')} |`,
    `| --- | ${contestants.map(() => '---: | ---:').join(' | ')} |`,
    ...rows.map((r) => {
      const cells = contestants.map((c) => {
        const x = r.results.get(c.id)!;
        return x.error !== undefined
          ? `${x.error.replace(/\|/g, '\\|')} | —`
          : `${formatNumber(x.rows!)} | ${formatNumber(x.ms!)}`;
      });
      return `| ${r.query} | ${cells.join(' | ')} |`;
    }),
  ];
  return lines.join('\n');
}

/** Among the newest SELECTs in Lakeshift's query history, how many the result cache answered. */
async function cacheHits(client: pg.Client): Promise<string> {
  try {
    const r = await client.query<{ hits: string; n: string }>(
      "SELECT sum(CASE WHEN result_cache_hit THEN 1 ELSE 0 END) AS hits, count(*) AS n FROM sys_query_history WHERE query_type = 'SELECT'",
    );
    const row = r.rows[0]!;
    return `${formatNumber(Number(row.hits))} of the ${formatNumber(Number(row.n))} SELECTs in sys_query_history (the newest it keeps) were answered from the result cache`;
  } catch (e) {
    return `sys_query_history could not be read: ${firstLine(e)}`;
  }
}

const suite: Suite = {
  name: 'concurrency',
  description:
    'N sessions (100) looping a TPC-H query mix for a fixed time: Lakeshift with the result cache off and on vs DuckDB in process (and PostgreSQL 15 at small scale), queries/s and p50/p95/p99',
  async run(ctx) {
    const { sf, seed } = tpchArgs(ctx);
    const sessions = ctx.intArg('sessions', 100, 100);
    const seconds = numberArg(ctx.args, 'seconds', ctx.quick ? 5 : 60);
    const rounds = ctx.intArg('rounds', 1, 1);
    const names = queryNames(listArg(ctx.args, 'queries', DEFAULT_MIX));
    const pgMode = stringArg(ctx.args, 'postgres') ?? 'auto';
    if (!['on', 'off', 'auto'].includes(pgMode))
      throw new Error(`--postgres: "${pgMode}"; one of on, off, auto`);
    const withPostgres = pgMode === 'on' || (pgMode === 'auto' && sf <= POSTGRES_AUTO_MAX_SF);
    const lakeshiftRoot = resolve(stringArg(ctx.args, 'lakeshift-root') ?? REPO_ROOT);
    const allMix = loadMix(names);

    const data = await ensureTpchDataset({ scale: sf, seed, progress: ctx.log });
    const started: Endpoint[] = [];
    const admins: pg.Client[] = [];
    const instance = await DuckDBInstance.create(':memory:');
    try {
      const setup: string[] = [];
      ctx.log(`starting Lakeshift from ${lakeshiftRoot}`);
      const lake = await startLakeshift(lakeshiftRoot, join(ctx.workDir, 'lakeshift'), ctx.log);
      started.push(lake);
      const lakeAdmin = await connect(lake, ctx.log);
      admins.push(lakeAdmin);
      let t = nowNs();
      await loadTpchLakeshift(lakeAdmin, data, ctx.log);
      setup.push(
        `- Lakeshift: \`${await serverVersion(lakeAdmin)}\`, started from ${lakeshiftRoot} at commit ${commandVersion('git', ['-C', lakeshiftRoot, 'rev-parse', '--short', 'HEAD'])}; TPC-H loaded with Redshift's DDL (schema.sql) and COPY FROM STDIN in ${formatNumber(elapsedMs(t) / 1000)} s`,
      );

      t = nowNs();
      const duckConn = await instance.connect();
      await loadTpchDuckdbNative(duckConn, data);
      duckConn.closeSync();
      setup.push(
        `- DuckDB: in this process (@duckdb/node-api), one in-memory instance, native tables with primary keys filled from the Parquet files in ${formatNumber(elapsedMs(t) / 1000)} s; a connection per session; queries run on the addon's worker threads (libuv pool, UV_THREADPOOL_SIZE=${process.env.UV_THREADPOOL_SIZE ?? '4 (default)'}), DuckDB's own threads = cores`,
      );

      let postgres: Endpoint | undefined;
      if (withPostgres) {
        ctx.log('starting PostgreSQL 15');
        postgres = await startPostgresEndpoint();
        started.push(postgres);
        const pgAdmin = await connect(postgres, ctx.log);
        admins.push(pgAdmin);
        t = nowNs();
        await loadTpchPostgres(pgAdmin, data, ctx.log);
        setup.push(
          `- PostgreSQL: \`${await serverVersion(pgAdmin)}\`, test/support/postgres.ts (fsync=off, max_connections=200, default shared_buffers and work_mem); primary keys, an index on every foreign-key column and ANALYZE, loaded in ${formatNumber(elapsedMs(t) / 1000)} s; query texts: DuckDB's with \`INTERVAL 'n' unit\``,
        );
      } else {
        setup.push(
          `- PostgreSQL: not included (${pgMode === 'off' ? '--postgres off' : `by default only up to SF ${POSTGRES_AUTO_MAX_SF}: PostgreSQL runs each query of the mix on one core, and at SF 0.1 with 100 sessions and 20 s phases (on a 2-core machine) its q1 already took about 30 s per query (p50) and its last query answered 14 s after the deadline; at SF ${sf} the phase would overrun by far more. --postgres on includes it`})`,
        );
      }

      const lakeOff = wireContestant(lake, ctx.log, {
        id: 'lakeshift-off',
        label: 'Lakeshift, result cache off',
        short: 'Lakeshift cache off',
        text: (q) => q.redshift,
      });
      const lakeOn = wireContestant(
        lake,
        ctx.log,
        {
          id: 'lakeshift-on',
          label: 'Lakeshift, result cache on',
          short: 'Lakeshift cache on',
          text: (q) => q.redshift,
        },
        CACHE_ON,
      );
      const duck = duckdbContestant(instance, {
        id: 'duckdb',
        label: 'DuckDB in process',
        short: 'DuckDB',
        text: (q) => q.duckdb,
      });
      const pgc = postgres
        ? wireContestant(postgres, ctx.log, {
            id: 'postgres',
            label: 'PostgreSQL 15',
            short: 'PostgreSQL',
            text: (q) => q.postgres,
          })
        : undefined;
      const anchors = pgc ? [duck, pgc] : [duck];

      // Every query once, alone: it must work everywhere and give the same number of rows.
      const checked = [lakeOff, ...anchors];
      const check = await checkMix(checked, allMix, ctx.log);
      const failing = check.filter((r) => [...r.results.values()].some((x) => x.error));
      const differing = check.filter((r) => {
        const counts = new Set([...r.results.values()].map((x) => x.rows ?? 'error'));
        return counts.size > 1 && !failing.includes(r);
      });
      const mix = allMix.filter((q) => !failing.some((r) => r.query === q.name));
      if (mix.length === 0) throw new Error('concurrency: no query of the mix runs everywhere');

      const order = [lakeOff, duck, lakeOn, ...(pgc ? [pgc] : [])];
      const totals = new Map<Contestant, Totals>(
        order.map((c) => [
          c,
          emptyTotals(
            c,
            mix.map((q) => q.name),
          ),
        ]),
      );
      let hits = '';
      for (let round = 0; round < rounds; round++) {
        for (let k = 0; k < order.length; k++) {
          const c = order[(k + round) % order.length]!;
          ctx.log(`${c.label}: opening ${sessions} sessions`);
          const open = await Promise.all(Array.from({ length: sessions }, () => c.open()));
          try {
            ctx.log(`${c.label}: ${sessions} sessions × ${mix.length} queries for ${seconds} s`);
            addPhase(totals.get(c)!, await runPhase(open, mix, c.text, seconds));
            ctx.log(`${c.label}: ${formatNumber(throughput(totals.get(c)!))} queries/s`);
          } finally {
            await Promise.all(open.map((s) => s.close()));
          }
          if (c === lakeOn) hits = await cacheHits(lakeAdmin);
        }
      }

      const all = order.map((c) => totals.get(c)!);
      const anchorTotals = anchors.map((c) => totals.get(c)!);
      const mixNames = mix.map((q) => q.name);
      const method = [
        `TPC-H SF ${sf} (seed ${data.seed}). ${sessions} sessions, each running the queries ${mixNames.join(', ')} in a loop (session i starts at the i-th query of the list), for ${seconds} s per phase${rounds > 1 ? `, ${rounds} rounds, the phases taking turns and their figures merged` : ''}.`,
        `A session stops starting queries at the deadline; the phase ends when its last query has answered.`,
        `Throughput = queries answered without error / phase time (the tail after the deadline included); latency = one query's time from sending it until its last row, percentiles over every answered query of the phase.`,
        `Lakeshift: one node-postgres connection per session (simple query protocol, rows parsed by pg), Redshift's query texts (test/conformance/tpc/tpch/qNN.sql); phase 1 with \`enable_result_cache_for_session=off\`, phase 2 with it on (as on Redshift, by default), so repeated queries may be answered from the cache.`,
        `Anchors, the same mix from the same number of sessions in the same run: DuckDB in process (DuckDB's texts, reference/qNN.sql; rows read into JS)${pgc ? ', PostgreSQL 15 (node-postgres)' : ''}. The same anchors stand beside both Lakeshift phases; they have no result cache.`,
        names.join() === DEFAULT_MIX.join()
          ? `Mix: the TPC-H queries that are scans, joins and aggregation without correlated subqueries, from the lightest (q6: one filtered scan of lineitem) through q1 (a scan aggregated into 4 groups), q14, q12, q19 (lineitem joined with one table) and q3, q10 (three and four tables, top-N) to q5 (six tables): short enough that a ${seconds} s window completes many loops, varied enough that sessions are at different kinds of work; \`--queries all\` runs the 22.`
          : `Mix: chosen with --queries.`,
        `All clients and DuckDB run in this one Node process, on the same machine as the servers. No target.`,
      ].join(' ');
      const notes: string[] = [
        `**Setup.** Servers on 127.0.0.1.\n${setup.join('\n')}\n- Clients: node-postgres (pg) ${packageVersion('pg')} on Node ${process.version}`,
        `Each query once, alone, before the phases (the answer's row count must be equal everywhere; time in ms, cold):\n\n${checkTable(check, checked)}`,
        ...(failing.length
          ? [
              `**Left out of the mix** (an error in the check above): ${failing.map((r) => r.query).join(', ')}.`,
            ]
          : []),
        ...(differing.length
          ? [
              `**Different row counts** in the check above: ${differing.map((r) => r.query).join(', ')}.`,
            ]
          : []),
        `Per query, over each phase (answered queries, errors in parentheses; latency ms):\n\n${perQueryTable(mixNames, all)}`,
        ...phaseNotes(all),
        ...(hits ? [`Result cache, after phase 2: ${hits}.`] : []),
      ];
      const benchmarks: BenchmarkResult[] = [
        {
          id: 'cache-off',
          title: `${sessions} sessions looping a TPC-H mix, Lakeshift's result cache off`,
          method,
          measurements: phaseMeasurements(totals.get(lakeOff)!, anchorTotals),
          notes,
        },
        {
          id: 'cache-on',
          title: `${sessions} sessions looping a TPC-H mix, Lakeshift's result cache on`,
          method: `As in the previous benchmark, with \`enable_result_cache_for_session=on\` for Lakeshift's sessions; the same anchor phases.`,
          measurements: phaseMeasurements(totals.get(lakeOn)!, anchorTotals),
        },
      ];
      return {
        parameters: {
          sf,
          seed: data.seed,
          sessions,
          seconds,
          rounds,
          queries: mixNames.join(','),
          postgres: withPostgres,
          quick: ctx.quick,
        },
        benchmarks,
      };
    } finally {
      for (const c of admins) await c.end().catch(() => undefined);
      instance.closeSync();
      await stopEndpoints(started, ctx.log);
    }
  },
};

export default suite;
