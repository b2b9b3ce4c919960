// Redshift's SUPER and JSON functions. SUPER values are DuckDB JSON (see types.ts): JSON text
// that DuckDB's json functions parse and navigate in C, vector at a time. This file: parsing,
// serializing and the JSON functions on VARCHAR text; the SUPER type predicates, constructors and
// array functions are in functions-super-array.ts; the macros they call in super-macros.ts.
// https://docs.aws.amazon.com/redshift/latest/dg/json-functions.html
// https://docs.aws.amazon.com/redshift/latest/dg/c_SUPER_functions.html
import { quoteLiteral } from '../../common/sql-quote.js';
import type { Expr, FunctionCall } from '../ast/index.js';
import type { DuckDbPrinter } from '../print/index.js';
import { FUNCTION_SCHEMA } from './function-macros.js';
import { args, counts, type RedshiftFunction } from './function-helpers.js';

const s = FUNCTION_SCHEMA;

/** The JSON text of a SUPER argument (any other type becomes a SUPER value first). */
export function superText(c: FunctionCall, p: DuckDbPrinter, index = 0): string {
  const fn = c.name[c.name.length - 1]!.value.toUpperCase();
  return `${s}.super_text(${p.expr(c.args[index]!)}, ${quoteLiteral(fn)})`;
}

/**
 * The text of a VARCHAR or VARBYTE argument that holds JSON. An untyped parameter ($1) is
 * VARCHAR, as an unknown-typed value resolves to text in PostgreSQL; DuckDB would infer the
 * VARBYTE overload of json_text and read the client's JSON text as bytea escapes.
 */
const jsonText = (c: FunctionCall, p: DuckDbPrinter) => {
  const arg = c.args[0]!;
  const sql = p.expr(arg);
  return `${s}.json_text(${arg.kind === 'Param' ? `CAST(${sql} AS VARCHAR)` : sql})`;
};

/**
 * The trailing null_if_invalid argument of the JSON text functions, when the call has one: a
 * boolean literal or a cast to BOOLEAN (a path element is a string, so only these tell them
 * apart before types are known). Returns the arguments before it and its SQL ('false' if none).
 */
function nullIfInvalid(c: FunctionCall, p: DuckDbPrinter, min: number): [Expr[], string] {
  const last = c.args[c.args.length - 1];
  const isBool =
    last?.kind === 'BoolLit' ||
    (last?.kind === 'Cast' && ['bool', 'boolean'].includes(last.type.name));
  if (c.args.length > min && isBool) return [c.args.slice(0, -1), p.expr(last)];
  return [c.args, 'false'];
}

