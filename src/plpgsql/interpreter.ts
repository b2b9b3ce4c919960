// Runs a parsed procedure body. Variables live in block scopes; SQL statements and expressions
// run through the host, i.e. the session's own front end and engine, as statements prepared
// once with the variables they name as parameters, bound to the current values at each run
// (prepared.ts); simple integer, boolean and text expressions are compiled to closures instead
// (fast-eval.ts). Errors name the procedure,
// the line and the statement in their `where` field, as Redshift's CONTEXT does.
// https://docs.aws.amazon.com/redshift/latest/dg/stored-procedure-trapping-errors.html
// https://docs.aws.amazon.com/redshift/latest/dg/stored-procedure-transaction-management.html
import { isLakeshiftError, LakeshiftError, SqlState, type SqlStateCode } from '../common/errors.js';
import type { Expr, Query, SelectItem, Statement, TypeName } from '../sql/index.js';
import type { PlBlock, PlInto, PlProgram, PlStatement, PlTarget, PlType } from './ast.js';
import { compileExpr, kindOf, typeName, type CompiledExpr } from './fast-eval.js';
import type { PlRow, PlValue, ProcedureHost, RaiseLevel } from './host.js';
import { PreparedStatements, typeKey, type ValueLookup } from './prepared.js';

/** One argument of the procedure being called. */
export interface ProcedureParameter {
  /** Absent for an unnamed argument ($n only). */
  name?: string;
  mode: 'in' | 'out' | 'inout';
  type: TypeName;
}

export interface ProcedureInvocation {
  /** The procedure's name as messages show it. */
  name: string;
  program: PlProgram;
  parameters: ProcedureParameter[];
  /** Values of the IN and INOUT arguments, by position among all parameters (OUT: NULL). */
  args: PlValue[];
  /** NONATOMIC: exception handlers catch and continue; otherwise they re-raise (Redshift). */
  nonatomic: boolean;
}

export interface InterpreterOptions {
  /** Statements between checks for cancel and statement_timeout. */
  cancelCheckInterval?: number;
}

/** The values of the OUT and INOUT parameters when the procedure ends, in order. */
export type ProcedureResult = { name: string; value: PlValue }[];

/** The control flow a statement hands to its enclosing loop or block. */
type Signal =
  | undefined
  | { kind: 'exit'; label?: string }
  | { kind: 'continue'; label?: string }
  | { kind: 'return' };

interface Variable {
  /** Declared type of a scalar; undefined for RECORD (typed by what is assigned). */
  type: TypeName | undefined;
  value: PlValue;
  /** RECORD and %ROWTYPE variables: their fields. */
  fields?: PlRow;
  constant: boolean;
  notNull: boolean;
  refcursor?: boolean;
  /** Bound cursor declared in a DECLARE section. */
  cursor?: { params: { name: string; type: TypeName }[]; query: Statement };
}

class Scope {
  readonly vars = new Map<string, Variable>();
  constructor(readonly parent: Scope | undefined) {}

  find(name: string): Variable | undefined {
    return this.vars.get(name) ?? this.parent?.find(name);
  }
}

const NULL_TEXT: PlValue = { value: null, type: typeName('varchar') };
const BOOL = typeName('bool');
const INT8 = typeName('int8');

/** PostgreSQL's condition names that handlers and RAISE use, by SQLSTATE. */
const CONDITIONS: Record<string, string> = {
  raise_exception: 'P0001',
  no_data_found: 'P0002',
  too_many_rows: 'P0003',
  case_not_found: '20000',
  division_by_zero: '22012',
  numeric_value_out_of_range: '22003',
  string_data_right_truncation: '22001',
  invalid_text_representation: '22P02',
  data_exception: '22000',
  null_value_not_allowed: '22004',
  not_null_violation: '23502',
  unique_violation: '23505',
  undefined_table: '42P01',
  undefined_column: '42703',
  undefined_function: '42883',
  duplicate_table: '42P07',
  syntax_error: '42601',
  feature_not_supported: '0A000',
  invalid_cursor_name: '34000',
  insufficient_privilege: '42501',
  query_canceled: '57014',
};

/** The `where` line of a statement, Redshift's way: `PL/pgSQL function "p" line 3 at SQL statement`. */
function contextLine(procedure: string, stmt: PlStatement | PlBlock): string {
  const what: Record<string, string> = {
    Block: 'statement block',
    Assign: 'assignment',
    If: 'IF',
    Case: 'CASE',
    Loop: 'LOOP',
    While: 'WHILE',
    ForRange: 'FOR with integer loop variable',
    ForQuery: 'FOR over SELECT rows',
    ForExecute: 'FOR over EXECUTE statement',
    ForCursor: 'FOR over cursor',
    Exit: 'EXIT',
    Continue: 'CONTINUE',
    Return: 'RETURN',
    Raise: 'RAISE',
    Sql: 'SQL statement',
    Perform: 'PERFORM',
    Execute: 'execute statement',
    GetDiagnostics: 'GET DIAGNOSTICS',
    Open: 'OPEN',
    FetchCursor: 'fetch',
    CloseCursor: 'CLOSE',
    Commit: 'COMMIT',
    Rollback: 'ROLLBACK',
    Null: 'NULL',
  };
  return `PL/pgSQL function "${procedure}" line ${stmt.line} at ${what[stmt.kind] ?? stmt.kind}`;
}

