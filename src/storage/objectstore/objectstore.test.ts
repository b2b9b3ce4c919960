// One contract suite run against both backends (the filesystem and a real S3 API server), then
// the backend-specific behaviour: bad directories, multipart uploads, the bounded read cache,
// shared downloads and unreachable endpoints.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isLakeshiftError, SqlState } from '../../common/errors.js';
import { closedPort } from '../../../test/support/ports.js';
import { startS3rver } from '../../../test/support/s3rver.js';
import { rejectsWith } from '../../../test/support/sqlstate.js';
import type { RunningS3rver } from '../../../test/support/s3rver.js';
import { FsObjectStore, openObjectStore, ReadCache, S3ObjectStore } from './index.js';
import type { ObjectInfo, ObjectStore, OpenObjectStoreOptions } from './index.js';

const MiB = 1024 * 1024;

async function tempDir(label: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `lakeshift-${label}-`));
}

/** Writes bytes to a new file in the store's staging directory, as DuckDB would. */
async function stage(store: ObjectStore, bytes: Uint8Array): Promise<string> {
  const path = join(store.stagingDir, `staged-${randomBytes(6).toString('hex')}.parquet`);
  await writeFile(path, bytes);
  return path;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function dirSize(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? await dirSize(path) : (await stat(path)).size;
  }
  return total;
}

async function collect(items: AsyncIterable<ObjectInfo>): Promise<ObjectInfo[]> {
  const out: ObjectInfo[] = [];
  for await (const item of items) out.push(item);
  return out.sort((a, b) => a.key.localeCompare(b.key));
}

/** Counts SDK commands by name (e.g. 'GetObjectCommand'), once per call whatever the retries. */
function countCommands(store: S3ObjectStore): Map<string, number> {
  const counts = new Map<string, number>();
  store.client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName ?? '?';
      counts.set(name, (counts.get(name) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'lakeshiftCountCommands' },
  );
  return counts;
}

interface Backend {
  store: ObjectStore;
  /** S3 only: commands sent so far, by name. */
  commands?: Map<string, number>;
  teardown(): Promise<void>;
}

function contractSuite(name: string, setup: () => Promise<Backend>): void {
  describe(`object store contract: ${name}`, () => {
    let backend: Backend;
    let store: ObjectStore;
    before(async () => {
      backend = await setup();
      store = backend.store;
    });
    after(() => backend.teardown());

    test('putBytes, getBytes and stat round trip every byte value exactly', async () => {
      const bytes = Buffer.concat([
        Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
        randomBytes(70_000),
      ]);
      await store.putBytes('manifests/m1.bin', bytes);
      assert.deepEqual(await store.getBytes('manifests/m1.bin'), bytes);
      const info = await store.stat('manifests/m1.bin');
      assert.equal(info?.key, 'manifests/m1.bin');
      assert.equal(info?.size, bytes.length);
      assert.ok(info?.lastModified instanceof Date);
    });

    test('putFile consumes the staged file; localPath and getBytes return its bytes', async () => {
      const bytes = randomBytes(123_457);
      const staged = await stage(store, bytes);
      assert.deepEqual(await store.putFile('tables/1/a.parquet', staged), { size: bytes.length });
      assert.equal(await exists(staged), false);
      assert.deepEqual(await readFile(await store.localPath('tables/1/a.parquet')), bytes);
      assert.deepEqual(await store.getBytes('tables/1/a.parquet'), bytes);
      assert.equal((await store.stat('tables/1/a.parquet'))?.size, bytes.length);
    });

    test('a file above the multipart threshold round trips', async () => {
      const bytes = randomBytes(6 * MiB + 12_345);
      const partsBefore = backend.commands?.get('UploadPartCommand') ?? 0;
      assert.deepEqual(await store.putFile('tables/1/big.parquet', await stage(store, bytes)), {
        size: bytes.length,
      });
      if (backend.commands !== undefined) {
        // 5 MiB parts: one full part and the remainder.
        assert.equal((backend.commands.get('UploadPartCommand') ?? 0) - partsBefore, 2);
        assert.equal(backend.commands.get('CompleteMultipartUploadCommand'), 1);
      }
      assert.deepEqual(await readFile(await store.localPath('tables/1/big.parquet')), bytes);
    });

    test('an empty object round trips', async () => {
      await store.putFile('tables/1/empty.parquet', await stage(store, new Uint8Array()));
      assert.equal((await store.getBytes('tables/1/empty.parquet')).length, 0);
      assert.equal((await readFile(await store.localPath('tables/1/empty.parquet'))).length, 0);
    });

    test('a missing key: 58P01 naming the key from getBytes and localPath; stat undefined', async () => {
      await rejectsWith(
        store.getBytes('tables/9/nope.parquet'),
        SqlState.undefinedFile,
        'tables/9/nope.parquet',
      );
      await rejectsWith(
        store.localPath('tables/9/nope.parquet'),
        SqlState.undefinedFile,
        'tables/9/nope.parquet',
      );
      assert.equal(await store.stat('tables/9/nope.parquet'), undefined);
    });

    test('list returns every object under a prefix, and only those', async () => {
      for (const key of ['l/x/1', 'l/x/2', 'l/y/3', 'l/xz/4', 'lother/5']) {
        await store.putBytes(key, Buffer.from(key));
      }
      const keys = async (prefix: string) => (await collect(store.list(prefix))).map((o) => o.key);
      assert.deepEqual(await keys('l/x/'), ['l/x/1', 'l/x/2']);
      assert.deepEqual(await keys('l/x'), ['l/x/1', 'l/x/2', 'l/xz/4']);
      assert.deepEqual(await keys('l/'), ['l/x/1', 'l/x/2', 'l/xz/4', 'l/y/3']);
      assert.deepEqual(await keys('l'), ['l/x/1', 'l/x/2', 'l/xz/4', 'l/y/3', 'lother/5']);
      assert.deepEqual(await keys('nothing/here/'), []);
      const [first] = await collect(store.list('l/x/1'));
      assert.equal(first?.size, 'l/x/1'.length);
      assert.ok((await keys('')).includes('lother/5'));
    });

    test('delete removes an object; deleting a missing object is fine', async () => {
      await store.putBytes('d/gone', Buffer.from('bye'));
      await store.delete('d/gone');
      assert.equal(await store.stat('d/gone'), undefined);
      await rejectsWith(store.getBytes('d/gone'), SqlState.undefinedFile, 'd/gone');
      await store.delete('d/gone');
    });

    test('keys that are not clean relative paths are rejected with 22023', async () => {
      for (const key of ['', '/abs', '../up', 'a/../b', 'a//b', 'a/./b', 'a/']) {
        await rejectsWith(store.putBytes(key, Buffer.from('x')), SqlState.invalidParameterValue);
      }
    });
  });
}

