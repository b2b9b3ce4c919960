// Where COPY reads and UNLOAD writes: 's3://bucket/key…' on S3 or any S3-compatible endpoint, and
// 'file:///path' on the server's own file system. A location names every object whose key starts
// with it (Redshift's prefix rule: 's3://b/data/part' matches 'data/part_00' and 'data/part/x'),
// or, with MANIFEST, the objects a manifest file lists.
//
// S3 settings come, in order, from the statement (ENDPOINT, REGION, ACCESS_KEY_ID …), from the
// server's configuration (aws* settings), and from the AWS SDK's standard configuration
// (AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL, AWS_REGION, the credential chain). IAM_ROLE 'arn…'
// maps to the credentials configured for that role, IAM_ROLE default to the configured ones.
import { mkdir, rm, stat, copyFile, readFile, rename } from 'node:fs/promises';
import { readdirSync, statSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LakeshiftError, SqlState, messageOf } from '../common/errors.js';
import { S3ObjectStore, type S3Credentials } from '../storage/index.js';
import type { LoadCredentials } from './copy-options.js';

/** The server's own S3 settings (ServerConfig's aws* keys). */
export interface AwsSettings {
  /** An S3-compatible endpoint, http(s)://host:port; AWS when absent. */
  s3Endpoint?: string;
  region?: string;
  /** The credentials of IAM_ROLE default (and of roles not in `roles`). */
  credentials?: S3Credentials;
  /** Credentials per role ARN, for IAM_ROLE 'arn:aws:iam::…:role/…'. */
  roles?: Readonly<Record<string, S3Credentials>>;
}

/** What a statement says about access: its credentials, REGION and ENDPOINT parameters. */
export interface LocationAccess {
  credentials: LoadCredentials;
  region?: string;
  endpoint?: string;
}

export interface SourceObject {
  /** s3://bucket/key or file:///path. */
  url: string;
  size: number;
  lastModified: Date;
  /** From a manifest: a missing mandatory object fails the load, a missing optional one is skipped. */
  mandatory: boolean;
}

interface ParsedUrl {
  scheme: 's3' | 'file';
  /** S3: the bucket; file: ''. */
  bucket: string;
  /** S3: the key or key prefix; file: the absolute path or path prefix. */
  key: string;
}

function invalidLocation(url: string, why: string): LakeshiftError {
  return new LakeshiftError(SqlState.invalidParameterValue, `invalid location '${url}': ${why}`);
}

export function parseLocation(url: string): ParsedUrl {
  const s3 = /^s3:\/\/([^/]+)\/?(.*)$/i.exec(url);
  if (s3) {
    const bucket = s3[1]!;
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
      throw invalidLocation(url, `"${bucket}" is not a valid bucket name`);
    }
    return { scheme: 's3', bucket, key: s3[2]! };
  }
  if (/^file:\/\//i.test(url)) {
    try {
      return { scheme: 'file', bucket: '', key: fileURLToPath(url) };
    } catch (e) {
      throw invalidLocation(url, messageOf(e));
    }
  }
  throw invalidLocation(url, "use 's3://bucket/prefix' or 'file:///path'");
}

/** The credentials a statement's parameters select (undefined: the SDK's default chain). */
export function resolveCredentials(
  given: LoadCredentials,
  settings: AwsSettings,
): S3Credentials | undefined {
  if (given.accessKeyId !== undefined && given.secretAccessKey !== undefined) {
    return {
      accessKeyId: given.accessKeyId,
      secretAccessKey: given.secretAccessKey,
      ...(given.sessionToken !== undefined ? { sessionToken: given.sessionToken } : {}),
    };
  }
  const role = given.iamRole;
  if (role !== undefined && role !== 'default') {
    // A chain is assumed one role after the other; the last one's credentials do the work.
    const last = role[role.length - 1]!;
    const mapped = settings.roles?.[last];
    if (mapped !== undefined) return mapped;
    if (settings.roles !== undefined && settings.credentials === undefined) {
      throw new LakeshiftError(
        SqlState.invalidAuthorizationSpecification,
        `IAM role '${last}' is not configured on this server (awsRoles)`,
      );
    }
  }
  return settings.credentials;
}

/**
 * Opens objects for one statement. S3 clients are made per bucket on first use (a manifest may
 * name several buckets) and closed with the Locations. Downloads, and the statement's other
 * scratch files (scratchPath), go to a private work directory under `baseDir`, made on first use
 * and removed by close (not the lake's read cache: a source object may be rewritten under the
 * same key).
 */
