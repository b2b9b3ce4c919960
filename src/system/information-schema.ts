// information_schema views with PostgreSQL 15's columns, computed as PostgreSQL's view
// definitions compute them (src/backend/catalog/information_schema.sql): data_type is
// format_type without the modifier, 'ARRAY' for arrays; lengths and precisions from the typmod.
// Domains are given as their base types (sql_identifier → name, cardinal_number → integer ...).
// https://www.postgresql.org/docs/15/information-schema.html
import type { ColumnInfo, RelationInfo, SystemCatalogSource } from './input.js';
import { allSystemRelations } from './model.js';
import { REDSHIFT_TYPES, formatType, isTrueArray } from './format-type.js';
import { BUILTIN_PROCS, BUILTIN_TYPES } from './pg-data.generated.js';
import { pgRelation } from './pg-catalog.js';
import { procedureParameterRows, procedureRoutineRow } from './routines.js';
import type { Row, SystemRelationDef } from './sql.js';

const typesByOid = new Map(BUILTIN_TYPES.map((t) => [t.oid, t]));

/** The PostgreSQL type facts information_schema.columns reports for a column. */
export function columnTypeFacts(typeOid: number, typmod: number): Row {
  const t = typesByOid.get(typeOid);
  const isArray = t !== undefined && isTrueArray(t);
  const known = t !== undefined || REDSHIFT_TYPES.some((r) => r.oid === typeOid);
  const data_type = isArray ? 'ARRAY' : known ? formatType(typeOid, null) : 'USER-DEFINED';
  let character_maximum_length: number | null = null;
  let character_octet_length: number | null = null;
  if (typeOid === 1042 || typeOid === 1043) {
    character_maximum_length = typmod >= 0 ? typmod - 4 : null;
  } else if (typeOid === 1560 || typeOid === 1562) {
    character_maximum_length = typmod >= 0 ? typmod : null;
  }
  if (typeOid === 1042 || typeOid === 1043 || typeOid === 25) {
    // UTF8: at most 4 bytes a character; no limit → 1 GB (PostgreSQL's largest field).
    character_octet_length =
      character_maximum_length === null ? 1073741824 : character_maximum_length * 4;
  }
  const intBits: Record<number, number> = { 21: 16, 23: 32, 20: 64, 700: 24, 701: 53 };
  let numeric_precision: number | null = intBits[typeOid] ?? null;
  let numeric_precision_radix: number | null = numeric_precision !== null ? 2 : null;
  let numeric_scale: number | null = [21, 23, 20].includes(typeOid) ? 0 : null;
  if (typeOid === 1700) {
    numeric_precision_radix = 10;
    numeric_precision = typmod >= 0 ? ((typmod - 4) >> 16) & 0xffff : null;
    numeric_scale = typmod >= 0 ? (typmod - 4) & 0xffff : null;
  }
  let datetime_precision: number | null = null;
  if (typeOid === 1082) datetime_precision = 0;
  if ([1083, 1114, 1184, 1266, 1186].includes(typeOid))
    datetime_precision = typmod >= 0 ? typmod : 6;
  return {
    data_type,
    character_maximum_length,
    character_octet_length,
    numeric_precision,
    numeric_precision_radix,
    numeric_scale,
    datetime_precision,
    udt_name: t ? t.typname : formatType(typeOid, null),
  };
}

function columnRow(database: string, r: RelationInfo, c: ColumnInfo): Row {
  const facts = columnTypeFacts(c.typeOid, c.typmod);
  return {
    table_catalog: database,
    table_schema: r.schemaName,
    table_name: r.name,
    column_name: c.name,
    ordinal_position: c.attnum,
    column_default: c.defaultExpr,
    is_nullable: c.notNull ? 'NO' : 'YES',
    ...facts,
    interval_type: null,
    interval_precision: null,
    character_set_catalog: null,
    character_set_schema: null,
    character_set_name: null,
    collation_catalog: null,
    collation_schema: null,
    collation_name: null,
    domain_catalog: null,
    domain_schema: null,
    domain_name: null,
    udt_catalog: database,
    udt_schema: 'pg_catalog',
    scope_catalog: null,
    scope_schema: null,
    scope_name: null,
    maximum_cardinality: null,
    dtd_identifier: String(c.attnum),
    is_self_referencing: 'NO',
    is_identity: 'NO',
    identity_generation: null,
    identity_start: null,
    identity_increment: null,
    identity_maximum: null,
    identity_minimum: null,
    identity_cycle: 'NO',
    is_generated: 'NEVER',
    generation_expression: null,
    // Redshift views are not updatable.
    is_updatable: r.kind === 'r' ? 'YES' : 'NO',
  };
}