/** Adds a context line to an error (innermost first), converting foreign errors. */
function withContext(e: unknown, line: string): unknown {
  if (!isLakeshiftError(e)) return e;
  const where = e.where ? `${e.where}\n${line}` : line;
  const copy = new LakeshiftError(e.sqlstate, e.message, {
    detail: e.detail,
    hint: e.hint,
    where,
    severity: e.severity,
    cause: e.cause,
  });
  return copy;
}

/** A value's text as SQL reads it (NULL: null). */
export function textOf(v: PlValue): string | null {
  if (v.value === null) return null;
  if (typeof v.value === 'boolean') return v.value ? 'true' : 'false';
  return String(v.value);
}

/** `SELECT expr [AS alias], ...` with no FROM: how values are computed through SQL. */
export function selectOf(items: SelectItem[]): Query {
  return {
    kind: 'Query',
    body: { kind: 'Select', items, from: [], windows: [] },
    orderBy: [],
  };
}

/** A literal SQL expression for a value: CAST('text' AS type), or a typed NULL. */
export function valueExpr(v: PlValue): Expr {
  const text = textOf(v);
  return {
    kind: 'Cast',
    expr: text === null ? { kind: 'NullLit' } : { kind: 'StringLit', value: text },
    type: v.type,
    syntax: 'cast',
  };
}

export class Interpreter {
  private statementsRun = 0;
  private readonly checkEvery: number;
  /** Compiled fast expressions, by node (undefined: SQL evaluates it). */
  private readonly compiled = new WeakMap<Expr, CompiledExpr | null>();
  private rowCount = 0;
  /** The error a handler is running for (SQLSTATE, SQLERRM and bare RAISE). */
  private handling: LakeshiftError[] = [];
  /** The body's SQL statements, prepared on first use and bound at each run. */
  readonly prepared: PreparedStatements;
  /** `SELECT expr` of the expressions SQL evaluates, one per expression. */
  private readonly selects = new WeakMap<Expr, Query>();
  /** `SELECT CAST($1 AS type)` by source and target type (coerce). */
  private readonly casts = new Map<string, Query>();

  constructor(
    private readonly host: ProcedureHost,
    private readonly invocation: ProcedureInvocation,
    options: InterpreterOptions = {},
  ) {
    this.checkEvery = options.cancelCheckInterval ?? 1000;
    this.prepared = new PreparedStatements(host);
  }

  async run(): Promise<ProcedureResult> {
    const { parameters, args, program } = this.invocation;
    const top = new Scope(undefined);
    parameters.forEach((p, i) => {
      const variable: Variable = {
        type: p.type,
        value: p.mode === 'out' ? { value: null, type: p.type } : (args[i] ?? NULL_TEXT),
        constant: false,
        notNull: false,
        refcursor: p.type.name === 'refcursor',
      };
      top.vars.set(`$${i + 1}`, variable);
      if (p.name) top.vars.set(p.name, variable);
    });
    top.vars.set('found', {
      type: BOOL,
      value: { value: false, type: BOOL },
      constant: false,
      notNull: false,
    });
    const signal = await this.block(program.block, top);
    if (signal && signal.kind !== 'return') {
      throw new LakeshiftError(
        SqlState.syntaxError,
        `${signal.kind === 'exit' ? 'EXIT' : 'CONTINUE'} cannot be used outside a loop`,
      );
    }
    return parameters
      .map((p, i) => ({ p, i }))
      .filter(({ p }) => p.mode !== 'in')
      .map(({ p, i }) => ({
        name: p.name ?? `$${i + 1}`,
        value: top.vars.get(`$${i + 1}`)!.value,
      }));
  }

  // ---- blocks and declarations -------------------------------------------------------------

  private async block(block: PlBlock, parent: Scope): Promise<Signal> {
    const scope = new Scope(parent);
    try {
      for (const d of block.declarations) await this.declare(d, scope);
      return await this.statements(block.body, scope);
    } catch (e) {
      if (!block.handlers || !isLakeshiftError(e)) throw e;
      const handler = block.handlers.find((h) => h.conditions.some((c) => matches(c, e)));
      if (handler === undefined) throw e;
      if (!this.invocation.nonatomic) {
        // Redshift: the transaction is rolled back, the handler runs in a new one that is
        // committed if it succeeds, and then the error is raised again.
        await this.host.rollback();
        await this.handle(handler.body, scope, e);
        await this.host.commit();
        throw e;
      }
      return this.handle(handler.body, scope, e);
    }
  }

