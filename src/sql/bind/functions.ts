// Redshift's functions that DuckDB spells differently or lacks, declared as data: name, the
// Redshift documentation page it follows, an example, and its DuckDB translation over the
// printed arguments. Functions DuckDB has with Redshift's meaning need no entry. The entries live
// by area (functions-datetime.ts, functions-string.ts, functions-null-math.ts, functions-super.ts,
// functions-super-array.ts); some call
// DuckDB macros (function-macros.ts) or TypeScript UDFs (src/engine/udfs.ts).
// https://docs.aws.amazon.com/redshift/latest/dg/c_SQL_functions.html
import { LakeshiftError, SqlState } from '../../common/errors.js';
import { noFunctionCall } from '../../engine/udfs.js';
import type { FunctionCall } from '../ast/index.js';
import type { DuckDbPrinter } from '../print/index.js';
import { args, type RedshiftFunction } from './function-helpers.js';
import { DATETIME_FUNCTIONS } from './functions-datetime.js';
import { NULL_MATH_FUNCTIONS } from './functions-null-math.js';
import { STRING_FUNCTIONS } from './functions-string.js';
import { SUPER_FUNCTIONS } from './functions-super.js';
import { SUPER_ARRAY_FUNCTIONS } from './functions-super-array.js';

export type { RedshiftFunction } from './function-helpers.js';

const FUNCTIONS: RedshiftFunction[] = [
  ...NULL_MATH_FUNCTIONS,
  ...DATETIME_FUNCTIONS,
  ...STRING_FUNCTIONS,
  ...SUPER_FUNCTIONS,
  ...SUPER_ARRAY_FUNCTIONS,
  {
    name: 'listagg',
    doc: 'r_LISTAGG.html',
    example:
      "SELECT listagg(name, ', ') WITHIN GROUP (ORDER BY name) FROM (VALUES ('b'), ('a')) AS t(name)",
    arity: [1, 2],
    translate: (c, p) => {
      if (c.over) return undefined;
      const [e, delim] = args(c, p);
      const order = c.withinGroup?.length ? ` ORDER BY ${p.orderItems(c.withinGroup)}` : '';
      return `string_agg(${c.distinct ? 'DISTINCT ' : ''}${e}, ${delim ?? "''"}${order})`;
    },
  },
  {
    name: 'avg',
    doc: 'r_AVG.html',
    example: 'SELECT avg(x) FROM (VALUES (1), (2)) AS t(x)',
    arity: [1],
    // The average of integers is an integer, truncated (avg of 1 and 2 is 1); of DECIMAL and
    // floating point values a DOUBLE, as DuckDB's avg. Without argument types, the sum divided
    // by the count gives both: sessions run with DuckDB's integer_division, so an integer sum
    // divides as an integer (a HUGEINT, reported as numeric where Redshift says BIGINT). DISTINCT,
    // FILTER and OVER apply to the sum and the count alike.
    translate: (c, p) => {
      const part = (name: string) => {
        const call: FunctionCall = { ...c, name: [{ value: name, quoted: false }] };
        return p.functionCallWith(call, name, p.functionArgs(call));
      };
      return `(${part('sum')} / nullif(${part('count')}, 0))`;
    },
  },
  {
    name: 'ratio_to_report',
    doc: 'r_WF_RATIO_TO_REPORT.html',
    example: 'SELECT ratio_to_report(x) OVER () FROM (VALUES (1), (3)) AS t(x)',
    arity: [1],
    // A value divided by the sum of the values of its partition, as DOUBLE PRECISION (the window
    // has no ORDER BY or frame in Redshift's syntax: the whole partition).
    translate: (c, p) => {
      if (c.over === undefined) {
        throw new LakeshiftError(SqlState.syntaxError, 'RATIO_TO_REPORT requires an OVER clause', {
          position: c.pos,
        });
      }
      const sum: FunctionCall = { ...c, name: [{ value: 'sum', quoted: false }] };
      const value = p.expr(c.args[0]!);
      return `(CAST(${value} AS DOUBLE) / ${p.functionCallWith(sum, 'sum', p.functionArgs(sum))})`;
    },
  },
];

const BY_NAME = new Map(FUNCTIONS.map((f) => [f.name, f]));

export function redshiftFunction(name: string): RedshiftFunction | undefined {
  return BY_NAME.get(name);
}

export function redshiftFunctions(): readonly RedshiftFunction[] {
  return FUNCTIONS;
}

/** DuckDB SQL for a call of a Redshift function, or undefined when DuckDB's own applies. */
export function translateRedshiftCall(
  call: FunctionCall,
  printer: DuckDbPrinter,
): string | undefined {
  const name = call.name[call.name.length - 1]!.value;
  const fn = BY_NAME.get(name);
  if (fn === undefined || (call.name.length > 1 && call.name[0]!.value !== 'pg_catalog')) {
    return undefined;
  }
  // No such argument count: DuckDB's binder names the argument types in the 42883 error.
  if (!fn.arity.includes(call.args.length))
    return noFunctionCall(name, call.pos, args(call, printer));
  return fn.translate(call, printer);
}
