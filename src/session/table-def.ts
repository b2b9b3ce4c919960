// CREATE TABLE's columns and Redshift table attributes, checked the way Redshift checks them and
// turned into what the lake records: column definitions (with their annotations: declared type,
// ENCODE, IDENTITY, DISTKEY), the sort key, and the table annotation (DISTSTYLE, sort style,
// ENCODE AUTO, BACKUP, owner, informational constraints).
// https://docs.aws.amazon.com/redshift/latest/dg/r_CREATE_TABLE_NEW.html
// https://docs.aws.amazon.com/redshift/latest/dg/r_CREATE_TABLE_usage.html
import { LakeshiftError, SqlState } from '../common/errors.js';
import { fromDuckDBError } from '../engine/index.js';
import type {
  ColumnDef,
  CreateTable,
  Expr,
  Ident,
  SortKey,
  TableAttributes,
  TableConstraint,
} from '../sql/index.js';
import {
  checkEncoding,
  decodeAnnotation,
  decodeTableAnnotation,
  encodeAnnotation,
  identValue,
  isIdentityType,
  isKeyType,
  printRedshiftExpr,
  qualifiedName,
  resolveType,
  toDuckDbExpr,
  type ColumnAnnotation,
  type ConstraintAnnotation,
  type TableAnnotation,
} from '../sql/index.js';
import type { ColumnDefinition, LakeTransaction, TableInfo } from '../storage/index.js';
import { unsupported } from './execute.js';
import { codegenContext, findLakeTable, relationMissing } from './resolve.js';
import type { Session } from './session.js';

/** A constraint before the table (and so its column ids) exists. */
export interface PendingConstraint {
  kind: 'p' | 'u' | 'f';
  name?: string;
  columns: string[];
  ref?: { table: Ident[]; columns: string[]; pos?: number };
}

export interface TableDefinition {
  columns: ColumnDefinition[];
  sortKey: string[];
  annotation: TableAnnotation;
  constraints: PendingConstraint[];
}

/** Redshift's limits on sort keys (r_CREATE_TABLE_usage). */
const MAX_COMPOUND_SORTKEY = 400;
const MAX_INTERLEAVED_SORTKEY = 8;

function definitionError(message: string, position?: number): LakeshiftError {
  return new LakeshiftError(SqlState.invalidTableDefinition, message, { position });
}

/** Literals (possibly signed or cast): a DEFAULT that can be evaluated once, at CREATE. */
function isConstant(e: Expr): boolean {
  switch (e.kind) {
    case 'StringLit':
    case 'NumberLit':
    case 'BoolLit':
    case 'NullLit':
    case 'TypedLit':
      return true;
    case 'Unary':
      return (e.op === '-' || e.op === '+') && isConstant(e.operand);
    case 'Cast':
      return isConstant(e.expr);
    default:
      return false;
  }
}

/** The text of a constant DuckDB expression (null for NULL). */
async function evaluateText(session: Session, sql: string): Promise<string | null> {
  try {
    const reader = await session.connection.runAndReadAll(`SELECT CAST(${sql} AS VARCHAR) AS v`);
    const [row] = reader.getRowObjectsJS() as { v: string | null }[];
    return row?.v ?? null;
  } catch (e) {
    throw fromDuckDBError(e);
  }
}

export interface ColumnResult {
  definition: ColumnDefinition;
  distKey: boolean;
  sortKey: boolean;
  constraints: PendingConstraint[];
}

