// The extended query protocol's session side: Describe of statements, Bind (parameters become
// typed SQL literals in the generated DuckDB SQL), Describe and Execute of portals.
import { LakeshiftError, SqlState } from '../common/errors.js';
import { decodeParameter, formatOf, pgTypeOf, textContext } from '../engine/index.js';
import { visit, type Param } from '../sql/index.js';
import type { Portal, PreparedStatement } from './execute.js';
import { ensurePlanned, executeStatement, returnsRows } from './execute.js';
import { querySql } from './rows.js';
import type { Session } from './session.js';
import type { FieldDescription, ResultSink, StatementDescription, WireFormat } from './wire.js';

/** Highest $n a statement uses (the SQL text decides the parameter count, as in PostgreSQL). */
function parameterCount(node: unknown): number {
  let max = 0;
  visit(node, (n) => {
    if (n.kind === 'Param') max = Math.max(max, (n as Param).index);
  });
  return max;
}

/** Parameter types: as declared in Parse, else as DuckDB infers them for queries, else text. */
async function parameterTypes(session: Session, prepared: PreparedStatement): Promise<number[]> {
  const stmt = prepared.stmt;
  const n = Math.max(prepared.parameterTypes.length, stmt ? parameterCount(stmt) : 0);
  const declared = Array.from({ length: n }, (_, i) => prepared.parameterTypes[i] ?? 0);
  if (!declared.includes(0) || stmt?.kind !== 'Query') {
    return declared.map((oid) => (oid === 0 ? 25 : oid));
  }
  try {
    const sql = await querySql(session, stmt, 'placeholders');
    const p = await session.engine.prepare(sql);
    try {
      const inferred = p.shape().parameterTypes;
      return declared.map((oid, i) => {
        if (oid !== 0) return oid;
        const t = inferred[i];
        return t === undefined ? 25 : pgTypeOf(t).typeOid;
      });
    } finally {
      p.close();
    }
  } catch {
    return declared.map((oid) => (oid === 0 ? 25 : oid));
  }
}

export async function describeStatement(
  session: Session,
  prepared: PreparedStatement,
): Promise<StatementDescription> {
  const types = await parameterTypes(session, prepared);
  const stmt = prepared.stmt;
  if (stmt === undefined || !returnsRows(stmt)) return { parameterTypes: types, fields: null };
  // The columns do not depend on parameter values: plan with NULLs of the right types.
  const portal = await bindPortal(
    session,
    prepared,
    types.map(() => null),
    [],
    [],
    types,
  );
  try {
    const fields = await ensurePlanned(session, portal);
    return { parameterTypes: types, fields };
  } finally {
    await portal.close();
  }
}

export async function bindPortal(
  session: Session,
  prepared: Pick<PreparedStatement, 'stmt' | 'sql'> & Partial<PreparedStatement>,
  values: (Uint8Array | null)[],
  parameterFormats: WireFormat[],
  resultFormats: WireFormat[],
  knownTypes?: number[],
): Promise<Portal> {
  const full: PreparedStatement = {
    name: prepared.name ?? '',
    sql: prepared.sql,
    stmt: prepared.stmt,
    parameterTypes: prepared.parameterTypes ?? [],
  };
  const expected = full.stmt ? parameterCount(full.stmt) : 0;
  if (values.length !== expected && !(knownTypes && values.length === knownTypes.length)) {
    throw new LakeshiftError(
      SqlState.protocolViolation,
      `bind message supplies ${values.length} parameters, but prepared statement "${full.name}" requires ${expected}`,
    );
  }
  // Declared types only: an unspecified one binds as an untyped literal.
  const types = knownTypes ?? full.parameterTypes;
  const zone = textContext(session.settings.get('TimeZone')).zone;
  const params = values.map((v, i) => {
    const oid = types[i] ?? 0;
    const format = formatOf(parameterFormats, i);
    // An untyped text parameter stays an untyped string literal: DuckDB casts it where used, as
    // PostgreSQL resolves an unknown-typed parameter from its context.
    if (v !== null && format === 0 && (oid === 0 || oid === 705)) {
      return { value: decodeParameter(25, 0, v, { zone }).value, type: undefined };
    }
    return decodeParameter(oid, format, v, { zone });
  });
  const portal: Portal = {
    prepared: full,
    params,
    resultFormats,
    planned: false,
    done: false,
    async close() {
      await portal.rows?.close();
      portal.rows = undefined;
    },
  };
  return portal;
}

export async function describePortal(
  session: Session,
  portal: Portal,
): Promise<FieldDescription[] | null> {
  return ensurePlanned(session, portal);
}

export async function runPortal(
  session: Session,
  portal: Portal,
  sink: ResultSink,
  maxRows: number,
): Promise<'complete' | 'suspended'> {
  const stmt = portal.prepared.stmt;
  const text = portal.prepared.sql;
  const { suspended } = await session.run(stmt, text, sink, () =>
    executeStatement(session, portal, sink, maxRows, false),
  );
  return suspended ? 'suspended' : 'complete';
}
