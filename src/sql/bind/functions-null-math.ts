// Redshift's conditional expressions and math functions that DuckDB spells differently: NVL with
// any number of arguments, NVL2, DECODE (a NULL search value matches NULL), DEXP, DLOG1, DLOG10.
// https://docs.aws.amazon.com/redshift/latest/dg/c_conditional_expressions.html
// https://docs.aws.amazon.com/redshift/latest/dg/Math_functions.html
import { args, counts, type RedshiftFunction } from './function-helpers.js';

export const NULL_MATH_FUNCTIONS: RedshiftFunction[] = [
  {
    name: 'nvl',
    doc: 'r_NVL_function.html',
    example: "SELECT nvl(NULL, 'b')",
    // NVL takes any number of expressions, like COALESCE.
    arity: counts(2, 100),
    translate: (c, p) => `coalesce(${args(c, p).join(', ')})`,
  },
  {
    name: 'nvl2',
    doc: 'r_NVL2.html',
    example: "SELECT nvl2(NULL, 'not null', 'null')",
    arity: [3],
    translate: (c, p) => {
      const [e, a, b] = args(c, p);
      return `(CASE WHEN (${e}) IS NOT NULL THEN ${a} ELSE ${b} END)`;
    },
  },
  {
    name: 'decode',
    doc: 'r_DECODE_expression.html',
    example: "SELECT decode(2, 1, 'one', 2, 'two', 'other')",
    arity: counts(3, 62),
    // A NULL search value matches a NULL expression, as in Redshift.
    translate: (c, p) => {
      const [e, ...rest] = args(c, p);
      const whens: string[] = [];
      for (let i = 0; i + 1 < rest.length; i += 2) {
        whens.push(`WHEN (${e}) IS NOT DISTINCT FROM (${rest[i]}) THEN ${rest[i + 1]}`);
      }
      const dflt = rest.length % 2 === 1 ? ` ELSE ${rest[rest.length - 1]}` : '';
      return `(CASE ${whens.join(' ')}${dflt} END)`;
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
