// Suite `super` (issue 5): SUPER over JSON documents on a real Lakeshift server, against DuckDB's
// own json functions on the same documents in the same run (the anchor, in process).
//   1. parse: INSERT INTO t_super SELECT JSON_PARSE(doc) FROM t_text      target ≤ 1.5× DuckDB's
//      `INSERT INTO j_super SELECT CAST(doc AS JSON) FROM t_text` (a second anchor: json(doc))
//   2. extract: five SUPER navigations (d.customer.id, d.items[0].sku, d.total, d.a.b.c,
//      d.status) aggregated over every row                                target ≤ 1.5× DuckDB's
//      json_extract (-> / ->>) of the same paths over its JSON table
//   3. parse + extract in one query straight from the text column        target ≤ 1.5×
// Documents: order events of about 1 KB (super/documents.ts), deterministic, written once as CSV;
// Lakeshift loads them through COPY FROM STDIN (psql \copy), DuckDB through read_csv.
// A profile then times each step of the JSON_PARSE macro (src/sql/bind/super-macros.ts) and the
// translated navigation directly in the anchor DuckDB.
// Options: --docs N (default 1M; --quick 20k), --seed N (42), --runs N (timed rounds, 3),
// --warmup N (1), --only parse,extract,parse-extract, --no-profile, --lakeshift-root DIR.
import { join, resolve } from 'node:path';
import type pg from 'pg';
import { formatNumber } from '../lib/format.js';
import { elapsedMs, measureInterleaved, nowNs, type Timing } from '../lib/timing.js';
import type { BenchmarkResult, Measurement, Suite, SuiteContext } from '../lib/types.js';
import { openAnchor, type Anchor } from './super/anchor.js';
import { writeDocumentsCsv } from './super/documents.js';
import { profileSteps } from './super/profile.js';
import {
  DUCKDB,
  LAKESHIFT,
  normalize,
  PATHS,
  sameAggregates,
  type Aggregates,
} from './super/queries.js';
import { psql } from './wire/load.js';
import { REPO_ROOT } from '../lib/paths.js';
import { connect, startLakeshift, type Endpoint } from './wire/servers.js';

const BENCHMARKS = ['parse', 'extract', 'parse-extract'] as const;
type BenchmarkId = (typeof BENCHMARKS)[number];
const TARGET = { on: 'ratio', op: '<=', threshold: 1.5 } as const;

function stringArg(ctx: SuiteContext, key: string): string | undefined {
  const v = ctx.args[key];
  if (v === true) throw new Error(`--${key} needs a value`);
  return v;
}

function only(ctx: SuiteContext): Set<BenchmarkId> {
  const text = stringArg(ctx, 'only');
  if (text === undefined) return new Set(BENCHMARKS);
  const picked = text.split(',').map((s) => s.trim());
  for (const p of picked)
    if (!(BENCHMARKS as readonly string[]).includes(p))
      throw new Error(`--only: unknown benchmark "${p}" (${BENCHMARKS.join(', ')})`);
  return new Set(picked as BenchmarkId[]);
}

async function lakeshiftRow(client: pg.Client, sql: string): Promise<unknown[]> {
  const result = await client.query({ text: sql, rowMode: 'array' });
  return (result.rows[0] as unknown[] | undefined) ?? [];
}

function measurement(
  name: string,
  short: string,
  mine: Timing,
  anchors: { label: string; short: string; timing: Timing }[],
  note: string,
): Measurement {
  return {
    name,
    short,
    value: mine.medianMs,
    unit: 'ms',
    anchors: anchors.map((a) => ({ label: a.label, short: a.short, value: a.timing.medianMs })),
    target: TARGET,
    samples: mine.samplesMs,
    note,
  };
}

function resultsNote(mine: Aggregates, anchor: Aggregates): string {
  return sameAggregates(mine, anchor)
    ? `same aggregates on both (${mine.join(', ')})`
    : `AGGREGATES DIFFER: Lakeshift (${mine.join(', ')}) vs DuckDB (${anchor.join(', ')})`;
}

