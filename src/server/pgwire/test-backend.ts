// TestDoubleBackend: a WireBackend for the protocol tests, clearly a test double. It knows a few
// fixed "statements" (no SQL), so the protocol room can be tested with real clients without the
// session, SQL and engine rooms:
//   select 1             one int4 column "?column?" = 1
//   rows N               N rows of one int4 column "n" = 1..N (row-limited Execute suspends)
//   bigrow N             one text column of N bytes
//   widerows N W         N rows of one text column of W bytes, one dataRows call per row
//   add $1 $2            int4 sum of two int4 parameters (text or binary)
//   echo $1 [$2 ...]     each parameter back as a text column (NULL stays NULL)
//   fail                 ERROR 42601 with detail, hint and position
//   fatal                FATAL 57P01-like error (the connection closes)
//   crash                a plain Error (the client must see only XX000 "internal error")
//   notice               a NoticeResponse, then "DO"
//   bignotice N          a NoticeResponse with an N-byte message (output that is not awaited)
//   wait                 blocks until cancelled, then ERROR 57014
//   sleep N              sleeps N ms (cancellable)
//   set NAME = VALUE     ParameterStatus, then "SET" (any other set ...: just "SET")
//   begin|commit|rollback  transaction status for ReadyForQuery
//   copy T from stdin    COPY in: counts lines and bytes, keeps the data in table T
//   copy T to stdout     COPY out of what was copied into T (numbersN: lines 1..N)
// Several statements may be separated by ';' in a simple query.
import { randomInt } from 'node:crypto';
import { LakeshiftError, SqlState } from '../../common/errors.js';
import type {
  AuthMethod,
  BindRequest,
  FieldDescription,
  PendingConnection,
  ResultSink,
  StartupRequest,
  StatementDescription,
  TransactionStatus,
  WireBackend,
  WireFormat,
  WireSession,
} from '../../session/wire.js';

const INT4 = 23;
const TEXT = 25;

function field(name: string, typeOid: number, format: WireFormat = 0): FieldDescription {
  return {
    name,
    tableOid: 0,
    columnAttr: 0,
    typeOid,
    typeSize: typeOid === INT4 ? 4 : -1,
    typeModifier: -1,
    format,
  };
}

type Value = number | string | null;

/** DataRow: 'D', Int32 len, Int16 columns, then Int32 length (-1 = NULL) + bytes per column. */
export function encodeDataRow(values: Value[], formats: WireFormat[]): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      parts.push(Buffer.from([0xff, 0xff, 0xff, 0xff]));
      continue;
    }
    let data: Buffer;
    if (typeof v === 'number' && formats[i] === 1) {
      data = Buffer.alloc(4);
      data.writeInt32BE(v);
    } else {
      data = Buffer.from(String(v), 'utf8');
    }
    const len = Buffer.alloc(4);
    len.writeInt32BE(data.length);
    parts.push(len, data);
  }
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(7);
  head[0] = 0x44;
  head.writeInt32BE(body.length + 6, 1);
  head.writeInt16BE(values.length, 5);
  return Buffer.concat([head, body]);
}

interface Prepared {
  sql: string;
  parameterTypes: number[];
  /** Result columns in text format, or null. */
  fields: FieldDescription[] | null;
}

interface Portal {
  statement: Prepared;
  parameters: (Uint8Array | null)[];
  parameterFormats: WireFormat[];
  resultFormats: WireFormat[];
  /** Rows already sent (row-limited Execute). */
  sent: number;
}

function syntaxError(sql: string, at = 0): LakeshiftError {
  const word = sql.trim().split(/\s+/)[0] ?? '';
  return new LakeshiftError(SqlState.syntaxError, `syntax error at or near "${word}"`, {
    position: at + 1,
  });
}

function parameterCount(sql: string): number {
  let max = 0;
  for (const m of sql.matchAll(/\$(\d+)/g)) max = Math.max(max, Number(m[1]));
  return max;
}

