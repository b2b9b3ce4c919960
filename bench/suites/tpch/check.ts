// Before anything is timed: every query once on every engine, each answer compared with DuckDB
// native's (the reference) as test/support/tpc/compare.ts compares the conformance test's
// answers: the same columns, the same rows as a multiset, the query's ORDER BY respected,
// numbers by value. A query whose answers differ is a failed run unless the user asked to go on.
import { AssertionError } from 'node:assert';
import { assertSameResult, type Result } from '../../../test/support/tpc/compare.js';
import { TPCH_LIMIT, TPCH_ORDER, tpchQueryName } from '../../../test/support/tpc/tpch-queries.js';
import { QueryTimeout, type EngineId, type TpchEngine } from './engines.js';

/** What one engine's answer to one query came to. */
export type Check =
  | { kind: 'match' }
  | { kind: 'mismatch'; message: string }
  | { kind: 'timeout' }
  | { kind: 'error'; message: string }
  /** The reference failed: nothing to compare with. */
  | { kind: 'unchecked' };

export interface QueryCheck {
  n: number;
  byEngine: Map<EngineId, Check>;
}

function failure(e: unknown): Check {
  if (e instanceof QueryTimeout) return { kind: 'timeout' };
  const err = e as { message?: string; code?: string };
  return {
    kind: 'error',
    message: `${err.code ? `${err.code} ` : ''}${err.message ?? String(e)}`.trim(),
  };
}

/** The answer's first lines: the assertion says which row differs first. */
function firstLines(text: string, lines = 16): string {
  const all = text.split('\n');
  return all.slice(0, lines).join('\n') + (all.length > lines ? '\n…' : '');
}

export async function checkQuery(
  n: number,
  reference: TpchEngine,
  others: readonly TpchEngine[],
  log: (m: string) => void,
): Promise<QueryCheck> {
  const byEngine = new Map<EngineId, Check>();
  let expected: Result | undefined;
  try {
    expected = await reference.answer(n);
    byEngine.set(reference.id, { kind: 'match' });
  } catch (e) {
    byEngine.set(reference.id, failure(e));
  }
  for (const engine of others) {
    if (expected === undefined) {
      byEngine.set(engine.id, { kind: 'unchecked' });
      continue;
    }
    let actual: Result;
    try {
      actual = await engine.answer(n);
    } catch (e) {
      byEngine.set(engine.id, failure(e));
      continue;
    }
    try {
      assertSameResult(actual, expected, { order: TPCH_ORDER[n] ?? [], limit: TPCH_LIMIT[n] });
      byEngine.set(engine.id, { kind: 'match' });
    } catch (e) {
      if (!(e instanceof AssertionError)) throw e;
      // compare.ts names the sides after the conformance test; here they are these two engines.
      const message = firstLines(
        e.message
          .replace(/^lakeshift(:| )/gm, `${engine.label}$1`)
          .replace(/^duckdb( {4}|:)/gm, 'DuckDB native$1'),
      );
      byEngine.set(engine.id, { kind: 'mismatch', message });
    }
  }
  const summary = [...byEngine].map(([id, c]) => `${id} ${c.kind}`).join(', ');
  log(`check ${tpchQueryName(n)}: ${summary}`);
  return { n, byEngine };
}

/** Whether a check is a failure of the run (a timeout is recorded, not a failure). */
export function isProblem(c: Check | undefined): boolean {
  return c?.kind === 'mismatch' || c?.kind === 'error';
}

/** The error thrown when answers differ: every differing query, its engine and first row. */
export function mismatchError(
  checks: readonly QueryCheck[],
  engines: readonly TpchEngine[],
): Error | undefined {
  const lines: string[] = [];
  for (const q of checks) {
    for (const [id, c] of q.byEngine) {
      if (c.kind !== 'mismatch' && c.kind !== 'error') continue;
      const label = engines.find((e) => e.id === id)?.label ?? id;
      const what = c.kind === 'mismatch' ? 'answer differs from DuckDB native' : 'failed';
      lines.push(`${tpchQueryName(q.n)} on ${label}: ${what}:\n${c.message}`);
    }
  }
  if (lines.length === 0) return undefined;
  return new Error(
    `TPC-H answers are not the same on every engine, so nothing was timed ` +
      `(--continue-on-mismatch times them anyway and records the differences):\n\n` +
      lines.join('\n\n'),
  );
}
