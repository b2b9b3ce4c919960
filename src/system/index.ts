// The system room's interface: system relations (pg_catalog, information_schema and Redshift's
// views) as DuckDB SQL over a SystemCatalogSource, and the catalog functions clients call.
//
// How the binder uses it:
// - name resolution: systemRelation(schema, name). An unqualified name resolves in pg_catalog
//   first (PostgreSQL's implicit search path order; Redshift's views live in pg_catalog too), so
//   systemRelation(undefined, 'pg_class') and systemRelation(undefined, 'svv_table_info') find
//   them; information_schema relations need their schema.
// - the relation's columns (names, DuckDB types, PostgreSQL type OIDs for RowDescription) are
//   def.columns; its rows are `(${await def.sql(source)}) AS alias`.
// - functions: systemFunction(name).translate(argsSql, ctx); object identifier casts:
//   systemRegCast('regclass').fromText(...). installSystemMacros(connection) must have run once
//   on the DuckDB instance.
import { INFORMATION_SCHEMA_RELATIONS } from './information-schema.js';
import { registerSystemRelations } from './model.js';
import { PG_CATALOG_RELATIONS } from './pg-catalog.js';
import { REDSHIFT_RELATIONS } from './redshift.js';
import { LOAD_RELATIONS } from './redshift-loads.js';
import { MV_RELATIONS } from './redshift-mv.js';
import type { SchemaName, SystemRelationDef } from './sql.js';

export type { SystemCatalogSource } from './input.js';
export type * from './input.js';
export type { SchemaName, SystemColumn, SystemRelationDef } from './sql.js';
export { mapPgType } from './sql.js';
export {
  systemFunction,
  systemFunctionNames,
  systemRegCast,
  versionString,
  type FunctionContext,
  type RegCastDef,
  type RegType,
  type SystemFunctionDef,
} from './functions.js';
export { installSystemMacros, MACRO_SCHEMA } from './macros.js';
export { formatType, typmod } from './format-type.js';
export * as oids from './oids.js';

const ALL: readonly SystemRelationDef[] = [
  ...PG_CATALOG_RELATIONS,
  ...INFORMATION_SCHEMA_RELATIONS,
  ...REDSHIFT_RELATIONS,
  ...LOAD_RELATIONS,
  ...MV_RELATIONS,
];
registerSystemRelations(ALL);

const BY_SCHEMA = new Map<SchemaName, Map<string, SystemRelationDef>>();
for (const def of ALL) {
  let names = BY_SCHEMA.get(def.schema);
  if (!names) BY_SCHEMA.set(def.schema, (names = new Map()));
  if (names.has(def.name)) throw new Error(`duplicate system relation ${def.schema}.${def.name}`);
  names.set(def.name, def);
}

/** Schemas that hold system relations, in the order unqualified names are looked up. */
export const SYSTEM_SCHEMAS: readonly SchemaName[] = ['pg_catalog', 'information_schema'];

/**
 * The system relation `schema.name`, or for an unqualified name the one in pg_catalog (the only
 * system schema on the implicit search path). Names compare in lower case (identifiers are
 * folded by the parser; Redshift clients write SVV_TABLE_INFO unquoted).
 */
export function systemRelation(
  schema: string | undefined,
  name: string,
): SystemRelationDef | undefined {
  const key = name.toLowerCase();
  if (schema === undefined) return BY_SCHEMA.get('pg_catalog')?.get(key);
  return BY_SCHEMA.get(schema.toLowerCase() as SchemaName)?.get(key);
}

/** Relation names of each system schema (pg_catalog's resolve unqualified). */
export function systemRelationNames(): Record<SchemaName, string[]> {
  return {
    pg_catalog: [...(BY_SCHEMA.get('pg_catalog')?.keys() ?? [])].sort(),
    information_schema: [...(BY_SCHEMA.get('information_schema')?.keys() ?? [])].sort(),
  };
}

export function allSystemRelationDefs(): readonly SystemRelationDef[] {
  return ALL;
}
