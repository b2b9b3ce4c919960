// Utility statements: EXPLAIN, PREPARE/EXECUTE/DEALLOCATE, CALL, ANALYZE, VACUUM, LOCK, and
// Lakeshift's ALTER SYSTEM PAUSE / RESUME.
// Redshift: https://docs.aws.amazon.com/redshift/latest/dg/r_EXPLAIN.html, r_PREPARE.html,
// r_CALL_procedure.html, r_ANALYZE.html, r_VACUUM_command.html, r_LOCK.html
import type { Expr } from './expr.js';
import type { Statement } from './index.js';
import type { Ident, StatementBase, TypeName } from './types.js';

export interface Explain extends StatementBase {
  kind: 'Explain';
  analyze: boolean;
  verbose: boolean;
  statement: Statement;
}

export interface Prepare extends StatementBase {
  kind: 'Prepare';
  name: Ident;
  types: TypeName[];
  statement: Statement;
}

export interface Execute extends StatementBase {
  kind: 'Execute';
  name: Ident;
  args: Expr[];
}

/** `DEALLOCATE [PREPARE] name | ALL` (name absent for ALL). */
export interface Deallocate extends StatementBase {
  kind: 'Deallocate';
  name?: Ident;
}

export interface Call extends StatementBase {
  kind: 'Call';
  name: Ident[];
  args: Expr[];
}

/** `ANALYZE [VERBOSE] [table [(cols)]]` (also ANALYSE). */
export interface Analyze extends StatementBase {
  kind: 'Analyze';
  verbose: boolean;
  table?: Ident[];
  columns: Ident[];
}

/** `VACUUM [FULL | SORT ONLY | DELETE ONLY | REINDEX | RECLUSTER] [table] [TO n PERCENT] [BOOST]`. */
export interface Vacuum extends StatementBase {
  kind: 'Vacuum';
  mode?: 'full' | 'sort only' | 'delete only' | 'reindex' | 'recluster';
  table?: Ident[];
  toPercent?: number;
  boost: boolean;
}

/**
 * `ALTER SYSTEM PAUSE | RESUME` (superusers): Lakeshift's own statement to pause the workgroup
 * and resume it (src/ops/availability.ts). Redshift pauses a cluster through its API
 * (PauseCluster, ResumeCluster), not SQL; the form follows PostgreSQL's ALTER SYSTEM.
 */
export interface AlterSystem extends StatementBase {
  kind: 'AlterSystem';
  action: 'pause' | 'resume';
}

/** `LOCK [TABLE] t, ...` (lock modes parse but Redshift has only one). */
export interface Lock extends StatementBase {
  kind: 'Lock';
  tables: Ident[][];
  mode?: string;
}
