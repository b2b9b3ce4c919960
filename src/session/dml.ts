// INSERT, UPDATE, DELETE and TRUNCATE: the target is a lake table (through the session's
// transaction) or a session temp table (a DuckDB temp table on the session's connection); the
// expressions are translated to DuckDB SQL against the same relations a query would see.
import { LakeshiftError, SqlState } from '../common/errors.js';
import { quoteIdent } from '../common/sql-quote.js';
import { fromDuckDBError } from '../engine/index.js';
import type {
  Delete,
  Expr,
  Insert,
  Merge,
  Query,
  ColumnRef,
  Select,
  SelectItem,
  TableName,
  TableRef,
  Truncate,
  Update,
} from '../sql/index.js';
import {
  decodeAnnotation,
  FUNCTION_SCHEMA,
  identValue,
  parseStatements,
  qualifiedName,
  toDuckDb,
  visit,
  toDuckDbExpr,
  toSuperSql,
} from '../sql/index.js';
import type { ColumnInfo, LakeTransaction, TableInfo } from '../storage/index.js';
import type { CommandResult } from './commands.js';
import { unsupported } from './execute.js';
import {
  codegenContext,
  declaredColumns,
  findLakeTable,
  relationMissing,
  resolveRelations,
  type LakeTarget,
} from './resolve.js';
import type { Session } from './session.js';
import { generateWithSystemFunctions } from './system-source.js';
import { checkIdentityInsert, checkIdentityUpdate, withIdentityValues } from './identity.js';

type Target =
  | { kind: 'lake'; table: LakeTarget; info: TableInfo }
  | { kind: 'temp'; duckdbName: string; columns: string[] };

async function target(
  session: Session,
  tx: LakeTransaction,
  parts: Insert['table'],
  /** DELETE and TRUNCATE: a streaming materialized view's rows may be purged. */
  purge = false,
): Promise<Target> {
  const q = qualifiedName(parts, session.caseSensitiveIdentifiers);
  if (q.schema === undefined || q.schema === 'pg_temp') {
    const temp = session.tempTables.get(q.name);
    if (temp) return { kind: 'temp', ...temp };
  }
  const table = await findLakeTable(session, tx, q, { streamingViews: purge });
  if (table === undefined) throw relationMissing(q);
  return { kind: 'lake', table, info: (await tx.getTable(table.schema, table.name))! };
}

async function runOnConnection(session: Session, sql: string): Promise<number> {
  try {
    const reader = await session.connection.runAndReadAll(sql);
    return Number(reader.rowsChanged);
  } catch (e) {
    throw fromDuckDBError(e);
  }
}

async function translate(
  session: Session,
  tx: LakeTransaction,
  node: Query | Expr,
  params: string[],
  extraScope: unknown[] = [],
  target?: Target,
  alias?: string,
): Promise<string> {
  const relations = await resolveRelations(session, tx, [node, ...extraScope]);
  // The target table of UPDATE/DELETE is in scope of their expressions.
  const exprScope =
    target?.kind === 'lake'
      ? [{ name: alias ?? target.table.name, columns: declaredColumns(target.info) }]
      : [];
  return generateWithSystemFunctions(
    session,
    tx,
    { ...codegenContext(session, relations, params), exprScope },
    (ctx) => (node.kind === 'Query' ? toDuckDb(node, ctx) : toDuckDbExpr(node, ctx)),
  );
}