/** One column definition: its type, NOT NULL, DEFAULT, IDENTITY, ENCODE and key attributes. */
export async function columnDefinition(session: Session, c: ColumnDef): Promise<ColumnResult> {
  const cs = session.caseSensitiveIdentifiers;
  const name = identValue(c.name, cs);
  const type = resolveType(c.type);
  const annotation: ColumnAnnotation = { type: type.text };
  const result: ColumnResult = {
    definition: { name, type: type.duckdb, nullable: true, defaultValue: null },
    distKey: false,
    sortKey: false,
    constraints: [],
  };
  const def = result.definition;
  let hasDefault = false;
  for (const k of c.constraints) {
    const named = 'name' in k ? k.name : undefined;
    const constraintName = named ? identValue(named, cs) : undefined;
    switch (k.kind) {
      case 'NotNull':
        def.nullable = false;
        break;
      case 'Null':
        if (annotation.identity) break;
        def.nullable = true;
        break;
      case 'DefaultValue':
        hasDefault = true;
        if (isConstant(k.expr)) {
          // The lake keeps a constant default as its text value (it also fills rows written
          // before an added column existed).
          const sql = toDuckDbExpr(k.expr, codegenContext(session, new Map(), []));
          def.defaultValue = await evaluateText(session, `CAST((${sql}) AS ${type.duckdb})`);
        } else {
          // Evaluated at every INSERT (getdate(), current_user ...).
          annotation.default = printRedshiftExpr(k.expr);
        }
        break;
      case 'PrimaryKey':
        def.nullable = false;
        result.constraints.push({ kind: 'p', name: constraintName, columns: [name] });
        break;
      case 'Unique':
        result.constraints.push({ kind: 'u', name: constraintName, columns: [name] });
        break;
      case 'References':
        result.constraints.push({
          kind: 'f',
          name: constraintName,
          columns: [name],
          ref: { table: k.table, columns: k.columns.map((x) => identValue(x, cs)), pos: c.pos },
        });
        break;
      case 'Identity':
      case 'GeneratedIdentity': {
        if (annotation.identity) {
          throw new LakeshiftError(
            SqlState.syntaxError,
            `multiple identity specifications for column "${name}" of table`,
            { position: c.pos },
          );
        }
        if (!isIdentityType(type.text)) {
          throw new LakeshiftError(
            SqlState.datatypeMismatch,
            `identity column "${name}" must be of type INT or BIGINT, not ${type.text}`,
            { position: c.pos },
          );
        }
        const byDefault = k.kind === 'GeneratedIdentity' && !k.always;
        annotation.identity = { seed: k.seed ?? '1', step: k.step ?? '1', byDefault };
        if (annotation.identity.step === '0') {
          throw new LakeshiftError(
            SqlState.invalidParameterValue,
            `the step of identity column "${name}" cannot be 0`,
            { position: c.pos },
          );
        }
        // IDENTITY columns are NOT NULL (r_CREATE_TABLE_NEW: NOT NULL | NULL).
        def.nullable = false;
        break;
      }
      case 'Check':
        throw unsupported('CHECK constraints', c.pos);
      case 'Encode':
        annotation.encoding = checkEncoding(k.encoding, name, type.text, c.pos);
        break;
      case 'DistKey':
        result.distKey = true;
        break;
      case 'SortKey':
        result.sortKey = true;
        break;
      case 'Collate': {
        const collation = k.collation.map((p) => p.value.toLowerCase()).join('.');
        if (collation === 'case_insensitive') throw unsupported('COLLATE CASE_INSENSITIVE', c.pos);
        break;
      }
    }
  }
  if (annotation.identity && (hasDefault || def.defaultValue !== null)) {
    throw new LakeshiftError(
      SqlState.syntaxError,
      `both default and identity specified for column "${name}"`,
      { position: c.pos },
    );
  }
  if (result.distKey) annotation.distKey = true;
  def.typeAnnotation = encodeAnnotation(annotation);
  return result;
}

/** CONSTRAINT ... PRIMARY KEY / UNIQUE / FOREIGN KEY of the table element list. */
export function tableConstraint(session: Session, k: TableConstraint, pos?: number) {
  const cs = session.caseSensitiveIdentifiers;
  const names = (ids: Ident[]) => ids.map((x) => identValue(x, cs));
  const name = k.name ? identValue(k.name, cs) : undefined;
  switch (k.kind) {
    case 'PrimaryKeyConstraint':
      return { kind: 'p', name, columns: names(k.columns) } satisfies PendingConstraint;
    case 'UniqueConstraint':
      return { kind: 'u', name, columns: names(k.columns) } satisfies PendingConstraint;
    case 'ForeignKeyConstraint':
      return {
        kind: 'f',
        name,
        columns: names(k.columns),
        ref: { table: k.refTable, columns: names(k.refColumns), pos },
      } satisfies PendingConstraint;
    case 'CheckConstraint':
      throw unsupported('CHECK constraints', pos);
  }
}

/** Where the table's sort key and distribution come from: its attributes and column flags. */
export interface KeySources {
  attributes: TableAttributes;
  /** Columns declared with column-level DISTKEY / SORTKEY. */
  columnDistKeys: string[];
  columnSortKeys: string[];
}

/**
 * The table's DISTSTYLE, DISTKEY column, sort key and style from its attributes, checked:
 * one DISTKEY, which implies DISTSTYLE KEY; a column-level SORTKEY on one column only and not
 * beside a table-level one; key columns that exist and may be keys.
 */
