// The S3 backend: objects live under s3://bucket/prefix on any S3-compatible endpoint. Writers
// stage files in a local directory; putFile uploads them (multipart above a threshold) and
// removes the local copy. Reads for DuckDB go through the bounded local read cache.

import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { LakeshiftError, SqlState, messageOf } from '../../common/errors.js';
import { ReadCache } from './cache.js';
import { checkKey, checkPrefix } from './keys.js';
import { MIN_PART_BYTES, uploadMultipart } from './s3-upload.js';
import type { ObjectInfo, ObjectStore } from './types.js';

const MiB = 1024 * 1024;

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface S3ObjectStoreOptions {
  bucket: string;
  /** Key prefix inside the bucket, without leading or trailing '/' ('' for the bucket root). */
  prefix?: string;
  /** For S3-compatible services (MinIO, Ceph, R2...): http(s)://host:port. AWS when absent. */
  endpoint?: string;
  /** Default 'us-east-1'. */
  region?: string;
  /** Address buckets as endpoint/bucket rather than bucket.endpoint; most non-AWS servers need it. */
  forcePathStyle?: boolean;
  /** The SDK's default chain (environment, profile, instance role) when absent. */
  credentials?: S3Credentials;
  /** Local directory for the read cache and the staging directory. */
  cacheDir: string;
  cacheMaxBytes: number;
  /** Files of this size or more are uploaded in parts. Default 16 MiB. */
  multipartThresholdBytes?: number;
  /** Default 8 MiB; at least 5 MiB, S3's minimum for every part but the last. */
  partSizeBytes?: number;
  /** Parts uploaded at the same time. Default 4. */
  uploadConcurrency?: number;
  /** Attempts per request, including the first. Default 2, so a dead endpoint fails fast. */
  maxAttempts?: number;
  /** Time allowed to establish a connection. Default 3 s. */
  connectionTimeoutMs?: number;
  /** A connection idle this long is abandoned. Default 30 s. */
  socketTimeoutMs?: number;
}

interface SdkErrorShape {
  name?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
}

function statusOf(e: unknown): number | undefined {
  return (e as SdkErrorShape | undefined)?.$metadata?.httpStatusCode;
}

function nameOf(e: unknown): string | undefined {
  return (e as SdkErrorShape | undefined)?.name;
}

function isObjectMissing(e: unknown): boolean {
  const name = nameOf(e);
  return name === 'NoSuchKey' || (statusOf(e) === 404 && name !== 'NoSuchBucket');
}

function invalidOption(message: string): LakeshiftError {
  return new LakeshiftError(SqlState.invalidParameterValue, message);
}

export class S3ObjectStore implements ObjectStore {
  readonly url: string;
  /** The SDK client, exposed so that tests and tools can add middleware (e.g. to count requests). */
  readonly client: S3Client;
  readonly bucket: string;
  /** '' or a prefix ending in '/'. */
  readonly keyPrefix: string;
  /** The endpoint as shown in messages. */
  readonly endpoint: string;
  private readonly multipartThresholdBytes: number;
  private readonly partSizeBytes: number;
  private readonly uploadConcurrency: number;