export async function runInsert(
  session: Session,
  stmt: Insert,
  params: string[],
): Promise<CommandResult> {
  if (stmt.returning) throw unsupported('INSERT ... RETURNING', stmt.pos);
  const tx = await session.transactions.current();
  const t = await target(session, tx, stmt.table);
  const columns = stmt.columns.map((c) => identValue(c, session.caseSensitiveIdentifiers));
  if (stmt.defaultValues || stmt.source === undefined) {
    if (t.kind === 'lake') {
      // DEFAULT VALUES: one row of every column's default (NULL when it has none).
      const ctx = codegenContext(session, new Map(), params);
      const defaults = `SELECT ${t.info.columns.map((c) => toDuckDbExpr(defaultExpr(c), ctx)).join(', ')}`;
      const n = await withIdentityValues(session, tx, t.info, [], defaults, (src, cols) =>
        tx.insert(t.table, src, cols.length > 0 ? { columns: cols } : {}),
      );
      return { tag: `INSERT 0 ${n}`, rows: n };
    }
    const n = await runOnConnection(
      session,
      `INSERT INTO temp.main.${quoteIdent(t.duckdbName)} DEFAULT VALUES`,
    );
    return { tag: `INSERT 0 ${n}`, rows: n };
  }
  const info = t.kind === 'lake' ? t.info : undefined;
  const width =
    columns.length > 0
      ? columns.length
      : t.kind === 'lake'
        ? info?.columns.length
        : t.columns.length;
  checkValuesWidth(stmt.source, width);
  if (info !== undefined) checkIdentityInsert(info, columns, stmt.source);
  if (containsDefault(stmt.source)) {
    if (info === undefined) throw unsupported('DEFAULT inside VALUES of a temp table', stmt.pos);
    replaceDefaults(
      stmt.source,
      columns.length > 0 ? columns : info.columns.map((c) => c.name),
      info,
    );
  }
  let source = await translate(session, tx, stmt.source, params);
  let n: number;
  if (t.kind === 'lake') {
    let target = columns;
    if (columns.length > 0 && info !== undefined) {
      // Omitted columns whose DEFAULT is an expression get it evaluated now (constant defaults
      // the lake fills in itself).
      const extra = info.columns.filter(
        (c) => !columns.includes(c.name) && decodeAnnotation(c.typeAnnotation).default,
      );
      if (extra.length > 0) {
        const ctx = codegenContext(session, new Map(), params);
        const exprs = extra.map((c) => toDuckDbExpr(defaultExpr(c), ctx));
        source = `SELECT __d.*, ${exprs.join(', ')} FROM (${source}) AS __d`;
        target = [...columns, ...extra.map((c) => c.name)];
      }
    }
    source = storedValues(t.info, target, source);
    n = await withIdentityValues(session, tx, t.info, target, source, (src, cols) =>
      tx.insert(t.table, src, cols.length > 0 ? { columns: cols } : {}),
    );
  } else {
    const cols = columns.length > 0 ? ` (${columns.map(quoteIdent).join(', ')})` : '';
    n = await runOnConnection(
      session,
      `INSERT INTO temp.main.${quoteIdent(t.duckdbName)}${cols} ${source}`,
    );
  }
  return { tag: `INSERT 0 ${n}`, rows: n };
}

/** character varying(n) / character(n) of a declared type, if it has a length. */
function declaredLength(annotation: string | null): { type: string; n: number } | undefined {
  const m = /^(character varying|character)\((\d+)\)$/.exec(
    decodeAnnotation(annotation).type ?? '',
  );
  return m ? { type: m[1]!, n: Number(m[2]) } : undefined;
}

/**
 * The source query with the values as the columns store them. Redshift's rules for character
 * columns: a value longer than the column's length in bytes fails with 22001 instead of being
 * stored, unless what is past the length is only blanks (then it is cut to the length); CHAR(n)
 * values are stored without their trailing blanks (trailing-blanks.ts pads them on the way out).
 * A SUPER column stores a value of another type as a SUPER scalar: a string becomes a JSON
 * string, not parsed (JSON_PARSE parses) — unless `superText` is 'json': COPY reads a SUPER
 * field's text as JSON, as Redshift loads SUPER from text and CSV.
 * https://docs.aws.amazon.com/redshift/latest/dg/r_Character_types.html
 * https://docs.aws.amazon.com/redshift/latest/dg/r_SUPER_type.html
 */
export function storedValues(
  info: TableInfo,
  columns: readonly string[],
  source: string,
  superText: 'scalar' | 'json' = 'scalar',
): string {
  const names = columns.length > 0 ? columns : info.columns.map((c) => c.name);
  const declared = names.map(
    (name) => info.columns.find((c) => c.name === name)?.typeAnnotation ?? null,
  );
  const limits = declared.map(declaredLength);
  const supers = declared.map((a) => decodeAnnotation(a).type === 'super');
  if (limits.every((l) => l === undefined) && !supers.some(Boolean)) return source;
  const aliases = names.map((_, i) => `__v${i}`);
  // JSON text is parsed as JSON_PARSE does, keeping numbers as written (json() would not).
  const toSuper = (a: string) =>
    superText === 'json' ? `${FUNCTION_SCHEMA}.json_parse(CAST(${a} AS VARCHAR))` : toSuperSql(a);
  const stored = aliases.map((a, i) => (supers[i] ? toSuper(a) : checkedLength(a, limits[i])));
  return `SELECT ${stored.join(', ')} FROM (${source}) AS __s(${aliases.join(', ')})`;
}

