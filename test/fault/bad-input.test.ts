// Bad input and broken surroundings: each must fail with a clear error — the right SQLSTATE, a
// message naming the path, endpoint or catalog at fault, and what to do — and never with
// silently wrong data.
//
//  - an unwritable data directory                        → Lake.open fails, 58030
//  - a data or delete file of a committed table removed  → reads fail naming the file
//  - a data file corrupted (garbage, truncated, damaged) → reads fail naming the file
//  - an S3 endpoint that refuses connections             → Lake.open fails fast, 58030
//  - a catalog written by a newer format version         → 0A000, catalog left untouched
//  - a PostgreSQL catalog that refuses connections       → 08000, URL without password
import { chmod, mkdir, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import pg from 'pg';
import { LakeshiftError } from '../../src/common/errors.js';
import { Lake } from '../../src/storage/index.js';
import { startPostgres, type TestPostgres } from '../support/postgres.js';

const ref = { schema: 'public', name: 't' };

/** Deterministic garbage: n bytes from a seeded generator (mulberry32). */
function garbage(n: number, seed: number): Buffer {
  let a = seed >>> 0;
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (t ^ (t >>> 14)) & 0xff;
  }
  return out;
}
const dirs: string[] = [];

async function tempDir(name: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `lakeshift-bad-${name}-`));
  dirs.push(dir);
  return dir;
}

after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** The error a promise rejects with; fails the test when it resolves, showing what it returned. */
async function failure(promise: Promise<unknown>, what: string): Promise<Error> {
  let value: unknown;
  try {
    value = await promise;
  } catch (e) {
    assert.ok(e instanceof Error, `${what}: threw a non-Error: ${String(e)}`);
    return e;
  }
  assert.fail(
    `${what}: expected an error, got ${JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}`,
  );
}

function assertLakeshiftError(
  e: Error,
  sqlstate: string,
  what: string,
): asserts e is LakeshiftError {
  assert.ok(e instanceof LakeshiftError, `${what}: expected a LakeshiftError, got ${e.stack}`);
  assert.equal(e.sqlstate, sqlstate, `${what}: SQLSTATE (message: ${e.message})`);
}

/** What a client sees: the message and, PostgreSQL-style, the hint. */
const shown = (e: Error): string =>
  e instanceof LakeshiftError ? `${e.message} ${e.hint ?? ''}` : e.message;

