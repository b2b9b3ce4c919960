// Issue 5's fuzz of SUPER through the real server and the `pg` client: random JSON documents
// (generated as trees and printed by this file, so that number text such as 1.10, 1e2,
// -2.5E-3 or 123456789012345678901234567890 and string escapes are exactly what was generated,
// with random insignificant whitespace) go in as json_parse($1) into a SUPER column of a lake
// table, several per transaction, some statements past the inlining limit (100 rows) so that
// they go straight to Parquet, and enough rows over the run that the inlined ones are flushed
// (past 1,000). Then:
// - json_serialize(col) and `SELECT col` are the document's text without the whitespace, byte
//   for byte, read back after each transaction and once more at the end (after flushes);
// - invalid variants (a trailing comma, a truncated document, NaN, Infinity) fail with a clean
//   SQLSTATE of class 22 and insert nothing, in a statement with valid rows too;
// - random navigations in Redshift syntax (existing and missing keys, quoted keys with dots,
//   quotes and spaces, in-range, out-of-range and negative indexes, steps into scalars), with
//   casts to INT, VARCHAR, FLOAT8 and BOOLEAN, never fail and agree with the tree: a SUPER
//   result is the sub-value (strings compared decoded, numbers by value: navigation re-reads
//   numbers through DuckDB, so 1.10 comes back as 1.1; LAKESHIFT_SUPER_FUZZ_EXACT=1 demands the
//   sub-value's text byte for byte), NULL where the path does not exist;
// - FROM t AS x, x.col.path AS e AT i yields one row per element of an array, none otherwise.
// The fast-check seed is printed on failure; LAKESHIFT_SUPER_FUZZ_RUNS (default 40) and
// LAKESHIFT_SUPER_FUZZ_SEED change the run.
// https://docs.aws.amazon.com/redshift/latest/dg/JSON_PARSE.html
// https://docs.aws.amazon.com/redshift/latest/dg/query-super.html
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import type pg from 'pg';
import { connect } from '../e2e/helpers.js';
import { seededRandom } from '../support/random.js';
import { startTarget, type Target } from '../support/server.js';

const RUNS = Number(process.env.LAKESHIFT_SUPER_FUZZ_RUNS ?? 40);
const SEED = Number(process.env.LAKESHIFT_SUPER_FUZZ_SEED ?? 5_2026_0505);
const EXACT = process.env.LAKESHIFT_SUPER_FUZZ_EXACT === '1';
/** Documents of one run whose navigation is checked (a large run has 100+ documents). */
const NAVIGATED_PER_RUN = 6;
const PATHS_PER_DOCUMENT = 6;

// ---------------------------------------------------------------------------------------------
// JSON trees, printed by hand

/** A string or key: its value, and the JSON literal it was written as (escapes chosen at random). */
interface Str {
  value: string;
  raw: string;
}

type Json =
  | { t: 'null' }
  | { t: 'bool'; v: boolean }
  | { t: 'num'; text: string }
  | { t: 'str'; s: Str }
  | { t: 'arr'; items: Json[] }
  | { t: 'obj'; entries: [Str, Json][] };

const SHORT_ESCAPES: Record<string, string> = {
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

const hex4 = (code: number, upper: boolean) => {
  const h = code.toString(16).padStart(4, '0');
  return `\\u${upper ? h.toUpperCase() : h}`;
};

/** The JSON literal of `value`, each character escaped or not at random (where both are valid). */
function jsonLiteral(value: string, seed: number): string {
  const rnd = seededRandom(seed);
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    const escape = rnd() < 0.3;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (code < 0x20)
      out +=
        SHORT_ESCAPES[ch] !== undefined && rnd() < 0.6
          ? SHORT_ESCAPES[ch]
          : hex4(code, rnd() < 0.5);
    else if (ch === '/' && escape) out += '\\/';
    else if (!escape) out += ch;
    else if (code > 0xffff) {
      // A surrogate pair.
      out += hex4(ch.charCodeAt(0), rnd() < 0.5) + hex4(ch.charCodeAt(1), rnd() < 0.5);
    } else out += hex4(code, rnd() < 0.5);
  }
  return out + '"';
}

