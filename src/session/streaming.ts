// Streaming ingestion: external schemas over Kinesis streams and Kafka/MSK topics, and the
// refresh of a streaming materialized view. A refresh reads every partition (shard) from the
// position the view's last refresh committed to the end it sees, loads the records into a temp
// table with Redshift's metadata columns, inserts what the view's definition makes of them, and
// commits the rows together with the new positions (lake_mv_state): a crash before the commit
// leaves both as they were, so no record is lost or read twice. A record larger than a VARBYTE
// column holds is skipped and logged in SYS_STREAM_SCAN_ERRORS; an error in the definition
// (JSON_PARSE of text that is not JSON) fails the refresh, and every later one, until the view
// is fixed or the record expires from the stream.
// https://docs.aws.amazon.com/redshift/latest/dg/materialized-view-streaming-ingestion.html
import { LakeshiftError, SqlState } from '../common/errors.js';
import { offerRows, type RowScanValue } from '../engine/index.js';
import { quoteIdent, quoteLiteral } from '../common/sql-quote.js';
import type {
  PartitionBatch,
  KafkaStreamRecord,
  KinesisStreamRecord,
  StreamReader,
  StreamRecord,
} from '../ingest/stream/types.js';
import type { StreamSourceConfig } from '../ingest/stream/readers.js';
import type { CreateExternalSchema } from '../sql/index.js';
import {
  decodeSchemaAnnotation,
  encodeSchemaAnnotation,
  identValue,
  type MaterializedViewAnnotation,
  type DeclaredColumn,
  type StreamSourceAnnotation,
} from '../sql/index.js';
import type { LakeTransaction, ViewInfo } from '../storage/index.js';
import type { StreamScanErrorRecord, StreamScanStateRecord } from '../system/index.js';
import type { CommandResult } from './commands.js';
import { checkDatabase, type StreamRelation } from './resolve.js';
import type { Session } from './session.js';

/** Redshift's VARBYTE limit: a record whose data is larger cannot be stored, and is skipped. */
export const MAX_RECORD_BYTES = 1_024_000;

/** Records read per partition (shard) in one refresh; the rest waits for the next one. */
const MAX_RECORDS_PER_PARTITION = 100_000;
const MAX_BYTES_PER_PARTITION = 16 * 1024 * 1024;

const READ_LIMITS = {
  maxRecords: MAX_RECORDS_PER_PARTITION,
  maxBytes: MAX_BYTES_PER_PARTITION,
};

/** A prefetch is dropped when no refresh took it within this time. */
const PREFETCH_TTL_MS = 10_000;

interface Prefetch {
  /** The stream and positions it read from. */
  key: string;
  batches: Promise<PartitionBatch[] | undefined>;
  timer: NodeJS.Timeout;
}

/** Reads started for a view's next refresh, by view id. */
const prefetches = new Map<number, Prefetch>();

function prefetchKey(stream: string, from: ReadonlyMap<string, string | undefined>): string {
  return JSON.stringify([stream, [...from]]);
}

function prefetch(
  viewId: number,
  reader: StreamReader,
  stream: string,
  from: ReadonlyMap<string, string | undefined>,
): void {
  clearTimeout(prefetches.get(viewId)?.timer);
  // A failed prefetch is not an error of any refresh: the refresh reads again itself.
  const batches = reader.read(stream, from, READ_LIMITS).catch(() => undefined);
  const timer = setTimeout(() => prefetches.delete(viewId), PREFETCH_TTL_MS).unref();
  prefetches.set(viewId, { key: prefetchKey(stream, from), batches, timer });
}

/** The view's prefetched read from exactly `from`, if there is one (taken: it is used once). */
async function prefetched(
  viewId: number,
  stream: string,
  from: ReadonlyMap<string, string | undefined>,
): Promise<PartitionBatch[] | undefined> {
  const p = prefetches.get(viewId);
  if (p === undefined) return undefined;
  prefetches.delete(viewId);
  clearTimeout(p.timer);
  return p.key === prefetchKey(stream, from) ? p.batches : undefined;
}

/**
 * A prefetched read, completed to the end of the stream as of now: a refresh reads what was
 * written before it started, however early its reading began. Within the read limits.
 */
