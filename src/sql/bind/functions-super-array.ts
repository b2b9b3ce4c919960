// Redshift's SUPER type predicates (IS_ARRAY ... IS_CHAR), the SUPER constructors OBJECT and
// ARRAY, the array functions, OBJECT_TRANSFORM, and FROM_VARBYTE/TO_VARBYTE. Arrays and objects
// built here are written as JSON text (elements keep their text); the macros are in
// super-macros.ts.
// https://docs.aws.amazon.com/redshift/latest/dg/c_Type_Info_Functions.html
// https://docs.aws.amazon.com/redshift/latest/dg/c_Array_Functions.html
import { LakeshiftError, SqlState } from '../../common/errors.js';
import { quoteLiteral } from '../../common/sql-quote.js';
import type { Expr, FunctionCall } from '../ast/index.js';
import type { DuckDbPrinter } from '../print/index.js';
import { FUNCTION_SCHEMA } from './function-macros.js';
import {
  args,
  constantString,
  counts,
  invalidArgument,
  unsupported,
  type RedshiftFunction,
} from './function-helpers.js';
import { superText } from './functions-super.js';

const s = FUNCTION_SCHEMA;

/** A predicate over the JSON text `t` of its SUPER argument; false for NULL, as documented. */
const predicate = (name: string, doc: string, example: string, test: (t: string) => string) => ({
  name,
  doc,
  example,
  arity: [1],
  translate: (c: FunctionCall, p: DuckDbPrinter) => `coalesce(${test(superText(c, p))}, false)`,
});

const TYPE_PREDICATES: RedshiftFunction[] = [
  predicate(
    'is_array',
    'r_is_array.html',
    "SELECT is_array(json_parse('[1,2]'))",
    (t) => `json_type(${t}) = 'ARRAY'`,
  ),
  predicate(
    'is_object',
    'r_is_object.html',
    `SELECT is_object(json_parse('{"a":1}'))`,
    (t) => `json_type(${t}) = 'OBJECT'`,
  ),
  predicate(
    'is_boolean',
    'r_is_boolean.html',
    "SELECT is_boolean(json_parse('true'))",
    (t) => `json_type(${t}) = 'BOOLEAN'`,
  ),
  // Not an array or an object, and not null.
  predicate(
    'is_scalar',
    'r_is_scalar.html',
    "SELECT is_scalar(json_parse('1'))",
    (t) => `json_type(${t}) NOT IN ('ARRAY', 'OBJECT', 'NULL')`,
  ),
  predicate(
    'is_varchar',
    'r_is_varchar.html',
    'SELECT is_varchar(json_parse(\'"abc"\'))',
    (t) => `starts_with(${t}, '"')`,
  ),
  // A string of ASCII characters only.
  predicate(
    'is_char',
    'r_is_char.html',
    'SELECT is_char(json_parse(\'"t"\'))',
    (t) =>
      `starts_with(${t}, '"') AND NOT regexp_matches(json_extract_string(${t}, '$'), '[^\\x00-\\x7F]')`,
  ),
  predicate(
    'is_number',
    'r_is_number.html',
    "SELECT is_number(json_parse('1.5'))",
    (t) => `${s}.super_is_number(${t})`,
  ),
  // Written with an exponent (Redshift shows FLOAT values in SUPER as 2.22e+0).
  predicate(
    'is_float',
    'r_is_float.html',
    "SELECT is_float(json_parse('2.22e+0'))",
    (t) => `${s}.super_is_float(${t})`,
  ),
  // Not floating point: integers of any size and fractions without exponent.
  predicate(
    'is_decimal',
    'r_is_decimal.html',
    "SELECT is_decimal(json_parse('1.22'))",
    (t) => `${s}.super_is_decimal(${t})`,
  ),
  // Scale 0 within 16, 32 and 64 bits.
  predicate(
    'is_smallint',
    'r_is_smallint.html',
    "SELECT is_smallint(json_parse('5'))",
    (t) => `${s}.super_is_int(${t}, 16)`,
  ),
  predicate(
    'is_integer',
    'r_is_integer.html',
    "SELECT is_integer(json_parse('5'))",
    (t) => `${s}.super_is_int(${t}, 32)`,
  ),
  predicate(
    'is_bigint',
    'r_is_bigint.html',
    "SELECT is_bigint(json_parse('5'))",
    (t) => `${s}.super_is_int(${t}, 64)`,
  ),
];

