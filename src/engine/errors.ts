// DuckDB's errors as PostgreSQL SQLSTATEs. DuckDB's C API reports an error as text that starts
// with its exception type ("Conversion Error: ...", "Catalog Error: ..."); that type, never the
// rest of the message, decides the SQLSTATE. Anything unknown stays XX000.
import { LakeshiftError, SqlState, messageOf, type SqlStateCode } from '../common/errors.js';
import { noFunctionMarker } from './udfs.js';

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
  const pg = postgresMessage(type, text);
  if (pg !== undefined)
    return new LakeshiftError(pg.sqlstate, pg.message, { ...pg.options, cause: e });
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
    /to type DECIMAL\(\d+,\s*\d+\) failed: value is out of range/.test(text)
  ) {
    // A value with more integer digits than the column's precision allows (PostgreSQL's words).
    sqlstate = SqlState.numericValueOutOfRange;
    text = 'numeric field overflow';
  } else if (
    type === 'Conversion Error' &&
    /field value out of range|date field value/.test(text)
  ) {
    sqlstate = SqlState.datetimeFieldOverflow;
  }
  return new LakeshiftError(sqlstate ?? SqlState.internalError, text.trim(), { cause: e });
}

/** DuckDB's type names (in its binder and conversion messages) as PostgreSQL's. */
const PG_TYPE_NAMES: Readonly<Record<string, string>> = {
  INTEGER_LITERAL: 'integer',
  STRING_LITERAL: 'unknown',
  '"NULL"': 'unknown',
  NULL: 'unknown',
  TINYINT: 'smallint',
  SMALLINT: 'smallint',
  INT16: 'smallint',
  INTEGER: 'integer',
  INT32: 'integer',
  BIGINT: 'bigint',
  INT64: 'bigint',
  HUGEINT: 'numeric',
  INT128: 'numeric',
  FLOAT: 'real',
  DOUBLE: 'double precision',
  VARCHAR: 'character varying',
  BOOLEAN: 'boolean',
  BOOL: 'boolean',
  DATE: 'date',
  TIME: 'time without time zone',
  'TIME WITH TIME ZONE': 'time with time zone',
  TIMESTAMP: 'timestamp without time zone',
  'TIMESTAMP WITH TIME ZONE': 'timestamp with time zone',
  INTERVAL: 'interval',
  BLOB: 'varbyte',
  JSON: 'super',
};