/** A JSONPath selecting object keys, one per path element: $."a"."b". */
function keyPath(elements: Expr[], p: DuckDbPrinter): string {
  const quoted = (text: string) => `."${text.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
  if (elements.every((e) => e.kind === 'StringLit')) {
    return quoteLiteral('$' + elements.map((e) => quoted(e.value)).join(''));
  }
  const parts = elements.map(
    (e) =>
      `'."' || replace(replace(CAST(${p.expr(e)} AS VARCHAR), '\\', '\\\\'), '"', '\\"') || '"'`,
  );
  return `('$' || ${parts.join(' || ')})`;
}

export const SUPER_FUNCTIONS: RedshiftFunction[] = [
  {
    name: 'json_parse',
    doc: 'JSON_PARSE.html',
    example: `SELECT json_parse('{"a": [1, 2]}')`,
    arity: [1],
    // Strict RFC 8259 (no trailing commas, NaN or Infinity, which DuckDB's reader allows); invalid
    // JSON is 22P02, or NULL with parse_super_null_on_error on (super-configurations.html).
    // Whitespace between tokens goes, numbers keep the text they were written in.
    translate: (c, p) => {
      const t = jsonText(c, p);
      // Behind WHERE CAN_JSON_PARSE(same argument) the text is known valid: only minified.
      if (p.guardedJson(c.args[0]!)) return `${s}.json_parse_valid(${t})`;
      if (p.hooks.setting?.('parse_super_null_on_error') !== 'on') return `${s}.json_parse(${t})`;
      return `(CASE WHEN ${s}.json_strict(${t}) THEN CAST(${s}.json_min(${t}) AS JSON) END)`;
    },
  },
  {
    name: 'can_json_parse',
    doc: 'CAN_JSON_PARSE.html',
    example: `SELECT can_json_parse('[10001,10002,"abc"]')`,
    arity: [1],
    // False for an empty string, NULL for NULL.
    translate: (c, p) => `${s}.json_strict(${jsonText(c, p)})`,
  },
  {
    name: 'json_serialize',
    doc: 'JSON_SERIALIZE.html',
    example: `SELECT json_serialize(json_parse('[10001,10002,"abc"]'))`,
    arity: [1],
    // A SUPER value is kept minified: its text is its serialization.
    translate: (c, p) => superText(c, p),
  },
  {
    name: 'json_serialize_to_varbyte',
    doc: 'JSON_SERIALIZE_TO_VARBYTE.html',
    example: `SELECT json_serialize_to_varbyte(json_parse('[10001,10002,"abc"]'))`,
    arity: [1],
    translate: (c, p) => `encode(${superText(c, p)})`,
  },
  {
    name: 'json_size',
    doc: 'r_json_size.html',
    example: `SELECT json_size(json_parse('[10001,10002,"abc"]'))`,
    arity: [1],
    // Bytes of the serialized value (strlen counts bytes).
    translate: (c, p) => `CAST(strlen(${superText(c, p)}) AS INTEGER)`,
  },
  {
    name: 'json_typeof',
    doc: 'r_json_typeof.html',
    example: `SELECT json_typeof(json_parse('{"name":"Joe"}'))`,
    arity: [1],
    translate: (c, p) => `${s}.super_typeof(${superText(c, p)})`,
  },
  {
    name: 'is_valid_json',
    doc: 'IS_VALID_JSON.html',
    example: `SELECT is_valid_json('{"a":2}')`,
    arity: [1],
    // A JSON object: the documented examples answer false for the array [1,2,3].
    translate: (c, p) => `${s}.json_is(${jsonText(c, p)}, 'OBJECT')`,
  },
  {
    name: 'is_valid_json_array',
    doc: 'IS_VALID_JSON_ARRAY.html',
    example: `SELECT is_valid_json_array('["a","b"]')`,
    arity: [1],
    translate: (c, p) => `${s}.json_is(${jsonText(c, p)}, 'ARRAY')`,
  },
  {
    name: 'json_extract_path_text',
    doc: 'JSON_EXTRACT_PATH_TEXT.html',
    example: `SELECT json_extract_path_text('{"f2":{"f3":1},"f4":{"f5":99,"f6":"star"}}', 'f4', 'f6')`,
    arity: counts(2, 100),
    // Keys of nested objects; a missing one (or a JSON null) is NULL; strings unquoted, objects
    // and arrays as JSON text. Invalid JSON text is 22P02 unless null_if_invalid is true.
    translate: (c, p) => {
      const [rest, nullIf] = nullIfInvalid(c, p, 2);
      const [json, ...path] = rest;
      const text = `${s}.json_checked(CAST(${p.expr(json!)} AS VARCHAR), 'OBJECT', ${nullIf})`;
      return `json_extract_string(${text}, ${keyPath(path, p)})`;
    },
  },
  {
    name: 'json_extract_array_element_text',
    doc: 'JSON_EXTRACT_ARRAY_ELEMENT_TEXT.html',
    example: `SELECT json_extract_array_element_text('[111,112,113]', 2)`,
    arity: [2, 3],
    // Zero-based; a negative or out-of-range position is NULL.
    translate: (c, p) => {
      const [rest, nullIf] = nullIfInvalid(c, p, 2);
      const [json, pos] = args({ ...c, args: rest }, p);
      const text = `${s}.json_checked(CAST(${json} AS VARCHAR), 'ARRAY', ${nullIf})`;
      return (
        `(CASE WHEN (${pos}) >= 0 ` +
        `THEN json_extract_string(${text}, '$[' || CAST(${pos} AS BIGINT) || ']') END)`
      );
    },
  },
  {
    name: 'json_array_length',
    doc: 'JSON_ARRAY_LENGTH.html',
    example: `SELECT json_array_length('[11,12,13,{"f1":21,"f2":[25,26]},14]')`,
    arity: [1, 2],
    translate: (c, p) => {
      const [rest, nullIf] = nullIfInvalid(c, p, 1);
      const text = `${s}.json_checked(CAST(${p.expr(rest[0]!)} AS VARCHAR), 'ARRAY', ${nullIf})`;
      return `CAST(json_array_length(${text}) AS INTEGER)`;
    },
  },
];
