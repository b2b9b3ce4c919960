// Syntax-error parity with PostgreSQL 15: random truncations of the client corpus are sent to a
// real server (as PREPARE, so nothing runs) and to our parser; both must agree on accepting the
// text, and on a syntax error's message and position. Random token sequences are compared the
// same way: we must never accept what PostgreSQL's grammar rejects, and nearly always report the
// same error (PostgreSQL's LALR parser sometimes notices an error a token later than we do).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { readCorpus } from '../../src/sql/parser/corpus/load.js';
import { parse } from '../../src/sql/parser/index.js';
import { startPostgres, type TestPostgres } from '../support/postgres.js';
import { seededRandom } from '../support/random.js';

const PREFIX = 'PREPARE lakeshift_parity AS ';
let db: TestPostgres;
let client: pg.Client;

before(async () => {
  db = await startPostgres();
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
});

after(async () => {
  await client?.end();
  await db?.stop();
});

type Outcome =
  { ok: true } | { ok: false; sqlstate: string; message: string; position: number | null };

async function postgres(sql: string): Promise<Outcome> {
  try {
    await client.query(PREFIX + sql);
    await client.query('DEALLOCATE lakeshift_parity');
    return { ok: true };
  } catch (e) {
    const err = e as { code: string; message: string; position?: string };
    const position = err.position === undefined ? null : Number(err.position) - PREFIX.length;
    return { ok: false, sqlstate: err.code, message: err.message, position };
  }
}

function ours(sql: string): Outcome {
  try {
    parse(sql);
    return { ok: true };
  } catch (e) {
    const err = e as { sqlstate: string; message: string; position?: number };
    return {
      ok: false,
      sqlstate: err.sqlstate,
      message: err.message,
      position: err.position ?? null,
    };
  }
}

test('truncated client queries: same syntax errors as PostgreSQL 15', async () => {
  const rnd = seededRandom(7);
  const queries = readCorpus()
    .map((c) => c.sql.replace(/^(--[^\n]*\n)+/, ''))
    .filter((s) => /^select/i.test(s));
  let compared = 0;
  for (let i = 0; i < 300; i++) {
    const full = queries[Math.floor(rnd() * queries.length)] as string;
    const sql = full.slice(0, 1 + Math.floor(rnd() * (full.length - 1)));
    if (sql.replace(/--[^\n]*/g, '').trim() === '') continue;
    const theirs = await postgres(sql);
    const mine = ours(sql);
    // Name resolution errors (42P01, 42703, ...) mean PostgreSQL parsed the text: we must too.
    if (!theirs.ok && theirs.sqlstate !== '42601') assert.deepEqual(mine, { ok: true }, sql);
    else assert.deepEqual(mine, theirs, sql);
    compared++;
  }
  assert.ok(compared > 250);
});

const VOCAB = (
  'from where group by order having limit offset union all intersect except join left on using ' +
  'as and or not is null true in between like ilike similar to case when then else end cast ' +
  'exists array row with values distinct over partition filter within interval date timestamp ' +
  'time zone at collate extract substring trim position overlay operator default user ' +
  "current_date lateral a b t \"Q\" 1 2.5 's' E'\\n' $1 $$x$$ ( ) [ ] , . : :: * + - / = <> < >= " +
  '~ !~* || -> @> # & | ^ select isnull notnull escape symmetric any some nulls first last asc ' +
  'desc rows range preceding following current unbounded fetch only next natural cross full ' +
  'outer inner right'
).split(' ');

/** PostgreSQL reports these with 42601 from analysis, after its grammar accepted the text. */
const ANALYSIS_42601 = [/^DEFAULT is not allowed/, /^SELECT \* with no tables/];

test('random token sequences: never accept what PostgreSQL rejects; same errors nearly always', async () => {
  const rnd = seededRandom(11);
  let same = 0;
  const total = 1500;
  for (let i = 0; i < total; i++) {
    const words = ['select'];
    const n = 1 + Math.floor(rnd() * 10);
    for (let k = 0; k < n; k++) words.push(VOCAB[Math.floor(rnd() * VOCAB.length)] as string);
    const sql = words.join(' ');
    const theirs = await postgres(sql);
    const mine = ours(sql);
    const theirsParsed =
      theirs.ok ||
      theirs.sqlstate !== '42601' ||
      ANALYSIS_42601.some((re) => re.test(theirs.message));
    if (!theirsParsed) assert.equal(mine.ok, false, `we accept what PostgreSQL rejects: ${sql}`);
    if (theirsParsed ? mine.ok : JSON.stringify(mine) === JSON.stringify(theirs)) same++;
  }
  assert.ok(same / total >= 0.97, `only ${same} of ${total} agree`);
});
