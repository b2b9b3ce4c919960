// Opens an object store from its URL: file:///abs/dir, a plain directory path, or
// s3://bucket/prefix (endpoint, credentials and cache settings come from the options).

import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LakeshiftError, SqlState, messageOf } from '../../common/errors.js';
import { FsObjectStore } from './fs.js';
import { S3ObjectStore } from './s3.js';
import type { S3Credentials } from './s3.js';
import type { ObjectStore } from './types.js';

export type { ObjectInfo, ObjectStore } from './types.js';
export type { S3Credentials, S3ObjectStoreOptions } from './s3.js';
export type { Download } from './cache.js';
export { FsObjectStore } from './fs.js';
export { S3ObjectStore } from './s3.js';
export { ReadCache } from './cache.js';

export interface OpenObjectStoreOptions {
  /** S3 only: endpoint of an S3-compatible service, http(s)://host:port. */
  endpoint?: string;
  region?: string;
  forcePathStyle?: boolean;
  credentials?: S3Credentials;
  /** S3 only: the read cache's directory. Default: a directory under the OS temp dir named after the URL. */
  cacheDir?: string;
  /** S3 only: default 1 GiB. */
  cacheMaxBytes?: number;
  multipartThresholdBytes?: number;
  partSizeBytes?: number;
  maxAttempts?: number;
  connectionTimeoutMs?: number;
}

const DEFAULT_CACHE_BYTES = 1024 * 1024 * 1024;
const EXPECTED = 'use file:///absolute/dir, a directory path, or s3://bucket/prefix';

function invalidUrl(url: string, why: string): LakeshiftError {
  return new LakeshiftError(
    SqlState.invalidParameterValue,
    `invalid object store URL "${url}": ${why}; ${EXPECTED}`,
  );
}

export async function openObjectStore(
  url: string,
  opts: OpenObjectStoreOptions = {},
): Promise<ObjectStore> {
  if (url.trim() === '') throw invalidUrl(url, 'it is empty');
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(url)?.[1]?.toLowerCase();
  // One-letter "schemes" are Windows drive letters, i.e. plain paths.
  if (scheme === undefined || scheme.length === 1) return FsObjectStore.open(resolve(url));
  if (scheme === 'file') {
    let path: string;
    try {
      path = fileURLToPath(url);
    } catch (e) {
      throw invalidUrl(url, messageOf(e));
    }
    return FsObjectStore.open(path);
  }
  if (scheme === 's3') {
    const match = /^s3:\/\/([^/?#]+)\/*([^?#]*)$/i.exec(url);
    const bucket = match?.[1];
    if (bucket === undefined) throw invalidUrl(url, 'it names no bucket');
    const prefix = (match?.[2] ?? '').replace(/\/+$/, '');
    if (
      prefix
        .split('/')
        .some((part) => part === '.' || part === '..' || (prefix !== '' && part === ''))
    ) {
      throw invalidUrl(url, 'its prefix has empty, "." or ".." parts');
    }
    const cacheDir =
      opts.cacheDir ??
      join(
        tmpdir(),
        'lakeshift-cache',
        createHash('sha256')
          .update(`${opts.endpoint ?? ''} ${url}`)
          .digest('hex')
          .slice(0, 16),
      );
    return S3ObjectStore.open({
      bucket,
      prefix,
      endpoint: opts.endpoint,
      region: opts.region,
      forcePathStyle: opts.forcePathStyle,
      credentials: opts.credentials,
      cacheDir,
      cacheMaxBytes: opts.cacheMaxBytes ?? DEFAULT_CACHE_BYTES,
      multipartThresholdBytes: opts.multipartThresholdBytes,
      partSizeBytes: opts.partSizeBytes,
      maxAttempts: opts.maxAttempts,
      connectionTimeoutMs: opts.connectionTimeoutMs,
    });
  }
  throw invalidUrl(url, `the scheme "${scheme}" is not supported`);
}
