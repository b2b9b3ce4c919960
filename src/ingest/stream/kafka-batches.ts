// Kafka record batches (magic 2) decoded straight into KafkaStreamRecords: the hot loop of a
// streaming materialized view's Kafka read. Keys, values and header values are views of the
// fetched bytes (Buffer.subarray, never copied); offsets and timestamps are the only values
// allocated per record besides the record itself. Format:
// https://kafka.apache.org/documentation/#recordbatch
//   baseOffset int64 | batchLength int32 | partitionLeaderEpoch int32 | magic int8 | crc uint32 |
//   attributes int16 | lastOffsetDelta int32 | baseTimestamp int64 | maxTimestamp int64 |
//   producerId int64 | producerEpoch int16 | baseSequence int32 | recordCount int32 | records
// Attributes: bits 0-2 compression (0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd), bit 3 timestamp
// type (1 = LogAppendTime: every record has the batch's maxTimestamp), bit 4 transactional,
// bit 5 control batch (transaction markers, never data).
// A record: length varint | attributes int8 | timestampDelta varlong | offsetDelta varint |
//   key (varint length, -1 = null) | value (same) | header count varint |
//   headers (key: varint length + utf8, value: varint length + bytes, -1 = null).
// Not checked: the CRC-32C (TCP and TLS already guard the bytes in transit; Kafka's own consumer
// can skip it too, check.crcs=false).

import { compressionsAlgorithmsByBitmask } from '@platformatic/kafka';
import { gunzipSync } from 'node:zlib';
import { LakeshiftError, SqlState } from '../../common/errors.js';
import type { KafkaStreamRecord } from './types.js';

const HEADER_SIZE = 61;
const MAGIC_AT = 16;
const ATTRIBUTES_AT = 21;
const COMPRESSION = 0b111;
const LOG_APPEND_TIME = 0b1000;
const TRANSACTIONAL = 0b1_0000;
const CONTROL = 0b10_0000;
/** Control record key type: 0 = ABORT marker, 1 = COMMIT marker. */
const ABORT_MARKER = 0;

/** An aborted transaction a READ_COMMITTED Fetch response lists for a partition. */
export interface AbortedTransaction {
  producerId: bigint;
  firstOffset: bigint;
}

/** A partition's read in progress: what the decoded records are added to. */
export interface PartitionTake {
  readonly partition: number;
  /** Next offset to read. */
  pos: bigint;
  /** End of the read (exclusive): records at or past it are left. */
  end: bigint;
  readonly records: KafkaStreamRecord[];
  /** Bytes of keys, values and headers taken so far. */
  bytes: number;
}

export interface TakeLimits {
  maxRecords: number;
  maxBytes: number;
}

function corrupt(partition: number, why: string): LakeshiftError {
  return new LakeshiftError(
    SqlState.dataCorrupted,
    `corrupt Kafka record batch in partition ${partition}: ${why}`,
  );
}

/**
 * One record batch as it arrived: its bytes in order, in one piece or in several (the socket
 * chunks it straddled). Records are views of these pieces; only a record that straddles two
 * pieces is copied.
 */
export type BatchPieces = readonly Buffer[];

/**
 * Takes the records of `batches` — one partition's record batches from a Fetch response, in
 * order — that lie in [t.pos, t.end), within the limits, into `t`, moving `t.pos` past what was
 * taken and past offsets without data (control batches, aborted transactions, compacted gaps).
 * Batches begin at the batch holding the fetch offset, so records before `t.pos` are skipped.
 * `aborted` is the response's aborted-transaction list (READ_COMMITTED), null when there is
 * none. Returns false once the partition is full or at its end.
 */