/** Insignificant whitespace between tokens, mostly none. */
const WHITESPACE = [' ', '\n', '\t', '\r\n', '  ', ' \t\n '];

/** The text of a tree; with a whitespace seed, random whitespace between all tokens. */
function print(j: Json, wsSeed?: number): string {
  const rnd = wsSeed === undefined ? undefined : seededRandom(wsSeed);
  const ws = () => (rnd !== undefined && rnd() < 0.25 ? WHITESPACE[Math.floor(rnd() * 6)]! : '');
  const go = (v: Json): string => {
    switch (v.t) {
      case 'null':
        return 'null';
      case 'bool':
        return String(v.v);
      case 'num':
        return v.text;
      case 'str':
        return v.s.raw;
      case 'arr':
        return `[${ws()}${v.items.map((x) => go(x)).join(`${ws()},${ws()}`)}${ws()}]`;
      case 'obj':
        return `{${ws()}${v.entries.map(([k, x]) => `${k.raw}${ws()}:${ws()}${go(x)}`).join(`${ws()},${ws()}`)}${ws()}}`;
    }
  };
  return `${ws()}${go(j)}${ws()}`;
}

const CHARS = [
  '"',
  '\\',
  '/',
  '\n',
  '\t',
  '\u0000',
  '\u001f',
  '\u007f',
  'é',
  '€',
  '😀',
  '\u2028',
  "'",
  '.',
  ' ',
];

const strArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 8 }) },
  {
    weight: 3,
    arbitrary: fc
      .array(fc.constantFrom(...CHARS, 'a', 'B'), { maxLength: 6 })
      .map((a) => a.join('')),
  },
);

/** Keys: identifiers (some safe unquoted), mixed case, dots, quotes, spaces, unicode, empty. */
const KEYS = [
  'ka',
  'kb',
  'k_1',
  'items',
  'val',
  'Ka',
  'KA',
  'a.b',
  'q"t',
  'a b',
  'b\\s',
  'é',
  'x.y.z',
  'Mixed Case',
  '',
  "it's",
  '0',
  '[0]',
];
const keyArb = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...KEYS) },
  { weight: 1, arbitrary: strArb },
);

const strNode = (value: fc.Arbitrary<string>): fc.Arbitrary<Str> =>
  fc.tuple(value, fc.nat()).map(([v, seed]) => ({ value: v, raw: jsonLiteral(v, seed) }));

/** Number text by RFC 8259's grammar, with big integers, trailing zeros and exponents. */
const numberArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '0',
    '-0',
    '1.10',
    '1e2',
    '-2.5E-3',
    '1E+2',
    '0.0',
    '-0.0',
    '9223372036854775807',
    '9223372036854775808',
    '-9223372036854775809',
    '18446744073709551616',
    '123456789012345678901234567890',
    '2147483647',
    '2147483648',
    '-2147483649',
    '1e400',
    '1E-400',
    '0.1234567890123456789012',
    '100.000',
    '5e0',
  ),
  fc.stringMatching(/^-?(0|[1-9][0-9]{0,24})(\.[0-9]{1,12})?([eE][+-]?[0-9]{1,3})?$/),
  fc.integer().map(String),
);

const scalarArb: fc.Arbitrary<Json> = fc.oneof(
  fc.constant<Json>({ t: 'null' }),
  fc.boolean().map((v): Json => ({ t: 'bool', v })),
  numberArb.map((text): Json => ({ t: 'num', text })),
  strNode(strArb).map((s): Json => ({ t: 'str', s })),
);

const { tree } = fc.letrec<{ tree: Json }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalarArb,
    fc.array(tie('tree'), { maxLength: 5 }).map((items): Json => ({ t: 'arr', items })),
    fc
      .uniqueArray(fc.tuple(strNode(keyArb), tie('tree')), {
        maxLength: 5,
        selector: ([k]) => k.value,
      })
      .map((entries): Json => ({ t: 'obj', entries })),
  ),
}));

