// Data manipulation: INSERT, UPDATE, DELETE, TRUNCATE, COPY, UNLOAD.
// Redshift: https://docs.aws.amazon.com/redshift/latest/dg/r_INSERT_30.html, r_UPDATE.html,
// r_DELETE.html, r_TRUNCATE.html, r_COPY.html, r_UNLOAD.html
import type { CopyJobClause } from './copy-job.js';
import type { Expr } from './expr.js';
import type { Query, SelectItem, TableRef } from './query.js';
import type { Ident, Positioned, StatementBase } from './types.js';

/** `INSERT INTO t [AS a] [(cols)] {VALUES ... | query | DEFAULT VALUES} [RETURNING ...]`. */
export interface Insert extends StatementBase {
  kind: 'Insert';
  table: Ident[];
  alias?: Ident;
  columns: Ident[];
  /** A query (VALUES lists are a Query whose body is Values); undefined for DEFAULT VALUES. */
  source?: Query;
  defaultValues: boolean;
  returning?: SelectItem[];
}

/** `SET col = expr` or `SET (a, b) = (row | subquery)` (tuple true). */
export interface Assignment extends Positioned {
  targets: Ident[];
  tuple: boolean;
  value: Expr;
}

export interface Update extends StatementBase {
  kind: 'Update';
  table: Ident[];
  alias?: Ident;
  assignments: Assignment[];
  from: TableRef[];
  where?: Expr;
  returning?: SelectItem[];
}

export interface Delete extends StatementBase {
  kind: 'Delete';
  table: Ident[];
  alias?: Ident;
  using: TableRef[];
  where?: Expr;
  returning?: SelectItem[];
}

/**
 * Redshift's MERGE: `MERGE INTO target [AS a] USING source ON cond` then either
 * `WHEN MATCHED THEN UPDATE SET ... | DELETE` and/or `WHEN NOT MATCHED THEN INSERT [(cols)]
 * VALUES (...)`, or `REMOVE DUPLICATES` (matched rows replaced by the source's, the rest added).
 */
export interface Merge extends StatementBase {
  kind: 'Merge';
  table: Ident[];
  alias?: Ident;
  source: TableRef;
  on: Expr;
  matched?: { kind: 'update'; assignments: Assignment[] } | { kind: 'delete' };
  notMatched?: { columns: Ident[]; values: Expr[] };
  removeDuplicates: boolean;
}

export interface Truncate extends StatementBase {
  kind: 'Truncate';
  tables: Ident[][];
}

/** A COPY option value: a string, a number (text), a boolean, or a bare word (lower case). */
export type CopyValue =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: string }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'word'; value: string }
  | { kind: 'list'; value: Ident[] };

/**
 * One COPY option, name lower case. PostgreSQL forms (`WITH (FORMAT csv, HEADER true)` and the
 * old `WITH CSV HEADER DELIMITER AS ','`) normalize to the list form: format, header, delimiter,
 * null, quote, escape, encoding, force_quote, force_not_null, freeze. Redshift options
 * (iam_role, format, region, ignoreheader, gzip, ...) keep Redshift's names.
 */
export interface CopyOption {
  name: string;
  value?: CopyValue;
}

/**
 * `COPY t [(cols)] FROM STDIN | TO STDOUT [options]`, `COPY (query) TO STDOUT [options]`, and
 * Redshift's `COPY t [(cols)] FROM 's3://...' options [JOB CREATE name [AUTO ON | OFF]]`
 * (target 'location', options as written; `job` when it creates a copy job, see copy-job.ts).
 */
export interface Copy extends StatementBase {
  kind: 'Copy';
  table?: Ident[];
  columns: Ident[];
  query?: Query;
  direction: 'from' | 'to';
  target: 'stdin' | 'stdout' | 'location';
  /** The location string when target is 'location'. */
  location?: string;
  options: CopyOption[];
  /** `JOB CREATE name [AUTO ON | OFF]`: save this COPY as an auto-copy job instead of running it. */
  job?: CopyJobClause;
}

/**
 * One UNLOAD parameter as written, name lower case (`FORMAT [AS] X` normalized to the option X,
 * as in COPY). `unit`: MAXFILESIZE and ROWGROUPSIZE's `MB` or `GB` when written.
 */
export interface UnloadOption extends CopyOption {
  unit?: 'mb' | 'gb';
}

/**
 * Redshift's `UNLOAD ('select …') TO 's3://…' [parameters]`: the query inside the literal is
 * parsed too (it is checked like any query), its positions pointing into the literal.
 * `PARTITION BY (cols) [INCLUDE]` is kept apart from the other parameters.
 */
export interface Unload extends StatementBase {
  kind: 'Unload';
  query: Query;
  location: string;
  options: UnloadOption[];
  partitionBy?: { columns: Ident[]; include: boolean };
}