  private async handle(body: PlStatement[], scope: Scope, e: LakeshiftError): Promise<Signal> {
    this.handling.push(e);
    const handlerScope = new Scope(scope);
    handlerScope.vars.set('sqlstate', {
      type: typeName('varchar'),
      value: { value: e.sqlstate, type: typeName('varchar') },
      constant: true,
      notNull: false,
    });
    handlerScope.vars.set('sqlerrm', {
      type: typeName('varchar'),
      value: { value: e.message, type: typeName('varchar') },
      constant: true,
      notNull: false,
    });
    try {
      return await this.statements(body, handlerScope);
    } finally {
      this.handling.pop();
    }
  }

  private async resolveType(
    t: PlType,
    scope: Scope,
  ): Promise<{ type?: TypeName; rowType?: { name: string; type: TypeName }[] }> {
    switch (t.kind) {
      case 'sql':
        return { type: t.type };
      case 'refcursor':
        return { type: typeName('refcursor') };
      case 'record':
        return {};
      case 'rowType': {
        const columns = await this.host.tableColumns(t.table);
        if (!columns) {
          throw new LakeshiftError(
            SqlState.undefinedTable,
            `relation "${t.table.map((p) => p.value).join('.')}" does not exist`,
          );
        }
        return { rowType: columns };
      }
      case 'copyType': {
        if (t.ref.length === 1) {
          const v = scope.find(t.ref[0]!.value);
          if (v?.type) return { type: v.type };
        }
        const table = t.ref.slice(0, -1);
        const column = t.ref[t.ref.length - 1]!.value;
        const columns = table.length > 0 ? await this.host.tableColumns(table) : undefined;
        const c = columns?.find((x) => x.name === column);
        if (!c) {
          throw new LakeshiftError(
            SqlState.undefinedObject,
            `could not resolve ${t.ref.map((p) => p.value).join('.')}%TYPE`,
          );
        }
        return { type: c.type };
      }
    }
  }

  private async declare(d: PlBlock['declarations'][number], scope: Scope): Promise<void> {
    if (scope.vars.has(d.name)) {
      throw new LakeshiftError(SqlState.duplicateObject, `duplicate declaration of "${d.name}"`);
    }
    if (d.kind === 'Alias') {
      const target = scope.find(d.target);
      if (!target)
        throw new LakeshiftError(SqlState.undefinedObject, `variable "${d.target}" does not exist`);
      scope.vars.set(d.name, target);
      return;
    }
    if (d.kind === 'Cursor') {
      const params: { name: string; type: TypeName }[] = [];
      for (const p of d.params) {
        const type = (await this.resolveType(p.type, scope)).type ?? typeName('varchar');
        params.push({ name: p.name, type });
      }
      scope.vars.set(d.name, {
        type: typeName('refcursor'),
        value: { value: d.name, type: typeName('refcursor') },
        constant: false,
        notNull: false,
        refcursor: true,
        cursor: { params, query: d.query },
      });
      return;
    }
    const { type, rowType } = await this.resolveType(d.type, scope);
    const variable: Variable = {
      type,
      value: { value: null, type: type ?? typeName('varchar') },
      constant: d.constant,
      notNull: d.notNull,
      refcursor: type?.name === 'refcursor',
    };
    if (rowType) {
      variable.fields = {
        names: rowType.map((c) => c.name),
        values: rowType.map((c) => ({ value: null, type: c.type })),
      };
    }
    if (d.default) {
      variable.value = await this.coerce(await this.evaluate(d.default, scope), type);
    }
    if (d.notNull && variable.value.value === null) {
      throw new LakeshiftError(
        SqlState.nullValueNotAllowed,
        `variable "${d.name}" declared NOT NULL cannot default to NULL`,
      );
    }
    scope.vars.set(d.name, variable);
  }

  // ---- statements ------------------------------------------------------------------------

  private async statements(list: PlStatement[], scope: Scope): Promise<Signal> {
    for (const stmt of list) {
      if (++this.statementsRun % this.checkEvery === 0) {
        // Let timers and cancel requests run: a loop of compiled expressions never waits.
        await new Promise((resolve) => setImmediate(resolve));
        this.host.checkCanceled();
      }
      let signal: Signal;
      try {
        signal = await this.statement(stmt, scope);
      } catch (e) {
        // Nested blocks and loops add their own statement's line; the innermost statement's
        // line comes first, as PostgreSQL reports it.
        if (stmt.kind === 'Block' || isLoop(stmt) || stmt.kind === 'If' || stmt.kind === 'Case') {
          throw e;
        }
        throw this.annotate(e, stmt);
      }
      if (signal) return signal;
    }
    return undefined;
  }