async function topUp(
  reader: StreamReader,
  stream: string,
  early: PartitionBatch[],
): Promise<PartitionBatch[]> {
  const most = Math.max(...early.map((b) => b.records.length));
  const bytes = Math.max(...early.map((b) => b.records.reduce((n, r) => n + recordBytes(r), 0)));
  if (most >= READ_LIMITS.maxRecords || bytes >= READ_LIMITS.maxBytes) return early;
  const rest = await reader.read(stream, new Map(early.map((b) => [b.partition, b.next])), {
    maxRecords: READ_LIMITS.maxRecords - most,
    maxBytes: READ_LIMITS.maxBytes - bytes,
  });
  const more = new Map(rest.map((b) => [b.partition, b]));
  return early.map((b) => {
    const r = more.get(b.partition);
    if (r === undefined) return b;
    const lost = b.lost ?? r.lost;
    return {
      partition: b.partition,
      records: r.records.length === 0 ? b.records : b.records.concat(r.records),
      next: r.next ?? b.next,
      ...(lost ? { lost } : {}),
    };
  });
}

/** The status qualifier of a streaming refresh that read nothing. */
export const NO_NEW_DATA = ' - Stream returned no new data';

/** Longest topic or stream name Redshift takes. */
const MAX_STREAM_NAME = 128;

interface StreamColumn {
  name: string;
  /** DuckDB type. */
  type: string;
  /** Redshift's declared type. */
  declared: string;
  /** How the record's value is read (refresh_time has none: it is the same for every record). */
  scan?: RowScanValue<StreamRecord>;
}

const TS = 'timestamp without time zone';

/** A column read from each record; its DuckDB type is the scan's unless `type` says another. */
function recordColumn(
  name: string,
  declared: string,
  scan: RowScanValue<StreamRecord>,
  type: string = scan.type,
): StreamColumn {
  return { name, type, declared, scan };
}

const REFRESH_TIME: StreamColumn = { name: 'refresh_time', type: 'TIMESTAMP', declared: TS };

const kafka = (r: StreamRecord) => r as KafkaStreamRecord;
const kinesis = (r: StreamRecord) => r as KinesisStreamRecord;

/** A record's Kafka headers as SUPER text ([{"key": "value"}, ...]), NULL when it has none. */
function headersJson(r: StreamRecord): string | null {
  const headers = kafka(r).headers;
  if (headers.length === 0) return null;
  return JSON.stringify(headers.map((h) => ({ [h.key]: h.value?.toString('utf8') ?? null })));
}

/** The columns a stream reads as, in order (Redshift's names), with their DuckDB types. */
const COLUMNS: Record<'kafka' | 'kinesis', StreamColumn[]> = {
  kafka: [
    recordColumn('kafka_partition', 'bigint', { type: 'BIGINT', value: (r) => kafka(r).partition }),
    recordColumn('kafka_offset', 'bigint', { type: 'BIGINT', value: (r) => kafka(r).offset }),
    recordColumn('kafka_timestamp_type', 'character(1)', {
      type: 'VARCHAR',
      value: (r) => (kafka(r).timestampType === 1 ? 'L' : 'C'),
    }),
    recordColumn('kafka_timestamp', TS, {
      type: 'TIMESTAMP',
      value: (r) => Number(kafka(r).timestamp) * 1000,
    }),
    recordColumn('kafka_key', 'varbyte', { type: 'BLOB', value: (r) => kafka(r).key }),
    recordColumn('kafka_value', 'varbyte', { type: 'BLOB', value: (r) => kafka(r).value }),
    // Scanned as JSON text, read as SUPER.
    recordColumn('kafka_headers', 'super', { type: 'VARCHAR', value: headersJson }, 'JSON'),
    REFRESH_TIME,
  ],
  kinesis: [
    recordColumn('approximate_arrival_timestamp', TS, {
      type: 'TIMESTAMP',
      value: (r) => kinesis(r).arrival.getTime() * 1000,
    }),
    recordColumn('partition_key', 'character varying(256)', {
      type: 'VARCHAR',
      value: (r) => kinesis(r).partitionKey,
    }),
    recordColumn('shard_id', 'character(20)', {
      type: 'VARCHAR',
      value: (r) => kinesis(r).shardId,
    }),
    recordColumn('sequence_number', 'character varying(128)', {
      type: 'VARCHAR',
      value: (r) => kinesis(r).sequenceNumber,
    }),
    recordColumn('kinesis_data', 'varbyte', { type: 'BLOB', value: (r) => kinesis(r).data }),
    REFRESH_TIME,
  ],
};

