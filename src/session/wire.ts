// What the PostgreSQL wire protocol room (src/server/pgwire) asks of the session room. The
// protocol knows messages and bytes, never SQL: it hands statement text and parameters to a
// WireSession and writes back what the session puts into a ResultSink. Errors are thrown as
// LakeshiftError (SQLSTATE, message, position, hint); anything else is an internal error that the
// protocol logs and reports as XX000 without internals.
// Protocol reference: https://www.postgresql.org/docs/15/protocol-flow.html
import { LakeshiftError, SqlState } from '../common/errors.js';
import type { FieldDescription, WireFormat } from '../engine/pg-field.js';

export type { FieldDescription, WireFormat };

/** The startup packet of a connection, after SSL negotiation. */
export interface StartupRequest {
  user: string;
  /** Defaults to the user name when the client sent none (as PostgreSQL does). */
  database: string;
  /** Every startup parameter as sent (application_name, client_encoding, options, DateStyle ...). */
  parameters: Record<string, string>;
  remoteAddress: string;
  remotePort: number;
  ssl: boolean;
}

/**
 * How the protocol must authenticate the connection. Stored secrets are SCRAM verifiers
 * (RFC 5802/7677 "SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>", base64 parts)
 * or, for users created with an MD5 hash, "md5" + md5(password || user) — never clear text.
 */
export type AuthMethod =
  | { kind: 'scram-sha-256'; verifier: string }
  | { kind: 'md5'; hash: string }
  /** No password can succeed (PASSWORD DISABLE, expired): fail after the exchange with 28P01. */
  | { kind: 'reject' }
  | { kind: 'trust' };

/** The protocol calls exactly one of accept() and reject() on every PendingConnection. */
export interface PendingConnection {
  method: AuthMethod;
  /** Authentication succeeded: opens the session (may still fail, e.g. 53300 connection limit). */
  accept(): Promise<WireSession>;
  /**
   * Authentication failed, or the connection ended before it completed (client disconnected,
   * authentication timeout, server shutdown); `reason` is for the connection log, not the client.
   */
  reject(reason: string): void;
}

export interface WireBackend {
  /**
   * Looks up the user and database of a new connection. Throws LakeshiftError with severity
   * FATAL: 3D000 unknown database, 28000 unknown user, 57P03 shutting down.
   */
  startup(request: StartupRequest): Promise<PendingConnection>;
  /** Records a connection that ended before authentication (bad packet, TLS failure ...). */
  connectionFailed?(remoteAddress: string, remotePort: number, reason: string): void;
}

/** Format of a COPY sub-protocol exchange (CopyInResponse / CopyOutResponse). */
export interface CopyFormat {
  /** Overall format: 0 text/csv, 1 binary. */
  format: WireFormat;
  columnFormats: WireFormat[];
}

export interface NoticeFields {
  severity: 'NOTICE' | 'WARNING' | 'INFO' | 'LOG' | 'DEBUG';
  sqlstate: string;
  message: string;
  detail?: string;
  hint?: string;
  /** The context: the procedure and line a RAISE ran at. */
  where?: string;
}

/** Where a session writes what a statement produces. One per Query / Execute message. */
export interface ResultSink {
  rowDescription(fields: FieldDescription[]): void;
  /**
   * One or more complete, framed DataRow ('D') messages, as the engine encodes them. Resolves
   * when the connection can take more (backpressure); the caller awaits it before encoding more.
   */
  dataRows(messages: Uint8Array): void | Promise<void>;
  /** CommandComplete with its tag: "SELECT 5", "INSERT 0 3", "UPDATE 2", "CREATE TABLE" ... */
  commandComplete(tag: string): void;
  emptyQuery(): void;
  notice(notice: NoticeFields): void;
  /** A setting the client tracks changed (application_name, TimeZone, DateStyle ...). */
  parameterStatus(name: string, value: string): void;
  /**
   * COPY ... FROM STDIN: sends CopyInResponse and yields the payload of each CopyData message.
   * Ends on CopyDone; throws LakeshiftError 57014 "COPY from stdin failed: <message>" on CopyFail.
   * CopyInResponse goes out when iteration starts. A consumer that stops early (a bad row) just
   * throws its error: the protocol discards the client's remaining CopyData/CopyDone/CopyFail.
   */
  copyIn(format: CopyFormat): AsyncIterable<Uint8Array>;
  /** COPY ... TO STDOUT: CopyOutResponse, then CopyData chunks (awaitable), then CopyDone. */
  copyOutStart(format: CopyFormat): void;
  copyData(chunk: Uint8Array): void | Promise<void>;
  copyDone(): void;
}