/** A value under 20 to 300 levels of arrays and objects. */
const deepArb: fc.Arbitrary<Json> = fc
  .tuple(scalarArb, fc.array(fc.boolean(), { minLength: 20, maxLength: 300 }), strNode(keyArb))
  .map(([leaf, levels, key]) =>
    levels.reduce<Json>(
      (inner, isArray) =>
        isArray ? { t: 'arr', items: [inner] } : { t: 'obj', entries: [[key, inner]] },
      leaf,
    ),
  );

const documentArb: fc.Arbitrary<Json> = fc.oneof(
  { weight: 8, arbitrary: tree },
  { weight: 1, arbitrary: deepArb },
  // A document with arrays and objects at the top, the usual shape of a stored SUPER value.
  {
    weight: 4,
    arbitrary: fc
      .uniqueArray(fc.tuple(strNode(keyArb), tree), {
        minLength: 1,
        maxLength: 6,
        selector: ([k]) => k.value,
      })
      .map((entries): Json => ({ t: 'obj', entries })),
  },
);

interface Doc {
  tree: Json;
  /** The document as sent: with random whitespace. */
  text: string;
}

const docArb: fc.Arbitrary<Doc> = fc
  .tuple(documentArb, fc.nat())
  .map(([t, seed]) => ({ tree: t, text: print(t, seed) }));

// ---------------------------------------------------------------------------------------------
// A JSON reader that keeps number text (JSON.parse would turn 1.10 into 1.1)

function parseJson(text: string): Json {
  let i = 0;
  const fail = (): never => {
    throw new Error(`not JSON at ${i}: ${text.slice(0, 200)}`);
  };
  const skip = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const str = (): Str => {
    const m = /^"(?:[^"\\]|\\.)*"/s.exec(text.slice(i)) ?? fail();
    i += m[0].length;
    return { value: JSON.parse(m[0]) as string, raw: m[0] };
  };
  const value = (): Json => {
    skip();
    const c = text[i];
    if (c === '"') return { t: 'str', s: str() };
    if (c === '[') {
      i++;
      const items: Json[] = [];
      skip();
      if (text[i] === ']') return (i++, { t: 'arr', items });
      for (;;) {
        items.push(value());
        skip();
        if (text[i++] === ']') return { t: 'arr', items };
        if (text[i - 1] !== ',') fail();
      }
    }
    if (c === '{') {
      i++;
      const entries: [Str, Json][] = [];
      skip();
      if (text[i] === '}') return (i++, { t: 'obj', entries });
      for (;;) {
        skip();
        const k = str();
        skip();
        if (text[i++] !== ':') fail();
        entries.push([k, value()]);
        skip();
        if (text[i++] === '}') return { t: 'obj', entries };
        if (text[i - 1] !== ',') fail();
      }
    }
    for (const [word, v] of [
      ['null', { t: 'null' }],
      ['true', { t: 'bool', v: true }],
      ['false', { t: 'bool', v: false }],
    ] as const) {
      if (text.startsWith(word, i)) return ((i += word.length), v);
    }
    const m = /^-?\d+(\.\d+)?([eE][-+]?\d+)?/.exec(text.slice(i)) ?? fail();
    i += m[0].length;
    return { t: 'num', text: m[0] };
  };
  const v = value();
  skip();
  if (i !== text.length) fail();
  return v;
}

/** Number texts of the same value (as doubles; integers past 2^53 exactly). */
function sameNumber(a: string, b: string): boolean {
  if (/^-?\d+$/.test(a) && /^-?\d+$/.test(b)) return BigInt(a) === BigInt(b);
  return Number(a) === Number(b);
}

