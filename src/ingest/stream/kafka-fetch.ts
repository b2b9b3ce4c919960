// Fetch requests through @platformatic/kafka's connections, with a response parser of our own
// that leaves each partition's record batches as bytes (a view of the response) for
// kafka-batches.ts to decode. The library's own Fetch parser builds an object per record over a
// chunked buffer, which was most of a read's time.
// The request is the library's (Fetch v12-v17, the version negotiated with the broker through
// ApiVersions, as its Consumer.fetch does), sent with its retries. Response layout, all
// versions flexible (https://kafka.apache.org/protocol#The_Messages_Fetch):
//   throttle_time_ms int32 | error_code int16 | session_id int32 |
//   [responses: topic (v12: name; v13+: topic_id uuid) |
//     [partitions: partition_index int32 | error_code int16 | high_watermark int64 |
//      last_stable_offset int64 | log_start_offset int64 |
//      [aborted_transactions: producer_id int64 | first_offset int64 | tags] |
//      preferred_read_replica int32 | records COMPACT_RECORDS | tags] | tags] | tags

import {
  fetchV12,
  fetchV13,
  fetchV14,
  fetchV15,
  fetchV16,
  fetchV17,
  kGetApi,
  kPerformWithRetry,
  ResponseError,
  UnsupportedApiError,
  type Broker,
  type Consumer,
  type Reader,
} from '@platformatic/kafka';
import type { AbortedTransaction, BatchPieces } from './kafka-batches.js';

const FETCH_KEY = 1;
const REQUESTS: Record<number, typeof fetchV17.createRequest> = {
  12: fetchV12.createRequest,
  13: fetchV13.createRequest,
  14: fetchV14.createRequest,
  15: fetchV15.createRequest,
  16: fetchV16.createRequest,
  17: fetchV17.createRequest,
};

export interface FetchPartitionRequest {
  partition: number;
  fetchOffset: bigint;
  partitionMaxBytes: number;
}

export interface FetchRequest {
  /** Topic id (Fetch v13+) and name (v12). */
  topicId: string;
  topicName: string;
  partitions: FetchPartitionRequest[];
  maxBytes: number;
  isolationLevel: number;
}

export interface FetchedPartition {
  partition: number;
  highWatermark: bigint;
  lastStableOffset: bigint;
  logStartOffset: bigint;
  /** READ_COMMITTED: aborted transactions in the returned range; null when none. */
  abortedTransactions: AbortedTransaction[] | null;
  /** The whole record batches returned, each as views of the socket chunks it came in. */
  batches: BatchPieces[];
}

/**
 * One Fetch to a broker (maxWait 0: what the log holds now). Fails as the library's own Fetch
 * does: a ResponseError holding a ProtocolError per failed partition (kafka-errors.ts reads
 * their codes), network errors after the client's retries.
 */
export async function fetchRaw(
  client: Consumer,
  broker: Broker,
  request: FetchRequest,
): Promise<FetchedPartition[]> {
  return new Promise((resolve, reject) => {
    client[kPerformWithRetry]<FetchedPartition[]>(
      'fetch',
      (retry) => {
        client[kGetApi]('Fetch', (error, api) => {
          if (error) return retry(error);
          const create = REQUESTS[api!.version];
          if (create === undefined) {
            return retry(new UnsupportedApiError(`Fetch v${api!.version} is not implemented.`));
          }
          const topic = api!.version >= 13 ? request.topicId : request.topicName;
          client.connections.get(broker, (error, connection) => {
            if (error) return retry(error);
            connection!.send(
              FETCH_KEY,
              api!.version,
              () =>
                create(
                  0,
                  1,
                  request.maxBytes,
                  request.isolationLevel,
                  0,
                  -1,
                  [
                    {
                      topicId: topic,
                      partitions: request.partitions.map((p) => ({
                        partition: p.partition,
                        currentLeaderEpoch: -1,
                        fetchOffset: p.fetchOffset,
                        lastFetchedEpoch: -1,
                        partitionMaxBytes: p.partitionMaxBytes,
                      })),
                    },
                  ],
                  [],
                  '',
                ),
              parseFetchResponse,
              true,
              true,
              retry,
            );
          });
        });
      },
      (error, partitions) => (error ? reject(error) : resolve(partitions!)),
    );
  });
}

/**
 * A forward cursor over a response as the connection gathered it: a list of socket chunks
 * (64 KiB each, typically). Record batches are handed on as views of the chunks they lie in;
 * only small fields that straddle two chunks are copied. Never a copy of the whole response:
 * touching fresh memory (page faults) costs more than anything else a read does.
 */
class ChunkCursor {
  private i = 0;
  private off = 0;

  constructor(
    private readonly chunks: readonly Buffer[],
    public remaining: number,
  ) {}

  /** The chunk holding the next byte. */
  private chunk(): Buffer {
    let c = this.chunks[this.i];
    while (c !== undefined && this.off >= c.length) {
      c = this.chunks[++this.i];
      this.off = 0;
    }
    if (c === undefined) throw new RangeError('Fetch response truncated');
    return c;
  }

