// Redshift's conditional expressions and math functions that DuckDB spells differently: NVL with
// any number of arguments, NVL2, DECODE (a NULL search value matches NULL), DEXP, DLOG1, DLOG10.
// https://docs.aws.amazon.com/redshift/latest/dg/c_conditional_expressions.html
// https://docs.aws.amazon.com/redshift/latest/dg/Math_functions.html
import { quoteLiteral } from '../../common/sql-quote.js';
import { sqlstateMessage } from '../../engine/udfs.js';
import type { FunctionCall } from '../ast/index.js';
import type { DuckDbPrinter } from '../print/index.js';
import { counts, unifyLiterals, type RedshiftFunction } from './function-helpers.js';

/** The arguments printed, string literals typed like the other arguments (unifyLiterals). */
const unified = (c: FunctionCall, p: DuckDbPrinter) => unifyLiterals(c.args).map((a) => p.expr(a));

/** A function DuckDB has under the same name, with Redshift's typing of string literals. */
const sameName = (
  name: string,
  doc: string,
  example: string,
  arity: number[],
): RedshiftFunction => ({
  name,
  doc,
  example,
  arity,
  translate: (c, p) => `${name}(${unified(c, p).join(', ')})`,
});

export const NULL_MATH_FUNCTIONS: RedshiftFunction[] = [
  {
    name: 'nvl',
    doc: 'r_NVL_function.html',
    example: "SELECT nvl(NULL, 'b')",
    // NVL takes any number of expressions, like COALESCE.
    arity: counts(2, 100),
    translate: (c, p) => `coalesce(${unified(c, p).join(', ')})`,
  },
  sameName('coalesce', 'r_NVL_function.html', 'SELECT coalesce(NULL, 12, NULL)', counts(1, 100)),
  sameName('greatest', 'r_GREATEST_LEAST.html', 'SELECT greatest(1, 5, 3)', counts(1, 100)),
  sameName('least', 'r_GREATEST_LEAST.html', "SELECT least('pear', 'apple')", counts(1, 100)),
  sameName('nullif', 'r_NULLIF_function.html', "SELECT nullif('a', 'a')", [2]),
  {
    name: 'nvl2',
    doc: 'r_NVL2.html',
    example: "SELECT nvl2(NULL, 'not null', 'null')",
    arity: [3],
    translate: (c, p) => {
      const e = p.expr(c.args[0]!);
      const [a, b] = unifyLiterals(c.args.slice(1)).map((x) => p.expr(x));
      return `(CASE WHEN (${e}) IS NOT NULL THEN ${a} ELSE ${b} END)`;
    },
  },
  {
    name: 'decode',
    doc: 'r_DECODE_expression.html',
    example: "SELECT decode(2, 1, 'one', 2, 'two', 'other')",
    arity: counts(3, 62),
    // A NULL search value matches a NULL expression, as in Redshift.
    // Search values take the expression's type, results each other's (string literals).
    translate: (c, p) => {
      const [expr, ...rest] = c.args;
      const searches = rest.filter((_, i) => i % 2 === 0 && i + 1 < rest.length);
      const results = rest.filter((_, i) => i % 2 === 1 || i === rest.length - 1);
      const [e, ...s] = unifyLiterals([expr!, ...searches]).map((x) => p.expr(x));
      const r = unifyLiterals(results).map((x) => p.expr(x));
      const whens = s.map((v, i) => `WHEN (${e}) IS NOT DISTINCT FROM (${v}) THEN ${r[i]}`);
      const dflt = rest.length % 2 === 1 ? ` ELSE ${r[r.length - 1]}` : '';
      return `(CASE ${whens.join(' ')}${dflt} END)`;
    },
  },
  {
    name: 'mod',
    doc: 'r_MOD.html',
    example: 'SELECT mod(10, 4)',
    arity: [2],
    // The remainder has the sign of the dividend; a zero divisor fails (22012), as `%` does.
    translate: (c, p) => {
      const [a, b] = c.args.map((x) => p.expr(x));
      return `(CASE WHEN (${b}) = 0 THEN error(${quoteLiteral(sqlstateMessage('22012', 'division by zero'))}) ELSE (${a}) % (${b}) END)`;
    },
  },
  {
    name: 'dexp',
    doc: 'r_DEXP.html',
    example: 'SELECT dexp(1)',
    arity: [1],
    translate: (c, p) => `exp(CAST(${p.expr(c.args[0]!)} AS DOUBLE))`,
  },
  {
    name: 'dlog1',
    doc: 'r_DLOG1_function.html',
    example: 'SELECT dlog1(2.718281828)',
    arity: [1],
    translate: (c, p) => `ln(CAST(${p.expr(c.args[0]!)} AS DOUBLE))`,
  },
  {
    name: 'dlog10',
    doc: 'r_DLOG10_function.html',
    example: 'SELECT dlog10(100)',
    arity: [1],
    translate: (c, p) => `log10(CAST(${p.expr(c.args[0]!)} AS DOUBLE))`,
  },
];
