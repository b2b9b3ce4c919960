// What the smoke tests of the server suites share: run `bench/run.ts <suite> --quick …` in a
// child process into a temporary results file, skip the test (saying why) when the Lakeshift
// server of the checkout cannot start, and hand the appended section and the run's JSON record
// (results/<suite>-latest.json) to the test's assertions. They assert shapes, never timings.
// LAKESHIFT_ROOT=DIR starts the server of another checkout (bench option --lakeshift-root DIR).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { REPO_ROOT } from './paths.js';
import type { SuiteResult } from './types.js';

const CANNOT_START = /lakeshift server could not start: (.*)/;

export interface SmokeRun {
  /** The temporary directory holding RESULTS.md and results/. */
  dir: string;
  /** The suite's section of RESULTS.md. */
  section: string;
  /** What the suite returned, as written to results/<suite>-latest.json. */
  result: SuiteResult;
  stderr: string;
}

export function smokeRun(
  t: TestContext,
  suite: string,
  args: readonly string[],
  check: (run: SmokeRun) => void,
  timeoutMs = 590_000,
): void {
  const dir = mkdtempSync(join(tmpdir(), 'lakeshift-bench-test-'));
  try {
    const file = join(dir, 'RESULTS.md');
    const run = spawnSync(
      process.execPath,
      [
        ...['--import', 'tsx', 'bench/run.ts', suite, '--quick', ...args],
        ...(process.env.LAKESHIFT_ROOT ? ['--lakeshift-root', process.env.LAKESHIFT_ROOT] : []),
      ],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, BENCH_RESULTS_FILE: file },
        encoding: 'utf8',
        timeout: timeoutMs,
      },
    );
    const cannotStart = CANNOT_START.exec(run.stderr);
    if (run.status !== 0 && cannotStart) {
      // The reason's first line ("exited with code 1") and the server's error line, if any.
      const after = run.stderr.slice(cannotStart.index).split('\n');
      const error = after.slice(1).find((l) => /error/i.test(l));
      t.skip(
        `the Lakeshift server cannot start in this checkout yet: ${cannotStart[1]}${error ? ` (${error.trim()})` : ''}`,
      );
      return;
    }
    assert.equal(run.status, 0, `bench exited with ${run.status}:\n${run.stderr}`);
    const md = readFileSync(file, 'utf8');
    assert.match(md, /^# Benchmark results/);
    const sections = md.split(/\n(?=## )/).filter((s) => s.startsWith(`## ${suite} — `));
    assert.equal(sections.length, 1, `one ${suite} section`);
    const json = readFileSync(join(dir, 'results', `${suite}-latest.json`), 'utf8');
    const { result } = JSON.parse(json) as { result: SuiteResult };
    check({ dir, section: sections[0]!, result, stderr: run.stderr });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
