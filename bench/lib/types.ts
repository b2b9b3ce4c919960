// The shapes shared by the harness (bench/run.ts) and the suites (bench/suites/*.ts). A suite
// measures; the harness times nothing itself: it parses arguments, runs the suite and writes what
// the suite returns (RESULTS.md section, chart).

/** `--key value` and `--flag` arguments after the suite name. */
export type BenchArgs = Readonly<Record<string, string | true>>;

export interface SuiteContext {
  /** Arguments after the suite name (`--rows 1000` → { rows: '1000' }, `--quick` → { quick: true }). */
  readonly args: BenchArgs;
  /** `--quick`: every benchmark at a small size (smoke tests, quick looks). */
  readonly quick: boolean;
  /** A scratch directory of this run, removed afterwards unless `--keep` is given. */
  readonly workDir: string;
  /** Progress output (stderr), so a long run shows where it is. */
  log(message: string): void;
  /** An integer argument, or the default (quick or full size) when absent. */
  intArg(name: string, full: number, quick: number): number;
}

/** A target is met when `on` (the ratio to the anchor, or the value itself) satisfies op threshold. */
export interface Target {
  on: 'ratio' | 'value';
  op: '<=' | '>=';
  threshold: number;
}

/** What a measurement is compared with, measured in the same run. */
export interface Anchor {
  label: string;
  /** A shorter label for the chart; default: label. */
  short?: string;
  value: number;
}

export interface Measurement {
  name: string;
  /** A shorter name for the chart (≤ 45 characters); default: name. */
  short?: string;
  value: number;
  /** 'ms', 'commits/s', 'files', 'rows' ... */
  unit: string;
  /** The first anchor is the one the ratio (value / anchor) and a ratio target refer to. */
  anchors?: Anchor[];
  target?: Target;
  /** Raw samples (ms) when the value is a timing, for the record. */
  samples?: number[];
  note?: string;
  /**
   * Why there is no figure (e.g. the server refused the statement: "not supported yet: 0A000 …").
   * The row is written with this text in place of the value, without ratio or pass/fail, so the
   * benchmark measures it once the reason is gone; `value` is then NaN.
   */
  missing?: string;
}

export interface BenchmarkResult {
  /** A short id used in the chart, e.g. 'scan'. */
  id: string;
  title: string;
  /** What was measured and how, one paragraph of Markdown. */
  method: string;
  measurements: Measurement[];
  /** Further Markdown (findings, diagnostics tables) written after the benchmark's table. */
  notes?: string[];
}

export interface SuiteResult {
  /** The sizes and settings the suite ran with, for the parameters list. */
  parameters: Record<string, string | number | boolean>;
  benchmarks: BenchmarkResult[];
}

export interface Suite {
  name: string;
  description: string;
  run(ctx: SuiteContext): Promise<SuiteResult>;
}

/** The ratio of a measurement to its first anchor, if it has one. */
export function ratioOf(m: Measurement): number | undefined {
  const anchor = m.anchors?.[0];
  if (m.missing !== undefined || anchor === undefined || anchor.value === 0) return undefined;
  return m.value / anchor.value;
}

/** Whether a measurement meets its target (undefined: no target, or nothing to compare). */
export function passes(m: Measurement): boolean | undefined {
  if (m.target === undefined) return undefined;
  const x = m.target.on === 'ratio' ? ratioOf(m) : m.value;
  if (x === undefined || !Number.isFinite(x)) return undefined;
  return m.target.op === '<=' ? x <= m.target.threshold : x >= m.target.threshold;
}
