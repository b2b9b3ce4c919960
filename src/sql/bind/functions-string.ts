// Redshift's string functions as DuckDB SQL: LEN/CHARINDEX/OCTET_LENGTH, SUBSTRING with
// Redshift's start positions, the REGEXP_* functions with position, occurrence, option and
// parameters arguments, padding, quoting, CONCAT of two arguments, INITCAP, and the hashes.
// https://docs.aws.amazon.com/redshift/latest/dg/String_functions_header.html
import { quoteLiteral } from '../../common/sql-quote.js';
import { UDF, sqlstateMessage } from '../../engine/udfs.js';
import type { Expr, FunctionCall } from '../ast/index.js';
import type { DuckDbPrinter } from '../print/index.js';
import { FUNCTION_SCHEMA } from './function-macros.js';
import {
  args,
  constantString,
  invalidArgument,
  typedNull,
  unsupported,
  type RedshiftFunction,
} from './function-helpers.js';

/**
 * SUBSTRING(s, start [, length]): characters before position 1 count against the length, so
 * SUBSTRING('caterpillar', -2, 6) is 'cat' (DuckDB counts a negative start from the end).
 * https://docs.aws.amazon.com/redshift/latest/dg/r_SUBSTRING.html
 */
export function substringSql(s: string, start: string, length: string | undefined): string {
  const from = `greatest(${start}, 1)`;
  if (length === undefined) return `substring(${s}, ${from})`;
  const negative = `error(${quoteLiteral(sqlstateMessage('22011', 'negative substring length not allowed'))})`;
  return (
    `(CASE WHEN (${length}) < 0 THEN ${negative} ` +
    `ELSE substring(${s}, ${from}, greatest((${start}) + (${length}), 1) - ${from}) END)`
  );
}

interface RegexParameters {
  /** DuckDB regex options ('' or 'i'). */
  flags: string;
  /** 'e': the first subexpression instead of the whole match. */
  subexpression: boolean;
  /** 'p': the Perl dialect (look-ahead ...), read by JavaScript's RegExp in a UDF. */
  perl: boolean;
}

/**
 * The parameters argument of the REGEXP functions: c (case-sensitive, the default), i
 * (case-insensitive; the last of c and i wins), e (extract the first subexpression), p (Perl
 * dialect: DuckDB's RE2 reads Perl's syntax either way).
 */
function regexParameters(e: Expr | undefined, fn: string, allowE: boolean): RegexParameters {
  if (e === undefined) return { flags: '', subexpression: false, perl: false };
  const text = constantString(e);
  if (text === undefined) throw unsupported(`${fn} with parameters that are not a constant`, e.pos);
  let insensitive = false;
  let subexpression = false;
  let perl = false;
  for (const ch of text) {
    if (ch === 'c') insensitive = false;
    else if (ch === 'i') insensitive = true;
    else if (ch === 'e' && allowE) subexpression = true;
    else if (ch === 'p') perl = true;
    else throw invalidArgument(`${fn}: invalid regular expression parameter "${ch}"`, e.pos);
  }
  return { flags: insensitive ? 'i' : '', subexpression, perl };
}

/** The source from `position` on (positions below 1 are 1), and that start. */
function fromPosition(
  c: FunctionCall,
  p: DuckDbPrinter,
  index: number,
): { sub: string; start: string } {
  const s = p.expr(c.args[0]!);
  const position = c.args[index];
  if (position === undefined) return { sub: s, start: '1' };
  const start = `greatest(${p.expr(position)}, 1)`;
  return { sub: `substr(${s}, ${start})`, start };
}

const hex = (c: FunctionCall, p: DuckDbPrinter) => `CAST(${p.expr(c.args[0]!)} AS VARCHAR)`;

const SUBSTRING: RedshiftFunction = {
  name: 'substring',
  doc: 'r_SUBSTRING.html',
  example: "SELECT substring('caterpillar', -2, 6)",
  arity: [2, 3],
  translate: (c, p) => {
    const [s, start, length] = args(c, p);
    return substringSql(s!, start!, length);
  },
};

/** Redshift's longest VARCHAR (with large strings opted in), in bytes. */
const MAX_STRING_BYTES = 16_000_000;

