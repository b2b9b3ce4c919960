// pg_catalog relations with PostgreSQL 15's exact column lists (pg-data.generated.ts, read from a
// real PostgreSQL 15). Rows come from the source; relations Lakeshift has nothing for (indexes,
// triggers, policies, publications ...) are empty but typed, so client queries that join them run.
// https://www.postgresql.org/docs/15/catalogs.html
import type { SystemCatalogSource } from './input.js';
import {
  allSystemRelations,
  classEntries,
  lakeClassEntry,
  namespaceEntries,
  systemClassEntry,
  userEntries,
  type ClassEntry,
} from './model.js';
import {
  AM_HEAP,
  BOOTSTRAP_SUPERUSER,
  CLASS_OID,
  COLLATION_DEFAULT,
  LANG,
  NAMESPACE_INFORMATION_SCHEMA,
  NAMESPACE_PG_CATALOG,
  SYSTEM_OWNER,
  attrdefOid,
  constraintOid,
  databaseOid,
  relationOid,
  rewriteOid,
  schemaOid,
} from './oids.js';
import { BUILTIN_PROCS, BUILTIN_TYPES, PG15_RELATIONS } from './pg-data.generated.js';
import { REDSHIFT_TYPES } from './format-type.js';
import { procedureProcRow } from './routines.js';
import {
  columnsOf,
  defineRelation,
  mapPgType,
  valuesSql,
  type Row,
  type SystemRelationDef,
} from './sql.js';

const DOC = 'https://www.postgresql.org/docs/15/';

/** A pg_catalog relation with PostgreSQL 15's columns. */
export function pgRelation(
  name: string,
  doc: string,
  rows: (source: SystemCatalogSource) => Promise<Row[]> | Row[] = () => [],
  schema: 'pg_catalog' | 'information_schema' = 'pg_catalog',
): SystemRelationDef {
  const spec = PG15_RELATIONS[`${schema}.${name}`];
  if (!spec) throw new Error(`no PostgreSQL 15 column list for ${schema}.${name}`);
  const relkind = spec.kind === 'v' ? 'v' : 'r';
  const extra = REDSHIFT_EXTRA_COLUMNS[`${schema}.${name}`] ?? [];
  return defineRelation(
    schema,
    name,
    relkind,
    DOC + doc,
    columnsOf([...spec.columns.map(([n, t]) => [n, t] as const), ...extra]),
    rows,
  );
}

/**
 * Columns Redshift's catalogs (PostgreSQL 8.0 based) still have and PostgreSQL 15 dropped.
 * Clients read them when the server reports version 8.0.2: psql 15's \d asks for
 * pg_class.relhasoids on servers before 12. Their rows get the value PostgreSQL 8 had.
 */
export const REDSHIFT_EXTRA_COLUMNS: Record<string, (readonly [string, string])[]> = {
  'pg_catalog.pg_class': [['relhasoids', 'boolean']],
  // psql's \df on servers before 11.
  'pg_catalog.pg_proc': [
    ['proisagg', 'boolean'],
    ['proiswindow', 'boolean'],
  ],
};

/** Storage properties of a type, for pg_attribute (attlen, attbyval, attalign, attstorage). */
export interface TypeStorage {
  typlen: number;
  typbyval: boolean;
  typalign: string;
  typstorage: string;
  typcollation: number;
}

const storageByOid = new Map<number, TypeStorage>([
  ...BUILTIN_TYPES.map((t) => [t.oid, t] as const),
  ...REDSHIFT_TYPES.map(
    (t) =>
      [
        t.oid,
        { typlen: t.typlen, typbyval: false, typalign: 'i', typstorage: 'x', typcollation: 0 },
      ] as const,
  ),
]);

export function typeStorage(oid: number): TypeStorage {
  return (
    storageByOid.get(oid) ?? {
      typlen: -1,
      typbyval: false,
      typalign: 'i',
      typstorage: 'x',
      typcollation: 0,
    }
  );
}

