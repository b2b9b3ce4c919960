// The session's side of the system catalogs: what pg_catalog, information_schema and Redshift's
// SVV_/STV_/STL_/SYS_ views read (SystemCatalogSource), taken from the session's transaction
// (so a table created in an open transaction shows in \d), the directory, the live sessions and
// the history; and the bridge the resolver and code generation use to reach them.
import type {
  CommentInfo,
  ConnectionLogRow,
  QueryHistoryRow,
  RelationInfo,
  RoutineInfo,
  SettingInfo,
  SessionActivity,
  SystemCatalogSource,
} from '../system/index.js';
import {
  SYSTEM_SCHEMAS,
  systemFunction,
  systemRegCast,
  systemRelation,
  type FunctionContext,
  type SchemaName,
  type SessionContext,
} from '../system/index.js';
import {
  decodeAnnotation,
  decodeSchemaAnnotation,
  decodeTableAnnotation,
  decodeViewAnnotation,
  fromDuckDb,
  typeOidOfText,
  type CodegenContext,
} from '../sql/index.js';
import { relationComment, tableRelation } from './catalog-relations.js';
import { viewSql, type RelationFacts } from './resolve.js';
import type { LakeTransaction } from '../storage/index.js';
import { materializedViewInfos } from './materialized-views.js';
import type { Session } from './session.js';

export const LAKESHIFT_VERSION = '0.1.0';

const serverStartTime = new Date();

export function isSystemSchema(schema: string): boolean {
  return (SYSTEM_SCHEMAS as readonly string[]).includes(schema);
}

export function systemRelationExists(schema: string | undefined, name: string): boolean {
  return systemRelation(schema, name) !== undefined;
}

/** Sources are per statement: each method runs at most once per statement. */
function memo<T>(fn: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => (value ??= fn());
}

/**
 * The catalog source of the session's current statement: one per statement and transaction,
 * so that a query naming pg_class, pg_namespace and pg_attribute (or calling functions over
 * them) reads the catalog once, while a later statement sees its transaction's DDL.
 */
const statementSources = new WeakMap<
  LakeTransaction,
  { statement: number; source: SystemCatalogSource }
>();

export function catalogSource(session: Session, tx: LakeTransaction): SystemCatalogSource {
  const cached = statementSources.get(tx);
  if (cached && cached.statement === session.statementNumber) return cached.source;
  const source = newCatalogSource(session, tx);
  statementSources.set(tx, { statement: session.statementNumber, source });
  return source;
}

