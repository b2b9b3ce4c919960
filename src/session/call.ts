// CALL: finds the procedure (search path, overloads by input argument count and types),
// evaluates the arguments as one SELECT cast to the parameter types, runs the body with the
// interpreter in the session's transaction, and answers with the OUT and INOUT values as one
// row (no row when there are none), as Redshift does.
// https://docs.aws.amazon.com/redshift/latest/dg/r_CALL_procedure.html
import { LakeshiftError, SqlState } from '../common/errors.js';
import {
  Interpreter,
  selectOf,
  valueExpr,
  type ProcedureParameter,
} from '../plpgsql/interpreter.js';
import { parseProcedureBody, type PlProgram } from '../plpgsql/index.js';
import type { PlValue } from '../plpgsql/host.js';
import { parseExpression, parseType, rewrite, type Call, type Expr } from '../sql/index.js';
import type { ProcedureInfo } from '../storage/index.js';
import { resolveCall } from './procedures.js';
import type { CommandResult } from './commands.js';
import { SessionProcedureHost } from './procedure-host.js';
import { planRows, type RowsPlan } from './rows.js';
import type { Session } from './session.js';
import type { ResultSink } from './wire.js';

/** Redshift's limit on nested CALLs. */
export const MAX_CALL_DEPTH = 16;

/** Parsed bodies by procedure and text: a body is parsed once, then reused by every CALL. */
const programs = new Map<string, PlProgram>();
const MAX_CACHED_PROGRAMS = 1000;

function programOf(p: ProcedureInfo): PlProgram {
  const key = `${p.procedureId}\u0000${p.body}`;
  let program = programs.get(key);
  if (!program) {
    program = parseProcedureBody(p.body, { procedureName: p.name });
    if (programs.size >= MAX_CACHED_PROGRAMS) programs.clear();
    programs.set(key, program);
  }
  return program;
}

function parametersOf(p: ProcedureInfo): ProcedureParameter[] {
  return p.arguments.map((a) => ({
    ...(a.name === null ? {} : { name: a.name }),
    mode: a.mode,
    type: parseType(a.declared),
  }));
}

/**
 * The procedure a CALL names: its arguments' types (unknown for untyped literals and NULL, which
 * fit any parameter) choose among the overloads visible on the search path.
 */
async function resolve(session: Session, stmt: Call): Promise<ProcedureInfo> {
  const tx = await session.transactions.current();
  const typed = stmt.args.map((a) => a.kind !== 'StringLit' && a.kind !== 'NullLit');
  let types: (number | undefined)[] = stmt.args.map(() => undefined);
  if (typed.some(Boolean)) {
    const shape = await planRows(
      session,
      selectOf(stmt.args.map((a, i) => ({ expr: typed[i] ? a : { kind: 'NullLit' } }))),
      [],
      [],
    );
    await shape.close();
    types = shape.fields.map((f, i) => (typed[i] ? f.typeOid : undefined));
  }
  return resolveCall(session, tx, stmt.name, types);
}

/** The CALLs running in a session: how deep, and whether one of them may not end transactions. */
const running = new WeakMap<Session, { depth: number; configured: boolean }>();

/**
 * The procedure planCall found for a CALL it left to runCall (one without OUT arguments), so
 * that the statement's execution does not resolve it again.
 */
const resolvedForRun = new WeakMap<Call, ProcedureInfo>();