export function takeRecords(
  batches: readonly BatchPieces[],
  t: PartitionTake,
  limits: TakeLimits,
  aborted: readonly AbortedTransaction[] | null,
): boolean {
  // READ_COMMITTED as Kafka's consumer does it: a producer's batches are dropped from the first
  // offset of its aborted transaction until its ABORT marker.
  const pending = aborted && aborted.length > 0 ? [...aborted].sort(byFirstOffset) : null;
  const abortedProducers = new Set<bigint>();
  for (const pieces of batches) {
    const head = batchHead(pieces, t.partition);
    const magic = head[MAGIC_AT];
    if (magic !== 2) {
      throw new LakeshiftError(
        SqlState.featureNotSupported,
        `Kafka message format v${magic} (before Kafka 0.11) is not supported`,
        { detail: `partition ${t.partition}` },
      );
    }
    const base = head.readBigInt64BE(0);
    const last = base + BigInt(head.readInt32BE(23));
    const attributes = head.readInt16BE(ATTRIBUTES_AT);
    if (last < t.pos) continue; // wholly before the position
    if (base >= t.end) return false;

    let skip = (attributes & CONTROL) !== 0;
    if (pending !== null && (attributes & TRANSACTIONAL) !== 0) {
      const producerId = head.readBigInt64BE(43);
      while (pending.length > 0 && pending[0]!.firstOffset <= last) {
        abortedProducers.add(pending.shift()!.producerId);
      }
      if ((attributes & CONTROL) !== 0) {
        if (controlType(whole(pieces), t.partition) === ABORT_MARKER) {
          abortedProducers.delete(producerId);
        }
      } else if (abortedProducers.has(producerId)) skip = true;
    }
    if (!skip && !takeBatch(pieces, head, attributes, base, t, limits)) return false;
    // Offsets the batch covers past its last record (compaction, markers, aborted data).
    if (last + 1n > t.pos) t.pos = last + 1n < t.end ? last + 1n : t.end;
    if (t.pos >= t.end) return false;
  }
  return true;
}

/** Splits contiguous record batches (a log segment's bytes) into whole batches, one piece
 *  each; a trailing partial batch is left out. */
export function splitBatches(data: Buffer): BatchPieces[] {
  const out: BatchPieces[] = [];
  for (let at = 0; data.length - at >= 12;) {
    const size = data.readInt32BE(at + 8) + 12;
    if (size < HEADER_SIZE || at + size > data.length) break;
    out.push([data.subarray(at, (at += size))]);
  }
  return out;
}

/** A batch's first and last offsets and its size, from its header. */
export function batchSpan(pieces: BatchPieces): { base: bigint; last: bigint; size: number } {
  const first = pieces[0]!;
  const head = first.length >= 27 ? first : Buffer.concat(pieces, 27);
  const base = head.readBigInt64BE(0);
  return { base, last: base + BigInt(head.readInt32BE(23)), size: head.readInt32BE(8) + 12 };
}

function byFirstOffset(a: AbortedTransaction, b: AbortedTransaction): number {
  return a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0;
}

function whole(pieces: BatchPieces): Buffer {
  return pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces);
}

/** The batch's 61-byte header, checked against the batch's size. */
function batchHead(pieces: BatchPieces, partition: number): Buffer {
  let size = 0;
  for (const p of pieces) size += p.length;
  const first = pieces[0];
  const head =
    first !== undefined && first.length >= HEADER_SIZE
      ? first
      : Buffer.concat(pieces, Math.min(size, HEADER_SIZE));
  if (head.length < HEADER_SIZE || head.readInt32BE(8) + 12 !== size)
    throw corrupt(partition, `batch of ${size} bytes`);
  return head;
}

/** The type of a control batch's marker (its one record's key: version int16, type int16). */
function controlType(batch: Buffer, partition: number): number {
  cursor = HEADER_SIZE;
  const end = varint(batch) + cursor;
  cursor += 1; // attributes
  varint(batch); // timestamp delta
  varint(batch); // offset delta
  const keyLength = varint(batch);
  if (keyLength < 4 || cursor + keyLength > end || end > batch.length)
    throw corrupt(partition, 'control record without a key');
  return batch.readInt16BE(cursor + 2);
}