/** Splits a simple query on ';' keeping each statement's offset (for error positions). */
function splitStatements(text: string): { sql: string; offset: number }[] {
  const out: { sql: string; offset: number }[] = [];
  let offset = 0;
  for (const part of text.split(';')) {
    const lead = part.length - part.trimStart().length;
    if (part.trim() !== '') out.push({ sql: part.trim(), offset: offset + lead });
    offset += part.length + 1;
  }
  return out;
}

function describe(sql: string): Prepared['fields'] {
  const s = sql.trim().toLowerCase();
  if (s === 'select 1') return [field('?column?', INT4)];
  if (/^rows \d+$/.test(s)) return [field('n', INT4)];
  if (/^bigrow \d+$/.test(s)) return [field('big', TEXT)];
  if (/^widerows \d+ \d+$/.test(s)) return [field('wide', TEXT)];
  if (s.startsWith('add ')) return [field('sum', INT4)];
  if (s.startsWith('echo')) {
    const n = parameterCount(s);
    return Array.from({ length: n }, (_, i) => field(`p${i + 1}`, TEXT));
  }
  return null;
}

const KNOWN =
  /^(select 1|rows \d+|bigrow \d+|widerows \d+ \d+|add \$1 \$2|echo( \$\d+)*|fail|fatal|crash|notice|bignotice \d+|wait|sleep \d+|set .+|begin|commit|rollback|end|copy\s+\w+\s+from\s+stdin|copy\s+\w+\s+to\s+stdout)$/;

export class TestDoubleSession implements WireSession {
  readonly processId: number;
  readonly secretKey = randomInt(-0x80000000, 0x7fffffff);
  closeCalls = 0;
  cancelCalls = 0;
  /** Statements run (simple or Execute). */
  statementsRun = 0;
  /** Rows handed to the sink by widerows. */
  rowsSent = 0;
  /** The statement text being executed, if any (tests wait on it before cancelling). */
  running: string | undefined;
  #status: TransactionStatus = 'I';
  readonly #statements = new Map<string, Prepared>();
  readonly #portals = new Map<string, Portal>();
  #cancelRunning: ((e: LakeshiftError) => void) | undefined;
  readonly #backend: TestDoubleBackend;
  readonly #request: StartupRequest;

  constructor(backend: TestDoubleBackend, request: StartupRequest, processId: number) {
    this.#backend = backend;
    this.#request = request;
    this.processId = processId;
  }

  initialParameters(): [string, string][] {
    return [
      ['server_version', '15.0'],
      ['server_encoding', 'UTF8'],
      ['client_encoding', 'UTF8'],
      ['DateStyle', 'ISO, MDY'],
      ['TimeZone', 'UTC'],
      ['integer_datetimes', 'on'],
      ['standard_conforming_strings', 'on'],
      ['application_name', this.#request.parameters.application_name ?? ''],
    ];
  }

  transactionStatus(): TransactionStatus {
    return this.#status;
  }

  #prepare(sql: string, parameterTypes: number[], offset = 0): Prepared {
    const s = sql.trim().toLowerCase();
    if (!KNOWN.test(s)) throw syntaxError(sql, offset);
    const n = parameterCount(s);
    const types = Array.from(
      { length: n },
      (_, i) => parameterTypes[i] || (s.startsWith('add') ? INT4 : TEXT),
    );
    return { sql, parameterTypes: types, fields: describe(sql) };
  }

