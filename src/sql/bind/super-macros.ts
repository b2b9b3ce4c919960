// DuckDB macros behind Redshift's SUPER and JSON functions (functions-super.ts,
// functions-super-array.ts). They run in C on DuckDB's json extension and RE2, vector at a time;
// created with the other function macros (function-macros.ts) in schema lakeshift_fn.
// https://docs.aws.amazon.com/redshift/latest/dg/json-functions.html

/** Whitespace between JSON tokens (RFC 8259). */
const WS = '[ \\t\\n\\r]';
/** A JSON string literal, escapes included. */
const JSON_STRING = '"(?:[^"\\\\]|\\\\.)*"';
/**
 * What DuckDB's JSON reader accepts and RFC 8259 (and Redshift) does not: a comma before a
 * closing bracket or brace, NaN and Infinity (in any case, signed) where a value starts. Outside
 * strings: it is checked on the text with its strings emptied, after the raw text matched it
 * (and TRAILING_COMMA or NAN_OR_INF before that). Spelled without case folding and anchored at
 * value starts (null starts "nu").
 */
const LENIENT = `,${WS}*[\\]}]|(?:^|[,:\\[])${WS}*[-+]?(?:[nN][aA]|[iI][nN])`;
/**
 * Where whitespace between the tokens of valid JSON can be: at either end of the text, before a
 * comma, colon or closing bracket (after a value or a closing bracket), or after an opening
 * bracket, comma or colon and before a value or a closing bracket. Two tokens that are not
 * punctuation never meet, so this finds all of it; inside strings it matches rarely (", 3").
 */
const MAYBE_SPACED = `^${WS}|${WS}$|${WS}[,:\\]}]|[\\[{,:]${WS}+[-"0-9tfn{\\[\\]}]`;

// LENIENT and MAYBE_SPACED start with a class or an alternation, so RE2 steps through every byte
// of the text: ~8× slower over 1 KB records than a pattern starting with a literal (case-folded
// or not), which it skips ahead to. The cheap tests below rule them out for most text first.

/** The comma half of LENIENT: it starts with a literal. */
const TRAILING_COMMA = `,${WS}*[\\]}]`;
/**
 * Matches every NaN and Infinity in text DuckDB's reader takes: they are nan, inf or infinity in
 * any case (after an optional minus), so hold "nan" or "nf", and a comma, a closing bracket,
 * whitespace or the end follows them. Strings match too ("Nan Goldin"): it only rules text out.
 * Starts with a (case-folded) literal.
 */
const NAN_OR_INF = `(?i)n(?:an|f(?:inity)?)(?:[,\\]}]|${WS}|$)`;
/** Macro condition on `t`: neither cheap test matches, so it has no lenient form. */
const NOT_LENIENT = `NOT regexp_matches(t, '${TRAILING_COMMA}') AND NOT regexp_matches(t, '${NAN_OR_INF}')`;
/** Macro conditions on `t`: does it hold a whitespace byte? Four memchr scans beat one regexp. */
const WS_BYTES = [' ', '\\t', '\\n', '\\r'].map((c) => `contains(t, E'${c}')`);
const HAS_WS = `(${WS_BYTES.join(' OR ')})`;
/** A conjunction, not NOT HAS_WS: DuckDB stops at the first false term of a WHEN's AND. */
const NO_WS = WS_BYTES.map((c) => `NOT ${c}`).join(' AND ');

/** JSON_PARSE's error for text `t`. */
const invalid = `error('[22P02] invalid JSON: ' || left(t, 200))`;
/** Text `t` as JSON, or JSON_PARSE's error. */
const castOrError = `coalesce(TRY_CAST(t AS JSON), ${invalid})`;

