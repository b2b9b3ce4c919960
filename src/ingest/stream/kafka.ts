// Reads Kafka / Amazon MSK topics for streaming materialized views (Redshift's CREATE EXTERNAL
// SCHEMA ... FROM MSK | KAFKA ... URI 'host:port,...'), through @platformatic/kafka.
//
// Positions are Kafka offsets as decimal text: the offset of the NEXT record to read (exclusive of
// what was read; `next` = last offset read + 1). A read:
//   1. looks the topic up (Metadata: its id, partitions and their leaders),
//   2. asks the leaders for each partition's log start offset and end (ListOffsets EARLIEST and
//      LATEST, under READ_COMMITTED the last stable offset) — that end bounds this read,
//   3. fetches every unfinished partition in rounds, one Fetch request per leader per round, all
//      leaders at once. Kafka returns whole record batches, so a batch may begin before the
//      position asked for: those records are skipped (and records past the end are left).
// A position below the log start offset (records removed by retention) is reported as `lost`
// and the read continues from the log start offset; a position past the end reads nothing.
// Kafka protocol: https://kafka.apache.org/protocol (Fetch, ListOffsets, Metadata).

import { Consumer, type fetchV17, type RecordsBatch } from '@platformatic/kafka';
import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import { LakeshiftError, SqlState } from '../../common/errors.js';
import {
  abortError,
  kafkaCodes,
  kafkaError,
  KafkaErrorCode,
  unknownTopic,
} from './kafka-errors.js';
import type {
  KafkaStreamRecord,
  PartitionBatch,
  ReadLimits,
  StreamPosition,
  StreamReader,
} from './types.js';

export interface KafkaReaderOptions {
  /** Bootstrap brokers, 'host:port,host:port' (Redshift's URI); IPv6 hosts in brackets. */
  brokers: string;
  /** Client id the brokers see (logs, quotas). Default 'lakeshift'. */
  clientId?: string;
  /**
   * TLS to the brokers: `true` for TLS with the system's CAs, or node:tls options — `ca` for a
   * private CA, and `cert` + `key` for mutual TLS (MSK's AUTHENTICATION mtls).
   */
  tls?:
    | boolean
    | Pick<TlsConnectionOptions, 'ca' | 'cert' | 'key' | 'servername' | 'rejectUnauthorized'>;
  /** SASL, as @platformatic/kafka supports it: PLAIN, SCRAM-SHA-256/512, OAUTHBEARER (a token). */
  sasl?: {
    mechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512' | 'OAUTHBEARER';
    username?: string;
    password?: string;
    token?: string;
  };
  /** Time allowed to open a connection to a broker. Default 2.5 s, so a dead broker fails fast. */
  connectTimeoutMs?: number;
  /** Time allowed for one request's response. Default 30 s. */
  requestTimeoutMs?: number;
  /** Further attempts of a failed request (the library waits `retryDelayMs` between). Default 1. */
  retries?: number;
  retryDelayMs?: number;
  /** Largest Fetch response asked of one broker (all its partitions together). Default 64 MiB. */
  maxFetchBytes?: number;
  /** Largest part of a Fetch response for one partition. Default 8 MiB. */
  maxPartitionFetchBytes?: number;
}

type FetchResponse = fetchV17.FetchResponse;

const DEFAULT_PORT = 9092;
/** Smallest per-partition fetch size asked for, whatever the bytes left in a read's budget. */
const MIN_PARTITION_FETCH_BYTES = 64 * 1024;
/** Fetch rounds in a row that bring nothing new before a read stops and leaves the rest. */
const MAX_IDLE_ROUNDS = 3;
/** Batch attributes: bit 3 timestamp type (1 = LogAppendTime), bit 5 control batch. */
const LOG_APPEND_TIME = 0b1000;
const CONTROL_BATCH = 0b10_0000;
const READ_COMMITTED = 1;
const EARLIEST = -2n;
const LATEST = -1n;

interface Broker {
  host: string;
  port: number;
}