  async simpleQuery(text: string, sink: ResultSink): Promise<void> {
    const statements = splitStatements(text);
    if (statements.length === 0) {
      sink.emptyQuery();
      return;
    }
    for (const { sql, offset } of statements) {
      const statement = this.#prepare(sql, [], offset);
      if (statement.fields !== null) sink.rowDescription(statement.fields);
      await this.#run(
        { statement, parameters: [], parameterFormats: [], resultFormats: [], sent: 0 },
        0,
        sink,
      );
    }
  }

  async parse(name: string, sql: string, parameterTypes: number[]): Promise<void> {
    if (name !== '' && this.#statements.has(name)) {
      throw new LakeshiftError(
        SqlState.duplicatePreparedStatement,
        `prepared statement "${name}" already exists`,
      );
    }
    this.#statements.set(name, this.#prepare(sql, parameterTypes));
  }

  async bind(portal: string, statementName: string, request: BindRequest): Promise<void> {
    const statement = this.#statement(statementName);
    const need = statement.parameterTypes.length;
    if (request.parameters.length !== need) {
      throw new LakeshiftError(
        SqlState.protocolViolation,
        `bind message supplies ${request.parameters.length} parameters, but prepared statement "${statementName}" requires ${need}`,
      );
    }
    const columns = statement.fields?.length ?? 0;
    if (request.resultFormats.length > 1 && request.resultFormats.length !== columns) {
      throw new LakeshiftError(
        SqlState.protocolViolation,
        `bind message has ${request.resultFormats.length} result formats but query has ${columns} columns`,
      );
    }
    if (portal !== '' && this.#portals.has(portal)) {
      throw new LakeshiftError(SqlState.duplicateCursor, `cursor "${portal}" already exists`);
    }
    this.#portals.set(portal, {
      statement,
      parameters: request.parameters,
      parameterFormats: request.parameterFormats,
      resultFormats: request.resultFormats,
      sent: 0,
    });
  }

  #statement(name: string): Prepared {
    const s = this.#statements.get(name);
    if (s === undefined) {
      throw new LakeshiftError(
        SqlState.invalidSqlStatementName,
        `prepared statement "${name}" does not exist`,
      );
    }
    return s;
  }

  #portal(name: string): Portal {
    const p = this.#portals.get(name);
    if (p === undefined)
      throw new LakeshiftError(SqlState.invalidCursorName, `portal "${name}" does not exist`);
    return p;
  }

  async describeStatement(name: string): Promise<StatementDescription> {
    const s = this.#statement(name);
    return { parameterTypes: s.parameterTypes, fields: s.fields };
  }

  async describePortal(name: string): Promise<FieldDescription[] | null> {
    const p = this.#portal(name);
    return (
      p.statement.fields?.map((f, i) => ({ ...f, format: formatOf(p.resultFormats, i) })) ?? null
    );
  }

  async execute(
    portal: string,
    maxRows: number,
    sink: ResultSink,
  ): Promise<'complete' | 'suspended'> {
    return this.#run(this.#portal(portal), maxRows, sink);
  }

  async closeStatement(name: string): Promise<void> {
    this.#statements.delete(name);
  }

  async closePortal(name: string): Promise<void> {
    this.#portals.delete(name);
  }

  async sync(): Promise<void> {
    this.#portals.delete('');
  }

  cancel(): void {
    this.cancelCalls++;
    this.#cancelRunning?.(
      new LakeshiftError(SqlState.queryCanceled, 'canceling statement due to user request'),
    );
  }

  async close(): Promise<void> {
    this.closeCalls++;
    this.#cancelRunning?.(new LakeshiftError(SqlState.adminShutdown, 'session closed'));
    this.#status = 'I';
    this.#backend.sessionClosed(this);
  }

  /** Waits `ms` (forever when undefined) unless cancelled or closed first. */
  #wait(ms: number | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = ms === undefined ? undefined : setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#cancelRunning = (e) => {
        clearTimeout(timer);
        reject(e);
      };
    }).finally(() => (this.#cancelRunning = undefined));
  }

  async #run(portal: Portal, maxRows: number, sink: ResultSink): Promise<'complete' | 'suspended'> {
    const sql = portal.statement.sql.trim();
    const s = sql.toLowerCase();
    if (this.#status === 'E' && !/^(commit|rollback|end)$/.test(s)) {
      throw new LakeshiftError(
        SqlState.inFailedSqlTransaction,
        'current transaction is aborted, commands ignored until end of transaction block',
      );
    }
    this.running = s;
    this.statementsRun++;
    try {
      return await this.#runStatement(portal, sql, s, maxRows, sink);
    } catch (e) {
      if (this.#status === 'T') this.#status = 'E';
      throw e;
    } finally {
      this.running = undefined;
    }
  }

  async #runStatement(
    portal: Portal,
    sql: string,
    s: string,
    maxRows: number,
    sink: ResultSink,
  ): Promise<'complete' | 'suspended'> {
    const formats = portal.resultFormats;
    const param = (i: number): Value => {
      const v = portal.parameters[i];
      if (v === null || v === undefined) return null;
      if (formatOf(portal.parameterFormats, i) === 1 && v.length === 4) {
        return Buffer.from(v).readInt32BE(0);
      }
      return Buffer.from(v).toString('utf8');
    };
    let m: RegExpExecArray | null;
    if (s === 'select 1') {
      sink.dataRows(encodeDataRow([1], [formatOf(formats, 0)]));
      sink.commandComplete('SELECT 1');
    } else if ((m = /^rows (\d+)$/.exec(s))) {
      const total = Number(m[1]);
      const end = maxRows > 0 ? Math.min(total, portal.sent + maxRows) : total;
      const batch: Buffer[] = [];
      for (let n = portal.sent + 1; n <= end; n++) {
        batch.push(encodeDataRow([n], [formatOf(formats, 0)]));
        if (batch.length === 256) await sink.dataRows(Buffer.concat(batch.splice(0)));
      }
      if (batch.length > 0) await sink.dataRows(Buffer.concat(batch));
      const count = end - portal.sent;
      portal.sent = end;
      if (end < total) return 'suspended';
      sink.commandComplete(`SELECT ${count}`);
    } else if ((m = /^widerows (\d+) (\d+)$/.exec(s))) {
      const row = encodeDataRow(['w'.repeat(Number(m[2]))], [0]);
      for (let i = 0; i < Number(m[1]); i++) {
        await sink.dataRows(row);
        this.rowsSent++;
      }
      sink.commandComplete(`SELECT ${m[1]}`);
    } else if ((m = /^bigrow (\d+)$/.exec(s))) {
      await sink.dataRows(encodeDataRow(['x'.repeat(Number(m[1]))], [0]));
      sink.commandComplete('SELECT 1');
    } else if (s.startsWith('add ')) {
      const a = param(0);
      const b = param(1);
      const sum = a === null || b === null ? null : Number(a) + Number(b);
      if (sum !== null && !Number.isInteger(sum)) {
        throw new LakeshiftError(
          SqlState.invalidTextRepresentation,
          'invalid input syntax for type integer',
        );
      }
      sink.dataRows(encodeDataRow([sum], [formatOf(formats, 0)]));
      sink.commandComplete('SELECT 1');
    } else if (s.startsWith('echo')) {
      const values = portal.statement.parameterTypes.map((_, i) => {
        const v = param(i);
        return v === null ? null : String(v);
      });
      sink.dataRows(
        encodeDataRow(
          values,
          values.map(() => 0),
        ),
      );
      sink.commandComplete('SELECT 1');
    } else if (s === 'fail') {
      throw new LakeshiftError(SqlState.syntaxError, 'syntax error at or near "fail"', {
        position: 1,
        detail: 'The test double fails this statement on purpose.',
        hint: 'Do not run "fail".',
      });
    } else if (s === 'fatal') {
      throw new LakeshiftError(SqlState.adminShutdown, 'terminating connection on purpose', {
        severity: 'FATAL',
      });
    } else if (s === 'crash') {
      throw new Error('secret internal details /etc/passwd');
    } else if (s === 'notice') {
      sink.notice({
        severity: 'NOTICE',
        sqlstate: '00000',
        message: 'a notice',
        detail: 'notice detail',
        hint: 'notice hint',
      });
      sink.commandComplete('DO');
    } else if ((m = /^bignotice (\d+)$/.exec(s))) {
      sink.notice({ severity: 'NOTICE', sqlstate: '00000', message: 'n'.repeat(Number(m[1])) });
      sink.commandComplete('DO');
    } else if (s === 'wait') {
      await this.#wait(undefined);
    } else if ((m = /^sleep (\d+)$/.exec(s))) {
      await this.#wait(Number(m[1]));
      sink.commandComplete('SLEEP');
    } else if (s.startsWith('set ')) {
      m = /^set (\w+) (?:=|to) (\S+)$/i.exec(sql);
      if (m) sink.parameterStatus(m[1] as string, m[2] as string);
      sink.commandComplete('SET');
    } else if (s === 'begin') {
      this.#status = 'T';
      sink.commandComplete('BEGIN');
    } else if (s === 'commit' || s === 'end') {
      sink.commandComplete(this.#status === 'E' ? 'ROLLBACK' : 'COMMIT');
      this.#status = 'I';
    } else if (s === 'rollback') {
      this.#status = 'I';
      sink.commandComplete('ROLLBACK');
    } else if ((m = /^copy\s+(\w+)\s+from\s+stdin$/.exec(s))) {
      let bytes = 0;
      let lines = 0;
      const kept: Buffer[] = [];
      for await (const chunk of sink.copyIn({ format: 0, columnFormats: [0] })) {
        bytes += chunk.length;
        for (const b of chunk) if (b === 0x0a) lines++;
        if (bytes <= 16 * 1024 * 1024) kept.push(Buffer.from(chunk));
      }
      this.#backend.tables.set(m[1] as string, Buffer.concat(kept));
      this.#backend.copiedBytes += bytes;
      sink.commandComplete(`COPY ${lines}`);
    } else if ((m = /^copy\s+(\w+)\s+to\s+stdout$/.exec(s))) {
      const table = m[1] as string;
      const numbers = /^numbers(\d+)$/.exec(table);
      const data = numbers
        ? Buffer.from(Array.from({ length: Number(numbers[1]) }, (_, i) => `${i + 1}\n`).join(''))
        : this.#backend.tables.get(table);
      if (data === undefined) {
        throw new LakeshiftError(SqlState.undefinedTable, `relation "${table}" does not exist`);
      }
      sink.copyOutStart({ format: 0, columnFormats: [0] });
      let lines = 0;
      for (let at = 0; at < data.length;) {
        let end = data.indexOf(0x0a, at);
        end = end < 0 ? data.length : end + 1;
        await sink.copyData(data.subarray(at, end));
        lines++;
        at = end;
      }
      sink.copyDone();
      sink.commandComplete(`COPY ${lines}`);
    } else {
      throw syntaxError(sql);
    }
    return 'complete';
  }
}

