// Background maintenance: compaction then GC on a timer, one round at a time, off the request
// path. Failures are reported and the next round tries again. The server also starts a round
// when its maintenance window opens, and holds rounds back while it is paused (`allowed`).
import type { Lake } from '../lake/lake.js';
import { compact, type CompactionOptions, type CompactionResult } from './compaction.js';
import { collectGarbage, type GcOptions } from './gc.js';

/** The last round that ran, for /health. */
export interface MaintenanceRound {
  /** Why it ran: 'interval', 'maintenance window', or what the caller of runOnce said. */
  trigger: string;
  startedAt: Date;
  finishedAt: Date;
  compaction?: CompactionResult;
  /** The failure's message, when the round failed. */
  error?: string;
}

export interface MaintenanceHandle {
  /** Waits for a running round to finish and stops the timer. */
  stop(): Promise<void>;
  /** Runs one round now (after any running one); `trigger` is recorded with it. */
  runOnce(trigger?: string): Promise<void>;
  /** The last round that ran (not one held back by `allowed`). */
  readonly lastRound: MaintenanceRound | undefined;
}

export function startMaintenance(
  lake: Lake,
  opts: {
    intervalMs?: number;
    compaction?: CompactionOptions;
    gc?: GcOptions | false;
    /** Asked before each round; false skips it (the server is paused). */
    allowed?: () => boolean;
  } = {},
): MaintenanceHandle {
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  let lastRound: MaintenanceRound | undefined;
  const round = async (trigger: string) => {
    if (opts.allowed && !opts.allowed()) return;
    const startedAt = new Date();
    try {
      const compaction = await compact(lake, opts.compaction);
      if (opts.gc !== false) await collectGarbage(lake, opts.gc);
      lastRound = { trigger, startedAt, finishedAt: new Date(), compaction };
    } catch (e) {
      lastRound = { trigger, startedAt, finishedAt: new Date(), error: String(e) };
      throw e;
    }
  };
  const runOnce = (trigger = 'manual') => {
    running = running
      .then(() => (stopped ? undefined : round(trigger)))
      .catch((e: unknown) => lake.reportBackgroundError(e));
    return running;
  };
  const timer = setInterval(() => void runOnce('interval'), opts.intervalMs ?? 60_000);
  timer.unref();
  return {
    runOnce,
    get lastRound() {
      return lastRound;
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
