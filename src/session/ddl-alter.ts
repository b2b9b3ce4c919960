// ALTER TABLE and ALTER SCHEMA: columns, names, owners, Redshift's distribution, sort key and
// encoding changes (recorded; the sort key also orders what compaction writes), VARCHAR
// widening, informational constraints, and APPEND FROM.
// https://docs.aws.amazon.com/redshift/latest/dg/r_ALTER_TABLE.html
// https://docs.aws.amazon.com/redshift/latest/dg/r_ALTER_TABLE_APPEND.html
// https://docs.aws.amazon.com/redshift/latest/dg/r_ALTER_SCHEMA.html
import { LakeshiftError, SqlState } from '../common/errors.js';
import { quoteIdent } from '../common/sql-quote.js';
import type { AlterSchema, AlterTable, AlterTableAction, ColumnRef } from '../sql/index.js';
import {
  checkEncoding,
  decodeAnnotation,
  decodeSchemaAnnotation,
  decodeTableAnnotation,
  decodeViewAnnotation,
  encodeAnnotation,
  encodeSchemaAnnotation,
  encodeTableAnnotation,
  encodeViewAnnotation,
  identValue,
  parseStatements,
  qualifiedName,
  resolveType,
  toDuckDbExpr,
  visit,
  type ColumnAnnotation,
  type TableAnnotation,
} from '../sql/index.js';
import type { LakeTransaction, TableInfo } from '../storage/index.js';
import type { CommandResult } from './commands.js';
import { findView, quotaMb, renameInViews, requireLakeTable, userIdOf } from './ddl.js';
import { defaultExpr } from './dml.js';
import { requireNoTransactionBlock, unsupported } from './execute.js';
import { withIdentityValues } from './identity.js';
import { codegenContext, findLakeTable, relationMissing, type LakeTarget } from './resolve.js';
import type { Session } from './session.js';
import type { ResultSink } from './wire.js';
import {
  columnDefinition,
  resolveConstraints,
  sortSpec,
  tableConstraint,
  tableKeys,
} from './table-def.js';

/** The table being altered, re-read after each action (an action may change it). */
interface Target {
  ref: LakeTarget;
  info: TableInfo;
}

function notAllowed(message: string): LakeshiftError {
  return new LakeshiftError(SqlState.featureNotSupported, message);
}

export async function runAlterTable(
  session: Session,
  stmt: AlterTable,
  sink: ResultSink,
): Promise<CommandResult> {
  const cs = session.caseSensitiveIdentifiers;
  const tx = await session.transactions.current();
  const q = qualifiedName(stmt.name, cs);
  const ref = await findLakeTable(session, tx, q);
  if (ref === undefined) {
    // Redshift runs ALTER TABLE ... RENAME TO / OWNER TO on views too.
    const view = await findView(session, tx, q);
    if (view !== undefined) return alterView(session, tx, view.schemaName, view.name, stmt);
    if (stmt.ifExists) return { tag: 'ALTER TABLE', rows: 0 };
    throw relationMissing(q);
  }
  const encoded = new Set<string>();
  for (const a of stmt.actions) {
    const t: Target = { ref, info: (await tx.getTable(ref.schema, ref.name))! };
    if (a.kind === 'AlterColumnEncode') {
      const column = identValue(a.column, cs);
      if (encoded.has(column)) {
        throw notAllowed(`the encoding of column "${column}" can be changed only once per ALTER`);
      }
      encoded.add(column);
    }
    await alterAction(session, tx, t, a, sink);
    if (a.kind === 'RenameTable') ref.name = identValue(a.to, cs);
  }
  return { tag: 'ALTER TABLE', rows: 0 };
}