/** A port on 127.0.0.1 that was just free and now has no listener: connections are refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  assert.ok(address !== null && typeof address === 'object');
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return address.port;
}

describe('an unwritable data directory', () => {
  test('a storage path below a regular file: Lake.open fails with 58030 naming it', async () => {
    const dir = await tempDir('notdir');
    await writeFile(join(dir, 'plain-file'), 'not a directory');
    const storage = join(dir, 'plain-file', 'data');
    const e = await failure(
      Lake.open({ catalog: join(dir, 'catalog.db'), storage }),
      'Lake.open with storage below a file',
    );
    assertLakeshiftError(e, '58030', 'storage below a file');
    assert.ok(e.message.includes(storage), `the message names ${storage}: ${e.message}`);
    assert.match(shown(e), /writable|check/i, 'the error says what to check');
  });

  test(
    'a directory without write permission: Lake.open fails with 58030 naming it',
    { skip: process.getuid?.() === 0 ? 'root writes through mode bits' : false },
    async () => {
      const dir = await tempDir('readonly');
      const storage = join(dir, 'data');
      await mkdir(storage);
      await chmod(storage, 0o500);
      try {
        const e = await failure(
          Lake.open({ catalog: join(dir, 'catalog.db'), storage }),
          'Lake.open with a read-only storage directory',
        );
        assertLakeshiftError(e, '58030', 'read-only storage directory');
        assert.ok(e.message.includes(storage), `the message names ${storage}: ${e.message}`);
        assert.match(shown(e), /writable|permission|check/i);
      } finally {
        await chmod(storage, 0o700);
      }
    },
  );
});

describe('damaged files of a committed table', () => {
  /** A lake with public.t: 1000 rows in one Parquet file; optionally 10 of them deleted. */
  async function committedTable(withDeletes: boolean) {
    const dir = await tempDir('files');
    const options = { catalog: join(dir, 'catalog.db'), storage: join(dir, 'data') };
    const lake = await Lake.open(options);
    try {
      await lake.transaction(async (tx) => {
        await tx.createSchema('public');
        await tx.createTable('public', 't', [
          { name: 'id', type: 'INTEGER' },
          { name: 's', type: 'VARCHAR' },
        ]);
      });
      await lake.transaction((tx) =>
        tx.insert(ref, `SELECT i, 'row ' || i FROM range(1000) AS r(i)`),
      );
      if (withDeletes) await lake.transaction((tx) => tx.delete(ref, 'id % 100 = 7'));
      const [data] = await lake.db.all<{ path: string }>(`SELECT path FROM lake_data_file`);
      const [del] = await lake.db.all<{ path: string }>(`SELECT path FROM lake_delete_file`);
      assert.ok(data, 'the insert wrote a data file');
      assert.equal(del !== undefined, withDeletes, 'a delete file exactly when rows were deleted');
      return {
        options,
        dataKey: data.path,
        dataFile: join(options.storage, data.path),
        deleteKey: del?.path,
        deleteFile: del && join(options.storage, del.path),
        expected: withDeletes ? { n: 990, s: 499500 - 10 * 7 - 100 * 45 } : { n: 1000, s: 499500 },
      };
    } finally {
      await lake.close();
    }
  }

  async function readAll(lake: Lake): Promise<{ n: number; s: number }> {
    return lake.transaction(async (tx) => {
      // Wide types: damaged values must come back as wrong numbers, not as a cast error.
      const [row] = (await tx.query(
        `SELECT count(*)::BIGINT AS n, sum(id)::HUGEINT::VARCHAR AS s FROM ${await tx.scan(ref)} AS t`,
      )) as { n: bigint; s: string | null }[];
      return { n: Number(row?.n), s: Number(row?.s) };
    });
  }

  /**
   * Damages a file, then reads the table both in a lake that had already read it (and may
   * cache its local path and metadata) and in a freshly opened one. Each read must fail
   * naming the file — or, only where `cachedMayServe` (DuckDB already holds what it needs in
   * memory), return exactly the right rows. Never different rows.
   */
  async function checkDamage(
    t: Awaited<ReturnType<typeof committedTable>>,
    key: string,
    damage: () => Promise<void>,
    { cachedMayServe = false, label = '' } = {},
  ): Promise<void> {
    const warm = await Lake.open(t.options);
    try {
      assert.deepEqual(await readAll(warm), t.expected, 'the table reads right before the damage');
      await damage();
      const prefix = label === '' ? '' : `${label}, `;
      const reads: [string, Lake][] = [[`${prefix}a lake that had read the file`, warm]];
      const fresh = await Lake.open(t.options);
      reads.push([`${prefix}a freshly opened lake`, fresh]);
      try {
        for (const [which, lake] of reads) {
          let rows: { n: number; s: number } | undefined;
          let error: Error | undefined;
          try {
            rows = await readAll(lake);
          } catch (e) {
            error = e as Error;
          }
          if (error === undefined) {
            assert.ok(
              cachedMayServe && lake === warm,
              `${which}: read the damaged file without an error: ${JSON.stringify(rows)}`,
            );
            assert.deepEqual(rows, t.expected, `${which}: wrong rows from a damaged file`);
            continue;
          }
          assert.ok(
            error.message.includes(key),
            `${which}: the error names the file ${key}: ${error.message}`,
          );
          if (error instanceof LakeshiftError) {
            assert.ok(
              ['58P01', '58030', 'XX001'].includes(error.sqlstate),
              `${which}: SQLSTATE ${error.sqlstate} for a damaged file`,
            );
            assert.match(shown(error), /restore|backup|check/i, `${which}: says what to do`);
          }
        }
      } finally {
        await fresh.close();
      }
    } finally {
      await warm.close();
    }
  }

  test('a data file removed from disk: reads fail naming it', async () => {
    const t = await committedTable(false);
    await checkDamage(t, t.dataKey, () => rm(t.dataFile));
  });

  test('a delete file removed from disk: reads fail naming it, deleted rows stay deleted', async () => {
    const t = await committedTable(true);
    await checkDamage(t, t.deleteKey!, () => rm(t.deleteFile!));
  });

  test('a data file overwritten with garbage of the same size: reads fail naming it', async () => {
    const t = await committedTable(false);
    const size = (await readFile(t.dataFile)).length;
    await checkDamage(t, t.dataKey, () => writeFile(t.dataFile, garbage(size, 1)));
  });

  test('a truncated data file: reads fail naming it', async () => {
    const t = await committedTable(false);
    const size = (await readFile(t.dataFile)).length;
    await checkDamage(t, t.dataKey, () => truncate(t.dataFile, Math.floor(size / 2)));
  });

  test('a truncated delete file: reads fail naming it, deleted rows stay deleted', async () => {
    const t = await committedTable(true);
    const size = (await readFile(t.deleteFile!)).length;
    await checkDamage(t, t.deleteKey!, () => truncate(t.deleteFile!, Math.floor(size / 2)));
  });

  test('a data file whose footer is garbage (size and magic bytes kept): reads fail naming it', async () => {
    // Several garbage footers: DuckDB's Thrift decoder fails in different ways on each.
    for (const seed of [1, 2, 3, 4, 5]) {
      const t = await committedTable(false);
      await checkDamage(
        t,
        t.dataKey,
        async () => {
          const bytes = await readFile(t.dataFile);
          // Layout: ... footer, 4-byte footer length, "PAR1".
          const footerLength = bytes.readUInt32LE(bytes.length - 8);
          garbage(footerLength, seed).copy(bytes, bytes.length - 8 - footerLength);
          await writeFile(t.dataFile, bytes);
        },
        // DuckDB may keep the footer it read before in memory; then the rows are still right.
        { cachedMayServe: true, label: `garbage footer #${seed}` },
      );
    }
  });

  test('a data file with damaged data pages (size, magic and footer kept): never wrong rows', async () => {
    const t = await committedTable(false);
    await checkDamage(
      t,
      t.dataKey,
      async () => {
        const bytes = await readFile(t.dataFile);
        // Just past the leading "PAR1": the first column chunk's pages.
        garbage(200, 7).copy(bytes, 100);
        await writeFile(t.dataFile, bytes);
      },
      { cachedMayServe: true },
    );
  });
});

