// Reads Kinesis data streams for streaming materialized views (Redshift's CREATE EXTERNAL SCHEMA
// ... FROM KINESIS): a stream's partitions are its shards, open and closed, and a position is the
// sequence number of the last record read in a shard.
//
// API: https://docs.aws.amazon.com/kinesis/latest/APIReference/ (ListShards, GetShardIterator,
// GetRecords). Resharding: https://docs.aws.amazon.com/streams/latest/dev/kinesis-using-sdk-java-after-resharding.html
// — a split or merged parent shard is closed but keeps its records until the retention period
// passes, and its children take the new records, so both are listed and read.
//
// Positions are "after:<sequence number>": exclusive, the last record already read. A read asks
// for an iterator AT that sequence number rather than after it, so that the first record back
// shows whether the stream still holds it: if it does, it is skipped; if the first record back
// is a later one, the stream trimmed the position away and the read reports `lost`.

import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
  type GetRecordsCommandOutput,
  type ShardIteratorType,
  type _Record,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { setTimeout as sleep } from 'node:timers/promises';
import { LakeshiftError, SqlState } from '../../common/errors.js';
import {
  abortError,
  errorName,
  isThrottled,
  kinesisError,
  type KinesisTarget,
} from './kinesis-errors.js';
import type {
  KinesisStreamRecord,
  PartitionBatch,
  ReadLimits,
  StreamPosition,
  StreamReader,
} from './types.js';

export interface KinesisCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface KinesisReaderOptions {
  /**
   * http(s)://host:port of the Kinesis API. When absent the AWS SDK's configuration decides:
   * AWS_ENDPOINT_URL_KINESIS, then AWS_ENDPOINT_URL, then the profile's endpoint_url, else AWS's
   * endpoint for the region.
   */
  endpoint?: string;
  /** When absent: AWS_REGION, then the profile's region. */
  region?: string;
  /** When absent: the SDK's default chain (environment, profile, SSO, instance or task role). */
  credentials?: KinesisCredentials;
  /** Time allowed to open a connection. Default 2 s, so that a dead endpoint fails fast. */
  connectionTimeoutMs?: number;
  /** Time allowed for a whole request and its response (a GetRecords page is up to 10 MB). Default 30 s. */
  requestTimeoutMs?: number;
  /** Attempts per request by the SDK itself, including the first. Default 2. */
  maxAttempts?: number;
  /** Shards read at the same time. Default 4. */
  shardConcurrency?: number;
  /** Further attempts, with backoff, of a call Kinesis throttled. Default 6 (about 6 s in all). */
  throttleRetries?: number;
  /**
   * Pause between two GetRecords calls on one shard. Kinesis allows 5 calls per second per shard,
   * shared by all its consumers. Default 200 ms.
   */
  getRecordsIntervalMs?: number;
}

/** Kinesis' largest GetRecords page. */
const MAX_PAGE_RECORDS = 10_000;
/**
 * Consecutive empty pages, while Kinesis says the shard holds later records, before a read stops
 * and leaves the rest for the next one (an iterator walking a long quiet stretch of a shard).
 */
const MAX_EMPTY_PAGES = 10;
const POSITION_PREFIX = 'after:';

/** Where a shard's read starts: from the trim horizon, or at the last record already read. */
type Start = { kind: 'trim-horizon' } | { kind: 'at'; sequence: string };

export class KinesisStreamReader implements StreamReader {
  /** The SDK client, exposed so that tests can add middleware (e.g. to count calls). */
  readonly client: KinesisClient;
  private readonly options: KinesisReaderOptions;
  /** The endpoint the last request went to, for messages (the SDK resolves it per request). */
  private endpointSeen: string | undefined;
  private regionChecked: Promise<void> | undefined;

