// Redshift's auto-copy jobs (COPY JOB): a COPY from an S3 prefix saved under a name, which loads
// each new object of the prefix once.
// Redshift: https://docs.aws.amazon.com/redshift/latest/dg/r_COPY-JOB.html
import type { Ident, Positioned, StatementBase } from './types.js';

/**
 * The `JOB CREATE name [AUTO ON | OFF]` clause ending a `COPY t FROM 's3://...' ...` (Copy.job).
 * `span` is the clause's [start, end) range in the parsed string (UTF-16 indexes, like a
 * statement's span): the COPY as written without its JOB clause is
 * `sql.slice(stmt.span.start, stmt.job.span.start)`. Like `pos`, ignored by astEqual.
 */
export interface CopyJobClause extends Positioned {
  name: Ident;
  /** AUTO ON (the default when AUTO is not written) or OFF. */
  auto: boolean;
  span?: { start: number; end: number };
}

/**
 * `COPY JOB ALTER name [AUTO ON | OFF]`, `COPY JOB RUN name`, `COPY JOB LIST`,
 * `COPY JOB SHOW name`, `COPY JOB DROP name`. (Creating a job is a Copy with `job` set.)
 */
export interface CopyJob extends StatementBase {
  kind: 'CopyJob';
  action: 'alter' | 'run' | 'list' | 'show' | 'drop';
  /** The job's name; absent only for LIST. */
  name?: Ident;
  /** ALTER's AUTO ON (true) or OFF (false); absent when not written (and for other actions). */
  auto?: boolean;
}