  private constructor(
    options: S3ObjectStoreOptions,
    readonly stagingDir: string,
    private readonly cache: ReadCache,
  ) {
    const region = options.region ?? 'us-east-1';
    const prefix = (options.prefix ?? '').replace(/^\/+|\/+$/g, '');
    this.bucket = options.bucket;
    this.keyPrefix = prefix === '' ? '' : `${prefix}/`;
    this.url = `s3://${this.bucket}${prefix === '' ? '' : `/${prefix}`}`;
    this.endpoint = options.endpoint ?? `https://s3.${region}.amazonaws.com`;
    this.multipartThresholdBytes = options.multipartThresholdBytes ?? 16 * MiB;
    this.partSizeBytes = options.partSizeBytes ?? 8 * MiB;
    this.uploadConcurrency = options.uploadConcurrency ?? 4;
    this.client = new S3Client({
      region,
      endpoint: options.endpoint,
      forcePathStyle: options.forcePathStyle ?? false,
      credentials: options.credentials,
      maxAttempts: options.maxAttempts ?? 2,
      requestHandler: {
        connectionTimeout: options.connectionTimeoutMs ?? 3000,
        socketTimeout: options.socketTimeoutMs ?? 30_000,
      },
      // Checksums only where the API demands them: many S3-compatible servers reject the
      // SDK's newer default (aws-chunked bodies with trailing CRC32 checksums).
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  /**
   * Opens the store and checks, with one small list request, that the endpoint answers and the
   * bucket exists, so that a misconfiguration fails now with a clear 58030 error.
   */
  static async open(options: S3ObjectStoreOptions): Promise<S3ObjectStore> {
    if (options.bucket === '') throw invalidOption('an S3 object store needs a bucket name');
    if ((options.partSizeBytes ?? 8 * MiB) < MIN_PART_BYTES) {
      throw invalidOption(`S3 part size ${options.partSizeBytes} is below S3's minimum of 5 MiB`);
    }
    let stagingDir: string;
    let cache: ReadCache;
    try {
      await mkdir(options.cacheDir, { recursive: true });
      stagingDir = await mkdtemp(join(options.cacheDir, 'staging-'));
      cache = await ReadCache.open(join(options.cacheDir, 'read'), options.cacheMaxBytes);
    } catch (e) {
      throw new LakeshiftError(
        SqlState.ioError,
        `could not prepare the S3 cache directory "${options.cacheDir}": ${messageOf(e)}; check that the directory exists and is writable by the server's user`,
        { cause: e },
      );
    }
    const store = new S3ObjectStore(options, stagingDir, cache);
    try {
      await store.client.send(
        new ListObjectsV2Command({ Bucket: store.bucket, Prefix: store.keyPrefix, MaxKeys: 1 }),
      );
    } catch (e) {
      await store.close();
      throw store.failure('open object store', store.url, e);
    }
    return store;
  }

  private objectKey(key: string): string {
    checkKey(key);
    return this.keyPrefix + key;
  }

  private objectUrl(key: string): string {
    return `s3://${this.bucket}/${this.keyPrefix}${key}`;
  }

  private missing(key: string, cause?: unknown): LakeshiftError {
    return new LakeshiftError(
      SqlState.undefinedFile,
      `object ${this.objectUrl(key)} does not exist; check that the store URL ${this.url} is the one the catalog was written with`,
      { cause },
    );
  }

  /** Turns an SDK failure into a 58030 error that names the target and says what to check. */
  private failure(action: string, target: string, e: unknown): LakeshiftError {
    if (e instanceof LakeshiftError) return e;
    const status = statusOf(e);
    const name = nameOf(e);
    const where = `S3 endpoint ${this.endpoint}, bucket "${this.bucket}"`;
    let advice: string;
    if (typeof (e as { path?: unknown } | undefined)?.path === 'string') {
      // Node's filesystem errors carry the path: a local staging or cache file, not the network.
      advice = "check that the local file's directory exists and is writable by the server's user";
    } else if (status === undefined) {
      advice = `check that the S3 endpoint ${this.endpoint} is reachable`;
    } else if (name === 'NoSuchBucket') {
      advice = `check that bucket "${this.bucket}" exists at ${this.endpoint} (and the region)`;
    } else if (
      status === 403 ||
      name === 'InvalidAccessKeyId' ||
      name === 'SignatureDoesNotMatch'
    ) {
      advice = `check the S3 credentials and that they may access bucket "${this.bucket}"`;
    } else {
      advice = `check the ${where}`;
    }
    const detail =
      name !== undefined && name !== 'Error' ? `${name}: ${messageOf(e)}` : messageOf(e);
    return new LakeshiftError(
      SqlState.ioError,
      `could not ${action} ${target} (${where}): ${detail}; ${advice}`,
      { cause: e },
    );
  }

  async putFile(key: string, localPath: string): Promise<{ size: number }> {
    const Key = this.objectKey(key);
    try {
      const { size } = await stat(localPath);
      if (size < this.multipartThresholdBytes) {
        const Body = await readFile(localPath);
        await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key, Body }));
      } else {
        await uploadMultipart({
          client: this.client,
          bucket: this.bucket,
          objectKey: Key,
          localPath,
          size,
          partSizeBytes: this.partSizeBytes,
          concurrency: this.uploadConcurrency,
        });
      }
      await unlink(localPath);
      return { size };
    } catch (e) {
      throw this.failure(`upload ${localPath} to`, this.objectUrl(key), e);
    }
  }