/** A value of a character column as stored, failing with 22001 when too long. */
function checkedLength(value: string, limit: { type: string; n: number } | undefined): string {
  if (limit === undefined) return value;
  const text = `CAST((${value}) AS VARCHAR)`;
  const tooLong = `error('value too long for type ${limit.type}(${limit.n})')`;
  if (limit.type === 'character') {
    return `CASE WHEN strlen(rtrim(${text})) > ${limit.n} THEN ${tooLong} ELSE rtrim(${text}) END`;
  }
  const cut = `rtrim(${text}) || repeat(' ', ${limit.n} - strlen(rtrim(${text})))`;
  return (
    `CASE WHEN strlen(${text}) > ${limit.n} THEN ` +
    `CASE WHEN strlen(rtrim(${text})) > ${limit.n} THEN ${tooLong} ELSE ${cut} END ` +
    `ELSE ${text} END`
  );
}

/** PostgreSQL's errors for a VALUES list wider or narrower than the target columns. */
function checkValuesWidth(q: Query, width: number | undefined): void {
  if (q.body.kind !== 'Values' || !width) return;
  for (const row of q.body.rows) {
    if (row.length > width) {
      throw new LakeshiftError(
        SqlState.syntaxError,
        'INSERT has more expressions than target columns',
        {
          position: (row[width] as { pos?: number }).pos,
        },
      );
    }
    if (row.length < width) {
      throw new LakeshiftError(
        SqlState.syntaxError,
        'INSERT has more target columns than expressions',
        {
          position: q.pos,
        },
      );
    }
  }
}

/** A column's default as an expression: its DEFAULT expression, constant, or NULL. */
export function defaultExpr(c: ColumnInfo): Expr {
  const expression = decodeAnnotation(c.typeAnnotation).default;
  if (expression !== undefined) {
    const [stmt] = parseStatements(`SELECT ${expression}`);
    if (stmt?.kind === 'Query' && stmt.body.kind === 'Select' && stmt.body.items[0]) {
      return stmt.body.items[0].expr;
    }
  }
  // The lake casts inserted values to the column's type: the constant's text is enough.
  return c.defaultValue === null
    ? { kind: 'NullLit' }
    : { kind: 'StringLit', value: c.defaultValue };
}

/** DEFAULT items of a VALUES list become each column's default. */
function replaceDefaults(q: Query, columns: readonly string[], info: TableInfo): void {
  if (q.body.kind !== 'Values') return;
  for (const row of q.body.rows) {
    row.forEach((e, i) => {
      if (e.kind !== 'Default') return;
      const column = info.columns.find((c) => c.name === columns[i]);
      row[i] = column ? defaultExpr(column) : { kind: 'NullLit' };
    });
  }
}

function containsDefault(q: Query): boolean {
  return q.body.kind === 'Values' && q.body.rows.some((r) => r.some((e) => e.kind === 'Default'));
}

/**
 * Redshift's UPDATE ... FROM and DELETE ... USING join the target with other tables. Each target
 * row is changed once if any combination of the other tables' rows matches it, so the join
 * becomes correlated subqueries over those tables: EXISTS for the rows to change, and per SET
 * value the value of one matching combination (Redshift, like PostgreSQL, picks any one).
 */
function joinedRows(items: TableRef[], where: Expr | undefined, value: Expr, one: boolean): Query {
  const pos = value.pos ?? 0;
  const body: Select = {
    kind: 'Select',
    items: [{ expr: value, pos }],
    from: items,
    windows: [],
    pos,
  };
  if (where) body.where = where;
  const query: Query = { kind: 'Query', body, orderBy: [], pos };
  if (one) query.limit = { kind: 'NumberLit', value: '1', pos };
  return query;
}

function matchesJoined(items: TableRef[], where: Expr | undefined, pos = 0): Expr {
  return {
    kind: 'Exists',
    query: joinedRows(items, where, { kind: 'NumberLit', value: '1', pos }, false),
    pos,
  };
}