async function alterView(
  session: Session,
  tx: LakeTransaction,
  schema: string,
  name: string,
  stmt: AlterTable,
): Promise<CommandResult> {
  const cs = session.caseSensitiveIdentifiers;
  const [a, ...more] = stmt.actions;
  if (a === undefined || more.length > 0) throw notAllowed('ALTER TABLE on a view');
  if (a.kind === 'RenameTable') {
    const to = identValue(a.to, cs);
    const v = (await tx.getView(schema, name))!;
    await tx.alterView(schema, name, { name: to });
    await renameInViews(session, tx, v.viewId, { schema, name }, { schema, name: to });
  } else if (a.kind === 'OwnerTo') {
    const v = (await tx.getView(schema, name))!;
    const ownerId = await userIdOf(session, identValue(a.owner, cs));
    const annotation = encodeViewAnnotation({ ...decodeViewAnnotation(v.annotation), ownerId });
    await tx.alterView(schema, name, { annotation });
  } else {
    throw new LakeshiftError(SqlState.wrongObjectType, `"${name}" is a view, not a table`);
  }
  return { tag: 'ALTER TABLE', rows: 0 };
}

async function setAnnotation(
  tx: LakeTransaction,
  t: Target,
  change: (a: TableAnnotation) => TableAnnotation,
): Promise<void> {
  await tx.setTableAnnotation(
    t.ref,
    encodeTableAnnotation(change(decodeTableAnnotation(t.info.annotation))),
  );
}

function requireColumn(t: Target, column: string) {
  const c = t.info.columns.find((x) => x.name === column);
  if (c === undefined) {
    throw new LakeshiftError(
      SqlState.undefinedColumn,
      `column "${column}" of relation "${t.info.name}" does not exist`,
    );
  }
  return c;
}

async function setColumnAnnotation(
  tx: LakeTransaction,
  t: Target,
  column: string,
  change: (a: ColumnAnnotation) => ColumnAnnotation,
): Promise<void> {
  const a = decodeAnnotation(requireColumn(t, column).typeAnnotation);
  await tx.alterColumn(t.ref, column, { typeAnnotation: encodeAnnotation(change(a)) });
}

