// Suite `kafka-read`: how fast KafkaStreamReader (src/ingest/stream/kafka.ts) brings a Kafka
// topic's backlog in — the reader alone, the part of a streaming materialized view's refresh
// before DuckDB. A Kafka-wire-protocol TEST BROKER (test/fixtures/kafka-broker) runs in a child
// process (its CPU is not the reader's) holding one topic of --partitions (8) partitions filled
// with --records (1,000,000; --quick 20,000) JSON records of --record-bytes (1024) bytes, keyed,
// --batch-records (100) to a record batch, gzip with --gzip. A run is one catch-up: a new reader
// reads every partition from the earliest offset, `read()` after `read()` with the positions it
// returned (limits: --max-records (20,000) records and --max-bytes (64 MiB) per partition per
// read), until it has every record; each record's value is touched.
//   1. KafkaStreamReader catch-up, records/s                         target ≥ 250,000 records/s
// Anchor (same run, same fetch sizes): @platformatic/kafka's Consumer.fetch decoding the same
// records with its own record parser, holding a read's worth of them — the reader's previous
// way, without its other work. Also reported: CPU µs per record (user + system) and page
// faults per record of this process, which a busy machine changes less than records/s.
// Also reported: the time of one read() (p50, p99) and MB/s of record values.
// Options: --runs (3), --warmup (1), --partitions, --records, --record-bytes, --batch-records,
// --max-records, --max-bytes, --gzip, --no-anchor.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { Consumer, type RecordsBatch } from '@platformatic/kafka';
import { KafkaStreamReader } from '../../src/ingest/stream/kafka.js';
import type { StreamPosition } from '../../src/ingest/stream/types.js';
import { REPO_ROOT } from '../lib/paths.js';
import { elapsedMs, measureInterleaved, nowNs, type Timing } from '../lib/timing.js';
import type { Measurement, Suite } from '../lib/types.js';

const TOPIC = 'events';

interface BrokerProcess {
  bootstrap: string;
  fillMs: number;
  child: ChildProcess;
}

async function startBroker(args: string[]): Promise<BrokerProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'kafka-read', 'broker-process.ts'), ...args],
    { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout! });
  const first = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`test broker exited (${code}) before serving`)));
    lines.once('line', resolve);
  });
  const info = JSON.parse(first) as { bootstrap: string; fillMs: number };
  return { ...info, child };
}