export function tableKeys(
  session: Session,
  keys: KeySources,
  columns: readonly { name: string; typeText: string }[],
  pos?: number,
): { distStyle?: TableAnnotation['distStyle']; distKey?: string; sort?: SortSpec } {
  const cs = session.caseSensitiveIdentifiers;
  const { attributes: a } = keys;
  const requireKeyColumn = (column: string, what: string) => {
    const c = columns.find((x) => x.name === column);
    if (c === undefined) {
      throw new LakeshiftError(
        SqlState.undefinedColumn,
        `column "${column}" named in ${what} does not exist`,
        { position: pos },
      );
    }
    if (!isKeyType(c.typeText)) {
      throw definitionError(`column "${column}" of type ${c.typeText} cannot be a ${what}`, pos);
    }
  };
  const distKeys = [...keys.columnDistKeys];
  if (a.distKey) distKeys.push(identValue(a.distKey, cs));
  if (distKeys.length > 1) throw definitionError('a table can have only one DISTKEY', pos);
  const distKey = distKeys[0];
  let distStyle = a.distStyle;
  if (distKey !== undefined) {
    requireKeyColumn(distKey, 'DISTKEY');
    if (distStyle !== undefined && distStyle !== 'key') {
      throw definitionError(
        `DISTSTYLE ${distStyle.toUpperCase()} cannot be used with a DISTKEY; a DISTKEY needs DISTSTYLE KEY`,
        pos,
      );
    }
    distStyle = 'key';
  } else if (distStyle === 'key') {
    throw definitionError('DISTSTYLE KEY needs a DISTKEY column', pos);
  }
  if (keys.columnSortKeys.length > 1) {
    throw definitionError(
      'SORTKEY can be given on one column only; use a table-level SORTKEY (a, b, ...)',
      pos,
    );
  }
  if (keys.columnSortKeys.length > 0 && a.sortKey) {
    throw definitionError('a table cannot have both a column SORTKEY and a table SORTKEY', pos);
  }
  let sort: SortSpec | undefined;
  if (keys.columnSortKeys.length === 1) {
    sort = { style: 'compound', columns: keys.columnSortKeys };
  } else if (a.sortKey) {
    sort = sortSpec(session, a.sortKey);
  }
  for (const c of sort?.columns ?? []) requireKeyColumn(c, 'SORTKEY');
  if (sort) checkSortSpec(sort, pos);
  return { distStyle, distKey, sort };
}

export interface SortSpec {
  style: 'compound' | 'interleaved' | 'auto';
  columns: string[];
}

export function sortSpec(session: Session, k: SortKey): SortSpec {
  if (k.kind === 'SortKeyAuto') return { style: 'auto', columns: [] };
  return {
    style: k.style ?? 'compound',
    columns: k.columns.map((c) => identValue(c, session.caseSensitiveIdentifiers)),
  };
}

function checkSortSpec(sort: SortSpec, pos?: number): void {
  const seen = new Set<string>();
  for (const c of sort.columns) {
    if (seen.has(c)) throw definitionError(`column "${c}" appears twice in the SORTKEY`, pos);
    seen.add(c);
  }
  const max = sort.style === 'interleaved' ? MAX_INTERLEAVED_SORTKEY : MAX_COMPOUND_SORTKEY;
  if (sort.columns.length > max) {
    throw new LakeshiftError(
      SqlState.programLimitExceeded,
      `a ${sort.style} SORTKEY can have at most ${max} columns`,
      { position: pos },
    );
  }
}

/** The table annotation of a new table from its keys and attributes. */
export function tableAnnotation(
  session: Session,
  keys: ReturnType<typeof tableKeys>,
  a: TableAttributes,
  encodeAuto: boolean,
): TableAnnotation {
  return {
    distStyle: keys.distStyle,
    sortStyle: keys.sort?.style ?? 'auto',
    encodeAuto,
    backup: a.backup === false ? false : undefined,
    ownerId: session.user.userId,
    createdAt: Date.now(),
  };
}

/** The full definition of `CREATE TABLE t (columns, constraints) attributes`. */
export async function tableDefinition(
  session: Session,
  stmt: CreateTable,
): Promise<TableDefinition> {
  const results: ColumnResult[] = [];
  for (const c of stmt.columns) results.push(await columnDefinition(session, c));
  const columns = results.map((r) => r.definition);
  const constraints = results.flatMap((r) => r.constraints);
  for (const k of stmt.constraints) constraints.push(tableConstraint(session, k, stmt.pos));
  const primary = constraints.filter((k) => k.kind === 'p');
  if (primary.length > 1) {
    throw definitionError(
      `multiple primary keys for table "${stmt.name.at(-1)?.value}" are not allowed`,
      stmt.pos,
    );
  }
  for (const k of constraints) {
    for (const name of k.columns) {
      if (!columns.some((c) => c.name === name)) {
        throw new LakeshiftError(
          SqlState.undefinedColumn,
          `column "${name}" named in key does not exist`,
          { position: stmt.pos },
        );
      }
    }
  }
  const keyColumns = new Set(primary.flatMap((k) => k.columns));
  for (const c of columns) if (keyColumns.has(c.name)) c.nullable = false;
  const typed = columns.map((c) => ({
    name: c.name,
    typeText: decodeAnnotation(c.typeAnnotation).type ?? '',
  }));
  const keys = tableKeys(
    session,
    {
      attributes: stmt.attributes,
      columnDistKeys: results.filter((r) => r.distKey).map((r) => r.definition.name),
      columnSortKeys: results.filter((r) => r.sortKey).map((r) => r.definition.name),
    },
    typed,
    stmt.pos,
  );
  if (keys.distKey !== undefined) markDistKey(columns, keys.distKey);
  const explicitEncodings = columns.some(
    (c) => decodeAnnotation(c.typeAnnotation).encoding !== undefined,
  );
  return {
    columns,
    sortKey: keys.sort?.columns ?? [],
    annotation: tableAnnotation(
      session,
      keys,
      stmt.attributes,
      stmt.attributes.encodeAuto === true || !explicitEncodings,
    ),
    constraints,
  };
}