/** PostgreSQL type OID of a system relation column (its DuckDB mapping knows it). */
function systemColumnTypeOid(pgType: string): number {
  return mapPgType(pgType).typeOid;
}

interface AttributeEntry {
  relid: number;
  attnum: number;
  name: string;
  typeOid: number;
  typmod: number;
  notNull: boolean;
  hasDefault: boolean;
}

function attributesOf(entry: ClassEntry): AttributeEntry[] {
  if (entry.lake) {
    return entry.lake.columns.map((c) => ({
      relid: entry.oid,
      attnum: c.attnum,
      name: c.name,
      typeOid: c.typeOid,
      typmod: c.typmod,
      notNull: c.notNull,
      hasDefault: c.defaultExpr !== null,
    }));
  }
  const def = entry.system!;
  return def.columns.map((c, i) => {
    const m = /\((\d+)\)$/.exec(c.pgType);
    return {
      relid: entry.oid,
      attnum: i + 1,
      name: c.name,
      typeOid: systemColumnTypeOid(c.pgType),
      typmod: m && /^character/.test(c.pgType) ? Number(m[1]) + 4 : -1,
      notNull: false,
      hasDefault: false,
    };
  });
}

function attributeRow(a: AttributeEntry): Row {
  const st = typeStorage(a.typeOid);
  return {
    attrelid: a.relid,
    attname: a.name,
    atttypid: a.typeOid,
    attstattarget: -1,
    attlen: st.typlen,
    attnum: a.attnum,
    attndims: 0,
    attcacheoff: -1,
    atttypmod: a.typmod,
    attbyval: st.typbyval,
    attalign: st.typalign,
    attstorage: st.typstorage,
    attcompression: '',
    attnotnull: a.notNull,
    atthasdef: a.hasDefault,
    atthasmissing: false,
    attidentity: '',
    attgenerated: '',
    attisdropped: false,
    attislocal: true,
    attinhcount: 0,
    attcollation: st.typcollation,
    attacl: null,
    attoptions: null,
    attfdwoptions: null,
    attmissingval: null,
  };
}

function classRow(e: ClassEntry): Row {
  const isTable = e.relkind === 'r';
  const size = e.lake?.table?.sizeBytes ?? 0;
  const natts = e.lake ? e.lake.columns.length : (e.system?.columns.length ?? 0);
  return {
    oid: e.oid,
    relname: e.name,
    relnamespace: e.namespaceOid,
    reltype: e.rowTypeOid,
    reloftype: 0,
    relowner: e.ownerOid,
    relam: isTable ? AM_HEAP : 0,
    relfilenode: isTable && e.lake ? e.oid : 0,
    reltablespace: 0,
    relpages: Math.ceil(size / 8192),
    // As in PostgreSQL: the row count the last ANALYZE saw, -1 before the first.
    reltuples: e.lake?.table?.analyzedRows ?? -1,
    relallvisible: 0,
    reltoastrelid: 0,
    relhasindex: false,
    relisshared: false,
    relpersistence: e.persistence,
    relkind: e.relkind,
    relnatts: natts,
    relchecks: 0,
    relhasrules: e.relkind === 'v',
    relhastriggers: false,
    relhassubclass: false,
    relhasoids: false,
    relrowsecurity: false,
    relforcerowsecurity: false,
    relispopulated: true,
    relreplident: isTable ? 'd' : 'n',
    relispartition: false,
    relrewrite: 0,
    relfrozenxid: 0,
    relminmxid: 0,
    relacl: e.lake?.acl ?? null,
    reloptions: null,
    relpartbound: null,
  };
}

/** information_schema's domains over built-in types. */
export const INFORMATION_SCHEMA_DOMAINS = [
  { oid: 13010, name: 'cardinal_number', base: 23, typmod: -1 },
  { oid: 13011, name: 'character_data', base: 1043, typmod: -1 },
  { oid: 13012, name: 'sql_identifier', base: 19, typmod: -1 },
  { oid: 13013, name: 'time_stamp', base: 1184, typmod: 2 },
  { oid: 13014, name: 'yes_or_no', base: 1043, typmod: 7 },
] as const;