async function stopBroker(b: BrokerProcess): Promise<void> {
  const exited = new Promise<void>((resolve) => b.child.once('exit', () => resolve()));
  b.child.stdin!.end();
  const timer = setTimeout(() => b.child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

interface CatchUp {
  records: number;
  valueBytes: number;
  readMs: number[];
  /** CPU of this process (user, system) and its minor page faults over the catch-up. */
  userMs: number;
  systemMs: number;
  pageFaults: number;
}

/** Starts counting this process's CPU and page faults; the returned function fills them in. */
function usage(out: CatchUp): () => void {
  const before = process.resourceUsage();
  return () => {
    const after = process.resourceUsage();
    out.userMs = (after.userCPUTime - before.userCPUTime) / 1000;
    out.systemMs = (after.systemCPUTime - before.systemCPUTime) / 1000;
    out.pageFaults = after.minorPageFault - before.minorPageFault;
  };
}

function newCatchUp(): CatchUp {
  return { records: 0, valueBytes: 0, readMs: [], userMs: 0, systemMs: 0, pageFaults: 0 };
}

/** One catch-up through KafkaStreamReader. */
async function readerCatchUp(
  bootstrap: string,
  partitions: number,
  total: number,
  maxRecords: number,
  maxBytes: number,
): Promise<CatchUp> {
  const reader = new KafkaStreamReader({ brokers: bootstrap, clientId: 'bench-reader' });
  const pos = new Map<string, StreamPosition>(
    Array.from({ length: partitions }, (_, i) => [String(i), undefined]),
  );
  const out = newCatchUp();
  const done = usage(out);
  try {
    while (out.records < total) {
      const start = nowNs();
      const batches = await reader.read(TOPIC, pos, { maxRecords, maxBytes });
      out.readMs.push(elapsedMs(start));
      let got = 0;
      for (const b of batches) {
        for (const r of b.records) {
          if (r.kind === 'kafka') out.valueBytes += r.value?.length ?? 0;
        }
        got += b.records.length;
        pos.set(b.partition, b.next);
      }
      if (got === 0) throw new Error(`reader stalled at ${out.records} of ${total} records`);
      out.records += got;
    }
  } finally {
    done();
    await reader.close();
  }
  return out;
}

/** The anchor: the same catch-up through Consumer.fetch and the library's record parsing. */
async function libraryCatchUp(
  bootstrap: string,
  partitions: number,
  total: number,
  partitionMaxBytes: number,
  maxRecords: number,
): Promise<CatchUp> {
  const consumer = new Consumer({
    clientId: 'bench-library',
    groupId: 'bench-library',
    bootstrapBrokers: bootstrap.split(','),
  });
  const out = newCatchUp();
  const done = usage(out);
  try {
    const meta = await consumer.metadata({ topics: [TOPIC] });
    const t = meta.topics.get(TOPIC)!;
    const pos = Array.from({ length: partitions }, () => 0n);
    const byLeader = new Map<number, number[]>();
    for (let p = 0; p < partitions; p++) {
      const leader = t.partitions[p]!.leader;
      byLeader.set(leader, [...(byLeader.get(leader) ?? []), p]);
    }
    // The decoded records are held as a read holds them, a read's worth at a time.
    let held: unknown[] = [];
    while (out.records < total) {
      const start = nowNs();
      let got = 0;
      if (held.length >= maxRecords * partitions) held = [];
      await Promise.all(
        [...byLeader].map(async ([node, ps]) => {
          const res = await consumer.fetch({
            node,
            maxWaitTime: 0,
            minBytes: 1,
            maxBytes: 64 * 1024 * 1024,
            topics: [
              {
                topicId: t.id,
                partitions: ps.map((p) => ({
                  partition: p,
                  fetchOffset: pos[p]!,
                  partitionMaxBytes,
                  currentLeaderEpoch: -1,
                  lastFetchedEpoch: -1,
                })),
              },
            ],
          });
          for (const topic of res.responses) {
            for (const part of topic.partitions) {
              for (const batch of (part.records ?? []) as RecordsBatch[]) {
                for (const rec of batch.records) {
                  const offset = batch.firstOffset + BigInt(rec.offsetDelta);
                  if (offset < pos[part.partitionIndex]!) continue;
                  out.valueBytes += rec.value?.length ?? 0;
                  held.push(rec);
                  pos[part.partitionIndex] = offset + 1n;
                  got++;
                }
              }
            }
          }
        }),
      );
      out.readMs.push(elapsedMs(start));
      if (got === 0) throw new Error(`library fetch stalled at ${out.records} of ${total} records`);
      out.records += got;
    }
  } finally {
    done();
    await consumer.close();
  }
  return out;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

/** CPU µs per record, user + system, and page faults per record. */
function cpuPerRecord(c: CatchUp): string {
  const us = (ms: number) => ((ms * 1000) / c.records).toFixed(2);
  return (
    `${us(c.userMs)} + ${us(c.systemMs)} µs/record user + sys, ` +
    `${(c.pageFaults / c.records).toFixed(2)} page faults/record`
  );
}

const perSecond = (records: number, t: Timing) => records / (t.medianMs / 1000);

const suite: Suite = {
  name: 'kafka-read',
  description:
    'KafkaStreamReader catching up a 1 KB JSON Kafka topic (8 partitions, test broker in its own process), records/s',
  async run(ctx) {
    const partitions = ctx.intArg('partitions', 8, 8);
    const records = ctx.intArg('records', 1_000_000, 20_000);
    const recordBytes = ctx.intArg('record-bytes', 1024, 1024);
    const batchRecords = ctx.intArg('batch-records', 100, 100);
    const maxRecords = ctx.intArg('max-records', 20_000, 20_000);
    const maxBytes = ctx.intArg('max-bytes', 64 * 1024 * 1024, 64 * 1024 * 1024);
    const runs = ctx.intArg('runs', 3, 1);
    const warmup = ctx.intArg('warmup', 1, 0);
    const gzip = ctx.args['gzip'] === true;
    const anchor = ctx.args['no-anchor'] !== true;
    const total = Math.ceil(records / partitions) * partitions;

    ctx.log(`kafka-read: filling the test broker with ${total} records …`);
    const broker = await startBroker([
      ...['--topic', TOPIC, '--partitions', String(partitions), '--records', String(total)],
      ...['--record-bytes', String(recordBytes), '--batch-records', String(batchRecords)],
      ...(gzip ? ['--gzip'] : []),
    ]);
    ctx.log(`kafka-read: filled in ${broker.fillMs} ms; reading`);
    try {
      let mine: CatchUp | undefined;
      let theirs: CatchUp | undefined;
      const check = (c: CatchUp) => {
        if (c.records !== total) throw new Error(`read ${c.records} records of ${total}`);
      };
      const contenders = [
        {
          run: async () => {
            mine = await readerCatchUp(broker.bootstrap, partitions, total, maxRecords, maxBytes);
          },
          after: () => check(mine!),
        },
        ...(anchor
          ? [
              {
                run: async () => {
                  theirs = await libraryCatchUp(
                    broker.bootstrap,
                    partitions,
                    total,
                    Math.min(maxBytes, 8 * 1024 * 1024),
                    maxRecords,
                  );
                },
                after: () => check(theirs!),
              },
            ]
          : []),
      ];
      const [t, a] = await measureInterleaved(contenders, { warmup, runs, minRuns: 1 });
      const rate = perSecond(total, t!);
      const measurement: Measurement = {
        name: 'KafkaStreamReader catch-up',
        value: Math.round(rate),
        unit: 'records/s',
        ...(a
          ? {
              anchors: [
                {
                  label: 'Consumer.fetch + library parsing',
                  value: Math.round(perSecond(total, a)),
                },
              ],
            }
          : {}),
        target: { on: 'value', op: '>=', threshold: 250_000 },
        samples: t!.samplesMs,
        note:
          `${(mine!.valueBytes / (t!.medianMs / 1000) / 1e6).toFixed(0)} MB/s of values; ` +
          `${mine!.readMs.length} reads, read() p50 ${percentile(mine!.readMs, 0.5).toFixed(1)} ms, ` +
          `p99 ${percentile(mine!.readMs, 0.99).toFixed(1)} ms; reader CPU ${cpuPerRecord(mine!)} ` +
          `(last run)` +
          (theirs ? `; library CPU ${cpuPerRecord(theirs)}` : ''),
      };
      ctx.log(
        `kafka-read: reader ${Math.round(rate)} records/s` +
          (a ? `, library ${Math.round(perSecond(total, a))} records/s` : '') +
          `; ${measurement.note}`,
      );
      return {
        parameters: {
          partitions,
          records: total,
          recordBytes,
          batchRecords,
          maxRecords,
          maxBytes,
          gzip,
          runs,
          warmup,
        },
        benchmarks: [
          {
            id: 'catch-up',
            title: 'Reading a topic backlog with KafkaStreamReader',
            method:
              `A test broker in its own process holds ${total} JSON records of ${recordBytes} bytes ` +
              `in ${partitions} partitions (${batchRecords} records a batch${gzip ? ', gzip' : ''}). ` +
              'A run is a new reader reading every partition from the earliest offset, read() after ' +
              `read() (at most ${maxRecords} records and ${maxBytes} bytes per partition a read) until ` +
              'it holds every record; records/s over the median run. Anchor: the same catch-up ' +
              "through @platformatic/kafka's Consumer.fetch and its own record parsing.",
            measurements: [measurement],
          },
        ],
      };
    } finally {
      await stopBroker(broker);
    }
  },
};
export default suite;
