// How system catalogs number things. PostgreSQL clients join catalogs on OIDs and some hard-code
// the built-in ones, so:
//
// - Built-in objects keep PostgreSQL 15's fixed OIDs: namespaces pg_catalog 11 and public 2200,
//   built-in types (pg_data.generated.ts, from a real PostgreSQL 15), the catalog relations PostgreSQL
//   also has (pg_class 1259, pg_attribute 1249, pg_type 1247, pg_proc 1255, pg_namespace 2615,
//   pg_database 1262, pg_description 2609 ...: used as classoid in pg_description), and the
//   built-in functions of pg_proc.
// - information_schema (initdb-assigned in PostgreSQL) is fixed at 13000.
// - Other system relations (Redshift views, PostgreSQL views we add): 14000 + their index in the
//   sorted list of "schema.name" of all system relations (stable for a given Lakeshift release;
//   all below PostgreSQL's FirstNormalObjectId 16384).
// - Redshift-only types use the OIDs Redshift's drivers know: geometry 3000, geography 3001,
//   super 4000, varbyte 6551, hllsketch 2935 (free in PostgreSQL 15).
// - Lake objects: kind base + the catalog's own id, in non-overlapping ranges of 100,000,000 below
//   2^31 (JDBC reads OIDs with getInt): schemas 100M, relations 200M, databases 300M, relation row
//   types 400M, constraints 500M, view rewrite rules 600M, column defaults (pg_attrdef) 700M,
//   procedures (pg_proc) 800M. (pg_attrdef's OIDs wrap past 800M: OIDs are unique within each
//   catalog, which is what PostgreSQL guarantees and clients join on.)
//   Except that the lake schema named "public" is 2200. Ids come from the catalog, so OIDs are
//   stable across restarts.
// - Temporary relations live in the session's temporary schema (pg_temp_<n>), which the source
//   lists among schemas() like any other.
// - Users: OID = usesysid (Redshift's user ids, e.g. 1 for rdsdb, 100+ for created users).

export const NAMESPACE_PG_CATALOG = 11;
export const NAMESPACE_PUBLIC = 2200;
export const NAMESPACE_INFORMATION_SCHEMA = 13000;
export const SYSTEM_RELATION_BASE = 14000;
export const FIRST_NORMAL_OID = 16384;

export const RANGE = 100_000_000;
export const OID_BASE = {
  schema: 1 * RANGE,
  relation: 2 * RANGE,
  database: 3 * RANGE,
  rowType: 4 * RANGE,
  constraint: 5 * RANGE,
  rewrite: 6 * RANGE,
  attrdef: 7 * RANGE,
  procedure: 8 * RANGE,
} as const;

/** Catalog ids must fit their range. */
function inRange(base: number, id: number): number {
  if (!Number.isInteger(id) || id < 0 || id >= RANGE) {
    throw new RangeError(`catalog id ${id} does not fit the OID range at ${base}`);
  }
  return base + id;
}

export function schemaOid(id: number, name: string): number {
  return name === 'public' ? NAMESPACE_PUBLIC : inRange(OID_BASE.schema, id);
}
export const relationOid = (id: number): number => inRange(OID_BASE.relation, id);
export const databaseOid = (id: number): number => inRange(OID_BASE.database, id);
export const rowTypeOid = (relationId: number): number => inRange(OID_BASE.rowType, relationId);
export const constraintOid = (id: number): number => inRange(OID_BASE.constraint, id);
export const rewriteOid = (relationId: number): number => inRange(OID_BASE.rewrite, relationId);
export const procedureOid = (id: number): number => inRange(OID_BASE.procedure, id);
/** pg_attrdef rows, one per column default: 700M + relation id * 1600 + attnum (1600 is
 * PostgreSQL's column limit), unique up to relation id 895,000; above that it wraps (no client
 * we know joins on pg_attrdef.oid; they use adrelid/adnum). */
export const attrdefOid = (relationId: number, attnum: number): number =>
  OID_BASE.attrdef + ((relationId * 1600 + attnum) % 1_440_000_000);

/** Classoids of pg_description/pg_shdescription rows (PostgreSQL's fixed catalog OIDs). */
export const CLASS_OID = {
  pg_class: 1259,
  pg_attribute: 1249,
  pg_type: 1247,
  pg_proc: 1255,
  pg_namespace: 2615,
  pg_database: 1262,
  pg_authid: 1260,
  pg_constraint: 2606,
  pg_description: 2609,
  pg_rewrite: 2618,
  pg_attrdef: 2604,
} as const;

/** Redshift-only types (OIDs from Redshift's JDBC driver). */
export const REDSHIFT_TYPE_OID = {
  geometry: 3000,
  geography: 3001,
  hllsketch: 2935,
  super: 4000,
  varbyte: 6551,
} as const;

/** Owner of built-in objects: Redshift's rdsdb superuser (usesysid 1). */
export const SYSTEM_OWNER = 1;

/** Access method heap (relam of tables). */
export const AM_HEAP = 2;
/** Built-in collations. */
export const COLLATION_DEFAULT = 100;
/** Superuser bootstrap role OID in PostgreSQL (pg_database.datdba of template databases). */
export const BOOTSTRAP_SUPERUSER = 10;
/** Language OIDs. */
export const LANG = { internal: 12, c: 13, sql: 14, plpgsql: 13001 } as const;
