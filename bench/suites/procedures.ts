// Suite `procedures` (issue 8): stored procedures on a real Lakeshift server, beside PostgreSQL
// 15's PL/pgSQL running the same procedures in the same run.
//   1. loop: CALL of a procedure running N iterations (default 100,000) of assignments and an IF
//      — target ≤ 1 s; anchor: the same procedure on PostgreSQL.
//   2. inserts: CALL of a procedure looping over 1,000 single-row INSERTs into a table, beside
//      the same 1,000 INSERTs sent by a client (node-postgres) in one transaction (the anchor),
//      on Lakeshift and on PostgreSQL.
// Each run checks what the procedure did (the loop's result, the table's row count).
// Options: --iterations N (100,000; --quick 10,000), --inserts N (1,000; --quick 100),
// --runs N (3), --warmup N (1).
import type pg from 'pg';
import { REPO_ROOT } from '../lib/paths.js';
import { measureInterleaved } from '../lib/timing.js';
import type { BenchmarkResult, Suite, SuiteContext } from '../lib/types.js';
import {
  connect,
  serverVersion,
  startLakeshift,
  startPostgresEndpoint,
  stopEndpoints,
  type Endpoint,
} from './wire/servers.js';
import { join } from 'node:path';

const loopProcedure = (n: number) => `
CREATE OR REPLACE PROCEDURE bench_loop(INOUT result int) AS $$
DECLARE
  i int := 0;
  evens int := 0;
  odds int := 0;
BEGIN
  WHILE i < ${n} LOOP
    i := i + 1;
    IF i % 2 = 0 THEN
      evens := evens + 1;
    ELSE
      odds := odds + 1;
    END IF;
  END LOOP;
  result := evens - odds + i;
END;
$$ LANGUAGE plpgsql`;

const insertProcedure = (n: number) => `
CREATE OR REPLACE PROCEDURE bench_inserts() AS $$
BEGIN
  FOR i IN 1..${n} LOOP
    INSERT INTO bench_rows VALUES (i, 'row ' || i);
  END LOOP;
END;
$$ LANGUAGE plpgsql`;

async function clientInserts(c: pg.Client, n: number): Promise<void> {
  await c.query('BEGIN');
  for (let i = 1; i <= n; i++) await c.query(`INSERT INTO bench_rows VALUES (${i}, 'row ${i}')`);
  await c.query('COMMIT');
}

async function rowCount(c: pg.Client): Promise<number> {
  const r = await c.query<{ n: string }>('SELECT count(*) AS n FROM bench_rows');
  return Number(r.rows[0]!.n);
}