  private annotate(e: unknown, stmt: PlStatement): unknown {
    if (
      isLakeshiftError(e) &&
      e.where?.includes(`PL/pgSQL function "${this.invocation.name}" line`)
    ) {
      return e;
    }
    let line = contextLine(this.invocation.name, stmt);
    if (stmt.kind === 'Sql' || stmt.kind === 'Perform') {
      const text = statementText(
        this.invocation.program.source,
        stmt.kind === 'Sql' ? stmt.statement : stmt.query,
      );
      if (text) line = `SQL statement "${text}"\n${line}`;
    }
    return withContext(e, line);
  }

  private async statement(stmt: PlStatement, scope: Scope): Promise<Signal> {
    switch (stmt.kind) {
      case 'Block':
        return this.block(stmt, scope);
      case 'Null':
        return undefined;
      case 'Assign':
        await this.assign(stmt.target, await this.evaluate(stmt.value, scope), scope);
        return undefined;
      case 'If': {
        for (const branch of stmt.branches) {
          if (await this.condition(branch.condition, scope)) {
            return this.statements(branch.body, scope);
          }
        }
        return stmt.else ? this.statements(stmt.else, scope) : undefined;
      }
      case 'Case':
        return this.caseStatement(stmt, scope);
      case 'Loop':
      case 'While':
      case 'ForRange':
      case 'ForQuery':
      case 'ForExecute':
      case 'ForCursor':
        return this.loop(stmt, scope);
      case 'Exit':
      case 'Continue':
        if (stmt.when && !(await this.condition(stmt.when, scope))) return undefined;
        return { kind: stmt.kind === 'Exit' ? 'exit' : 'continue', label: stmt.label };
      case 'Return':
        return { kind: 'return' };
      case 'Raise':
        await this.raise(stmt, scope);
        return undefined;
      case 'Sql':
        await this.sql(stmt.statement, scope, stmt.into, this.textOf(stmt.statement));
        return undefined;
      case 'Perform': {
        const result = await this.prepared.run(
          stmt.query,
          this.textOf(stmt.query),
          this.lookup(scope),
        );
        this.setFound(result.rowCount > 0, result.rowCount, scope);
        return undefined;
      }
      case 'Execute': {
        const dynamic = await this.dynamicStatement(stmt.text, stmt.using, scope);
        const { statement, text } = dynamic;
        if (
          statement.kind === 'Commit' ||
          statement.kind === 'Rollback' ||
          statement.kind === 'Begin'
        ) {
          throw new LakeshiftError(
            SqlState.featureNotSupported,
            'COMMIT and ROLLBACK cannot be run with EXECUTE in a procedure',
          );
        }
        try {
          await this.sql(statement, scope, stmt.into, text, dynamic.lookup);
        } catch (e) {
          throw withContext(e, `SQL statement "${text}"`);
        }
        return undefined;
      }
      case 'GetDiagnostics':
        for (const item of stmt.items) {
          await this.assign(item.target, { value: BigInt(this.rowCount), type: INT8 }, scope);
        }
        return undefined;
      case 'Commit':
      case 'Rollback':
        if (this.handling.length > 0 && !this.invocation.nonatomic) {
          throw new LakeshiftError(
            SqlState.featureNotSupported,
            `${stmt.kind === 'Commit' ? 'COMMIT' : 'ROLLBACK'} cannot be invoked from an exception handling block of a procedure that is executing in an atomic context.`,
          );
        }
        if (stmt.kind === 'Commit') await this.host.commit();
        else await this.host.rollback();
        return undefined;
      case 'Open':
        await this.open(stmt, scope);
        return undefined;
      case 'FetchCursor': {
        const name = this.cursorName(stmt.cursor, scope);
        const row = await this.host.fetchCursor(name);
        await this.assignRow(stmt.into, row, scope);
        this.setFound(row !== undefined, row ? 1 : 0, scope);
        return undefined;
      }
      case 'CloseCursor':
        await this.host.closeCursor(this.cursorName(stmt.cursor, scope));
        return undefined;
    }
  }

  private textOf(stmt: Statement): string {
    return statementText(this.invocation.program.source, stmt) ?? stmt.kind;
  }

  private async caseStatement(
    stmt: Extract<PlStatement, { kind: 'Case' }>,
    scope: Scope,
  ): Promise<Signal> {
    const subject = stmt.subject ? await this.evaluate(stmt.subject, scope) : undefined;
    for (const when of stmt.whens) {
      for (const value of when.values) {
        const hit = subject
          ? await this.condition(
              { kind: 'Binary', op: '=', left: valueExpr(subject), right: value },
              scope,
            )
          : await this.condition(value, scope);
        if (hit) return this.statements(when.body, scope);
      }
    }
    if (stmt.else) return this.statements(stmt.else, scope);
    throw new LakeshiftError(SqlState.caseNotFound, 'case not found', {
      hint: 'CASE statement is missing ELSE part.',
    });
  }

  // ---- loops -----------------------------------------------------------------------------

