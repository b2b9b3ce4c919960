// Benchmarks 2 and 3: the parameterized point query `SELECT * FROM t WHERE id = $1` over the
// extended protocol (node-postgres `client.query({ text, values })`: Parse, Bind, Describe,
// Execute, Sync per query), random ids from a seeded generator so every server gets the same
// ids. 2: one connection, latency p50, p95 and p99 and queries/s (target: Lakeshift p50 ≤ 2 ms).
// 3: N connections (32 and 128 by default, one benchmark each) issuing a fixed number of queries
// together: queries/s, p50 and p99 latency (no target). Lakeshift scans Parquet (no index);
// PostgreSQL is measured on a table without an index (first anchor) and on a copy with a
// primary key on id (second anchor).
import type pg from 'pg';
import { formatNumber } from '../../lib/format.js';
import { elapsedMs, measureInterleaved, nowNs } from '../../lib/timing.js';
import type { BenchmarkResult, SuiteContext } from '../../lib/types.js';
import { percentile, pointQuery, randomIds } from './clients.js';
import { compare, type Subject } from './compare.js';
import { connect, type Endpoint } from './servers.js';

const TARGET_P50_MS = 2;

const textOf = (s: Subject) => `SELECT * FROM ${s.table} WHERE id = $1`;

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

function latencyTable(subjects: readonly Subject[], latencies: readonly number[][]): string {
  const f = (x: number) => formatNumber(x);
  const lines = [
    '| Server / table | Queries | p50 ms | p95 ms | p99 ms | mean ms | max ms |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...subjects.map((s, i) => {
      const l = latencies[i]!;
      return `| ${s.label} | ${formatNumber(l.length)} | ${f(percentile(l, 50))} | ${f(percentile(l, 95))} | ${f(percentile(l, 99))} | ${f(mean(l))} | ${f(Math.max(...l))} |`;
    }),
  ];
  return lines.join('\n');
}

/** A quick check that the point query works and returns the row asked for, on every subject. */
async function checkPoint(client: pg.Client, s: Subject, id: number): Promise<void> {
  const r = await client.query<{ id: string }>({ text: textOf(s), values: [id] });
  if (r.rows.length !== 1 || String(r.rows[0]!.id) !== String(id))
    throw new Error(`point: ${s.label}: id = ${id} gave ${JSON.stringify(r.rows)}`);
}

export interface PointOptions {
  /** Rows of the point table (ids 1..rows). */
  rows: number;
  /** Timed queries per subject. */
  queries: number;
  /** Timed rounds the queries are split into (round-robin over the subjects). */
  rounds: number;
  warmupRounds: number;
  seed: number;
}

export async function pointBenchmark(
  ctx: SuiteContext,
  subjects: readonly Subject[],
  o: PointOptions,
): Promise<BenchmarkResult> {
  const batch = Math.ceil(o.queries / o.rounds);
  const totalRounds = o.warmupRounds + o.rounds;
  const ids = randomIds(o.seed, batch * totalRounds, o.rows);
  const clients: pg.Client[] = [];
  try {
    for (const s of subjects) {
      const c = await connect(s.endpoint, ctx.log);
      clients.push(c);
      await checkPoint(c, s, o.rows);
    }
    const latencies: number[][] = subjects.map(() => []);
    const roundOf = subjects.map(() => 0);
    ctx.log(
      `point: ${formatNumber(batch * o.rounds)} queries per subject in ${o.rounds} rounds (+${o.warmupRounds} warm-up)`,
    );
    const timings = await measureInterleaved(
      subjects.map((s, i) => ({
        run: async () => {
          const round = roundOf[i]!++;
          const text = textOf(s);
          const client = clients[i]!;
          for (const id of ids.slice(round * batch, (round + 1) * batch)) {
            const start = nowNs();
            await pointQuery(client, text, id);
            if (round >= o.warmupRounds) latencies[i]!.push(elapsedMs(start));
          }
        },
      })),
      { warmup: o.warmupRounds, runs: o.rounds },
    );
    const qps = (ms: number) => batch / (ms / 1000);
    subjects.forEach((s, i) =>
      ctx.log(
        `point: ${s.label}: p50 ${formatNumber(percentile(latencies[i]!, 50))} ms, p99 ${formatNumber(percentile(latencies[i]!, 99))} ms, ${formatNumber(qps(timings[i]!.medianMs))} queries/s`,
      ),
    );
    const n = formatNumber(latencies[0]!.length);
    const at = (p: number) =>
      subjects.map((s, i) => ({ subject: s, value: percentile(latencies[i]!, p) }));
    return {
      id: 'point',
      title: 'Parameterized point query, one connection',
      method: [
        `\`SELECT * FROM ${subjects[0]?.table ?? 't_point'} WHERE id = $1\` on a table of ${formatNumber(o.rows)} rows (the stream table's columns and first rows, in id order), through node-postgres \`client.query({ text, values: [id] })\`:`,
        `the extended protocol with an unnamed statement (Parse, Bind, Describe, Execute, Sync per query), default type parsing, each query checked to return one row.`,
        `Ids uniformly random in 1..${formatNumber(o.rows)} (seeded, the same for every server).`,
        `${n} timed queries per server in ${o.rounds} rounds of ${batch}, the servers taking turns each round, after ${o.warmupRounds} warm-up round(s); latency = client round trip of one query; queries/s = ${batch} / median round time.`,
        `Lakeshift scans Parquet (no index). Anchors: PostgreSQL on a heap table without an index (first anchor; sequential scan) and on a copy with a primary key on id (index scan).`,
        `Target: Lakeshift p50 ≤ ${TARGET_P50_MS} ms.`,
      ].join(' '),
      measurements: [
        ...compare(at(50), {
          name: (who) => `${who}: p50 latency of ${n} point queries`,
          short: (who) => `${who}: point p50`,
          unit: 'ms',
          target: { on: 'value', op: '<=', threshold: TARGET_P50_MS },
        }),
        ...compare(at(95), {
          name: (who) => `${who}: p95 latency of ${n} point queries`,
          short: (who) => `${who}: point p95`,
          unit: 'ms',
        }),
        ...compare(at(99), {
          name: (who) => `${who}: p99 latency of ${n} point queries`,
          short: (who) => `${who}: point p99`,
          unit: 'ms',
        }),
        ...compare(
          subjects.map((s, i) => ({
            subject: s,
            value: qps(timings[i]!.medianMs),
            samples: timings[i]!.samplesMs,
          })),
          {
            name: (who) => `${who}: point queries/s, 1 connection`,
            short: (who) => `${who}: 1 conn`,
            unit: 'queries/s',
          },
        ),
      ],
      notes: [`Latency distribution (ms):\n\n${latencyTable(subjects, latencies)}`],
    };
  } finally {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
  }
}