async function databaseName(source: SystemCatalogSource): Promise<string> {
  return (await source.session()).databaseName;
}

const CONSTRAINT_TYPE = { p: 'PRIMARY KEY', u: 'UNIQUE', f: 'FOREIGN KEY' } as const;

export const INFORMATION_SCHEMA_RELATIONS: readonly SystemRelationDef[] = [
  pgRelation(
    'schemata',
    'infoschema-schemata.html',
    async (source) => {
      const db = await databaseName(source);
      const users = new Map((await source.users()).map((u) => [u.usesysid, u.name]));
      const lake = (await source.schemas()).map((s) => ({
        catalog_name: db,
        schema_name: s.name,
        schema_owner: users.get(s.ownerUserId) ?? null,
        default_character_set_catalog: null,
        default_character_set_schema: null,
        default_character_set_name: null,
        sql_path: null,
      }));
      const builtin = ['pg_catalog', 'information_schema'].map((name) => ({
        catalog_name: db,
        schema_name: name,
        schema_owner: users.get(1) ?? 'rdsdb',
      }));
      return [...builtin, ...lake];
    },
    'information_schema',
  ),
  pgRelation(
    'tables',
    'infoschema-tables.html',
    async (source) => {
      const db = await databaseName(source);
      const system = allSystemRelations().map((d) => ({
        table_catalog: db,
        table_schema: d.schema,
        table_name: d.name,
        table_type: d.relkind === 'r' ? 'BASE TABLE' : 'VIEW',
        is_insertable_into: 'NO',
        is_typed: 'NO',
      }));
      const lake = (await source.relations()).map((r) => ({
        table_catalog: db,
        table_schema: r.schemaName,
        table_name: r.name,
        table_type: r.kind === 'v' ? 'VIEW' : r.temporary ? 'LOCAL TEMPORARY' : 'BASE TABLE',
        self_referencing_column_name: null,
        reference_generation: null,
        user_defined_type_catalog: null,
        user_defined_type_schema: null,
        user_defined_type_name: null,
        is_insertable_into: r.kind === 'r' ? 'YES' : 'NO',
        is_typed: 'NO',
        commit_action: r.temporary ? 'PRESERVE' : null,
      }));
      return [...system, ...lake];
    },
    'information_schema',
  ),
  pgRelation(
    'columns',
    'infoschema-columns.html',
    async (source) => {
      const db = await databaseName(source);
      return (await source.relations()).flatMap((r) => r.columns.map((c) => columnRow(db, r, c)));
    },
    'information_schema',
  ),
  pgRelation(
    'views',
    'infoschema-views.html',
    async (source) => {
      const db = await databaseName(source);
      return (await source.relations())
        .filter((r) => r.kind === 'v')
        .map((r) => ({
          table_catalog: db,
          table_schema: r.schemaName,
          table_name: r.name,
          view_definition: r.view?.definition ?? null,
          check_option: 'NONE',
          is_updatable: 'NO',
          is_insertable_into: 'NO',
          is_trigger_updatable: 'NO',
          is_trigger_deletable: 'NO',
          is_trigger_insertable_into: 'NO',
        }));
    },
    'information_schema',
  ),
  pgRelation(
    'routines',
    'infoschema-routines.html',
    async (source) => {
      const db = await databaseName(source);
      const { userId, superuser } = await source.session();
      const procedures = (await source.procedures()).map((r) =>
        procedureRoutineRow(db, r, superuser || r.ownerUserId === userId),
      );
      const builtins = BUILTIN_PROCS.map((p) => ({
        specific_catalog: db,
        specific_schema: 'pg_catalog',
        specific_name: `${p.proname}_${p.oid}`,
        routine_catalog: db,
        routine_schema: 'pg_catalog',
        routine_name: p.proname,
        routine_type: p.prokind === 'p' ? 'PROCEDURE' : 'FUNCTION',
        data_type: formatType(p.prorettype, null),
        type_udt_catalog: db,
        type_udt_schema: 'pg_catalog',
        type_udt_name: typesByOid.get(p.prorettype)?.typname ?? null,
        dtd_identifier: '0',
        routine_body: 'EXTERNAL',
        external_name: p.proname,
        external_language: 'INTERNAL',
        parameter_style: 'GENERAL',
        is_deterministic: p.provolatile === 'i' ? 'YES' : 'NO',
        sql_data_access: 'MODIFIES',
        is_null_call: 'YES',
        schema_level_routine: 'YES',
        max_dynamic_result_sets: 0,
        is_user_defined_cast: 'NO',
        is_implicitly_invocable: 'NO',
        security_type: 'INVOKER',
        as_locator: 'NO',
        is_udt_dependent: 'NO',
      }));
      return [...builtins, ...procedures];
    },
    'information_schema',
  ),
  pgRelation(
    'table_constraints',
    'infoschema-table-constraints.html',
    async (source) => {
      const db = await databaseName(source);
      return (await source.relations()).flatMap((r) =>
        (r.constraints ?? []).map((c) => ({
          constraint_catalog: db,
          constraint_schema: r.schemaName,
          constraint_name: c.name,
          table_catalog: db,
          table_schema: r.schemaName,
          table_name: r.name,
          constraint_type: CONSTRAINT_TYPE[c.kind],
          is_deferrable: 'NO',
          initially_deferred: 'NO',
          // Redshift does not enforce key constraints.
          enforced: 'NO',
          nulls_distinct: c.kind === 'u' ? 'YES' : null,
        })),
      );
    },
    'information_schema',
  ),
  pgRelation(
    'key_column_usage',
    'infoschema-key-column-usage.html',
    async (source) => {
      const db = await databaseName(source);
      const relations = await source.relations();
      const byId = new Map(relations.map((r) => [r.id, r]));
      return relations.flatMap((r) =>
        (r.constraints ?? []).flatMap((c) =>
          c.columns.map((attnum, i) => {
            const referenced = c.references ? byId.get(c.references.relationId) : undefined;
            const pk = referenced?.constraints?.find((k) => k.kind === 'p');
            const refAttnum = c.references?.columns[i];
            return {
              constraint_catalog: db,
              constraint_schema: r.schemaName,
              constraint_name: c.name,
              table_catalog: db,
              table_schema: r.schemaName,
              table_name: r.name,
              column_name: r.columns.find((col) => col.attnum === attnum)?.name ?? null,
              ordinal_position: i + 1,
              position_in_unique_constraint:
                c.kind === 'f' && pk && refAttnum !== undefined
                  ? pk.columns.indexOf(refAttnum) + 1 || null
                  : null,
            };
          }),
        ),
      );
    },
    'information_schema',
  ),
  pgRelation(
    'referential_constraints',
    'infoschema-referential-constraints.html',
    () => [],
    'information_schema',
  ),
  pgRelation(
    'constraint_column_usage',
    'infoschema-constraint-column-usage.html',
    () => [],
    'information_schema',
  ),
  pgRelation(
    'check_constraints',
    'infoschema-check-constraints.html',
    () => [],
    'information_schema',
  ),
  pgRelation(
    'parameters',
    'infoschema-parameters.html',
    async (source) => {
      const db = await databaseName(source);
      return (await source.procedures()).flatMap((r) =>
        procedureParameterRows(db, r, (oid) => columnTypeFacts(oid, -1)),
      );
    },
    'information_schema',
  ),
  pgRelation(
    'table_privileges',
    'infoschema-table-privileges.html',
    () => [],
    'information_schema',
  ),
  pgRelation(
    'column_privileges',
    'infoschema-column-privileges.html',
    () => [],
    'information_schema',
  ),
  pgRelation('sequences', 'infoschema-sequences.html', () => [], 'information_schema'),
  pgRelation('triggers', 'infoschema-triggers.html', () => [], 'information_schema'),
];
