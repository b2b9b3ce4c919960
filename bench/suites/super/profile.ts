// Where the time of JSON_PARSE and of SUPER navigation goes: each step of the product's macros
// (src/sql/bind/super-macros.ts, created in the anchor database) and the navigation SQL the binder
// generates, timed one by one in the anchor DuckDB over a sample of the documents, beside DuckDB's
// own functions. Each step is an aggregate over the sample, so nothing is materialized.
import { formatNumber } from '../../lib/format.js';
import { measure } from '../../lib/timing.js';
import { MACRO_SCHEMA, type Anchor } from './anchor.js';

const M = MACRO_SCHEMA;

/**
 * The DuckDB SQL Lakeshift's binder generates for the suite's extraction query (LAKESHIFT.extract),
 * as printed by translateQuery at the time of writing, over the anchor's JSON table: a lax cast to
 * VARCHAR is json_type + json_extract_string of a json_extract, so those paths extract twice.
 */
const LAKESHIFT_NAVIGATION =
  `SELECT count(json_extract("d", '$."customer"."id"')), ` +
  `max((CASE WHEN json_type(json_extract("d", '$."items"[0]."sku"')) IN ('OBJECT', 'ARRAY') THEN NULL ` +
  `ELSE json_extract_string(json_extract("d", '$."items"[0]."sku"'), '$') END)), ` +
  `sum(TRY_CAST(json_extract("d", '$."total"') AS DOUBLE)), count(json_extract("d", '$."a"."b"."c"')), ` +
  `max((CASE WHEN json_type(json_extract("d", '$."status"')) IN ('OBJECT', 'ARRAY') THEN NULL ` +
  `ELSE json_extract_string(json_extract("d", '$."status"'), '$') END)) FROM j_sample`;

const STEPS: { name: string; sql: string }[] = [
  { name: 'DuckDB: CAST(doc AS JSON)', sql: 'SELECT sum(length(CAST(doc AS JSON))) FROM t_sample' },
  { name: 'DuckDB: json(doc) (minifies)', sql: 'SELECT sum(length(json(doc))) FROM t_sample' },
  { name: 'json_valid(doc)', sql: 'SELECT count(*) FROM t_sample WHERE json_valid(doc)' },
  {
    name: `${M}.json_strict(doc): json_valid + the lenient-syntax regexps`,
    sql: `SELECT count(*) FROM t_sample WHERE ${M}.json_strict(doc)`,
  },
  {
    name: `${M}.json_min(doc): regexp_replace of the whitespace outside strings`,
    sql: `SELECT sum(length(${M}.json_min(doc))) FROM t_sample`,
  },
  {
    name: `CAST(${M}.json_min(doc) AS JSON)`,
    sql: `SELECT sum(length(CAST(${M}.json_min(doc) AS JSON))) FROM t_sample`,
  },
  {
    name: `${M}.json_parse(doc): the whole macro`,
    sql: `SELECT sum(length(${M}.json_parse(doc))) FROM t_sample`,
  },
  {
    name: 'navigation as Lakeshift translates it (5 paths, over JSON)',
    sql: LAKESHIFT_NAVIGATION,
  },
  {
    name: 'navigation with DuckDB -> / ->> (5 paths, over JSON)',
    sql:
      "SELECT count(d -> '$.customer.id'), max(d ->> '$.items[0].sku'), sum(CAST(d ->> '$.total' AS DOUBLE)), " +
      "count(d -> '$.a.b.c'), max(d ->> '$.status') FROM j_sample",
  },
];

/** Times each step over the first `sample` documents; returns a Markdown note. */
export async function profileSteps(
  a: Anchor,
  docs: number,
  log: (m: string) => void,
  sample = Math.min(docs, 200_000),
): Promise<string> {
  await a.run(`CREATE OR REPLACE TABLE t_sample AS SELECT doc FROM t_text LIMIT ${sample}`);
  await a.run('CREATE OR REPLACE TABLE j_sample AS SELECT CAST(doc AS JSON) AS d FROM t_sample');
  const rows = [
    `Profile (one warm-up, three runs, median; in the anchor DuckDB over ${formatNumber(sample)} of the documents; ` +
      `the product's macros as created by super-macros.ts):`,
    '',
    '| step | ms | µs per document |',
    '| --- | --- | --- |',
  ];
  for (const step of STEPS) {
    const t = await measure(() => a.row(step.sql), { warmup: 1, runs: 3 });
    log(`  ${step.name}: ${formatNumber(t.medianMs)} ms`);
    rows.push(
      `| ${step.name} | ${formatNumber(t.medianMs)} | ${formatNumber((t.medianMs * 1000) / sample)} |`,
    );
  }
  await a.run('DROP TABLE t_sample');
  await a.run('DROP TABLE j_sample');
  return rows.join('\n');
}