  /** Runs a loop body once; true when the loop is over (EXIT, RETURN or an outer CONTINUE). */
  private async iteration(
    body: PlStatement[],
    scope: Scope,
    label: string | undefined,
  ): Promise<{ stop: boolean; signal: Signal }> {
    const signal = await this.statements(body, scope);
    if (signal === undefined) return { stop: false, signal: undefined };
    if (signal.kind === 'return') return { stop: true, signal };
    const mine = signal.label === undefined || signal.label === label;
    if (signal.kind === 'continue') {
      return mine ? { stop: false, signal: undefined } : { stop: true, signal };
    }
    return { stop: true, signal: mine ? undefined : signal };
  }

  private async loop(
    stmt: Extract<
      PlStatement,
      { kind: 'Loop' | 'While' | 'ForRange' | 'ForQuery' | 'ForExecute' | 'ForCursor' }
    >,
    scope: Scope,
  ): Promise<Signal> {
    const label = stmt.label;
    try {
      switch (stmt.kind) {
        case 'Loop':
          for (;;) {
            const r = await this.iteration(stmt.body, scope, label);
            if (r.stop) return r.signal;
          }
        case 'While':
          while (await this.condition(stmt.condition, scope)) {
            const r = await this.iteration(stmt.body, scope, label);
            if (r.stop) return r.signal;
          }
          return undefined;
        case 'ForRange':
          return await this.forRange(stmt, scope);
        case 'ForQuery': {
          const result = await this.prepared.run(
            stmt.query,
            this.textOf(stmt.query),
            this.lookup(scope),
          );
          return await this.forRows(stmt.targets, result.rows ?? [], stmt.body, scope, label);
        }
        case 'ForExecute': {
          const { statement, text, lookup } = await this.dynamicStatement(
            stmt.text,
            stmt.using,
            scope,
          );
          const result = await this.prepared.run(statement, text, lookup);
          return await this.forRows(stmt.targets, result.rows ?? [], stmt.body, scope, label);
        }
        case 'ForCursor': {
          const name = await this.openBound(stmt.cursor, stmt.args, scope);
          const rows: PlRow[] = [];
          for (
            let row = await this.host.fetchCursor(name);
            row;
            row = await this.host.fetchCursor(name)
          ) {
            rows.push(row);
          }
          await this.host.closeCursor(name);
          return await this.forRows(stmt.targets, rows, stmt.body, scope, label);
        }
      }
    } catch (e) {
      throw this.annotate(e, stmt);
    }
  }

  private async forRange(
    stmt: Extract<PlStatement, { kind: 'ForRange' }>,
    scope: Scope,
  ): Promise<Signal> {
    const bound = async (e: Expr, what: string): Promise<bigint> => {
      const v = await this.coerce(await this.evaluate(e, scope), INT8);
      if (v.value === null) {
        throw new LakeshiftError(
          SqlState.nullValueNotAllowed,
          `${what} of FOR loop cannot be null`,
        );
      }
      return v.value as bigint;
    };
    const from = await bound(stmt.from, 'lower bound');
    const to = await bound(stmt.to, 'upper bound');
    const by = stmt.by ? await bound(stmt.by, 'BY value') : 1n;
    if (by <= 0n) {
      throw new LakeshiftError(
        SqlState.invalidParameterValue,
        'BY value of FOR loop must be greater than zero',
      );
    }
    const loopScope = new Scope(scope);
    const int4 = typeName('int4');
    const variable: Variable = {
      type: int4,
      value: { value: null, type: int4 },
      constant: false,
      notNull: false,
    };
    loopScope.vars.set(stmt.variable, variable);
    for (let i = from; stmt.reverse ? i >= to : i <= to; i = stmt.reverse ? i - by : i + by) {
      variable.value =
        i >= -2147483648n && i <= 2147483647n
          ? { value: Number(i), type: int4 }
          : { value: i, type: INT8 };
      const r = await this.iteration(stmt.body, loopScope, stmt.label);
      if (r.stop) return r.signal;
    }
    return undefined;
  }

  private async forRows(
    targets: PlTarget[],
    rows: PlRow[],
    body: PlStatement[],
    scope: Scope,
    label: string | undefined,
  ): Promise<Signal> {
    const loopScope = new Scope(scope);
    // A lone undeclared target is an implicit RECORD variable of the loop.
    if (targets.length === 1 && !targets[0]!.field && !scope.find(targets[0]!.name)) {
      loopScope.vars.set(targets[0]!.name, {
        type: undefined,
        value: NULL_TEXT,
        constant: false,
        notNull: false,
      });
    }
    for (const row of rows) {
      await this.assignRow(targets, row, loopScope);
      const r = await this.iteration(body, loopScope, label);
      if (r.stop) {
        this.setFound(true, rows.length, scope);
        return r.signal;
      }
    }
    this.setFound(rows.length > 0, rows.length, scope);
    return undefined;
  }

  // ---- SQL -------------------------------------------------------------------------------