async function alterAction(
  session: Session,
  tx: LakeTransaction,
  t: Target,
  a: AlterTableAction,
  sink: ResultSink,
): Promise<void> {
  const cs = session.caseSensitiveIdentifiers;
  const annotation = decodeTableAnnotation(t.info.annotation);
  switch (a.kind) {
    case 'AddColumn':
      return addColumn(session, tx, t, a, sink);
    case 'DropColumn':
      return dropColumn(tx, t, identValue(a.column, cs), a.behavior === 'cascade');
    case 'RenameColumn':
      return tx.renameColumn(t.ref, identValue(a.column, cs), identValue(a.to, cs));
    case 'RenameTable': {
      const to = identValue(a.to, cs);
      await tx.renameTable(t.ref, to);
      const { schema, name } = t.ref;
      return renameInViews(session, tx, t.info.tableId, { schema, name }, { schema, name: to });
    }
    case 'AlterColumnType':
      return alterColumnType(session, tx, t, identValue(a.column, cs), a.type);
    case 'AlterColumnEncode': {
      const column = identValue(a.column, cs);
      const c = requireColumn(t, column);
      const current = decodeAnnotation(c.typeAnnotation);
      const encoding = checkEncoding(a.encoding, column, current.type ?? '');
      if (annotation.sortStyle === 'interleaved') {
        throw notAllowed(
          'the encoding of a column of a table with an interleaved sort key cannot be changed',
        );
      }
      if (current.encoding === encoding) {
        throw notAllowed(`column "${column}" is already encoded with ${encoding}`);
      }
      await setColumnAnnotation(tx, t, column, (x) => ({ ...x, encoding }));
      // An encoding given for a column ends ENCODE AUTO (r_ALTER_TABLE: ALTER COLUMN ENCODE).
      return setAnnotation(tx, t, (x) => ({ ...x, encodeAuto: false }));
    }
    case 'AlterEncodeAuto':
      return setAnnotation(tx, t, (x) => ({ ...x, encodeAuto: true }));
    case 'OwnerTo': {
      const ownerId = await userIdOf(session, identValue(a.owner, cs));
      return setAnnotation(tx, t, (x) => ({ ...x, ownerId }));
    }
    case 'AlterDistStyle':
    case 'AlterDistKey': {
      const style = a.kind === 'AlterDistKey' ? 'key' : a.style;
      if (annotation.sortStyle === 'interleaved' && style !== 'auto') {
        throw notAllowed(
          'ALTER DISTSTYLE and ALTER DISTKEY are not supported for tables with an interleaved sort key',
        );
      }
      const column = a.column && identValue(a.column, cs);
      const current = t.info.columns.find((c) => decodeAnnotation(c.typeAnnotation).distKey)?.name;
      const keys = tableKeys(
        session,
        {
          attributes: { distStyle: style === 'key' ? undefined : style },
          columnDistKeys: column ? [column] : [],
          columnSortKeys: [],
        },
        typedColumns(t.info),
      );
      // ALTER DISTSTYLE AUTO keeps the distribution key of a KEY table (AUTO(KEY)).
      const distKey = style === 'auto' ? current : keys.distKey;
      for (const c of t.info.columns) {
        const was = decodeAnnotation(c.typeAnnotation).distKey === true;
        if (was !== (c.name === distKey)) {
          await setColumnAnnotation(tx, t, c.name, (x) => ({
            ...x,
            distKey: c.name === distKey ? true : undefined,
          }));
        }
      }
      return setAnnotation(tx, t, (x) => ({ ...x, distStyle: keys.distStyle }));
    }
    case 'AlterSortKey': {
      if (a.sortKey.kind === 'SortKeyNone') {
        await tx.setSortKey(t.ref, []);
        return setAnnotation(tx, t, (x) => ({ ...x, sortStyle: 'none' }));
      }
      if (a.sortKey.kind === 'SortKeyColumns' && a.sortKey.style === 'interleaved') {
        throw unsupported('ALTER INTERLEAVED SORTKEY (a sort key can only be altered to COMPOUND)');
      }
      const spec = sortSpec(session, a.sortKey);
      if (spec.style === 'auto') {
        // ALTER SORTKEY AUTO keeps the present sort key (r_ALTER_TABLE).
        return setAnnotation(tx, t, (x) => ({ ...x, sortStyle: 'auto' }));
      }
      const keys = tableKeys(
        session,
        { attributes: { sortKey: a.sortKey }, columnDistKeys: [], columnSortKeys: [] },
        typedColumns(t.info),
      );
      const columns = keys.sort?.columns ?? [];
      // New sort key columns lose an explicit encoding: Redshift makes them RAW.
      for (const c of columns) {
        if (
          !t.info.sortKey.includes(c) &&
          decodeAnnotation(requireColumn(t, c).typeAnnotation).encoding
        ) {
          await setColumnAnnotation(tx, t, c, (x) => ({ ...x, encoding: undefined }));
        }
      }
      await tx.setSortKey(t.ref, columns);
      return setAnnotation(tx, t, (x) => ({ ...x, sortStyle: 'compound' }));
    }
    case 'AddConstraint': {
      const pending = tableConstraint(session, a.constraint);
      for (const name of pending.columns) requireColumn(t, name);
      if (pending.kind === 'p') {
        const nullable = pending.columns.find((n) => requireColumn(t, n).nullable);
        if (nullable !== undefined) {
          throw notAllowed(
            `a primary key cannot be added on nullable column "${nullable}"; create the column NOT NULL`,
          );
        }
        if ((annotation.constraints ?? []).some((c) => c.kind === 'p')) {
          throw new LakeshiftError(
            SqlState.invalidTableDefinition,
            `multiple primary keys for table "${t.info.name}" are not allowed`,
          );
        }
      }
      const constraints = await resolveConstraints(
        session,
        tx,
        t.info,
        [pending],
        annotation.constraints ?? [],
      );
      return setAnnotation(tx, t, (x) => ({ ...x, constraints }));
    }
    case 'DropConstraint': {
      const name = identValue(a.name, cs);
      const all = annotation.constraints ?? [];
      if (!all.some((c) => c.name === name)) {
        throw new LakeshiftError(
          SqlState.undefinedObject,
          `constraint "${name}" of relation "${t.info.name}" does not exist`,
        );
      }
      const rest = all.filter((c) => c.name !== name);
      return setAnnotation(tx, t, (x) => ({ ...x, constraints: rest.length ? rest : undefined }));
    }
    case 'AppendFrom':
      return appendFrom(session, tx, t, a);
    case 'SetSchema':
      throw unsupported('ALTER TABLE ... SET SCHEMA');
  }
}

