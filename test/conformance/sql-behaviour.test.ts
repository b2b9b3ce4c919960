// Behaviour tests as data: every test/conformance/slt/*.slt file runs through the real `pg`
// client against a fresh server on port 0 (Lakeshift, or with LAKESHIFT_E2E_TARGET=postgres the
// PostgreSQL 15 reference). One server per file, so files never see each other's objects, users
// or settings. The format is described in slt/runner.ts.
//
//   node --import tsx --test test/conformance/sql-behaviour.test.ts
//   LAKESHIFT_E2E_TARGET=postgres node --import tsx --test test/conformance/sql-behaviour.test.ts
//   SLT_FILTER=dml ...      only the files whose name contains "dml"
//   SLT_RUN_BUGS=1 ...      also run the records skipped as a known Lakeshift BUG
//   SLT_REPORT=<dir> ...    also write each file's result (failures, skips) as <dir>/<file>.json
//                           and the summary as <dir>/summary.json
//   LAKESHIFT_SEEDS=<dir>   where the seed documents are (default ../shared/seeds/ beside the
//                           repository); records citing `seed NNN:LINE` must be those statements
//
// Every case must cite the Redshift documentation it checks (see slt/runner.ts); the last test
// prints the summary: per file and in total the cases, cited, passed, failed, BUG-skipped and
// LATER-skipped ones, and the pass rate = passed / (cases - LATER), with the LATER cases listed.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTarget, TARGET } from '../support/server.js';
import {
  formatFailures,
  formatTotals,
  parseSlt,
  runSltFile,
  seedMismatch,
  sumTotals,
  totalsOf,
  uncitedRecords,
  type SltResult,
} from './slt/runner.js';

const DIR = join(import.meta.dirname, 'slt');
// The seed documents the issue refers to (../shared/seeds/ next to the repository).
const SEEDS = process.env.LAKESHIFT_SEEDS ?? join(import.meta.dirname, '../../../shared/seeds');
const filter = process.env.SLT_FILTER ?? '';
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.slt') && f.includes(filter))
  .sort();

const nameOf = (file: string) => `test/conformance/slt/${file}`;
const reportDir = process.env.SLT_REPORT ?? '';

function writeReport(name: string, value: unknown): void {
  if (reportDir === '') return;
  mkdirSync(reportDir, { recursive: true });
  writeFileSync(join(reportDir, name), JSON.stringify(value, null, 2));
}

describe(`sql behaviour (${TARGET})`, () => {
  const results = new Map<string, SltResult>();

  test('statements citing a seed are copied unchanged from the seed document', (t) => {
    if (!existsSync(SEEDS)) {
      t.skip(`no seed documents at ${SEEDS} (set LAKESHIFT_SEEDS)`);
      return;
    }
    const docs = new Map(
      readdirSync(SEEDS)
        .filter((f) => /^\d{3}_.*\.txt$/.test(f))
        .map((f) => [f.slice(0, 3), readFileSync(join(SEEDS, f), 'utf8').split('\n')]),
    );
    const wrong = files.flatMap((file) =>
      parseSlt(readFileSync(join(DIR, file), 'utf8'), nameOf(file)).flatMap((r) => {
        if ((r.kind !== 'statement' && r.kind !== 'query') || r.seed === undefined) return [];
        const doc = docs.get(r.seed.doc);
        const why =
          doc === undefined
            ? `no seed document ${r.seed.doc}`
            : seedMismatch(r.sql, doc, r.seed.line);
        return why === undefined ? [] : [`${r.file}:${r.line}: ${why}`];
      }),
    );
    assert.deepEqual(wrong, []);
  });

  test('every case cites the Redshift documentation it checks', () => {
    const uncited = files.flatMap((file) =>
      uncitedRecords(parseSlt(readFileSync(join(DIR, file), 'utf8'), nameOf(file))),
    );
    assert.deepEqual(
      uncited,
      [],
      `${uncited.length} record(s) without a citation in their comment block (see slt/runner.ts)`,
    );
  });

  for (const file of files) {
    test(file, async (t) => {
      const target = await startTarget();
      try {
        const result = await runSltFile(join(DIR, file), target, nameOf(file));
        results.set(file, result);
        writeReport(`${file}.json`, result);
        t.diagnostic(
          `${file}: ${result.passed}/${result.ran} passed, ${result.failures.length} failed,` +
            ` ${result.bugs.length} known bugs, ${result.later.length} for later issues`,
        );
        for (const f of result.fixed) {
          t.diagnostic(`marked as a bug but passes now: ${f.where} (${f.reason})`);
        }
        assert.equal(result.ran > 0, true, `${file} ran no records`);
        if (result.failures.length > 0) {
          assert.fail(`${result.failures.length} record(s) failed:\n\n${formatFailures(result)}`);
        }
      } finally {
        await target.dispose();
      }
    });
  }

  test('summary', (t) => {
    const rows = files.flatMap((f) => {
      const r = results.get(f);
      return r === undefined ? [] : [totalsOf(r)];
    });
    for (const line of formatTotals(rows)) t.diagnostic(line);
    const missing = files.filter((f) => !results.has(f));
    if (missing.length > 0) t.diagnostic(`not run to the end: ${missing.join(', ')}`);
    const later = [...results.values()].flatMap((r) => r.later);
    for (const l of later) t.diagnostic(`LATER ${l.where}: ${l.reason.replace(/^LATER:?\s*/, '')}`);
    writeReport('summary.json', {
      target: TARGET,
      files: rows,
      total: sumTotals(rows),
      notRun: missing,
      later: later.map((l) => ({ where: l.where, reason: l.reason })),
    });
  });
});
