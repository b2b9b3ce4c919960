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
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTarget, TARGET } from '../support/server.js';
import { formatFailures, runSltFile } from './slt/runner.js';

const DIR = join(import.meta.dirname, 'slt');
const filter = process.env.SLT_FILTER ?? '';
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.slt') && f.includes(filter))
  .sort();

describe(`sql behaviour (${TARGET})`, () => {
  for (const file of files) {
    test(file, async (t) => {
      const target = await startTarget();
      try {
        const result = await runSltFile(join(DIR, file), target, `test/conformance/slt/${file}`);
        const reportDir = process.env.SLT_REPORT;
        if (reportDir !== undefined && reportDir !== '') {
          mkdirSync(reportDir, { recursive: true });
          writeFileSync(join(reportDir, `${file}.json`), JSON.stringify(result, null, 2));
        }
        const bugs = result.skipped.filter((s) => /^BUG\b/.test(s.reason)).length;
        t.diagnostic(
          `${file}: ${result.passed}/${result.ran} passed, ${result.skipped.length} skipped` +
            ` (${bugs} known bugs), ${result.failures.length} failed`,
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
});
