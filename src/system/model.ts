// The catalog as pg_catalog sees it: the lake's schemas and relations from the source plus the
// built-in namespaces and the system relations themselves, with OIDs assigned (oids.ts).
import type { RelationInfo, SchemaInfo, SystemCatalogSource, UserInfo } from './input.js';
import {
  NAMESPACE_INFORMATION_SCHEMA,
  NAMESPACE_PG_CATALOG,
  SYSTEM_OWNER,
  SYSTEM_RELATION_BASE,
  relationOid,
  rowTypeOid,
  schemaOid,
} from './oids.js';
import { PG15_RELATION_OIDS } from './pg-data.generated.js';
import type { SystemRelationDef } from './sql.js';

export interface NamespaceEntry {
  oid: number;
  name: string;
  ownerOid: number;
  acl: string[] | null;
  system: boolean;
}

export interface ClassEntry {
  oid: number;
  name: string;
  namespaceOid: number;
  namespaceName: string;
  relkind: 'r' | 'v';
  persistence: 'p' | 't';
  ownerOid: number;
  rowTypeOid: number;
  /** Lake relation, when it is one. */
  lake?: RelationInfo;
  /** System relation, when it is one. */
  system?: SystemRelationDef;
}

/** System relations in a stable order (the OID rule for those PostgreSQL does not have). */
let systemRelations: readonly SystemRelationDef[] = [];

/** Registered once by index.ts (avoids an import cycle between the relations and pg_class). */
export function registerSystemRelations(list: readonly SystemRelationDef[]): void {
  systemRelations = [...list].sort((a, b) =>
    `${a.schema}.${a.name}`.localeCompare(`${b.schema}.${b.name}`),
  );
}

export function allSystemRelations(): readonly SystemRelationDef[] {
  return systemRelations;
}

export function systemRelationOid(def: SystemRelationDef): number {
  const real = def.schema === 'pg_catalog' ? PG15_RELATION_OIDS[def.name] : undefined;
  if (real !== undefined) return real;
  const index = systemRelations.indexOf(def);
  return SYSTEM_RELATION_BASE + index;
}

/** System relations' row types: PostgreSQL's rowtype OIDs are not exposed; 15000 + index. */
export function systemRowTypeOid(def: SystemRelationDef): number {
  return SYSTEM_RELATION_BASE + 1000 + systemRelations.indexOf(def);
}

export function namespaceEntries(schemas: readonly SchemaInfo[]): NamespaceEntry[] {
  const builtins: NamespaceEntry[] = [
    {
      oid: NAMESPACE_PG_CATALOG,
      name: 'pg_catalog',
      ownerOid: SYSTEM_OWNER,
      acl: null,
      system: true,
    },
    {
      oid: NAMESPACE_INFORMATION_SCHEMA,
      name: 'information_schema',
      ownerOid: SYSTEM_OWNER,
      acl: null,
      system: true,
    },
  ];
  const lake = schemas.map((s) => ({
    oid: schemaOid(s.id, s.name),
    name: s.name,
    ownerOid: s.ownerUserId,
    acl: s.acl,
    system: false,
  }));
  return [...builtins, ...lake];
}

export function lakeClassEntry(r: RelationInfo): ClassEntry {
  return {
    oid: relationOid(r.id),
    name: r.name,
    namespaceOid: schemaOid(r.schemaId, r.schemaName),
    namespaceName: r.schemaName,
    relkind: r.kind,
    persistence: r.temporary ? 't' : 'p',
    ownerOid: r.ownerUserId,
    rowTypeOid: rowTypeOid(r.id),
    lake: r,
  };
}

export function systemClassEntry(def: SystemRelationDef): ClassEntry {
  return {
    oid: systemRelationOid(def),
    name: def.name,
    namespaceOid: def.schema === 'pg_catalog' ? NAMESPACE_PG_CATALOG : NAMESPACE_INFORMATION_SCHEMA,
    namespaceName: def.schema,
    relkind: def.relkind,
    persistence: 'p',
    ownerOid: SYSTEM_OWNER,
    rowTypeOid: systemRowTypeOid(def),
    system: def,
  };
}

/** Every relation pg_class lists: system ones first, then the lake's. */
export async function classEntries(source: SystemCatalogSource): Promise<ClassEntry[]> {
  const relations = await source.relations();
  return [...systemRelations.map(systemClassEntry), ...relations.map(lakeClassEntry)];
}

/** The users pg_user / pg_roles list: the source's, plus Redshift's rdsdb (usesysid 1) if absent. */
export async function userEntries(source: SystemCatalogSource): Promise<UserInfo[]> {
  const users = await source.users();
  if (users.some((u) => u.usesysid === SYSTEM_OWNER)) return users;
  const rdsdb: UserInfo = {
    usesysid: SYSTEM_OWNER,
    name: 'rdsdb',
    superuser: true,
    createdb: true,
    passwordSet: false,
    validUntil: null,
    connectionLimit: -1,
    syslogAccess: 'UNRESTRICTED',
  };
  return [rdsdb, ...users];
}
