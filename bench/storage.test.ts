// Smoke test of the harness and the storage suite: runs `bench/run.ts storage --quick` into a
// temporary results file and checks that it appended one section holding all three benchmarks,
// each with its table, and wrote the chart. It asserts the shape, never the timings.
// Run: node --import tsx --test bench/storage.test.ts
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));

test(
  'npm run bench -- storage --quick appends a section with all three benchmarks',
  { timeout: 180_000 },
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'lakeshift-bench-test-'));
    try {
      const file = join(dir, 'RESULTS.md');
      const run = spawnSync(
        process.execPath,
        ['--import', 'tsx', 'bench/run.ts', 'storage', '--quick'],
        {
          cwd: ROOT,
          env: { ...process.env, BENCH_RESULTS_FILE: file },
          encoding: 'utf8',
          timeout: 170_000,
        },
      );
      assert.equal(run.status, 0, `bench exited with ${run.status}:\n${run.stderr}`);
      const md = readFileSync(file, 'utf8');
      assert.match(md, /^# Benchmark results/);
      const sections = md.split(/\n(?=## )/).filter((s) => s.startsWith('## storage — '));
      assert.equal(sections.length, 1, 'one storage section');
      const section = sections[0]!;
      for (const line of ['- Machine: ', '- Versions: Node ', '- Parameters: ', 'quick=true']) {
        assert.ok(section.includes(line), `section has "${line}"`);
      }
      const titles = [
        '### 1. Aggregating scans: lake table vs native DuckDB table',
        '### 2. Single-row INSERT commits into one table',
        "### 3. Resolving a query's tables among",
      ];
      for (const t of titles) assert.ok(section.includes(t), `section has "${t}"`);
      // One results table per benchmark, every measured row with a pass/FAIL or a dash.
      const tables = section.match(
        /\| Measurement \| Value \| Anchor \(same run\) \| Anchor value \| Ratio \| Target \| Result \|/g,
      );
      assert.equal(tables?.length, 3);
      assert.match(
        section,
        /\| Q1-like group-by .*\| native DuckDB table \(in-memory database\) \|.*× \| ratio ≤ 1\.3× \| \*\*(pass|FAIL)\*\* \|/,
      );
      assert.match(
        section,
        /\| 200 single-row INSERT commits .*commits\/s \| SQLite directly .*\| ≥ 500 commits\/s \| \*\*(pass|FAIL)\*\* \|/,
      );
      assert.match(
        section,
        /\| live data files after compact\(\) .*\| ≤ 5 files \| \*\*(pass|FAIL)\*\* \|/,
      );
      assert.match(section, /\| cold: tx\.scan of 3 tables.*\| ≤ 2 ms \| \*\*(pass|FAIL)\*\* \|/);
      assert.match(section, /\| warm: tx\.scan of 3 tables.*\| ≤ 2 ms \| \*\*(pass|FAIL)\*\* \|/);
      // The chart: a PNG when a converter is installed, else the SVG; linked from the section.
      const link =
        /!\[storage: measurements vs targets\]\((results\/storage-\d{8}-\d{4}\.(png|svg))\)/.exec(
          section,
        );
      assert.ok(link, 'section links the chart');
      assert.ok(existsSync(join(dir, link[1]!)), 'chart file exists');
      assert.ok(existsSync(join(dir, 'results', 'storage-latest.svg')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
