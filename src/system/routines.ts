// Stored procedures in the system catalogs: their pg_proc rows (prokind 'p', language plpgsql),
// information_schema.routines and .parameters rows, as PostgreSQL 15 fills them for a
// procedure (checked against a real server), and the facts Redshift's PG_PROC_INFO and
// SVV_REDSHIFT_FUNCTIONS show.
// https://www.postgresql.org/docs/15/catalog-pg-proc.html
// https://docs.aws.amazon.com/redshift/latest/dg/r_PG_PROC_INFO.html
// https://docs.aws.amazon.com/redshift/latest/dg/r_SVV_REDSHIFT_FUNCTIONS.html
import { formatType } from './format-type.js';
import type { RoutineInfo } from './input.js';
import { LANG, procedureOid, schemaOid } from './oids.js';
import type { Row } from './sql.js';

/** PostgreSQL's record and void: what a procedure with and without output arguments returns. */
const RECORD = 2249;
const VOID = 2278;

const MODE_CODE = { in: 'i', out: 'o', inout: 'b' } as const;

const inputsOf = (r: RoutineInfo) => r.arguments.filter((a) => a.mode !== 'out');

/** A procedure's result type: record when it has OUT or INOUT arguments, else void. */
export function routineResultType(r: RoutineInfo): number {
  return r.arguments.some((a) => a.mode !== 'in') ? RECORD : VOID;
}

/** The input argument types, as SVV_REDSHIFT_FUNCTIONS and messages list them. */
export function routineInputTypes(r: RoutineInfo): string {
  return inputsOf(r)
    .map((a) => formatType(a.typeOid, null))
    .join(', ');
}

/** A procedure's pg_proc row. */
export function procedureProcRow(r: RoutineInfo): Row {
  const inputs = inputsOf(r);
  const allIn = inputs.length === r.arguments.length;
  const defaults = r.arguments.flatMap((a) => (a.default === null ? [] : [a.default]));
  return {
    oid: procedureOid(r.id),
    proname: r.name,
    pronamespace: schemaOid(r.schemaId, r.schemaName),
    proowner: r.ownerUserId,
    prolang: LANG.plpgsql,
    procost: 100,
    prorows: 0,
    provariadic: 0,
    prosupport: '-',
    prokind: 'p',
    proisagg: false,
    proiswindow: false,
    prosecdef: r.securityDefiner,
    proleakproof: false,
    proisstrict: false,
    proretset: false,
    provolatile: 'v',
    proparallel: 'u',
    pronargs: inputs.length,
    pronargdefaults: defaults.length,
    prorettype: routineResultType(r),
    proargtypes: inputs.map((a) => a.typeOid),
    // As in PostgreSQL: only when some argument is not IN.
    proallargtypes: allIn ? null : r.arguments.map((a) => a.typeOid),
    proargmodes: allIn ? null : r.arguments.map((a) => MODE_CODE[a.mode]),
    proargnames: r.arguments.some((a) => a.name !== null)
      ? r.arguments.map((a) => a.name ?? '')
      : null,
    // pg_node_tree columns hold SQL text here (README): the defaults, comma separated.
    proargdefaults: defaults.length > 0 ? defaults.join(', ') : null,
    protrftypes: null,
    prosrc: r.source,
    probin: null,
    prosqlbody: null,
    proconfig: r.config.length > 0 ? r.config : null,
    proacl: null,
  };
}

/** information_schema's specific_name of a routine: name_oid. */
export function specificName(r: RoutineInfo): string {
  return `${r.name}_${procedureOid(r.id)}`;
}

/**
 * A procedure's information_schema.routines row. The definition shows only to its owner and
 * superusers, as PostgreSQL shows it only to members of the owning role.
 */
export function procedureRoutineRow(database: string, r: RoutineInfo, sees: boolean): Row {
  return {
    specific_catalog: database,
    specific_schema: r.schemaName,
    specific_name: specificName(r),
    routine_catalog: database,
    routine_schema: r.schemaName,
    routine_name: r.name,
    routine_type: 'PROCEDURE',
    routine_body: 'EXTERNAL',
    routine_definition: sees ? r.source : null,
    external_language: r.language.toUpperCase(),
    parameter_style: 'GENERAL',
    is_deterministic: 'NO',
    sql_data_access: 'MODIFIES',
    schema_level_routine: 'YES',
    max_dynamic_result_sets: 0,
    is_user_defined_cast: 'NO',
    is_implicitly_invocable: 'NO',
    security_type: r.securityDefiner ? 'DEFINER' : 'INVOKER',
    as_locator: 'NO',
    is_udt_dependent: 'NO',
  };
}

/**
 * A procedure's information_schema.parameters rows, one per argument; `typeFacts` gives a
 * type's data_type and udt_name. Lengths and precisions stay null: PostgreSQL keeps no
 * modifiers for parameters.
 */
export function procedureParameterRows(
  database: string,
  r: RoutineInfo,
  typeFacts: (typeOid: number) => Row,
): Row[] {
  return r.arguments.map((a, i) => {
    const { data_type, udt_name } = typeFacts(a.typeOid);
    return {
      specific_catalog: database,
      specific_schema: r.schemaName,
      specific_name: specificName(r),
      ordinal_position: i + 1,
      parameter_mode: a.mode.toUpperCase(),
      is_result: 'NO',
      as_locator: 'NO',
      parameter_name: a.name,
      data_type,
      udt_catalog: database,
      udt_schema: 'pg_catalog',
      udt_name,
      dtd_identifier: String(i + 1),
      parameter_default: a.default,
    };
  });
}