/** Every method reads at most once (memo). */
function newCatalogSource(session: Session, tx: LakeTransaction): SystemCatalogSource {
  const lake = session.manager.lake;
  const users = memo(() => lake.directory.users());
  const schemas = memo(() => tx.listSchemas());
  const ownerId = async () => (await users()).find((u) => u.name === 'admin')?.userId ?? 100;
  return {
    session: async () => {
      const existing = new Set((await schemas()).map((s) => s.name));
      return {
        userId: session.user.userId,
        userName: session.user.name,
        sessionUserName: session.user.name,
        superuser: session.user.superuser,
        databaseId: 1,
        databaseName: session.databaseName,
        searchPath: session.searchPath().filter((s) => existing.has(s)),
        pid: session.processId,
        serverStartTime,
        serverVersion: LAKESHIFT_VERSION,
        lastQueryId: session.lastQueryId,
        lastCopyId: session.lastCopy?.queryId ?? -1,
        lastCopyCount: session.lastCopy?.rows ?? 0,
      };
    },
    databases: memo(async () =>
      (await lake.directory.databases()).map((d) => ({
        id: d.databaseId,
        name: d.name,
        ownerUserId: d.ownerId,
        connectionLimit: d.connectionLimit ?? -1,
        isolation: d.isolation,
      })),
    ),
    schemas: async () => {
      const owner = await ownerId();
      return (await schemas()).map((s) => ({
        id: s.schemaId,
        name: s.name,
        ownerUserId: decodeSchemaAnnotation(s.annotation).ownerId ?? owner,
        acl: null,
      }));
    },
    relations: memo(async () => {
      const owner = await ownerId();
      const analyses = await tx.analyses();
      const out: RelationInfo[] = [];
      const tables = await tx.listTables();
      const byId = new Map(tables.map((t) => [t.tableId, t]));
      const attnumOf = (tableId: number, columnId: number) =>
        (byId.get(tableId)?.columns.findIndex((c) => c.columnId === columnId) ?? -1) + 1;
      for (const t of tables) {
        const stats = await tx.tableStats(t);
        out.push(tableRelation(t, stats, analyses.get(t.tableId), owner, attnumOf));
      }
      for (const v of await tx.listViews()) {
        // A materialized view's columns are those of the table holding its rows.
        const mv = decodeViewAnnotation(v.annotation).materialized;
        const backing = mv && tables.find((t) => t.schemaId === v.schemaId && t.name === mv.table);
        const stored = backing && out.find((r) => r.id === backing.tableId);
        if (stored !== undefined) {
          out.push({
            ...stored,
            id: v.viewId,
            name: v.name,
            kind: 'v',
            table: undefined,
            ownerUserId: decodeViewAnnotation(v.annotation).ownerId ?? owner,
            view: { definition: v.sql },
          });
          continue;
        }
        const columns = await viewColumns(session, tx, v.schemaName, v.name);
        out.push({
          id: v.viewId,
          schemaId: v.schemaId,
          schemaName: v.schemaName,
          name: v.name,
          kind: 'v',
          temporary: false,
          ownerUserId: decodeViewAnnotation(v.annotation).ownerId ?? owner,
          columns: columns.map((c, i) => ({
            attnum: i + 1,
            name: c.name,
            typeOid: c.oid,
            typmod: c.typmod,
            notNull: false,
            defaultExpr: null,
            redshiftType: c.text,
            encoding: 'none',
            distkey: false,
            sortkeyPosition: 0,
          })),
          view: { definition: v.sql },
        });
      }
      return out;
    }),
    procedures: memo(async () =>
      (await tx.listProcedures()).map((p): RoutineInfo => ({
        id: p.procedureId,
        schemaId: p.schemaId,
        schemaName: p.schemaName,
        name: p.name,
        ownerUserId: p.ownerUserId,
        arguments: p.arguments.map((a) => ({
          name: a.name,
          mode: a.mode,
          // Every type an argument may have has an OID; 0 marks one that somehow has none.
          typeOid: typeOidOfText(a.type) ?? 0,
          default: a.default,
        })),
        source: p.body,
        language: 'plpgsql',
        securityDefiner: p.security === 'definer',
        config: p.config.map((c) => `${c.name}=${c.value}`),
      })),
    ),
    users: async () =>
      (await users()).map((u) => ({
        usesysid: u.userId,
        name: u.name,
        superuser: u.superuser,
        createdb: u.createDb,
        passwordSet: u.password !== null,
        validUntil: u.validUntil,
        connectionLimit: u.connectionLimit ?? -1,
        syslogAccess: u.syslogUnrestricted ? 'UNRESTRICTED' : 'RESTRICTED',
        sessionTimeout: u.sessionTimeout ?? 0,
      })),
    comments: memo(async () => {
      const out: CommentInfo[] = [];
      for (const t of await tx.listTables()) {
        const comment = decodeTableAnnotation(t.annotation).comment;
        if (comment) out.push(relationComment(t.tableId, 0, comment));
        t.columns.forEach((c, i) => {
          const text = decodeAnnotation(c.typeAnnotation).comment;
          if (text) out.push(relationComment(t.tableId, i + 1, text));
        });
      }
      for (const v of await tx.listViews()) {
        const comment = decodeViewAnnotation(v.annotation).comment;
        if (comment) out.push(relationComment(v.viewId, 0, comment));
      }
      for (const sch of await schemas()) {
        const comment = decodeSchemaAnnotation(sch.annotation).comment;
        if (comment)
          out.push({ object: { kind: 'schema', schemaId: sch.schemaId }, description: comment });
      }
      return out;
    }),
    settings: () =>
      session.settings.all().map(({ def, value }): SettingInfo => ({
        name: def.name,
        value,
        unit: def.kind.type === 'milliseconds' ? 'ms' : null,
        category: def.category,
        shortDesc: def.description,
        context: def.readOnly ? 'internal' : 'user',
        vartype:
          def.kind.type === 'bool'
            ? 'bool'
            : def.kind.type === 'int' || def.kind.type === 'milliseconds'
              ? 'integer'
              : def.kind.type === 'enum'
                ? 'enum'
                : 'string',
        source: value === def.default ? 'default' : 'session',
        bootVal: def.default,
        resetVal: def.default,
      })),
    sessions: () =>
      session.manager.liveSessions().map((s): SessionActivity => ({
        pid: s.processId,
        userId: s.userId,
        userName: s.userName,
        databaseName: s.databaseName,
        startTime: s.startTime,
        applicationName: s.applicationName,
        remoteHost: s.remoteHost,
        remotePort: s.remotePort,
        state: s.currentQuery ? 'active' : 'idle',
        query: s.currentQuery ?? '',
        queryStart: null,
        stateChange: null,
        transactionStart: null,
      })),
    queryHistory: () =>
      session.manager.options.history.allQueries().map((q): QueryHistoryRow => ({
        userId: q.userId,
        queryId: q.queryId,
        transactionId: q.transactionId,
        sessionId: q.sessionId,
        databaseName: q.databaseName,
        queryType: q.queryType,
        status: q.status,
        resultCacheHit: q.resultCacheHit,
        startTime: q.startTime,
        endTime: q.endTime,
        queueTime: q.queueTime,
        executionTime: q.executionTime,
        elapsedTime: q.elapsedTime,
        errorMessage: q.errorMessage,
        returnedRows: q.returnedRows,
        returnedBytes: 0,
        queryText: q.queryText,
        queryLabel: q.queryLabel,
        serverVersion: LAKESHIFT_VERSION,
      })),
    loads: () => session.manager.options.history.allLoads(),
    copyJobs: async () => {
      const directory = session.manager.lake.directory;
      const jobs = await directory.copyJobs(session.databaseId);
      return Promise.all(
        jobs.map(async (j) => ({
          jobId: j.jobId,
          name: j.name,
          copyText: j.copyText,
          location: j.location,
          auto: j.auto,
          ownerUserId: j.ownerUserId,
          databaseName: session.databaseName,
          files: (await directory.copyJobFiles(j.jobId)).map((f) => ({
            url: f.url,
            status: f.status,
            attempts: f.attempts,
            lastError: f.lastError,
            loadedAt: f.loadedAt,
            rowsLoaded: f.rowsLoaded,
            queryId: f.queryId,
            size: f.size,
          })),
        })),
      );
    },
    loadFiles: () => session.manager.options.history.allLoadFiles(),
    loadErrors: () => session.manager.options.history.allLoadErrors(),
    mvRefreshes: () => session.manager.options.history.allMvRefreshes(),
    streamScanStates: () => session.manager.options.history.allStreamScans(),
    streamScanErrors: () => session.manager.options.history.allStreamErrors(),
    materializedViews: async () => {
      const names = new Map((await users()).map((u) => [u.userId, u.name]));
      return materializedViewInfos(session, tx, (id) => names.get(id) ?? '');
    },
    connectionLog: () =>
      session.manager.options.history.allConnections().map((c): ConnectionLogRow => ({
        event: c.event,
        recordTime: c.recordTime,
        remoteHost: c.remoteHost,
        remotePort: c.remotePort,
        pid: c.sessionId,
        databaseName: c.databaseName,
        userName: c.userName,
        authMethod: c.authMethod,
        duration: c.duration,
        sslVersion: c.sslVersion,
        sslCipher: '',
        applicationName: c.applicationName,
        osVersion: '',
        driverVersion: '',
      })),
  };
}

