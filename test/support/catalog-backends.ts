// The two catalog backends for tests that run the same contract on both: a fresh SQLite file,
// and a fresh database on a throwaway PostgreSQL 15 cluster (started on first use). Call
// cleanup() from an `after` hook: it stops the cluster and removes the temp directories.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCatalogDb } from '../../src/storage/catalog/open.js';
import { startPostgres, type TestPostgres } from './postgres.js';

export interface CatalogBackend {
  name: 'sqlite' | 'postgres';
  /** A new, empty catalog location (a SQLite path or a postgres:// URL). */
  fresh(): Promise<string>;
}

export interface CatalogBackends {
  backends: CatalogBackend[];
  /** A new temp directory, removed by cleanup(). */
  tempDir(): string;
  cleanup(): Promise<void>;
}

export function catalogBackends(prefix = 'lakeshift-catalog-'): CatalogBackends {
  const dirs: string[] = [];
  let pg: Promise<TestPostgres> | undefined;
  let databases = 0;
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(dir);
    return dir;
  };
  return {
    tempDir,
    backends: [
      { name: 'sqlite', fresh: async () => join(tempDir(), 'catalog.db') },
      {
        name: 'postgres',
        async fresh() {
          pg ??= startPostgres();
          const { url } = await pg;
          const name = `catalog_${++databases}`;
          const admin = await openCatalogDb(url);
          try {
            await admin.exec(`CREATE DATABASE ${name}`);
          } finally {
            await admin.close();
          }
          return url.replace(/\/[^/]+$/, `/${name}`);
        },
      },
    ],
    async cleanup() {
      if (pg) await (await pg).stop();
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    },
  };
}