/** Kinesis' older column names, still accepted (the cross-account seed uses them). */
const KINESIS_ALIASES: [string, string][] = [
  ['approximatearrivaltimestamp', 'approximate_arrival_timestamp'],
  ['partitionkey', 'partition_key'],
  ['shardid', 'shard_id'],
  ['sequencenumber', 'sequence_number'],
  ['data', 'kinesis_data'],
];

function family(source: StreamSourceAnnotation['source']): 'kafka' | 'kinesis' {
  return source === 'kinesis' ? 'kinesis' : 'kafka';
}

/** Declared types of a stream's columns, aliases included. */
function declaredColumns(kind: 'kafka' | 'kinesis'): DeclaredColumn[] {
  const cols = COLUMNS[kind].map((c) => ({ name: c.name, type: c.declared }));
  if (kind === 'kafka') return cols;
  return [
    ...cols,
    ...KINESIS_ALIASES.map(([a, c]) => ({ name: a, type: cols.find((x) => x.name === c)!.type })),
  ];
}

/**
 * The stream's relation over `from`, which holds the `loaded` columns (null for the others);
 * refresh_time is the refresh's time for every record.
 */
function streamRelationOf(
  kind: 'kafka' | 'kinesis',
  from: string,
  loaded: ReadonlySet<string>,
  refreshTime: Date | null,
): StreamRelation {
  const cols = COLUMNS[kind].map((c) => {
    const name = quoteIdent(c.name);
    if (c.name === 'refresh_time' && refreshTime !== null) {
      return `CAST(${quoteLiteral(refreshTime.toISOString().replace('T', ' ').replace('Z', ''))} AS TIMESTAMP) AS ${name}`;
    }
    if (!loaded.has(c.name)) return `CAST(NULL AS ${c.type}) AS ${name}`;
    // A scanned type other than the column's (SUPER headers, scanned as text) is cast.
    return c.scan?.type === c.type ? name : `CAST(${name} AS ${c.type}) AS ${name}`;
  });
  const aliases =
    kind === 'kinesis'
      ? KINESIS_ALIASES.map(([a, c]) => `, ${quoteIdent(c)} AS ${a}`).join('')
      : '';
  return {
    sql: `(SELECT *${aliases} FROM (SELECT ${cols.join(', ')} FROM ${from}) AS __s)`,
    columns: declaredColumns(kind),
  };
}

/** The stream as an empty relation of its columns: what CREATE MATERIALIZED VIEW types with. */
export function emptyStreamRelation(source: StreamSourceAnnotation['source']): StreamRelation {
  return streamRelationOf(family(source), '(SELECT 1 WHERE false)', new Set(), null);
}

/**
 * The stream columns a definition reads (by name; every one for a `*`): only those are loaded
 * from the records, the others read as NULL.
 */
function streamColumnsUsed(
  source: StreamSourceAnnotation['source'],
  names: readonly string[] | 'all',
): Set<string> {
  const kind = family(source);
  const all = COLUMNS[kind].filter((c) => c.scan !== undefined).map((c) => c.name);
  if (names === 'all') return new Set(all);
  const aliases = new Map(KINESIS_ALIASES);
  return new Set(
    names
      .map((n) => (kind === 'kinesis' ? (aliases.get(n) ?? n) : n))
      .filter((n) => all.includes(n)),
  );
}

/** The stream schema of a name, when the schema is one. */
export async function streamSourceOf(
  tx: LakeTransaction,
  schema: string,
): Promise<StreamSourceAnnotation | undefined> {
  const s = await tx.getSchema(schema);
  return s === undefined ? undefined : decodeSchemaAnnotation(s.annotation).stream;
}

export function checkStreamName(name: string): void {
  if (name.length > MAX_STREAM_NAME) {
    throw new LakeshiftError(
      SqlState.nameTooLong,
      `stream or topic name "${name.slice(0, 32)}..." is longer than ${MAX_STREAM_NAME} characters`,
    );
  }
}