/** Semantic equality: strings decoded, numbers by value, keys in order. */
function sameJson(a: Json, b: Json): boolean {
  switch (a.t) {
    case 'null':
      return b.t === 'null';
    case 'bool':
      return b.t === 'bool' && a.v === b.v;
    case 'num':
      return b.t === 'num' && sameNumber(a.text, b.text);
    case 'str':
      return b.t === 'str' && a.s.value === b.s.value;
    case 'arr':
      return (
        b.t === 'arr' &&
        a.items.length === b.items.length &&
        a.items.every((x, k) => sameJson(x, b.items[k]!))
      );
    case 'obj':
      return (
        b.t === 'obj' &&
        a.entries.length === b.entries.length &&
        a.entries.every(
          ([k, x], n) => k.value === b.entries[n]![0].value && sameJson(x, b.entries[n]![1]),
        )
      );
  }
}

// ---------------------------------------------------------------------------------------------
// Invalid variants

/** The text with a comma before the first closing bracket or brace of a non-empty container. */
function withTrailingComma(j: Json): string | undefined {
  let done = false;
  const go = (v: Json): string => {
    if (v.t === 'arr') {
      const inner = v.items.map(go).join(',');
      const comma = !done && v.items.length > 0 ? ((done = true), ',') : '';
      return `[${inner}${comma}]`;
    }
    if (v.t === 'obj') {
      const inner = v.entries.map(([k, x]) => `${k.raw}:${go(x)}`).join(',');
      const comma = !done && v.entries.length > 0 ? ((done = true), ' , ') : '';
      return `{${inner}${comma}}`;
    }
    return print(v);
  };
  const text = go(j);
  return done ? text : undefined;
}

