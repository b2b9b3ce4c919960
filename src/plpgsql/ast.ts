// The syntax tree of a PL/pgSQL procedure body, as Redshift's stored procedure language has it:
// blocks with declarations and exception handlers, control statements, and SQL statements and
// expressions embedded as the SQL front end's own trees (src/sql), in which the procedure's
// variables appear as column references until the interpreter binds them.
// https://docs.aws.amazon.com/redshift/latest/dg/c_PLpgSQL-structure.html
// https://docs.aws.amazon.com/redshift/latest/dg/c_PLpgSQL-statements.html
import type { Expr, Ident, Statement, TypeName } from '../sql/index.js';

/** Where a construct starts in the body: 1-based line, and 1-based offset into the body text. */
export interface PlPos {
  line: number;
  offset: number;
}

/** `[<<label>>] [DECLARE ...] BEGIN ... [EXCEPTION WHEN ... THEN ...] END [label]`. */
export interface PlBlock extends PlPos {
  kind: 'Block';
  label?: string;
  declarations: PlDeclaration[];
  body: PlStatement[];
  /** Absent: no EXCEPTION section. */
  handlers?: PlExceptionHandler[];
}

/**
 * A handler: `WHEN cond [OR cond ...] THEN statements`. Conditions are names (`others`,
 * `division_by_zero`, `no_data_found`, `too_many_rows`, lower case) or `SQLSTATE 'xxxxx'`.
 */
export interface PlExceptionHandler extends PlPos {
  conditions: ({ kind: 'name'; name: string } | { kind: 'sqlstate'; sqlstate: string })[];
  body: PlStatement[];
}

/** A declared type: a SQL type, `x%TYPE`, `t%ROWTYPE`, RECORD or REFCURSOR. */
export type PlType =
  | { kind: 'sql'; type: TypeName }
  /** `name%TYPE`: a variable or a table column (`t.col`, `s.t.col`). */
  | { kind: 'copyType'; ref: Ident[] }
  /** `table%ROWTYPE`. */
  | { kind: 'rowType'; table: Ident[] }
  | { kind: 'record' }
  | { kind: 'refcursor' };

export type PlDeclaration =
  | (PlPos & {
      kind: 'Variable';
      name: string;
      type: PlType;
      constant: boolean;
      notNull: boolean;
      /** `:= expr`, `= expr` or `DEFAULT expr`. */
      default?: Expr;
    })
  /** `name ALIAS FOR $n | other_name`. */
  | (PlPos & { kind: 'Alias'; name: string; target: string })
  /** A bound cursor: `name CURSOR [(arg type, ...)] FOR query`. */
  | (PlPos & {
      kind: 'Cursor';
      name: string;
      params: { name: string; type: PlType }[];
      query: Statement;
    });

/** What an assignment, INTO or FETCH writes: a variable, or a field of a record/row variable. */
export interface PlTarget {
  name: string;
  field?: string;
}

/** `INTO [STRICT] target [, target ...]`. */
export interface PlInto {
  targets: PlTarget[];
  strict: boolean;
}