/** The JSON text of each argument as an element of an array or object (SQL NULL is null). */
const elements = (c: FunctionCall, p: DuckDbPrinter, from: number, step: number) =>
  c.args.flatMap((_, i) =>
    i >= from && (i - from) % step === 0 ? [`coalesce(${superText(c, p, i)}, 'null')`] : [],
  );

/** A path of OBJECT_TRANSFORM: double-quoted keys separated by periods ('"a"."b"'). */
export function transformPath(e: Expr): string[] {
  const text = constantString(e);
  const keys: string[] = [];
  const re = /"((?:[^"]|"")*)"(\.|$)/y;
  let m: RegExpExecArray | null;
  while (text !== undefined && re.lastIndex < text.length && (m = re.exec(text)) !== null) {
    keys.push(m[1]!.replaceAll('""', '"'));
    if (m[2] === '') break;
  }
  if (text === undefined || keys.length === 0 || re.lastIndex !== text.length) {
    throw invalidArgument(
      `OBJECT_TRANSFORM: a path is a constant string of double-quoted keys separated by periods, not ${text === undefined ? 'an expression' : quoteLiteral(text)}`,
      e.pos,
    );
  }
  return keys;
}

/** A nested JSON object holding `value` (JSON) at `keys`. */
const nested = (keys: string[], value: string): string =>
  keys.reduceRight((inner, key) => `json_object(${quoteLiteral(key)}, ${inner})`, value);

/** A JSONPath of object keys: $."a"."b". */
const keysPath = (keys: string[]) =>
  quoteLiteral(
    '$' + keys.map((k) => `."${k.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`).join(''),
  );

/** OBJECT_TRANSFORM's parts: the input, KEEP paths and SET path/value pairs. */
export interface ObjectTransform {
  input: Expr;
  keep: Expr[];
  set: [Expr, Expr][];
}

/**
 * The parts of an OBJECT_TRANSFORM call. The parser marks the arguments after KEEP and SET with
 * the argument names `keep` and `set` (FunctionCall.argNames): OBJECT_TRANSFORM(x KEEP '"a"'
 * SET '"b"', 1) is args [x, '"a"', '"b"', 1] with argNames [undefined, keep, set, set].
 */
export function objectTransformParts(c: FunctionCall): ObjectTransform {
  const keep: Expr[] = [];
  const setArgs: Expr[] = [];
  c.args.slice(1).forEach((a, i) => {
    const clause = c.argNames?.[i + 1]?.value.toLowerCase();
    if (clause === 'keep') keep.push(a);
    else if (clause === 'set') setArgs.push(a);
    else throw unsupported('OBJECT_TRANSFORM without KEEP or SET before its paths', a.pos);
  });
  if (setArgs.length % 2 !== 0) {
    throw new LakeshiftError(
      SqlState.syntaxError,
      'OBJECT_TRANSFORM: SET takes path and value pairs',
      {
        position: c.pos,
      },
    );
  }
  const set: [Expr, Expr][] = [];
  for (let i = 0; i < setArgs.length; i += 2) set.push([setArgs[i]!, setArgs[i + 1]!]);
  return { input: c.args[0]!, keep, set };
}

/**
 * OBJECT_TRANSFORM: an object of the input's KEEP paths (all of it without KEEP) with the SET
 * paths set; an input that is not an object comes back as it is. json_merge_patch merges the
 * pieces (a kept path the input lacks adds nothing).
 */
