// Stored procedures: CREATE, DROP, ALTER and SHOW PROCEDURE (CALL is a utility statement).
// https://docs.aws.amazon.com/redshift/latest/dg/r_CREATE_PROCEDURE.html
// https://docs.aws.amazon.com/redshift/latest/dg/r_DROP_PROCEDURE.html
// https://docs.aws.amazon.com/redshift/latest/dg/r_ALTER_PROCEDURE.html
// https://docs.aws.amazon.com/redshift/latest/dg/r_SHOW_PROCEDURE.html
import type { Expr } from './expr.js';
import type { SetValue } from './session.js';
import type { Ident, Positioned, StatementBase, TypeName } from './types.js';

export type ProcedureArgMode = 'in' | 'out' | 'inout';

/**
 * One argument: `[argname] [argmode] argtype [DEFAULT expr]`, name and mode in either order
 * (`f1 IN int`, `IN f1 int`). `mode` is absent when not written (IN); the printer writes the
 * mode first, as PostgreSQL does.
 */
export interface ProcedureArg extends Positioned {
  name?: Ident;
  mode?: ProcedureArgMode;
  type: TypeName;
  /** `DEFAULT expr` or `= expr` (CREATE only). */
  default?: Expr;
}

/** A procedure body: the text between its quotes, as written, and where that text starts. */
export interface ProcedureBody extends Positioned {
  text: string;
}

/** `SET configuration_parameter { TO | = } value [, ...]` of CREATE PROCEDURE. */
export interface ProcedureSetting {
  name: Ident[];
  values: SetValue[];
}

/**
 * `CREATE [OR REPLACE] PROCEDURE name ([arg, ...]) clauses`, the clauses in any order: `AS
 * $$body$$` (or `AS 'body'`), `LANGUAGE name`, `NONATOMIC`, `SECURITY INVOKER | DEFINER`,
 * `SET param TO value`. Each clause but SET at most once. The body is kept as text: the session
 * parses it as PL/pgSQL (src/plpgsql).
 */
export interface CreateProcedure extends StatementBase {
  kind: 'CreateProcedure';
  orReplace: boolean;
  name: Ident[];
  args: ProcedureArg[];
  body: ProcedureBody;
  /** Absent when not written (the session requires it, as Redshift does). */
  language?: Ident;
  nonatomic: boolean;
  security?: 'invoker' | 'definer';
  settings: ProcedureSetting[];
}

/**
 * A procedure named by DROP, ALTER or SHOW: `name [([arg, ...])]`. `args` is absent when no
 * list was written (the name must then be unique) and `[]` for `name()`.
 */
export interface ProcedureRef {
  name: Ident[];
  args?: ProcedureArg[];
}

/** `DROP PROCEDURE [IF EXISTS] ref [, ...] [CASCADE | RESTRICT]`. */
export interface DropProcedure extends StatementBase {
  kind: 'DropProcedure';
  ifExists: boolean;
  procedures: ProcedureRef[];
  behavior?: 'cascade' | 'restrict';
}

export type AlterProcedureAction =
  | { kind: 'RenameProcedure'; to: Ident }
  | { kind: 'ProcedureOwnerTo'; owner: Ident | 'current_user' | 'session_user' };

/** `ALTER PROCEDURE ref RENAME TO name | OWNER TO { user | CURRENT_USER | SESSION_USER }`. */
export interface AlterProcedure extends StatementBase {
  kind: 'AlterProcedure';
  procedure: ProcedureRef;
  action: AlterProcedureAction;
}

/** `SHOW PROCEDURE ref`: the CREATE statement that recreates the procedure. */
export interface ShowProcedure extends StatementBase {
  kind: 'ShowProcedure';
  procedure: ProcedureRef;
}
