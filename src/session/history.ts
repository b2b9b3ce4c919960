// Query history (SYS_QUERY_HISTORY, STL_QUERY, STV_RECENTS) and the connection log
// (SYS_CONNECTION_LOG, STL_CONNECTION_LOG) of this workgroup. The newest entries stay in memory
// (bounded); every finished entry is also appended as one JSON line to a file under the data
// directory, from which the tail is reloaded at start, so history survives restarts.
import {
  appendFileSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readSync,
  statSync,
} from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type {
  LoadErrorRecord,
  LoadFileRecord,
  LoadRecord,
  MvRefreshRecord,
  StreamScanErrorRecord,
  StreamScanStateRecord,
} from '../system/input.js';

export type QueryStatus = 'running' | 'success' | 'failed' | 'canceled';

export interface QueryRecord {
  queryId: number;
  userId: number;
  userName: string;
  sessionId: number;
  transactionId: number;
  databaseName: string;
  /** SELECT, INSERT, UPDATE, DELETE, COPY, DDL, UTILITY, CTAS ... (Redshift's query_type). */
  queryType: string;
  status: QueryStatus;
  startTime: Date;
  endTime: Date | null;
  /** Microseconds, as Redshift reports them. */
  queueTime: number;
  executionTime: number;
  elapsedTime: number;
  returnedRows: number;
  queryText: string;
  errorMessage: string | null;
  queryLabel: string;
  resultCacheHit: boolean;
}

export type ConnectionEvent =
  'initiating session' | 'authenticated' | 'authentication failure' | 'disconnecting session';

export interface ConnectionRecord {
  event: ConnectionEvent;
  recordTime: Date;
  remoteHost: string;
  remotePort: number;
  sessionId: number;
  databaseName: string;
  userName: string;
  authMethod: string;
  /** Microseconds the session lasted (disconnecting session only). */
  duration: number;
  sslVersion: string;
  applicationName: string;
  reason: string;
}

export type { LoadRecord, LoadFileRecord, LoadErrorRecord, MvRefreshRecord };

type Stored =
  | { kind: 'query'; record: QueryRecord }
  | { kind: 'connection'; record: ConnectionRecord }
  | { kind: 'load'; record: LoadRecord }
  | { kind: 'load-file'; record: LoadFileRecord }
  | { kind: 'load-error'; record: LoadErrorRecord }
  | { kind: 'mv-refresh'; record: MvRefreshRecord }
  | { kind: 'stream-scan'; record: StreamScanStateRecord }
  | { kind: 'stream-error'; record: StreamScanErrorRecord };

const DATE_FIELDS = [
  'startTime',
  'endTime',
  'recordTime',
  'streamRecordTimeMin',
  'streamRecordTimeMax',
  'streamTimestamp',
] as const;

export class History {
  private readonly queries: QueryRecord[] = [];
  private readonly connections: ConnectionRecord[] = [];
  private readonly loads: LoadRecord[] = [];
  private readonly runningLoads = new Map<number, LoadRecord>();
  private readonly loadFiles: LoadFileRecord[] = [];
  private readonly loadErrors: LoadErrorRecord[] = [];
  private readonly mvRefreshes: MvRefreshRecord[] = [];
  private readonly streamScans: StreamScanStateRecord[] = [];
  private readonly streamErrors: StreamScanErrorRecord[] = [];
  private nextQueryId = 1;
  private running = new Map<number, QueryRecord>();

  constructor(
    /** JSON-lines file, or undefined to keep history in memory only. */
    private readonly file: string | undefined,
    /**
     * Records kept for the system views (the file keeps them all). The views render their rows
     * as SQL literals, which DuckDB binds one by one: 20,000 rows took over 20 s to query on a
     * busy 2-core machine, 2,000 about a second.
     */
    private readonly limit = 2_000,
  ) {
    if (file) {
      mkdirSync(dirname(file), { recursive: true });
      this.load(file);
    }
  }

  private load(file: string): void {
    if (!existsSync(file)) return;
    // Only the tail matters (the newest `limit` entries): read at most the last 16 MiB.
    const size = statSync(file).size;
    const length = Math.min(size, 16 * 1024 * 1024);
    const tail = Buffer.alloc(length);
    const fd = openSync(file, 'r');
    try {
      readSync(fd, tail, 0, length, size - length);
    } finally {
      closeSync(fd);
    }
    const text = tail.toString('utf8');
    for (const line of text.split('\n')) {
      if (!line.startsWith('{')) continue;
      try {
        const stored = JSON.parse(line) as Stored;
        const record = stored.record as unknown as Record<string, unknown>;
        for (const f of DATE_FIELDS) {
          if (typeof record[f] === 'string') record[f] = new Date(record[f]);
        }
        switch (stored.kind) {
          case 'query':
            this.push(this.queries, stored.record);
            this.nextQueryId = Math.max(this.nextQueryId, stored.record.queryId + 1);
            break;
          case 'connection':
            this.push(this.connections, stored.record);
            break;
          case 'load':
            this.push(this.loads, stored.record);
            break;
          case 'load-file':
            this.push(this.loadFiles, stored.record);
            break;
          case 'mv-refresh':
            this.push(this.mvRefreshes, stored.record);
            break;
          case 'stream-scan':
            this.push(this.streamScans, stored.record);
            break;
          case 'stream-error':
            this.push(this.streamErrors, stored.record);
            break;
          case 'load-error':
            this.push(this.loadErrors, stored.record);
            break;
        }
      } catch {
        // A torn last line after a crash: skip it.
      }
    }
  }