async function typeRows(source: SystemCatalogSource): Promise<Row[]> {
  const builtin = BUILTIN_TYPES.map((t) => ({
    oid: t.oid,
    typname: t.typname,
    typnamespace: NAMESPACE_PG_CATALOG,
    typowner: SYSTEM_OWNER,
    typlen: t.typlen,
    typbyval: t.typbyval,
    typtype: t.typtype,
    typcategory: t.typcategory,
    typispreferred: t.typispreferred,
    typisdefined: true,
    typdelim: t.typdelim,
    typrelid: t.typrelid,
    typsubscript: t.typsubscript,
    typelem: t.typelem,
    typarray: t.typarray,
    typinput: t.typinput,
    typoutput: t.typoutput,
    typreceive: t.typreceive,
    typsend: t.typsend,
    typmodin: t.typmodin,
    typmodout: t.typmodout,
    typanalyze: t.typanalyze,
    typalign: t.typalign,
    typstorage: t.typstorage,
    typnotnull: false,
    typbasetype: 0,
    typtypmod: -1,
    typndims: 0,
    typcollation: t.typcollation,
    typdefaultbin: null,
    typdefault: null,
    typacl: null,
  }));
  const redshift = REDSHIFT_TYPES.map((t) => ({
    ...builtin[0],
    oid: t.oid,
    typname: t.typname,
    typlen: t.typlen,
    typbyval: false,
    typtype: 'b',
    typcategory: 'U',
    typispreferred: false,
    typelem: 0,
    typarray: 0,
    typsubscript: '-',
    typinput: `${t.typname}_in`,
    typoutput: `${t.typname}_out`,
    typreceive: '-',
    typsend: '-',
    typmodin: '-',
    typmodout: '-',
    typanalyze: '-',
    typalign: 'i',
    typstorage: 'x',
    typcollation: 0,
  }));
  // information_schema's domains (PostgreSQL creates them at initdb; OIDs 13010-13014 here).
  const domains = INFORMATION_SCHEMA_DOMAINS.map((d) => {
    const base = BUILTIN_TYPES.find((t) => t.oid === d.base)!;
    return {
      ...builtin.find((b) => b.oid === d.base)!,
      oid: d.oid,
      typname: d.name,
      typnamespace: NAMESPACE_INFORMATION_SCHEMA,
      typtype: 'd',
      typispreferred: false,
      typarray: 0,
      typinput: 'domain_in',
      typreceive: 'domain_recv',
      typbasetype: d.base,
      typtypmod: d.typmod,
      typcollation: base.typcollation,
      typdefault: d.name === 'time_stamp' ? 'CURRENT_TIMESTAMP(2)' : null,
    };
  });
  const classes = await classEntries(source);
  const composite = classes.map((c) => ({
    ...builtin[0],
    oid: c.rowTypeOid,
    typname: c.name,
    typnamespace: c.namespaceOid,
    typowner: c.ownerOid,
    typlen: -1,
    typbyval: false,
    typtype: 'c',
    typcategory: 'C',
    typispreferred: false,
    typrelid: c.oid,
    typsubscript: '-',
    typelem: 0,
    typarray: 0,
    typinput: 'record_in',
    typoutput: 'record_out',
    typreceive: 'record_recv',
    typsend: 'record_send',
    typmodin: '-',
    typmodout: '-',
    typanalyze: '-',
    typalign: 'd',
    typstorage: 'x',
    typcollation: 0,
  }));
  return [...builtin, ...redshift, ...domains, ...composite];
}

/** pg_proc: the built-in functions Lakeshift registers, then the lake's procedures. */
export async function procRows(source: SystemCatalogSource): Promise<Row[]> {
  return [...builtinProcRows(), ...(await source.procedures()).map(procedureProcRow)];
}

