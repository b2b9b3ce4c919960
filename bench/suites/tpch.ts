// Suite `tpch` (issue 6): the 22 TPC-H queries in Redshift syntax through Lakeshift's wire
// endpoint, against DuckDB on native tables and on the same Parquet files (in process) and
// PostgreSQL 15, all on one generated data set (lib/tpch-dataset.ts), in the same run.
//   1. geometric mean of the per-query medians        target ≤ 1.3× DuckDB native's
//      and PostgreSQL's geometric mean / Lakeshift's   target ≥ 20×
//   2. per query: the medians of every engine and their ratios
//   3. load time per engine (no target)
// Every engine's answer to every query is checked against DuckDB native's before anything is
// timed (tpch/check.ts); answers that differ fail the run unless --continue-on-mismatch.
// Options: --sf F (scale factor, default 1; --quick 0.01), --seed N, --runs N (timed rounds,
// default 3; --quick 1), --warmup N (untimed rounds, default 1; --quick 0), --only q1,q6,
// --engines duckdb-parquet,postgres (which of the two to add; Lakeshift and DuckDB native always
// run: the measured engine and the reference), --timeout-s S (per-query limit, default 300),
// --continue-on-mismatch, --data-root DIR (where data sets are kept; default bench/work/tpch),
// --lakeshift-root DIR (the checkout whose server is started; default this one).
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { formatNumber } from '../lib/format.js';
import { REPO_ROOT } from '../lib/paths.js';
import { measureInterleaved } from '../lib/timing.js';
import { ensureTpchDataset } from '../lib/tpch-dataset.js';
import type { Suite, SuiteContext } from '../lib/types.js';
import { tpchQueryName } from '../../test/support/tpc/tpch-queries.js';
import { checkQuery, isProblem, mismatchError, type QueryCheck } from './tpch/check.js';
import {
  closeEngines,
  ENGINE_IDS,
  POSTGRES_SETTINGS,
  startEngines,
  type EngineId,
  type TpchEngine,
} from './tpch/engines.js';
import { timeQuery, type QueryTiming } from './tpch/measure.js';
import { parseOnly, queryTexts } from './tpch/queries.js';
import { report } from './tpch/report.js';

function stringArg(ctx: SuiteContext, key: string): string | undefined {
  const v = ctx.args[key];
  if (v === true) throw new Error(`--${key} needs a value`);
  return v;
}

function numberArg(ctx: SuiteContext, key: string, full: number, quick: number): number {
  const text = stringArg(ctx, key);
  const v = text === undefined ? (ctx.quick ? quick : full) : Number(text);
  if (!(v > 0)) throw new Error(`--${key}: "${text}" is not a positive number`);
  return v;
}

/** --engines: the optional engines; Lakeshift and DuckDB native always run. */
function engineArg(ctx: SuiteContext): EngineId[] {
  const text = stringArg(ctx, 'engines');
  const picked = (text ?? ENGINE_IDS.join(',')).split(',').map((s) => s.trim());
  for (const p of picked)
    if (!(ENGINE_IDS as readonly string[]).includes(p))
      throw new Error(`--engines: unknown engine "${p}" (${ENGINE_IDS.join(', ')})`);
  return ENGINE_IDS.filter(
    (id) => id === 'lakeshift' || id === 'duckdb-native' || picked.includes(id),
  );
}

