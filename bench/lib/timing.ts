// Timing: warm-up runs first (not recorded), then at least three timed runs; the median is the
// figure reported, the samples are kept for the record. Clock: process.hrtime.bigint().

export interface Timing {
  /** Median of the timed runs, in milliseconds. */
  medianMs: number;
  minMs: number;
  maxMs: number;
  samplesMs: number[];
}

export interface MeasureOptions {
  /** Untimed runs before the timed ones. Default 1. */
  warmup?: number;
  /** Timed runs; at least 3. Default 5. */
  runs?: number;
  /** Called before each run (warm-up and timed), outside the timed part. */
  before?: () => Promise<void> | void;
}

export function nowNs(): bigint {
  return process.hrtime.bigint();
}

export function elapsedMs(startNs: bigint): number {
  return Number(process.hrtime.bigint() - startNs) / 1e6;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Summarizes samples (ms) measured elsewhere, for benchmarks that time their own runs. */
export function summarize(samplesMs: readonly number[]): Timing {
  return {
    medianMs: median(samplesMs),
    minMs: Math.min(...samplesMs),
    maxMs: Math.max(...samplesMs),
    samplesMs: [...samplesMs],
  };
}

/** Runs fn `warmup` times untimed, then `runs` (≥ 3) times timed; returns the median and samples. */
export async function measure(
  fn: () => Promise<unknown>,
  opts: MeasureOptions = {},
): Promise<Timing> {
  const [timing] = await measureInterleaved([{ run: fn, before: opts.before }], opts);
  return timing!;
}

/** One of several things measured side by side. */
export interface Contender {
  run: () => Promise<unknown> | unknown;
  /** Called before each of its runs, outside the timed part. */
  before?: () => Promise<void> | void;
  /** Called after each of its runs, outside the timed part (checking what the run did). */
  after?: () => Promise<void> | void;
}

/**
 * Measures several contenders round-robin: warm-up rounds, then `runs` (≥ 3) timed rounds in
 * which each contender runs once (the order rotating every round). A measurement and its anchor
 * thus share the machine's conditions, which matters on a busy or throttled machine.
 */
export async function measureInterleaved(
  contenders: readonly Contender[],
  opts: {
    warmup?: number;
    runs?: number;
    /** The fewest timed runs (default 3); smoke runs, which report no timings, may ask for 1. */
    minRuns?: number;
  } = {},
): Promise<Timing[]> {
  const warmup = opts.warmup ?? 1;
  const runs = Math.max(opts.minRuns ?? 3, opts.runs ?? 5);
  const samples: number[][] = contenders.map(() => []);
  for (let round = 0; round < warmup + runs; round++) {
    for (let k = 0; k < contenders.length; k++) {
      const i = (k + round) % contenders.length;
      const c = contenders[i]!;
      await c.before?.();
      const start = nowNs();
      await c.run();
      const ms = elapsedMs(start);
      await c.after?.();
      if (round >= warmup) samples[i]!.push(ms);
    }
  }
  return samples.map(summarize);
}
