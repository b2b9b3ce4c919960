// The statements of the super suite, on both systems. Lakeshift gets Redshift SQL (JSON_PARSE
// into a SUPER column, navigation with dots and brackets); the anchor gets DuckDB's own json
// functions on the same text. Both compute the same five aggregates of the same five paths, so
// the results are compared before anything is reported.

/** The five paths: a nested integer, an array element's string, a decimal, a three-level path
 * that is missing or null in some documents, a top-level string. */
export const PATHS = ['customer.id', 'items[0].sku', 'total', 'a.b.c', 'status'] as const;

export const LAKESHIFT = {
  createText: 'CREATE TABLE t_text (doc VARCHAR(65535))',
  createSuper: 'CREATE TABLE t_super (d SUPER)',
  dropSuper: 'DROP TABLE IF EXISTS t_super',
  parse: 'INSERT INTO t_super SELECT JSON_PARSE(doc) FROM t_text',
  extract:
    'SELECT count(d.customer.id) AS customers, max(d.items[0].sku::VARCHAR) AS first_sku, ' +
    'sum(d.total::FLOAT8) AS total, count(d.a.b.c) AS abc, max(d.status::VARCHAR) AS status ' +
    'FROM t_super',
  parseExtract:
    'SELECT count(d.customer.id) AS customers, max(d.items[0].sku::VARCHAR) AS first_sku, ' +
    'sum(d.total::FLOAT8) AS total, count(d.a.b.c) AS abc, max(d.status::VARCHAR) AS status ' +
    'FROM (SELECT JSON_PARSE(doc) AS d FROM t_text) AS s',
} as const;

const DUCK_AGGREGATES =
  "count(d -> '$.customer.id') AS customers, max(d ->> '$.items[0].sku') AS first_sku, " +
  "sum(CAST(d ->> '$.total' AS DOUBLE)) AS total, count(d -> '$.a.b.c') AS abc, " +
  "max(d ->> '$.status') AS status";

export const DUCKDB = {
  loadText: (csv: string) =>
    `CREATE TABLE t_text AS SELECT doc FROM read_csv(${quote(csv)}, columns = {'doc': 'VARCHAR'}, ` +
    `header = false, quote = '"', escape = '"', max_line_size = 1048576)`,
  createJson: 'CREATE OR REPLACE TABLE j_super (d JSON)',
  /** The anchor of JSON_PARSE: DuckDB's cast validates the text and stores it as JSON. */
  parse: 'INSERT INTO j_super SELECT CAST(doc AS JSON) FROM t_text',
  createMin: 'CREATE OR REPLACE TABLE j_min (d JSON)',
  /** json() validates and re-serializes minified (numbers re-rendered), nearer JSON_PARSE's work. */
  parseMin: 'INSERT INTO j_min SELECT json(doc) FROM t_text',
  extract: `SELECT ${DUCK_AGGREGATES} FROM j_super`,
  parseExtract: `SELECT ${DUCK_AGGREGATES} FROM (SELECT CAST(doc AS JSON) AS d FROM t_text) AS s`,
} as const;

function quote(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** The aggregates of one system, normalized for comparison (counts and strings as text, the
 * floating point sum rounded: the order of summation differs between plans). */
export type Aggregates = [string, string, string, string, string];

export function normalize(row: readonly unknown[]): Aggregates {
  const text = (v: unknown) => (v === null || v === undefined ? 'NULL' : String(v));
  const sum = row[2] === null ? 'NULL' : Number(row[2]).toFixed(2);
  return [text(row[0]), text(row[1]), sum, text(row[3]), text(row[4])];
}

export function sameAggregates(a: Aggregates, b: Aggregates): boolean {
  return a.every((v, i) => v === b[i]);
}