export async function runCreateExternalSchema(
  session: Session,
  stmt: CreateExternalSchema,
): Promise<CommandResult> {
  const tx = await session.transactions.current();
  const name = identValue(stmt.name, session.caseSensitiveIdentifiers);
  await checkDatabase(session, { name, pos: stmt.pos });
  if (stmt.source === 'kinesis' && stmt.iamRole === undefined) {
    throw new LakeshiftError(
      SqlState.syntaxError,
      'CREATE EXTERNAL SCHEMA ... FROM KINESIS needs IAM_ROLE',
      {
        position: stmt.pos,
      },
    );
  }
  if (stmt.source !== 'kinesis') {
    if (stmt.authentication === undefined) {
      throw new LakeshiftError(
        SqlState.syntaxError,
        `CREATE EXTERNAL SCHEMA ... FROM ${stmt.source.toUpperCase()} needs AUTHENTICATION`,
        { position: stmt.pos },
      );
    }
    if ((stmt.uri === undefined) === (stmt.clusterArn === undefined)) {
      throw new LakeshiftError(
        SqlState.syntaxError,
        `CREATE EXTERNAL SCHEMA ... FROM ${stmt.source.toUpperCase()} needs either URI or CLUSTER_ARN`,
        { position: stmt.pos },
      );
    }
  }
  // Absent clauses are undefined, which the annotation's JSON leaves out.
  const { source, iamRole, authentication, authenticationArn, secretArn, uri, clusterArn } = stmt;
  const stream: StreamSourceAnnotation = {
    source,
    iamRole,
    authentication,
    authenticationArn,
    secretArn,
    uri,
    clusterArn,
  };
  await tx.createSchema(name, {
    ifNotExists: stmt.ifNotExists,
    annotation: encodeSchemaAnnotation({ ownerId: session.user.userId, stream }),
  });
  return { tag: 'CREATE SCHEMA', rows: 0 };
}

function readerFor(
  session: Session,
  schemaId: number,
  stream: StreamSourceAnnotation,
): StreamReader {
  const config: StreamSourceConfig = { ...stream };
  return session.manager.streams.reader(String(schemaId), config);
}

/** Where a view's refreshes stand: the next position per partition. */
export type StreamPositions = Record<string, string>;

/** Size of what a record stores, for the VARBYTE limit and scanned_bytes. */
function recordBytes(r: StreamRecord): number {
  return r.kind === 'kafka' ? (r.value?.length ?? 0) + (r.key?.length ?? 0) : r.data.length;
}

/** When the record was written (Kafka) or arrived (Kinesis), epoch ms. */
function recordTime(r: StreamRecord): number {
  return r.kind === 'kafka' ? Number(r.timestamp) : r.arrival.getTime();
}

function positionOf(r: StreamRecord): string {
  return r.kind === 'kafka' ? String(r.offset) : r.sequenceNumber;
}

export interface StreamRefreshOutcome {
  /** Qualifier of the status (Redshift's SVL_MV_REFRESH_STATUS wording). */
  qualifier: string;
  /** Nothing was read and no position moved: nothing to commit. */
  unchanged: boolean;
}

/**
 * Reads what is new in the view's stream and inserts what its definition makes of it, in the
 * session's transaction, with the positions to commit alongside. `insert` runs the definition
 * over the records (given as a relation) into the view's table.
 */