export function pgTypeName(duckdbType: string): string {
  const t = duckdbType.trim();
  if (t.endsWith('[]')) return `${pgTypeName(t.slice(0, -2))}[]`;
  if (/^DECIMAL\(/.test(t)) return 'numeric';
  if (/^STRUCT\(/.test(t)) return 'record';
  return PG_TYPE_NAMES[t] ?? t.toLowerCase();
}

/** A type list "A, B(1,2), STRUCT(x INTEGER, y VARCHAR)" split at its top-level commas. */
function splitTypes(list: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    const c = list[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === '(') depth++;
    else if (!quoted && c === ')') depth--;
    else if (!quoted && depth === 0 && c === ',') {
      out.push(list.slice(start, i).trim());
      start = i + 1;
    }
  }
  const last = list.slice(start).trim();
  if (last !== '') out.push(last);
  return out;
}

/**
 * PostgreSQL's input function names in its "invalid input syntax" messages, by DuckDB's type
 * (Redshift keeps PostgreSQL 8.0's wording: "for integer" without "type").
 */
function inputSyntaxMessage(duckdbType: string, value: string): string {
  const t = pgTypeName(duckdbType);
  return t === 'integer' || t === 'smallint'
    ? `invalid input syntax for integer: "${value}"`
    : `invalid input syntax for type ${t}: "${value}"`;
}

interface PgError {
  sqlstate: SqlStateCode;
  message: string;
  options?: { position?: number; hint?: string };
}

/** DuckDB messages that have a PostgreSQL counterpart, in PostgreSQL's words. */
function postgresMessage(type: string, text: string): PgError | undefined {
  if (type === 'Binder Error') {
    const m = /^No function matches the given name and argument types '([^(]*)\((.*)\)'\./s.exec(
      text,
    );
    if (m) {
      let name = m[1]!;
      let types = splitTypes(m[2]!);
      let position: number | undefined;
      const marker = types[0] === undefined ? undefined : noFunctionMarker(types[0]);
      if (marker !== undefined) {
        name = marker.name;
        position = marker.position || undefined;
        types = types.slice(1);
      }
      const pgTypes = types.map(pgTypeName);
      if (/^[^A-Za-z_]+$/.test(name)) {
        // An operator: PostgreSQL names it between (or before) its operand types.
        return {
          sqlstate: SqlState.undefinedFunction,
          message: `operator does not exist: ${pgTypes.length === 2 ? `${pgTypes[0]} ${name} ${pgTypes[1]}` : `${name} ${pgTypes.join(', ')}`}`,
          options: {
            hint: 'No operator matches the given name and argument types. You might need to add explicit type casts.',
          },
        };
      }
      return {
        sqlstate: SqlState.undefinedFunction,
        message: `function ${name}(${pgTypes.join(', ')}) does not exist`,
        options: {
          position,
          hint: 'No function matches the given name and argument types. You might need to add explicit type casts.',
        },
      };
    }
    const column =
      /^Referenced column "(.+?)" (?:not found in FROM clause|was not found because the FROM clause is missing)/.exec(
        text,
      ) ?? /^Column "(.+?)" referenced that exists in the SELECT clause/.exec(text);
    if (column) {
      return {
        sqlstate: SqlState.undefinedColumn,
        message: `column "${column[1]}" does not exist`,
      };
    }
    const qualified = /^(?:Table|Values list) "(.+?)" does not have a column named "(.+?)"/.exec(
      text,
    );
    if (qualified) {
      return {
        sqlstate: SqlState.undefinedColumn,
        message: `column ${qualified[1]}.${qualified[2]} does not exist`,
      };
    }
    const table = /^Referenced table "(.+?)" not found/.exec(text);
    if (table) {
      return {
        sqlstate: SqlState.undefinedTable,
        message: `missing FROM-clause entry for table "${table[1]}"`,
      };
    }
    const mix =
      /^Cannot mix values of type (.+?) and (.+?) in (COALESCE|CASE) (?:operator|expression)/.exec(
        text,
      );
    if (mix) {
      return {
        sqlstate: SqlState.datatypeMismatch,
        message: `${mix[3]} types ${pgTypeName(mix[1]!)} and ${pgTypeName(mix[2]!)} cannot be matched`,
      };
    }
  }
  if (type === 'Catalog Error') {
    const m = /^Scalar Function with name (.+?) does not exist!/.exec(text);
    if (m)
      return { sqlstate: SqlState.undefinedFunction, message: `function ${m[1]} does not exist` };
  }
  if (type === 'Conversion Error') {
    const conv = /^Could not convert string (['"])(.*)\1 to ([A-Z0-9_(), ]+?)\s*$/s.exec(
      text.split('\n')[0]!,
    );
    if (conv) {
      return {
        sqlstate: SqlState.invalidTextRepresentation,
        message: inputSyntaxMessage(conv[3]!, conv[2]!),
      };
    }
    const dt = /^invalid (date|timestamp) field format: "(.*?)", expected format/.exec(text);
    if (dt) {
      return {
        sqlstate: SqlState.invalidDatetimeFormat,
        message: `invalid input syntax for type ${dt[1]}: "${dt[2]}"`,
      };
    }
    const range =
      /^Type \S+ with value .* can't be cast because the value is out of range for the destination type (\S+)/.exec(
        text,
      );
    if (range) {
      return {
        sqlstate: SqlState.numericValueOutOfRange,
        message: `${pgTypeName(range[1]!)} out of range`,
      };
    }
  }
  if (type === 'Out of Range Error' && /^cannot take logarithm/.test(text)) {
    return { sqlstate: SqlState.invalidArgumentForLogarithm, message: text };
  }
  if (type === 'Out of Range Error' && /^cannot take square root of a negative number/.test(text)) {
    return { sqlstate: SqlState.invalidArgumentForPowerFunction, message: text };
  }
  if (type === 'Out of Range Error') {
    const overflow =
      /^Overflow in (?:addition|subtraction|multiplication|negation) of (INT16|INT32|INT64)/.exec(
        text,
      );
    if (overflow) {
      return {
        sqlstate: SqlState.numericValueOutOfRange,
        message: `${pgTypeName(overflow[1]!)} out of range`,
      };
    }
  }
  return undefined;
}