/** Sets the DISTKEY flag on exactly one column's annotation (clears it on the others). */
export function markDistKey(columns: ColumnDefinition[], distKey: string | undefined): void {
  for (const c of columns) {
    const a = decodeAnnotation(c.typeAnnotation);
    const next = c.name === distKey ? true : undefined;
    if (a.distKey !== next) c.typeAnnotation = encodeAnnotation({ ...a, distKey: next });
  }
}

/** PostgreSQL's (and Redshift's) default constraint names: t_pkey, t_a_key, t_a_fkey. */
function defaultConstraintName(table: string, k: PendingConstraint): string {
  if (k.kind === 'p') return `${table}_pkey`;
  return `${table}_${k.columns.join('_')}_${k.kind === 'u' ? 'key' : 'fkey'}`;
}

/**
 * The informational constraints of a table that now exists, by column id: a foreign key's
 * referenced table must exist (it may be the table itself) and its columns default to that
 * table's primary key.
 */
export async function resolveConstraints(
  session: Session,
  tx: LakeTransaction,
  table: TableInfo,
  pending: readonly PendingConstraint[],
  existing: readonly ConstraintAnnotation[] = [],
): Promise<ConstraintAnnotation[]> {
  const out: ConstraintAnnotation[] = [...existing];
  const idOf = (t: TableInfo, name: string) => t.columns.find((c) => c.name === name)!.columnId;
  for (const k of pending) {
    const name = k.name ?? defaultConstraintName(table.name, k);
    if (out.some((x) => x.name === name)) {
      throw new LakeshiftError(
        SqlState.duplicateObject,
        `constraint "${name}" for relation "${table.name}" already exists`,
      );
    }
    const c: ConstraintAnnotation = {
      kind: k.kind,
      name,
      columns: k.columns.map((n) => idOf(table, n)),
    };
    if (k.ref) {
      const q = qualifiedName(k.ref.table, session.caseSensitiveIdentifiers);
      const self = q.name === table.name && (q.schema ?? table.schemaName) === table.schemaName;
      const found = self ? undefined : await findLakeTable(session, tx, q);
      if (!self && found === undefined) throw relationMissing(q);
      const ref = self ? table : (await tx.getTable(found!.schema, found!.name))!;
      let refColumns = k.ref.columns;
      if (refColumns.length === 0) {
        const pk = (self ? [...out, c] : constraintsOf(ref)).find((x) => x.kind === 'p');
        if (pk === undefined) {
          throw new LakeshiftError(
            SqlState.invalidForeignKey,
            `there is no primary key for referenced table "${ref.name}"`,
            { position: k.ref.pos },
          );
        }
        refColumns = pk.columns.map((id) => ref.columns.find((x) => x.columnId === id)!.name);
      }
      for (const n of refColumns) {
        if (!ref.columns.some((x) => x.name === n)) {
          throw new LakeshiftError(
            SqlState.undefinedColumn,
            `column "${n}" referenced in foreign key constraint does not exist`,
            { position: k.ref.pos },
          );
        }
      }
      if (refColumns.length !== k.columns.length) {
        throw new LakeshiftError(
          SqlState.invalidForeignKey,
          'number of referencing and referenced columns for foreign key disagree',
          { position: k.ref.pos },
        );
      }
      c.refTable = ref.tableId;
      c.refColumns = refColumns.map((n) => idOf(ref, n));
    }
    out.push(c);
  }
  return out;
}

function constraintsOf(t: TableInfo): ConstraintAnnotation[] {
  return decodeTableAnnotationOf(t).constraints ?? [];
}

export function decodeTableAnnotationOf(t: TableInfo): TableAnnotation {
  return decodeTableAnnotation(t.annotation);
}