/** Parses 'host:port,host:port' (default port 9092). Fails with 22023 on anything else. */
export function parseBrokers(uri: string): Broker[] {
  const out: Broker[] = [];
  for (const part of uri.split(',')) {
    const s = part.trim();
    const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]+))(?::(\d{1,5}))?$/.exec(s);
    const port = m?.[3] === undefined ? DEFAULT_PORT : Number(m[3]);
    if (m === null || port < 1 || port > 65535) {
      throw new LakeshiftError(
        SqlState.invalidParameterValue,
        `invalid Kafka broker address "${s}"`,
        {
          hint: "Brokers are listed as 'host:port,host:port'.",
        },
      );
    }
    out.push({ host: m[1] ?? m[2]!, port });
  }
  return out;
}

interface TopicInfo {
  id: string;
  /** Leader node id per partition. */
  leaders: number[];
}

/** A partition's read in progress. */
interface PartitionRead {
  partition: number;
  /** Next offset to read. */
  pos: bigint;
  /** End of this read: the partition's end when the read began. */
  end: bigint;
  records: KafkaStreamRecord[];
  bytes: number;
  lost?: { from: bigint; to: bigint };
}

export class KafkaStreamReader implements StreamReader {
  private readonly client: Consumer;
  private readonly brokerList: string;
  private readonly maxFetchBytes: number;
  private readonly maxPartitionFetchBytes: number;

  constructor(opts: KafkaReaderOptions) {
    const brokers = parseBrokers(opts.brokers);
    this.brokerList = brokers
      .map((b) => `${b.host.includes(':') ? `[${b.host}]` : b.host}:${b.port}`)
      .join(',');
    this.maxFetchBytes = opts.maxFetchBytes ?? 64 * 1024 * 1024;
    this.maxPartitionFetchBytes = opts.maxPartitionFetchBytes ?? 8 * 1024 * 1024;
    const clientId = opts.clientId ?? 'lakeshift';
    // A Consumer for its Metadata, ListOffsets and low-level Fetch; it never joins its group.
    this.client = new Consumer({
      clientId,
      groupId: `${clientId}-stream-reader`,
      bootstrapBrokers: brokers,
      connectTimeout: opts.connectTimeoutMs ?? 2500,
      requestTimeout: opts.requestTimeoutMs ?? 30_000,
      retries: opts.retries ?? 1,
      retryDelay: opts.retryDelayMs ?? 250,
      isolationLevel: READ_COMMITTED,
      ...(opts.tls ? { tls: opts.tls === true ? {} : opts.tls } : {}),
      ...(opts.sasl ? { sasl: opts.sasl } : {}),
    });
  }

  async partitions(stream: string): Promise<string[]> {
    const info = await this.topic(stream, true);
    return info.leaders.map((_, i) => String(i));
  }

