// Smoke test of the stream suite: runs `bench/run.ts stream --quick` into a temporary results
// file and checks that it appended its section with both benchmarks beside their anchors (the
// seeds' Redshift figures) and the chart. It asserts the shape, never the timings.
// Run: node --import tsx --test bench/stream.test.ts
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { smokeRun } from './lib/smoke.js';

test('npm run bench -- stream --quick appends its section', { timeout: 600_000 }, (t) =>
  smokeRun(t, 'stream', [], ({ dir, section: text, result }) => {
    assert.match(text, /## stream — /);
    assert.match(
      text,
      /\| records\/s caught up into the streaming view \| .* \| EchoStar's busiest topic on Redshift \(seed\) \|/,
    );
    assert.match(text, /\| freshness p99 at 5,000 records\/s \| .* ms \|/);
    assert.deepEqual(
      result.benchmarks.map((b) => b.id),
      ['throughput', 'freshness-5000', 'freshness-1000'],
    );
    assert.ok(existsSync(join(dir, 'results', 'stream-latest.svg')), 'chart written');
  }),
);