export function objectTransformSql(c: FunctionCall, p: DuckDbPrinter): string {
  const { input, keep, set } = objectTransformParts(c);
  const t = `CAST(${p.expr(input)} AS JSON)`;
  if (keep.length === 0 && set.length === 0) return t;
  const value = (e: Expr) => `CAST(${s}.super_text(${p.expr(e)}, 'OBJECT_TRANSFORM') AS JSON)`;
  const sets = set.map(([path, v]) => ({ keys: transformPath(path), sql: value(v) }));
  const same = (a: string[], b: string[]) => a.length === b.length && a.every((k, i) => k === b[i]);
  // The kept paths in KEEP's order, a path that SET also names with SET's value (so that the
  // result keeps KEEP's key order), then the other SET paths.
  const kept = keep.map((e) => {
    const keys = transformPath(e);
    const setAlso = sets.find((x) => same(x.keys, keys));
    return nested(keys, setAlso?.sql ?? `json_extract(${t}, ${keysPath(keys)})`);
  });
  const keptKeys = keep.map(transformPath);
  const patches = sets
    .filter((x) => !keptKeys.some((k) => same(k, x.keys)))
    .map((x) => nested(x.keys, x.sql));
  const base = keep.length === 0 ? t : `'{}'`;
  const pieces = [...kept, ...patches];
  const result = pieces.length === 0 ? base : `json_merge_patch(${base}, ${pieces.join(', ')})`;
  return `(CASE WHEN json_type(${t}) = 'OBJECT' THEN ${result} ELSE ${t} END)`;
}

/** The format argument of FROM_VARBYTE/TO_VARBYTE, lower case. */
function varbyteFormat(c: FunctionCall): string {
  const name = c.name[c.name.length - 1]!.value.toUpperCase();
  const format = constantString(c.args[1])?.toLowerCase();
  if (format === undefined)
    throw unsupported(`${name} with a format that is not a constant`, c.args[1]?.pos);
  if (!['hex', 'binary', 'utf8', 'utf-8', 'base64'].includes(format)) {
    throw invalidArgument(
      `${name}: invalid format '${format}' (hex, binary, utf8, utf-8 or base64)`,
      c.args[1]!.pos,
    );
  }
  return format;
}

