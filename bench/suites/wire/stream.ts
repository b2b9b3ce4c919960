// Benchmark 1: a narrow result of every row of the stream table (`SELECT id, k, name, amount
// FROM t`) streamed to (a) node-postgres, row by row without keeping the rows, and (b) psql's
// `COPY (SELECT …) TO STDOUT` into /dev/null. Figure: rows/s. Target: Lakeshift's rows/s at
// least PostgreSQL's (ratio ≥ 1.0). Subjects measured round-robin; each delivers the full row
// count once before timing (checked), then warm-up rounds, then the median of the timed rounds.
import type pg from 'pg';
import { formatNumber } from '../../lib/format.js';
import { measureInterleaved, type Timing } from '../../lib/timing.js';
import type { BenchmarkResult, SuiteContext } from '../../lib/types.js';
import { psqlCopyCount, psqlCopyToNull, streamRows } from './clients.js';
import { compare, type Subject } from './compare.js';
import { SELECT_LIST } from './load.js';
import { connect } from './servers.js';

export interface StreamOptions {
  rows: number;
  warmup: number;
  runs: number;
}

const TARGET = { on: 'ratio', op: '>=', threshold: 1.0 } as const;

export async function streamBenchmark(
  ctx: SuiteContext,
  subjects: readonly Subject[],
  o: StreamOptions,
): Promise<BenchmarkResult> {
  const sqlOf = (s: Subject) => `SELECT ${SELECT_LIST} FROM ${s.table}`;
  const clients: pg.Client[] = [];
  try {
    for (const s of subjects) clients.push(await connect(s.endpoint, ctx.log));

    // The answer first: every subject must deliver every row, or the rate means nothing. A
    // server whose psql COPY fails loses the psql measurement (noted), not the benchmark.
    const notes: string[] = [];
    let psqlOk = true;
    for (const [i, s] of subjects.entries()) {
      const viaPg = await streamRows(clients[i]!, sqlOf(s));
      if (viaPg !== o.rows)
        throw new Error(
          `stream: ${s.label} delivered ${viaPg} rows to node-postgres, expected ${o.rows}`,
        );
      try {
        const viaPsql = await psqlCopyCount(s.endpoint, sqlOf(s));
        if (viaPsql !== o.rows) throw new Error(`${viaPsql} rows, expected ${o.rows}`);
      } catch (e) {
        psqlOk = false;
        const why = (e instanceof Error ? e.message : String(e)).split('\n')[0];
        ctx.log(`stream: psql COPY TO STDOUT from ${s.label} failed: ${why}`);
        notes.push(
          `psql \`COPY … TO STDOUT\` from ${s.label} failed, so (b) was not measured: ${why}`,
        );
      }
    }

    ctx.log(`stream: ${formatNumber(o.rows)} rows to node-postgres, ${subjects.length} subject(s)`);
    const pgTimings = await measureInterleaved(
      subjects.map((s, i) => ({ run: () => streamRows(clients[i]!, sqlOf(s)) })),
      { warmup: o.warmup, runs: o.runs },
    );
    let psqlTimings: Timing[] = [];
    if (psqlOk) {
      ctx.log(`stream: ${formatNumber(o.rows)} rows to psql COPY TO STDOUT`);
      psqlTimings = await measureInterleaved(
        subjects.map((s) => ({ run: () => psqlCopyToNull(s.endpoint, sqlOf(s)) })),
        { warmup: o.warmup, runs: o.runs },
      );
    }
    const rate = (ms: number) => o.rows / (ms / 1000);
    subjects.forEach((s, i) =>
      ctx.log(
        `stream: ${s.label}: node-postgres ${formatNumber(rate(pgTimings[i]!.medianMs))} rows/s${psqlOk ? `, psql ${formatNumber(rate(psqlTimings[i]!.medianMs))} rows/s` : ''}`,
      ),
    );
    const rows = formatNumber(o.rows);
    return {
      id: 'stream',
      title: `Streaming a ${rows}-row narrow result to a client`,
      method: [
        `\`SELECT ${SELECT_LIST} FROM t\` over all ${rows} rows of t (id bigint, k int, name varchar(32), amount decimal(12,2)),`,
        `to (a) node-postgres, simple query protocol: a \`pg.Query\` with \`rowMode: 'array'\`, a type parser returning the raw text and a 'row' listener (no callback, so no row is kept);`,
        `and (b) \`psql -X -c "copy (SELECT …) to stdout" > /dev/null\`, a new psql process per run (its start-up included).`,
        `Before timing, each server's full row count is checked through both clients.`,
        `The servers are measured round-robin; figure: rows / median time of ${o.runs} rounds after ${o.warmup} warm-up round(s).`,
        `Ratio = Lakeshift / PostgreSQL (no index; a sequential scan either way); target ≥ ${TARGET.threshold}×.`,
      ].join(' '),
      measurements: [
        ...compare(
          subjects.map((s, i) => ({
            subject: s,
            value: rate(pgTimings[i]!.medianMs),
            samples: pgTimings[i]!.samplesMs,
          })),
          {
            name: (who) => `${who}: ${rows} rows to node-postgres (row events, raw text)`,
            short: (who) => `${who}: node-postgres`,
            unit: 'rows/s',
            target: TARGET,
          },
        ),
        ...compare(
          psqlTimings.map((t, i) => ({
            subject: subjects[i]!,
            value: rate(t.medianMs),
            samples: t.samplesMs,
          })),
          {
            name: (who) => `${who}: ${rows} rows to psql COPY … TO STDOUT > /dev/null`,
            short: (who) => `${who}: psql COPY TO STDOUT`,
            unit: 'rows/s',
            target: TARGET,
          },
        ),
      ],
      notes,
    };
  } finally {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
  }
}
