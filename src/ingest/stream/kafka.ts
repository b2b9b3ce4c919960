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

import { Consumer, type Broker as KafkaBroker } from '@platformatic/kafka';
import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import { LakeshiftError, SqlState } from '../../common/errors.js';
import {
  abortError,
  kafkaCodes,
  kafkaError,
  KafkaErrorCode,
  unknownTopic,
} from './kafka-errors.js';
import { batchSpan, takeRecords, type BatchPieces, type PartitionTake } from './kafka-batches.js';
import { fetchRaw, type FetchedPartition } from './kafka-fetch.js';
import type { PartitionBatch, ReadLimits, StreamPosition, StreamReader } from './types.js';

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

const DEFAULT_PORT = 9092;
/** Smallest per-partition fetch size asked for, whatever the bytes left in a read's budget. */
const MIN_PARTITION_FETCH_BYTES = 64 * 1024;
/** Bytes of a record on the wire besides its key, value and headers (varints, attributes). */
const RECORD_OVERHEAD = 12;
/** Fetch rounds in a row that bring nothing new before a read stops and leaves the rest. */
const MAX_IDLE_ROUNDS = 3;
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
  /** Address of each node. */
  brokers: Map<number, KafkaBroker>;
}

/** A partition's read in progress (`end`: the partition's end when the read began). */
interface PartitionRead extends PartitionTake {
  lost?: { from: bigint; to: bigint };
}

/** A partition asked of a broker, from `offset` (its position, or where it will be). */
interface FetchAsk {
  read: PartitionRead;
  offset: bigint;
}

/**
 * Where a partition will stand once `batches` (fetched from its position) are taken, known
 * from their headers alone — or null when it will be finished or the guess is unsure (no data,
 * a limit within reach: counted on the safe side, offsets as records and whole batches as
 * bytes).
 */
function nextOffset(
  r: PartitionRead,
  batches: readonly BatchPieces[],
  limits: ReadLimits,
): bigint | null {
  if (batches.length === 0) return null;
  const last = batchSpan(batches[batches.length - 1]!).last;
  const next = last + 1n < r.end ? last + 1n : r.end;
  if (next >= r.end) return null;
  let bytes = 0;
  for (const b of batches) bytes += batchSpan(b).size;
  const records = r.records.length + Number(next - r.pos);
  return records < limits.maxRecords && r.bytes + bytes < limits.maxBytes ? next : null;
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
      const byLeader = new Map<number, PartitionRead[]>();
      for (const r of pending) {
        const leader = info.leaders[r.partition]!;
        byLeader.set(leader, [...(byLeader.get(leader) ?? []), r]);
      }
      await Promise.all(
        [...byLeader].map(([node, group]) => this.readLeader(stream, info, node, group, limits)),
      );
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

  /**
   * Reads the partitions `node` leads until each is finished, keeping the next Fetch in flight
   * while a response is decoded: where each partition goes on is known from the batch headers
   * alone, so the broker works on the next response meanwhile. A prefetched partition whose
   * position turns out otherwise (a limit stopped it inside the batches) has its data dropped
   * and is fetched again from where it stands. Returns when the partitions are finished, when a
   * response brings nothing new, or after a correction (the caller regroups and goes on).
   */
  private async readLeader(
    stream: string,
    info: TopicInfo,
    node: number,
    group: PartitionRead[],
    limits: ReadLimits,
  ): Promise<void> {
    const open = (r: PartitionRead) =>
      r.pos < r.end && r.records.length < limits.maxRecords && r.bytes < limits.maxBytes;
    const send = (asks: FetchAsk[]) =>
      this.fetch(stream, info, node, asks, limits).then((response) => ({ asks, response }));
    let inflight: ReturnType<typeof send> | null = send(
      group.map((read) => ({ read, offset: read.pos })),
    );
    try {
      while (inflight !== null) {
        const { asks, response } = await inflight;
        inflight = null;
        if (response === null) return;
        checkAbort(limits.signal);
        const fetched = new Map(response.map((p) => [p.partition, p]));
        const sent = new Map(asks.map((a) => [a.read, a.offset]));
        // Data is good for a partition when it was fetched from where the partition stands.
        const fresh = (r: PartitionRead) => sent.get(r) === r.pos && fetched.has(r.partition);
        const next: FetchAsk[] = [];
        for (const r of group) {
          if (fresh(r)) {
            const offset = nextOffset(r, fetched.get(r.partition)!.batches, limits);
            if (offset !== null) next.push({ read: r, offset });
          } else if (open(r)) next.push({ read: r, offset: r.pos });
        }
        if (next.length > 0) inflight = send(next);

        let moved = false;
        for (const r of group) {
          if (!fresh(r)) continue;
          const p = fetched.get(r.partition)!;
          const before = r.pos;
          takeRecords(p.batches, r, limits, p.abortedTransactions);
          if (r.pos !== before) moved = true;
        }
        // Partitions the headers said were done but are not (a guess on the safe side).
        const rest = group.filter((r) => open(r) && !next.some((a) => a.read === r));
        if (inflight === null && moved && rest.length > 0) {
          inflight = send(rest.map((read) => ({ read, offset: read.pos })));
        }
      }
    } finally {
      // A prefetch left behind by an error: its outcome no longer matters.
      if (inflight !== null) inflight.catch(() => {});
    }
  }

  /** A Fetch to one leader; null when the round must be retried after a correction (an offset
   *  that retention removed meanwhile, a moved leader). */
  private async fetch(
    stream: string,
    info: TopicInfo,
    node: number,
    asks: FetchAsk[],
    limits: ReadLimits,
  ): Promise<FetchedPartition[] | null> {
    try {
      const broker = info.brokers.get(node);
      if (broker === undefined) {
        throw new LakeshiftError(
          SqlState.ioError,
          `Kafka topic "${stream}": no address for broker ${node}`,
        );
      }
      return await fetchRaw(this.client, broker, {
        topicId: info.id,
        topicName: stream,
        maxBytes: this.maxFetchBytes,
        isolationLevel: READ_COMMITTED,
        partitions: asks.map((a) => ({
          partition: a.read.partition,
          fetchOffset: a.offset,
          partitionMaxBytes: this.partitionFetchBytes(a.read, limits),
        })),
      });
    } catch (e) {
      const codes = kafkaCodes(e);
      if (codes.has(KafkaErrorCode.offsetOutOfRange)) {
        await this.realign(
          stream,
          asks.map((a) => a.read),
        );
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
        info.brokers = fresh.brokers;
        return null;
      }
      throw kafkaError(e, this.brokerList, stream);
    }
  }

  /**
   * What to ask of a partition in one Fetch: the bytes left in the read's budget, and no more
   * than its remaining records would take at the sizes seen so far (with some room), between
   * 64 KiB and maxPartitionFetchBytes.
   */
  private partitionFetchBytes(r: PartitionRead, limits: ReadLimits): number {
    let want = limits.maxBytes - r.bytes;
    if (r.records.length > 0) {
      const perRecord = r.bytes / r.records.length + RECORD_OVERHEAD;
      want = Math.min(want, (limits.maxRecords - r.records.length) * perRecord * 1.25);
    }
    return clamp(want, MIN_PARTITION_FETCH_BYTES, this.maxPartitionFetchBytes);
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
        brokers: meta.brokers,
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