export async function runUpdate(
  session: Session,
  stmt: Update,
  params: string[],
): Promise<CommandResult> {
  if (stmt.returning) throw unsupported('UPDATE ... RETURNING', stmt.pos);
  const tx = await session.transactions.current();
  const t = await target(session, tx, stmt.table);
  const alias = stmt.alias && identValue(stmt.alias, session.caseSensitiveIdentifiers);
  const assignments: Record<string, string> = {};
  for (const a of stmt.assignments) {
    if (a.tuple || a.targets.length !== 1) {
      throw unsupported('UPDATE ... SET (a, b) = (...)', a.pos);
    }
    const column = identValue(a.targets[0]!, session.caseSensitiveIdentifiers);
    if (t.kind === 'lake' && a.value.kind !== 'Default') checkIdentityUpdate(t.info, column);
    // The parsed statement is shared by later runs of the same text: it is never changed here.
    let value: Expr;
    if (a.value.kind === 'Default') {
      const c = t.kind === 'lake' ? t.info.columns.find((x) => x.name === column) : undefined;
      value = c ? defaultExpr(c) : { kind: 'NullLit' };
    } else if (stmt.from.length > 0) {
      value = {
        kind: 'Subquery',
        query: joinedRows(stmt.from, stmt.where, a.value, true),
        pos: a.pos,
      };
    } else {
      value = a.value;
    }
    if (column in assignments) {
      throw new LakeshiftError(
        SqlState.syntaxError,
        `multiple assignments to same column "${column}"`,
        { position: a.pos },
      );
    }
    assignments[column] = await translate(session, tx, value, params, [], t, alias);
  }
  if (t.kind === 'lake') {
    for (const [column, expr] of Object.entries(assignments)) {
      const c = t.info.columns.find((x) => x.name === column);
      assignments[column] = checkedLength(expr, declaredLength(c?.typeAnnotation ?? null));
    }
  }
  const condition =
    stmt.from.length > 0 ? matchesJoined(stmt.from, stmt.where, stmt.pos) : stmt.where;
  const where = condition && (await translate(session, tx, condition, params, [], t, alias));
  let n: number;
  if (t.kind === 'lake') {
    n = await tx.update(t.table, assignments, where, { alias });
  } else {
    const sets = Object.entries(assignments).map(([c, e]) => `${quoteIdent(c)} = ${e}`);
    n = await runOnConnection(
      session,
      `UPDATE temp.main.${quoteIdent(t.duckdbName)}${alias ? ` AS ${quoteIdent(alias)}` : ''} SET ${sets.join(', ')}${where ? ` WHERE ${where}` : ''}`,
    );
  }
  return { tag: `UPDATE ${n}`, rows: n };
}

export async function runDelete(
  session: Session,
  stmt: Delete,
  params: string[],
): Promise<CommandResult> {
  if (stmt.returning) throw unsupported('DELETE ... RETURNING', stmt.pos);
  const tx = await session.transactions.current();
  const t = await target(session, tx, stmt.table, true);
  const condition =
    stmt.using.length > 0 ? matchesJoined(stmt.using, stmt.where, stmt.pos) : stmt.where;
  const alias = stmt.alias && identValue(stmt.alias, session.caseSensitiveIdentifiers);
  const where = condition && (await translate(session, tx, condition, params, [], t, alias));
  let n: number;
  if (t.kind === 'lake') {
    n = await tx.delete(t.table, where, { alias, purge: t.table.streamingView });
  } else {
    n = await runOnConnection(
      session,
      `DELETE FROM temp.main.${quoteIdent(t.duckdbName)}${alias ? ` AS ${quoteIdent(alias)}` : ''}${where ? ` WHERE ${where}` : ''}`,
    );
  }
  return { tag: `DELETE ${n}`, rows: n };
}

/** The unqualified names of the columns an expression reads. */
function columnNames(e: Expr, caseSensitive: boolean): Set<string> {
  const names = new Set<string>();
  visit(e, (node) => {
    if (node.kind === 'ColumnRef') {
      const parts = (node as ColumnRef).parts;
      names.add(identValue(parts[parts.length - 1]!, caseSensitive));
    }
  });
  return names;
}

