// Diagnostics only: wraps a lake's catalog connection (the public CatalogDb of lake.db) so the
// time spent in catalog reads and write transactions can be added up from outside the storage
// room. Nothing is changed but the timing; the undo puts the original methods back.
import type { Lake } from '../../../src/storage/index.js';
import { elapsedMs, nowNs } from '../../lib/timing.js';

type CatalogDb = Lake['db'];

export interface CatalogTimes {
  /** ms in get/all outside write transactions, and how many such calls. */
  read: number;
  reads: number;
  /** ms in write transactions (and run, which is one), including SQLite's commit fsync. */
  write: number;
  writes: number;
}

export function newCatalogTimes(): CatalogTimes {
  return { read: 0, reads: 0, write: 0, writes: 0 };
}

export function instrumentCatalog(db: CatalogDb, times: CatalogTimes): () => void {
  const orig = { get: db.get, all: db.all, run: db.run, write: db.write };
  const timed =
    <A extends unknown[], R>(f: (...a: A) => Promise<R>, kind: 'read' | 'write') =>
    async (...a: A): Promise<R> => {
      const start = nowNs();
      try {
        return await f.apply(db, a);
      } finally {
        times[kind] += elapsedMs(start);
        times[kind === 'read' ? 'reads' : 'writes']++;
      }
    };
  db.get = timed(orig.get, 'read') as CatalogDb['get'];
  db.all = timed(orig.all, 'read') as CatalogDb['all'];
  db.run = timed(orig.run, 'write') as CatalogDb['run'];
  db.write = timed(orig.write, 'write') as CatalogDb['write'];
  return () => {
    Object.assign(db, orig);
  };
}
