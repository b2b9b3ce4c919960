// Suite `translate`: the SQL front end on TPC-H's 22 queries (Redshift syntax, the conformance
// test's texts) over a lake holding TPC-H data at a small scale, in process (no wire):
//   1. uncached: parse → bind against the catalog → DuckDB SQL, per query, p50 over all
//      samples                                                         target p50 ≤ 1 ms
//   2. cached: the same statement again through the session's translation cache (text → parsed
//      statement → translation under the current key)                  target p50 ≤ 50 µs
// Anchor of both: DuckDB preparing the generated SQL itself (its own parse, bind and plan),
// measured in the same run. Options: --scale F (TPC-H scale factor of the data, default 0.01;
// --quick 0.001), --iterations N (timed translations per query, default 200; --quick 30).
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { translateQuery } from '../../src/session/rows.js';
import { parseStatements, statementText, type Query, type Statement } from '../../src/sql/index.js';
import { openLocalSession, quietSink } from '../../test/support/session.js';
import { TpchGenerator, TPCH_TABLES } from '../../test/support/tpc/tpch-data.js';
import { formatNumber } from '../lib/format.js';
import { median, nowNs, elapsedMs } from '../lib/timing.js';
import type { Measurement, Suite } from '../lib/types.js';

const QUERY_DIR = join(import.meta.dirname, '..', '..', 'test', 'conformance', 'tpc', 'tpch');

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

const suite: Suite = {
  name: 'translate',
  description: 'SQL front end: TPC-H queries parsed, bound and translated (cold and cached)',
  async run(ctx) {
    const scale = Number(ctx.args['scale'] ?? (ctx.quick ? 0.001 : 0.01));
    const iterations = ctx.intArg('iterations', 200, 30);
    const dataDir = join(ctx.workDir, 'lake');
    mkdirSync(dataDir, { recursive: true });
    const local = await openLocalSession(dataDir);
    const session = local.session;
    try {
      ctx.log(`loading TPC-H at scale ${scale}`);
      await session.simpleQuery(readFileSync(join(QUERY_DIR, 'schema.sql'), 'utf8'), quietSink());
      const data = new TpchGenerator({ scale });
      for (const def of TPCH_TABLES) {
        const table = data.table(def.name);
        await session.simpleQuery(
          `COPY ${def.name} FROM STDIN WITH (FORMAT csv)`,
          quietSink(table.csv(10_000)),
        );
      }
      const files = readdirSync(QUERY_DIR)
        .filter((f) => /^q\d\d\.sql$/.test(f))
        .sort();
      // A file is one query, or (Q15) statements around it: a view made before, dropped after.
      const queries = files.map((f) => {
        const text = readFileSync(join(QUERY_DIR, f), 'utf8');
        const statements = parseStatements(text);
        const at = statements.findIndex((s) => s.kind === 'Query');
        if (at < 0) throw new Error(`${f} has no query`);
        const piece = (s: Statement) => statementText(text, s);
        return {
          name: f.slice(0, 3),
          text: piece(statements[at]!),
          before: statements.slice(0, at).map(piece),
          after: statements.slice(at + 1).map(piece),
        };
      });
      for (const q of queries)
        for (const sql of q.before) await session.simpleQuery(sql, quietSink());
      ctx.log(`timing ${queries.length} queries × ${iterations}`);
      const cold: number[] = [];
      const warm: number[] = [];
      const duck: number[] = [];
      const perQuery: { name: string; cold: number; warm: number; duck: number }[] = [];
      // One transaction (one snapshot) throughout, as within a statement.
      await session.simpleQuery('BEGIN', quietSink());
      for (const q of queries) {
        const mine: number[] = [];
        const cached: number[] = [];
        const prep: number[] = [];
        for (let i = 0; i < iterations + 5; i++) {
          // Uncached: parse the text and translate with the cache bypassed.
          let t0 = nowNs();
          const [stmt] = parseStatements(q.text);
          const t = await translateQuery(session, stmt as Query, [], false);
          const coldMs = elapsedMs(t0);
          // Cached: the path a repeated statement takes.
          t0 = nowNs();
          const [again] = session.translations.parse(q.text);
          await translateQuery(session, again as Query, []);
          const warmMs = elapsedMs(t0);
          t0 = nowNs();
          const prepared = await session.engine.prepare(t.sql);
          const duckMs = elapsedMs(t0);
          prepared.close();
          if (i < 5) continue;
          mine.push(coldMs);
          cached.push(warmMs);
          prep.push(duckMs);
        }
        cold.push(...mine);
        warm.push(...cached);
        duck.push(...prep);
        perQuery.push({
          name: q.name,
          cold: median(mine),
          warm: median(cached),
          duck: median(prep),
        });
      }
      await session.simpleQuery('ROLLBACK', quietSink());
      for (const q of queries)
        for (const sql of q.after) await session.simpleQuery(sql, quietSink());
      for (const xs of [cold, warm, duck]) xs.sort((a, b) => a - b);
      const duckP50 = percentile(duck, 0.5);
      const worst = perQuery.reduce((a, b) => (b.cold > a.cold ? b : a));
      const measurements: Measurement[] = [
        {
          name: 'translate a TPC-H query (parse + bind + DuckDB SQL), p50 of all',
          short: 'translate p50',
          value: percentile(cold, 0.5),
          unit: 'ms',
          anchors: [
            {
              label: 'DuckDB prepares the generated SQL, p50',
              short: 'DuckDB prepare',
              value: duckP50,
            },
          ],
          target: { on: 'value', op: '<=', threshold: 1 },
          note: `p95 ${formatNumber(percentile(cold, 0.95))} ms; slowest query ${worst.name} p50 ${formatNumber(worst.cold)} ms`,
        },
        {
          name: 'cached statement (parse cache + translation cache hit), p50 of all',
          short: 'cached p50',
          value: percentile(warm, 0.5),
          unit: 'ms',
          anchors: [
            {
              label: 'DuckDB prepares the generated SQL, p50',
              short: 'DuckDB prepare',
              value: duckP50,
            },
          ],
          target: { on: 'value', op: '<=', threshold: 0.05 },
          note: `p95 ${formatNumber(percentile(warm, 0.95) * 1000)} µs`,
        },
      ];
      const table = [
        '| query | translate p50 (ms) | cached p50 (µs) | DuckDB prepare p50 (ms) |',
        '| --- | --- | --- | --- |',
        ...perQuery.map(
          (q) =>
            `| ${q.name} | ${formatNumber(q.cold)} | ${formatNumber(q.warm * 1000)} | ${formatNumber(q.duck)} |`,
        ),
      ];
      return {
        parameters: { scale, iterations, queries: queries.length },
        benchmarks: [
          {
            id: 'translate',
            title: 'Translating TPC-H queries (Redshift syntax) to DuckDB SQL',
            method:
              `TPC-H data at scale ${scale} loaded through COPY into a lake (SQLite catalog); one in-process session ` +
              `inside one transaction. Per query, ${iterations} timed rounds after 5 warm-up rounds: parse + bind + ` +
              'code generation with the translation cache bypassed; then the cached path (text → cached statement → ' +
              'cached translation); then DuckDB preparing the generated SQL (the anchor: the engine’s own parse, ' +
              'bind and plan of the same query). p50 over all samples of all queries.',
            measurements,
            notes: [table.join('\n')],
          },
        ],
      };
    } finally {
      await local.close();
    }
  },
};

export default suite;