/** The SUPER macros' definitions (schema `s`), in creation order. */
export function superMacroSql(s: string): string[] {
  return [
    // The JSON text of a VARCHAR or VARBYTE (UTF-8) argument.
    `CREATE OR REPLACE MACRO ${s}.json_text(x BLOB) AS decode(x), (x) AS CAST(x AS VARCHAR)`,
    // Is `t` one JSON value, strictly by RFC 8259? NULL for NULL. A CASE, not AND: DuckDB
    // evaluates a CASE branch only for the rows that reach it, while both sides of an AND ran on
    // every row (the strings-emptied regexp_replace made JSON_PARSE ~7× slower; bench `super`).
    // Valid text that matches neither cheap test has no lenient form (the usual case).
    `CREATE OR REPLACE MACRO ${s}.json_strict(t) AS CASE WHEN NOT json_valid(t) THEN false ` +
      `WHEN ${NOT_LENIENT} THEN true ` +
      `WHEN NOT regexp_matches(t, '${LENIENT}') THEN true ` +
      `ELSE NOT regexp_matches(regexp_replace(t, '${JSON_STRING}', '""', 'g'), '${LENIENT}') END`,
    // Valid JSON text without the whitespace between tokens; numbers keep their text (1.10, 1e2),
    // so that the number predicates see what was written. The replacement (a match per string)
    // runs only on text that may have such whitespace (MAYBE_SPACED, tried only on text with a
    // whitespace byte); other text is minimal.
    `CREATE OR REPLACE MACRO ${s}.json_min(t) AS CASE WHEN ${HAS_WS} AND regexp_matches(t, '${MAYBE_SPACED}') ` +
      `THEN regexp_replace(t, '(${JSON_STRING})|${WS}+', '\\1', 'g') ELSE t END`,
    // https://docs.aws.amazon.com/redshift/latest/dg/JSON_PARSE.html
    // Text that is already minimal and has none of DuckDB's lenient forms is kept as it is, once
    // DuckDB's cast validated it (COALESCE evaluates the error only for the rows the cast
    // refuses): text without whitespace that matches neither cheap lenient test (the usual
    // streamed record), then text without a match of LENIENT or MAYBE_SPACED (one regexp pass).
    // Other text goes the long way: strict validation, then minification.
    `CREATE OR REPLACE MACRO ${s}.json_parse(t) AS CASE WHEN t IS NULL THEN NULL ` +
      `WHEN ${NO_WS} AND ${NOT_LENIENT} ` +
      `THEN ${castOrError} ` +
      `WHEN NOT regexp_matches(t, '${LENIENT}|${MAYBE_SPACED}') THEN ${castOrError} ` +
      `WHEN ${s}.json_strict(t) THEN CAST(${s}.json_min(t) AS JSON) ` +
      `ELSE ${invalid} END`,
    // JSON_PARSE of text that CAN_JSON_PARSE accepted (a WHERE guard): what json_parse returns
    // for strict text, without checking strictness again.
    `CREATE OR REPLACE MACRO ${s}.json_parse_valid(t) AS CAST(${s}.json_min(t) AS JSON)`,
    // Strict JSON text `t` whose top level is a `kind` ('ARRAY', 'OBJECT'), else an error naming
    // it (Redshift: "invalid json array object [...]") or NULL when `null_if_invalid`.
    `CREATE OR REPLACE MACRO ${s}.json_checked(t, kind, null_if_invalid) AS ` +
      `CASE WHEN t IS NULL THEN NULL ` +
      `WHEN CASE WHEN ${s}.json_strict(t) THEN json_type(t) = kind ELSE false END THEN t ` +
      `WHEN null_if_invalid THEN NULL ` +
      `ELSE error('[22P02] invalid json ' || CASE kind WHEN 'ARRAY' THEN 'array object ' ELSE 'object ' END || left(t, 200)) END`,
    // Is `t` strict JSON text whose top level is a `kind`? NULL for NULL.
    `CREATE OR REPLACE MACRO ${s}.json_is(t, kind) AS ` +
      `CASE WHEN t IS NULL THEN NULL WHEN ${s}.json_strict(t) THEN json_type(t) = kind ELSE false END`,
    // The JSON text of `x` as a SUPER value: SUPER (DuckDB JSON) as it is, DECIMAL with its scale,
    // floating point in exponent form (Redshift shows FLOAT in SUPER as 2.22e+0), strings quoted;
    // datetime types are an error as in Redshift ("OBJECT could not convert type date to super").
    // typeof() is a constant: DuckDB keeps the one branch that applies.
    `CREATE OR REPLACE MACRO ${s}.super_text(x, fn) AS CASE ` +
      `WHEN typeof(x) IN ('DATE', 'TIME', 'TIMESTAMP', 'TIMESTAMP WITH TIME ZONE', 'TIME WITH TIME ZONE', 'INTERVAL') ` +
      `THEN error('[42846] ' || fn || ' could not convert type ' || lower(typeof(x)) || ' to super') ` +
      `WHEN typeof(x) = 'JSON' THEN CAST(x AS VARCHAR) ` +
      `WHEN typeof(x) IN ('DOUBLE', 'FLOAT') THEN CASE WHEN contains(CAST(x AS VARCHAR), 'e') ` +
      `THEN CAST(x AS VARCHAR) ELSE CAST(x AS VARCHAR) || 'e+0' END ` +
      `WHEN starts_with(typeof(x), 'DECIMAL') THEN CAST(x AS VARCHAR) ` +
      `ELSE CAST(to_json(x) AS VARCHAR) END`,
    // The elements of a SUPER array's text as a list of SUPER values, or NULL when it is not an
    // array. (DuckDB's cast re-reads numbers: 1.10 becomes 1.1, 1e2 100.0.)
    `CREATE OR REPLACE MACRO ${s}.super_list(t) AS ` +
      `CASE WHEN json_type(t) = 'ARRAY' THEN CAST(CAST(t AS JSON) AS JSON[]) END`,
    // The text between the brackets of a SUPER array's (minified) text, or NULL.
    `CREATE OR REPLACE MACRO ${s}.super_inner(t) AS ` +
      `CASE WHEN json_type(t) = 'ARRAY' THEN substr(t, 2, length(t) - 2) END`,
    // JSON_TYPEOF's names for DuckDB's json_type() of SUPER text `t`.
    `CREATE OR REPLACE MACRO ${s}.super_typeof(t) AS CASE WHEN t IS NULL THEN NULL ELSE CASE json_type(t) ` +
      `WHEN 'OBJECT' THEN 'object' WHEN 'ARRAY' THEN 'array' WHEN 'VARCHAR' THEN 'string' ` +
      `WHEN 'BOOLEAN' THEN 'boolean' WHEN 'NULL' THEN 'null' ELSE 'number' END END`,
    // The number predicates read the JSON text `t` of a number: digits only are an integer of scale
    // 0, a fraction without exponent a DECIMAL, an exponent a floating point number.
    `CREATE OR REPLACE MACRO ${s}.super_is_number(t) AS coalesce(regexp_matches(t, '^-?[0-9]'), false)`,
    `CREATE OR REPLACE MACRO ${s}.super_is_float(t) AS ` +
      `coalesce(regexp_full_match(t, '-?[0-9.]+[eE][-+]?[0-9]+'), false)`,
    `CREATE OR REPLACE MACRO ${s}.super_is_decimal(t) AS ` +
      `coalesce(regexp_full_match(t, '-?[0-9]+(\\.[0-9]+)?'), false)`,
    `CREATE OR REPLACE MACRO ${s}.super_is_int(t, bits) AS ` +
      `coalesce(regexp_full_match(t, '-?[0-9]+') AND CASE bits ` +
      `WHEN 16 THEN TRY_CAST(t AS SMALLINT) IS NOT NULL ` +
      `WHEN 32 THEN TRY_CAST(t AS INTEGER) IS NOT NULL ` +
      `ELSE TRY_CAST(t AS BIGINT) IS NOT NULL END, false)`,
  ];
}
