// Syntax-error parity with PostgreSQL 15: random truncations of the client corpus are sent to a
// real server (as PREPARE, so nothing runs) and to our parser; both must agree on accepting the
// text, and on a syntax error's message and position.
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
