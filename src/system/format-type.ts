// PostgreSQL's format_type(oid, typmod), in TypeScript (for the relations built in TypeScript)
// and as a DuckDB macro body (for queries). Follows format_type_extended() in PostgreSQL 15's
// src/backend/utils/adt/format_type.c: SQL-standard names for the built-in types, the type
// modifier printed when one is given and >= 0, "[]" after array types.
// https://www.postgresql.org/docs/15/functions-info.html
import { BUILTIN_TYPES, type BuiltinTypeRow } from './pg-data.generated.js';
import { REDSHIFT_TYPE_OID } from './oids.js';
import { quoteString } from './sql.js';

/** The types Redshift adds to pg_type (OIDs from Redshift's drivers), formatted by name. */
export const REDSHIFT_TYPES: readonly { oid: number; typname: string; typlen: number }[] = [
  { oid: REDSHIFT_TYPE_OID.geometry, typname: 'geometry', typlen: -1 },
  { oid: REDSHIFT_TYPE_OID.geography, typname: 'geography', typlen: -1 },
  { oid: REDSHIFT_TYPE_OID.hllsketch, typname: 'hllsketch', typlen: -1 },
  { oid: REDSHIFT_TYPE_OID.super, typname: 'super', typlen: -1 },
  { oid: REDSHIFT_TYPE_OID.varbyte, typname: 'varbyte', typlen: -1 },
];

/** PostgreSQL's IsTrueArrayType and not plain storage (so int2vector and oidvector keep their names). */
export function isTrueArray(row: BuiltinTypeRow): boolean {
  return (
    row.typelem !== 0 &&
    row.typlen === -1 &&
    row.typsubscript === 'array_subscript_handler' &&
    row.typstorage !== 'p'
  );
}

const byOid = new Map<number, BuiltinTypeRow>(BUILTIN_TYPES.map((t) => [t.oid, t]));
const redshiftByOid = new Map(REDSHIFT_TYPES.map((t) => [t.oid, t]));

/** SQL-standard spellings format_type uses instead of typname (when no typmod is printed). */
const STANDARD_NAMES: Record<number, string> = {
  16: 'boolean',
  18: '"char"',
  20: 'bigint',
  21: 'smallint',
  23: 'integer',
  700: 'real',
  701: 'double precision',
  1042: 'character',
  1043: 'character varying',
  1083: 'time without time zone',
  1114: 'timestamp without time zone',
  1184: 'timestamp with time zone',
  1266: 'time with time zone',
  1560: 'bit',
  1562: 'bit varying',
  1700: 'numeric',
  1186: 'interval',
};

function numericTypmod(typmod: number): string {
  const t = typmod - 4;
  const precision = (t >> 16) & 0xffff;
  const scale = ((t & 0x7ff) ^ 1024) - 1024;
  return `(${precision},${scale})`;
}

function baseName(oid: number, typmod: number | null): string {
  const withMod = typmod !== null && typmod >= 0;
  switch (oid) {
    case 1042:
      if (withMod) return `character(${typmod - 4})`;
      return typmod === null ? 'character' : 'bpchar';
    case 1043:
      return withMod ? `character varying(${typmod - 4})` : 'character varying';
    case 1700:
      return withMod ? `numeric${numericTypmod(typmod)}` : 'numeric';
    case 1083:
    case 1114:
    case 1184:
    case 1266: {
      const [head, tail] = {
        1083: ['time', 'without time zone'],
        1114: ['timestamp', 'without time zone'],
        1184: ['timestamp', 'with time zone'],
        1266: ['time', 'with time zone'],
      }[oid];
      return withMod ? `${head}(${typmod}) ${tail}` : `${head} ${tail}`;
    }
    case 1560:
      return withMod ? `bit(${typmod})` : 'bit';
    case 1562:
      return withMod ? `bit varying(${typmod})` : 'bit varying';
    case 6551: // Redshift VARBYTE(n): typmod is n + 4 like varchar
      return withMod ? `varbyte(${typmod - 4})` : 'varbyte';
    default: {
      const standard = STANDARD_NAMES[oid];
      if (standard) return standard;
      const row = byOid.get(oid) ?? redshiftByOid.get(oid);
      return row ? row.typname : '???';
    }
  }
}

/**
 * format_type(oid, typmod) for built-in types; `typmod` null means "not given" (SQL NULL).
 * Unknown OIDs give "???" as in PostgreSQL; callers resolve user types (table row types) by name.
 */
export function formatType(oid: number, typmod: number | null): string {
  const row = byOid.get(oid);
  if (row && isTrueArray(row)) {
    return `${baseName(row.typelem, typmod)}[]`;
  }
  return baseName(oid, typmod);
}

/** Typmod of "character varying(n)" etc.: the value pg_attribute.atttypmod holds. */
export const typmod = {
  varchar: (n: number): number => n + 4,
  numeric: (precision: number, scale: number): number => ((precision << 16) | (scale & 0x7ff)) + 4,
};

/**
 * The DuckDB macro bodies of format_type(t, m), generated from the same table. DuckDB inlines
 * macros, so each parameter must appear few times: names and array element types are MAP
 * lookups, and the modifier cases live in a second macro over the element type.
 */
export function formatTypeMacros(schema: string): { base: string; formatType: string } {
  const names = [...BUILTIN_TYPES, ...REDSHIFT_TYPES]
    .filter((row) => {
      const builtin = byOid.get(row.oid);
      return builtin === undefined || !isTrueArray(builtin);
    })
    .map((row) => `${row.oid}: ${quoteString(baseName(row.oid, null))}`);
  const elems = BUILTIN_TYPES.filter(isTrueArray).map((a) => `${a.oid}: ${a.typelem}`);
  const mod = (text: string) => `CAST(m AS VARCHAR)`.replace('m', text);
  const base =
    `CASE WHEN m >= 0 AND t IN (1042, 1043, 6551) THEN ` +
    `CASE t WHEN 1042 THEN 'character(' WHEN 1043 THEN 'character varying(' ELSE 'varbyte(' END || ${mod('m - 4')} || ')' ` +
    `WHEN t = 1042 THEN CASE WHEN m IS NULL THEN 'character' ELSE 'bpchar' END ` +
    `WHEN m >= 0 AND t = 1700 THEN 'numeric(' || CAST(((m - 4) >> 16) & 65535 AS VARCHAR) || ',' || CAST(xor((m - 4) & 2047, 1024) - 1024 AS VARCHAR) || ')' ` +
    `WHEN m >= 0 AND t IN (1083, 1114, 1184, 1266) THEN ` +
    `CASE WHEN t IN (1083, 1266) THEN 'time(' ELSE 'timestamp(' END || ${mod('m')} || ') ' || ` +
    `CASE WHEN t IN (1083, 1114) THEN 'without' ELSE 'with' END || ' time zone' ` +
    `WHEN m >= 0 AND t IN (1560, 1562) THEN CASE t WHEN 1560 THEN 'bit(' ELSE 'bit varying(' END || ${mod('m')} || ')' ` +
    `ELSE coalesce(MAP {${names.join(', ')}}[t], '???') END`;
  const elem = `MAP {${elems.join(', ')}}[t]`;
  const formatType =
    `CASE WHEN t IS NULL THEN NULL ELSE ${schema}.format_type_base(coalesce(${elem}, t), m) ` +
    `|| CASE WHEN ${elem} IS NULL THEN '' ELSE '[]' END END`;
  return { base, formatType };
}
