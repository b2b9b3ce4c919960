// DuckDB's read_csv as COPY uses it: every column VARCHAR (c0, c1, …; the insert casts them), no
// sniffing, rows with the wrong number of fields refused, and a quoted field never NULL. COPY
// FROM STDIN (PostgreSQL's text and CSV rules, copy-spool.ts) and Redshift's COPY from files
// (ingest/) differ only in the settings they pass.
import { quoteLiteral } from '../common/sql-quote.js';

export interface ReadCsvSettings {
  columnCount: number;
  delimiter: string;
  /** '' turns quoting off (text formats). */
  quote: string;
  escape: string;
  /** The first line is a header to skip. */
  header?: boolean;
  /** Lines skipped before anything is read. */
  skip?: number;
  nullText: string;
  compression?: string;
}

export function readCsvSql(files: string | readonly string[], s: ReadCsvSettings): string {
  const columns = Array.from({ length: s.columnCount }, (_, i) => `'c${i}': 'VARCHAR'`);
  const settings = [
    `columns = {${columns.join(', ')}}`,
    `delim = ${quoteLiteral(s.delimiter)}`,
    `quote = ${quoteLiteral(s.quote)}`,
    `escape = ${quoteLiteral(s.escape)}`,
    `header = ${s.header === true}`,
    ...(s.skip ? [`skip = ${s.skip}`] : []),
    `nullstr = ${quoteLiteral(s.nullText)}`,
    'allow_quoted_nulls = false',
    'auto_detect = false',
    'strict_mode = true',
    'null_padding = false',
    ...(s.compression ? [`compression = ${quoteLiteral(s.compression)}`] : []),
    // Redshift's SUPER values go up to 16 MB; the default limit is 2 MB.
    'max_line_size = 20000000',
  ];
  const list =
    typeof files === 'string' ? quoteLiteral(files) : `[${files.map(quoteLiteral).join(', ')}]`;
  return `read_csv(${list}, ${settings.join(', ')})`;
}

/** SELECT c0, c1, … FROM source. */
export function selectColumns(columnCount: number, source: string): string {
  return `SELECT ${Array.from({ length: columnCount }, (_, i) => `c${i}`).join(', ')} FROM ${source}`;
}