function builtinProcRows(): Row[] {
  return BUILTIN_PROCS.map((p) => ({
    oid: p.oid,
    proname: p.proname,
    pronamespace: NAMESPACE_PG_CATALOG,
    proowner: SYSTEM_OWNER,
    prolang: LANG.internal,
    procost: 1,
    prorows: p.proretset ? 1000 : 0,
    provariadic: 0,
    prosupport: '-',
    prokind: p.prokind,
    proisagg: p.prokind === 'a',
    proiswindow: p.prokind === 'w',
    prosecdef: false,
    proleakproof: false,
    proisstrict: true,
    proretset: p.proretset,
    provolatile: p.provolatile,
    proparallel: 's',
    pronargs: p.pronargs,
    pronargdefaults: 0,
    prorettype: p.prorettype,
    proargtypes: p.proargtypes,
    proallargtypes: null,
    proargmodes: null,
    proargnames: null,
    proargdefaults: null,
    protrftypes: null,
    prosrc: p.proname,
    probin: null,
    prosqlbody: null,
    proconfig: null,
    proacl: null,
  }));
}

async function userName(source: SystemCatalogSource): Promise<Map<number, string>> {
  return new Map((await userEntries(source)).map((u) => [u.usesysid, u.name]));
}

export const PG_CATALOG_RELATIONS: readonly SystemRelationDef[] = [
  pgRelation('pg_namespace', 'catalog-pg-namespace.html', async (source) =>
    namespaceEntries(await source.schemas()).map((n) => ({
      oid: n.oid,
      nspname: n.name,
      nspowner: n.ownerOid,
      nspacl: n.acl,
    })),
  ),
  pgRelation('pg_class', 'catalog-pg-class.html', async (source) =>
    (await classEntries(source)).map(classRow),
  ),
  pgAttribute(),
  pgRelation('pg_type', 'catalog-pg-type.html', typeRows),
  pgRelation('pg_database', 'catalog-pg-database.html', async (source) =>
    (await source.databases()).map((d) => ({
      oid: databaseOid(d.id),
      datname: d.name,
      datdba: d.ownerUserId,
      encoding: 6,
      datlocprovider: 'c',
      datistemplate: false,
      datallowconn: true,
      datconnlimit: d.connectionLimit,
      datfrozenxid: 0,
      datminmxid: 1,
      dattablespace: 1663,
      datcollate: 'C',
      datctype: 'C',
      daticulocale: null,
      datcollversion: null,
      datacl: null,
    })),
  ),
  pgRelation('pg_user', 'view-pg-user.html', async (source) =>
    (await userEntries(source)).map((u) => ({
      usename: u.name,
      usesysid: u.usesysid,
      usecreatedb: u.createdb,
      usesuper: u.superuser,
      userepl: false,
      usebypassrls: u.superuser,
      passwd: '********',
      valuntil: u.validUntil,
      useconfig: null,
    })),
  ),
  pgRelation('pg_roles', 'view-pg-roles.html', async (source) =>
    (await userEntries(source)).map((u) => ({
      rolname: u.name,
      rolsuper: u.superuser,
      rolinherit: true,
      rolcreaterole: u.superuser,
      rolcreatedb: u.createdb,
      rolcanlogin: true,
      rolreplication: false,
      rolconnlimit: u.connectionLimit,
      rolpassword: '********',
      rolvaliduntil: u.validUntil,
      rolbypassrls: u.superuser,
      rolconfig: null,
      oid: u.usesysid,
    })),
  ),
  pgRelation('pg_group', 'view-pg-group.html'),
  pgRelation('pg_auth_members', 'catalog-pg-auth-members.html'),
  pgRelation('pg_proc', 'catalog-pg-proc.html', procRows),
  pgRelation('pg_description', 'catalog-pg-description.html', async (source) => {
    const relations = new Map((await source.relations()).map((r) => [r.id, r]));
    const schemas = new Map((await source.schemas()).map((s) => [s.id, s]));
    const rows: Row[] = [];
    for (const c of await source.comments()) {
      if (c.object.kind === 'relation' && relations.has(c.object.relationId)) {
        rows.push({
          objoid: relationOid(c.object.relationId),
          classoid: CLASS_OID.pg_class,
          objsubid: c.object.attnum,
          description: c.description,
        });
      } else if (c.object.kind === 'schema') {
        const s = schemas.get(c.object.schemaId);
        if (s) {
          rows.push({
            objoid: schemaOid(s.id, s.name),
            classoid: CLASS_OID.pg_namespace,
            objsubid: 0,
            description: c.description,
          });
        }
      }
    }
    return rows;
  }),
  pgRelation('pg_shdescription', 'catalog-pg-shdescription.html', async (source) =>
    (await source.comments()).flatMap((c) =>
      c.object.kind === 'database'
        ? [
            {
              objoid: databaseOid(c.object.databaseId),
              classoid: CLASS_OID.pg_database,
              description: c.description,
            },
          ]
        : [],
    ),
  ),
  pgRelation('pg_settings', 'view-pg-settings.html', async (source) =>
    (await source.settings()).map((s) => ({
      name: s.name,
      setting: s.value,
      unit: s.unit,
      category: s.category,
      short_desc: s.shortDesc,
      extra_desc: s.extraDesc ?? null,
      context: s.context,
      vartype: s.vartype,
      source: s.source,
      min_val: s.minVal ?? null,
      max_val: s.maxVal ?? null,
      enumvals: s.enumVals ?? null,
      boot_val: s.bootVal ?? s.value,
      reset_val: s.resetVal ?? s.value,
      sourcefile: null,
      sourceline: null,
      pending_restart: s.pendingRestart ?? false,
    })),
  ),
  pgRelation('pg_tables', 'view-pg-tables.html', async (source) => {
    const names = await userName(source);
    const lake = (await source.relations())
      .filter((r) => r.kind === 'r')
      .map((r) => ({
        schemaname: r.schemaName,
        tablename: r.name,
        tableowner: names.get(r.ownerUserId) ?? null,
        tablespace: null,
        hasindexes: false,
        hasrules: false,
        hastriggers: false,
        rowsecurity: false,
      }));
    const system = allSystemRelations()
      .filter((d) => d.relkind === 'r')
      .map((d) => ({
        schemaname: d.schema,
        tablename: d.name,
        tableowner: names.get(SYSTEM_OWNER) ?? 'rdsdb',
        tablespace: null,
        hasindexes: false,
        hasrules: false,
        hastriggers: false,
        rowsecurity: false,
      }));
    return [...system, ...lake];
  }),
  pgRelation('pg_views', 'view-pg-views.html', async (source) => {
    const names = await userName(source);
    return (await source.relations())
      .filter((r) => r.kind === 'v')
      .map((r) => ({
        schemaname: r.schemaName,
        viewname: r.name,
        viewowner: names.get(r.ownerUserId) ?? null,
        definition: r.view?.definition ?? null,
      }));
  }),
  pgRelation('pg_matviews', 'view-pg-matviews.html'),
  pgRelation('pg_indexes', 'view-pg-indexes.html'),
  pgRelation('pg_index', 'catalog-pg-index.html'),
  pgRelation('pg_constraint', 'catalog-pg-constraint.html', async (source) =>
    (await source.relations()).flatMap((r) =>
      (r.constraints ?? []).map((c) => ({
        oid: constraintOid(c.id),
        conname: c.name,
        connamespace: schemaOid(r.schemaId, r.schemaName),
        contype: c.kind,
        condeferrable: false,
        condeferred: false,
        convalidated: true,
        conrelid: relationOid(r.id),
        contypid: 0,
        conindid: 0,
        conparentid: 0,
        confrelid: c.references ? relationOid(c.references.relationId) : 0,
        confupdtype: c.kind === 'f' ? 'a' : ' ',
        confdeltype: c.kind === 'f' ? 'a' : ' ',
        confmatchtype: c.kind === 'f' ? 's' : ' ',
        conislocal: true,
        coninhcount: 0,
        connoinherit: true,
        conkey: c.columns,
        confkey: c.references?.columns ?? null,
        conpfeqop: null,
        conppeqop: null,
        conffeqop: null,
        confdelsetcols: null,
        conexclop: null,
        conbin: null,
      })),
    ),
  ),
  pgRelation('pg_attrdef', 'catalog-pg-attrdef.html', async (source) =>
    (await source.relations()).flatMap((r) =>
      r.columns
        .filter((c) => c.defaultExpr !== null)
        .map((c) => ({
          oid: attrdefOid(r.id, c.attnum),
          adrelid: relationOid(r.id),
          adnum: c.attnum,
          adbin: c.defaultExpr,
        })),
    ),
  ),
  pgRelation('pg_am', 'catalog-pg-am.html', () => [
    { oid: AM_HEAP, amname: 'heap', amhandler: 'heap_tableam_handler', amtype: 't' },
    { oid: 403, amname: 'btree', amhandler: 'bthandler', amtype: 'i' },
  ]),
  pgRelation('pg_inherits', 'catalog-pg-inherits.html'),
  pgRelation('pg_trigger', 'catalog-pg-trigger.html'),
  pgRelation('pg_event_trigger', 'catalog-pg-event-trigger.html'),
  pgRelation('pg_rewrite', 'catalog-pg-rewrite.html', async (source) =>
    (await source.relations())
      .filter((r) => r.kind === 'v')
      .map((r) => ({
        oid: rewriteOid(r.id),
        rulename: '_RETURN',
        ev_class: relationOid(r.id),
        ev_type: '1',
        ev_enabled: 'O',
        is_instead: true,
        ev_qual: '<>',
        ev_action: r.view?.definition ?? null,
      })),
  ),
  pgRelation('pg_depend', 'catalog-pg-depend.html'),
  pgRelation('pg_collation', 'catalog-pg-collation.html', () =>
    [
      [COLLATION_DEFAULT, 'default', 'd', null],
      [950, 'C', 'c', 'C'],
      [951, 'POSIX', 'c', 'POSIX'],
    ].map(([oid, collname, collprovider, locale]) => ({
      oid,
      collname,
      collnamespace: NAMESPACE_PG_CATALOG,
      collowner: BOOTSTRAP_SUPERUSER,
      collprovider,
      collisdeterministic: true,
      collencoding: -1,
      collcollate: locale,
      collctype: locale,
      colliculocale: null,
      collversion: null,
    })),
  ),
  pgRelation('pg_tablespace', 'catalog-pg-tablespace.html', () => [
    { oid: 1663, spcname: 'pg_default', spcowner: SYSTEM_OWNER, spcacl: null, spcoptions: null },
    { oid: 1664, spcname: 'pg_global', spcowner: SYSTEM_OWNER, spcacl: null, spcoptions: null },
  ]),
  pgRelation('pg_policy', 'catalog-pg-policy.html'),
  pgRelation('pg_statistic_ext', 'catalog-pg-statistic-ext.html'),
  pgRelation('pg_publication', 'catalog-pg-publication.html'),
  pgRelation('pg_publication_rel', 'catalog-pg-publication-rel.html'),
  pgRelation('pg_publication_namespace', 'catalog-pg-publication-namespace.html'),
  pgRelation('pg_partitioned_table', 'catalog-pg-partitioned-table.html'),
  pgRelation('pg_foreign_table', 'catalog-pg-foreign-table.html'),
  pgRelation('pg_foreign_server', 'catalog-pg-foreign-server.html'),
  pgRelation('pg_foreign_data_wrapper', 'catalog-pg-foreign-data-wrapper.html'),
  pgRelation('pg_extension', 'catalog-pg-extension.html', () => [
    {
      oid: 13001 + 1000,
      extname: 'plpgsql',
      extowner: SYSTEM_OWNER,
      extnamespace: NAMESPACE_PG_CATALOG,
      extrelocatable: false,
      extversion: '1.0',
      extconfig: null,
      extcondition: null,
    },
  ]),
  pgRelation('pg_available_extensions', 'view-pg-available-extensions.html'),
  pgRelation('pg_language', 'catalog-pg-language.html', () =>
    (
      [
        [LANG.internal, 'internal', false, false],
        [LANG.c, 'c', false, false],
        [LANG.sql, 'sql', false, true],
        [LANG.plpgsql, 'plpgsql', true, true],
      ] as const
    ).map(([oid, lanname, lanispl, lanpltrusted]) => ({
      oid,
      lanname,
      lanowner: SYSTEM_OWNER,
      lanispl,
      lanpltrusted,
      lanplcallfoid: 0,
      laninline: 0,
      lanvalidator: 0,
      lanacl: null,
    })),
  ),
  pgRelation('pg_operator', 'catalog-pg-operator.html'),
  pgRelation('pg_opclass', 'catalog-pg-opclass.html'),
  pgRelation('pg_opfamily', 'catalog-pg-opfamily.html'),
  pgRelation('pg_cast', 'catalog-pg-cast.html'),
  pgRelation('pg_enum', 'catalog-pg-enum.html'),
  pgRelation('pg_range', 'catalog-pg-range.html'),
  pgRelation('pg_sequence', 'catalog-pg-sequence.html'),
  pgRelation('pg_sequences', 'view-pg-sequences.html'),
  pgRelation('pg_locks', 'view-pg-locks.html'),
  pgRelation('pg_timezone_names', 'view-pg-timezone-names.html'),
  pgRelation('pg_stat_user_tables', 'monitoring-stats.html'),
  pgRelation('pg_statio_user_tables', 'monitoring-stats.html'),
  pgRelation('pg_stat_activity', 'monitoring-stats.html', async (source) => {
    const databases = new Map((await source.databases()).map((d) => [d.name, d]));
    return (await source.sessions()).map((s) => ({
      datid: databases.has(s.databaseName) ? databaseOid(databases.get(s.databaseName)!.id) : null,
      datname: s.databaseName,
      pid: s.pid,
      leader_pid: null,
      usesysid: s.userId,
      usename: s.userName,
      application_name: s.applicationName,
      client_addr: s.remoteHost,
      client_hostname: null,
      client_port: s.remotePort ?? -1,
      backend_start: s.startTime,
      xact_start: s.transactionStart,
      query_start: s.queryStart,
      state_change: s.stateChange,
      wait_event_type: null,
      wait_event: null,
      state: s.state,
      backend_xid: null,
      backend_xmin: null,
      query_id: null,
      query: s.query,
      backend_type: 'client backend',
    }));
  }),
];