function gitCommit(root: string): string {
  try {
    return execFileSync('git', ['-C', root, 'rev-parse', '--short', 'HEAD'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return 'unknown';
  }
}

const suite: Suite = {
  name: 'tpch',
  description:
    'TPC-H 22 queries: Lakeshift through the wire vs DuckDB native, DuckDB on Parquet and PostgreSQL 15 (answers checked equal first)',
  async run(ctx) {
    const scale = numberArg(ctx, 'sf', 1, 0.01);
    const seed = typeof ctx.args.seed === 'string' ? ctx.intArg('seed', 0, 0) : undefined;
    const runs = ctx.intArg('runs', 3, 1);
    const warmup = ctx.args.warmup === undefined ? (ctx.quick ? 0 : 1) : ctx.intArg('warmup', 1, 0);
    const limitMs = numberArg(ctx, 'timeout-s', 300, 300) * 1000;
    const queries = parseOnly(stringArg(ctx, 'only'));
    const engineIds = engineArg(ctx);
    const continueOnMismatch = ctx.args['continue-on-mismatch'] === true;
    const lakeshiftRoot = resolve(stringArg(ctx, 'lakeshift-root') ?? REPO_ROOT);
    const dataRoot = stringArg(ctx, 'data-root');

    const data = await ensureTpchDataset({ scale, seed, root: dataRoot, progress: ctx.log });
    const texts = queryTexts();
    ctx.log(`TPC-H SF ${scale} (seed ${data.seed}) in ${data.dir}`);
    const engines = await startEngines({
      data,
      texts,
      engines: engineIds,
      limitMs,
      workDir: ctx.workDir,
      lakeshiftRoot,
      log: ctx.log,
    });
    try {
      const reference = engines.find((e) => e.id === 'duckdb-native')!;
      const others = engines.filter((e) => e !== reference);
      const checks: QueryCheck[] = [];
      for (const n of queries) checks.push(await checkQuery(n, reference, others, ctx.log));
      const problem = mismatchError(checks, engines);
      if (problem && !continueOnMismatch) throw problem;
      if (problem) ctx.log(`continuing despite:\n${problem.message}`);

      const timings: QueryTiming[] = [];
      for (const check of checks) {
        timings.push(
          await timeQuery(check, engines, {
            warmup,
            runs,
            timeMismatches: continueOnMismatch,
            log: ctx.log,
          }),
        );
      }
      // The fixed cost of one statement on each path, for the analysis.
      const floorTimings = await measureInterleaved(
        engines.map((e) => ({ run: () => e.exec('SELECT 1') })),
        { warmup: 3, runs: 15 },
      );
      const floor = new Map(engines.map((e, i) => [e.id, floorTimings[i]!.medianMs]));

      const setup = setupLines(engines, texts.postgresVariant, queries, lakeshiftRoot, data.dir);
      const benchmarks = report({
        scale,
        engines,
        checks,
        timings,
        limitMs,
        runs,
        warmup,
        floor,
        setup,
      });
      const problems = checks.filter((c) => [...c.byEngine.values()].some(isProblem)).length;
      return {
        parameters: {
          sf: scale,
          seed: data.seed,
          queries: queries.length === 22 ? 'all 22' : queries.map(tpchQueryName).join(','),
          engines: engineIds.join(','),
          runs,
          warmup,
          timeoutS: limitMs / 1000,
          quick: ctx.quick,
          ...(continueOnMismatch
            ? { continueOnMismatch: true, queriesWithProblems: problems }
            : {}),
          lakeshiftCommit: gitCommit(lakeshiftRoot),
        },
        benchmarks,
      };
    } finally {
      await closeEngines(engines, ctx.log);
    }
  },
};

function setupLines(
  engines: readonly TpchEngine[],
  postgresVariant: (n: number) => boolean,
  queries: readonly number[],
  lakeshiftRoot: string,
  dataDir: string,
): string[] {
  const variants = queries.filter(postgresVariant).map(tpchQueryName);
  const lines = [
    `**Setup.** Data: ${dataDir} (lib/tpch-dataset.ts: .tbl files and Parquet converted from them). ` +
      'Servers on 127.0.0.1 in their own processes; the DuckDBs and the clients in the benchmark ' +
      'process; every engine with its default threads (the machine’s cores). Q15 runs as ' +
      'written on Lakeshift and PostgreSQL (create view, select, drop view: all three timed); the ' +
      'DuckDB dialect’s Q15 has the view as a WITH clause.',
  ];
  for (const e of engines) {
    const details: Record<EngineId, string> = {
      lakeshift: `started from ${lakeshiftRoot} (commit ${gitCommit(lakeshiftRoot)}), Redshift-syntax queries (test/conformance/tpc/tpch/qNN.sql), enable_result_cache_for_session=off, statement_timeout at the limit`,
      'duckdb-native':
        'the DuckDB-dialect queries (test/conformance/tpc/tpch/reference/qNN.sql); the reference answers',
      'duckdb-parquet': 'the DuckDB-dialect queries over views of read_parquet',
      postgres:
        `test/support/postgres.ts (fsync=off, default shared_buffers); session settings ` +
        `${Object.entries(POSTGRES_SETTINGS)
          .map(([k, v]) => `${k}=${v}`)
          .join(', ')}, statement_timeout at the limit; the Redshift text where PostgreSQL ` +
        `accepts it, else bench/suites/tpch/postgres/qNN.sql (${variants.length > 0 ? variants.join(', ') : 'none here'}: TOP, dateadd, add_months, date_part, decode rewritten; the README there lists them)`,
    };
    lines.push(
      `- ${e.label}: \`${e.version}\`; ${details[e.id]}. Loaded in ${formatNumber(e.loadMs / 1000)} s: ${e.loadHow}.`,
    );
  }
  return lines;
}

export default suite;