/** Runs a CALL of `procedure`; the OUT and INOUT values, by name, or none. */
async function runProcedure(
  session: Session,
  stmt: Call,
  procedure: ProcedureInfo,
  sink: ResultSink,
): Promise<{ out: { name: string; value: PlValue }[] }> {
  const outer = running.get(session) ?? { depth: 0, configured: false };
  const level = outer.depth + 1;
  if (level > MAX_CALL_DEPTH) {
    throw new LakeshiftError(
      SqlState.programLimitExceeded,
      `stored procedure call nesting exceeds the limit of ${MAX_CALL_DEPTH}`,
    );
  }
  const parameters = parametersOf(procedure);
  const inputs = procedure.arguments
    .map((a, i) => ({ ...a, type: parameters[i]!.type }))
    .filter((p) => p.mode !== 'out');
  const program = programOf(procedure);
  // The arguments, cast to the parameters' types, in one SELECT through the session.
  const args: PlValue[] = [];
  if (inputs.length > 0) {
    const casts: Expr[] = inputs.map((p, i) => ({
      kind: 'Cast',
      expr: stmt.args[i] ?? defaultExpr(p.default),
      type: p.type,
      syntax: 'cast',
    }));
    const host = new SessionProcedureHost(session, sink, true, false);
    const select = host.prepare(selectOf(casts.map((expr) => ({ expr }))), 'CALL arguments', 0);
    const { rows } = await host.run(select, [], { maxRows: 1 });
    let k = 0;
    for (const p of parameters) {
      args.push(p.mode === 'out' ? { value: null, type: p.type } : rows![0]!.values[k++]!);
    }
  }
  // SET clauses hold while the procedure runs; with them (here or in a caller) it may not
  // COMMIT, ROLLBACK or TRUNCATE (Redshift).
  const configured = outer.configured || procedure.config.length > 0;
  const saved = procedure.config.map((c) => ({
    name: c.name,
    value: session.settings.get(c.name),
  }));
  // SECURITY DEFINER: the body runs as the procedure's owner, and the caller is back after.
  const caller = session.user;
  const definer =
    procedure.security === 'definer' && procedure.ownerUserId !== caller.userId
      ? (await session.manager.lake.directory.users()).find(
          (u) => u.userId === procedure.ownerUserId,
        )
      : undefined;
  running.set(session, { depth: level, configured });
  try {
    if (definer) session.user = definer;
    for (const c of procedure.config) session.settings.set(c.name, c.value);
    const host = new SessionProcedureHost(
      session,
      sink,
      session.transactions.inBlock || configured,
      procedure.nonatomic,
    );
    const interpreter = new Interpreter(host, {
      name: procedure.name,
      program,
      parameters,
      args,
      nonatomic: procedure.nonatomic,
    });
    const out = await interpreter.run();
    return { out };
  } finally {
    for (const c of saved.reverse()) session.settings.set(c.name, c.value);
    session.user = caller;
    running.set(session, outer);
  }
}

function defaultExpr(sql: string | null): Expr {
  // resolveCall chose an overload whose missing arguments all have defaults.
  if (sql === null)
    throw new LakeshiftError(SqlState.undefinedFunction, 'procedure argument missing');
  return parseExpression(sql);
}

/** The CALL with its $n parameters replaced by their values (typed SQL literals). */
function withParameters(stmt: Call, literals: readonly string[]): Call {
  if (literals.length === 0) return stmt;
  return rewrite(stmt, (n) => {
    if (n.kind !== 'Param') return undefined;
    const literal = literals[(n as unknown as { index: number }).index - 1];
    return literal === undefined ? undefined : parseExpression(literal);
  });
}

/** CALL of a procedure without OUT or INOUT arguments: a command. */
export async function runCall(
  session: Session,
  stmt: Call,
  sink: ResultSink,
  literals: readonly string[] = [],
): Promise<CommandResult> {
  const call = withParameters(stmt, literals);
  const procedure = resolvedForRun.get(stmt) ?? (await resolve(session, call));
  resolvedForRun.delete(stmt);
  await runProcedure(session, call, procedure, sink);
  return { tag: 'CALL', rows: 0 };
}

/**
 * CALL of a procedure with OUT or INOUT arguments: one row of their values. The row's fields
 * are known from the parameter types without running it (Describe); it runs when the row is
 * read. Undefined when it has none: runCall then runs it as a command.
 */
export async function planCall(
  session: Session,
  call: Call,
  literals: readonly string[] = [],
): Promise<RowsPlan | undefined> {
  const stmt = withParameters(call, literals);
  const procedure = await resolve(session, stmt);
  const outputs = parametersOf(procedure)
    .map((p, i) => ({ name: p.name ?? `$${i + 1}`, type: p.type, mode: p.mode }))
    .filter((p) => p.mode !== 'in');
  if (outputs.length === 0) {
    resolvedForRun.set(call, procedure);
    return undefined;
  }
  const rowOf = (values: PlValue[]) =>
    selectOf(
      values.map((v, i) => ({
        expr: valueExpr(v),
        alias: { value: outputs[i]!.name, quoted: true },
      })),
    );
  const shape = await planRows(
    session,
    rowOf(outputs.map((o) => ({ value: null, type: o.type }))),
    [],
    [],
  );
  await shape.close();
  let rows: RowsPlan | undefined;
  return {
    fields: shape.fields,
    async next(maxRows, write) {
      if (!rows) {
        const sink = session.statementSink;
        if (!sink) throw new LakeshiftError(SqlState.internalError, 'CALL outside a statement');
        const { out } = await runProcedure(session, stmt, procedure, sink);
        rows = await planRows(session, rowOf(out.map((o) => o.value)), [], []);
      }
      return rows.next(maxRows, write);
    },
    tag: () => 'CALL',
    close: async () => {
      await rows?.close();
    },
  };
}