const suite: Suite = {
  name: 'super',
  description:
    'SUPER: JSON_PARSE + 5 path extractions over 1M 1-KB documents vs DuckDB json (≤ 1.5×)',
  async run(ctx) {
    const docs = ctx.intArg('docs', 1_000_000, 20_000);
    const seed = ctx.intArg('seed', 42, 42);
    const runs = ctx.intArg('runs', 3, 3);
    const warmup = ctx.intArg('warmup', 1, 1);
    const picked = only(ctx);
    const profile = ctx.args['no-profile'] !== true;
    const root = resolve(stringArg(ctx, 'lakeshift-root') ?? REPO_ROOT);

    const csv = join(ctx.workDir, `docs-${docs}.csv`);
    ctx.log(`writing ${formatNumber(docs)} documents to ${csv}`);
    let t0 = nowNs();
    const jsonBytes = await writeDocumentsCsv(csv, seed, docs);
    ctx.log(
      `  ${formatNumber(jsonBytes / 1e6)} MB of JSON (${formatNumber(jsonBytes / docs)} bytes a document) in ${formatNumber(elapsedMs(t0) / 1000)} s`,
    );

    let endpoint: Endpoint | undefined;
    let client: pg.Client | undefined;
    let anchor: Anchor | undefined;
    try {
      endpoint = await startLakeshift(root, join(ctx.workDir, 'lakeshift'), ctx.log);
      const e = endpoint;
      client = await connect(e, ctx.log);
      const c = client;
      await c.query(LAKESHIFT.createText);
      t0 = nowNs();
      await psql(e, `\\copy t_text from '${csv}' with (format csv)`);
      const lakeshiftLoadMs = elapsedMs(t0);
      ctx.log(`Lakeshift: COPY of the text in ${formatNumber(lakeshiftLoadMs / 1000)} s`);
      t0 = nowNs();
      anchor = await openAnchor(join(ctx.workDir, 'anchor.duckdb'), csv);
      const a = anchor;
      const anchorLoadMs = elapsedMs(t0);
      ctx.log(
        `DuckDB ${a.version}: read_csv of the text in ${formatNumber(anchorLoadMs / 1000)} s`,
      );
      const [lakeshiftCount] = await lakeshiftRow(c, 'SELECT count(*) FROM t_text');
      const [anchorCount] = await a.row('SELECT count(*) FROM t_text');
      if (Number(lakeshiftCount) !== docs || Number(anchorCount) !== docs)
        throw new Error(`loaded ${lakeshiftCount} / ${anchorCount} documents, expected ${docs}`);

      const benchmarks: BenchmarkResult[] = [];
      const method =
        `${formatNumber(docs)} order-event documents (seed ${seed}; ${formatNumber(jsonBytes / docs)} bytes of ` +
        'compact JSON each: nested objects, an array of 2–4 item objects, strings, integers, decimals, booleans, ' +
        'nulls), loaded as text into `t_text`: on Lakeshift through COPY FROM STDIN (psql \\copy, a lake table), ' +
        'in the anchor DuckDB (in this process, a database file, default settings) through read_csv. ' +
        `Lakeshift runs as a server started from this checkout (node-postgres, result cache off). ${warmup} ` +
        `warm-up and ${runs} timed rounds, the two systems alternating (lib/timing.ts measureInterleaved); median.`;
      const measurements: Measurement[] = [];
      const notes: string[] = [];

      // The parse runs first: its last run leaves t_super and j_super for the extraction.
      if (picked.has('parse') || picked.has('extract')) {
        ctx.log('parse: JSON_PARSE into SUPER vs CAST(doc AS JSON) and json(doc)');
        const [mine, cast, min] = await measureInterleaved(
          [
            {
              before: async () => {
                await c.query(LAKESHIFT.dropSuper);
                await c.query(LAKESHIFT.createSuper);
              },
              run: () => c.query(LAKESHIFT.parse),
            },
            { before: () => a.run(DUCKDB.createJson), run: () => a.run(DUCKDB.parse) },
            { before: () => a.run(DUCKDB.createMin), run: () => a.run(DUCKDB.parseMin) },
          ],
          // Only the tables are needed when the parse is not asked for.
          picked.has('parse') ? { warmup, runs } : { warmup: 0, runs: 3 },
        );
        await a.run('DROP TABLE j_min');
        if (picked.has('parse'))
          measurements.push(
            measurement(
              'INSERT … SELECT JSON_PARSE(doc) into a SUPER column',
              'parse: JSON_PARSE into SUPER',
              mine!,
              [
                {
                  label: 'DuckDB: CAST(doc AS JSON) into a JSON column',
                  short: 'DuckDB CAST AS JSON',
                  timing: cast!,
                },
                {
                  label: 'DuckDB: json(doc) (minified) into a JSON column',
                  short: 'DuckDB json()',
                  timing: min!,
                },
              ],
              `${formatNumber((docs / mine!.medianMs) * 1000)} documents/s; DuckDB CAST ` +
                `${formatNumber((docs / cast!.medianMs) * 1000)}/s`,
            ),
          );
      }
      if (picked.has('extract')) {
        ctx.log(`extract: ${PATHS.join(', ')}`);
        const mineRow = normalize(await lakeshiftRow(c, LAKESHIFT.extract));
        const anchorRow = normalize(await a.row(DUCKDB.extract));
        const [mine, duck] = await measureInterleaved(
          [{ run: () => c.query(LAKESHIFT.extract) }, { run: () => a.row(DUCKDB.extract) }],
          { warmup, runs },
        );
        measurements.push(
          measurement(
            'five SUPER navigations aggregated over t_super',
            'extract: 5 paths over SUPER',
            mine!,
            [
              {
                label: 'DuckDB: -> / ->> of the same paths over its JSON table',
                short: 'DuckDB ->/->>',
                timing: duck!,
              },
            ],
            resultsNote(mineRow, anchorRow),
          ),
        );
      }
      if (picked.has('parse-extract')) {
        ctx.log('parse-extract: JSON_PARSE and the five paths in one query from the text');
        const mineRow = normalize(await lakeshiftRow(c, LAKESHIFT.parseExtract));
        const anchorRow = normalize(await a.row(DUCKDB.parseExtract));
        const [mine, duck] = await measureInterleaved(
          [
            { run: () => c.query(LAKESHIFT.parseExtract) },
            { run: () => a.row(DUCKDB.parseExtract) },
          ],
          { warmup, runs },
        );
        measurements.push(
          measurement(
            'JSON_PARSE(doc) and five navigations in one query over t_text',
            'parse + extract from text',
            mine!,
            [
              {
                label: 'DuckDB: CAST(doc AS JSON) and -> / ->> in one query',
                short: 'DuckDB CAST + ->/->>',
                timing: duck!,
              },
            ],
            resultsNote(mineRow, anchorRow),
          ),
        );
      }
      if (profile) {
        ctx.log('profile: the JSON_PARSE macro and the navigation, step by step, in DuckDB');
        notes.push(await profileSteps(a, docs, ctx.log));
      }
      benchmarks.push({
        id: 'super',
        title: `SUPER: JSON_PARSE and five path extractions over ${formatNumber(docs)} JSON documents`,
        method,
        measurements,
        notes: [
          `Loading the text (not timed against a target): Lakeshift COPY ${formatNumber(lakeshiftLoadMs / 1000)} s, ` +
            `DuckDB read_csv ${formatNumber(anchorLoadMs / 1000)} s.`,
          ...notes,
        ],
      });
      return {
        parameters: {
          docs,
          seed,
          runs,
          warmup,
          'bytes per document': Math.round(jsonBytes / docs),
          DuckDB: a.version,
        },
        benchmarks,
      };
    } finally {
      anchor?.close();
      await client?.end().catch(() => undefined);
      await endpoint?.stop();
    }
  },
};

export default suite;
