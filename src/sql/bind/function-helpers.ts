// What the function registry's translations share: the entry type, argument printing, constant
// arguments, and typed casts of unknown-typed literals.
import { LakeshiftError, SqlState } from '../../common/errors.js';
import type { Expr, FunctionCall, TypeName } from '../ast/index.js';
import type { DuckDbPrinter } from '../print/index.js';

export interface RedshiftFunction {
  name: string;
  /** Page under https://docs.aws.amazon.com/redshift/latest/dg/ */
  doc: string;
  example: string;
  /** Accepted argument counts. */
  arity: readonly number[];
  /** DuckDB SQL of the call, or undefined to print it as written. */
  translate(call: FunctionCall, printer: DuckDbPrinter): string | undefined;
}

/** Argument counts from `min` to `max`. */
export const counts = (min: number, max: number): number[] =>
  Array.from({ length: max - min + 1 }, (_, i) => i + min);

/** The DuckDB SQL of every argument. */
export const args = (call: FunctionCall, p: DuckDbPrinter): string[] =>
  call.args.map((a) => p.expr(a));

/**
 * Division or modulo as PostgreSQL and Redshift do it: by zero is an error (DuckDB's is NULL),
 * but a NULL dividend gives NULL before the divisor is looked at (NULL / 0 is NULL). Integers
 * divide as integers: sessions run with DuckDB's integer_division on.
 */
export function divisionSql(dividend: string, op: '/' | '%', divisor: string): string {
  return `(CASE WHEN (${divisor}) = 0 AND (${dividend}) IS NOT NULL THEN error('division by zero') ELSE (${dividend}) ${op} (${divisor}) END)`;
}

export function typeName(name: string): TypeName {
  return { kind: 'TypeName', name, spelling: name, modifiers: [], arrayDims: 0 };
}

/**
 * An argument that Redshift reads as a timestamp: a string literal (unknown type) becomes a
 * TIMESTAMP literal, read in the session's DateStyle like any other; anything else as is, so
 * that DATE, TIME and TIMESTAMPTZ values keep their type.
 */
export function datetimeArg(e: Expr, p: DuckDbPrinter): string {
  if (e.kind === 'StringLit') {
    return p.expr({
      kind: 'Cast',
      expr: e,
      type: typeName('timestamp'),
      syntax: 'cast',
      pos: e.pos,
    });
  }
  return p.expr(e);
}

/** A NULL literal typed (DuckDB's functions cannot take an untyped NULL everywhere). */
export function typedNull(e: Expr, p: DuckDbPrinter, type: string): string {
  return e.kind === 'NullLit' ? `CAST(NULL AS ${type})` : p.expr(e);
}

/** The value of an argument that must be a constant string, or undefined. */
export function constantString(e: Expr | undefined): string | undefined {
  return e?.kind === 'StringLit' ? e.value : undefined;
}

/** The value of an argument that must be a constant integer, or undefined. */
export function constantInt(e: Expr | undefined): number | undefined {
  if (e?.kind === 'NumberLit' && /^\d+$/.test(e.value)) return Number(e.value);
  if (e?.kind === 'Unary' && e.op === '-') {
    const v = constantInt(e.operand);
    return v === undefined ? undefined : -v;
  }
  return undefined;
}

export function unsupported(what: string, pos: number | undefined): LakeshiftError {
  return new LakeshiftError(SqlState.featureNotSupported, `${what} is not supported yet`, {
    position: pos,
  });
}

export function invalidArgument(message: string, pos: number | undefined): LakeshiftError {
  return new LakeshiftError(SqlState.invalidParameterValue, message, { position: pos });
}

/** A numeric literal, possibly negated: its text, or undefined. */
function numberLiteral(e: Expr): string | undefined {
  if (e.kind === 'NumberLit') return e.value;
  if (e.kind === 'Unary' && (e.op === '-' || e.op === '+')) return numberLiteral(e.operand);
  return undefined;
}

/**
 * PostgreSQL's (and Redshift's) rule for the branches of COALESCE/NVL, CASE, GREATEST/LEAST,
 * NULLIF and DECODE: a string literal has no type of its own and takes the other branches'.
 * When those are all numeric literals, the string literals become INTEGER (or NUMERIC) literals,
 * so COALESCE(NULL, 'Amazon Redshift', 12) fails with 22P02 as documented; with typed branches
 * DuckDB's binder already casts string literals to the branch type.
 * https://docs.aws.amazon.com/redshift/latest/dg/r_NVL_function.html
 */
export function unifyLiterals(exprs: Expr[]): Expr[] {
  if (!exprs.some((e) => e.kind === 'StringLit')) return exprs;
  const typed = exprs.filter((e) => e.kind !== 'StringLit' && e.kind !== 'NullLit');
  const numbers = typed.map(numberLiteral);
  if (typed.length === 0 || numbers.some((n) => n === undefined)) return exprs;
  const integral = numbers.every((n) => /^\d+$/.test(n!));
  const type = typeName(integral ? 'int4' : 'numeric');
  if (!integral) {
    const scale = Math.max(...numbers.map((n) => (n!.split('.')[1] ?? '').length));
    type.modifiers = [38, scale];
  }
  return exprs.map((e) =>
    e.kind === 'StringLit' ? { kind: 'Cast', expr: e, type, syntax: 'cast', pos: e.pos } : e,
  );
}
