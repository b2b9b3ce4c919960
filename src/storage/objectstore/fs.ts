// The filesystem backend: each object is a file under one root directory. Writers stage files in
// <root>/.staging (same filesystem), so publishing an object is a rename. Durability follows the
// usual recipe: fsync the file, rename it into place, fsync the directories that changed.

import { randomUUID } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import {
  access,
  copyFile,
  mkdir,
  open,
  readdir,
  readFile,
  realpath,
  rename,
  rm,
  stat,
  unlink,
} from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LakeshiftError, SqlState, messageOf } from '../../common/errors.js';
import { checkKey, checkPrefix } from './keys.js';
import type { ObjectInfo, ObjectStore } from './types.js';

const STAGING = '.staging';
const WRITABLE_HINT = "check that the directory exists and is writable by the server's user";

function errnoOf(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}

function isMissing(e: unknown): boolean {
  const code = errnoOf(e);
  return code === 'ENOENT' || code === 'ENOTDIR';
}

async function fsyncPath(path: string, flags: string): Promise<void> {
  const handle = await open(path, flags);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** fsyncs a directory so that the entries created or renamed in it survive a crash. */
async function fsyncDir(dir: string): Promise<void> {
  await fsyncPath(dir, 'r');
}

export class FsObjectStore implements ObjectStore {
  readonly url: string;
  readonly stagingDir: string;

  private constructor(readonly root: string) {
    this.url = pathToFileURL(root).href;
    this.stagingDir = join(root, STAGING);
  }

  /**
   * Opens (creating if needed) a store rooted at dir. Fails at once with 58030 when the directory
   * cannot be created or written, rather than at the first commit.
   */
  static async open(dir: string): Promise<FsObjectStore> {
    const requested = resolve(dir);
    const fail = (e: unknown): LakeshiftError =>
      new LakeshiftError(
        SqlState.ioError,
        `could not open object store directory "${requested}": ${messageOf(e)}; ${WRITABLE_HINT}`,
        { cause: e },
      );
    let root: string;
    try {
      await mkdir(requested, { recursive: true });
      root = await realpath(requested);
      const rootStat = await stat(root);
      if (!rootStat.isDirectory()) throw new Error('not a directory');
      await access(root, fsConstants.W_OK);
      await mkdir(join(root, STAGING), { recursive: true });
      // Prove we can create, sync and remove a file: access() alone trusts mode bits, which
      // says nothing about read-only mounts or ACLs.
      const probe = join(root, STAGING, `probe-${randomUUID()}`);
      await (await open(probe, 'wx')).close();
      await unlink(probe);
    } catch (e) {
      throw fail(e);
    }
    return new FsObjectStore(root);
  }

  private pathOf(key: string): string {
    checkKey(key);
    if (key === STAGING || key.startsWith(`${STAGING}/`)) {
      throw new LakeshiftError(
        SqlState.invalidParameterValue,
        `invalid object key "${key}": names under ${STAGING}/ are reserved for staging files`,
      );
    }
    return join(this.root, ...key.split('/'));
  }

  private missing(key: string, path: string, cause?: unknown): LakeshiftError {
    return new LakeshiftError(
      SqlState.undefinedFile,
      `object "${key}" does not exist: no file ${path}; check that the store directory ${this.root} is the one the catalog was written with`,
      { cause },
    );
  }

  private ioFailure(action: string, path: string, e: unknown): LakeshiftError {
    if (e instanceof LakeshiftError) return e;
    return new LakeshiftError(
      SqlState.ioError,
      `could not ${action} ${path}: ${messageOf(e)}; ${WRITABLE_HINT}`,
      { cause: e },
    );
  }

  /**
   * Creates dest's parent directories and returns the directories whose entries changed when
   * dest appears: the parent, and the parent of every directory created here.
   */
  private async prepareParent(dest: string): Promise<string[]> {
    const parent = dirname(dest);
    const created = await mkdir(parent, { recursive: true });
    const changed = [parent];
    if (created !== undefined) {
      for (let d = parent; d !== dirname(created);) {
        d = dirname(d);
        changed.push(d);
      }
    }
    return changed;
  }

  private async publish(tempPath: string, dest: string): Promise<void> {
    const changedDirs = await this.prepareParent(dest);
    await rename(tempPath, dest);
    for (const dir of changedDirs) await fsyncDir(dir);
  }

  async putFile(key: string, localPath: string): Promise<{ size: number }> {
    const dest = this.pathOf(key);
    try {
      const { size } = await stat(localPath);
      await fsyncPath(localPath, 'r');
      try {
        await this.publish(localPath, dest);
      } catch (e) {
        if (errnoOf(e) !== 'EXDEV') throw e;
        // Another filesystem: copy next to the store, sync, then rename as usual.
        const temp = join(this.stagingDir, `${randomUUID()}.tmp`);
        try {
          await copyFile(localPath, temp);
          await fsyncPath(temp, 'r');
          await this.publish(temp, dest);
        } catch (copyError) {
          await rm(temp, { force: true });
          throw copyError;
        }
        await unlink(localPath);
      }
      return { size };
    } catch (e) {
      throw this.ioFailure(`move ${localPath} to`, dest, e);
    }
  }

  async putBytes(key: string, data: Uint8Array): Promise<void> {
    const dest = this.pathOf(key);
    const temp = join(this.stagingDir, `${randomUUID()}.tmp`);
    try {
      const handle = await open(temp, 'wx');
      try {
        await handle.writeFile(data);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await this.publish(temp, dest);
    } catch (e) {
      await rm(temp, { force: true });
      throw this.ioFailure('write', dest, e);
    }
  }

  async getBytes(key: string): Promise<Buffer> {
    const path = this.pathOf(key);
    try {
      return await readFile(path);
    } catch (e) {
      if (isMissing(e) || errnoOf(e) === 'EISDIR') throw this.missing(key, path, e);
      throw this.ioFailure('read', path, e);
    }
  }

  async localPath(key: string): Promise<string> {
    const path = this.pathOf(key);
    const info = await this.statPath(path);
    if (info === undefined) throw this.missing(key, path);
    return path;
  }

  private async statPath(path: string): Promise<{ size: number; mtime: Date } | undefined> {
    try {
      const info = await stat(path);
      return info.isFile() ? info : undefined;
    } catch (e) {
      if (isMissing(e)) return undefined;
      throw this.ioFailure('stat', path, e);
    }
  }

  async stat(key: string): Promise<ObjectInfo | undefined> {
    const info = await this.statPath(this.pathOf(key));
    return info && { key, size: info.size, lastModified: info.mtime };
  }

  async delete(key: string): Promise<void> {
    const path = this.pathOf(key);
    try {
      await unlink(path);
    } catch (e) {
      if (isMissing(e)) return;
      throw this.ioFailure('delete', path, e);
    }
    // Empty parent directories are left in place: removing them would race with a concurrent
    // putFile that has just created them.
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    checkPrefix(prefix);
    // Start at the deepest directory the prefix names completely; filter names below it.
    const slash = prefix.lastIndexOf('/');
    const startKey = slash < 0 ? '' : prefix.slice(0, slash);
    yield* this.walk(startKey, prefix);
  }

  private async *walk(dirKey: string, prefix: string): AsyncIterable<ObjectInfo> {
    const dir = dirKey === '' ? this.root : join(this.root, ...dirKey.split('/'));
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      if (isMissing(e)) return;
      throw this.ioFailure('list', dir, e);
    }
    for (const entry of entries) {
      const key = dirKey === '' ? entry.name : `${dirKey}/${entry.name}`;
      if (dirKey === '' && entry.name === STAGING) continue;
      if (entry.isDirectory()) {
        // Descend only where some key below could still match the prefix.
        const dirAsPrefix = `${key}/`;
        if (dirAsPrefix.startsWith(prefix) || prefix.startsWith(dirAsPrefix)) {
          yield* this.walk(key, prefix);
        }
      } else if (entry.isFile() && key.startsWith(prefix)) {
        const info = await this.statPath(dir + sep + entry.name);
        if (info !== undefined) yield { key, size: info.size, lastModified: info.mtime };
      }
    }
  }

  async close(): Promise<void> {
    // Nothing to release: every operation opens and closes its own file handles. Leftover
    // staging files from crashed writers are garbage collection's business.
  }
}
