// The record batch decoder (kafka-batches.ts) against batches written by @platformatic/kafka's
// own encoder (what its Producer sends): every field of a record, null keys and values,
// headers, the compression codecs, a read that starts inside a batch, the limits, a batch cut
// into the socket chunks it arrived in, READ_COMMITTED over aborted transactions and control
// batches, and corrupt input.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  compressionsAlgorithms,
  createRecordsBatch,
  type CompressionAlgorithmValue,
  type MessageRecord,
} from '@platformatic/kafka';
import { isLakeshiftError, SqlState } from '../../common/errors.js';
import {
  splitBatches,
  takeRecords,
  type AbortedTransaction,
  type BatchPieces,
  type PartitionTake,
} from './kafka-batches.js';
import type { KafkaStreamRecord } from './types.js';

const ALL = { maxRecords: 1_000_000, maxBytes: 1 << 30 };
const ATTRIBUTES_AT = 21;

interface BatchOptions {
  baseOffset?: bigint;
  compression?: CompressionAlgorithmValue;
  producerId?: bigint;
  transactional?: boolean;
  control?: boolean;
}

/** One batch as the library's Producer encodes it, at `baseOffset` (the broker assigns it). */
function batch(messages: Array<Omit<MessageRecord, 'topic'>>, opts: BatchOptions = {}): Buffer {
  const buf = createRecordsBatch(
    messages.map((m) => ({ ...m, topic: 't' })),
    {
      compression: opts.compression ?? 'none',
      ...(opts.producerId !== undefined ? { producerId: opts.producerId, producerEpoch: 0 } : {}),
      ...(opts.transactional ? { transactionalId: 'tx' } : {}),
    },
  ).buffer;
  buf.writeBigInt64BE(opts.baseOffset ?? 0n, 0);
  // A control batch is written by the transaction coordinator, never by a producer: mark it.
  if (opts.control) buf.writeInt16BE(buf.readInt16BE(ATTRIBUTES_AT) | 0b11_0000, ATTRIBUTES_AT);
  return buf;
}

/** A transaction marker: a control batch whose one record's key is version 0 + type. */
function marker(offset: bigint, producerId: bigint, type: 'abort' | 'commit'): Buffer {
  const key = Buffer.from([0, 0, 0, type === 'abort' ? 0 : 1]);
  return batch([{ key, value: Buffer.from([0, 0, 0, 0, 0, 0]) }], {
    baseOffset: offset,
    producerId,
    transactional: true,
    control: true,
  });
}

function take(
  data: Buffer | BatchPieces[],
  from = 0n,
  end = 1n << 40n,
  limits = ALL,
  aborted: AbortedTransaction[] | null = null,
): PartitionTake & { done: boolean } {
  const t: PartitionTake = { partition: 3, pos: from, end, records: [], bytes: 0 };
  const more = takeRecords(Buffer.isBuffer(data) ? splitBatches(data) : data, t, limits, aborted);
  return { ...t, done: !more };
}

const offsets = (t: PartitionTake) => t.records.map((r) => Number(r.offset));
const values = (t: PartitionTake) => t.records.map((r) => r.value?.toString() ?? null);

function numbered(from: number, count: number, ts = 1_700_000_000_000n) {
  return Array.from({ length: count }, (_, i) => ({
    key: Buffer.from(`k${from + i}`),
    value: Buffer.from(`v${from + i}`),
    timestamp: ts + BigInt(i),
  }));
}