const suite: Suite = {
  name: 'procedures',
  description:
    'stored procedures: a 100,000-iteration loop, and 1,000 INSERTs in a procedure vs a client',
  async run(ctx: SuiteContext) {
    const iterations = ctx.intArg('iterations', 100_000, 10_000);
    const inserts = ctx.intArg('inserts', 1_000, 100);
    const runs = ctx.intArg('runs', 3, 3);
    const warmup = ctx.intArg('warmup', 1, 0);
    const started: Endpoint[] = [];
    try {
      ctx.log('starting Lakeshift and PostgreSQL 15');
      const lake = await startLakeshift(REPO_ROOT, join(ctx.workDir, 'lakeshift'), ctx.log);
      started.push(lake);
      const postgres = await startPostgresEndpoint();
      started.push(postgres);
      const ls = await connect(lake, ctx.log);
      const pgc = await connect(postgres, ctx.log);
      const versions = { lakeshift: await serverVersion(ls), postgres: await serverVersion(pgc) };
      for (const c of [ls, pgc]) {
        await c.query('DROP TABLE IF EXISTS bench_rows');
        await c.query('CREATE TABLE bench_rows (id int, note varchar(40))');
        await c.query(loopProcedure(iterations));
        await c.query(insertProcedure(inserts));
      }
      const expected = iterations; // evens - odds is 0 or -1, plus i
      const checkLoop = async (c: pg.Client) => {
        const r = await c.query<{ result: number }>('CALL bench_loop(0)');
        const got = r.rows[0]!.result;
        if (Math.abs(got - expected) > 1) throw new Error(`bench_loop returned ${got}`);
      };
      ctx.log(`loop of ${iterations} iterations`);
      const [lakeLoop, pgLoop] = await measureInterleaved(
        [{ run: () => checkLoop(ls) }, { run: () => checkLoop(pgc) }],
        { runs, warmup },
      );
      const truncate = (c: pg.Client) => async () => {
        await c.query('TRUNCATE bench_rows');
      };
      const checkRows = (c: pg.Client) => async () => {
        const n = await rowCount(c);
        if (n !== inserts) throw new Error(`${n} rows after ${inserts} inserts`);
      };
      ctx.log(`${inserts} single-row INSERTs, in a procedure and from a client`);
      const [lakeProc, lakeClient, pgProc, pgClient] = await measureInterleaved(
        [
          {
            before: truncate(ls),
            run: () => ls.query('CALL bench_inserts()'),
            after: checkRows(ls),
          },
          { before: truncate(ls), run: () => clientInserts(ls, inserts), after: checkRows(ls) },
          {
            before: truncate(pgc),
            run: () => pgc.query('CALL bench_inserts()'),
            after: checkRows(pgc),
          },
          { before: truncate(pgc), run: () => clientInserts(pgc, inserts), after: checkRows(pgc) },
        ],
        { runs, warmup },
      );
      await ls.end();
      await pgc.end();
      const loop: BenchmarkResult = {
        id: 'loop',
        title: `CALL of a ${iterations.toLocaleString('en-US')}-iteration loop`,
        method:
          `A procedure runs ${iterations.toLocaleString('en-US')} iterations of \`i := i + 1\`, an IF on \`i % 2\` and an ` +
          'assignment in each branch, then returns a result through an INOUT argument (checked every run). ' +
          `Timed: from sending \`CALL bench_loop(0)\` (node-postgres) until its reply; ${runs} runs after ${warmup} warm-up, ` +
          'Lakeshift and PostgreSQL taking turns. Target: at most 1 s (the issue); the ratio is to PostgreSQL 15 running the same procedure.',
        measurements: [
          {
            name: `Lakeshift: ${iterations.toLocaleString('en-US')} iterations in a procedure`,
            short: 'loop (Lakeshift)',
            value: lakeLoop!.medianMs,
            unit: 'ms',
            anchors: [
              {
                label: 'PostgreSQL 15: the same procedure',
                short: 'PostgreSQL',
                value: pgLoop!.medianMs,
              },
            ],
            target: { on: 'value', op: '<=', threshold: 1000 },
            samples: lakeLoop!.samplesMs,
          },
        ],
        notes: [`Servers: ${versions.lakeshift}; ${versions.postgres}.`],
      };
      const insertsResult: BenchmarkResult = {
        id: 'inserts',
        title: `${inserts.toLocaleString('en-US')} single-row INSERTs: in a procedure vs from a client`,
        method:
          `\`CALL bench_inserts()\` loops \`FOR i IN 1..${inserts}\` over \`INSERT INTO bench_rows VALUES (i, 'row ' || i)\`; the anchor sends ` +
          `the same ${inserts.toLocaleString('en-US')} INSERTs from node-postgres between BEGIN and COMMIT. The table is truncated before ` +
          'and its row count checked after every run (not timed). Both systems, all four paths taking turns. No target (the issue asks for the comparison).',
        measurements: [
          {
            name: 'Lakeshift: INSERTs in a procedure',
            short: 'procedure (Lakeshift)',
            value: lakeProc!.medianMs,
            unit: 'ms',
            anchors: [
              {
                label: 'Lakeshift: the same INSERTs from a client in one transaction',
                short: 'client (Lakeshift)',
                value: lakeClient!.medianMs,
              },
              {
                label: 'PostgreSQL 15: INSERTs in the procedure',
                short: 'procedure (PostgreSQL)',
                value: pgProc!.medianMs,
              },
              {
                label: 'PostgreSQL 15: INSERTs from a client',
                short: 'client (PostgreSQL)',
                value: pgClient!.medianMs,
              },
            ],
            samples: lakeProc!.samplesMs,
          },
        ],
      };
      return {
        parameters: { iterations, inserts, runs, warmup, quick: ctx.quick },
        benchmarks: [loop, insertsResult],
      };
    } finally {
      await stopEndpoints(started, ctx.log);
    }
  },
};

export default suite;
