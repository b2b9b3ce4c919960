// Transactions and session settings.
// Redshift: https://docs.aws.amazon.com/redshift/latest/dg/r_BEGIN.html, r_SET.html, r_RESET.html,
// r_SHOW.html, r_SET_SESSION_AUTHORIZATION.html
import type { Expr } from './expr.js';
import type { Ident, StatementBase } from './types.js';

export interface TransactionModes {
  isolationLevel?: 'serializable' | 'repeatable read' | 'read committed' | 'read uncommitted';
  readOnly?: boolean;
  deferrable?: boolean;
}

/** BEGIN / START TRANSACTION [modes]. */
export interface Begin extends StatementBase {
  kind: 'Begin';
  modes: TransactionModes;
}

/** COMMIT / END [WORK|TRANSACTION]. */
export interface Commit extends StatementBase {
  kind: 'Commit';
}

/** ROLLBACK / ABORT [WORK|TRANSACTION]. */
export interface Rollback extends StatementBase {
  kind: 'Rollback';
}

export interface Savepoint extends StatementBase {
  kind: 'Savepoint';
  name: Ident;
}

export interface ReleaseSavepoint extends StatementBase {
  kind: 'ReleaseSavepoint';
  name: Ident;
}

export interface RollbackToSavepoint extends StatementBase {
  kind: 'RollbackToSavepoint';
  name: Ident;
}

/** `SET TRANSACTION modes` / `SET SESSION CHARACTERISTICS AS TRANSACTION modes`. */
export interface SetTransaction extends StatementBase {
  kind: 'SetTransaction';
  session: boolean;
  modes: TransactionModes;
}

/**
 * A SET value item: StringLit, NumberLit (negative as Unary '-' of a NumberLit), or a bare word
 * as a ColumnRef (`public`, `on`, `true`, `iso`, `pg_catalog.x`); keywords are accepted as words.
 */
export type SetValue = Expr;

/** `SET [SESSION|LOCAL] name {TO|=} value[, ...] | DEFAULT`; name parts lower case. */
export interface SetVariable extends StatementBase {
  kind: 'SetVariable';
  scope?: 'session' | 'local';
  name: Ident[];
  /** Empty for DEFAULT. */
  values: SetValue[];
  isDefault: boolean;
}

/** `SET [SESSION|LOCAL] TIME ZONE value | LOCAL | DEFAULT` (value absent for LOCAL/DEFAULT). */
export interface SetTimeZone extends StatementBase {
  kind: 'SetTimeZone';
  scope?: 'session' | 'local';
  value?: SetValue;
  /** 'local' or 'default' when written so. */
  special?: 'local' | 'default';
}

/** `SET [SESSION] SESSION AUTHORIZATION 'u' | u | DEFAULT` (user absent for DEFAULT). */
export interface SetSessionAuthorization extends StatementBase {
  kind: 'SetSessionAuthorization';
  user?: Ident | string;
}

/** `RESET name | ALL` (name empty for ALL). */
export interface Reset extends StatementBase {
  kind: 'Reset';
  name: Ident[];
  all: boolean;
}

/** `SHOW name | ALL`; `SHOW TIME ZONE` → timezone, `SHOW TRANSACTION ISOLATION LEVEL` →
 * transaction_isolation. */
export interface Show extends StatementBase {
  kind: 'Show';
  name: Ident[];
  all: boolean;
}

export interface Discard extends StatementBase {
  kind: 'Discard';
  target: 'all' | 'plans' | 'sequences' | 'temp';
}
