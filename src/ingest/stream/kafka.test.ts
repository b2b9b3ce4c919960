// The Kafka reader against the Kafka-wire-protocol test broker (test/fixtures/kafka-broker), with
// @platformatic/kafka's Producer writing: partitions and record fields (keys, tombstones,
// headers, both timestamp types), reads that start inside a record batch, limits, positions
// carried from read to read while a producer keeps writing, one Fetch per broker, retention, a
// broker that goes away and comes back, and the errors a user sees.

import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Producer, type MessageToProduce } from '@platformatic/kafka';
import { isLakeshiftError, SqlState } from '../../common/errors.js';
import { rejectsWith } from '../../../test/support/sqlstate.js';
import { TestKafkaBroker } from '../../../test/fixtures/kafka-broker/index.js';
import { KafkaStreamReader, parseBrokers, type KafkaReaderOptions } from './kafka.js';
import type { KafkaStreamRecord, PartitionBatch, ReadLimits, StreamPosition } from './types.js';

const ALL: ReadLimits = { maxRecords: 1_000_000, maxBytes: 1 << 30 };

let broker: TestKafkaBroker;
let producer: Producer<Buffer, Buffer, Buffer, Buffer>;
let topics = 0;

before(async () => {
  broker = await TestKafkaBroker.start();
  producer = new Producer({ clientId: 'test-producer', bootstrapBrokers: broker.bootstrapBrokers });
});
after(async () => {
  await producer.close();
  await broker.stop();
  assert.deepEqual(broker.protocolErrors, []);
});

/** A fresh topic per test: tests share the broker, not their data. */
function newTopic(partitions: number, opts: { logAppendTime?: boolean } = {}): string {
  const name = `topic-${++topics}`;
  broker.createTopic(name, partitions, opts);
  return name;
}

function reader(opts: Partial<KafkaReaderOptions> = {}, on = broker): KafkaStreamReader {
  return new KafkaStreamReader({ brokers: on.bootstrap, clientId: 'test-reader', ...opts });
}

/** `count` records per partition in one send (one batch per partition), values "p<partition>-<n>". */
async function produce(
  topic: string,
  partitions: number[],
  count: number,
  from = 0,
): Promise<void> {
  const messages: MessageToProduce<Buffer, Buffer, Buffer, Buffer>[] = [];
  for (const partition of partitions) {
    for (let i = from; i < from + count; i++) {
      messages.push({
        topic,
        partition,
        key: Buffer.from(`k${i}`),
        value: Buffer.from(`p${partition}-${i}`),
      });
    }
  }
  await producer.send({ messages });
}

function positions(partitions: number, at?: string): Map<string, StreamPosition> {
  return new Map(Array.from({ length: partitions }, (_, i) => [String(i), at]));
}

/** Positions by partition: at(['0', '3'], ['1', '50']). */
function at(...entries: Array<[string, StreamPosition]>): Map<string, StreamPosition> {
  return new Map(entries);
}

function batchOf(batches: PartitionBatch[], partition: number): PartitionBatch {
  const b = batches.find((x) => x.partition === String(partition));
  assert.ok(b, `no batch for partition ${partition}`);
  return b;
}