contractSuite('filesystem', async () => {
  const root = await tempDir('fs-store');
  const store = await FsObjectStore.open(root);
  return { store, teardown: () => rm(root, { recursive: true, force: true }) };
});

let sharedS3: RunningS3rver;
const s3Dirs: string[] = [];

function s3Options(server: RunningS3rver, cacheDir: string): OpenObjectStoreOptions {
  return {
    endpoint: server.endpoint,
    forcePathStyle: true,
    credentials: server.credentials,
    cacheDir,
    cacheMaxBytes: 64 * MiB,
    multipartThresholdBytes: 5 * MiB,
    partSizeBytes: 5 * MiB,
  };
}

async function openS3(
  prefix: string,
  overrides: OpenObjectStoreOptions = {},
): Promise<S3ObjectStore> {
  const cacheDir = await tempDir('s3-cache');
  s3Dirs.push(cacheDir);
  const store = await openObjectStore(`s3://${sharedS3.bucket}/${prefix}`, {
    ...s3Options(sharedS3, cacheDir),
    ...overrides,
  });
  assert.ok(store instanceof S3ObjectStore);
  return store;
}

before(async () => {
  sharedS3 = await startS3rver();
});
after(async () => {
  await sharedS3.stop();
  for (const dir of s3Dirs) await rm(dir, { recursive: true, force: true });
});

contractSuite('s3 (s3rver)', async () => {
  const store = await openS3('contract');
  return { store, commands: countCommands(store), teardown: () => store.close() };
});