export class Locations {
  private readonly stores = new Map<string, Promise<S3ObjectStore>>();
  private readonly credentials: S3Credentials | undefined;
  private readonly endpoint: string | undefined;
  private readonly region: string | undefined;
  private readonly workDir: string;
  private madeWorkDir = false;

  constructor(
    access: LocationAccess,
    settings: AwsSettings,
    baseDir: string,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    this.workDir = join(baseDir, `ingest-${randomUUID()}`);
    this.credentials = resolveCredentials(access.credentials, settings);
    this.endpoint =
      access.endpoint ??
      settings.s3Endpoint ??
      env['AWS_ENDPOINT_URL_S3'] ??
      env['AWS_ENDPOINT_URL'];
    this.region =
      access.region ?? settings.region ?? env['AWS_REGION'] ?? env['AWS_DEFAULT_REGION'];
  }

  /** A path for a scratch file or directory of the statement, in the work directory. */
  async scratchPath(name: string): Promise<string> {
    return join(await this.work(), name);
  }

  private async work(): Promise<string> {
    if (!this.madeWorkDir) {
      await mkdir(this.workDir, { recursive: true });
      this.madeWorkDir = true;
    }
    return this.workDir;
  }

  private bucketStore(bucket: string): Promise<S3ObjectStore> {
    let store = this.stores.get(bucket);
    if (store === undefined) {
      store = (async () =>
        S3ObjectStore.open({
          bucket,
          endpoint: this.endpoint,
          region: this.region,
          // Most S3-compatible servers are addressed by path; AWS by virtual host.
          forcePathStyle: this.endpoint !== undefined,
          credentials: this.credentials,
          cacheDir: join(await this.work(), `s3-${bucket}`),
          cacheMaxBytes: 0,
          maxAttempts: 3,
        }))();
      this.stores.set(bucket, store);
    }
    return store;
  }

  /** Every object whose key starts with the location, sorted by key; 58P01 when none does. */
  async list(url: string): Promise<SourceObject[]> {
    const loc = parseLocation(url);
    const objects: SourceObject[] = [];
    if (loc.scheme === 'file') {
      for (const path of localFilesWithPrefix(loc.key)) {
        const st = statSync(path);
        objects.push({
          url: pathToFileURL(path).href,
          size: st.size,
          lastModified: st.mtime,
          mandatory: true,
        });
      }
    } else {
      const store = await this.bucketStore(loc.bucket);
      for await (const o of store.list(loc.key)) {
        // "Folders" some tools create as zero-byte keys ending in '/' hold no data.
        if (o.key.endsWith('/')) continue;
        objects.push({
          url: `s3://${loc.bucket}/${o.key}`,
          size: o.size,
          lastModified: o.lastModified,
          mandatory: true,
        });
      }
      objects.sort((a, b) => (a.url < b.url ? -1 : a.url > b.url ? 1 : 0));
    }
    if (objects.length === 0) {
      throw new LakeshiftError(
        SqlState.undefinedFile,
        `The specified ${loc.scheme === 's3' ? 'S3 prefix' : 'location'} '${url}' does not exist or names no object`,
      );
    }
    return objects;
  }

  /**
   * The objects a Redshift manifest lists: {"entries": [{"url": "s3://…", "mandatory": true,
   * "meta": {"content_length": n}}]}. A missing mandatory object is an error (58P01) naming it; a
   * missing optional one is skipped. content_length, when given, must match the object's size.
   */
  async manifest(url: string): Promise<SourceObject[]> {
    const text = (await this.readObject(url)).toString('utf8');
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (e) {
      throw new LakeshiftError(
        SqlState.badCopyFileFormat,
        `Manifest file '${url}' is not valid JSON: ${messageOf(e)}`,
      );
    }
    const entries = (doc as { entries?: unknown } | null)?.entries;
    if (!Array.isArray(entries)) {
      throw new LakeshiftError(
        SqlState.badCopyFileFormat,
        `Manifest file '${url}' has no "entries" array`,
      );
    }
    const objects: SourceObject[] = [];
    for (const [i, entry] of entries.entries()) {
      const e = entry as {
        url?: unknown;
        mandatory?: unknown;
        meta?: { content_length?: unknown };
      };
      if (typeof e?.url !== 'string') {
        throw new LakeshiftError(
          SqlState.badCopyFileFormat,
          `Manifest file '${url}': entry ${i + 1} has no "url"`,
        );
      }
      const loc = parseLocation(e.url);
      if (loc.key === '' || loc.key.endsWith('/')) {
        throw new LakeshiftError(
          SqlState.badCopyFileFormat,
          `Manifest file '${url}': entry ${i + 1} '${e.url}' must be the full path of an object, not a prefix`,
        );
      }
      const mandatory = e.mandatory === true;
      const info = await this.stat(e.url);
      if (info === undefined) {
        if (!mandatory) continue;
        throw new LakeshiftError(
          SqlState.undefinedFile,
          `Manifest file '${url}' lists mandatory object '${e.url}', which does not exist`,
        );
      }
      const expected = e.meta?.content_length;
      if (typeof expected === 'number' && expected !== info.size) {
        throw new LakeshiftError(
          SqlState.badCopyFileFormat,
          `Manifest file '${url}': object '${e.url}' is ${info.size} bytes, but its content_length is ${expected}`,
        );
      }
      objects.push({ url: e.url, size: info.size, lastModified: info.lastModified, mandatory });
    }
    return objects;
  }

