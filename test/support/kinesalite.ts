// Starts a real Kinesis API server (the kinesalite package) in this process on 127.0.0.1 and a
// free port, with its data in memory (memdown: no leveldown build needed) and streams that
// become ACTIVE at once (createStreamMs, updateStreamMs: 0), for tests of Kinesis code paths.
//
// In-process rather than in a child (as s3rver is): kinesalite needs no special Node flags, and
// a test can then simulate what kinesalite cannot do on its own, the retention period trimming
// a shard (trim() below; kinesalite's shortest retention is 24 hours).
//
// kinesalite forgets its streams when it restarts: to make it unreachable and back, put
// test/support/tcp-proxy.ts in front of it.

import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  KinesisClient,
  ListShardsCommand,
  PutRecordsCommand,
  SplitShardCommand,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';

/** kinesalite checks that requests are signed, not by whom. */
export const KINESALITE_CREDENTIALS = {
  accessKeyId: 'KINESALITE',
  secretAccessKey: 'KINESALITE',
} as const;
export const KINESALITE_REGION = 'us-east-1';

export interface PutRecord {
  partitionKey: string;
  data: Buffer | string;
}

export interface PutResult {
  shardId: string;
  sequenceNumber: string;
}

export interface RunningKinesalite {
  /** http://127.0.0.1:PORT */
  endpoint: string;
  port: number;
  region: typeof KINESALITE_REGION;
  credentials: typeof KINESALITE_CREDENTIALS;
  /** An AWS SDK client for this server, over HTTP/1.1 (the caller destroys it). */
  client(): KinesisClient;
  /** Creates a stream with this many shards (their hash key ranges split evenly). */
  createStream(name: string, shardCount: number): Promise<void>;
  /** PutRecords, 500 at a time (Kinesis' maximum), in order; where each record went. */
  put(stream: string, records: PutRecord[]): Promise<PutResult[]>;
  /** Splits a shard at the middle of its hash key range; resolves when the stream is ACTIVE. */
  splitShard(stream: string, shardId: string): Promise<void>;
  /** Removes a shard's oldest records, as the retention period would. */
  trim(stream: string, shardId: string, count: number): Promise<void>;
  /** Stops the server, dropping open connections (its data is gone). */
  stop(): Promise<void>;
}

type Callback<T> = (error: Error | null | undefined, value?: T) => void;

/** The parts of kinesalite's store (kinesalite/db, a levelup database per stream) trim() uses. */
interface KinesaliteStore {
  getStreamDb(name: string): {
    createKeyStream(options: { gt: string; lt: string; limit: number }): NodeJS.ReadableStream;
    batch(ops: Array<{ type: 'del'; key: string }>, callback: Callback<void>): void;
  };
}

interface KinesaliteDbModule {
  create(options: object): KinesaliteStore;
  shardIxToHex(shardIx: number): string;
}

export async function startKinesalite(): Promise<RunningKinesalite> {
  const require = createRequire(import.meta.url);
  const kinesalite = require('kinesalite') as (options: object) => Server;
  // kinesalite keeps its store to itself: catch it as kinesalite() creates it (synchronously).
  const db = require('kinesalite/db') as KinesaliteDbModule;
  const create = db.create;
  let store: KinesaliteStore | undefined;
  db.create = (options) => (store = create(options));
  let server: Server;
  try {
    // shardLimit counts open shards across all streams (Kinesis' account limit, 10 by default).
    server = kinesalite({
      createStreamMs: 0,
      deleteStreamMs: 0,
      updateStreamMs: 0,
      shardLimit: 10_000,
    });
  } finally {
    db.create = create;
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  const endpoint = `http://127.0.0.1:${port}`;
  const newClient = (): KinesisClient =>
    new KinesisClient({
      endpoint,
      region: KINESALITE_REGION,
      credentials: KINESALITE_CREDENTIALS,
      // kinesalite speaks HTTP/1.1 only; the SDK's Kinesis default is HTTP/2.
      requestHandler: new NodeHttpHandler({ httpAgent: { keepAlive: true } }),
    });
  const admin = newClient();

  const waitActive = async (stream: string): Promise<void> => {
    for (;;) {
      const { StreamDescriptionSummary: summary } = await admin.send(
        new DescribeStreamSummaryCommand({ StreamName: stream }),
      );
      if (summary?.StreamStatus === 'ACTIVE') return;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };

  return {
    endpoint,
    port,
    region: KINESALITE_REGION,
    credentials: KINESALITE_CREDENTIALS,
    client: newClient,
    async createStream(name, shardCount) {
      await admin.send(new CreateStreamCommand({ StreamName: name, ShardCount: shardCount }));
      await waitActive(name);
    },
    async put(stream, records) {
      const results: PutResult[] = [];
      for (let i = 0; i < records.length; i += 500) {
        const chunk = records.slice(i, i + 500);
        const output = await admin.send(
          new PutRecordsCommand({
            StreamName: stream,
            Records: chunk.map((r) => ({
              PartitionKey: r.partitionKey,
              Data: typeof r.data === 'string' ? Buffer.from(r.data) : r.data,
            })),
          }),
        );
        for (const r of output.Records ?? []) {
          results.push({ shardId: r.ShardId ?? '', sequenceNumber: r.SequenceNumber ?? '' });
        }
      }
      return results;
    },
    async splitShard(stream, shardId) {
      const { Shards: shards = [] } = await admin.send(
        new ListShardsCommand({ StreamName: stream }),
      );
      const range = shards.find((s) => s.ShardId === shardId)?.HashKeyRange;
      if (range?.StartingHashKey === undefined || range.EndingHashKey === undefined) {
        throw new Error(`no shard ${shardId} in stream ${stream}`);
      }
      const middle = (BigInt(range.StartingHashKey) + BigInt(range.EndingHashKey)) / 2n;
      await admin.send(
        new SplitShardCommand({
          StreamName: stream,
          ShardToSplit: shardId,
          NewStartingHashKey: middle.toString(),
        }),
      );
      await waitActive(stream);
    },
    async trim(stream, shardId, count) {
      if (store === undefined) throw new Error("kinesalite's store was not caught");
      // Records are keyed "<shard index, 8 hex digits>/<sequence number>" in the stream's database.
      const shardIx = Number(shardId.split('-')[1]);
      const streamDb = store.getStreamDb(stream);
      const keys = await new Promise<string[]>((resolve, reject) => {
        const found: string[] = [];
        streamDb
          .createKeyStream({
            gt: db.shardIxToHex(shardIx),
            lt: db.shardIxToHex(shardIx + 1),
            limit: count,
          })
          .on('data', (key: unknown) => found.push(String(key)))
          .on('error', reject)
          .on('end', () => resolve(found));
      });
      await new Promise<void>((resolve, reject) =>
        streamDb.batch(
          keys.map((key) => ({ type: 'del', key })),
          (error) => (error ? reject(error) : resolve()),
        ),
      );
    },
    async stop() {
      admin.destroy();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