/** DuckDB SQL of a system relation as this session sees it now. */
export async function systemRelationSql(
  session: Session,
  tx: LakeTransaction,
  schema: string,
  name: string,
): Promise<string> {
  const def = systemRelation(schema === 'pg_catalog' ? undefined : schema, name)!;
  return def.sql(catalogSource(session, tx));
}

/**
 * Adds system function translation (version(), format_type, pg_get_userbyid ...) to a codegen
 * context, and runs code generation. Functions that read system relations name them
 * synchronously, so generation runs twice when they do: once to learn which relations, then
 * with their SQL.
 */
export async function generateWithSystemFunctions(
  session: Session,
  tx: LakeTransaction,
  ctx: CodegenContext,
  generate: (ctx: CodegenContext) => string,
  facts?: RelationFacts,
): Promise<string> {
  const source = catalogSource(session, tx);
  // Most statements call no system function: the session context (which reads the catalog) is
  // made only when one does, and generation then runs again with it.
  let sessionContext: SessionContext | undefined;
  let needsContext = false;
  const wanted = new Map<string, [SchemaName, string]>();
  const relationSql = new Map<string, string>();
  const fctx: FunctionContext = {
    get session(): SessionContext {
      if (sessionContext === undefined) {
        needsContext = true;
        return PLACEHOLDER_CONTEXT;
      }
      return sessionContext;
    },
    relation(schema, name) {
      const key = `${schema}.${name}`;
      const sql = relationSql.get(key);
      if (sql !== undefined) return `(${sql})`;
      wanted.set(key, [schema, name]);
      return `(SELECT NULL)`;
    },
  };
  const withFunctions: CodegenContext = {
    ...ctx,
    functionCall: (name, args) => {
      const def = systemFunction(name);
      // A call with an argument count no signature takes is left to DuckDB, which reports the
      // function as missing (42883) as PostgreSQL does (found by the front-end fuzz).
      if (def === undefined || !def.signatures.some((s) => s.args.length === args.length)) {
        return undefined;
      }
      if (facts) facts.readsSystem = true;
      return def.translate(args, fctx);
    },
    regCast: (type, operand, sql) => {
      const def = systemRegCast(type);
      if (def === undefined) return undefined;
      if (facts) facts.readsSystem = true;
      const textual =
        operand.kind === 'StringLit' ||
        (operand.kind === 'Cast' && ['text', 'varchar', 'name'].includes(operand.type.name));
      return textual ? def.fromText(sql, fctx) : def.fromOid(sql, fctx);
    },
  };
  let sql = generate(withFunctions);
  // Each pass supplies what the previous one asked for; a relation needed only because of the
  // session context shows up in the next pass.
  for (let pass = 0; pass < 3 && (wanted.size > 0 || needsContext); pass++) {
    if (needsContext) {
      sessionContext = await source.session();
      needsContext = false;
    }
    for (const [key, [schema, name]] of wanted) {
      relationSql.set(key, await systemRelation(schema, name)!.sql(source));
    }
    wanted.clear();
    sql = generate(withFunctions);
  }
  return sql;
}

/** Stands in for the session context during the first generation pass (never in output). */
const PLACEHOLDER_CONTEXT: SessionContext = {
  userId: 0,
  userName: '',
  sessionUserName: '',
  superuser: false,
  databaseId: 0,
  databaseName: '',
  searchPath: [],
  pid: 0,
  serverStartTime: new Date(0),
  serverVersion: '',
};

/**
 * A view's columns as its bound query produces them (names and client-visible types); none when
 * the view cannot be bound now (a table it reads was dropped).
 */
async function viewColumns(
  session: Session,
  tx: LakeTransaction,
  schema: string,
  name: string,
): Promise<{ name: string; oid: number; typmod: number; text: string }[]> {
  try {
    const sql = await viewSql(session, tx, schema, name);
    if (sql === undefined) return [];
    const prepared = await session.engine.prepare(`SELECT * FROM ${sql} AS v`);
    try {
      const shape = prepared.shape();
      return (shape.columnNames ?? []).map((n, i) => {
        const t = fromDuckDb(shape.columnTypes?.[i]?.toString() ?? 'VARCHAR');
        return { name: n, ...t };
      });
    } finally {
      prepared.close();
    }
  } catch {
    return [];
  }
}