describe('takeRecords', () => {
  test('decodes every field of what the Producer writes: keys, values, headers, timestamps', () => {
    const data = batch(
      [
        {
          key: Buffer.from('order-9'),
          value: Buffer.from('{"total":12.5}'),
          // header keys in UTF-8, an empty value and a null one, in the record's order
          headers: new Map<Buffer, Buffer>([
            [Buffer.from('trace-id'), Buffer.from('abc')],
            [Buffer.from('größe'), Buffer.alloc(0)],
            [Buffer.from('none'), null as unknown as Buffer],
          ]),
          timestamp: 1_700_000_000_123n,
        },
        // the library writes an absent key as null, and a null value is a tombstone
        { value: null as unknown as Buffer, timestamp: 1_699_999_999_000n },
        { key: Buffer.alloc(0), value: Buffer.from('é'), timestamp: 1_700_000_000_124n },
      ],
      { baseOffset: 40n },
    );
    const t = take(data, 40n);
    assert.deepEqual(t.records, [
      {
        kind: 'kafka',
        partition: 3,
        offset: 40n,
        timestampType: 0,
        timestamp: 1_700_000_000_123n,
        key: Buffer.from('order-9'),
        value: Buffer.from('{"total":12.5}'),
        headers: [
          { key: 'trace-id', value: Buffer.from('abc') },
          { key: 'größe', value: Buffer.alloc(0) },
          { key: 'none', value: null },
        ],
      },
      {
        kind: 'kafka',
        partition: 3,
        offset: 41n,
        timestampType: 0,
        timestamp: 1_699_999_999_000n, // a negative delta from the batch's first timestamp
        key: null,
        value: null,
        headers: [],
      },
      {
        kind: 'kafka',
        partition: 3,
        offset: 42n,
        timestampType: 0,
        timestamp: 1_700_000_000_124n,
        key: Buffer.alloc(0),
        value: Buffer.from('é'),
        headers: [],
      },
    ]);
    assert.equal(t.pos, 43n);
    // bytes of keys, values and headers (the UTF-8 bytes of header keys)
    assert.equal(t.bytes, 7 + 14 + (8 + 3) + 7 + 4 + 0 + 2);
  });

  test('keys and values are views of the fetched bytes, not copies', () => {
    const data = batch([{ key: Buffer.from('k'), value: Buffer.from('value') }]);
    const [rec] = take(data).records as KafkaStreamRecord[];
    assert.equal(rec!.value!.buffer, data.buffer);
  });

  test('LogAppendTime batches give every record the broker time, type 1', () => {
    const data = batch(numbered(0, 3));
    data.writeInt16BE(data.readInt16BE(ATTRIBUTES_AT) | 0b1000, ATTRIBUTES_AT);
    data.writeBigInt64BE(1_800_000_000_000n, 35); // maxTimestamp: the broker's clock
    const t = take(data);
    assert.deepEqual(
      t.records.map((r) => [r.timestampType, r.timestamp]),
      Array(3).fill([1, 1_800_000_000_000n]),
    );
  });

  for (const codec of ['gzip', 'snappy', 'lz4', 'zstd'] as const) {
    const available = compressionsAlgorithms[codec].available;
    test(`${codec}-compressed batches read like uncompressed ones${available ? '' : ' (0A000 on this Node.js)'}`, () => {
      const messages = numbered(0, 50).map((m, i) => ({
        ...m,
        value: Buffer.from(`${m.value.toString()}-${'x'.repeat(i * 10)}`),
        headers: new Map([[Buffer.from('h'), Buffer.from(String(i))]]),
      }));
      const plain = take(batch(messages, { baseOffset: 100n }), 110n);
      if (!available) {
        // this Node.js cannot compress it either: a batch marked with the codec
        const marked = batch(messages, { baseOffset: 100n });
        const bits = compressionsAlgorithms[codec].bitmask;
        marked.writeInt16BE(marked.readInt16BE(ATTRIBUTES_AT) | bits, ATTRIBUTES_AT);
        assert.throws(
          () => take(marked, 110n),
          (e: unknown) => isLakeshiftError(e) && e.sqlstate === SqlState.featureNotSupported,
        );
        return;
      }
      const compressed = take(batch(messages, { baseOffset: 100n, compression: codec }), 110n);
      assert.deepEqual(compressed.records, plain.records);
      assert.equal(compressed.records.length, 40);
      assert.equal(compressed.pos, 150n);
    });
  }

  test('a read from inside a batch skips the records before the position; the end is exclusive', () => {
    const data = Buffer.concat([
      batch(numbered(0, 10), { baseOffset: 0n }),
      batch(numbered(10, 10), { baseOffset: 10n }),
      batch(numbered(20, 10), { baseOffset: 20n }),
    ]);
    const t = take(data, 7n, 25n);
    assert.deepEqual(
      offsets(t),
      Array.from({ length: 18 }, (_, i) => 7 + i),
    );
    assert.equal(t.pos, 25n);
    assert.equal(t.done, true);
  });

  test('maxRecords and maxBytes stop inside a batch, at the record that reaches them', () => {
    const data = Buffer.concat([
      batch(numbered(0, 10)),
      batch(numbered(10, 10), { baseOffset: 10n }),
    ]);
    const byCount = take(data, 3n, undefined, { maxRecords: 12, maxBytes: 1 << 30 });
    assert.deepEqual(
      offsets(byCount),
      Array.from({ length: 12 }, (_, i) => 3 + i),
    );
    assert.equal(byCount.pos, 15n);
    assert.equal(byCount.done, true);
    // records 0-9 are 4 bytes of key and value, later ones 6: the one that passes 30 is the last
    const byBytes = take(data, 0n, undefined, { maxRecords: 100, maxBytes: 30 });
    assert.deepEqual(offsets(byBytes), [0, 1, 2, 3, 4, 5, 6, 7]);
    assert.equal(byBytes.pos, 8n);
  });

  test('a trailing partial batch is left for the next fetch', () => {
    const whole = batch(numbered(0, 5));
    const next = batch(numbered(5, 5), { baseOffset: 5n });
    const t = take(Buffer.concat([whole, next.subarray(0, next.length - 3)]));
    assert.deepEqual(offsets(t), [0, 1, 2, 3, 4]);
    assert.equal(t.pos, 5n);
    assert.equal(t.done, false);
  });

  test('a batch cut into socket chunks anywhere decodes the same (records straddling chunks)', () => {
    const messages = numbered(0, 30).map((m, i) => ({
      ...m,
      value: Buffer.from(`${m.value.toString()}:${'y'.repeat(i * 37)}`),
      headers: new Map([[Buffer.from(`h${i}`), Buffer.from('z'.repeat(i))]]),
    }));
    const data = batch(messages, { baseOffset: 1000n });
    const expected = take(data, 1003n).records;
    for (const piece of [1, 2, 3, 5, 7, 13, 61, 64, 100, 997]) {
      const pieces: Buffer[] = [];
      for (let at = 0; at < data.length; at += piece) pieces.push(data.subarray(at, at + piece));
      const t = take([pieces], 1003n);
      assert.deepEqual(t.records, expected, `pieces of ${piece} bytes`);
      assert.equal(t.pos, 1030n);
    }
  });

  test('READ_COMMITTED: aborted transactions are dropped, committed ones kept, markers skipped', () => {
    const data = Buffer.concat([
      batch(numbered(0, 3), { baseOffset: 0n, producerId: 7n, transactional: true }),
      batch(numbered(3, 2), { baseOffset: 3n, producerId: 8n, transactional: true }),
      marker(5n, 7n, 'abort'),
      marker(6n, 8n, 'commit'),
      batch(numbered(7, 2), { baseOffset: 7n }),
      // producer 7 again, after its abort: a new transaction, committed
      batch(numbered(9, 1), { baseOffset: 9n, producerId: 7n, transactional: true }),
      marker(10n, 7n, 'commit'),
    ]);
    const committed = take(data, 0n, undefined, ALL, [{ producerId: 7n, firstOffset: 0n }]);
    assert.deepEqual(offsets(committed), [3, 4, 7, 8, 9]);
    assert.deepEqual(values(committed), ['v3', 'v4', 'v7', 'v8', 'v9']);
    assert.equal(committed.pos, 11n);
    // without the aborted list (READ_UNCOMMITTED) only the markers are left out
    assert.deepEqual(offsets(take(data)), [0, 1, 2, 3, 4, 7, 8, 9]);
  });

  test('a read that ends on a control batch moves past it', () => {
    const data = Buffer.concat([
      batch(numbered(0, 2), { producerId: 8n, transactional: true }),
      marker(2n, 8n, 'commit'),
    ]);
    const t = take(data, 0n, 3n);
    assert.deepEqual(offsets(t), [0, 1]);
    assert.equal(t.pos, 3n);
    assert.equal(t.done, true);
  });

  test('corrupt input is XX001, an old message format 0A000', () => {
    const data = batch(numbered(0, 3));
    const cut = Buffer.from(data);
    cut.writeInt32BE(5, 57); // claims 5 records, holds 3
    assert.throws(
      () => take(cut),
      (e: unknown) => isLakeshiftError(e) && e.sqlstate === SqlState.dataCorrupted,
    );
    const overrun = Buffer.from(data);
    overrun[61] = 0x7e; // the first record's length, past the batch
    assert.throws(
      () => take(overrun),
      (e: unknown) => isLakeshiftError(e) && e.sqlstate === SqlState.dataCorrupted,
    );
    const v1 = Buffer.from(data);
    v1[16] = 1;
    assert.throws(
      () => take(v1),
      (e: unknown) =>
        isLakeshiftError(e) &&
        e.sqlstate === SqlState.featureNotSupported &&
        e.message.includes('v1'),
    );
  });
});