  private push<T>(list: T[], item: T): void {
    list.push(item);
    if (list.length > this.limit) list.splice(0, list.length - this.limit);
  }

  /** Lines not yet on disk: written in one append a moment later, not one write per statement. */
  private pending: string[] = [];
  private flushing: Promise<void> | undefined;

  private persist(stored: Stored): void {
    if (!this.file) return;
    this.pending.push(JSON.stringify(stored));
    this.flushing ??= new Promise<void>((resolve) => setTimeout(resolve, 50))
      .then(() => this.writePending())
      .finally(() => (this.flushing = undefined));
  }

  private async writePending(): Promise<void> {
    const lines = this.pending;
    this.pending = [];
    if (lines.length === 0 || !this.file) return;
    try {
      await appendFile(this.file, lines.join('\n') + '\n');
    } catch {
      // History is best effort: a full disk must not fail statements.
    }
  }

  /** Writes what is pending now (at shutdown). */
  flushSync(): void {
    const lines = this.pending;
    this.pending = [];
    if (lines.length === 0 || !this.file) return;
    try {
      appendFileSync(this.file, lines.join('\n') + '\n');
    } catch {
      // best effort
    }
  }

  /** Registers a statement as running; finish() completes it. */
  start(
    fields: Omit<
      QueryRecord,
      | 'queryId'
      | 'status'
      | 'endTime'
      | 'elapsedTime'
      | 'executionTime'
      | 'returnedRows'
      | 'errorMessage'
      | 'resultCacheHit'
    >,
  ): QueryRecord {
    const record: QueryRecord = {
      ...fields,
      queryId: this.nextQueryId++,
      status: 'running',
      endTime: null,
      elapsedTime: 0,
      executionTime: 0,
      returnedRows: 0,
      errorMessage: null,
      resultCacheHit: false,
    };
    this.running.set(record.queryId, record);
    return record;
  }

  finish(
    record: QueryRecord,
    outcome: { status: Exclude<QueryStatus, 'running'>; rows?: number; error?: string },
  ): void {
    const end = new Date();
    record.status = outcome.status;
    record.endTime = end;
    record.returnedRows = outcome.rows ?? 0;
    record.errorMessage = outcome.error ?? null;
    record.elapsedTime = (end.getTime() - record.startTime.getTime()) * 1000;
    record.executionTime = Math.max(0, record.elapsedTime - record.queueTime);
    this.running.delete(record.queryId);
    this.push(this.queries, record);
    this.persist({ kind: 'query', record });
  }

  connection(record: ConnectionRecord): void {
    this.push(this.connections, record);
    this.persist({ kind: 'connection', record });
  }

  /** Finished and running statements, oldest first. */
  allQueries(): QueryRecord[] {
    return [...this.queries, ...this.running.values()];
  }

  runningQueries(): QueryRecord[] {
    return [...this.running.values()];
  }

  allConnections(): ConnectionRecord[] {
    return [...this.connections];
  }

  /** A COPY begins: it shows in STV_LOAD_STATE and SYS_LOAD_HISTORY as running. */
  loadStarted(record: LoadRecord): void {
    this.runningLoads.set(record.queryId, record);
  }

  loadFinished(record: LoadRecord, status: 'completed' | 'failed'): void {
    record.status = status;
    record.endTime = new Date();
    record.currentFile = '';
    this.runningLoads.delete(record.queryId);
    this.push(this.loads, record);
    this.persist({ kind: 'load', record });
  }

  loadFile(record: LoadFileRecord): void {
    this.push(this.loadFiles, record);
    this.persist({ kind: 'load-file', record });
  }

  loadError(record: LoadErrorRecord): void {
    this.push(this.loadErrors, record);
    this.persist({ kind: 'load-error', record });
  }

  /** Finished and running COPYs, oldest first. */
  allLoads(): LoadRecord[] {
    return [...this.loads, ...this.runningLoads.values()];
  }

  runningLoadRecords(): LoadRecord[] {
    return [...this.runningLoads.values()];
  }

  allLoadFiles(): LoadFileRecord[] {
    return [...this.loadFiles];
  }

  allLoadErrors(): LoadErrorRecord[] {
    return [...this.loadErrors];
  }

  /** A materialized view refresh finished (or failed). */
  mvRefresh(record: MvRefreshRecord): void {
    this.push(this.mvRefreshes, record);
    this.persist({ kind: 'mv-refresh', record });
  }

  allMvRefreshes(): MvRefreshRecord[] {
    return [...this.mvRefreshes];
  }

  streamScan(record: StreamScanStateRecord): void {
    this.push(this.streamScans, record);
    this.persist({ kind: 'stream-scan', record });
  }

  streamError(record: StreamScanErrorRecord): void {
    this.push(this.streamErrors, record);
    this.persist({ kind: 'stream-error', record });
  }

  allStreamScans(): StreamScanStateRecord[] {
    return [...this.streamScans];
  }

  allStreamErrors(): StreamScanErrorRecord[] {
    return [...this.streamErrors];
  }
}