  async putBytes(key: string, data: Uint8Array): Promise<void> {
    const Key = this.objectKey(key);
    try {
      await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key, Body: data }));
    } catch (e) {
      throw this.failure('write', this.objectUrl(key), e);
    }
  }

  async getBytes(key: string): Promise<Buffer> {
    const Key = this.objectKey(key);
    try {
      const result = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key }));
      const bytes = await result.Body?.transformToByteArray();
      return bytes === undefined
        ? Buffer.alloc(0)
        : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
    } catch (e) {
      if (isObjectMissing(e)) throw this.missing(key, e);
      throw this.failure('read', this.objectUrl(key), e);
    }
  }

  async localPath(key: string): Promise<string> {
    const Key = this.objectKey(key);
    const url = this.objectUrl(key);
    try {
      return await this.cache.get(url, async (tempPath, reserve) => {
        const result = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key }));
        const expected = result.ContentLength;
        if (expected !== undefined) await reserve(expected);
        const body = result.Body;
        if (!(body instanceof Readable)) throw new Error('GetObject returned no readable body');
        await pipeline(body, createWriteStream(tempPath, { flags: 'wx' }));
        const { size } = await stat(tempPath);
        if (expected !== undefined && size !== expected) {
          throw new Error(`download ended after ${size} of ${expected} bytes`);
        }
      });
    } catch (e) {
      if (isObjectMissing(e)) throw this.missing(key, e);
      throw this.failure('download', url, e);
    }
  }

  /**
   * Downloads the object to localPath, bypassing the read cache: for objects that are not the
   * lake's own (COPY's sources may be rewritten under the same key).
   */
  async downloadTo(key: string, localPath: string): Promise<{ size: number }> {
    const Key = this.objectKey(key);
    const url = this.objectUrl(key);
    try {
      const result = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key }));
      const body = result.Body;
      if (!(body instanceof Readable)) throw new Error('GetObject returned no readable body');
      await pipeline(body, createWriteStream(localPath));
      const { size } = await stat(localPath);
      if (result.ContentLength !== undefined && size !== result.ContentLength) {
        throw new Error(`download ended after ${size} of ${result.ContentLength} bytes`);
      }
      return { size };
    } catch (e) {
      await rm(localPath, { force: true });
      if (isObjectMissing(e)) throw this.missing(key, e);
      throw this.failure('download', url, e);
    }
  }

  async stat(key: string): Promise<ObjectInfo | undefined> {
    const Key = this.objectKey(key);
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key }));
      return { key, size: head.ContentLength ?? 0, lastModified: head.LastModified ?? new Date(0) };
    } catch (e) {
      if (isObjectMissing(e)) return undefined;
      throw this.failure('stat', this.objectUrl(key), e);
    }
  }

  async delete(key: string): Promise<void> {
    const Key = this.objectKey(key);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key }));
    } catch (e) {
      if (isObjectMissing(e)) return;
      throw this.failure('delete', this.objectUrl(key), e);
    }
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    checkPrefix(prefix);
    let ContinuationToken: string | undefined;
    for (;;) {
      let page;
      try {
        page = await this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: this.keyPrefix + prefix,
            ContinuationToken,
          }),
        );
      } catch (e) {
        throw this.failure('list', `s3://${this.bucket}/${this.keyPrefix}${prefix}`, e);
      }
      for (const item of page.Contents ?? []) {
        if (item.Key === undefined) continue;
        yield {
          key: item.Key.slice(this.keyPrefix.length),
          size: item.Size ?? 0,
          lastModified: item.LastModified ?? new Date(0),
        };
      }
      if (page.IsTruncated !== true) return;
      // A server that says "more" without a new token would make us loop or stop short; a
      // silently incomplete listing is worse than an error (garbage collection relies on it).
      if (
        page.NextContinuationToken === undefined ||
        page.NextContinuationToken === ContinuationToken
      ) {
        throw new LakeshiftError(
          SqlState.ioError,
          `could not list s3://${this.bucket}/${this.keyPrefix}${prefix}: the S3 endpoint ${this.endpoint} returned a truncated listing without a new continuation token; check that it supports ListObjectsV2`,
        );
      }
      ContinuationToken = page.NextContinuationToken;
    }
  }

  async close(): Promise<void> {
    this.client.destroy();
    await rm(this.stagingDir, { recursive: true, force: true });
  }
}