describe('an S3 endpoint that refuses connections', () => {
  test('Lake.open fails within seconds with 58030 naming the endpoint', async () => {
    const dir = await tempDir('s3');
    const port = await closedPort();
    const endpoint = `http://127.0.0.1:${port}`;
    const started = Date.now();
    const e = await failure(
      Lake.open({
        catalog: join(dir, 'catalog.db'),
        storage: 's3://lakeshift-test/some/prefix',
        storageOptions: {
          endpoint,
          region: 'us-east-1',
          forcePathStyle: true,
          credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
          cacheDir: join(dir, 'cache'),
        },
      }),
      'Lake.open against a refused S3 endpoint',
    );
    const elapsed = Date.now() - started;
    assertLakeshiftError(e, '58030', 'refused S3 endpoint');
    assert.ok(e.message.includes(endpoint), `the message names ${endpoint}: ${e.message}`);
    assert.match(shown(e), /reachable|check/i, 'the error says what to check');
    assert.ok(elapsed < 5000, `it took ${elapsed} ms to give up on a refused endpoint`);
  });
});

/** A catalog's contents: its schema objects, and every row of every table (as sorted text). */
interface CatalogDump {
  objects: string[];
  rows: Record<string, string>;
}

/** Everything in a SQLite catalog. */
function dumpSqlite(path: string): CatalogDump {
  const db = new Database(path, { readonly: true });
  try {
    const objects = db
      .prepare(`SELECT type, name, sql FROM sqlite_master ORDER BY type, name`)
      .all() as { type: string; name: string; sql: string | null }[];
    const rows: Record<string, string> = {};
    for (const o of objects.filter((x) => x.type === 'table')) {
      rows[o.name] = db
        .prepare(`SELECT * FROM "${o.name}"`)
        .all()
        .map((r) => JSON.stringify(r))
        .sort()
        .join('\n');
    }
    return { objects: objects.map((o) => `${o.type} ${o.name}: ${o.sql ?? ''}`), rows };
  } finally {
    db.close();
  }
}

