// Object keys are '/'-separated relative paths. Both backends check them the same way so that a
// key valid on one store is valid on the other, and no key can escape a store's root.

import { LakeshiftError, SqlState } from '../../common/errors.js';

function badSegment(segment: string): boolean {
  return segment === '' || segment === '.' || segment === '..';
}

/** Throws 22023 unless key is a non-empty relative path without '.', '..' or empty segments. */
export function checkKey(key: string): void {
  const ok =
    key.length > 0 &&
    !key.includes('\\') &&
    !key.includes('\0') &&
    !key.split('/').some(badSegment);
  if (!ok) {
    throw new LakeshiftError(
      SqlState.invalidParameterValue,
      `invalid object key "${key}": use a relative path of '/'-separated names without "." or ".." parts`,
    );
  }
}

/** A list prefix is '' or a key, optionally ending in '/'. */
export function checkPrefix(prefix: string): void {
  if (prefix === '') return;
  checkKey(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix);
}