/**
 * A result sink for the server's own sessions (copy jobs, auto refresh): rows are not expected,
 * notices go to `notice`, and a COPY FROM STDIN is refused.
 */
export function internalSink(notice: (n: NoticeFields) => void = () => undefined): ResultSink {
  const none = () => undefined;
  return {
    rowDescription: none,
    dataRows: none,
    commandComplete: none,
    emptyQuery: none,
    notice,
    parameterStatus: none,
    copyIn: () => {
      throw new LakeshiftError(
        SqlState.featureNotSupported,
        "the server's own work reads no STDIN",
      );
    },
    copyOutStart: none,
    copyData: none,
    copyDone: none,
  };
}

export interface StatementDescription {
  /** Parameter type OIDs (ParameterDescription). */
  parameterTypes: number[];
  /** Result columns (text format until bound), or null when the statement returns no rows. */
  fields: FieldDescription[] | null;
}

export interface BindRequest {
  /** One entry per parameter, or a single entry for all, or none (all text) — as on the wire. */
  parameterFormats: WireFormat[];
  /** Raw parameter values; null is SQL NULL. */
  parameters: (Uint8Array | null)[];
  /** One per result column, one for all, or none (all text). */
  resultFormats: WireFormat[];
}

export type TransactionStatus = 'I' | 'T' | 'E';

export interface WireSession {
  readonly processId: number;
  readonly secretKey: number;
  /** ParameterStatus messages sent after AuthenticationOk (server_version, TimeZone ...). */
  initialParameters(): [name: string, value: string][];
  /** ReadyForQuery status: idle, in a transaction block, in a failed transaction block. */
  transactionStatus(): TransactionStatus;

  /** Simple query: every statement of the text in order; stops at the first error (thrown). */
  simpleQuery(sql: string, sink: ResultSink): Promise<void>;

  // Extended query protocol. The protocol discards messages after an error until Sync.
  parse(statement: string, sql: string, parameterTypes: number[]): Promise<void>;
  bind(portal: string, statement: string, request: BindRequest): Promise<void>;
  describeStatement(statement: string): Promise<StatementDescription>;
  /** The portal's result columns in their bound formats, or null (NoData). */
  describePortal(portal: string): Promise<FieldDescription[] | null>;
  /** Runs a portal; maxRows 0 = all. 'suspended' means PortalSuspended, more rows remain. */
  execute(portal: string, maxRows: number, sink: ResultSink): Promise<'complete' | 'suspended'>;
  closeStatement(statement: string): Promise<void>;
  closePortal(portal: string): Promise<void>;
  /** Sync: ends the implicit transaction of the extended protocol (or rolls it back on error). */
  sync(): Promise<void>;

  /** CancelRequest matched this session: stop the running statement (57014). */
  cancel(): void;
  /**
   * The connection is gone (Terminate, socket closed, server shutdown): release everything and
   * roll back an open transaction. Called exactly once. It may be called while a statement is
   * still running (the client disconnected mid-statement, or shutdown's grace period ran out):
   * it must then stop that statement as cancel() would; the running call's outcome is ignored.
   */
  close(): Promise<void>;
}
