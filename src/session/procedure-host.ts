// The session side of a running procedure (plpgsql/host.ts): its SQL statements are prepared
// and run as a client's extended-protocol statements are (Parse once, then Bind and Execute with
// the procedure's values as text parameters), in the session's transaction; rows come back as
// the text a client would read, typed by their PostgreSQL OIDs; COMMIT, ROLLBACK and TRUNCATE
// follow Redshift's rules for procedures.
// https://docs.aws.amazon.com/redshift/latest/dg/stored-procedure-transaction-management.html
import { LakeshiftError, SqlState } from '../common/errors.js';
import { PgOid, type FieldDescription } from '../engine/index.js';
import type { PlRow, PlValue, PreparedSql, ProcedureHost, RaiseLevel } from '../plpgsql/host.js';
import { typeName } from '../plpgsql/fast-eval.js';
import { textOf } from '../plpgsql/interpreter.js';
import { parse, REFCURSOR_OID, type Ident, type Statement, type TypeName } from '../sql/index.js';
import { runCommand } from './commands.js';
import { ensurePlanned, type Portal, type PreparedStatement } from './execute.js';
import { bindPortal } from './extended.js';
import { literals } from './params.js';
import { planRows, type RowsPlan } from './rows.js';
import { toClientError, type Session } from './session.js';
import type { ResultSink } from './wire.js';

/** A parameter type left to the server (Parse's 0). */
const UNSPECIFIED = 0;

const NAME_OF_OID = new Map<number, string>(
  Object.entries(PgOid).map(([name, oid]) => [oid as number, name]),
);

/** The SQL type of a result column, from its OID and modifier. */
function fieldType(f: FieldDescription): TypeName {
  const name =
    f.typeOid === REFCURSOR_OID ? 'refcursor' : (NAME_OF_OID.get(f.typeOid) ?? 'varchar');
  if (name === 'numeric' && f.typeModifier > 4) {
    const m = f.typeModifier - 4;
    return typeName('numeric', [m >> 16, m & 0xffff]);
  }
  if ((name === 'varchar' || name === 'bpchar') && f.typeModifier > 4) {
    return typeName(name, [f.typeModifier - 4]);
  }
  return typeName(name === 'text' ? 'varchar' : name);
}

/** A column's text as the interpreter holds it: integers and booleans as JS values. */
function plValue(text: string | null, type: TypeName): PlValue {
  if (text === null) return { value: null, type };
  switch (type.name) {
    case 'int2':
    case 'int4':
      return { value: Number(text), type };
    case 'int8':
      return { value: BigInt(text), type };
    case 'bool':
      return { value: text === 't' || text === 'true', type };
    default:
      return { value: text, type };
  }
}

/** Text-format DataRow messages ('D', length, column count, then length-prefixed values). */
function decodeRows(messages: Uint8Array, fields: FieldDescription[], into: PlRow[]): void {
  const buf = Buffer.from(messages.buffer, messages.byteOffset, messages.byteLength);
  const names = fields.map((f) => f.name);
  const types = fields.map(fieldType);
  let at = 0;
  while (at < buf.length) {
    const length = buf.readInt32BE(at + 1);
    let p = at + 7;
    const count = buf.readInt16BE(at + 5);
    const values: PlValue[] = [];
    for (let i = 0; i < count; i++) {
      const n = buf.readInt32BE(p);
      p += 4;
      const text = n < 0 ? null : buf.toString('utf8', p, p + n);
      if (n > 0) p += n;
      values.push(plValue(text, types[i]!));
    }
    into.push({ names, values });
    at += 1 + length;
  }
}

async function readRows(plan: RowsPlan, maxRows: number): Promise<PlRow[]> {
  const rows: PlRow[] = [];
  await plan.next(maxRows, (m) => decodeRows(m, plan.fields, rows));
  return rows;
}

/** Statements that end the transaction a procedure runs in, and why they may not. */
function atomicContextError(what: string): LakeshiftError {
  return new LakeshiftError(
    SqlState.activeSqlTransaction,
    `${what} cannot be invoked from a procedure that is executing in an atomic context.`,
    {
      hint: 'Try calling the procedure as a top-level call i.e. not from within an explicit transaction block.',
    },
  );
}

/**
 * A statement of a procedure as Parse leaves a client's. Its $n are untyped text, as a client's
 * text parameters of unspecified type: each stands inside a CAST to its value's type, so DML
 * gets CAST('text' AS type) as it would for a literal, and a query binds the text as DuckDB types
 * the parameter (else as the literal).
 */
interface ProcedureStatement extends PreparedSql {
  statement: PreparedStatement;
}

/** The values of a statement's $1..$n as a client's Bind sends text parameters. */
function wireValues(values: readonly PlValue[]): (Uint8Array | null)[] {
  return values.map((v) => {
    const text = textOf(v);
    return text === null ? null : Buffer.from(text, 'utf8');
  });
}

/** What the procedures of a session prepared (Parse) and ran (Bind and Execute) so far. */
export interface ProcedureStatementCounts {
  prepared: number;
  executed: number;
}

const counts = new WeakMap<Session, ProcedureStatementCounts>();