export interface ConcurrentOptions {
  rows: number;
  clients: number;
  /** Queries per run, over all clients. */
  queries: number;
  warmup: number;
  runs: number;
  seed: number;
}

export async function concurrentBenchmark(
  ctx: SuiteContext,
  subjects: readonly Subject[],
  o: ConcurrentOptions,
): Promise<BenchmarkResult> {
  // One pool of connections per server; the PostgreSQL subjects (two tables) share theirs.
  const pools = new Map<Endpoint, pg.Client[]>();
  const ids = randomIds(o.seed, o.queries * (o.warmup + o.runs), o.rows);
  try {
    for (const s of subjects) {
      if (pools.has(s.endpoint)) continue;
      ctx.log(`concurrent: opening ${o.clients} connections to ${s.endpoint.system}`);
      const pool = await Promise.all(
        Array.from({ length: o.clients }, () => connect(s.endpoint, ctx.log)),
      );
      pools.set(s.endpoint, pool);
    }
    const latencies: number[][] = subjects.map(() => []);
    const roundOf = subjects.map(() => 0);
    ctx.log(
      `concurrent: ${formatNumber(o.queries)} queries from ${o.clients} connections per run, ${o.runs} runs (+${o.warmup} warm-up)`,
    );
    const timings = await measureInterleaved(
      subjects.map((s, i) => ({
        run: async () => {
          const round = roundOf[i]!++;
          const mine = ids.slice(round * o.queries, (round + 1) * o.queries);
          const text = textOf(s);
          let next = 0;
          await Promise.all(
            pools.get(s.endpoint)!.map(async (client) => {
              for (let k = next++; k < mine.length; k = next++) {
                const start = nowNs();
                await pointQuery(client, text, mine[k]!);
                if (round >= o.warmup) latencies[i]!.push(elapsedMs(start));
              }
            }),
          );
        },
      })),
      { warmup: o.warmup, runs: o.runs },
    );
    const qps = (ms: number) => o.queries / (ms / 1000);
    subjects.forEach((s, i) =>
      ctx.log(
        `concurrent: ${s.label}, ${o.clients} connections: ${formatNumber(qps(timings[i]!.medianMs))} queries/s, p50 ${formatNumber(percentile(latencies[i]!, 50))} ms, p99 ${formatNumber(percentile(latencies[i]!, 99))} ms`,
      ),
    );
    return {
      id: `concurrent-${o.clients}`,
      title: `Parameterized point query, ${o.clients} concurrent connections`,
      method: [
        `The point query of the previous benchmark (same table, same client call), issued by ${o.clients} node-postgres connections at once,`,
        `each taking the next id as soon as its previous query answered, until ${formatNumber(o.queries)} queries were done (one run).`,
        `All connections live in this one Node process (one event loop), on the same machine as the servers.`,
        `The servers are measured round-robin; figure: ${formatNumber(o.queries)} / median run time of ${o.runs} runs after ${o.warmup} warm-up run(s);`,
        `latency percentiles over every timed query of the ${o.runs} runs (client round trip, queueing in the server included). No target.`,
      ].join(' '),
      measurements: [
        ...compare(
          subjects.map((s, i) => ({
            subject: s,
            value: qps(timings[i]!.medianMs),
            samples: timings[i]!.samplesMs,
          })),
          {
            name: (who) => `${who}: point queries/s, ${o.clients} connections`,
            short: (who) => `${who}: ${o.clients} conns`,
            unit: 'queries/s',
          },
        ),
        ...[50, 99].flatMap((p) =>
          compare(
            subjects.map((s, i) => ({ subject: s, value: percentile(latencies[i]!, p) })),
            {
              name: (who) => `${who}: p${p} latency, ${o.clients} connections`,
              short: (who) => `${who}: ${o.clients} conns p${p}`,
              unit: 'ms',
            },
          ),
        ),
      ],
      notes: [`Latency of one query under this load (ms):\n\n${latencyTable(subjects, latencies)}`],
    };
  } finally {
    await Promise.all([...pools.values()].flat().map((c) => c.end().catch(() => undefined)));
  }
}