/** Everything in a PostgreSQL catalog database (its public schema). */
async function dumpPostgres(url: string): Promise<CatalogDump> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = (
      await client.query<{ t: string }>(
        `SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`,
      )
    ).rows.map((r) => r.t);
    const indexes = (
      await client.query<{ indexdef: string }>(
        `SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname`,
      )
    ).rows.map((r) => `index ${r.indexdef}`);
    const columns = (
      await client.query<{ c: string }>(
        `SELECT table_name || '.' || column_name || ' ' || data_type AS c
         FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1`,
      )
    ).rows.map((r) => `column ${r.c}`);
    const rows: Record<string, string> = {};
    for (const t of tables) {
      const { rows: r } = await client.query<{ h: string }>(
        `SELECT coalesce(string_agg(x::text, E'\\n' ORDER BY x::text), '') AS h FROM "${t}" AS x`,
      );
      rows[t] = r[0]?.h ?? '';
    }
    return { objects: [...tables.map((t) => `table ${t}`), ...indexes, ...columns], rows };
  } finally {
    await client.end();
  }
}

/** Fails, listing what changed, when a catalog's contents differ from before. */
function assertUnchanged(before: CatalogDump, after: CatalogDump, what: string): void {
  const added = after.objects.filter((o) => !before.objects.includes(o));
  const removed = before.objects.filter((o) => !after.objects.includes(o));
  assert.deepEqual(
    { added, removed },
    { added: [], removed: [] },
    `${what}: schema objects changed`,
  );
  const changed = Object.keys({ ...before.rows, ...after.rows }).filter(
    (t) => before.rows[t] !== after.rows[t],
  );
  assert.deepEqual(changed, [], `${what}: rows of these tables changed`);
}

/** Runs SQL on a catalog directly, as a newer Lakeshift (or an operator) would. */
async function alterCatalog(catalog: string, sql: string[]): Promise<void> {
  if (catalog.startsWith('postgres')) {
    const client = new pg.Client({ connectionString: catalog });
    await client.connect();
    try {
      for (const s of sql) await client.query(s);
    } finally {
      await client.end();
    }
  } else {
    const db = new Database(catalog);
    try {
      for (const s of sql) db.exec(s);
    } finally {
      db.close();
    }
  }
}

function newerFormatTests(
  backend: () => { catalog: () => Promise<string>; names: (catalog: string) => string[] },
  dump: (catalog: string) => Promise<CatalogDump> | CatalogDump,
): void {
  async function newerCatalog(
    extraChanges: string[],
  ): Promise<{ catalog: string; storage: string }> {
    const catalog = await backend().catalog();
    const storage = join(await tempDir('format'), 'data');
    const lake = await Lake.open({ catalog, storage });
    await lake.transaction(async (tx) => {
      await tx.createSchema('public');
      await tx.createTable('public', 't', [{ name: 'id', type: 'INTEGER' }]);
      await tx.insert(ref, 'SELECT 1');
    });
    await lake.close();
    await alterCatalog(catalog, [
      `UPDATE lake_metadata SET value = '999' WHERE key = 'format_version'`,
      ...extraChanges,
    ]);
    return { catalog, storage };
  }

  async function checkRefused(catalog: string, storage: string): Promise<void> {
    const before = await dump(catalog);
    const e = await failure(Lake.open({ catalog, storage }), 'Lake.open of a newer catalog');
    assertLakeshiftError(e, '0A000', 'newer catalog format');
    for (const name of backend().names(catalog)) {
      assert.ok(e.message.includes(name), `the message names the catalog (${name}): ${e.message}`);
    }
    assert.match(shown(e), /upgrade/i, 'the error says to upgrade');
    assertUnchanged(before, await dump(catalog), 'the failed open changed the catalog');
  }

  test('format_version 999: 0A000 naming the catalog, which is left unchanged', async () => {
    const { catalog, storage } = await newerCatalog([]);
    await checkRefused(catalog, storage);
  });

  test('format_version 999 with a different layout: nothing of this version is created in it', async () => {
    // A newer format may well have renamed or dropped tables and indexes this version would
    // create: an open that refuses the catalog must not add them.
    const { catalog, storage } = await newerCatalog([
      `ALTER TABLE lake_pin RENAME TO lake_pin_v999`,
      `DROP INDEX lake_snapshot_change_snapshot`,
    ]);
    await checkRefused(catalog, storage);
  });
}