/** The records section of a compressed batch, decompressed. */
function decompress(body: Buffer, codec: number, partition: number): Buffer {
  if (codec === 1) return gunzipSync(body);
  if (codec === 2) return unsnappy(body);
  const algorithm = compressionsAlgorithmsByBitmask[codec];
  if (algorithm === undefined || !algorithm.available) {
    throw new LakeshiftError(
      SqlState.featureNotSupported,
      `Kafka compression codec ${codec}${codec === 4 ? ' (zstd)' : ''} is not supported by this Node.js`,
      { detail: `partition ${partition}` },
    );
  }
  return algorithm.decompressSync(body) as Buffer;
}

/** xerial snappy framing (what Java producers write): magic, version, then [int32 size, block]. */
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);

function unsnappy(body: Buffer): Buffer {
  const snappy = compressionsAlgorithmsByBitmask[2]!;
  if (body.length < 16 || !body.subarray(0, 8).equals(XERIAL_MAGIC))
    return snappy.decompressSync(body) as Buffer;
  const blocks: Buffer[] = [];
  for (let at = 16; at + 4 <= body.length;) {
    const n = body.readInt32BE(at);
    blocks.push(snappy.decompressSync(body.subarray(at + 4, at + 4 + n)) as Buffer);
    at += 4 + n;
  }
  return Buffer.concat(blocks);
}

/** Takes one data batch's records; false once the partition is full or at its end. */
function takeBatch(
  pieces: BatchPieces,
  head: Buffer,
  attributes: number,
  base: bigint,
  t: PartitionTake,
  limits: TakeLimits,
): boolean {
  const partition = t.partition;
  const count = head.readInt32BE(57);
  const logAppend = (attributes & LOG_APPEND_TIME) !== 0;
  const timestampType = logAppend ? 1 : 0;
  // Offsets and timestamps as numbers while they are exact (always, in practice), bigint else.
  const baseNum = Number(base);
  const exactOffsets = Number.isSafeInteger(baseNum + 2 ** 31);
  const baseTimestamp = head.readBigInt64BE(logAppend ? 35 : 27);
  const baseTsNum = Number(baseTimestamp);
  const exactTimestamps = Number.isSafeInteger(baseTsNum) && Math.abs(baseTsNum) < 2 ** 52;
  const pos = t.pos;
  const end = t.end;
  const records = t.records;
  const { maxRecords, maxBytes } = limits;

  // The records section as pieces, and where reading stands in them (piece `si`, offset `at`).
  const codec = attributes & COMPRESSION;
  const segs: BatchPieces =
    codec === 0 ? pieces : [decompress(whole(pieces).subarray(HEADER_SIZE), codec, partition)];
  let si = 0;
  let seg = segs[0]!;
  let at = codec === 0 ? HEADER_SIZE : 0;
  // The last record taken: t.pos moves past it when the batch is left (a bigint per record
  // otherwise).
  let taken: bigint | undefined;

  for (let i = 0; i < count; i++) {
    while (at >= seg.length) {
      at -= seg.length;
      const next = segs[++si];
      if (next === undefined) throw corrupt(partition, `${count} records announced, ${i} found`);
      seg = next;
    }
    // The record as [buf, recordStart, recordEnd): a view of the piece it lies in, or a copy
    // when it straddles two pieces.
    let buf = seg;
    let recordEnd: number;
    cursor = at;
    const quick = seg.length - at >= 5 ? varint(seg) : -1;
    if (quick >= 0 && cursor + quick <= seg.length) {
      recordEnd = cursor + quick;
      at = recordEnd;
    } else {
      // Gather the record's bytes across pieces: its length first (at most 5 bytes).
      const peek = gather(segs, si, at, 5);
      cursor = 0;
      const length = varint(peek);
      const size = cursor + length;
      if (length < 0) throw corrupt(partition, 'negative record length');
      buf = gather(segs, si, at, size);
      if (buf.length < size) throw corrupt(partition, 'record truncated');
      recordEnd = size;
      for (at += size; si < segs.length - 1 && at >= seg.length; seg = segs[++si]!)
        at -= seg.length;
    }
    if (recordEnd > buf.length) throw corrupt(partition, 'record truncated');
    cursor += 1; // record attributes (unused)
    const tsDelta = varint(buf);
    const offsetDelta = varint(buf);
    const offset = exactOffsets ? BigInt(baseNum + offsetDelta) : base + BigInt(offsetDelta);
    if (offset < pos) continue; // before the position, in the batch Kafka returned whole
    if (offset >= end || records.length >= maxRecords || t.bytes >= maxBytes) {
      if (taken !== undefined) t.pos = taken + 1n;
      return false;
    }
    let size = 0;
    let key: Buffer | null = null;
    let n = varint(buf);
    if (n >= 0) {
      key = buf.subarray(cursor, (cursor += n));
      size += n;
    }
    let value: Buffer | null = null;
    n = varint(buf);
    if (n >= 0) {
      value = buf.subarray(cursor, (cursor += n));
      size += n;
    }
    let headers = NO_HEADERS;
    const headerCount = varint(buf);
    if (headerCount > 0) {
      const list: { key: string; value: Buffer | null }[] = [];
      for (let h = 0; h < headerCount; h++) {
        n = varint(buf);
        const hk = n > 0 ? buf.toString('utf8', cursor, (cursor += n)) : '';
        if (n > 0) size += n;
        n = varint(buf);
        let hv: Buffer | null = null;
        if (n >= 0) {
          hv = buf.subarray(cursor, (cursor += n));
          size += n;
        }
        list.push({ key: hk, value: hv });
      }
      headers = list;
    }
    if (cursor > recordEnd)
      throw corrupt(partition, `record at offset ${offset} overruns its length`);
    records.push({
      kind: 'kafka',
      partition,
      offset,
      timestampType,
      timestamp:
        logAppend || tsDelta === 0
          ? baseTimestamp
          : exactTimestamps && tsDelta < 2 ** 31 && tsDelta > -(2 ** 31)
            ? BigInt(baseTsNum + tsDelta)
            : baseTimestamp + BigInt(tsDelta),
      key,
      value,
      headers,
    });
    t.bytes += size;
    taken = offset;
  }
  if (taken !== undefined) t.pos = taken + 1n;
  return true;
}