  async read(
    stream: string,
    from: ReadonlyMap<string, StreamPosition>,
    limits: ReadLimits,
  ): Promise<PartitionBatch[]> {
    checkAbort(limits.signal);
    const info = await this.topic(stream, false);
    const wanted = [...from.keys()].map((id) => partitionNumber(stream, id, info.leaders.length));
    if (wanted.length === 0) return [];
    const [earliest, latest] = await Promise.all([
      this.listOffsets(stream, wanted, EARLIEST),
      this.listOffsets(stream, wanted, LATEST),
    ]);

    const reads = wanted.map((partition): PartitionRead => {
      const asked = parsePosition(from.get(String(partition)), partition);
      const start = earliest.get(partition)!;
      const r: PartitionRead = {
        partition,
        pos: asked ?? start,
        end: latest.get(partition)!,
        records: [],
        bytes: 0,
      };
      if (r.pos < start) {
        r.lost = { from: r.pos, to: start };
        r.pos = start;
      }
      return r;
    });

    const unfinished = () =>
      reads.filter(
        (r) => r.pos < r.end && r.records.length < limits.maxRecords && r.bytes < limits.maxBytes,
      );
    let idle = 0;
    for (
      let pending = unfinished();
      pending.length > 0 && idle < MAX_IDLE_ROUNDS;
      pending = unfinished()
    ) {
      checkAbort(limits.signal);
      const before = pending.map((r) => r.pos);
      await this.fetchRound(stream, info, pending, limits);
      idle = pending.some((r, i) => r.pos !== before[i]) ? 0 : idle + 1;
    }
    checkAbort(limits.signal);

    return reads.map((r) => ({
      partition: String(r.partition),
      records: r.records,
      next: String(r.pos),
      ...(r.lost ? { lost: { from: String(r.lost.from), to: String(r.lost.to) } } : {}),
    }));
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  /** One Fetch per leader of the pending partitions, all leaders at once. */
  private async fetchRound(
    stream: string,
    info: TopicInfo,
    pending: PartitionRead[],
    limits: ReadLimits,
  ) {
    // Kafka gives the first partition with data at least one whole batch, however large, and
    // a finished partition leaves the round: every round moves some partition on.
    const byLeader = new Map<number, PartitionRead[]>();
    for (const r of pending) {
      const leader = info.leaders[r.partition]!;
      byLeader.set(leader, [...(byLeader.get(leader) ?? []), r]);
    }
    await Promise.all(
      [...byLeader].map(async ([node, group]) => {
        const response = await this.fetch(stream, info, node, group, limits);
        if (response === null) return;
        const byPartition = new Map(group.map((r) => [r.partition, r]));
        for (const topic of response.responses) {
          for (const p of topic.partitions) {
            const r = byPartition.get(p.partitionIndex);
            if (r === undefined) continue;
            for (const batch of p.records ?? []) {
              if (!takeBatch(r, batch, limits)) break;
            }
          }
        }
      }),
    );
  }

  /** A Fetch to one leader; null when the round must be retried after a correction (an offset
   *  that retention removed meanwhile, a moved leader). */
  private async fetch(
    stream: string,
    info: TopicInfo,
    node: number,
    group: PartitionRead[],
    limits: ReadLimits,
  ): Promise<FetchResponse | null> {
    try {
      return await this.client.fetch({
        node,
        maxWaitTime: 0,
        minBytes: 1,
        maxBytes: this.maxFetchBytes,
        isolationLevel: READ_COMMITTED,
        topics: [
          {
            topicId: info.id,
            partitions: group.map((r) => ({
              partition: r.partition,
              fetchOffset: r.pos,
              partitionMaxBytes: clamp(
                limits.maxBytes - r.bytes,
                MIN_PARTITION_FETCH_BYTES,
                this.maxPartitionFetchBytes,
              ),
              currentLeaderEpoch: -1,
              lastFetchedEpoch: -1,
            })),
          },
        ],
      });
    } catch (e) {
      const codes = kafkaCodes(e);
      if (codes.has(KafkaErrorCode.offsetOutOfRange)) {
        await this.realign(stream, group);
        return null;
      }
      if (
        codes.has(KafkaErrorCode.notLeaderOrFollower) ||
        codes.has(KafkaErrorCode.fencedLeaderEpoch) ||
        codes.has(KafkaErrorCode.unknownTopicId)
      ) {
        const fresh = await this.topic(stream, true);
        if (fresh.id !== info.id) throw unknownTopic(stream, e); // deleted (and perhaps recreated)
        info.leaders = fresh.leaders;
        return null;
      }
      throw kafkaError(e, this.brokerList, stream);
    }
  }

  /** After OFFSET_OUT_OF_RANGE: retention moved the log start past a position (report the gap
   *  and go on from the new start), or the log was truncated below it (stop there). */
  private async realign(stream: string, group: PartitionRead[]): Promise<void> {
    const ids = group.map((r) => r.partition);
    const [earliest, latest] = await Promise.all([
      this.listOffsets(stream, ids, EARLIEST),
      this.listOffsets(stream, ids, LATEST),
    ]);
    for (const r of group) {
      const start = earliest.get(r.partition)!;
      if (r.pos < start) {
        r.lost = { from: r.lost?.from ?? r.pos, to: start };
        r.pos = start;
      }
      if (r.end > latest.get(r.partition)!) r.end = latest.get(r.partition)!;
    }
  }

  private async topic(stream: string, fresh: boolean): Promise<TopicInfo> {
    try {
      const meta = await this.client.metadata({ topics: [stream], forceUpdate: fresh });
      const t = meta.topics.get(stream);
      if (t === undefined) throw unknownTopic(stream);
      return {
        id: t.id,
        leaders: Array.from({ length: t.partitionsCount }, (_, i) => t.partitions[i]?.leader ?? -1),
      };
    } catch (e) {
      throw kafkaError(e, this.brokerList, stream);
    }
  }

  private async listOffsets(
    stream: string,
    partitions: number[],
    timestamp: bigint,
  ): Promise<Map<number, bigint>> {
    try {
      const offsets = await this.client.listOffsets({
        topics: [stream],
        partitions: { [stream]: partitions },
        timestamp,
        isolationLevel: READ_COMMITTED,
      });
      const list = offsets.get(stream) ?? [];
      return new Map(partitions.map((p) => [p, list[p] ?? 0n]));
    } catch (e) {
      throw kafkaError(e, this.brokerList, stream);
    }
  }
}

/**
 * Takes a fetched batch's records in [pos, end) into the partition's read, within the limits.
 * Returns false once the read is full or at its end (later batches are left for the next read).
 */
function takeBatch(r: PartitionRead, batch: RecordsBatch, limits: ReadLimits): boolean {
  const lastOffset = batch.firstOffset + BigInt(batch.lastOffsetDelta);
  if (lastOffset < r.pos) return true; // wholly before the position
  if ((batch.attributes & CONTROL_BATCH) !== 0) {
    // transaction markers: no data, but their offsets are passed
    r.pos = lastOffset + 1n < r.end ? lastOffset + 1n : r.end;
    return r.pos < r.end;
  }
  const logAppend = (batch.attributes & LOG_APPEND_TIME) !== 0;
  for (const rec of batch.records) {
    const offset = batch.firstOffset + BigInt(rec.offsetDelta);
    if (offset < r.pos) continue; // before the position, inside the batch Kafka returned whole
    if (offset >= r.end || r.records.length >= limits.maxRecords || r.bytes >= limits.maxBytes)
      return false;
    let size = (rec.key?.length ?? 0) + (rec.value?.length ?? 0);
    const headers = rec.headers.map(([k, v]) => {
      size += (k?.length ?? 0) + (v?.length ?? 0);
      return { key: k === null ? '' : k.toString('utf8'), value: v };
    });
    r.records.push({
      kind: 'kafka',
      partition: r.partition,
      offset,
      timestampType: logAppend ? 1 : 0,
      timestamp: logAppend ? batch.maxTimestamp : batch.firstTimestamp + rec.timestampDelta,
      key: rec.key,
      value: rec.value,
      headers,
    });
    r.bytes += size;
    r.pos = offset + 1n;
  }
  // Offsets the batch covers past its last record (compaction) are passed too.
  if (lastOffset + 1n > r.pos) r.pos = lastOffset + 1n < r.end ? lastOffset + 1n : r.end;
  return r.pos < r.end;
}

function partitionNumber(stream: string, id: string, count: number): number {
  const n = /^\d{1,9}$/.test(id) ? Number(id) : -1;
  if (n < 0 || n >= count) {
    throw new LakeshiftError(
      SqlState.undefinedObject,
      `Kafka topic "${stream}" has no partition "${id}"`,
      {
        detail: `The topic has ${count} partitions.`,
      },
    );
  }
  return n;
}

function parsePosition(pos: StreamPosition, partition: number): bigint | undefined {
  if (pos === undefined) return undefined;
  if (!/^\d{1,19}$/.test(pos)) {
    throw new LakeshiftError(
      SqlState.invalidParameterValue,
      `invalid Kafka offset "${pos}" for partition ${partition}`,
    );
  }
  return BigInt(pos);
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, Math.floor(n)));
}

function checkAbort(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError();
}
