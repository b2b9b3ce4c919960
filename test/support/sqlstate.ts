// Assertions on the errors a user sees: a LakeshiftError with this SQLSTATE whose message names
// what it should.

import assert from 'node:assert/strict';
import { isLakeshiftError, type SqlStateCode } from '../../src/common/errors.js';

/** Asserts that `promise` rejects with a LakeshiftError of `sqlstate` mentioning each text. */
export async function rejectsWith(
  promise: Promise<unknown>,
  sqlstate: SqlStateCode,
  ...mentions: string[]
): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(isLakeshiftError(e), `expected a LakeshiftError, got ${String(e)}`);
    assert.equal(e.sqlstate, sqlstate, e.message);
    for (const text of mentions)
      assert.ok(e.message.includes(text), `"${e.message}" lacks "${text}"`);
    return true;
  });
}
