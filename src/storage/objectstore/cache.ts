// A bounded local read cache for remote objects, so that DuckDB can read them as local files.
//
// - Objects are immutable (a key is never rewritten with different content), so a cached copy
//   never goes stale and there is no invalidation.
// - Total size stays within maxBytes: space is reserved before a download writes (when its size
//   is known) and least recently used entries are evicted. Only entries nobody is fetching or
//   returning right now are evicted. An object larger than the whole cache is still downloaded
//   and returned; it is simply the first to go at the next eviction.
// - Concurrent requests for the same object share one download.
// - Downloads land under tmp/ with a random name, are fsynced and then renamed into objects/, so
//   a crash never leaves a partial file under an object's final name.
// - The bound is per process. Processes sharing a directory tolerate each other (a hit checks that
//   the file still exists; temp files are only reaped when old) but each counts only its own.

import { createHash, randomUUID } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';

/** Writes the object to tempPath; calls reserve(size) before writing when the size is known. */
export type Download = (
  tempPath: string,
  reserve: (bytes: number) => Promise<void>,
) => Promise<void>;

const STALE_TEMP_MS = 60 * 60 * 1000;

/** A flat, collision-free file name for an object id, keeping its extension (DuckDB likes it). */
function fileNameFor(id: string): string {
  const ext = extname(id.slice(id.lastIndexOf('/') + 1));
  const safeExt = /^\.[A-Za-z0-9]{1,15}$/.test(ext) ? ext : '';
  return createHash('sha256').update(id).digest('hex') + safeExt;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

async function fsyncFile(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export class ReadCache {
  private readonly objectsDir: string;
  private readonly tempDir: string;
  /** file name -> size; Map order is the LRU order, least recently used first. */
  private readonly entries = new Map<string, number>();
  private entryBytes = 0;
  private reservedBytes = 0;
  /** Gets in progress by file name; their entries are never evicted. */
  private readonly inflight = new Map<string, Promise<string>>();
  /** Unlinks in progress, so that a re-download never lands before the old copy's removal. */
  private readonly removals = new Map<string, Promise<void>>();

  private constructor(
    readonly dir: string,
    readonly maxBytes: number,
  ) {
    this.objectsDir = join(dir, 'objects');
    this.tempDir = join(dir, 'tmp');
  }

  /** Opens the cache in dir, adopting the files already there (oldest access first). */
  static async open(dir: string, maxBytes: number): Promise<ReadCache> {
    const cache = new ReadCache(dir, maxBytes);
    await mkdir(cache.objectsDir, { recursive: true });
    await mkdir(cache.tempDir, { recursive: true });
    await cache.reapStaleTemps();
    const found: { name: string; size: number; used: number }[] = [];
    for (const name of await readdir(cache.objectsDir)) {
      const info = await stat(join(cache.objectsDir, name));
      if (info.isFile()) {
        found.push({ name, size: info.size, used: Math.max(info.atimeMs, info.mtimeMs) });
      }
    }
    found.sort((a, b) => a.used - b.used);
    for (const { name, size } of found) cache.remember(name, size);
    await cache.evict();
    return cache;
  }

  /** Bytes of the cached objects this process knows of plus space reserved for downloads. */
  get usedBytes(): number {
    return this.entryBytes + this.reservedBytes;
  }

  /**
   * The local path of the object identified by id (any string unique to the object, such as its
   * URL), running download on a miss.
   */
  get(id: string, download: Download): Promise<string> {
    const name = fileNameFor(id);
    const pending = this.inflight.get(name);
    if (pending !== undefined) return pending;
    const result = this.lookupOrFetch(name, download).finally(() => this.inflight.delete(name));
    this.inflight.set(name, result);
    return result;
  }

  private async lookupOrFetch(name: string, download: Download): Promise<string> {
    const path = join(this.objectsDir, name);
    const size = this.entries.get(name);
    if (size !== undefined) {
      this.forget(name);
      this.remember(name, size); // now the most recently used
      if (await exists(path)) return path;
      this.forget(name); // removed behind our back (another process sharing the directory)
    }
    return this.fetch(name, path, download);
  }

  private async fetch(name: string, path: string, download: Download): Promise<string> {
    const temp = join(this.tempDir, randomUUID());
    let reserved = 0;
    const reserve = async (bytes: number): Promise<void> => {
      this.reservedBytes += bytes - reserved;
      reserved = bytes;
      await this.evict();
    };
    try {
      await download(temp, reserve);
      await fsyncFile(temp);
      const { size } = await stat(temp);
      await this.removals.get(name);
      await rename(temp, path);
      this.reservedBytes -= reserved;
      reserved = 0;
      this.remember(name, size);
      await this.evict();
      return path;
    } catch (e) {
      this.reservedBytes -= reserved;
      await rm(temp, { force: true });
      throw e;
    }
  }

  private remember(name: string, size: number): void {
    this.entries.set(name, size);
    this.entryBytes += size;
  }

  private forget(name: string): void {
    const size = this.entries.get(name);
    if (size === undefined) return;
    this.entries.delete(name);
    this.entryBytes -= size;
  }

  /** Removes least recently used entries, skipping those in use, until the bound holds. */
  private async evict(): Promise<void> {
    const started: Promise<void>[] = [];
    for (const name of [...this.entries.keys()]) {
      if (this.usedBytes <= this.maxBytes) break;
      if (this.inflight.has(name)) continue;
      this.forget(name);
      const removal = rm(join(this.objectsDir, name), { force: true })
        .catch(() => undefined) // a file we cannot remove is no reason to fail a read
        .finally(() => {
          if (this.removals.get(name) === removal) this.removals.delete(name);
        });
      this.removals.set(name, removal);
      started.push(removal);
    }
    await Promise.all(started);
  }

  private async reapStaleTemps(): Promise<void> {
    const now = Date.now();
    for (const name of await readdir(this.tempDir)) {
      const path = join(this.tempDir, name);
      const info = await stat(path).catch(() => undefined);
      if (info !== undefined && now - info.mtimeMs > STALE_TEMP_MS) await rm(path, { force: true });
    }
  }
}
