// Range predicates of a query prune files of a table by their min/max statistics: after
// compaction clusters a table by its SORTKEY, a query on a range of the key reads only the files
// that hold it (the relation's scan names the files it reads).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parseStatements, type Query } from '../sql/index.js';
import { compact, Lake } from '../storage/index.js';
import { resolveRelations } from './resolve.js';
import type { Session } from './session.js';

const dir = mkdtempSync(join(tmpdir(), 'lakeshift-resolve-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** What resolveRelations reads of a session: names, search path, temp tables. */
const session = {
  caseSensitiveIdentifiers: false,
  databaseName: 'dev',
  tempTables: new Map(),
  searchPath: () => ['public'],
} as unknown as Session;

test('a range predicate on the sort key reads only the files that can hold it', async () => {
  const lake = await Lake.open({
    catalog: join(dir, 'catalog.db'),
    storage: join(dir, 'files'),
    inlineRowLimit: 0,
  });
  await lake.transaction(async (tx) => {
    await tx.createSchema('public');
    await tx.createTable(
      'public',
      'events',
      [
        { name: 'id', type: 'INTEGER', typeAnnotation: 'integer' },
        { name: 'kind', type: 'VARCHAR', typeAnnotation: 'character varying(10)' },
        { name: 'code', type: 'VARCHAR', typeAnnotation: 'character(3)' },
      ],
      { sortKey: ['id'] },
    );
  });
  // Four loads spread over the whole key range, then clustered by compaction.
  for (let i = 0; i < 4; i++) {
    await lake.transaction((tx) =>
      tx.insert(
        { schema: 'public', name: 'events' },
        `SELECT range * 4 + ${i}, 'k', 'abc' FROM range(500)`,
      ),
    );
  }
  await compact(lake, { targetFileRows: 500, sort: true });
  const filesRead = async (sql: string) => {
    const [q] = parseStatements(sql) as Query[];
    const tx = await lake.begin();
    try {
      const relations = await resolveRelations(session, tx, q);
      return [...relations.values()].map((r) => (r.match(/\.parquet'/g) ?? []).length);
    } finally {
      await tx.rollback();
    }
  };
  assert.deepEqual(await filesRead('SELECT * FROM events'), [4]);
  assert.deepEqual(await filesRead('SELECT * FROM events WHERE id >= 1500'), [1]);
  assert.deepEqual(await filesRead('SELECT * FROM events WHERE 500 > id AND kind = 1'), [1]);
  assert.deepEqual(await filesRead('SELECT * FROM events e WHERE e.id BETWEEN 600 AND 900'), [1]);
  assert.deepEqual(await filesRead('SELECT * FROM events WHERE id = 1200'), [1]);
  // Not simple enough, or not the same comparison on the stored values: every file is read.
  assert.deepEqual(await filesRead('SELECT * FROM events WHERE id >= 1500 OR id < 10'), [4]);
  assert.deepEqual(await filesRead(`SELECT * FROM events WHERE kind > 5`), [4]);
  // CHAR(3) compares without trailing blanks, as its stored values are: no file holds a code
  // above 'abd' (every one is 'abc').
  assert.deepEqual(await filesRead(`SELECT * FROM events WHERE code > 'abd'`), [0]);
  assert.deepEqual(await filesRead(`SELECT * FROM events WHERE code = 'abc  '`), [4]);
  assert.deepEqual(
    await filesRead('SELECT * FROM events a JOIN events b ON a.id = b.id WHERE b.id < 100'),
    [4, 1],
  );
  assert.deepEqual(await filesRead('SELECT * FROM events a, events b WHERE id < 100'), [4, 4]);
  assert.deepEqual(
    await filesRead('SELECT (SELECT count(*) FROM events WHERE id >= 1500) FROM events'),
    [1, 4],
  );
  await lake.close();
});
