// The results writer: appends one dated Markdown section per run to bench/RESULTS.md (or the file
// named by BENCH_RESULTS_FILE): machine, versions, parameters, then a table per benchmark with
// each measurement, its anchor measured in the same run, the ratio, and the target with
// pass/fail; the chart is written beside it under results/ and linked from the section.
import { appendFileSync, copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chartSvg, writeChart } from './chart.js';
import { formatNumber, formatRatio, formatTarget, formatValue } from './format.js';
import type { MachineInfo } from './machine.js';
import { passes, ratioOf, type BenchmarkResult, type SuiteResult } from './types.js';

const BENCH_DIR = dirname(dirname(fileURLToPath(import.meta.url)));

/** Where results go: $BENCH_RESULTS_FILE, or bench/RESULTS.md. */
export function resultsFile(): string {
  const env = process.env.BENCH_RESULTS_FILE;
  return env ? resolve(env) : join(BENCH_DIR, 'RESULTS.md');
}

export interface RunRecord {
  suite: string;
  command: string;
  startedAt: Date;
  durationMs: number;
  machine: MachineInfo;
  /** os.loadavg() (1, 5, 15 minutes) when the run started and ended: other work on the machine. */
  loadAtStart: number[];
  loadAtEnd: number[];
  result: SuiteResult;
}

const HEADER = `# Benchmark results

Each section below was appended by one run of \`npm run bench -- <suite>\` (bench/run.ts): the
machine and versions it ran on, its parameters, and per benchmark each measurement beside its
anchor measured in the same run, their ratio, and the target. Figures from different machines
are not comparable; compare ratios, not absolute times.
`;

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function resultCell(ok: boolean | undefined): string {
  return ok === undefined ? '—' : ok ? '**pass**' : '**FAIL**';
}

export function benchmarkTable(b: BenchmarkResult): string {
  const lines = [
    '| Measurement | Value | Anchor (same run) | Anchor value | Ratio | Target | Result |',
    '| --- | ---: | --- | ---: | ---: | --- | --- |',
  ];
  for (const m of b.measurements) {
    const anchors = m.anchors ?? [];
    const ratio = ratioOf(m);
    const first = anchors[0];
    const name = m.note ? `${m.name} (${m.note})` : m.name;
    lines.push(
      `| ${cell(name)} | ${m.missing === undefined ? formatValue(m.value, m.unit) : cell(m.missing)} | ${first ? cell(first.label) : '—'} | ${first ? formatValue(first.value, m.unit) : '—'} | ${ratio === undefined ? '—' : formatRatio(ratio)} | ${m.target ? formatTarget(m.target, m.unit) : '—'} | ${resultCell(passes(m))} |`,
    );
    for (const a of anchors.slice(1)) {
      lines.push(
        `| 〃 | | ${cell(a.label)} | ${formatValue(a.value, m.unit)} | ${a.value === 0 || m.missing !== undefined ? '—' : formatRatio(m.value / a.value)} | | |`,
      );
    }
  }
  return lines.join('\n');
}

function samplesLine(b: BenchmarkResult): string | undefined {
  const withSamples = b.measurements.filter((m) => m.samples && m.samples.length > 0);
  if (withSamples.length === 0) return undefined;
  const parts = withSamples.map(
    (m) => `${m.name}: ${m.samples!.map((s) => formatNumber(s)).join(', ')}`,
  );
  return `<details><summary>samples (ms)</summary>\n\n${parts.map((p) => `- ${p}`).join('\n')}\n\n</details>`;
}

/** Renders the run's section (without writing it). chartLink is relative to the results file. */
export function renderSection(run: RunRecord, chartLink: string | undefined): string {
  const m = run.machine;
  const date = run.startedAt
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
  const params = Object.entries(run.result.parameters)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ');
  const all = run.result.benchmarks.flatMap((b) => b.measurements).filter((x) => x.target);
  const met = all.filter((x) => passes(x) === true).length;
  const out: string[] = [
    `## ${run.suite} — ${date}`,
    '',
    `- Command: \`${run.command}\``,
    `- Machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB RAM; ${m.os}; host ${m.hostname}`,
    `- Versions: Node ${m.node}; DuckDB ${m.duckdb} via @duckdb/node-api ${m.duckdbNodeApi}; SQLite ${m.sqlite}${m.gitCommit ? `; commit ${m.gitCommit}` : ''}`,
    `- Parameters: ${params || '(none)'}`,
    `- Duration: ${formatNumber(run.durationMs / 1000)} s; targets met: ${met} of ${all.length}`,
    `- Load average (1/5/15 min) at start ${run.loadAtStart.map((x) => x.toFixed(2)).join('/')}, at end ${run.loadAtEnd.map((x) => x.toFixed(2)).join('/')} (on ${m.cores} cores; above the core count, other processes competed for the CPU)`,
    '',
  ];
  if (chartLink) out.push(`![${run.suite}: measurements vs targets](${chartLink})`, '');
  run.result.benchmarks.forEach((b, i) => {
    out.push(`### ${i + 1}. ${b.title}`, '', b.method, '', benchmarkTable(b), '');
    const samples = samplesLine(b);
    if (samples) out.push(samples, '');
    for (const n of b.notes ?? []) out.push(n, '');
  });
  return out.join('\n');
}

/**
 * Writes the chart (results/<suite>-<date>-<time>.png next to the results file, which the section
 * links, so a later run of the suite does not change an earlier section's picture) and the run's
 * raw figures (.json beside it), copies both to results/<suite>-latest.*, and appends the section.
 * Returns the paths written.
 */
export function writeResults(run: RunRecord): { file: string; chart: string } {
  const file = resultsFile();
  mkdirSync(dirname(file), { recursive: true });
  const stamp = run.startedAt.toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
  const base = join(dirname(file), 'results', `${run.suite}-${stamp}`);
  const latest = join(dirname(file), 'results', `${run.suite}-latest`);
  const subtitle = `${run.startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC · ${run.machine.cpuModel}, ${run.machine.cores} cores · DuckDB ${run.machine.duckdb.split(' ')[0]}`;
  // The raw figures beside the chart, for tools and for comparing runs.
  mkdirSync(dirname(base), { recursive: true });
  writeFileSync(`${base}.json`, `${JSON.stringify(run, null, 2)}\n`);
  const chart = writeChart(
    base,
    chartSvg(`Lakeshift bench: ${run.suite}`, subtitle, run.result.benchmarks),
  );
  for (const ext of ['json', 'svg', 'png']) {
    if (existsSync(`${base}.${ext}`)) copyFileSync(`${base}.${ext}`, `${latest}.${ext}`);
  }
  const link = relative(dirname(file), chart.path).split('\\').join('/');
  if (!existsSync(file)) writeFileSync(file, HEADER);
  appendFileSync(file, `\n${renderSection(run, link)}`);
  return { file, chart: chart.path };
}
