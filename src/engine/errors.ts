// DuckDB's errors as PostgreSQL SQLSTATEs. DuckDB's C API reports an error as text that starts
// with its exception type ("Conversion Error: ...", "Catalog Error: ..."); that type, never the
// rest of the message, decides the SQLSTATE. Anything unknown stays XX000.
import { LakeshiftError, SqlState, messageOf, type SqlStateCode } from '../common/errors.js';

export const CANCELED_BY_USER = 'canceling statement due to user request';
export const CANCELED_BY_TIMEOUT = 'canceling statement due to statement timeout';

export type CancelReason = 'user' | 'timeout';

export function canceledError(reason: CancelReason): LakeshiftError {
  return new LakeshiftError(
    SqlState.queryCanceled,
    reason === 'timeout' ? CANCELED_BY_TIMEOUT : CANCELED_BY_USER,
  );
}

const BY_TYPE: Readonly<Record<string, SqlStateCode>> = {
  'Parser Error': SqlState.syntaxError,
  'Conversion Error': SqlState.invalidTextRepresentation,
  'Out of Range Error': SqlState.numericValueOutOfRange,
  'Out of Memory Error': SqlState.outOfMemory,
  'Not implemented Error': SqlState.featureNotSupported,
  'Permission Error': SqlState.insufficientPrivilege,
  'IO Error': SqlState.ioError,
  'Invalid Input Error': SqlState.invalidParameterValue,
  'Binder Error': SqlState.undefinedColumn,
  'Catalog Error': SqlState.undefinedObject,
  'Constraint Error': SqlState.uniqueViolation,
  'Transaction Error': SqlState.serializationFailure,
  'TransactionContext Error': SqlState.invalidTransactionState,
  'Interrupt Error': SqlState.queryCanceled,
  'INTERRUPT Error': SqlState.queryCanceled,
};

/** A DuckDB failure as a LakeshiftError (LakeshiftErrors pass through unchanged). */
export function fromDuckDBError(e: unknown, cancelReason?: CancelReason): LakeshiftError {
  if (e instanceof LakeshiftError) return e;
  const message = messageOf(e);
  const colon = message.indexOf(': ');
  const type = colon > 0 ? message.slice(0, colon) : '';
  let sqlstate = BY_TYPE[type];
  if (sqlstate === SqlState.queryCanceled) return canceledError(cancelReason ?? 'user');
  let text = colon > 0 && sqlstate !== undefined ? message.slice(colon + 2) : message;
  // DuckDB appends the statement text with a caret ("LINE 1: ..."): the protocol has a position
  // field for that, which the SQL front end owns.
  const line = text.indexOf('\n\nLINE ');
  if (line >= 0) text = text.slice(0, line);
  // Errors raised by generated SQL and UDFs name their SQLSTATE: "[22P02] invalid input ...".
  const own = /^\[([0-9A-Z]{5})\] /.exec(text);
  if (own)
    return new LakeshiftError(own[1] as SqlStateCode, text.slice(own[0].length).trim(), {
      cause: e,
    });
  if (type === 'Catalog Error' && /^Table with name .* does not exist/.test(text)) {
    sqlstate = SqlState.undefinedTable;
  } else if (type === 'Catalog Error' && /^(Scalar|Table|Aggregate) Function/.test(text)) {
    sqlstate = SqlState.undefinedFunction;
  } else if (type === 'Binder Error' && /^No function matches/.test(text)) {
    sqlstate = SqlState.undefinedFunction;
  } else if (type === 'Binder Error' && /^Referenced table .* not found/.test(text)) {
    sqlstate = SqlState.undefinedTable;
  } else if (type === 'Binder Error' && /^Ambiguous reference to column/.test(text)) {
    sqlstate = SqlState.ambiguousColumn;
  } else if (type === 'Constraint Error' && /NOT NULL/.test(text)) {
    sqlstate = SqlState.notNullViolation;
  } else if (type === 'Out of Range Error' && /[Dd]ivision by zero/.test(text)) {
    sqlstate = SqlState.divisionByZero;
  } else if (/^value too long for type/.test(text)) {
    sqlstate = SqlState.stringDataRightTruncation;
  } else if (/^Division by zero/i.test(text)) {
    sqlstate = SqlState.divisionByZero;
  } else if (/More than one row returned by a subquery/i.test(text)) {
    sqlstate = SqlState.cardinalityViolation;
    text = 'more than one row returned by a subquery used as an expression';
  } else if (type === 'Binder Error' && /must appear in the GROUP BY clause/.test(text)) {
    sqlstate = SqlState.groupingError;
    text = text.split('\n')[0]!;
  } else if (type === 'Conversion Error' && /out of range for the destination type/.test(text)) {
    sqlstate = SqlState.numericValueOutOfRange;
  } else if (
    type === 'Conversion Error' &&
    /field value out of range|date field value/.test(text)
  ) {
    sqlstate = SqlState.datetimeFieldOverflow;
  }
  return new LakeshiftError(sqlstate ?? SqlState.internalError, text.trim(), { cause: e });
}