export async function refreshStream(
  session: Session,
  tx: LakeTransaction,
  view: ViewInfo,
  mv: MaterializedViewAnnotation,
  positions: StreamPositions,
  /** The column names the view's definition uses ('all' for a `*`): only those are loaded. */
  columnNames: readonly string[] | 'all',
  /** `count`: how many records the relation holds. */
  insert: (records: StreamRelation, count: number) => Promise<unknown>,
): Promise<StreamRefreshOutcome & { positions: StreamPositions }> {
  const ref = mv.stream!;
  const schema = await tx.getSchema(ref.schema);
  const source = schema && decodeSchemaAnnotation(schema.annotation).stream;
  if (schema === undefined || source === undefined) {
    throw new LakeshiftError(
      SqlState.undefinedSchema,
      `the external schema "${ref.schema}" of materialized view "${view.name}" no longer exists`,
    );
  }
  const reader = readerFor(session, schema.schemaId, source);
  const started = performance.now();
  const partitions = await reader.partitions(ref.name);
  const from = new Map(partitions.map((p) => [p, positions[p]]));
  const early = await prefetched(view.viewId, ref.name, from);
  const batches =
    early === undefined
      ? await reader.read(ref.name, from, READ_LIMITS)
      : await topUp(reader, ref.name, early);
  const readMs = performance.now() - started;
  const kind = family(source.source);
  const history = session.manager.options.history;
  const now = new Date();
  const ids = {
    queryId: session.currentQueryId ?? 0,
    transactionId: session.transactions.transactionId,
  };
  const names = { mvName: view.name, externalSchemaName: ref.schema, streamName: ref.name };
  const scans: StreamScanStateRecord[] = [];
  const errors: StreamScanErrorRecord[] = [];
  const next: StreamPositions = { ...positions };
  let read = 0;
  let skipped = 0;
  let more = false;
  const used = streamColumnsUsed(source.source, columnNames);
  const loaded = COLUMNS[kind].filter((c) => c.scan !== undefined && used.has(c.name));
  // A scan needs a column: with none read (SELECT refresh_time ...), the partition's.
  if (loaded.length === 0) loaded.push(COLUMNS[kind][0]!);
  /** The records the view gets: all but the skipped ones. */
  const kept: StreamRecord[] = [];
  for (const b of batches) {
    let bytes = 0;
    let skippedHere = 0;
    let min = Infinity;
    let max = -Infinity;
    if (b.lost) {
      errors.push({
        ...names,
        ...ids,
        streamTimestampType: kind === 'kafka' ? 'C' : 'A',
        streamTimestamp: null,
        recordTime: now,
        partitionId: b.partition,
        position: b.lost.from,
        errorCode: 2,
        errorReason: `records from ${b.lost.from} to ${b.lost.to} expired from the stream before they were read`,
      });
    }
    for (const r of b.records) {
      const size = recordBytes(r);
      const at = recordTime(r);
      if (at < min) min = at;
      if (at > max) max = at;
      bytes += size;
      if (size > MAX_RECORD_BYTES) {
        skippedHere++;
        errors.push({
          ...names,
          ...ids,
          streamTimestampType: r.kind === 'kafka' ? (r.timestampType === 1 ? 'L' : 'C') : 'A',
          streamTimestamp: new Date(at),
          recordTime: now,
          partitionId: b.partition,
          position: positionOf(r),
          errorCode: 1,
          errorReason: `the record's ${size} bytes exceed the ${MAX_RECORD_BYTES} a VARBYTE column holds`,
        });
        continue;
      }
      kept.push(r);
    }
    if (b.records.length >= MAX_RECORDS_PER_PARTITION) more = true;
    read += b.records.length;
    skipped += skippedHere;
    if (b.next !== undefined) next[b.partition] = b.next;
    if (b.records.length > 0 || b.lost) {
      const last = b.records.at(-1);
      scans.push({
        ...names,
        ...ids,
        partitionId: b.partition,
        recordTime: now,
        scannedRows: b.records.length,
        scannedBytes: bytes,
        skippedRows: skippedHere,
        latestPosition: last ? positionOf(last) : (b.next ?? ''),
        streamRecordTimeMin: b.records.length > 0 ? new Date(min) : null,
        streamRecordTimeMax: b.records.length > 0 ? new Date(max) : null,
      });
    }
  }
  const unchanged =
    read === 0 && batches.every((b) => positions[b.partition] === b.next || b.next === undefined);
  // A view that read records is likely to read more next time: that read starts now, while
  // these records are inserted and committed (the next refresh takes it if it starts there).
  if (read > 0)
    prefetch(view.viewId, reader, ref.name, new Map(partitions.map((p) => [p, next[p]])));
  if (kept.length > 0) {
    // The definition reads the records where they are, through the row scan.
    const rows = offerRows({
      rows: kept,
      columns: loaded.map((c) => ({ name: c.name, ...c.scan! })),
    });
    try {
      await insert(
        streamRelationOf(kind, rows.sql, new Set(loaded.map((c) => c.name)), now),
        kept.length,
      );
    } finally {
      rows.release();
    }
  }
  session.manager.options.log.debug(
    {
      view: view.name,
      records: read,
      readMs: Math.round(readMs),
      insertMs: Math.round(performance.now() - started - readMs),
    },
    'streaming refresh',
  );
  // The scan views say what committed refreshes read.
  session.transactions.onEnd((committed) => {
    if (!committed) return;
    for (const s of scans) history.streamScan(s);
    for (const e of errors) history.streamError(e);
  });
  const qualifier =
    read === 0
      ? NO_NEW_DATA
      : skipped === read
        ? ' - All stream records were skipped'
        : skipped > 0
          ? ' - Some stream records were skipped'
          : more
            ? ' - The stream may contain more data'
            : '';
  return { qualifier, unchanged, positions: next };
}