  private async sql(
    statement: Statement,
    scope: Scope,
    into: PlInto | undefined,
    text: string,
    /** The values its names stand for: the variables (dynamic SQL: only the USING values). */
    lookup: ValueLookup = this.lookup(scope),
  ): Promise<void> {
    const result = await this.prepared.run(
      statement,
      text,
      lookup,
      into ? { maxRows: into.strict ? 2 : 1 } : {},
    );
    if (into) {
      const rows = result.rows ?? [];
      if (into.strict && rows.length === 0) {
        throw new LakeshiftError(SqlState.noDataFound, 'query returned no rows');
      }
      if (into.strict && rows.length > 1) {
        throw new LakeshiftError(SqlState.tooManyRows, 'query returned more than one row');
      }
      await this.assignRow(into.targets, rows[0], scope);
      this.setFound(rows.length > 0, rows.length, scope);
      return;
    }
    this.setFound(result.rowCount > 0, result.rowCount, scope);
  }

  private setFound(found: boolean, rowCount: number, scope: Scope): void {
    this.rowCount = rowCount;
    const v = scope.find('found');
    if (v) v.value = { value: found, type: BOOL };
  }

  /**
   * What the names of an embedded statement stand for in `scope`: `$n` is the procedure's n-th
   * argument, a name a variable (not an untyped RECORD as a whole), `rec.f` a record's field.
   */
  private lookup(scope: Scope): ValueLookup {
    return (ref) => {
      const v = scope.find(ref.kind === 'param' ? `$${ref.index}` : ref.name);
      if (!v) return undefined;
      if (ref.kind === 'param') return v.value;
      if (ref.field === undefined) return v.fields && !v.type ? undefined : v.value;
      return v.fields ? this.field(v, ref.name, ref.field) : undefined;
    };
  }

  private field(v: Variable, name: string, field: string): PlValue {
    const i = v.fields!.names.indexOf(field);
    if (i < 0) {
      throw new LakeshiftError(
        SqlState.undefinedColumn,
        `record "${name}" has no field "${field}"`,
      );
    }
    return v.fields!.values[i]!;
  }

  /**
   * EXECUTE's statement: the text evaluated and parsed (exactly one statement), its $n taking
   * the USING values. Dynamic SQL does not see the procedure's variables (PostgreSQL's rule).
   */
  private async dynamicStatement(
    text: Expr,
    using: Expr[],
    scope: Scope,
  ): Promise<{ statement: Statement; text: string; lookup: ValueLookup }> {
    const value = await this.evaluate(text, scope);
    if (value.value === null) {
      throw new LakeshiftError(
        SqlState.nullValueNotAllowed,
        'query string argument of EXECUTE is null',
      );
    }
    const sql = textOf(value)!;
    const statements = this.host.parse(sql);
    if (statements.length !== 1) {
      throw new LakeshiftError(
        SqlState.syntaxError,
        `EXECUTE needs exactly one SQL statement, not ${statements.length}`,
      );
    }
    const values = await this.evaluateAll(using, scope);
    const lookup: ValueLookup = (ref) => (ref.kind === 'param' ? values[ref.index - 1] : undefined);
    return { statement: statements[0]!, text: sql, lookup };
  }

  // ---- cursors ---------------------------------------------------------------------------

  private cursorName(name: string, scope: Scope): string {
    const v = scope.find(name);
    if (v?.refcursor && typeof v.value.value === 'string') return v.value.value;
    return name;
  }

  private async openBound(name: string, args: Expr[], scope: Scope): Promise<string> {
    const v = scope.find(name);
    if (!v?.cursor) {
      throw new LakeshiftError(
        SqlState.invalidCursorName,
        `cursor "${name}" is not a bound cursor`,
      );
    }
    const cursorScope = new Scope(scope);
    for (const [i, p] of v.cursor.params.entries()) {
      const arg = args[i];
      const value = arg ? await this.coerce(await this.evaluate(arg, scope), p.type) : NULL_TEXT;
      cursorScope.vars.set(p.name, { type: p.type, value, constant: true, notNull: false });
    }
    const cursorName = typeof v.value.value === 'string' ? v.value.value : name;
    const { prepared, values } = this.prepared.bind(v.cursor.query, name, this.lookup(cursorScope));
    await this.host.openCursor(cursorName, prepared, values);
    return cursorName;
  }

  private async open(stmt: Extract<PlStatement, { kind: 'Open' }>, scope: Scope): Promise<void> {
    if (!stmt.query && !stmt.execute) {
      await this.openBound(stmt.cursor, stmt.args, scope);
      return;
    }
    const v = scope.find(stmt.cursor);
    if (!v?.refcursor) {
      throw new LakeshiftError(
        SqlState.undefinedObject,
        `variable "${stmt.cursor}" is not a refcursor`,
      );
    }
    // An unnamed refcursor gets the name of its variable (Redshift returns it to the caller).
    if (v.value.value === null) v.value = { value: stmt.cursor, type: typeName('refcursor') };
    const name = String(v.value.value);
    const { statement, text, lookup } = stmt.query
      ? { statement: stmt.query, text: this.textOf(stmt.query), lookup: this.lookup(scope) }
      : await this.dynamicStatement(stmt.execute!.text, stmt.execute!.using, scope);
    const { prepared, values } = this.prepared.bind(statement, text, lookup);
    await this.host.openCursor(name, prepared, values);
  }

