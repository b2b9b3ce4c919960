// The timed part: per query, the engines whose answer was checked run it round-robin
// (lib/timing.ts measureInterleaved: warm-up rounds, then the timed rounds, the order rotating
// each round), so the engines compared on a query see the same machine conditions. A run past
// the per-query limit ends that engine's timing of the query as a timeout; a failure (the answer
// was right moments before) is recorded with its message.
import { tpchQueryName } from '../../../test/support/tpc/tpch-queries.js';
import { measureInterleaved, type Timing } from '../../lib/timing.js';
import type { Check, QueryCheck } from './check.js';
import { QueryTimeout, type EngineId, type TpchEngine } from './engines.js';

export type Outcome =
  | { kind: 'timed'; timing: Timing }
  | { kind: 'timeout' }
  | { kind: 'error'; message: string }
  /** Not timed: its answer was not checked equal (the check's outcome says why). */
  | { kind: 'skipped'; check: Check['kind'] };

export interface QueryTiming {
  n: number;
  byEngine: Map<EngineId, Outcome>;
}

export async function timeQuery(
  check: QueryCheck,
  engines: readonly TpchEngine[],
  opts: { warmup: number; runs: number; timeMismatches: boolean; log: (m: string) => void },
): Promise<QueryTiming> {
  const byEngine = new Map<EngineId, Outcome>();
  const timed = engines.filter((e) => {
    const c = check.byEngine.get(e.id)?.kind ?? 'unchecked';
    const ok = c === 'match' || (opts.timeMismatches && c === 'mismatch');
    if (!ok) byEngine.set(e.id, { kind: 'skipped', check: c });
    return ok;
  });
  const failed = new Map<EngineId, Outcome>();
  const timings = await measureInterleaved(
    timed.map((e) => ({
      run: async () => {
        if (failed.has(e.id)) return;
        try {
          await e.run(check.n);
        } catch (err) {
          failed.set(
            e.id,
            err instanceof QueryTimeout
              ? { kind: 'timeout' }
              : { kind: 'error', message: (err as Error).message },
          );
        }
      },
    })),
    { warmup: opts.warmup, runs: opts.runs, minRuns: 1 },
  );
  timed.forEach((e, i) => {
    byEngine.set(e.id, failed.get(e.id) ?? { kind: 'timed', timing: timings[i]! });
  });
  const summary = timed
    .map((e) => {
      const o = byEngine.get(e.id)!;
      return `${e.id} ${o.kind === 'timed' ? `${o.timing.medianMs.toFixed(1)} ms` : o.kind}`;
    })
    .join(', ');
  opts.log(`time ${tpchQueryName(check.n)}: ${summary}`);
  return { n: check.n, byEngine };
}