/** The session's counts of procedure statements: a loop runs one prepared statement many times. */
export function procedureStatementCounts(session: Session): ProcedureStatementCounts {
  let c = counts.get(session);
  if (c === undefined) counts.set(session, (c = { prepared: 0, executed: 0 }));
  return c;
}

export class SessionProcedureHost implements ProcedureHost {
  constructor(
    private readonly session: Session,
    private readonly sink: ResultSink,
    /** The CALL ran inside BEGIN ... COMMIT: the procedure may not end the transaction. */
    private readonly atomic: boolean,
    /** NONATOMIC: each statement commits on its own (outside a transaction block). */
    private readonly nonatomic: boolean,
  ) {}

  prepare(stmt: Statement, text: string, parameterCount: number): PreparedSql {
    procedureStatementCounts(this.session).prepared++;
    const prepared: ProcedureStatement = {
      text,
      statement: {
        name: '',
        sql: text,
        stmt,
        parameterTypes: Array.from({ length: parameterCount }, () => UNSPECIFIED),
      },
    };
    return prepared;
  }

  async run(prepared: PreparedSql, values: PlValue[], opts: { maxRows?: number } = {}) {
    try {
      return await this.runPortal(await this.bind(prepared, values), opts);
    } catch (e) {
      // Engine errors become the client's error here, so that handlers can match them.
      throw toClientError(e);
    }
  }

  /** Bind: the prepared statement with these values, as a portal. */
  private bind(prepared: PreparedSql, values: PlValue[]): Promise<Portal> {
    procedureStatementCounts(this.session).executed++;
    const { statement } = prepared as ProcedureStatement;
    return bindPortal(this.session, statement, wireValues(values), [], []);
  }

  private async runPortal(portal: Portal, opts: { maxRows?: number }) {
    this.session.transactions.assertNotFailed();
    const stmt = portal.prepared.stmt!;
    // A query, SHOW ... or a CALL with OUT arguments: its rows.
    try {
      const fields = await ensurePlanned(this.session, portal);
      if (fields !== null && portal.rows) {
        const rows = await readRows(portal.rows, opts.maxRows ?? 0);
        return { rowCount: rows.length, rows };
      }
    } finally {
      await portal.close();
    }
    if (stmt.kind === 'Truncate' && this.atomic) throw atomicContextError('TRUNCATE');
    const { rows } = await runCommand(this.session, stmt, literals(portal.params), this.sink);
    if (stmt.kind === 'Call') return { rowCount: rows };
    // TRUNCATE commits the transaction it runs in, and the procedure goes on in a new one.
    if (stmt.kind === 'Truncate' || (this.nonatomic && !this.atomic)) await this.commit();
    return { rowCount: rows };
  }

  parse(sql: string): Statement[] {
    return parse(sql, { standardConformingStrings: true });
  }

  notice(
    level: RaiseLevel,
    message: string,
    fields: { detail?: string; hint?: string; sqlstate: string; where: string },
  ): void {
    const severity =
      level === 'warning'
        ? 'WARNING'
        : level === 'info'
          ? 'INFO'
          : level === 'log'
            ? 'LOG'
            : level === 'debug'
              ? 'DEBUG'
              : 'NOTICE';
    // LOG and DEBUG go to the server's log, not the client (client_min_messages' default).
    if (severity === 'LOG' || severity === 'DEBUG') return;
    this.sink.notice({ severity, message, ...fields });
  }

  async commit(): Promise<void> {
    if (this.atomic) throw atomicContextError('COMMIT');
    await this.session.closeCursors();
    await this.session.transactions.commitWork();
  }

  async rollback(): Promise<void> {
    if (this.atomic) throw atomicContextError('ROLLBACK');
    await this.session.closeCursors();
    await this.session.transactions.rollbackWork();
  }

  async tableColumns(table: Ident[]): Promise<{ name: string; type: TypeName }[] | undefined> {
    const select = parse(
      `SELECT * FROM ${table.map((p) => `"${p.value.replaceAll('"', '""')}"`).join('.')} WHERE false`,
    )[0]!;
    try {
      const plan = await planRows(this.session, select, [], []);
      await plan.close();
      return plan.fields.map((f) => ({ name: f.name, type: fieldType(f) }));
    } catch {
      return undefined;
    }
  }

  checkCanceled(): void {
    this.session.throwIfCanceled();
  }

  async openCursor(name: string, prepared: PreparedSql, values: PlValue[]): Promise<void> {
    if (this.session.cursors.has(name)) {
      throw new LakeshiftError(SqlState.duplicateCursor, `cursor "${name}" already exists`);
    }
    const { prepared: statement, params } = await this.bind(prepared, values);
    this.session.cursors.set(name, await planRows(this.session, statement.stmt!, params, []));
  }

  async fetchCursor(name: string): Promise<PlRow | undefined> {
    const plan = this.session.cursors.get(name);
    if (!plan)
      throw new LakeshiftError(SqlState.invalidCursorName, `cursor "${name}" does not exist`);
    const [row] = await readRows(plan, 1);
    return row;
  }

  async closeCursor(name: string): Promise<void> {
    await this.session.closeCursor(name);
  }
}