/**
 * Redshift's MERGE, as the joined DML it stands for: matched target rows updated (UPDATE ...
 * FROM source WHERE on) or deleted (DELETE ... USING), then source rows with no match inserted
 * (INSERT ... SELECT ... WHERE NOT EXISTS). REMOVE DUPLICATES replaces the matched target rows by
 * the source's and adds the rest. One statement: the caller's transaction holds all of it.
 */
export async function runMerge(
  session: Session,
  stmt: Merge,
  params: string[],
): Promise<CommandResult> {
  const { table, alias, source, on, pos } = stmt;
  const sourceQuery = (items: SelectItem[], where?: Expr): Query => {
    const body: Select = { kind: 'Select', items, from: [source], windows: [], pos };
    if (where) body.where = where;
    return { kind: 'Query', body, orderBy: [], pos };
  };
  if (stmt.removeDuplicates) {
    await runDelete(
      session,
      { kind: 'Delete', table, ...(alias ? { alias } : {}), using: [source], where: on, pos },
      params,
    );
    const all = sourceQuery([{ expr: { kind: 'Star', qualifier: [], pos }, pos }]);
    const added = await runInsert(
      session,
      { kind: 'Insert', table, columns: [], source: all, defaultValues: false, pos },
      params,
    );
    return { tag: `MERGE ${added.rows}`, rows: added.rows };
  }
  if (stmt.matched?.kind === 'delete' && stmt.notMatched) {
    throw unsupported('MERGE with both WHEN MATCHED THEN DELETE and WHEN NOT MATCHED', pos);
  }
  let changed = 0;
  if (stmt.matched?.kind === 'update') {
    // The inserts below look for matches after the update: an update of a column the ON
    // condition reads would change which source rows match.
    const onColumns = columnNames(on, session.caseSensitiveIdentifiers);
    for (const a of stmt.matched.assignments) {
      for (const target of a.targets) {
        if (onColumns.has(identValue(target, session.caseSensitiveIdentifiers))) {
          throw unsupported('MERGE that updates a column of its ON condition', a.pos);
        }
      }
    }
    const update: Update = {
      kind: 'Update',
      table,
      assignments: stmt.matched.assignments,
      from: [source],
      where: on,
      pos,
    };
    if (alias) update.alias = alias;
    changed += (await runUpdate(session, update, params)).rows;
  } else if (stmt.matched?.kind === 'delete') {
    const del: Delete = { kind: 'Delete', table, using: [source], where: on, pos };
    if (alias) del.alias = alias;
    changed += (await runDelete(session, del, params)).rows;
  }
  if (stmt.notMatched) {
    const targetRef: TableName = { kind: 'TableName', name: table, pos };
    if (alias) targetRef.alias = { name: alias, columns: [] };
    const matches: Query = {
      kind: 'Query',
      body: {
        kind: 'Select',
        items: [{ expr: { kind: 'NumberLit', value: '1', pos }, pos }],
        from: [targetRef],
        where: on,
        windows: [],
        pos,
      },
      orderBy: [],
      pos,
    };
    const unmatched = sourceQuery(
      stmt.notMatched.values.map((expr) => ({ expr, pos })),
      { kind: 'Unary', op: 'not', operand: { kind: 'Exists', query: matches, pos }, pos },
    );
    const insert: Insert = {
      kind: 'Insert',
      table,
      columns: stmt.notMatched.columns,
      source: unmatched,
      defaultValues: false,
      pos,
    };
    changed += (await runInsert(session, insert, params)).rows;
  }
  return { tag: `MERGE ${changed}`, rows: changed };
}

export async function runTruncate(session: Session, stmt: Truncate): Promise<CommandResult> {
  const tx = await session.transactions.current();
  for (const parts of stmt.tables) {
    const t = await target(session, tx, parts, true);
    if (t.kind === 'lake') await tx.truncate(t.table);
    else await runOnConnection(session, `DELETE FROM temp.main.${quoteIdent(t.duckdbName)}`);
  }
  // Redshift's TRUNCATE commits the transaction it runs in (a later ROLLBACK cannot undo it).
  if (session.transactions.inBlock) await session.transactions.commitWork();
  return { tag: 'TRUNCATE TABLE', rows: 0 };
}

export { translate };