/**
 * A count that makes a string of `count × unitBytes` bytes, failing (54000, as PostgreSQL's
 * "requested length too large") past Redshift's longest string, before anything is allocated.
 */
function boundedCount(count: string, unitBytes: string): string {
  const tooLarge = quoteLiteral(sqlstateMessage('54000', 'requested length too large'));
  return `(CASE WHEN (${count}) * (${unitBytes}) > ${MAX_STRING_BYTES} THEN error(${tooLarge}) ELSE ${count} END)`;
}

/**
 * LPAD/RPAD(s, length [, fill]): fill with blanks by default; a string longer than length is cut
 * to it; an empty fill string leaves a shorter string as it is (DuckDB would fail).
 */
const PAD = (name: 'lpad' | 'rpad'): RedshiftFunction => ({
  name,
  doc: 'r_LPAD.html',
  example: `SELECT ${name}('cat', 7, 'xy')`,
  arity: [2, 3],
  translate: (c, p) => {
    const [s, length, fill] = args(c, p);
    const n = boundedCount(length!, '1');
    if (fill === undefined) return `${name}(${s}, ${n}, ' ')`;
    return `(CASE WHEN ${fill} = '' THEN left(${s}, greatest(${n}, 0)) ELSE ${name}(${s}, ${n}, ${fill}) END)`;
  },
});

/** REPLICATE/REPEAT(s, n): s n times, within the longest string Redshift makes. */
const REPEAT = (name: string, doc: string): RedshiftFunction => ({
  name,
  doc,
  example: `SELECT ${name}('ab', 3)`,
  arity: [2],
  translate: (c, p) => {
    const [s, n] = args(c, p);
    return `repeat(${s}, ${boundedCount(n!, `strlen(CAST(${s} AS VARCHAR))`)})`;
  },
});

/** LEN and its synonyms: the number of characters, as INTEGER (DuckDB's length is BIGINT). */
const LENGTH = (name: string): RedshiftFunction => ({
  name,
  doc: 'r_LEN.html',
  example: `SELECT ${name}('français')`,
  arity: [1],
  translate: (c, p) => `CAST(length(${p.expr(c.args[0]!)}) AS INTEGER)`,
});