  constructor(options: KinesisReaderOptions = {}) {
    this.options = options;
    this.client = new KinesisClient({
      endpoint: options.endpoint,
      region: options.region,
      credentials: options.credentials,
      maxAttempts: options.maxAttempts ?? 2,
      // HTTP/1.1: the SDK's Kinesis default is HTTP/2 (for SubscribeToShard), which kinesalite
      // and some proxies do not speak; polling reads need nothing from HTTP/2.
      requestHandler: new NodeHttpHandler({
        connectionTimeout: options.connectionTimeoutMs ?? 2000,
        requestTimeout: options.requestTimeoutMs ?? 30_000,
        throwOnRequestTimeout: true,
        httpAgent: { keepAlive: true, maxSockets: 64 },
        httpsAgent: { keepAlive: true, maxSockets: 64 },
      }),
    });
    this.client.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { protocol?: string; hostname?: string; port?: number };
        if (typeof request.hostname === 'string') {
          const port = request.port === undefined ? '' : `:${request.port}`;
          this.endpointSeen = `${request.protocol ?? 'https:'}//${request.hostname}${port}`;
        }
        return next(args);
      },
      { step: 'build', name: 'lakeshiftKinesisEndpoint' },
    );
  }

  /** The endpoint as shown in messages. */
  get endpoint(): string {
    if (this.endpointSeen !== undefined) return this.endpointSeen;
    if (this.options.endpoint !== undefined) return this.options.endpoint;
    return this.options.region === undefined
      ? "the AWS SDK's configured Kinesis endpoint"
      : `the AWS Kinesis endpoint of ${this.options.region}`;
  }

  async partitions(stream: string): Promise<string[]> {
    await this.checkRegion();
    const target = { endpoint: this.endpoint, stream };
    const shards: string[] = [];
    let nextToken: string | undefined;
    do {
      // A follow-up page names only the token: Kinesis rejects StreamName with NextToken.
      const input: { StreamName?: string; NextToken?: string } =
        nextToken === undefined ? { StreamName: stream } : { NextToken: nextToken };
      const page = await this.call(target, undefined, (abortSignal) =>
        this.client.send(new ListShardsCommand(input), { abortSignal }),
      );
      for (const shard of page.Shards ?? []) {
        if (shard.ShardId !== undefined) shards.push(shard.ShardId);
      }
      nextToken = page.NextToken;
    } while (nextToken !== undefined);
    return shards;
  }

  async read(
    stream: string,
    from: ReadonlyMap<string, StreamPosition>,
    limits: ReadLimits,
  ): Promise<PartitionBatch[]> {
    await this.checkRegion();
    const work = [...from];
    const batches = new Array<PartitionBatch>(work.length);
    let nextIndex = 0;
    const worker = async (): Promise<void> => {
      while (nextIndex < work.length) {
        const i = nextIndex++;
        const [shard, position] = work[i]!;
        batches[i] = await this.readShard(stream, shard, position, limits);
      }
    };
    const workers = Math.max(1, Math.min(this.options.shardConcurrency ?? 4, work.length));
    await Promise.all(Array.from({ length: workers }, worker));
    return batches;
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  /** Fails with 22023 when no region is configured anywhere (the SDK's own error says less). */
  private checkRegion(): Promise<void> {
    this.regionChecked ??= this.client.config.region().then(
      () => undefined,
      (e: unknown) => {
        this.regionChecked = undefined;
        throw new LakeshiftError(
          SqlState.invalidParameterValue,
          'no AWS region is set for Kinesis',
          {
            cause: e,
            hint: 'set AWS_REGION, the profile region or the region option',
          },
        );
      },
    );
    return this.regionChecked;
  }

  private async readShard(
    stream: string,
    shard: string,
    position: StreamPosition,
    limits: ReadLimits,
  ): Promise<PartitionBatch> {
    const target: KinesisTarget = { endpoint: this.endpoint, stream, shard };
    const { signal } = limits;
    const after = parsePosition(position, target);
    const records: KinesisStreamRecord[] = [];
    let bytes = 0;
    let last = after;
    let lost: PartitionBatch['lost'];
    // The record at `after` was read already: the first record back must be it, or it is gone.
    let expect = after;
    let fellBack: unknown;
    let iterator: string | undefined;
    try {
      iterator = await this.iterator(
        target,
        after === undefined ? { kind: 'trim-horizon' } : { kind: 'at', sequence: after },
        signal,
      );
    } catch (e) {
      // Kinesis may refuse a sequence number it no longer holds (trimmed) with
      // InvalidArgumentException: read from the trim horizon, and let the first record say.
      if (after === undefined || errorName(e) !== 'InvalidArgumentException')
        throw kinesisError(e, target);
      fellBack = e;
      iterator = await this.iterator(target, { kind: 'trim-horizon' }, signal);
    }
    let emptyPages = 0;
    let probed = false;
    let calls = 0;
    reading: while (iterator !== undefined) {
      if (calls++ > 0) await this.pause(signal);
      const room = limits.maxRecords - records.length + (expect === undefined ? 0 : 1);
      const want = Math.max(1, Math.min(MAX_PAGE_RECORDS, room));
      let page: GetRecordsCommandOutput;
      try {
        const shardIterator = iterator;
        page = await this.call(target, signal, (abortSignal) =>
          this.client.send(new GetRecordsCommand({ ShardIterator: shardIterator, Limit: want }), {
            abortSignal,
          }),
        );
      } catch (e) {
        // Iterators live 5 minutes: take a new one from where this read stands.
        if (errorName(e) !== 'ExpiredIteratorException') throw e;
        const resume: Start =
          expect !== undefined
            ? { kind: 'at', sequence: expect }
            : last === undefined
              ? { kind: 'trim-horizon' }
              : { kind: 'at', sequence: last };
        if (resume.kind === 'at') expect = resume.sequence;
        iterator = await this.iterator(target, resume, signal);
        continue;
      }
      const got = page.Records ?? [];
      for (const r of got) {
        const record = toRecord(r, shard);
        if (expect !== undefined) {
          const asked = expect;
          expect = undefined;
          if (record.sequenceNumber === asked) continue;
          if (BigInt(record.sequenceNumber) < BigInt(asked)) {
            // A look at the trim horizon found the position still held: nothing to say yet.
            if (probed) break reading;
            // Only from the trim horizon after Kinesis refused the position: it was not trimmed
            // but is not valid for this shard (another stream of the same name, another shard).
            throw new LakeshiftError(
              SqlState.objectNotInPrerequisiteState,
              `position ${POSITION_PREFIX}${asked} is not valid for shard "${shard}" of Kinesis stream "${stream}"`,
              {
                cause: fellBack,
                hint: 'the stream may have been deleted and created again; recreate the materialized view',
              },
            );
          }
          lost = { from: POSITION_PREFIX + asked, to: `at:${record.sequenceNumber}` };
        }
        const size = record.data.byteLength + record.partitionKey.length;
        if (
          records.length >= limits.maxRecords ||
          (records.length > 0 && bytes + size > limits.maxBytes)
        ) {
          break reading;
        }
        records.push(record);
        bytes += size;
        last = record.sequenceNumber;
      }
      // No next iterator: a closed shard read to its end.
      iterator = page.NextShardIterator ?? undefined;
      const behind = page.MillisBehindLatest ?? 0;
      if (records.length >= limits.maxRecords || bytes >= limits.maxBytes) break;
      // Caught up. (kinesalite always says 0 behind; a short page says the same there.)
      if (behind === 0 && got.length < want) break;
      emptyPages = got.length === 0 ? emptyPages + 1 : 0;
      if (emptyPages >= MAX_EMPTY_PAGES) {
        // Kinesis can give an iterator at a trimmed sequence number that then walks empty pages
        // through the retention period (github.com/harlow/kinesis-consumer/issues/125): look at
        // the trim horizon once instead, and let its first record say whether the position is
        // gone. Otherwise leave the rest of a quiet stretch to the next read.
        if (expect === undefined || probed) break;
        probed = true;
        emptyPages = 0;
        iterator = await this.iterator(target, { kind: 'trim-horizon' }, signal);
      }
    }
    return {
      partition: shard,
      records,
      next: last === undefined ? position : POSITION_PREFIX + last,
      ...(lost === undefined ? {} : { lost }),
    };
  }

  private async iterator(
    target: KinesisTarget,
    start: Start,
    signal: AbortSignal | undefined,
  ): Promise<string | undefined> {
    const type: ShardIteratorType = start.kind === 'at' ? 'AT_SEQUENCE_NUMBER' : 'TRIM_HORIZON';
    const output = await this.call(target, signal, (abortSignal) =>
      this.client.send(
        new GetShardIteratorCommand({
          StreamName: target.stream,
          ShardId: target.shard,
          ShardIteratorType: type,
          StartingSequenceNumber: start.kind === 'at' ? start.sequence : undefined,
        }),
        { abortSignal },
      ),
    );
    return output.ShardIterator;
  }

  /**
   * One Kinesis call, again after a backoff while Kinesis throttles it; failures other than
   * InvalidArgumentException and ExpiredIteratorException (left to the caller) become the error
   * the user sees.
   */
  private async call<T>(
    target: KinesisTarget,
    signal: AbortSignal | undefined,
    run: (abortSignal: AbortSignal | undefined) => Promise<T>,
  ): Promise<T> {
    const retries = this.options.throttleRetries ?? 6;
    for (let attempt = 0; ; attempt++) {
      if (signal?.aborted) throw abortError(signal);
      try {
        return await run(signal);
      } catch (e) {
        if (signal?.aborted) throw abortError(signal);
        const name = errorName(e);
        if (name === 'InvalidArgumentException' || name === 'ExpiredIteratorException') throw e;
        if (!isThrottled(e) || attempt >= retries) {
          throw kinesisError(e, { ...target, endpoint: this.endpoint });
        }
      }
      // Full jitter over an exponential ceiling: 100 ms, 200 ms ... 2 s.
      const ceiling = Math.min(2000, 100 * 2 ** attempt);
      await this.wait(Math.random() * ceiling, signal);
    }
  }

  private pause(signal: AbortSignal | undefined): Promise<void> {
    return this.wait(this.options.getRecordsIntervalMs ?? 200, signal);
  }

  private async wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
    if (ms <= 0) return;
    try {
      await sleep(ms, undefined, { signal });
    } catch (e) {
      if (signal?.aborted) throw abortError(signal);
      throw e;
    }
  }
}

/** The sequence number a position says was read last; undefined for the trim horizon. */
function parsePosition(position: StreamPosition, target: KinesisTarget): string | undefined {
  if (position === undefined) return undefined;
  const sequence = position.startsWith(POSITION_PREFIX)
    ? position.slice(POSITION_PREFIX.length)
    : '';
  if (!/^[0-9]{1,128}$/.test(sequence)) {
    throw new LakeshiftError(
      SqlState.invalidParameterValue,
      `invalid position "${position}" for shard "${target.shard}" of Kinesis stream "${target.stream}": expected ${POSITION_PREFIX}<sequence number>`,
    );
  }
  return sequence;
}

function toRecord(r: _Record, shardId: string): KinesisStreamRecord {
  const data = r.Data ?? new Uint8Array(0);
  return {
    kind: 'kinesis',
    shardId,
    sequenceNumber: r.SequenceNumber ?? '',
    arrival: r.ApproximateArrivalTimestamp ?? new Date(0),
    partitionKey: r.PartitionKey ?? '',
    // The SDK decodes base64 into a view of a Buffer's memory: wrap it, never copy.
    data: Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength),
  };
}
