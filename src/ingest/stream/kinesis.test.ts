// The Kinesis reader against a real Kinesis API server (kinesalite): shards and partition keys,
// positions carried from read to read while a producer keeps writing, limits, resharding,
// trimmed positions, where the endpoint comes from, and the failures a user sees (unreachable,
// unknown stream, access denied, throttling).

import assert from 'node:assert/strict';
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { SqlState } from '../../common/errors.js';
import {
  startKinesalite,
  type PutResult,
  type RunningKinesalite,
} from '../../../test/support/kinesalite.js';
import { closedPort } from '../../../test/support/ports.js';
import { rejectsWith } from '../../../test/support/sqlstate.js';
import { startTcpProxy } from '../../../test/support/tcp-proxy.js';
import { KinesisStreamReader, type KinesisReaderOptions } from './kinesis.js';
import type { KinesisStreamRecord, PartitionBatch, ReadLimits, StreamPosition } from './types.js';

const ALL: ReadLimits = { maxRecords: 100_000, maxBytes: 1 << 30 };

let kinesalite: RunningKinesalite;
let streamCount = 0;

before(async () => {
  kinesalite = await startKinesalite();
});
after(async () => {
  await kinesalite.stop();
});

/** A fresh stream per test, so that tests share the server but not their data. */
async function newStream(shards: number): Promise<string> {
  const name = `stream-${++streamCount}`;
  await kinesalite.createStream(name, shards);
  return name;
}

function reader(options: KinesisReaderOptions = {}): KinesisStreamReader {
  return new KinesisStreamReader({
    endpoint: kinesalite.endpoint,
    region: kinesalite.region,
    credentials: kinesalite.credentials,
    getRecordsIntervalMs: 0,
    ...options,
  });
}

function records(count: number, prefix = 'r'): Array<{ partitionKey: string; data: string }> {
  return Array.from({ length: count }, (_, i) => ({
    partitionKey: `key-${prefix}-${i}`,
    data: JSON.stringify({ n: i, prefix }),
  }));
}

/** Runs `run` with the reader, then closes it. */
async function closing<T>(
  source: KinesisStreamReader,
  run: (source: KinesisStreamReader) => Promise<T>,
): Promise<T> {
  try {
    return await run(source);
  } finally {
    await source.close();
  }
}

/** What a consumer keeps: per shard, the records read so far and the position to go on from. */
class Consumer {
  readonly got = new Map<string, KinesisStreamRecord[]>();
  readonly positions = new Map<string, StreamPosition>();
  readonly batches: PartitionBatch[] = [];

  constructor(
    private readonly source: KinesisStreamReader,
    private readonly stream: string,
  ) {}

  /** One read of every shard the stream lists now; the number of records it returned. */
  async poll(limits: ReadLimits = ALL): Promise<number> {
    for (const shard of await this.source.partitions(this.stream)) {
      if (!this.positions.has(shard)) this.positions.set(shard, undefined);
    }
    let count = 0;
    for (const batch of await this.source.read(this.stream, this.positions, limits)) {
      this.batches.push(batch);
      const list = this.got.get(batch.partition) ?? [];
      list.push(...(batch.records as KinesisStreamRecord[]));
      this.got.set(batch.partition, list);
      this.positions.set(batch.partition, batch.next);
      count += batch.records.length;
    }
    return count;
  }

  /** Polls until a read returns nothing (a reader that repeats records never gets there). */
  async drain(limits: ReadLimits = ALL): Promise<void> {
    for (let polls = 0; polls < 200; polls++) {
      if ((await this.poll(limits)) === 0) return;
    }
    assert.fail('reads never caught up with the stream');
  }

  /** shard -> sequence numbers read, in order. */
  sequences(): Map<string, string[]> {
    return new Map(
      [...this.got].map(([shard, list]) => [shard, list.map((r) => r.sequenceNumber)]),
    );
  }
}

/** shard -> sequence numbers, in the order PutRecords reported them. */
function byShard(puts: PutResult[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const p of puts) map.set(p.shardId, [...(map.get(p.shardId) ?? []), p.sequenceNumber]);
  return map;
}