  // ---- RAISE -----------------------------------------------------------------------------

  private async raise(stmt: Extract<PlStatement, { kind: 'Raise' }>, scope: Scope): Promise<void> {
    if (stmt.level === undefined) {
      const current = this.handling[this.handling.length - 1];
      if (!current) {
        throw new LakeshiftError(
          SqlState.syntaxError,
          'RAISE without parameters cannot be used outside an exception handler',
        );
      }
      throw current;
    }
    const args = await this.evaluateAll(stmt.args, scope);
    let message = stmt.format !== undefined ? formatMessage(stmt.format, args) : '';
    let sqlstate = stmt.level === 'exception' ? 'P0001' : '00000';
    if (stmt.condition) {
      sqlstate =
        stmt.condition.kind === 'sqlstate'
          ? stmt.condition.sqlstate
          : (CONDITIONS[stmt.condition.name] ?? 'P0001');
      if (!message) message = stmt.condition.kind === 'name' ? stmt.condition.name : sqlstate;
    }
    const fields: { detail?: string; hint?: string } = {};
    for (const u of stmt.using) {
      const text = textOf(await this.evaluate(u.value, scope)) ?? '';
      if (u.option === 'message') message = text;
      else if (u.option === 'errcode') sqlstate = CONDITIONS[text] ?? text;
      else fields[u.option] = text;
    }
    const where = contextLine(this.invocation.name, stmt);
    if (stmt.level === 'exception') {
      throw new LakeshiftError(sqlstate as SqlStateCode, message, { ...fields, where });
    }
    this.host.notice(stmt.level as RaiseLevel, message, { ...fields, sqlstate, where });
  }

  // ---- values ----------------------------------------------------------------------------

  private async condition(expr: Expr, scope: Scope): Promise<boolean> {
    const v = await this.evaluate(expr, scope);
    if (v.value === null) return false;
    if (typeof v.value === 'boolean') return v.value;
    const b = await this.coerce(v, BOOL);
    return b.value === true;
  }

  /**
   * Runs `fn` over the items one after another: SQL goes through the session's one connection,
   * where statements must not interleave.
   */
  private async sequentially<T, R>(
    items: readonly T[],
    fn: (item: T, i: number) => Promise<R>,
  ): Promise<R[]> {
    const out: R[] = [];
    for (const [i, item] of items.entries()) out.push(await fn(item, i));
    return out;
  }

  private evaluateAll(exprs: readonly Expr[], scope: Scope): Promise<PlValue[]> {
    return this.sequentially(exprs, (e) => this.evaluate(e, scope));
  }

  /** Evaluates an expression: compiled when simple enough, else by a SELECT through SQL. */
  async evaluate(expr: Expr, scope: Scope): Promise<PlValue> {
    let fast = this.compiled.get(expr);
    if (fast === undefined) {
      fast =
        compileExpr(expr, (name) => {
          const v = scope.find(name);
          if (!v || !v.type || v.fields) return 'other';
          return kindOf(v.type) ?? 'other';
        }) ?? null;
      this.compiled.set(expr, fast);
    }
    if (fast) {
      return fast((name) => scope.find(name)!.value);
    }
    let select = this.selects.get(expr);
    if (select === undefined) this.selects.set(expr, (select = selectOf([{ expr }])));
    const result = await this.prepared.run(select, 'SELECT expression', this.lookup(scope), {
      maxRows: 2,
    });
    const rows = result.rows ?? [];
    if (rows.length !== 1) {
      throw new LakeshiftError(
        SqlState.cardinalityViolation,
        rows.length === 0 ? 'query returned no rows' : 'query returned more than one row',
      );
    }
    return rows[0]!.values[0]!;
  }

  /** A value converted to a declared type: in JS for integers and text, by SQL otherwise. */
  private async coerce(v: PlValue, type: TypeName | undefined): Promise<PlValue> {
    if (type === undefined) return v;
    if (v.value === null) return { value: null, type };
    const to = kindOf(type);
    const from = kindOf(v.type);
    if (to !== undefined && to === from && type.modifiers.length === 0)
      return { value: v.value, type };
    if (to === 'int8' && from === 'int4') return { value: BigInt(v.value as number), type };
    if (to === 'int4' && from === 'int8' && typeof v.value === 'bigint') {
      if (v.value < -2147483648n || v.value > 2147483647n) {
        throw new LakeshiftError(SqlState.numericValueOutOfRange, 'integer out of range');
      }
      return { value: Number(v.value), type };
    }
    if (type.name === 'refcursor') return { value: textOf(v), type };
    // SELECT CAST($1 AS type), $1 being the value (of its own type).
    const key = `${typeKey(v.type)}\u0000${typeKey(type)}`;
    let select = this.casts.get(key);
    if (select === undefined) {
      const cast: Expr = { kind: 'Cast', expr: { kind: 'Param', index: 1 }, type, syntax: 'cast' };
      this.casts.set(key, (select = selectOf([{ expr: cast }])));
    }
    const result = await this.prepared.run(select, 'SELECT CAST', () => v, { maxRows: 1 });
    return { ...result.rows![0]!.values[0]!, type };
  }