/** Up to `n` bytes from piece `si` offset `at` on, copied into one buffer. */
function gather(segs: BatchPieces, si: number, at: number, n: number): Buffer {
  const out = Buffer.allocUnsafe(n);
  let got = 0;
  for (let i = si, off = at; got < n && i < segs.length; i++, off = 0) {
    const s = segs[i]!;
    const k = Math.min(n - got, s.length - off);
    if (k > 0) got += s.copy(out, got, off, off + k);
  }
  return got < n ? out.subarray(0, got) : out;
}

/** Read position of `varint`: module state, so the hot loop needs no objects for it. */
let cursor = 0;

/** The headers of the (usual) record that has none: one array for all of them. */
const NO_HEADERS: KafkaStreamRecord['headers'] = Object.freeze([]);

/** A zigzag varint (or varlong) at `cursor` of `buf`; moves the cursor past it. */
function varint(buf: Buffer): number {
  let b = buf[cursor++]!;
  let raw = b & 0x7f;
  if (b >= 0x80) {
    b = buf[cursor++]!;
    raw |= (b & 0x7f) << 7;
    if (b >= 0x80) {
      b = buf[cursor++]!;
      raw |= (b & 0x7f) << 14;
      if (b >= 0x80) {
        b = buf[cursor++]!;
        raw |= (b & 0x7f) << 21;
        if (b >= 0x80) return longVarint(buf, raw);
      }
    }
  }
  return (raw >>> 1) ^ -(raw & 1);
}

/** The rest of a varint longer than 4 bytes (a varlong), exact up to 2^53. */
function longVarint(buf: Buffer, low: number): number {
  let raw = low;
  let scale = 2 ** 28;
  for (;;) {
    const b = buf[cursor++];
    if (b === undefined) throw new RangeError('varint truncated');
    raw += (b & 0x7f) * scale;
    if (b < 0x80) break;
    scale *= 128;
    if (scale > 2 ** 63) throw new RangeError('varint longer than 10 bytes');
  }
  return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
}