function typedColumns(info: TableInfo) {
  return info.columns.map((c) => ({
    name: c.name,
    typeText: decodeAnnotation(c.typeAnnotation).type ?? '',
  }));
}

async function addColumn(
  session: Session,
  tx: LakeTransaction,
  t: Target,
  a: Extract<AlterTableAction, { kind: 'AddColumn' }>,
  sink: ResultSink,
): Promise<void> {
  const result = await columnDefinition(session, a.column);
  const name = result.definition.name;
  if (a.ifNotExists && t.info.columns.some((c) => c.name === name)) {
    sink.notice({
      severity: 'NOTICE',
      sqlstate: '42701',
      message: `column "${name}" of relation "${t.info.name}" already exists, skipping`,
    });
    return;
  }
  // r_ALTER_TABLE, ADD COLUMN: no key, constraint or identity columns.
  if (result.distKey || result.sortKey) {
    throw notAllowed('ALTER TABLE ADD COLUMN cannot add a DISTKEY or SORTKEY column');
  }
  if (result.constraints.length > 0) {
    throw notAllowed('ALTER TABLE ADD COLUMN cannot add UNIQUE, PRIMARY KEY or REFERENCES');
  }
  if (decodeAnnotation(result.definition.typeAnnotation).identity) {
    throw notAllowed('ALTER TABLE ADD COLUMN cannot add an IDENTITY column');
  }
  const def = result.definition;
  if (
    def.nullable === false &&
    def.defaultValue === null &&
    (await tx.tableStats(t.ref)).rows > 0
  ) {
    throw new LakeshiftError(
      SqlState.notNullViolation,
      `column "${name}" of relation "${t.info.name}" contains null values`,
      { hint: 'Give the new NOT NULL column a DEFAULT.' },
    );
  }
  await tx.addColumn(t.ref, def);
}

/** Views (of those reading the table) whose definition names the column, or selects *. */
async function viewsUsingColumn(
  tx: LakeTransaction,
  table: TableInfo,
  column: string,
): Promise<string[]> {
  const out: string[] = [];
  for (const v of await tx.listViews()) {
    if (!(decodeViewAnnotation(v.annotation).dependsOn ?? []).includes(table.tableId)) continue;
    const [body] = parseStatements(v.sql);
    let uses = false;
    visit(body, (n) => {
      if (n.kind === 'ColumnRef') {
        if ((n as ColumnRef).parts.at(-1)?.value === column) uses = true;
      }
      if (n.kind === 'Star') uses = true;
      return uses ? false : undefined;
    });
    if (uses) out.push(v.name);
  }
  return out;
}

async function dropColumn(
  tx: LakeTransaction,
  t: Target,
  column: string,
  cascade: boolean,
): Promise<void> {
  const c = requireColumn(t, column);
  if (decodeAnnotation(c.typeAnnotation).distKey || t.info.sortKey.includes(column)) {
    throw notAllowed(`column "${column}" is a DISTKEY or SORTKEY column and cannot be dropped`);
  }
  const annotation = decodeTableAnnotation(t.info.annotation);
  const constraints = (annotation.constraints ?? []).filter((k) => k.columns.includes(c.columnId));
  const views = await viewsUsingColumn(tx, t.info, column);
  if ((constraints.length > 0 || views.length > 0) && !cascade) {
    throw new LakeshiftError(
      SqlState.dependentObjectsStillExist,
      `cannot drop column ${column} of table ${t.info.name} because other objects depend on it`,
      {
        detail: [
          ...constraints.map(
            (k) => `constraint ${k.name} on table ${t.info.name} depends on column ${column}`,
          ),
          ...views.map((v) => `view ${v} depends on column ${column} of table ${t.info.name}`),
        ].join('\n'),
        hint: 'Use DROP ... CASCADE to drop the dependent objects too.',
      },
    );
  }
  for (const v of views) await tx.dropView(t.info.schemaName, v, { ifExists: true });
  if (constraints.length > 0) {
    const rest = (annotation.constraints ?? []).filter((k) => !constraints.includes(k));
    await setAnnotation(tx, t, (x) => ({ ...x, constraints: rest.length ? rest : undefined }));
  }
  await tx.dropColumn(t.ref, column);
}

