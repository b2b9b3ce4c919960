// Background maintenance: compaction then GC on a timer, one round at a time, off the request
// path. Failures are reported and the next round tries again.
import type { Lake } from '../lake/lake.js';
import { compact, type CompactionOptions } from './compaction.js';
import { collectGarbage, type GcOptions } from './gc.js';

export interface MaintenanceHandle {
  /** Waits for a running round to finish and stops the timer. */
  stop(): Promise<void>;
  /** Runs one round now (after any running one). */
  runOnce(): Promise<void>;
}

export function startMaintenance(
  lake: Lake,
  opts: { intervalMs?: number; compaction?: CompactionOptions; gc?: GcOptions | false } = {},
): MaintenanceHandle {
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const round = async () => {
    await compact(lake, opts.compaction);
    if (opts.gc !== false) await collectGarbage(lake, opts.gc);
  };
  const runOnce = () => {
    running = running
      .then(() => (stopped ? undefined : round()))
      .catch((e: unknown) => lake.reportBackgroundError(e));
    return running;
  };
  const timer = setInterval(() => void runOnce(), opts.intervalMs ?? 60_000);
  timer.unref();
  return {
    runOnce,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
