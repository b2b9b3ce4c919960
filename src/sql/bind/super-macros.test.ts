// JSON_PARSE's and CAN_JSON_PARSE's macros against an independent reference over generated text:
// JavaScript's JSON.parse is strict RFC 8259, as Redshift is, and the minified text is the input
// without the whitespace outside strings. The texts mix what the macros' shortcuts must not get
// wrong: NaN and Infinity, trailing commas, whitespace of every kind between tokens and inside
// strings, strings that look like those ("nan", ", ]"), numbers written as 1.10 or 1e2, and
// broken text.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { FUNCTION_SCHEMA, installFunctionMacros } from './function-macros.js';

const s = FUNCTION_SCHEMA;
const TEXT_COUNT = 1500;

/** A small seeded generator (mulberry32): the same texts on every run. */
function randomSource(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** String contents that look like NaN, Infinity, trailing commas or whitespace between tokens. */
const LOOKALIKES = ['nan', 'NaN,', 'info', 'Nan G', 'inf ]', 'x,na', 'a:in', ', ]', '[ 1 ]'];
const OTHER_STRINGS = ['x ,y', 'a\\"b', '\\u00e9', 'é', 'x\\\\', 'lorem ipsum', ' a', 'b ', ''];
const NUMBERS = ['1.10', '1e2', '-0', '0', '12', '-3.5E-2', '1E+5', '123456789012345678901234'];
const NAN_OR_INF = ['nan', 'NaN', '-nan', 'inf', '-Inf', 'Infinity', '-INFINITY', '+inf'];
const WHITESPACE = [' ', '  ', '\t', '\n', '\r', '\r\n', ' \n\t'];
const BROKEN = ['', ' ', '[1 2]', '[1,,2]', '{"a" 1}', '"abc', '[nana]', '[+1]', '[01]', 'tru e'];

function generateTexts(count: number): string[] {
  const random = randomSource(2026);
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)]!;
  // Per text: how likely whitespace is at each gap between tokens, and a lenient form at each place
  // one can be.
  let whitespaceOdds = 0;
  let lenientOdds = 0;
  const ws = (p: number) => (random() < p ? pick(WHITESPACE) : '');
  const gap = () => ws(whitespaceOdds);
  const string = () => `"${pick(random() < 0.5 ? LOOKALIKES : OTHER_STRINGS)}"`;
  const value = (depth: number): string => {
    const r = random();
    if (depth > 3 || r < 0.35) {
      const kind = random();
      if (kind < 0.4) return string();
      if (kind < 0.7) return pick(NUMBERS);
      return kind < 0.9 - lenientOdds ? pick(['true', 'false', 'null']) : pick(NAN_OR_INF);
    }
    const object = r < 0.7;
    const items = Array.from({ length: Math.floor(random() * 4) }, () =>
      object
        ? `${gap()}${string()}${gap()}:${gap()}${value(depth + 1)}${gap()}`
        : `${gap()}${value(depth + 1)}${gap()}`,
    );
    let inner = items.length === 0 ? gap() : items.join(',');
    if (items.length > 0 && random() < lenientOdds) inner += `,${gap()}`;
    return object ? `{${inner}}` : `[${inner}]`;
  };
  // Cut, an extra or a missing character, or a known-bad text.
  const broken = (t: string): string => {
    const at = Math.floor(random() * (t.length + 1));
    const r = random();
    if (r < 0.3) return t.slice(0, at);
    if (r < 0.6)
      return t.slice(0, at) + pick(['"', ',', ' 2', 'x', ']', ':', '\\', '\t']) + t.slice(at);
    if (r < 0.8) return pick(BROKEN);
    return t.slice(0, at) + t.slice(at + 1);
  };
  return Array.from({ length: count }, () => {
    whitespaceOdds = pick([0, 0, 0.1, 0.3, 0.6]);
    lenientOdds = pick([0, 0, 0.05, 0.2]);
    const text = ws(whitespaceOdds / 2) + value(0) + ws(whitespaceOdds / 2);
    return random() < 0.15 ? broken(text) : text;
  });
}

/** The reference: is `text` JSON by RFC 8259? */
function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** The reference: JSON text without the whitespace outside its strings. */
function minified(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      out += text.slice(i, end + 1);
      i = end;
    } else if (!' \t\n\r'.includes(text[i]!)) out += text[i];
  }
  return out;
}

const texts = generateTexts(TEXT_COUNT);
let connection: DuckDBConnection;

before(async () => {
  connection = await (await DuckDBInstance.create(':memory:')).connect();
  await installFunctionMacros(connection);
  await connection.run('CREATE TABLE texts (id INTEGER, t VARCHAR)');
  const appender = await connection.createAppender('texts');
  texts.forEach((text, id) => {
    appender.appendInteger(id);
    appender.appendVarchar(text);
    appender.endRow();
  });
  appender.closeSync();
});

after(() => connection.closeSync());

async function column(sql: string): Promise<unknown[]> {
  return (await connection.runAndReadAll(sql)).getRowsJS().map((row) => row[0]);
}

test('the generated texts cover strict, lenient, spaced and broken JSON', async () => {
  const valid = await column(`SELECT json_valid(t) FROM texts ORDER BY id`);
  const strict = texts.filter(isJson);
  assert.ok(strict.length > TEXT_COUNT / 2);
  assert.ok(strict.filter((t) => minified(t) !== t).length > TEXT_COUNT / 10);
  assert.ok(texts.filter((t, i) => valid[i] && !isJson(t)).length > TEXT_COUNT / 20);
  assert.ok(valid.filter((v) => !v).length > TEXT_COUNT / 20);
});

test('CAN_JSON_PARSE (json_strict) is strict JSON validity, all texts in one query', async () => {
  const strict = await column(`SELECT ${s}.json_strict(t) FROM texts ORDER BY id`);
  texts.forEach((text, i) => assert.equal(strict[i], isJson(text), JSON.stringify(text)));
});

test('JSON_PARSE of JSON text is its minified text, numbers as written', async () => {
  const ids = texts.flatMap((text, i) => (isJson(text) ? [i] : []));
  const parsed = await column(
    `SELECT CAST(${s}.json_parse(t) AS VARCHAR) FROM texts WHERE id IN (${ids.join(',')}) ORDER BY id`,
  );
  ids.forEach((id, i) => assert.equal(parsed[i], minified(texts[id]!), JSON.stringify(texts[id])));
});

test('JSON_PARSE of other text is 22P02 naming it', async () => {
  for (const [id, text] of texts.entries()) {
    if (isJson(text)) continue;
    const named = [...text].slice(0, 200).join('');
    await assert.rejects(
      connection.run(`SELECT ${s}.json_parse(t) FROM texts WHERE id = ${id}`),
      { message: `Invalid Input Error: [22P02] invalid JSON: ${named}` },
      JSON.stringify(text),
    );
  }
});

test('NULL in, NULL out', async () => {
  assert.deepEqual(
    await column(`SELECT ${s}.json_strict(NULL) UNION ALL SELECT ${s}.json_parse(NULL)`),
    [null, null],
  );
});
