// Suite `storage`: the lake's costs against what it is built on.
//   1. aggregating scans over a lake table vs a native DuckDB table      target ≤ 1.3× the time
//   2. 1,000 single-row INSERT commits (SQLite catalog)                   target ≥ 500 commits/s,
//      then compact()                                                     ≤ 5 live data files
//   3. resolving 3 tables among 1,000 tables and 100,000 files            target ≤ 2 ms
// Options: --rows N (scan table, default 6M), --commits N (default 1000), --tables N and
// --files N (per table; default 1000 × 100), --threads N (DuckDB, default all cores), --runs N,
// --only scan,commits,resolve, --diagnose / --no-diagnose (scan diagnostics; default: when the
// scan target is missed), --quick (200k rows, 200 commits, 100 tables × 10 files).
import os from 'node:os';
import type { BenchmarkResult, Suite } from '../lib/types.js';
import { commitBenchmark } from './storage/commits.js';
import { resolveBenchmark } from './storage/resolve.js';
import { scanBenchmark } from './storage/scan.js';

const BENCHMARKS = ['scan', 'commits', 'resolve'] as const;

const suite: Suite = {
  name: 'storage',
  description:
    'lake scans vs native DuckDB, single-row commit rate + compaction, table resolution in a big namespace',
  async run(ctx) {
    const only = typeof ctx.args.only === 'string' ? ctx.args.only.split(',') : [...BENCHMARKS];
    const unknown = only.filter((b) => !(BENCHMARKS as readonly string[]).includes(b));
    if (unknown.length)
      throw new Error(
        `--only: unknown benchmark(s) ${unknown.join(', ')}; known: ${BENCHMARKS.join(', ')}`,
      );
    const threads = ctx.intArg('threads', os.availableParallelism(), os.availableParallelism());
    const runs = ctx.intArg('runs', 7, 3);
    const warmup = ctx.quick ? 1 : 2;
    const rows = ctx.intArg('rows', 6_000_000, 200_000);
    const commits = ctx.intArg('commits', 1000, 200);
    const tables = ctx.intArg('tables', 1000, 100);
    const filesPerTable = ctx.intArg('files', 100, 10);
    const diagnose =
      ctx.args.diagnose === true
        ? true
        : ctx.args['no-diagnose'] === true || ctx.quick
          ? false
          : 'auto';

    const benchmarks: BenchmarkResult[] = [];
    if (only.includes('scan')) {
      benchmarks.push(await scanBenchmark(ctx, { rows, threads, warmup, runs, diagnose }));
    }
    if (only.includes('commits')) {
      benchmarks.push(
        await commitBenchmark(ctx, { commits, warmup: 1, runs: Math.min(runs, ctx.quick ? 3 : 5) }),
      );
    }
    if (only.includes('resolve')) {
      benchmarks.push(
        await resolveBenchmark(ctx, {
          tables,
          filesPerTable,
          rowsPerFile: 10,
          coldRuns: runs,
          warmRuns: ctx.quick ? 10 : 30,
        }),
      );
    }
    return {
      parameters: {
        rows,
        commits,
        tables,
        filesPerTable,
        threads,
        runs,
        warmup,
        quick: ctx.quick,
        diagnose: String(diagnose),
        only: only.join(','),
      },
      benchmarks,
    };
  },
};

export default suite;