function formatOf(formats: WireFormat[], i: number): WireFormat {
  return formats.length === 0
    ? 0
    : formats.length === 1
      ? (formats[0] as WireFormat)
      : (formats[i] ?? 0);
}

export interface TestDoubleBackendOptions {
  /** Users and how they authenticate; unknown users get { kind: 'reject' } (like PostgreSQL). */
  users?: Record<string, AuthMethod>;
  /** Known databases; undefined accepts any. */
  databases?: string[];
}

export class TestDoubleBackend implements WireBackend {
  readonly users: Record<string, AuthMethod>;
  readonly databases: string[] | undefined;
  readonly sessions = new Set<TestDoubleSession>();
  readonly tables = new Map<string, Buffer>();
  /** Every session ever opened, closed or not. */
  readonly allSessions: TestDoubleSession[] = [];
  readonly rejected: { user: string; reason: string }[] = [];
  readonly failedConnections: string[] = [];
  copiedBytes = 0;
  #nextProcessId = 1000;

  constructor(opts: TestDoubleBackendOptions = {}) {
    this.users = opts.users ?? {};
    this.databases = opts.databases;
  }

  async startup(request: StartupRequest): Promise<PendingConnection> {
    if (this.databases !== undefined && !this.databases.includes(request.database)) {
      throw new LakeshiftError(
        SqlState.invalidCatalogName,
        `database "${request.database}" does not exist`,
        {
          severity: 'FATAL',
        },
      );
    }
    const method: AuthMethod = this.users[request.user] ?? { kind: 'reject' };
    return {
      method,
      accept: async () => {
        const session = new TestDoubleSession(this, request, this.#nextProcessId++);
        this.sessions.add(session);
        this.allSessions.push(session);
        return session;
      },
      reject: (reason) => this.rejected.push({ user: request.user, reason }),
    };
  }

  connectionFailed(_remoteAddress: string, _remotePort: number, reason: string): void {
    this.failedConnections.push(reason);
  }

  sessionClosed(session: TestDoubleSession): void {
    this.sessions.delete(session);
  }
}
