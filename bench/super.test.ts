// Smoke test of the super suite: runs `bench/run.ts super --quick` (20,000 documents) with a small
// document count into a temporary results file and checks that it appended its section with the
// three measurements beside their DuckDB anchors, equal aggregates on both systems, the profile of
// the JSON_PARSE macro and the chart. It asserts the shape, never the timings.
// Run: node --import tsx --test bench/super.test.ts
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { smokeRun } from './lib/smoke.js';

test('npm run bench -- super --quick appends its section', { timeout: 600_000 }, (t) =>
  smokeRun(t, 'super', ['--docs', '2000', '--warmup', '0'], ({ dir, section: text }) => {
    assert.match(text, /## super — /);
    assert.match(
      text,
      /\| INSERT … SELECT JSON_PARSE\(doc\) into a SUPER column .* \| DuckDB: CAST\(doc AS JSON\) into a JSON column \|/,
    );
    assert.match(text, /\| 〃 \| \| DuckDB: json\(doc\) \(minified\) into a JSON column \|/);
    assert.match(
      text,
      /\| five SUPER navigations .*same aggregates on both.* \| DuckDB: -> \/ ->> of the same paths/,
    );
    assert.match(
      text,
      /\| JSON_PARSE\(doc\) and five navigations .*same aggregates on both.* \| DuckDB: CAST\(doc AS JSON\) and -> \/ ->> in one query \|/,
    );
    assert.match(
      text,
      /\| lakeshift_fn\.json_parse\(doc\): the whole macro \| [0-9.,]+ \| [0-9.,]+ \|/,
    );
    assert.ok(existsSync(join(dir, 'results', 'super-latest.svg')), 'chart written');
  }),
);