function assertSameShards(actual: Map<string, string[]>, expected: Map<string, string[]>): void {
  const nonEmpty = (m: Map<string, string[]>) =>
    new Map([...m].filter(([, list]) => list.length > 0).sort(([a], [b]) => a.localeCompare(b)));
  assert.deepEqual(nonEmpty(actual), nonEmpty(expected));
}

describe('KinesisStreamReader against kinesalite', () => {
  test('lists the shards of a stream in order', async () => {
    const stream = await newStream(3);
    await closing(reader(), async (source) => {
      assert.deepEqual(await source.partitions(stream), [
        'shardId-000000000000',
        'shardId-000000000001',
        'shardId-000000000002',
      ]);
    });
  });

  test('reads every record once, in its shard, with its key, data, sequence number and arrival time', async () => {
    const stream = await newStream(2);
    const sent = records(200);
    const before = Date.now();
    const puts = await kinesalite.put(stream, sent);
    const afterPut = Date.now();
    // The partition keys' hashes spread the records over both shards.
    assert.equal(new Set(puts.map((p) => p.shardId)).size, 2);

    await closing(reader(), async (source) => {
      const consumer = new Consumer(source, stream);
      assert.equal(await consumer.poll(), 200);
      assertSameShards(consumer.sequences(), byShard(puts));
      const sentBySequence = new Map(puts.map((p, i) => [p.sequenceNumber, sent[i]!]));
      for (const [shard, list] of consumer.got) {
        for (const [i, r] of list.entries()) {
          assert.equal(r.kind, 'kinesis');
          assert.equal(r.shardId, shard);
          const original = sentBySequence.get(r.sequenceNumber)!;
          assert.equal(r.partitionKey, original.partitionKey);
          assert.equal(r.data.toString(), original.data);
          assert.ok(Buffer.isBuffer(r.data));
          assert.ok(
            r.arrival.getTime() >= before && r.arrival.getTime() <= afterPut,
            String(r.arrival),
          );
          if (i > 0) assert.ok(BigInt(r.sequenceNumber) > BigInt(list[i - 1]!.sequenceNumber));
        }
        assert.equal(consumer.positions.get(shard), `after:${list.at(-1)!.sequenceNumber}`);
      }
      // Nothing new: the positions stay where they are.
      const positions = new Map(consumer.positions);
      assert.equal(await consumer.poll(), 0);
      assert.deepEqual(consumer.positions, positions);
    });
  });

  test('a shard read from its start that holds nothing yet keeps an undefined position', async () => {
    const stream = await newStream(2);
    await closing(reader(), async (source) => {
      const batches = await source.read(
        stream,
        new Map([['shardId-000000000001', undefined]]),
        ALL,
      );
      assert.deepEqual(batches, [
        { partition: 'shardId-000000000001', records: [], next: undefined },
      ]);
    });
  });

  test('positions carried from read to read lose and repeat nothing while a producer keeps writing', async () => {
    const stream = await newStream(2);
    const puts: PutResult[] = [];
    let producing = true;
    const producer = (async () => {
      for (let round = 0; producing || round < 5; round++) {
        puts.push(...(await kinesalite.put(stream, records(40, `p${round}`))));
        await new Promise((resolve) => setTimeout(resolve, 3));
      }
    })();
    const source = reader();
    try {
      const consumer = new Consumer(source, stream);
      const limits = { maxRecords: 37, maxBytes: 1 << 20 };
      for (let i = 0; i < 20; i++) await consumer.poll(limits);
      producing = false;
      await producer;
      await consumer.drain(limits);
      assert.ok(puts.length >= 200, `only ${puts.length} records were produced`);
      for (const batch of consumer.batches) assert.ok(batch.records.length <= 37);
      assert.ok(
        consumer.batches.some((b) => b.records.length === 37),
        'no read was cut by maxRecords',
      );
      assertSameShards(consumer.sequences(), byShard(puts));
    } finally {
      producing = false;
      await producer;
      await source.close();
    }
  });

  test('maxBytes cuts a read, and a record larger than maxBytes still goes through alone', async () => {
    const stream = await newStream(1);
    const small = Array.from({ length: 20 }, (_, i) => ({
      partitionKey: 'k',
      data: String(i).padStart(100, 'x'),
    }));
    const puts = await kinesalite.put(stream, [
      ...small,
      { partitionKey: 'k', data: 'y'.repeat(5000) },
    ]);
    await closing(reader(), async (source) => {
      const consumer = new Consumer(source, stream);
      // 100 bytes of data and 1 of key per record: 10 fit in 1010 bytes, the 11th does not.
      assert.equal(await consumer.poll({ maxRecords: 1000, maxBytes: 1010 }), 10);
      assert.equal(await consumer.poll({ maxRecords: 1000, maxBytes: 1010 }), 10);
      assert.equal(await consumer.poll({ maxRecords: 1000, maxBytes: 1010 }), 1);
      assert.equal(consumer.got.get('shardId-000000000000')!.at(-1)!.data.length, 5000);
      assertSameShards(consumer.sequences(), byShard(puts));
    });
  });

  test('a split shard is read to its end, and its children from their start', async () => {
    const stream = await newStream(1);
    const first = await kinesalite.put(stream, records(30, 'before'));
    await closing(reader(), async (source) => {
      const consumer = new Consumer(source, stream);
      assert.equal(await consumer.poll({ maxRecords: 10, maxBytes: 1 << 20 }), 10);
      await kinesalite.splitShard(stream, 'shardId-000000000000');
      const second = await kinesalite.put(stream, records(40, 'after'));
      assert.ok(
        second.every((p) => p.shardId !== 'shardId-000000000000'),
        'a closed shard took a record',
      );
      assert.deepEqual(await source.partitions(stream), [
        'shardId-000000000000',
        'shardId-000000000001',
        'shardId-000000000002',
      ]);
      await consumer.drain({ maxRecords: 10, maxBytes: 1 << 20 });
      assertSameShards(consumer.sequences(), byShard([...first, ...second]));
    });
  });

  test('reports the records a trimmed shard no longer holds, and only then', async () => {
    const stream = await newStream(1);
    const shard = 'shardId-000000000000';
    const puts = await kinesalite.put(stream, records(10));
    await closing(reader(), async (source) => {
      const [first] = await source.read(stream, new Map([[shard, undefined]]), {
        maxRecords: 4,
        maxBytes: 1 << 20,
      });
      assert.equal(first!.next, `after:${puts[3]!.sequenceNumber}`);

      // Retention takes records 0-2: the last one read (3) is still there, nothing is lost.
      await kinesalite.trim(stream, shard, 3);
      const [kept] = await source.read(stream, new Map([[shard, first!.next]]), {
        maxRecords: 2,
        maxBytes: 1 << 20,
      });
      assert.equal(kept!.lost, undefined);
      assert.deepEqual(
        kept!.records.map((r) => r.kind === 'kinesis' && r.sequenceNumber),
        [puts[4]!.sequenceNumber, puts[5]!.sequenceNumber],
      );

      // Retention takes records 3-7 too: 6 and 7 were never read.
      await kinesalite.trim(stream, shard, 5);
      const [gone] = await source.read(stream, new Map([[shard, kept!.next]]), ALL);
      assert.deepEqual(gone!.lost, {
        from: `after:${puts[5]!.sequenceNumber}`,
        to: `at:${puts[8]!.sequenceNumber}`,
      });
      assert.deepEqual(
        gone!.records.map((r) => r.kind === 'kinesis' && r.sequenceNumber),
        [puts[8]!.sequenceNumber, puts[9]!.sequenceNumber],
      );
      assert.equal(gone!.next, `after:${puts[9]!.sequenceNumber}`);
    });
  });

  test('an unknown stream fails with 42704 naming it', async () => {
    await closing(reader(), async (source) => {
      await rejectsWith(
        source.partitions('no-such-stream'),
        SqlState.undefinedObject,
        '"no-such-stream"',
      );
      await rejectsWith(
        source.read('no-such-stream', new Map([['shardId-000000000000', undefined]]), ALL),
        SqlState.undefinedObject,
        '"no-such-stream"',
      );
    });
  });

  test('a malformed position fails with 22023', async () => {
    const stream = await newStream(1);
    await closing(reader(), async (source) => {
      await rejectsWith(
        source.read(stream, new Map([['shardId-000000000000', '12345']]), ALL),
        SqlState.invalidParameterValue,
        '"12345"',
      );
    });
  });

  test('an unreachable endpoint fails fast with 08001 naming it', async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    await closing(reader({ endpoint }), async (source) => {
      const started = Date.now();
      await rejectsWith(
        source.partitions('any'),
        SqlState.sqlclientUnableToEstablishSqlconnection,
        endpoint,
      );
      await rejectsWith(
        source.read('any', new Map([['shardId-000000000000', undefined]]), ALL),
        SqlState.sqlclientUnableToEstablishSqlconnection,
        endpoint,
      );
      assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
    });
  });

  test('an endpoint that accepts connections but never answers fails with 08001 after the request timeout', async () => {
    const sockets = new Set<Socket>();
    const silent = createTcpServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    try {
      await closing(reader({ endpoint, requestTimeoutMs: 300 }), async (source) => {
        const started = Date.now();
        await rejectsWith(
          source.partitions('any'),
          SqlState.sqlclientUnableToEstablishSqlconnection,
          endpoint,
        );
        assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
      });
    } finally {
      await new Promise<void>((resolve) => {
        silent.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
    }
  });

  test('an endpoint that goes away and comes back: 08001 meanwhile, then reading goes on where it stood', async () => {
    const stream = await newStream(2);
    const proxy = await startTcpProxy(kinesalite.port);
    const endpoint = `http://127.0.0.1:${proxy.port}`;
    const source = reader({ endpoint });
    try {
      const consumer = new Consumer(source, stream);
      const puts = await kinesalite.put(stream, records(50, 'one'));
      await consumer.drain({ maxRecords: 20, maxBytes: 1 << 20 });

      await proxy.pause();
      puts.push(...(await kinesalite.put(stream, records(50, 'two'))));
      const positions = new Map(consumer.positions);
      await rejectsWith(
        consumer.poll(),
        SqlState.sqlclientUnableToEstablishSqlconnection,
        endpoint,
      );
      assert.deepEqual(consumer.positions, positions);

      await proxy.resume();
      await consumer.drain({ maxRecords: 20, maxBytes: 1 << 20 });
      assertSameShards(consumer.sequences(), byShard(puts));
    } finally {
      await source.close();
      await proxy.stop();
    }
  });

  describe('configuration from the environment', () => {
    const names = [
      'AWS_ENDPOINT_URL',
      'AWS_ENDPOINT_URL_KINESIS',
      'AWS_REGION',
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
      'AWS_SESSION_TOKEN',
      'AWS_PROFILE',
      'AWS_CONFIG_FILE',
      'AWS_SHARED_CREDENTIALS_FILE',
      'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS',
    ];
    /** Runs with exactly these AWS_* variables (no profile files), then restores the others. */
    async function withEnv(env: Record<string, string>, run: () => Promise<void>): Promise<void> {
      const saved = new Map(names.map((n) => [n, process.env[n]]));
      for (const n of names) delete process.env[n];
      Object.assign(process.env, {
        AWS_CONFIG_FILE: '/nonexistent/aws-config',
        AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
        AWS_REGION: kinesalite.region,
        AWS_ACCESS_KEY_ID: kinesalite.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: kinesalite.credentials.secretAccessKey,
        ...env,
      });
      try {
        await run();
      } finally {
        for (const [n, value] of saved) {
          if (value === undefined) delete process.env[n];
          else process.env[n] = value;
        }
      }
    }

    async function listsShards(source: KinesisStreamReader, stream: string): Promise<void> {
      await closing(source, async () => {
        assert.deepEqual(await source.partitions(stream), ['shardId-000000000000']);
      });
    }

    test('AWS_ENDPOINT_URL_KINESIS comes before AWS_ENDPOINT_URL', async () => {
      const stream = await newStream(1);
      const dead = `http://127.0.0.1:${await closedPort()}`;
      await withEnv({ AWS_ENDPOINT_URL_KINESIS: kinesalite.endpoint, AWS_ENDPOINT_URL: dead }, () =>
        listsShards(new KinesisStreamReader(), stream),
      );
    });

    test('AWS_ENDPOINT_URL serves when there is no Kinesis-specific one', async () => {
      const stream = await newStream(1);
      await withEnv({ AWS_ENDPOINT_URL: kinesalite.endpoint }, () =>
        listsShards(new KinesisStreamReader(), stream),
      );
    });

    test('the endpoint option comes before the environment, and errors name the endpoint used', async () => {
      const stream = await newStream(1);
      const dead = `http://127.0.0.1:${await closedPort()}`;
      await withEnv({ AWS_ENDPOINT_URL_KINESIS: dead }, async () => {
        await listsShards(new KinesisStreamReader({ endpoint: kinesalite.endpoint }), stream);
        await closing(new KinesisStreamReader(), async (source) => {
          await rejectsWith(
            source.partitions(stream),
            SqlState.sqlclientUnableToEstablishSqlconnection,
            dead,
          );
        });
      });
    });

    test('no region anywhere fails with 22023 saying so', async () => {
      await withEnv({ AWS_ENDPOINT_URL: kinesalite.endpoint }, async () => {
        delete process.env.AWS_REGION;
        await closing(new KinesisStreamReader(), async (source) => {
          await rejectsWith(source.partitions('any'), SqlState.invalidParameterValue, 'region');
        });
      });
    });
  });

  describe('answers kinesalite does not give', () => {
    /**
     * An HTTP server between the reader and kinesalite: `answer` may reply to a request itself
     * (given its operation, from X-Amz-Target, and its JSON input), or return false to pass it on.
     */
    async function interposer(
      answer: (operation: string, input: Record<string, unknown>, res: ServerResponse) => boolean,
    ): Promise<{ endpoint: string; stop(): Promise<void> }> {
      const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
        const chunks: Buffer[] = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk));
        req.on('end', () => {
          const body = Buffer.concat(chunks);
          const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
          if (answer(operation, JSON.parse(body.toString() || '{}'), res)) return;
          const upstream = httpRequest(
            {
              host: '127.0.0.1',
              port: kinesalite.port,
              method: req.method,
              path: req.url,
              headers: req.headers,
            },
            (reply) => {
              res.writeHead(reply.statusCode ?? 500, reply.headers);
              reply.pipe(res);
            },
          );
          upstream.end(body);
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return {
        endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        stop: () =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          }),
      };
    }

    function reply(res: ServerResponse, status: number, output: object): true {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify(output));
      return true;
    }

    function kinesisFailure(res: ServerResponse, type: string, message: string): true {
      return reply(res, 400, { __type: type, message });
    }

    test('a trimmed position whose iterator walks empty pages: the trim horizon says what was lost', async () => {
      const stream = await newStream(1);
      const shard = 'shardId-000000000000';
      const puts = await kinesalite.put(stream, records(10));
      await kinesalite.trim(stream, shard, 6);
      // What Kinesis has been seen to do for a trimmed sequence number: an iterator whose pages
      // stay empty, a retention period behind the latest record.
      let emptyPages = 0;
      const fake = await interposer((operation, input, res) => {
        if (operation === 'GetShardIterator' && input.ShardIteratorType === 'AT_SEQUENCE_NUMBER') {
          return reply(res, 200, { ShardIterator: 'walking' });
        }
        if (operation === 'GetRecords' && input.ShardIterator === 'walking') {
          emptyPages++;
          return reply(res, 200, {
            Records: [],
            MillisBehindLatest: 86_400_000,
            NextShardIterator: 'walking',
          });
        }
        return false;
      });
      try {
        await closing(reader({ endpoint: fake.endpoint }), async (source) => {
          const position = `after:${puts[3]!.sequenceNumber}`;
          const [batch] = await source.read(stream, new Map([[shard, position]]), ALL);
          assert.ok(emptyPages > 1, `${emptyPages} empty pages`);
          assert.deepEqual(batch!.lost, { from: position, to: `at:${puts[6]!.sequenceNumber}` });
          assert.deepEqual(
            batch!.records.map((r) => r.kind === 'kinesis' && r.sequenceNumber),
            puts.slice(6).map((p) => p.sequenceNumber),
          );
        });
      } finally {
        await fake.stop();
      }
    });

    test('a position Kinesis refuses: lost when the trim horizon is past it, 55000 when not', async () => {
      const stream = await newStream(1);
      const shard = 'shardId-000000000000';
      const puts = await kinesalite.put(stream, records(10));
      const fake = await interposer((operation, input, res) =>
        operation === 'GetShardIterator' && input.ShardIteratorType === 'AT_SEQUENCE_NUMBER'
          ? kinesisFailure(res, 'InvalidArgumentException', 'StartingSequenceNumber is invalid')
          : false,
      );
      try {
        await closing(reader({ endpoint: fake.endpoint }), async (source) => {
          const position = `after:${puts[3]!.sequenceNumber}`;
          // Record 3 is still held: the position is simply not valid here.
          await rejectsWith(
            source.read(stream, new Map([[shard, position]]), ALL),
            SqlState.objectNotInPrerequisiteState,
            position,
            `"${stream}"`,
          );
          await kinesalite.trim(stream, shard, 5);
          const [batch] = await source.read(stream, new Map([[shard, position]]), ALL);
          assert.deepEqual(batch!.lost, { from: position, to: `at:${puts[5]!.sequenceNumber}` });
          assert.equal(batch!.records.length, 5);
        });
      } finally {
        await fake.stop();
      }
    });

    test('access denied fails with 42501 naming the stream', async () => {
      const fake = await interposer((_operation, _input, res) =>
        kinesisFailure(
          res,
          'AccessDeniedException',
          'User: arn:aws:iam::1:role/r is not authorized to perform: kinesis:ListShards',
        ),
      );
      const source = reader({ endpoint: fake.endpoint });
      try {
        await rejectsWith(
          source.partitions('secret-stream'),
          SqlState.insufficientPrivilege,
          '"secret-stream"',
        );
      } finally {
        await source.close();
        await fake.stop();
      }
    });

    test('throttled reads back off and go on; throttled for good fails with 53400', async () => {
      const stream = await newStream(1);
      const puts = await kinesalite.put(stream, records(30));
      let throttle = 5;
      const fake = await interposer((operation, _input, res) =>
        operation === 'GetRecords' && throttle-- > 0
          ? kinesisFailure(res, 'ProvisionedThroughputExceededException', 'Rate exceeded for shard')
          : false,
      );
      const source = reader({ endpoint: fake.endpoint, maxAttempts: 1 });
      try {
        const consumer = new Consumer(source, stream);
        await consumer.drain();
        assert.ok(throttle < 0, 'the reads were never throttled');
        assertSameShards(consumer.sequences(), byShard(puts));

        throttle = 1000;
        const stubborn = reader({ endpoint: fake.endpoint, maxAttempts: 1, throttleRetries: 2 });
        await closing(stubborn, () =>
          rejectsWith(
            stubborn.read(stream, new Map([['shardId-000000000000', undefined]]), ALL),
            SqlState.configurationLimitExceeded,
            `"${stream}"`,
          ),
        );
      } finally {
        await source.close();
        await fake.stop();
      }
    });

    test('a read cancelled while it backs off fails with 57014 at once', async () => {
      const stream = await newStream(1);
      await kinesalite.put(stream, records(3));
      const fake = await interposer((operation, _input, res) =>
        operation === 'GetRecords'
          ? kinesisFailure(res, 'ProvisionedThroughputExceededException', 'Rate exceeded')
          : false,
      );
      const source = reader({ endpoint: fake.endpoint, maxAttempts: 1, throttleRetries: 1000 });
      try {
        const controller = new AbortController();
        const started = Date.now();
        setTimeout(() => controller.abort(), 300);
        await rejectsWith(
          source.read(stream, new Map([['shardId-000000000000', undefined]]), {
            ...ALL,
            signal: controller.signal,
          }),
          SqlState.queryCanceled,
        );
        assert.ok(Date.now() - started < 1500, `took ${Date.now() - started} ms`);
      } finally {
        await source.close();
        await fake.stop();
      }
    });
  });
});