/**
 * ALTER COLUMN c TYPE varchar(n): Redshift changes only the length of a VARCHAR column, never
 * below the longest value it holds, and not for columns with a default, a key constraint or a
 * BYTEDICT, RUNLENGTH, TEXT255 or TEXT32K encoding, nor in a transaction block.
 */
async function alterColumnType(
  session: Session,
  tx: LakeTransaction,
  t: Target,
  column: string,
  typeName: Parameters<typeof resolveType>[0],
): Promise<void> {
  const c = requireColumn(t, column);
  const a = decodeAnnotation(c.typeAnnotation);
  const next = resolveType(typeName);
  const from = /^character varying\((\d+)\)$/.exec(a.type ?? '');
  const to = /^character varying\((\d+)\)$/.exec(next.text);
  const where = `column "${column}" of relation "${t.info.name}"`;
  if (!from || !to) {
    throw notAllowed(
      `cannot alter ${where} from ${a.type ?? c.type} to ${next.text}: ALTER COLUMN TYPE only changes the length of a VARCHAR column`,
    );
  }
  requireNoTransactionBlock(session, 'ALTER TABLE ALTER COLUMN TYPE');
  if (a.encoding && ['bytedict', 'runlength', 'text255', 'text32k'].includes(a.encoding)) {
    throw notAllowed(`cannot alter ${where}: its encoding ${a.encoding} has a fixed size`);
  }
  if (a.default !== undefined || c.defaultValue !== null) {
    throw notAllowed(`cannot alter ${where}: it has a default value`);
  }
  const constraints = decodeTableAnnotation(t.info.annotation).constraints ?? [];
  if (constraints.some((k) => k.columns.includes(c.columnId))) {
    throw notAllowed(`cannot alter ${where}: it is part of a UNIQUE, PRIMARY KEY or FOREIGN KEY`);
  }
  const size = Number(to[1]);
  if (size < Number(from[1])) {
    const [row] = await tx.query(
      `SELECT coalesce(max(strlen(${quoteIdent(column)})), 0)::BIGINT AS n FROM ${await tx.scan(t.ref)} AS __t`,
    );
    const longest = Number(row?.n ?? 0);
    if (longest > size) {
      throw new LakeshiftError(
        SqlState.stringDataRightTruncation,
        `cannot alter ${where}, target column size ${size} should be greater or equal to current maximum column size ${longest}`,
      );
    }
  }
  await tx.alterColumn(t.ref, column, {
    typeAnnotation: encodeAnnotation({ ...a, type: next.text }),
  });
}

/**
 * APPEND FROM source [IGNOREEXTRA | FILLTARGET]: moves the source's rows into the table (the
 * source is left empty) and commits at once. Like-named columns must agree in type, encoding
 * and NOT NULL, and both tables in distribution and sort key (r_ALTER_TABLE_APPEND).
 */