  async stat(url: string): Promise<{ size: number; lastModified: Date } | undefined> {
    const loc = parseLocation(url);
    if (loc.scheme === 'file') {
      const st = statSync(loc.key, { throwIfNoEntry: false });
      return st?.isFile() ? { size: st.size, lastModified: st.mtime } : undefined;
    }
    const info = await (await this.bucketStore(loc.bucket)).stat(loc.key);
    return info && { size: info.size, lastModified: info.lastModified };
  }

  /** The whole object in memory (manifests, JSONPaths files). */
  async readObject(url: string): Promise<Buffer> {
    const loc = parseLocation(url);
    if (loc.scheme === 'file') {
      try {
        return await readFile(loc.key);
      } catch (e) {
        throw new LakeshiftError(
          SqlState.undefinedFile,
          `could not read '${url}': ${messageOf(e)}`,
        );
      }
    }
    return (await this.bucketStore(loc.bucket)).getBytes(loc.key);
  }

  /**
   * A local file holding the object's bytes: the file itself for file://, a fresh download
   * into the work directory for S3 (the caller may remove it after use with `release`).
   */
  async fetch(url: string): Promise<string> {
    const loc = parseLocation(url);
    if (loc.scheme === 'file') {
      if (!statSync(loc.key, { throwIfNoEntry: false })?.isFile()) {
        throw new LakeshiftError(SqlState.undefinedFile, `object '${url}' does not exist`);
      }
      return loc.key;
    }
    const store = await this.bucketStore(loc.bucket);
    const ext = /\.[A-Za-z0-9]{1,12}$/.exec(loc.key)?.[0] ?? '';
    const path = await this.scratchPath(`${randomUUID()}${ext}`);
    await store.downloadTo(loc.key, path);
    return path;
  }

  /** Removes what fetch downloaded (never a file:// source). */
  async release(url: string, path: string): Promise<void> {
    if (parseLocation(url).scheme === 's3') await rm(path, { force: true });
  }

  /** Writes a finished local file as the object `url` (UNLOAD); the local file is consumed. */
  async put(url: string, localPath: string): Promise<{ size: number }> {
    const loc = parseLocation(url);
    if (loc.scheme === 'file') {
      await mkdir(dirname(loc.key), { recursive: true });
      try {
        await rename(localPath, loc.key);
      } catch (e) {
        // Another file system: copy, then remove.
        if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
        await copyFile(localPath, loc.key);
        await rm(localPath, { force: true });
      }
      return { size: (await stat(loc.key)).size };
    }
    return (await this.bucketStore(loc.bucket)).putFile(loc.key, localPath);
  }

  async delete(url: string): Promise<void> {
    const loc = parseLocation(url);
    if (loc.scheme === 'file') await rm(loc.key, { force: true });
    else await (await this.bucketStore(loc.bucket)).delete(loc.key);
  }

  async close(): Promise<void> {
    const stores = await Promise.allSettled(this.stores.values());
    for (const s of stores) if (s.status === 'fulfilled') await s.value.close();
    this.stores.clear();
    if (this.madeWorkDir) await rm(this.workDir, { recursive: true, force: true });
  }
}

/** The files whose path starts with `prefix` (a file, a directory's contents, or a name prefix), sorted. */
function localFilesWithPrefix(prefix: string): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names.sort()) {
      const full = join(dir, name);
      // A directory is entered only when it can hold paths starting with the prefix.
      if (!full.startsWith(prefix) && !prefix.startsWith(`${full}/`)) continue;
      const st = statSync(full, { throwIfNoEntry: false });
      if (st?.isDirectory()) walk(full);
      else if (st?.isFile() && full.startsWith(prefix)) files.push(full);
    }
  };
  const st = statSync(prefix, { throwIfNoEntry: false });
  if (st?.isFile()) files.push(prefix);
  else walk(st?.isDirectory() ? prefix : dirname(prefix));
  return files;
}