const ARRAYS: RedshiftFunction[] = [
  {
    name: 'array',
    doc: 'r_array.html',
    // The parser reads ARRAY( as an array subquery: the example quotes the name.
    example: `SELECT "array"(1, 'abc', true, 3.14)`,
    arity: counts(0, 100),
    translate: (c, p) => {
      const items = elements(c, p, 0, 1);
      if (items.length === 0) return `CAST('[]' AS JSON)`;
      return `CAST('[' || ${items.join(" || ',' || ")} || ']' AS JSON)`;
    },
  },
  {
    name: 'object',
    doc: 'r_object_function.html',
    example: "SELECT object('a', 1, 'b', true, 'c', 3.14)",
    arity: counts(0, 50).map((n) => n * 2),
    translate: (c, p) => {
      const values = elements(c, p, 1, 2);
      const pairs = values.map(
        (v, i) => `to_json(CAST(${p.expr(c.args[i * 2]!)} AS VARCHAR)) || ':' || ${v}`,
      );
      return `CAST('{' || ${pairs.length === 0 ? "''" : pairs.join(" || ',' || ")} || '}' AS JSON)`;
    },
  },
  {
    name: 'array_concat',
    doc: 'r_array_concat.html',
    example: "SELECT array_concat(json_parse('[10001,10002]'), json_parse('[10003,10004]'))",
    arity: [2],
    // NULL unless both are arrays.
    translate: (c, p) => {
      const [a, b] = [superText(c, p, 0), superText(c, p, 1)].map((t) => `${s}.super_inner(${t})`);
      return (
        `(CASE WHEN ${a} IS NOT NULL AND ${b} IS NOT NULL ` +
        `THEN CAST('[' || concat_ws(',', nullif(${a}, ''), nullif(${b}, '')) || ']' AS JSON) END)`
      );
    },
  },
  {
    name: 'array_flatten',
    doc: 'array_flatten.html',
    example: "SELECT array_flatten(json_parse('[[1,2,3,4],[5,6,7,8],[9,10]]'))",
    arity: [1],
    translate: (c, p) =>
      `CAST(to_json(flatten(list_transform(${s}.super_list(${superText(c, p)}), e -> CAST(e AS JSON[])))) AS JSON)`,
  },
  {
    name: 'get_array_length',
    doc: 'get_array_length.html',
    example: "SELECT get_array_length(json_parse('[1,2,3]'))",
    arity: [1],
    // NULL for anything but an array.
    translate: (c, p) => `CAST(len(${s}.super_list(${superText(c, p)})) AS BIGINT)`,
  },
  {
    name: 'split_to_array',
    doc: 'split_to_array.html',
    example: "SELECT split_to_array('12|345|6789', '|')",
    arity: [1, 2],
    translate: (c, p) => {
      const [str, delim] = args(c, p);
      return `CAST(to_json(string_split(${str}, ${delim ?? "','"})) AS JSON)`;
    },
  },
  {
    name: 'subarray',
    doc: 'r_subarray.html',
    example: `SELECT subarray(json_parse('["a","b","c","d","e","f"]'), 2, 3)`,
    arity: [3],
    // Zero-based start; a negative start counts from the end.
    translate: (c, p) => {
      const [, start, length] = args(c, p);
      const list = `${s}.super_list(${superText(c, p)})`;
      const from = `(CASE WHEN (${start}) < 0 THEN len(${list}) + (${start}) ELSE (${start}) END)`;
      return `CAST(to_json(list_slice(${list}, ${from} + 1, ${from} + (${length}))) AS JSON)`;
    },
  },
  {
    name: 'object_transform',
    doc: 'r_object_transform_function.html',
    example: `SELECT object_transform(json_parse('{"a":1}'))`,
    arity: counts(1, 200),
    translate: objectTransformSql,
  },
  {
    name: 'from_varbyte',
    doc: 'r_FROM_VARBYTE.html',
    example: "SELECT from_varbyte('ab', 'hex')",
    arity: [2],
    translate: (c, p) => {
      const format = varbyteFormat(c);
      const b = `CAST(${p.expr(c.args[0]!)} AS BLOB)`;
      if (format === 'hex') return `lower(hex(${b}))`;
      if (format === 'base64') return `to_base64(${b})`;
      if (format === 'binary') {
        // Each hex digit as four bits.
        const bits = `list_transform(string_split(hex(${b}), ''), h -> lpad(bin(CAST('0x' || h AS INTEGER)), 4, '0'))`;
        return `(CASE WHEN octet_length(${b}) = 0 THEN '' ELSE array_to_string(${bits}, '') END)`;
      }
      return `decode(${b})`;
    },
  },
  {
    name: 'to_varbyte',
    doc: 'r_TO_VARBYTE.html',
    example: "SELECT to_varbyte('6162', 'hex')",
    arity: [2],
    translate: (c, p) => {
      const format = varbyteFormat(c);
      const str = `CAST(${p.expr(c.args[0]!)} AS VARCHAR)`;
      // An odd number of hex digits has a 0 in front.
      if (format === 'hex')
        return `unhex(CASE WHEN length(${str}) % 2 = 1 THEN '0' || ${str} ELSE ${str} END)`;
      if (format === 'base64') return `from_base64(${str})`;
      if (format === 'binary') return `unbin(${str})`;
      return `encode(${str})`;
    },
  },
];

export const SUPER_ARRAY_FUNCTIONS: RedshiftFunction[] = [...TYPE_PREDICATES, ...ARRAYS];