async function appendFrom(
  session: Session,
  tx: LakeTransaction,
  t: Target,
  a: Extract<AlterTableAction, { kind: 'AppendFrom' }>,
): Promise<void> {
  requireNoTransactionBlock(session, 'ALTER TABLE APPEND');
  const q = qualifiedName(a.source, session.caseSensitiveIdentifiers);
  if (q.schema === undefined && session.tempTables.has(q.name)) {
    throw notAllowed('ALTER TABLE APPEND needs permanent tables; the source is a temporary table');
  }
  const { target: sourceRef, info: source } = await requireLakeTable(session, tx, q, {
    streamingViews: true,
  });
  if (source.tableId === t.info.tableId) {
    throw notAllowed('ALTER TABLE APPEND cannot append a table to itself');
  }
  const target = t.info;
  const mismatch = (what: string) =>
    new LakeshiftError(
      SqlState.featureNotSupported,
      `cannot append "${source.name}" to "${target.name}": ${what}`,
    );
  const ta = decodeTableAnnotation(target.annotation);
  const sa = decodeTableAnnotation(source.annotation);
  const distKeyOf = (info: TableInfo) =>
    info.columns.find((c) => decodeAnnotation(c.typeAnnotation).distKey)?.name;
  if (
    (ta.distStyle ?? 'auto') !== (sa.distStyle ?? 'auto') ||
    distKeyOf(target) !== distKeyOf(source)
  ) {
    throw mismatch('the tables have different distribution styles or keys');
  }
  if (
    target.sortKey.join() !== source.sortKey.join() ||
    (ta.sortStyle ?? 'auto') !== (sa.sortStyle ?? 'auto')
  ) {
    throw mismatch('the tables have different sort keys');
  }
  const names = (info: TableInfo) => new Set(info.columns.map((c) => c.name));
  const sourceOnly = source.columns.filter((c) => !names(target).has(c.name));
  const targetOnly = target.columns.filter((c) => !names(source).has(c.name));
  if (sourceOnly.length > 0 && a.extra !== 'ignoreextra') {
    throw mismatch(`column "${sourceOnly[0]!.name}" is not in the target (use IGNOREEXTRA)`);
  }
  if (targetOnly.length > 0 && a.extra !== 'filltarget') {
    throw mismatch(`column "${targetOnly[0]!.name}" is not in the source (use FILLTARGET)`);
  }
  const shared = target.columns.filter((c) => names(source).has(c.name));
  for (const c of shared) {
    const s = source.columns.find((x) => x.name === c.name)!;
    const ca = decodeAnnotation(c.typeAnnotation);
    const sa2 = decodeAnnotation(s.typeAnnotation);
    if (ca.identity && !ca.identity.byDefault) {
      throw mismatch(`column "${c.name}" is an IDENTITY column, which cannot be appended`);
    }
    if (c.type !== s.type || ca.type !== sa2.type)
      throw mismatch(`column "${c.name}" has different types`);
    if (ca.encoding !== sa2.encoding) throw mismatch(`column "${c.name}" has different encodings`);
    if (c.nullable !== s.nullable) throw mismatch(`column "${c.name}" differs in NOT NULL`);
  }
  const ctx = codegenContext(session, new Map(), []);
  const fills = targetOnly.filter((c) => !decodeAnnotation(c.typeAnnotation).identity);
  const select = [
    ...shared.map((c) => quoteIdent(c.name)),
    ...fills.map((c) => toDuckDbExpr(defaultExpr(c), ctx)),
  ];
  const scan = await tx.scan(sourceRef);
  await withIdentityValues(
    session,
    tx,
    target,
    [...shared, ...fills].map((c) => c.name),
    `SELECT ${select.join(', ')} FROM ${scan} AS __src`,
    (src, cols) => tx.insert(t.ref, src, { columns: cols }),
  );
  await tx.truncate(sourceRef);
}

/** ALTER SCHEMA name RENAME TO | OWNER TO | QUOTA. */
export async function runAlterSchema(session: Session, stmt: AlterSchema): Promise<CommandResult> {
  const cs = session.caseSensitiveIdentifiers;
  const tx = await session.transactions.current();
  const name = identValue(stmt.name, cs);
  const s = await tx.getSchema(name);
  if (s === undefined) {
    throw new LakeshiftError(SqlState.undefinedSchema, `schema "${name}" does not exist`);
  }
  const a = decodeSchemaAnnotation(s.annotation);
  switch (stmt.action.kind) {
    case 'RenameSchema': {
      const to = identValue(stmt.action.to, cs);
      const tables = await tx.listTables(name);
      const views = await tx.listViews(name);
      await tx.renameSchema(name, to);
      const moved = [
        ...tables.map((x) => ({ id: x.tableId, name: x.name })),
        ...views.map((x) => ({ id: x.viewId, name: x.name })),
      ];
      for (const m of moved) {
        await renameInViews(
          session,
          tx,
          m.id,
          { schema: name, name: m.name },
          { schema: to, name: m.name },
        );
      }
      break;
    }
    case 'SchemaOwnerTo': {
      const ownerId = await userIdOf(session, identValue(stmt.action.owner, cs));
      await tx.setSchemaAnnotation(name, encodeSchemaAnnotation({ ...a, ownerId }));
      break;
    }
    case 'SchemaQuota': {
      const quota = quotaMb(stmt.action.quota);
      await tx.setSchemaAnnotation(name, encodeSchemaAnnotation({ ...a, quotaMb: quota }));
      break;
    }
  }
  return { tag: 'ALTER SCHEMA', rows: 0 };
}