/**
 * pg_attribute: the lake relations' columns (user columns only, attnum > 0; no system columns
 * ctid, xmin ...) plus the system relations' own columns, which installSystemMacros() stores
 * once per DuckDB instance in lakeshift_pg.system_attributes (so \d pg_class works without
 * putting ~1,500 constant rows into every catalog query).
 */
function pgAttribute(): SystemRelationDef {
  const def = pgRelation('pg_attribute', 'catalog-pg-attribute.html');
  return {
    ...def,
    async sql(source) {
      const relations = await source.relations();
      const rows = relations.flatMap((r) => attributesOf(lakeClassEntry(r))).map(attributeRow);
      return `${valuesSql(def.columns, rows)} UNION ALL SELECT * FROM ${SYSTEM_ATTRIBUTES_TABLE}`;
    },
  };
}

export const SYSTEM_ATTRIBUTES_TABLE = 'lakeshift_pg.system_attributes';

/** The SQL that creates SYSTEM_ATTRIBUTES_TABLE (run by installSystemMacros). */
export function systemAttributesTableSql(): string {
  const columns = PG_CATALOG_RELATIONS.find((d) => d.name === 'pg_attribute')!.columns;
  return `CREATE OR REPLACE TABLE ${SYSTEM_ATTRIBUTES_TABLE} AS ${valuesSql(columns, systemAttributeRows())}`;
}

/** pg_attribute rows of the system relations themselves (for \d pg_class and the like). */
export function systemAttributeRows(): Row[] {
  return allSystemRelations().flatMap((d) => attributesOf(systemClassEntry(d)).map(attributeRow));
}