const kafka = (b: PartitionBatch) => b.records as KafkaStreamRecord[];
const offsets = (b: PartitionBatch) => kafka(b).map((r) => Number(r.offset));
const values = (b: PartitionBatch) => kafka(b).map((r) => r.value?.toString() ?? null);
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('KafkaStreamReader', () => {
  test('lists partitions in order; an unknown topic is 42704 naming it', async () => {
    const topic = newTopic(4);
    const r = reader();
    try {
      assert.deepEqual(await r.partitions(topic), ['0', '1', '2', '3']);
      await rejectsWith(r.partitions('no-such-topic'), SqlState.undefinedObject, '"no-such-topic"');
      await rejectsWith(
        r.read('no-such-topic', positions(1), ALL),
        SqlState.undefinedObject,
        '"no-such-topic"',
      );
      await rejectsWith(r.read(topic, at(['4', undefined]), ALL), SqlState.undefinedObject, '"4"');
      await rejectsWith(
        r.read(topic, at(['0', 'ten']), ALL),
        SqlState.invalidParameterValue,
        '"ten"',
      );
    } finally {
      await r.close();
    }
  });

  test('records carry partition, offset, key, tombstones, headers and CreateTime', async () => {
    const topic = newTopic(4);
    await producer.send({
      messages: [
        {
          topic,
          partition: 2,
          key: Buffer.from('user-1'),
          value: Buffer.from('{"a":1}'),
          headers: new Map([
            [Buffer.from('trace'), Buffer.from('t-1')],
            [Buffer.from('empty'), Buffer.alloc(0)],
          ]),
          timestamp: 1_700_000_000_123n,
        },
        {
          topic,
          partition: 2,
          key: Buffer.from('user-1'),
          value: null as unknown as Buffer,
          timestamp: 1_700_000_000_456n,
        },
        { topic, partition: 3, value: Buffer.from('no key'), timestamp: 1_700_000_000_789n },
      ],
    });
    const r = reader();
    try {
      const got = await r.read(topic, positions(4), ALL);
      assert.deepEqual(
        got.map((b) => [b.partition, b.records.length, b.next]),
        [
          ['0', 0, '0'],
          ['1', 0, '0'],
          ['2', 2, '2'],
          ['3', 1, '1'],
        ],
      );
      const [first, tombstone] = batchOf(got, 2).records as KafkaStreamRecord[];
      assert.deepEqual(first, {
        kind: 'kafka',
        partition: 2,
        offset: 0n,
        timestampType: 0,
        timestamp: 1_700_000_000_123n,
        key: Buffer.from('user-1'),
        value: Buffer.from('{"a":1}'),
        headers: [
          { key: 'trace', value: Buffer.from('t-1') },
          { key: 'empty', value: Buffer.alloc(0) },
        ],
      });
      assert.equal(tombstone!.offset, 1n);
      assert.equal(tombstone!.value, null);
      assert.equal(tombstone!.timestamp, 1_700_000_000_456n);
      const noKey = batchOf(got, 3).records[0] as KafkaStreamRecord;
      assert.equal(noKey.key, null);
      assert.equal(noKey.value?.toString(), 'no key');
    } finally {
      await r.close();
    }
  });

  test('a LogAppendTime topic gives the broker time, timestamp type 1', async () => {
    const topic = newTopic(1, { logAppendTime: true });
    broker.setClock(() => 1_800_000_000_000n);
    try {
      await producer.send({
        messages: [{ topic, partition: 0, value: Buffer.from('x'), timestamp: 5n }],
      });
    } finally {
      broker.setClock(() => BigInt(Date.now()));
    }
    const r = reader();
    try {
      const [rec] = batchOf(await r.read(topic, positions(1), ALL), 0)
        .records as KafkaStreamRecord[];
      assert.equal(rec!.timestampType, 1);
      assert.equal(rec!.timestamp, 1_800_000_000_000n);
    } finally {
      await r.close();
    }
  });

  test('a read from inside a record batch skips the batch records before the position', async () => {
    const topic = newTopic(1);
    await produce(topic, [0], 10);
    assert.equal(broker.batchCount(topic, 0), 1, 'the ten records are one batch');
    const r = reader();
    try {
      const b = batchOf(await r.read(topic, at(['0', '4']), ALL), 0);
      assert.deepEqual(offsets(b), range(4, 10));
      assert.deepEqual(
        values(b),
        range(4, 10).map((i) => `p0-${i}`),
      );
      assert.equal(b.next, '10');
    } finally {
      await r.close();
    }
  });

  test('a position at or past the end reads nothing and keeps the position', async () => {
    const topic = newTopic(2);
    await produce(topic, [0, 1], 3);
    const r = reader();
    try {
      const got = await r.read(topic, at(['0', '3'], ['1', '50']), ALL);
      assert.deepEqual(
        got.map((b) => [b.partition, b.records.length, b.next]),
        [
          ['0', 0, '3'],
          ['1', 0, '50'],
        ],
      );
    } finally {
      await r.close();
    }
  });

  test('maxRecords and maxBytes stop each partition; later reads go on without gaps', async () => {
    const topic = newTopic(4);
    for (let i = 0; i < 5; i++) await produce(topic, [0, 1, 2, 3], 10, i * 10); // 5 batches of 10
    const r = reader();
    try {
      const first = await r.read(topic, positions(4), { maxRecords: 7, maxBytes: 1 << 30 });
      for (const b of first) {
        assert.deepEqual(offsets(b), range(0, 7));
        assert.equal(b.next, '7');
      }
      // records 7-9 are 6 bytes of key and value, later ones 8: the 14th record (7..20) takes
      // the read to 106 bytes, past 100, and is the last
      const second = await r.read(topic, new Map(first.map((b) => [b.partition, b.next])), {
        maxRecords: 1000,
        maxBytes: 100,
      });
      for (const b of second) {
        assert.deepEqual(offsets(b), range(7, 21));
        assert.equal(b.next, '21');
      }
      const rest = await r.read(topic, new Map(second.map((b) => [b.partition, b.next])), ALL);
      for (const b of rest) {
        const seen = [
          ...offsets(batchOf(first, Number(b.partition))),
          ...offsets(batchOf(second, Number(b.partition))),
          ...offsets(b),
        ];
        assert.deepEqual(seen, range(0, 50));
        assert.equal(b.next, '50');
      }
    } finally {
      await r.close();
    }
  });

  test('positions carried from read to read while a producer writes: no loss, no duplicates', async () => {
    const topic = newTopic(4);
    const total = 600;
    let produced = 0;
    const writing = (async () => {
      while (produced < total) {
        const n = 1 + (produced % 7);
        const messages = Array.from({ length: Math.min(n, total - produced) }, (_, i) => {
          const seq = produced + i;
          return {
            topic,
            partition: seq % 4,
            key: Buffer.from(`k${seq}`),
            value: Buffer.from(`seq-${seq}`),
          };
        });
        await producer.send({ messages });
        produced += messages.length;
      }
    })();
    const r = reader();
    const seen = new Map<string, string[]>();
    let pos = positions(4);
    try {
      let done = false;
      for (let reads = 0; reads < 10_000; reads++) {
        if (done && [...seen.values()].reduce((n, v) => n + v.length, 0) === total) break;
        done = produced >= total;
        const got = await r.read(topic, pos, { maxRecords: 25, maxBytes: 1 << 30 });
        for (const b of got) {
          const before = Number(pos.get(b.partition) ?? '0');
          assert.deepEqual(
            offsets(b),
            range(before, before + b.records.length),
            `partition ${b.partition} contiguous`,
          );
          seen.set(b.partition, [...(seen.get(b.partition) ?? []), ...(values(b) as string[])]);
        }
        pos = new Map(got.map((b) => [b.partition, b.next]));
      }
      await writing;
      for (let p = 0; p < 4; p++) {
        const want = range(0, total)
          .filter((s) => s % 4 === p)
          .map((s) => `seq-${s}`);
        assert.deepEqual(seen.get(String(p)), want, `partition ${p}`);
      }
    } finally {
      await writing;
      await r.close();
    }
  });

  test('gzip, snappy and lz4 batches from the Producer read like uncompressed ones', async () => {
    const topic = newTopic(4);
    const codecs = ['none', 'gzip', 'snappy', 'lz4'] as const;
    for (const [p, compression] of codecs.entries()) {
      await producer.send({
        messages: range(0, 30).map((i) => ({
          topic,
          partition: p,
          key: Buffer.from(`k${i}`),
          value: Buffer.from(`${i}:${'v'.repeat(i * 20)}`),
          headers: new Map([[Buffer.from('codec'), Buffer.from(compression)]]),
        })),
        compression,
      });
    }
    const r = reader();
    try {
      const got = await r.read(topic, positions(4, '5'), ALL);
      for (const [p, compression] of codecs.entries()) {
        const b = batchOf(got, p);
        assert.deepEqual(offsets(b), range(5, 30), compression);
        assert.deepEqual(
          values(b),
          range(5, 30).map((i) => `${i}:${'v'.repeat(i * 20)}`),
          compression,
        );
        assert.deepEqual(
          kafka(b).map((rec) => rec.headers[0]?.value?.toString()),
          Array(25).fill(compression),
        );
        assert.equal(b.next, '30');
      }
    } finally {
      await r.close();
    }
  });

  test('a read over many fetches keeps every byte: values across socket chunks, limits inside a prefetch', async () => {
    const topic = newTopic(2);
    // 40 batches of 10 records of ~3-9 KB per partition: far more than one 64 KiB fetch, and
    // values that straddle the 64 KiB chunks a response arrives in
    const value = (p: number, i: number) => `${p}/${i}/${'abcdefgh'.repeat(400 + (i % 7) * 100)}`;
    for (let p = 0; p < 2; p++) {
      for (let b = 0; b < 40; b++) {
        broker.append(
          topic,
          p,
          range(b * 10, b * 10 + 10).map((i) => ({ key: `k${i}`, value: value(p, i) })),
        );
      }
    }
    const r = reader({ maxPartitionFetchBytes: 64 * 1024 });
    try {
      const before = broker.requestCount('Fetch');
      // a byte limit that falls inside the batches fetched ahead of time
      const first = await r.read(topic, positions(2), { maxRecords: 1000, maxBytes: 500_000 });
      assert.ok(broker.requestCount('Fetch') - before > 4, 'several fetches per partition');
      const rest = await r.read(topic, new Map(first.map((b) => [b.partition, b.next])), {
        maxRecords: 222,
        maxBytes: 1 << 30,
      });
      const last = await r.read(topic, new Map(rest.map((b) => [b.partition, b.next])), ALL);
      for (let p = 0; p < 2; p++) {
        const parts = [first, rest, last].map((g) => batchOf(g, p));
        assert.ok(parts[0]!.records.length < 100, `read 1 stopped by maxBytes (partition ${p})`);
        assert.equal(parts[1]!.records.length, 222);
        assert.deepEqual(parts.flatMap(offsets), range(0, 400), `partition ${p} offsets`);
        assert.deepEqual(
          parts.flatMap(values),
          range(0, 400).map((i) => value(p, i)),
          `partition ${p} values`,
        );
        assert.equal(parts[2]!.next, '400');
      }
    } finally {
      await r.close();
    }
  });

  test('records deleted by retention are reported lost and reading goes on from the log start', async () => {
    const topic = newTopic(2);
    await produce(topic, [0, 1], 10);
    await produce(topic, [0, 1], 10, 10);
    broker.deleteRecordsBefore(topic, 0, 14); // inside the second batch
    const r = reader();
    try {
      const got = await r.read(topic, at(['0', '3'], ['1', '3']), ALL);
      const p0 = batchOf(got, 0);
      assert.deepEqual(p0.lost, { from: '3', to: '14' });
      assert.deepEqual(offsets(p0), range(14, 20));
      assert.equal(p0.next, '20');
      const p1 = batchOf(got, 1);
      assert.equal(p1.lost, undefined);
      assert.deepEqual(offsets(p1), range(3, 20));
      // from the earliest record still held: nothing is lost
      const earliest = batchOf(await r.read(topic, positions(1), ALL), 0);
      assert.equal(earliest.lost, undefined);
      assert.deepEqual(offsets(earliest), range(14, 20));
    } finally {
      await r.close();
    }
  });

  test('a batch larger than the per-partition fetch size still comes, for every partition', async () => {
    const topic = newTopic(3);
    const big = Buffer.alloc(40_000, 7);
    for (let p = 0; p < 3; p++) {
      // one batch of about 200 KB per partition, beyond the 64 KiB asked per partition
      await producer.send({
        messages: Array.from({ length: 5 }, () => ({ topic, partition: p, value: big })),
      });
    }
    const r = reader({ maxPartitionFetchBytes: 64 * 1024 });
    try {
      const got = await r.read(topic, positions(3), ALL);
      assert.deepEqual(
        got.map((b) => [b.records.length, b.next]),
        [
          [5, '5'],
          [5, '5'],
          [5, '5'],
        ],
      );
    } finally {
      await r.close();
    }
  });

  test('an unreachable broker is 08001 naming the brokers within seconds; positions hold after it returns', async () => {
    const own = await TestKafkaBroker.start();
    const topic = 'orders';
    own.createTopic(topic, 4);
    const p = new Producer({ clientId: 'p2', bootstrapBrokers: own.bootstrapBrokers });
    const r = reader({}, own);
    try {
      await p.send({
        messages: range(0, 40).map((i) => ({
          topic,
          partition: i % 4,
          value: Buffer.from(`a${i}`),
        })),
      });
      const first = await r.read(topic, positions(4), { maxRecords: 4, maxBytes: 1 << 30 });
      await own.stop();
      const started = Date.now();
      await rejectsWith(
        r.read(topic, new Map(first.map((b) => [b.partition, b.next])), ALL),
        SqlState.sqlclientUnableToEstablishSqlconnection,
        own.bootstrap,
      );
      assert.ok(Date.now() - started < 5000, `failed after ${Date.now() - started} ms`);
      await rejectsWith(
        r.partitions(topic),
        SqlState.sqlclientUnableToEstablishSqlconnection,
        own.bootstrap,
      );
      await own.start();
      const rest = await r.read(topic, new Map(first.map((b) => [b.partition, b.next])), ALL);
      for (let i = 0; i < 4; i++) {
        const all = [...values(batchOf(first, i)), ...values(batchOf(rest, i))];
        assert.deepEqual(
          all,
          range(0, 40)
            .filter((n) => n % 4 === i)
            .map((n) => `a${n}`),
        );
      }
    } finally {
      await p.close();
      await r.close();
      await own.stop();
    }
  });

  test('a broker that accepts connections and never answers is 08001 after the request timeout', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((s) => sockets.add(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = `127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const r = new KafkaStreamReader({ brokers: address, requestTimeoutMs: 1000, retries: 0 });
    try {
      const started = Date.now();
      await rejectsWith(
        r.partitions('t'),
        SqlState.sqlclientUnableToEstablishSqlconnection,
        address,
      );
      assert.ok(Date.now() - started < 4000, `failed after ${Date.now() - started} ms`);
    } finally {
      await r.close();
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  test('several brokers: each read sends one Fetch per broker, leaders fetched at once', async () => {
    const cluster = await TestKafkaBroker.start({ nodes: 2 });
    cluster.createTopic('t', 4);
    for (let p = 0; p < 4; p++)
      cluster.append(
        't',
        p,
        range(0, 10).map((i) => ({ value: `p${p}-${i}` })),
      );
    const r = reader({}, cluster);
    try {
      const before = cluster.requestCount('Fetch');
      const got = await r.read('t', positions(4), ALL);
      assert.equal(cluster.requestCount('Fetch') - before, 2);
      for (let p = 0; p < 4; p++)
        assert.deepEqual(
          values(batchOf(got, p)),
          range(0, 10).map((i) => `p${p}-${i}`),
        );
    } finally {
      await r.close();
      await cluster.stop();
    }
  });

  test('SASL/PLAIN credentials are used; refused credentials are 28000', async () => {
    const secured = await TestKafkaBroker.start({
      sasl: { username: 'alice', password: 's3cret' },
    });
    secured.createTopic('t', 1);
    secured.append('t', 0, [{ value: 'hello' }]);
    const good = reader(
      { sasl: { mechanism: 'PLAIN', username: 'alice', password: 's3cret' } },
      secured,
    );
    const bad = reader(
      { sasl: { mechanism: 'PLAIN', username: 'alice', password: 'wrong' } },
      secured,
    );
    try {
      assert.deepEqual(values(batchOf(await good.read('t', positions(1), ALL), 0)), ['hello']);
      await rejectsWith(
        bad.read('t', positions(1), ALL),
        SqlState.invalidAuthorizationSpecification,
        secured.bootstrap,
      );
    } finally {
      await good.close();
      await bad.close();
      await secured.stop();
    }
  });
});

describe('parseBrokers', () => {
  test("reads 'host:port,...' with IPv6 in brackets and the default port", () => {
    assert.deepEqual(parseBrokers('b-1.msk.example:9094, 10.0.0.2:9092,[::1]:9093,kafka'), [
      { host: 'b-1.msk.example', port: 9094 },
      { host: '10.0.0.2', port: 9092 },
      { host: '::1', port: 9093 },
      { host: 'kafka', port: 9092 },
    ]);
  });

  test('refuses what is not an address list with 22023', () => {
    for (const bad of ['', 'host:', 'host:99999', 'a b:1', 'host:1,']) {
      assert.throws(
        () => parseBrokers(bad),
        (e: unknown) => isLakeshiftError(e, SqlState.invalidParameterValue),
        bad,
      );
    }
  });
});