/** Invalid variants of a document: each must fail with 22xxx. */
function invalidVariants(doc: Doc, cut: number): string[] {
  const out = [
    `[${doc.text}, NaN]`,
    `{"k": Infinity, "d": ${doc.text}}`,
    `[-Infinity]`,
    `[${doc.text}`,
  ];
  const comma = withTrailingComma(doc.tree);
  if (comma !== undefined) out.push(comma);
  // A container or string cut anywhere before its end is never valid.
  const min = print(doc.tree);
  if (min.length > 1 && (doc.tree.t === 'arr' || doc.tree.t === 'obj' || doc.tree.t === 'str')) {
    out.push(min.slice(0, 1 + (cut % (min.length - 1))));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Navigation paths

type PathStep = { key: string; sql: string } | { index: number };

/** The sub-value a path selects, undefined when it does not exist (lax navigation). */
function follow(j: Json | undefined, path: readonly PathStep[]): Json | undefined {
  let v = j;
  for (const step of path) {
    if (v === undefined) return undefined;
    if ('key' in step) {
      v = v.t === 'obj' ? v.entries.find(([k]) => k.value === step.key)?.[1] : undefined;
    } else {
      v = v.t === 'arr' && step.index >= 0 ? v.items[step.index] : undefined;
    }
  }
  return v;
}

const quoteIdent = (s: string) => `"${s.replaceAll('"', '""')}"`;
const SAFE_UNQUOTED = /^(ka|kb|k_1|items|val)$/;

/** A key step in SQL: quoted (case kept), or unquoted in random case for a safe lowercase key. */
function keyStep(key: string, rnd: () => number): PathStep {
  if (SAFE_UNQUOTED.test(key) && rnd() < 0.5) {
    const sql = [...key].map((c) => (rnd() < 0.5 ? c.toUpperCase() : c)).join('');
    return { key, sql };
  }
  return { key, sql: quoteIdent(key) };
}

/** Can a key be written as a quoted identifier (not empty, no NUL, not too long)? */
const navigable = (key: string) =>
  key !== '' && !key.includes('\u0000') && Buffer.byteLength(key) < 100;

/** A random path from `j`: mostly existing steps, some missing keys, bad indexes, steps into scalars. */
function randomPath(j: Json, rnd: () => number, keysOnly = false): PathStep[] {
  const path: PathStep[] = [];
  let v: Json | undefined = j;
  const length = 1 + Math.floor(rnd() * 5);
  while (path.length < length) {
    let step: PathStep;
    const r = rnd();
    if (v?.t === 'obj' && v.entries.length > 0 && r < 0.8) {
      const key = v.entries[Math.floor(rnd() * v.entries.length)]![0].value;
      step = navigable(key) ? keyStep(key, rnd) : keyStep('missing', rnd);
    } else if (v?.t === 'arr' && !keysOnly && r < 0.9) {
      const n = v.items.length;
      const s = rnd();
      step = {
        index:
          s < 0.65 && n > 0
            ? Math.floor(rnd() * n)
            : s < 0.85
              ? n + Math.floor(rnd() * 3)
              : -1 - Math.floor(rnd() * 3),
      };
    } else if (rnd() < 0.5 || keysOnly) {
      // A missing key, or a key of another case (quoted: case-sensitive).
      step = keyStep(pickKey(rnd), rnd);
    } else step = { index: Math.floor(rnd() * 3) };
    path.push(step);
    v = follow(v, [step]);
    if (v === undefined && rnd() < 0.5) break;
  }
  return path;
}

const pickKey = (rnd: () => number) => KEYS.filter(navigable)[Math.floor(rnd() * 15)] ?? 'ka';

const pathSql = (path: readonly PathStep[]) =>
  path.map((s) => ('key' in s ? `.${s.sql}` : `[${s.index}]`)).join('');

// ---------------------------------------------------------------------------------------------
// The server

let target: Target;
let client: pg.Client;
let nextId = 1;
/** Every stored document by id, for the final read after flushes. */
const stored = new Map<number, string>();

/** Every value as its text (no type parsing), rows as arrays. */
async function query(sql: string, values?: unknown[]): Promise<(string | null)[][]> {
  const r = await client.query<(string | null)[]>({
    text: sql,
    values,
    rowMode: 'array',
    types: { getTypeParser: () => (v: string) => v },
  });
  return r.rows;
}

before(async () => {
  target = await startTarget();
  client = await connect(target);
  await client.query('SET enable_case_sensitive_identifier TO true');
  await client.query('CREATE TABLE sf (id int, doc super)');
});

after(async () => {
  await client?.end();
  await target?.dispose();
});

/** Inserts documents as json_parse($n) in one multi-row INSERT; returns their ids. */
async function insert(docs: readonly Doc[]): Promise<number[]> {
  const ids = docs.map(() => nextId++);
  const rows = docs.map((_, k) => `($${2 * k + 1}::int, json_parse($${2 * k + 2}))`);
  await query(
    `INSERT INTO sf VALUES ${rows.join(', ')}`,
    docs.flatMap((d, k) => [ids[k], d.text]),
  );
  return ids;
}

async function checkStored(ids: readonly number[], docs: readonly Doc[]): Promise<void> {
  const rows = await query(
    `SELECT id, json_serialize(doc), doc FROM sf WHERE id BETWEEN $1 AND $2 ORDER BY id`,
    [ids[0], ids.at(-1)],
  );
  assert.deepEqual(
    rows.map((r) => Number(r[0])),
    ids,
  );
  rows.forEach(([id, serialized, doc], k) => {
    const want = print(docs[k]!.tree);
    assert.equal(
      serialized,
      want,
      `json_serialize of id ${id}, sent as ${JSON.stringify(docs[k]!.text)}`,
    );
    assert.equal(doc, want, `SELECT doc of id ${id}`);
  });
}

async function checkInvalid(doc: Doc, cut: number): Promise<void> {
  for (const bad of invalidVariants(doc, cut)) {
    const id = nextId++;
    let code: string | undefined;
    try {
      // A valid row beside it: the statement inserts nothing or everything.
      await query(`INSERT INTO sf VALUES ($1::int, json_parse($2)), ($1::int, json_parse($3))`, [
        id,
        doc.text,
        bad,
      ]);
    } catch (e) {
      code = (e as { code?: string }).code;
    }
    assert.match(
      code ?? 'none',
      /^22[0-9A-Z]{3}$/,
      `json_parse(${JSON.stringify(bad)}) must fail with 22xxx, got ${code}`,
    );
    const [[count]] = (await query('SELECT count(*) FROM sf WHERE id = $1', [id])) as [[string]];
    assert.equal(count, '0', `a failed INSERT left rows (${JSON.stringify(bad)})`);
    // And as a SELECT of an untyped parameter.
    await assert.rejects(query('SELECT json_parse($1) AS v', [bad]), (e: { code?: string }) =>
      /^22/.test(e.code ?? ''),
    );
  }
}

/** Lax casts: what each one must give for the value at the path (undefined: not checked). */
function checkCast(
  kind: 'int' | 'varchar' | 'float8' | 'boolean',
  v: Json | undefined,
  got: string | null,
  what: string,
): void {
  if (v === undefined || v.t === 'null' || v.t === 'arr' || v.t === 'obj') {
    assert.equal(got, null, `${what}: a missing value, JSON null, object or array casts to NULL`);
    return;
  }
  switch (kind) {
    case 'varchar':
      if (v.t === 'str') assert.equal(got, v.s.value, what);
      else if (v.t === 'bool') assert.equal(got, String(v.v), what);
      else assert.ok(got !== null && sameNumber(got, v.text), `${what}: ${got} for ${v.text}`);
      return;
    case 'boolean':
      if (v.t === 'bool') assert.equal(got, v.v ? 't' : 'f', what);
      return;
    case 'int':
      if (v.t === 'num' && /^-?\d+$/.test(v.text)) {
        const n = BigInt(v.text);
        const fits = n >= -(2n ** 31n) && n < 2n ** 31n;
        assert.equal(got, fits ? n.toString() : null, `${what} of ${v.text}`);
      } else if (got !== null) assert.match(got, /^-?\d+$/, what);
      return;
    case 'float8':
      if (v.t === 'num') {
        const x = Number(v.text);
        if (!Number.isFinite(x))
          assert.ok(got === null || !Number.isFinite(Number(got)), `${what}: ${got} for ${v.text}`);
        else {
          assert.ok(got !== null, `${what}: NULL for ${v.text}`);
          const y = Number(got);
          assert.ok(Math.abs(x - y) <= Math.abs(x) * 1e-14, `${what}: ${got} for ${v.text}`);
        }
      }
      return;
  }
}

const CASTS = ['int', 'varchar', 'float8', 'boolean'] as const;

async function checkNavigation(id: number, doc: Doc, seed: number): Promise<void> {
  const rnd = seededRandom(seed);
  const paths = Array.from({ length: PATHS_PER_DOCUMENT }, () => randomPath(doc.tree, rnd));
  const columns = paths.flatMap((p) => [
    `x.doc${pathSql(p)}`,
    ...CASTS.map((c) => `x.doc${pathSql(p)}::${c}`),
  ]);
  const sql = `SELECT ${columns.map((c, k) => `${c} AS c${k}`).join(', ')} FROM sf AS x WHERE x.id = $1`;
  let row: (string | null)[];
  try {
    [row] = (await query(sql, [id])) as [(string | null)[]];
  } catch (e) {
    assert.fail(`navigation failed: ${String(e)}\n${sql}\ndocument: ${print(doc.tree)}`);
  }
  paths.forEach((path, k) => {
    const v = follow(doc.tree, path);
    const at = (n: number) => row[k * 5 + n] ?? null;
    const what = `x.doc${pathSql(path)} of ${print(doc.tree).slice(0, 300)}`;
    const got = at(0);
    if (v === undefined) assert.equal(got, null, `${what}: a missing path is NULL`);
    else if (EXACT) assert.equal(got, print(v), what);
    else {
      assert.ok(got !== null, `${what}: NULL, expected ${print(v)}`);
      assert.ok(sameJson(parseJson(got), v), `${what}: ${got}, expected ${print(v)}`);
    }
    CASTS.forEach((c, n) => checkCast(c, v, at(n + 1), `${what}::${c}`));
  });

  // Unnesting: FROM x, x.doc.path AS e AT i over key paths (and the column itself).
  const keyPath = rnd() < 0.2 ? [] : randomPath(doc.tree, rnd, true);
  const v = follow(doc.tree, keyPath);
  const unnest = `SELECT i, e FROM sf AS x, x.doc${pathSql(keyPath)} AS e AT i WHERE x.id = $1 ORDER BY i`;
  let rows: (string | null)[][];
  try {
    rows = await query(unnest, [id]);
  } catch (e) {
    assert.fail(`unnesting failed: ${String(e)}\n${unnest}`);
  }
  const items = v?.t === 'arr' ? v.items : [];
  assert.equal(rows.length, items.length, `${unnest} over ${print(doc.tree).slice(0, 300)}`);
  rows.forEach(([i, e], n) => {
    assert.equal(i, String(n), unnest);
    assert.ok(
      e !== null &&
        e !== undefined &&
        (EXACT ? e === print(items[n]!) : sameJson(parseJson(e), items[n]!)),
      `${unnest}: element ${n} is ${e}, expected ${print(items[n]!)}`,
    );
  });
}

const runArb = fc.record({
  // Statements of one transaction; a large one (> 100 rows) goes straight to Parquet.
  statements: fc.array(
    fc.oneof(
      { weight: 6, arbitrary: fc.array(docArb, { minLength: 1, maxLength: 8 }) },
      { weight: 1, arbitrary: fc.array(docArb, { minLength: 101, maxLength: 130 }) },
    ),
    { minLength: 1, maxLength: 3 },
  ),
  seed: fc.nat(),
  cut: fc.nat(),
});

test('SUPER documents survive JSON_PARSE, storage and JSON_SERIALIZE; navigation never fails', async () => {
  const details = await fc.check(
    fc.asyncProperty(runArb, async ({ statements, seed, cut }) => {
      const inserted: [number, Doc][] = [];
      await query('BEGIN');
      try {
        for (const docs of statements) {
          const ids = await insert(docs);
          ids.forEach((id, k) => inserted.push([id, docs[k]!]));
        }
        await query('COMMIT');
      } catch (e) {
        await query('ROLLBACK').catch(() => {});
        throw e;
      }
      for (const [id, doc] of inserted) stored.set(id, print(doc.tree));
      await checkStored(
        inserted.map(([id]) => id),
        inserted.map(([, d]) => d),
      );
      const first = inserted[0]![1];
      await checkInvalid(first, cut);
      for (const [id, doc] of inserted.slice(0, NAVIGATED_PER_RUN))
        await checkNavigation(id, doc, seed + id);
    }),
    // No shrinking: every run adds rows to the one table, and the time stays bounded.
    { numRuns: RUNS, seed: SEED, endOnFailure: true },
  );
  if (details.failed) {
    // The counterexample is huge; the assertion's message names the document and the query.
    const error = details.errorInstance;
    assert.fail(
      `failed at run ${details.numRuns} of LAKESHIFT_SUPER_FUZZ_SEED=${details.seed} ` +
        `(LAKESHIFT_SUPER_FUZZ_RUNS=${RUNS}): ${error instanceof Error ? error.message : String(error)}`,
    );
  }

  // Everything again, after the lake flushed the inlined rows to Parquet.
  const rows = await query('SELECT id, json_serialize(doc) FROM sf ORDER BY id');
  assert.equal(rows.length, stored.size);
  for (const [id, text] of rows)
    assert.equal(text, stored.get(Number(id)), `document ${id} at the end`);
  const parquet = await filesUnder(target.dataDir, '.parquet');
  assert.ok(parquet.length > 0, 'some documents were written to Parquet files');
});

async function filesUnder(dir: string, suffix: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && e.name.endsWith(suffix)) out.push(join(e.parentPath, e.name));
  }
  return out;
}