describe('a catalog written by a newer format version', () => {
  describe('SQLite', () => {
    newerFormatTests(
      () => ({
        catalog: async () => join(await tempDir('sqlite-format'), 'catalog.db'),
        names: (catalog) => [catalog],
      }),
      (catalog) => dumpSqlite(catalog),
    );
  });

  describe('PostgreSQL', () => {
    let server: TestPostgres | undefined;
    let databases = 0;
    before(async () => {
      server = await startPostgres();
    });
    after(async () => {
      await server?.stop();
    });
    newerFormatTests(
      () => ({
        catalog: async () => {
          assert.ok(server);
          const name = `format_${++databases}`;
          await alterCatalog(server.url, [`CREATE DATABASE ${name}`]);
          const url = new URL(server.url);
          url.pathname = `/${name}`;
          return url.toString();
        },
        names: (catalog) => {
          const url = new URL(catalog);
          return [`${url.hostname}:${url.port}`, url.pathname];
        },
      }),
      (catalog) => dumpPostgres(catalog),
    );
  });
});

describe('a PostgreSQL catalog that refuses connections', () => {
  test('Lake.open fails with 08000 naming the URL without its password', async () => {
    const dir = await tempDir('pg-refused');
    const port = await closedPort();
    const password = 'hunter2-secret';
    const started = Date.now();
    const e = await failure(
      Lake.open({
        catalog: `postgres://lakeshift:${password}@127.0.0.1:${port}/warehouse`,
        storage: join(dir, 'data'),
      }),
      'Lake.open against a refused PostgreSQL port',
    );
    const elapsed = Date.now() - started;
    assertLakeshiftError(e, '08000', 'refused PostgreSQL catalog');
    assert.ok(
      e.message.includes(`127.0.0.1:${port}`),
      `the message names the server: ${e.message}`,
    );
    assert.ok(e.message.includes('/warehouse'), `the message names the database: ${e.message}`);
    assert.ok(e.message.includes('lakeshift@'), `the message names the user: ${e.message}`);
    const everything = `${e.message} ${e.hint ?? ''} ${e.detail ?? ''} ${e.stack ?? ''}`;
    assert.ok(!everything.includes(password), `the password leaked: ${everything}`);
    assert.match(shown(e), /check|running/i, 'the error says what to check');
    assert.ok(elapsed < 5000, `it took ${elapsed} ms to give up on a refused port`);
  });

  test('a password given as a URL parameter does not leak either', async () => {
    const dir = await tempDir('pg-refused-param');
    const port = await closedPort();
    const password = 'param-secret-42';
    const e = await failure(
      Lake.open({
        catalog: `postgresql://lakeshift@127.0.0.1:${port}/warehouse?password=${password}`,
        storage: join(dir, 'data'),
      }),
      'Lake.open against a refused PostgreSQL port',
    );
    assertLakeshiftError(e, '08000', 'refused PostgreSQL catalog');
    assert.ok(
      e.message.includes(`127.0.0.1:${port}`),
      `the message names the server: ${e.message}`,
    );
    const everything = `${e.message} ${e.hint ?? ''} ${e.detail ?? ''} ${e.stack ?? ''}`;
    assert.ok(!everything.includes(password), `the password leaked: ${everything}`);
  });
});