export type PlStatement =
  | PlBlock
  | (PlPos & { kind: 'Assign'; target: PlTarget; value: Expr })
  | (PlPos & {
      kind: 'If';
      /** IF and each ELSIF/ELSEIF, in order. */
      branches: { condition: Expr; body: PlStatement[] }[];
      else?: PlStatement[];
    })
  | (PlPos & {
      kind: 'Case';
      /** Simple CASE: the value compared with each WHEN's list; absent for a searched CASE. */
      subject?: Expr;
      /** Simple CASE: `values`; searched CASE: one condition in `values[0]`. */
      whens: { values: Expr[]; body: PlStatement[] }[];
      /** Absent: no ELSE (a value matching no WHEN raises CASE_NOT_FOUND, 20000). */
      else?: PlStatement[];
    })
  | (PlPos & { kind: 'Loop'; label?: string; body: PlStatement[] })
  | (PlPos & { kind: 'While'; label?: string; condition: Expr; body: PlStatement[] })
  | (PlPos & {
      kind: 'ForRange';
      label?: string;
      variable: string;
      reverse: boolean;
      from: Expr;
      to: Expr;
      by?: Expr;
      body: PlStatement[];
    })
  /** `FOR target IN query LOOP` (target: a record variable or a list of variables). */
  | (PlPos & {
      kind: 'ForQuery';
      label?: string;
      targets: PlTarget[];
      query: Statement;
      body: PlStatement[];
    })
  /** `FOR target IN EXECUTE text [USING expr, ...] LOOP`. */
  | (PlPos & {
      kind: 'ForExecute';
      label?: string;
      targets: PlTarget[];
      text: Expr;
      using: Expr[];
      body: PlStatement[];
    })
  /** `FOR target IN bound_cursor [(args)] LOOP`. */
  | (PlPos & {
      kind: 'ForCursor';
      label?: string;
      targets: PlTarget[];
      cursor: string;
      args: Expr[];
      body: PlStatement[];
    })
  | (PlPos & { kind: 'Exit' | 'Continue'; label?: string; when?: Expr })
  | (PlPos & { kind: 'Return' })
  | (PlPos & {
      kind: 'Raise';
      /** Absent: a bare `RAISE;` re-raising the handled error. */
      level?: 'debug' | 'log' | 'info' | 'notice' | 'warning' | 'exception';
      /** The format string, `%` standing for each argument in turn (`%%` is a literal %). */
      format?: string;
      args: Expr[];
      /** `RAISE [level] condition_name | SQLSTATE 'xxxxx'` instead of a format. */
      condition?: { kind: 'name'; name: string } | { kind: 'sqlstate'; sqlstate: string };
      /** `USING MESSAGE = expr, DETAIL = expr, HINT = expr, ERRCODE = expr`. */
      using: { option: 'message' | 'detail' | 'hint' | 'errcode'; value: Expr }[];
    })
  /**
   * Any SQL statement (DDL, DML, CALL, SET, TRUNCATE, ...), optionally with `INTO` (SELECT INTO,
   * INSERT/UPDATE/DELETE ... RETURNING ... INTO). `statement` has the INTO clause removed.
   */
  | (PlPos & { kind: 'Sql'; statement: Statement; into?: PlInto })
  /** `PERFORM query`: a SELECT whose rows are discarded (FOUND tells whether there were any). */
  | (PlPos & { kind: 'Perform'; query: Statement })
  /** `EXECUTE text [INTO [STRICT] targets] [USING expr, ...]`. */
  | (PlPos & { kind: 'Execute'; text: Expr; into?: PlInto; using: Expr[] })
  /** `GET DIAGNOSTICS var := ROW_COUNT [, ...]` (`=` too). */
  | (PlPos & { kind: 'GetDiagnostics'; items: { target: PlTarget; item: 'row_count' }[] })
  /**
   * `OPEN cursor [(args)]` for a bound cursor, `OPEN refcursor_var FOR query` or
   * `OPEN refcursor_var FOR EXECUTE text [USING ...]`.
   */
  | (PlPos & {
      kind: 'Open';
      cursor: string;
      args: Expr[];
      query?: Statement;
      execute?: { text: Expr; using: Expr[] };
    })
  /** `FETCH [NEXT | FORWARD] [FROM | IN] cursor INTO targets`. */
  | (PlPos & { kind: 'FetchCursor'; cursor: string; into: PlTarget[] })
  | (PlPos & { kind: 'CloseCursor'; cursor: string })
  | (PlPos & { kind: 'Commit' | 'Rollback' })
  | (PlPos & { kind: 'Null' });

/** A parsed procedure body: its outermost block. */
export interface PlProgram {
  block: PlBlock;
  /** The body text, for error contexts that quote a statement. */
  source: string;
}