describe('filesystem backend', () => {
  test('a root below a regular file fails at open with 58030 naming the directory', async () => {
    const dir = await tempDir('fs-bad');
    try {
      await writeFile(join(dir, 'file'), 'not a directory');
      const root = join(dir, 'file', 'sub');
      await rejectsWith(FsObjectStore.open(root), SqlState.ioError, root, 'writable');
      await rejectsWith(openObjectStore(`file://${root}`), SqlState.ioError, root);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('an unwritable root fails at open with 58030 naming the directory', async (t) => {
    if (process.getuid?.() === 0) {
      t.skip('permissions are not enforced for root');
      return;
    }
    const dir = await tempDir('fs-readonly');
    try {
      const root = join(dir, 'ro');
      await mkdir(root, { mode: 0o500 });
      await chmod(root, 0o500);
      await rejectsWith(FsObjectStore.open(root), SqlState.ioError, root, 'writable');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('staging lives in the root, is never listed, and its names are reserved', async () => {
    const root = await tempDir('fs-staging');
    try {
      const store = await FsObjectStore.open(root);
      assert.equal(store.stagingDir, join(store.root, '.staging'));
      assert.equal(store.url, `file://${store.root}`);
      await store.putFile('t/1.parquet', await stage(store, Buffer.from('data')));
      assert.deepEqual(await readdir(store.stagingDir), []);
      assert.deepEqual(
        (await collect(store.list(''))).map((o) => o.key),
        ['t/1.parquet'],
      );
      await rejectsWith(
        store.putBytes('.staging/x', Buffer.from('x')),
        SqlState.invalidParameterValue,
      );
      assert.equal(await store.localPath('t/1.parquet'), join(store.root, 't', '1.parquet'));
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('s3 backend', () => {
  test('the read cache stays within its bound and still returns the right bytes', async () => {
    const bound = 300_000;
    const store = await openS3('cache-bound', { cacheMaxBytes: bound });
    const cacheDir = join(store.stagingDir, '..');
    try {
      const objects = new Map<string, Buffer>();
      for (let i = 0; i < 8; i++) {
        const bytes = randomBytes(100_000);
        objects.set(`c/${i}.parquet`, bytes);
        await store.putBytes(`c/${i}.parquet`, bytes);
      }
      for (const round of [1, 2]) {
        for (const [key, bytes] of objects) {
          assert.deepEqual(
            await readFile(await store.localPath(key)),
            bytes,
            `${key}, round ${round}`,
          );
          assert.ok((await dirSize(cacheDir)) <= bound, `cache over ${bound} bytes after ${key}`);
        }
      }
      // Larger than the whole cache: still served, then evicted by the next read.
      const huge = randomBytes(bound + 100_000);
      await store.putBytes('c/huge.parquet', huge);
      assert.deepEqual(await readFile(await store.localPath('c/huge.parquet')), huge);
      assert.deepEqual(
        await readFile(await store.localPath('c/0.parquet')),
        objects.get('c/0.parquet'),
      );
      assert.ok((await dirSize(cacheDir)) <= bound);
    } finally {
      await store.close();
    }
  });

  test('concurrent localPath calls for one key share a single download', async () => {
    const store = await openS3('cache-shared');
    try {
      const counts = countCommands(store);
      const bytes = randomBytes(500_000);
      await store.putBytes('s/one.parquet', bytes);
      const paths = await Promise.all(
        Array.from({ length: 8 }, () => store.localPath('s/one.parquet')),
      );
      assert.equal(new Set(paths).size, 1);
      assert.equal(counts.get('GetObjectCommand'), 1);
      assert.deepEqual(await readFile(paths[0] ?? ''), bytes);
      await store.localPath('s/one.parquet'); // a hit: no new request
      assert.equal(counts.get('GetObjectCommand'), 1);
    } finally {
      await store.close();
    }
  });

  test('list follows continuation tokens across pages', async () => {
    const store = await openS3('paged');
    try {
      const counts = countCommands(store);
      // Force tiny pages rather than create thousands of objects.
      store.client.middlewareStack.add(
        (next, context) => async (args) => {
          const input = args.input as { MaxKeys?: number };
          if (context.commandName === 'ListObjectsV2Command') input.MaxKeys = 2;
          return next(args);
        },
        { step: 'initialize', name: 'lakeshiftSmallPages' },
      );
      const keys = ['p/1', 'p/2', 'p/3', 'p/4', 'p/5'];
      for (const key of keys) await store.putBytes(key, Buffer.from(key));
      assert.deepEqual(
        (await collect(store.list('p/'))).map((o) => o.key),
        keys,
      );
      assert.equal(counts.get('ListObjectsV2Command'), 3);
    } finally {
      await store.close();
    }
  });

  test('a reopened store adopts the files already in its cache', async () => {
    const cacheDir = await tempDir('s3-reopen');
    s3Dirs.push(cacheDir);
    const first = await openS3('cache-reopen', { cacheDir });
    await first.putBytes('r/kept.parquet', Buffer.from('kept'));
    await first.localPath('r/kept.parquet');
    await first.close();
    const second = await openS3('cache-reopen', { cacheDir });
    try {
      const counts = countCommands(second);
      assert.equal((await readFile(await second.localPath('r/kept.parquet'))).toString(), 'kept');
      assert.equal(counts.get('GetObjectCommand'), undefined);
    } finally {
      await second.close();
    }
  });

  test('an endpoint that refuses connections fails fast with 58030 naming it', async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const started = Date.now();
    await rejectsWith(
      openS3('refused', { endpoint }),
      SqlState.ioError,
      endpoint,
      sharedS3.bucket,
      'reachable',
    );
    assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
  });

  test('an endpoint that goes away fails later operations with 58030 naming it', async () => {
    const server = await startS3rver('going-away');
    const cacheDir = await tempDir('s3-gone');
    s3Dirs.push(cacheDir);
    const store = await openObjectStore(`s3://${server.bucket}/p`, s3Options(server, cacheDir));
    await store.putBytes('k', Buffer.from('v'));
    await server.stop();
    try {
      const started = Date.now();
      await rejectsWith(
        store.getBytes('k'),
        SqlState.ioError,
        server.endpoint,
        's3://going-away/p/k',
      );
      await rejectsWith(store.localPath('k'), SqlState.ioError, server.endpoint);
      assert.ok(Date.now() - started < 10_000);
    } finally {
      await store.close();
    }
  });

  test('a missing local file is reported as a local problem, not an S3 one', async () => {
    const store = await openS3('local-error');
    try {
      const missing = join(store.stagingDir, 'never-written.parquet');
      await assert.rejects(store.putFile('x/y.parquet', missing), (e: unknown) => {
        assert.ok(isLakeshiftError(e, SqlState.ioError));
        assert.ok(e.message.includes(missing) && e.message.includes('writable'), e.message);
        assert.ok(!e.message.includes('reachable'), e.message);
        return true;
      });
    } finally {
      await store.close();
    }
  });

  test('a bucket that does not exist fails at open with 58030 naming it', async () => {
    const cacheDir = await tempDir('s3-nobucket');
    s3Dirs.push(cacheDir);
    const options = s3Options(sharedS3, cacheDir);
    await rejectsWith(
      openObjectStore('s3://no-such-bucket/p', options),
      SqlState.ioError,
      'no-such-bucket',
    );
  });
});

describe('read cache', () => {
  test('a failed download leaves nothing under the final name, and the next get retries', async () => {
    const dir = await tempDir('cache-fail');
    try {
      const cache = await ReadCache.open(dir, 1 * MiB);
      await assert.rejects(
        cache.get('s3://b/k.parquet', async (temp) => {
          await writeFile(temp, 'partial');
          throw new Error('connection reset');
        }),
        /connection reset/,
      );
      assert.deepEqual(await readdir(join(dir, 'objects')), []);
      assert.deepEqual(await readdir(join(dir, 'tmp')), []);
      assert.equal(cache.usedBytes, 0);
      const path = await cache.get('s3://b/k.parquet', (temp) => writeFile(temp, 'whole'));
      assert.equal(await readFile(path, 'utf8'), 'whole');
      assert.ok(path.endsWith('.parquet'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('evicts the least recently used entry first', async () => {
    const dir = await tempDir('cache-lru');
    try {
      const cache = await ReadCache.open(dir, 30);
      const put = (id: string) => cache.get(id, (temp) => writeFile(temp, '0123456789'));
      const a = await put('a');
      const b = await put('b');
      const c = await put('c');
      await put('a'); // a becomes the most recently used; b is now the oldest
      await put('d');
      assert.deepEqual([await exists(a), await exists(b), await exists(c)], [true, false, true]);
      assert.equal(cache.usedBytes, 30);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('openObjectStore URLs', () => {
  test('file URLs and plain paths open the filesystem backend', async () => {
    const root = await tempDir('url');
    try {
      const byUrl = await openObjectStore(`file://${root}/a`);
      assert.ok(byUrl instanceof FsObjectStore);
      const byPath = await openObjectStore(join(root, 'b'));
      assert.ok(byPath instanceof FsObjectStore);
      assert.ok(byPath.url.startsWith('file:///') && byPath.url.endsWith('/b'));
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  test('unsupported or malformed URLs fail with 22023 naming the URL', async () => {
    for (const url of [
      'gs://bucket/x',
      's3://',
      's3:///prefix',
      'file://otherhost/x',
      '',
      's3://b/a/../c',
    ]) {
      await rejectsWith(openObjectStore(url), SqlState.invalidParameterValue, `"${url}"`);
    }
  });
});
