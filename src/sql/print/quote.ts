// Quoting of identifiers and strings for printed SQL.
import type { Ident } from '../ast/index.js';
import {
  quoteIdent as quoteIdentText,
  quoteLiteral as quoteString,
} from '../../common/sql-quote.js';
import { RESERVED, TYPE_FUNC_NAME } from '../parser/keywords.js';

const SIMPLE = /^[a-z_][a-z0-9_$]*$/;

export {
  quoteIdent as quoteIdentText,
  quoteLiteral as quoteString,
} from '../../common/sql-quote.js';

/** An identifier in a position where keywords are not names (first part of a name). */
export function identText(id: Ident): string {
  if (
    id.quoted ||
    !SIMPLE.test(id.value) ||
    RESERVED.has(id.value) ||
    TYPE_FUNC_NAME.has(id.value)
  ) {
    return quoteIdentText(id.value);
  }
  return id.value;
}

/** An identifier where any word is accepted (after AS, after a dot, option names). */
export function labelText(id: Ident): string {
  if (id.quoted || !SIMPLE.test(id.value)) return quoteIdentText(id.value);
  return id.value;
}

/** A function name part: type_func_name keywords (left, right) stay bare. */
export function funcNameText(id: Ident): string {
  if (id.quoted || !SIMPLE.test(id.value) || RESERVED.has(id.value))
    return quoteIdentText(id.value);
  return id.value;
}

/**
 * A string literal that reads the same whether standard_conforming_strings is on or off: with
 * a backslash inside, the E'...' form with the backslash doubled.
 */
export function quoteStringPortable(value: string): string {
  if (!value.includes('\\')) return quoteString(value);
  return `E'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}