export const STRING_FUNCTIONS: RedshiftFunction[] = [
  ...['len', 'length', 'char_length', 'character_length', 'textlen'].map(LENGTH),
  {
    name: 'split_part',
    doc: 'SPLIT_PART.html',
    example: "SELECT split_part('abc$def$ghi', '$', 2)",
    arity: [3],
    // Parts count from 1 (a smaller part fails); an empty delimiter leaves the string whole.
    translate: (c, p) => {
      const [s, d, n] = args(c, p);
      const bad = `error(${quoteLiteral(sqlstateMessage('22023', 'field position must be greater than zero'))})`;
      return (
        `(CASE WHEN (${n}) < 1 THEN ${bad} WHEN ${d} = '' THEN CASE WHEN (${n}) = 1 THEN ${s} ELSE '' END ` +
        `ELSE split_part(${s}, ${d}, ${n}) END)`
      );
    },
  },
  {
    name: 'charindex',
    doc: 'r_CHARINDEX.html',
    example: "SELECT charindex('dog', 'fish')",
    arity: [2],
    translate: (c, p) => {
      const [needle, haystack] = args(c, p);
      return `CAST(strpos(${haystack}, ${needle}) AS INTEGER)`;
    },
  },
  {
    name: 'octet_length',
    doc: 'r_OCTET_LENGTH.html',
    example: "SELECT octet_length('français')",
    arity: [1],
    translate: (c, p) => `CAST(strlen(CAST(${p.expr(c.args[0]!)} AS VARCHAR)) AS INTEGER)`,
  },
  SUBSTRING,
  { ...SUBSTRING, name: 'substr', doc: 'r_SUBSTR.html' },
  {
    name: 'btrim',
    doc: 'r_BTRIM.html',
    example: "SELECT btrim('xyzaxyzbxyzcxyz', 'xyz')",
    arity: [1, 2],
    translate: (c, p) => `trim(${args(c, p).join(', ')})`,
  },
  PAD('lpad'),
  PAD('rpad'),
  REPEAT('replicate', 'r_REPLICATE.html'),
  REPEAT('repeat', 'r_REPEAT.html'),
  {
    name: 'quote_literal',
    doc: 'r_QUOTE_LITERAL.html',
    example: "SELECT quote_literal('it''s')",
    arity: [1],
    // Embedded quotes and backslashes are doubled.
    translate: (c, p) =>
      `('''' || replace(replace(CAST(${p.expr(c.args[0]!)} AS VARCHAR), '\\', '\\\\'), '''', '''''') || '''')`,
  },
  {
    name: 'concat',
    doc: 'r_CONCAT.html',
    example: "SELECT concat('a', 'b')",
    // Redshift's CONCAT takes exactly two arguments and is NULL when either is.
    arity: [2],
    translate: (c, p) => {
      const [a, b] = args(c, p);
      return `(CAST(${a} AS VARCHAR) || CAST(${b} AS VARCHAR))`;
    },
  },
  {
    name: 'initcap',
    doc: 'r_INITCAP.html',
    example: "SELECT initcap('hello world-wide web')",
    arity: [1],
    // Upper case after any character that is not a letter or digit, lower case elsewhere.
    translate: (c, p) => {
      const s = `CAST(${p.expr(c.args[0]!)} AS VARCHAR)`;
      return (
        `array_to_string(list_transform(range(1, length(${s}) + 1), __i -> CASE WHEN __i = 1 OR NOT ` +
        `regexp_matches(substr(${s}, __i - 1, 1), '[\\pL\\pN]') THEN upper(substr(${s}, __i, 1)) ` +
        `ELSE lower(substr(${s}, __i, 1)) END), '')`
      );
    },
  },
  {
    name: 'regexp_substr',
    doc: 'REGEXP_SUBSTR.html',
    example: "SELECT regexp_substr('Email: a@b.com', '[^ ]+@[^ ]+')",
    arity: [2, 3, 4, 5],
    // The occurrence-th match at or after position (1-based); '' when there is none, NULL for
    // an occurrence below 1.
    translate: (c, p) => {
      const { sub } = fromPosition(c, p, 2);
      const pattern = p.expr(c.args[1]!);
      const { flags, subexpression, perl } = regexParameters(c.args[4], 'REGEXP_SUBSTR', true);
      const group = subexpression ? 1 : 0;
      const occurrence = c.args[3];
      if (perl) {
        const position = c.args[2] ? p.expr(c.args[2]) : '1';
        const occ = occurrence ? p.expr(occurrence) : '1';
        return `${UDF.pcreSubstr}(${p.expr(c.args[0]!)}, ${pattern}, ${position}, ${occ}, '${flags}', ${group})`;
      }
      if (
        occurrence === undefined ||
        (occurrence.kind === 'NumberLit' && occurrence.value === '1')
      ) {
        return `regexp_extract(${sub}, ${pattern}, ${group}, '${flags}')`;
      }
      const n = p.expr(occurrence);
      return `(CASE WHEN (${n}) < 1 THEN NULL ELSE coalesce(regexp_extract_all(${sub}, ${pattern}, ${group}, '${flags}')[${n}], '') END)`;
    },
  },
  {
    name: 'regexp_count',
    doc: 'REGEXP_COUNT.html',
    example: "SELECT regexp_count('abcabc', 'b')",
    arity: [2, 3, 4],
    translate: (c, p) => {
      const { sub } = fromPosition(c, p, 2);
      const { flags, perl } = regexParameters(c.args[3], 'REGEXP_COUNT', false);
      const pattern = p.expr(c.args[1]!);
      if (perl) {
        const position = c.args[2] ? p.expr(c.args[2]) : '1';
        return `${UDF.pcreCount}(${p.expr(c.args[0]!)}, ${pattern}, ${position}, '${flags}')`;
      }
      return `CAST(len(regexp_extract_all(${sub}, ${pattern}, 0, '${flags}')) AS INTEGER)`;
    },
  },
  {
    name: 'regexp_instr',
    doc: 'REGEXP_INSTR.html',
    example: "SELECT regexp_instr('john.doe@example.com', '@[^.]*')",
    arity: [2, 3, 4, 5, 6],
    // The position of the occurrence-th match (option 0) or of the character after it (1).
    translate: (c, p) => {
      const { sub, start } = fromPosition(c, p, 2);
      const { flags, subexpression, perl } = regexParameters(c.args[5], 'REGEXP_INSTR', true);
      if (subexpression) throw unsupported("REGEXP_INSTR with the 'e' parameter", c.args[5]?.pos);
      const occurrence = c.args[3] ? p.expr(c.args[3]) : '1';
      const option = c.args[4] ? p.expr(c.args[4]) : '0';
      if (perl) {
        const position = c.args[2] ? p.expr(c.args[2]) : '1';
        return `${UDF.pcreInstr}(${p.expr(c.args[0]!)}, ${p.expr(c.args[1]!)}, ${position}, ${occurrence}, ${option}, '${flags}')`;
      }
      return `CAST(${FUNCTION_SCHEMA}.regexp_instr(${sub}, ${p.expr(c.args[1]!)}, ${start}, ${occurrence}, ${option}, '${flags}') AS INTEGER)`;
    },
  },
  {
    name: 'regexp_replace',
    doc: 'REGEXP_REPLACE.html',
    example: "SELECT regexp_replace('a1b22c', '[0-9]+', '#')",
    arity: [2, 3, 4, 5],
    // Every match is replaced (DuckDB only the first unless 'g'); from position on.
    translate: (c, p) => {
      const s = p.expr(c.args[0]!);
      const pattern = p.expr(c.args[1]!);
      const replacement = c.args[2] ? p.expr(c.args[2]) : "''";
      const { flags, perl } = regexParameters(c.args[4], 'REGEXP_REPLACE', false);
      if (perl) {
        const position = c.args[3] ? p.expr(c.args[3]) : '1';
        return `${UDF.pcreReplace}(${s}, ${pattern}, ${replacement}, ${position}, '${flags}')`;
      }
      const replace = (x: string) =>
        `regexp_replace(${x}, ${pattern}, ${replacement}, 'g${flags}')`;
      if (c.args[3] === undefined) return replace(s);
      const start = `greatest(${p.expr(c.args[3])}, 1)`;
      return `(substr(${s}, 1, ${start} - 1) || ${replace(`substr(${s}, ${start})`)})`;
    },
  },
  {
    name: 'sha2',
    doc: 'SHA2.html',
    example: "SELECT sha2('Amazon Redshift', 256)",
    arity: [2],
    // Bits 0 (= 256), 224, 256, 384 or 512; any other count gives the empty string.
    translate: (c, p) => `${UDF.sha2}(${hex(c, p)}, CAST(${p.expr(c.args[1]!)} AS INTEGER))`,
  },
  {
    name: 'sha',
    doc: 'SHA.html',
    example: "SELECT sha('Amazon Redshift')",
    arity: [1],
    translate: (c, p) => `sha1(${hex(c, p)})`,
  },
  {
    name: 'func_sha1',
    doc: 'FUNC_SHA1.html',
    example: "SELECT func_sha1('Amazon Redshift')",
    arity: [1],
    translate: (c, p) => `sha1(${hex(c, p)})`,
  },
  {
    name: 'crc32',
    doc: 'crc32-function.html',
    example: "SELECT crc32('Amazon Redshift')",
    arity: [1],
    translate: (c, p) => `${UDF.crc32}(${hex(c, p)})`,
  },
  {
    name: 'fnv_hash',
    doc: 'r_FNV_HASH.html',
    example: "SELECT fnv_hash('Amazon Redshift', fnv_hash(1))",
    arity: [1, 2],
    // The value's type decides the bytes hashed; a NULL literal hashes nothing (NULL).
    translate: (c, p) => {
      if (c.args[0]!.kind === 'NullLit') return 'CAST(NULL AS BIGINT)';
      const seed = c.args[1] ? `, CAST(${typedNull(c.args[1], p, 'BIGINT')} AS BIGINT)` : '';
      return `${UDF.fnvHash}(${p.expr(c.args[0]!)}${seed})`;
    },
  },
];
