// The benchmark harness: `npm run bench -- <suite> [--quick] [--keep] [--work-dir DIR] [--strict]
// [suite options such as --rows N or --sf N]`. Looks the suite up in bench/suites/, runs it in a
// scratch directory, appends a dated section to bench/RESULTS.md ($BENCH_RESULTS_FILE overrides)
// and writes the chart to results/<suite>-latest.png beside it.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs, parseCount } from './lib/args.js';
import { formatRatio, formatTarget, formatValue } from './lib/format.js';
import { machineInfo } from './lib/machine.js';
import { loadSuite, suiteNames } from './lib/registry.js';
import { writeResults } from './lib/results.js';
import { elapsedMs, nowNs } from './lib/timing.js';
import { passes, ratioOf, type SuiteContext, type SuiteResult } from './lib/types.js';

const HARNESS_FLAGS =
  'Harness options: --quick (small sizes), --keep (keep the scratch directory), --work-dir DIR, --strict (exit 1 when a target is missed).';

async function usage(): Promise<string> {
  const lines = ['usage: npm run bench -- <suite> [options]', '', 'suites:'];
  for (const name of suiteNames()) {
    const s = await loadSuite(name);
    lines.push(`  ${name.padEnd(14)} ${s?.description ?? ''}`);
  }
  lines.push('', HARNESS_FLAGS);
  return lines.join('\n');
}

function printSummary(result: SuiteResult): void {
  for (const b of result.benchmarks) {
    process.stdout.write(`\n${b.title}\n`);
    for (const m of b.measurements) {
      const a = m.anchors?.[0];
      const r = ratioOf(m);
      const ok = passes(m);
      const parts = [`  ${m.name}: ${m.missing ?? formatValue(m.value, m.unit)}`];
      if (a) parts.push(`vs ${a.label} ${formatValue(a.value, m.unit)}`);
      if (r !== undefined) parts.push(`ratio ${formatRatio(r)}`);
      if (m.target)
        parts.push(
          `target ${formatTarget(m.target, m.unit)} ${ok === undefined ? '?' : ok ? 'PASS' : 'FAIL'}`,
        );
      process.stdout.write(`${parts.join('  ')}\n`);
    }
  }
}

export async function main(argv: readonly string[]): Promise<number> {
  const { suite: name, args } = parseArgs(argv);
  if (name === undefined || args.help === true || name === 'list') {
    process.stdout.write(`${await usage()}\n`);
    return name === undefined && args.help !== true ? 1 : 0;
  }
  const suite = await loadSuite(name);
  if (suite === undefined) {
    process.stderr.write(`unknown suite "${name}"\n\n${await usage()}\n`);
    return 1;
  }
  const quick = args.quick === true;
  const workDirArg = typeof args['work-dir'] === 'string' ? resolve(args['work-dir']) : undefined;
  if (workDirArg) mkdirSync(workDirArg, { recursive: true });
  const workDir = workDirArg ?? mkdtempSync(join(tmpdir(), `lakeshift-bench-${name}-`));
  const ctx: SuiteContext = {
    args,
    quick,
    workDir,
    log: (message) => process.stderr.write(`[${name}] ${message}\n`),
    intArg: (key, full, small) => {
      const v = args[key];
      if (typeof v === 'string') return parseCount(v);
      return quick ? small : full;
    },
  };
  const machine = await machineInfo();
  const loadAtStart = os.loadavg();
  const startedAt = new Date();
  const start = nowNs();
  let result: SuiteResult;
  try {
    ctx.log(`running in ${workDir}${quick ? ' (quick)' : ''}`);
    result = await suite.run(ctx);
  } finally {
    if (args.keep !== true && workDirArg === undefined)
      rmSync(workDir, { recursive: true, force: true });
  }
  const durationMs = elapsedMs(start);
  const written = writeResults({
    suite: name,
    command: `npm run bench -- ${argv.join(' ')}`,
    startedAt,
    durationMs,
    machine,
    loadAtStart,
    loadAtEnd: os.loadavg(),
    result,
  });
  printSummary(result);
  process.stdout.write(`\nappended to ${written.file}; chart ${written.chart}\n`);
  const missed = result.benchmarks
    .flatMap((b) => b.measurements)
    .filter((m) => passes(m) === false);
  return args.strict === true && missed.length > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