  take(n: number): Buffer {
    if (n > this.remaining) throw new RangeError('Fetch response truncated');
    this.remaining -= n;
    let c = this.chunk();
    if (this.off + n <= c.length) {
      const v = c.subarray(this.off, this.off + n);
      this.off += n;
      return v;
    }
    const out = Buffer.allocUnsafe(n);
    for (let got = 0; got < n; c = this.chunk()) {
      const k = Math.min(n - got, c.length - this.off);
      c.copy(out, got, this.off, this.off + k);
      got += k;
      this.off += k;
    }
    return out;
  }

  /** `n` bytes as views of the chunks they lie in, in order (nothing copied). */
  pieces(n: number): Buffer[] {
    if (n > this.remaining) throw new RangeError('Fetch response truncated');
    this.remaining -= n;
    const out: Buffer[] = [];
    while (n > 0) {
      const c = this.chunk();
      const k = Math.min(n, c.length - this.off);
      out.push(c.subarray(this.off, this.off + k));
      this.off += k;
      n -= k;
    }
    return out;
  }

  peek(n: number): Buffer {
    const [i, off, remaining] = [this.i, this.off, this.remaining];
    const v = this.take(n);
    [this.i, this.off, this.remaining] = [i, off, remaining];
    return v;
  }

  skip(n: number): void {
    if (n > this.remaining) throw new RangeError('Fetch response truncated');
    this.remaining -= n;
    while (n > 0) {
      const c = this.chunk();
      const k = Math.min(n, c.length - this.off);
      this.off += k;
      n -= k;
    }
  }

  int16(): number {
    return this.take(2).readInt16BE(0);
  }
  int32(): number {
    return this.take(4).readInt32BE(0);
  }
  int64(): bigint {
    return this.take(8).readBigInt64BE(0);
  }
  uvarint(): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      const b = this.take(1)[0]!;
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
      scale *= 128;
      if (scale > 2 ** 35) throw new RangeError('unsigned varint too long');
    }
  }
  skipTags(): void {
    for (let n = this.uvarint(); n > 0; n--) {
      this.uvarint();
      this.skip(this.uvarint());
    }
  }

  /** `size` bytes of record batches, split into whole batches (a trailing partial one, cut by
   *  the broker's size limit, is skipped). */
  batches(size: number): BatchPieces[] {
    const out: BatchPieces[] = [];
    let left = size;
    while (left >= BATCH_HEAD) {
      const batchSize = this.peek(BATCH_HEAD).readInt32BE(8) + BATCH_HEAD;
      if (batchSize < BATCH_HEAD + 49) throw new RangeError(`record batch length ${batchSize}`);
      if (batchSize > left) break;
      out.push(this.pieces(batchSize));
      left -= batchSize;
    }
    this.skip(left);
    return out;
  }
}

/** baseOffset int64 + batchLength int32: what precedes the length a batch's size counts. */
const BATCH_HEAD = 12;

/** Parses a Fetch response (v12-v17) into partitions whose records stay bytes. */
export function parseFetchResponse(
  _correlationId: number,
  apiKey: number,
  apiVersion: number,
  reader: Reader,
): FetchedPartition[] {
  const c = new ChunkCursor(reader.buffer.buffers, reader.buffer.length);
  c.skip(reader.position);
  const errors: Record<string, [number, null]> = {};
  c.int32(); // throttle_time_ms
  const errorCode = c.int16();
  if (errorCode !== 0) errors['/'] = [errorCode, null];
  c.int32(); // session_id
  const out: FetchedPartition[] = [];
  for (let topics = c.uvarint() - 1, i = 0; i < topics; i++) {
    if (apiVersion >= 13) c.skip(16);
    else c.skip(c.uvarint() - 1);
    for (let partitions = c.uvarint() - 1, j = 0; j < partitions; j++) {
      const partition = c.int32();
      const code = c.int16();
      if (code !== 0) errors[`/responses/${i}/partitions/${j}`] = [code, null];
      const highWatermark = c.int64();
      const lastStableOffset = c.int64();
      const logStartOffset = c.int64();
      let abortedTransactions: AbortedTransaction[] | null = null;
      for (let n = c.uvarint() - 1; n > 0; n--) {
        abortedTransactions ??= [];
        abortedTransactions.push({ producerId: c.int64(), firstOffset: c.int64() });
        c.skipTags();
      }
      c.int32(); // preferred_read_replica
      const size = c.uvarint() - 1;
      const batches = size > 0 ? c.batches(size) : [];
      c.skipTags();
      out.push({
        partition,
        highWatermark,
        lastStableOffset,
        logStartOffset,
        abortedTransactions,
        batches,
      });
    }
    c.skipTags();
  }
  c.skipTags();
  if (Object.keys(errors).length > 0) throw new ResponseError(apiKey, apiVersion, errors, out);
  return out;
}
