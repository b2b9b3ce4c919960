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
import type { Call, Expr, Query, Statement } from '../sql/index.js';
import type { CommandResult } from './commands.js';
import { SessionProcedureHost } from './procedure-host.js';
import { planRows, type RowsPlan } from './rows.js';
import type { Session } from './session.js';
import type { ResultSink } from './wire.js';

/** Redshift's limit on nested CALLs. */
export const MAX_CALL_DEPTH = 16;

/** What CALL needs of a stored procedure, as the catalog keeps it. */
export interface StoredProcedure {
  /** Identity of this version of the procedure (its parsed body is cached by it). */
  key: string;
  name: string;
  parameters: (ProcedureParameter & { defaultSql?: string })[];
  body: string;
  nonatomic: boolean;
}

/** Finds the procedure a CALL names with this many input arguments (set by the catalog side). */
export type ProcedureResolver = (session: Session, stmt: Call) => Promise<StoredProcedure>;

let resolver: ProcedureResolver | undefined;

export function setProcedureResolver(r: ProcedureResolver): void {
  resolver = r;
}

const programs = new Map<string, PlProgram>();

/** The parsed body of a procedure version: parsed once, then reused by every CALL. */
function programOf(p: StoredProcedure): PlProgram {
  let program = programs.get(p.key);
  if (!program) {
    program = parseProcedureBody(p.body, { procedureName: p.name });
    programs.set(p.key, program);
  }
  return program;
}

const depth = new WeakMap<Session, number>();

/** Runs a CALL; the OUT and INOUT values, by name, or none. */
async function runProcedure(
  session: Session,
  stmt: Call,
  sink: ResultSink,
): Promise<{ procedure: StoredProcedure; out: { name: string; value: PlValue }[] }> {
  if (!resolver)
    throw new LakeshiftError(SqlState.featureNotSupported, 'CALL is not supported yet');
  const level = (depth.get(session) ?? 0) + 1;
  if (level > MAX_CALL_DEPTH) {
    throw new LakeshiftError(
      SqlState.programLimitExceeded,
      `stored procedure call nesting exceeds the limit of ${MAX_CALL_DEPTH}`,
    );
  }
  const procedure = await resolver(session, stmt);
  const inputs = procedure.parameters.filter((p) => p.mode !== 'out');
  const program = programOf(procedure);
  // The arguments, cast to the parameters' types, in one SELECT through the session.
  const args: PlValue[] = [];
  if (inputs.length > 0) {
    const casts: Expr[] = inputs.map((p, i) => ({
      kind: 'Cast',
      expr: stmt.args[i] ?? defaultExpr(session, p.defaultSql),
      type: p.type,
      syntax: 'cast',
    }));
    const host = new SessionProcedureHost(session, sink, true, false);
    const { rows } = await host.run(selectOf(casts.map((expr) => ({ expr }))), 'CALL arguments', {
      maxRows: 1,
    });
    let k = 0;
    for (const p of procedure.parameters) {
      args.push(p.mode === 'out' ? { value: null, type: p.type } : rows![0]!.values[k++]!);
    }
  }
  depth.set(session, level);
  try {
    const host = new SessionProcedureHost(
      session,
      sink,
      session.transactions.inBlock,
      procedure.nonatomic,
    );
    const interpreter = new Interpreter(host, {
      name: procedure.name,
      program,
      parameters: procedure.parameters,
      args,
      nonatomic: procedure.nonatomic,
    });
    const out = await interpreter.run();
    return { procedure, out };
  } finally {
    depth.set(session, level - 1);
  }
}

function defaultExpr(session: Session, sql: string | undefined): Expr {
  if (sql === undefined) {
    throw new LakeshiftError(SqlState.undefinedFunction, 'procedure argument missing');
  }
  const [stmt] = session.translations.parse(`SELECT ${sql}`, {}) as Statement[];
  return ((stmt as Query).body as unknown as { items: { expr: Expr }[] }).items[0]!.expr;
}

/** CALL of a procedure without OUT or INOUT arguments: a command. */
export async function runCall(
  session: Session,
  stmt: Call,
  sink: ResultSink,
): Promise<CommandResult> {
  await runProcedure(session, stmt, sink);
  return { tag: 'CALL', rows: 0 };
}

/**
 * CALL of a procedure with OUT or INOUT arguments: one row of their values. The row's fields
 * are known from the parameter types without running it (Describe); it runs when the row is
 * read. Undefined when it has none: runCall then runs it as a command.
 */
export async function planCall(session: Session, stmt: Call): Promise<RowsPlan | undefined> {
  if (!resolver) return undefined;
  const procedure = await resolver(session, stmt);
  const outputs = procedure.parameters
    .map((p, i) => ({ name: p.name ?? `$${i + 1}`, type: p.type, mode: p.mode }))
    .filter((p) => p.mode !== 'in');
  if (outputs.length === 0) return undefined;
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
        const { out } = await runProcedure(session, stmt, sink);
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
