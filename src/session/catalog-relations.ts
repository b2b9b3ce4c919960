// A lake table as the system catalogs describe it (RelationInfo): client-visible column types,
// defaults (IDENTITY as Redshift shows it), and Redshift's attributes from the SQL layer's
// annotations: encodings (given, or Redshift's defaults), DISTKEY, sort key positions,
// distribution style, owner, informational constraints, and ANALYZE's row count.
// https://docs.aws.amazon.com/redshift/latest/dg/r_PG_TABLE_DEF.html
// https://docs.aws.amazon.com/redshift/latest/dg/r_SVV_TABLE_INFO.html
import { quoteLiteral } from '../common/sql-quote.js';
import {
  columnPgType,
  decodeAnnotation,
  decodeTableAnnotation,
  defaultEncoding,
  type ColumnAnnotation,
  type TableAnnotation,
} from '../sql/index.js';
import type { TableInfo } from '../storage/index.js';
import type { CommentInfo, ConstraintInfo, DistStyle, RelationInfo } from '../system/index.js';
import { oids } from '../system/index.js';

/**
 * Below this many rows a DISTSTYLE AUTO table is reported as AUTO(ALL), above as AUTO(EVEN) (or
 * AUTO(KEY) when it has a distribution key): Redshift starts small AUTO tables as ALL and
 * changes them to EVEN as they grow (r_CREATE_TABLE_NEW: DISTSTYLE AUTO).
 */
export const AUTO_ALL_MAX_ROWS = 1_000_000;

function distStyle(a: TableAnnotation, hasKey: boolean, rows: number): DistStyle {
  switch (a.distStyle) {
    case 'even':
      return 'EVEN';
    case 'all':
      return 'ALL';
    case 'key':
      return 'KEY';
    default:
      if (rows <= AUTO_ALL_MAX_ROWS) return 'AUTO(ALL)';
      return hasKey ? 'AUTO(KEY)' : 'AUTO(EVEN)';
  }
}

/**
 * A column's position in the sort key as PG_TABLE_DEF shows it: 1, 2, ... in a compound key;
 * in an interleaved key, the sign alternates starting negative (-1, 2, -3 ...), as the
 * documentation's example shows; 0 when not in the key.
 */
function sortKeyPosition(t: TableInfo, style: TableAnnotation['sortStyle'], column: string) {
  const i = t.sortKey.indexOf(column) + 1;
  if (i === 0 || style !== 'interleaved') return i;
  return i % 2 === 1 ? -i : i;
}

const BARE_DEFAULT_OIDS = new Set([20, 21, 23, 700, 701, 1700]);

/**
 * A column default as the catalogs show it: 42, true, 'x'::character varying, now(); an
 * IDENTITY column's as Redshift shows it, "identity"(table oid, column index, 'seed,step').
 */
function defaultText(
  relationId: number,
  index: number,
  a: ColumnAnnotation,
  value: string | null,
  oid: number,
  typeText: string,
): string | null {
  if (a.identity) {
    const fn = a.identity.byDefault ? 'default_identity' : '"identity"';
    const args = `${a.identity.seed},${a.identity.step}`;
    return `${fn}(${oids.relationOid(relationId)}, ${index}, ${quoteLiteral(args)}::text)`;
  }
  if (a.default !== undefined) return a.default;
  if (value === null) return null;
  if (BARE_DEFAULT_OIDS.has(oid)) return value;
  if (oid === 16) return value.toLowerCase();
  return `${quoteLiteral(value)}::${typeText.replace(/\(.*\)$/, '')}`;
}

/**
 * The kind of sort key: SORTKEY AUTO (the default, also for tables made before it was
 * recorded) with or without a chosen key, compound, interleaved, or none (ALTER SORTKEY NONE).
 */
function sortKeyType(
  t: TableInfo,
  a: TableAnnotation,
): NonNullable<RelationInfo['table']>['sortkeyType'] {
  const style = a.sortStyle ?? 'auto';
  if (style === 'none') return null;
  if (t.sortKey.length === 0) return 'auto';
  return style;
}

/** attnum of a column of a table by their catalog ids (0 when unknown). */
export type AttnumOf = (tableId: number, columnId: number) => number;

/** Constraint ids: 64 per table (the table's catalog id * 64 + its index). */
function constraints(t: TableInfo, a: TableAnnotation, attnumOf: AttnumOf): ConstraintInfo[] {
  const attnum = (id: number) => attnumOf(t.tableId, id);
  return (a.constraints ?? []).slice(0, 64).map((c, i) => ({
    id: t.tableId * 64 + i,
    name: c.name,
    kind: c.kind,
    columns: c.columns.map(attnum),
    ...(c.refTable !== undefined
      ? {
          references: {
            relationId: c.refTable,
            columns: (c.refColumns ?? []).map((id) => attnumOf(c.refTable!, id)),
          },
        }
      : {}),
  }));
}

export function tableRelation(
  t: TableInfo,
  stats: { rows: number; storedRows: number; bytes: number; files: number },
  analysis: { rows: number; at: number } | undefined,
  defaultOwner: number,
  attnumOf: AttnumOf,
): RelationInfo {
  const a = decodeTableAnnotation(t.annotation);
  const columns = t.columns.map((c, i) => {
    const ca = decodeAnnotation(c.typeAnnotation);
    const pg = columnPgType(c.typeAnnotation, c.type);
    const encoding =
      ca.encoding ??
      defaultEncoding(pg.text, { sortKey: t.sortKey.includes(c.name), temporary: false });
    return {
      attnum: i + 1,
      name: c.name,
      typeOid: pg.oid,
      typmod: pg.typmod,
      notNull: !c.nullable,
      defaultExpr: defaultText(t.tableId, i, ca, c.defaultValue, pg.oid, pg.text),
      redshiftType: pg.text,
      encoding: encoding === 'raw' ? 'none' : encoding,
      distkey: ca.distKey === true,
      sortkeyPosition: sortKeyPosition(t, a.sortStyle, c.name),
    };
  });
  const hasKey = columns.some((c) => c.distkey);
  return {
    id: t.tableId,
    schemaId: t.schemaId,
    schemaName: t.schemaName,
    name: t.name,
    kind: 'r',
    temporary: false,
    ownerUserId: a.ownerId ?? defaultOwner,
    columns,
    table: {
      diststyle: distStyle(a, hasKey, stats.rows),
      sortkey: t.sortKey,
      sortkeyType: sortKeyType(t, a),
      encodeAuto: a.encodeAuto !== false,
      rowCount: stats.rows,
      storedRows: stats.storedRows,
      createTime: a.createdAt === undefined ? null : new Date(a.createdAt),
      sizeBytes: stats.bytes,
      fileCount: stats.files,
      analyzedRows: analysis?.rows ?? null,
    },
    constraints: constraints(t, a, attnumOf),
  };
}

export function relationComment(relationId: number, attnum: number, text: string): CommentInfo {
  return { object: { kind: 'relation', relationId, attnum }, description: text };
}
