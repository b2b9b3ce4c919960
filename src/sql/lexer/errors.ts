// Errors of the SQL front end, in PostgreSQL's wording: `syntax error at or near "x"` (42601)
// with a 1-based character position, and 0A000 for constructs we know but do not support yet.
import { LakeshiftError, SqlState } from '../../common/errors.js';

export function syntaxError(message: string, position: number): LakeshiftError {
  return new LakeshiftError(SqlState.syntaxError, message, { position });
}

/** `syntax error at or near "tok"`, or `syntax error at end of input` when tok is undefined. */
export function syntaxErrorAt(tokenText: string | undefined, position: number): LakeshiftError {
  const where = tokenText === undefined ? 'at end of input' : `at or near "${tokenText}"`;
  return syntaxError(`syntax error ${where}`, position);
}

export function notSupported(what: string, position?: number): LakeshiftError {
  return new LakeshiftError(
    SqlState.featureNotSupported,
    `${what} is not supported yet`,
    position === undefined ? {} : { position },
  );
}