  private async assign(target: PlTarget, value: PlValue, scope: Scope): Promise<void> {
    const v = scope.find(target.name);
    if (!v) {
      throw new LakeshiftError(
        SqlState.undefinedObject,
        `variable "${target.name}" does not exist`,
      );
    }
    if (v.constant) {
      throw new LakeshiftError(
        SqlState.errorInAssignment,
        `variable "${target.name}" is declared CONSTANT`,
      );
    }
    if (target.field) {
      if (!v.fields) {
        throw new LakeshiftError(SqlState.syntaxError, `"${target.name}" is not a record variable`);
      }
      const i = v.fields.names.indexOf(target.field);
      if (i < 0) {
        throw new LakeshiftError(
          SqlState.undefinedColumn,
          `record "${target.name}" has no field "${target.field}"`,
        );
      }
      v.fields.values[i] = await this.coerce(value, v.fields.values[i]!.type);
      return;
    }
    const coerced = await this.coerce(value, v.type);
    if (v.notNull && coerced.value === null) {
      throw new LakeshiftError(
        SqlState.nullValueNotAllowed,
        `null value cannot be assigned to variable "${target.name}" declared NOT NULL`,
      );
    }
    v.value = coerced;
  }

  /** A row into INTO targets: one record variable takes the whole row, else column by column. */
  private async assignRow(
    targets: PlTarget[],
    row: PlRow | undefined,
    scope: Scope,
  ): Promise<void> {
    if (targets.length === 1 && !targets[0]!.field) {
      const v = scope.find(targets[0]!.name);
      if (v && (v.fields || !v.type)) {
        if (!row) {
          v.fields = v.fields
            ? {
                names: v.fields.names,
                values: v.fields.values.map((x) => ({ value: null, type: x.type })),
              }
            : undefined;
          return;
        }
        v.fields = v.type
          ? {
              names: v.fields!.names,
              values: await this.sequentially(v.fields!.values, (f, i) =>
                this.coerce(row.values[i] ?? { value: null, type: f.type }, f.type),
              ),
            }
          : { names: [...row.names], values: [...row.values] };
        return;
      }
    }
    for (const [i, t] of targets.entries()) {
      await this.assign(t, row?.values[i] ?? NULL_TEXT, scope);
    }
  }
}

function isLoop(stmt: PlStatement): boolean {
  return ['Loop', 'While', 'ForRange', 'ForQuery', 'ForExecute', 'ForCursor'].includes(stmt.kind);
}

function matches(
  c: { kind: 'name'; name: string } | { kind: 'sqlstate'; sqlstate: string },
  e: LakeshiftError,
): boolean {
  // OTHERS catches everything except a cancel (Redshift, PostgreSQL).
  if (c.kind === 'name' && c.name === 'others') return e.sqlstate !== SqlState.queryCanceled;
  const code = c.kind === 'sqlstate' ? c.sqlstate : CONDITIONS[c.name];
  if (code === undefined) return false;
  // A class code (xx000) matches the whole class.
  return code.endsWith('000') ? e.sqlstate.startsWith(code.slice(0, 2)) : e.sqlstate === code;
}

/** RAISE's format: each % takes the next argument (NULL prints as NULL), %% is a literal %. */
export function formatMessage(format: string, args: PlValue[]): string {
  let next = 0;
  let out = '';
  for (let i = 0; i < format.length; i++) {
    const ch = format[i]!;
    if (ch !== '%') {
      out += ch;
      continue;
    }
    if (format[i + 1] === '%') {
      out += '%';
      i++;
      continue;
    }
    const arg = args[next++];
    if (arg === undefined) {
      throw new LakeshiftError(SqlState.syntaxError, 'too few parameters specified for RAISE');
    }
    out += textOf(arg) ?? 'NULL';
  }
  if (next < args.length) {
    throw new LakeshiftError(SqlState.syntaxError, 'too many parameters specified for RAISE');
  }
  return out;
}

/** The text of an embedded statement, from the body (its span), trimmed. */
function statementText(source: string, stmt: Statement): string | undefined {
  const span = (stmt as { span?: { start: number; end: number } }).span;
  if (!span) return undefined;
  return source.slice(span.start, span.end).trim();
}
