// One client connection: the protocol state machine of
// https://www.postgresql.org/docs/15/protocol-flow.html
//   startup  — SSLRequest / GSSENCRequest / CancelRequest / StartupMessage (+ TLS upgrade)
//   auth     — the PendingConnection's method (trust, MD5, SCRAM-SHA-256, reject)
//   ready    — simple and extended query, COPY, until Terminate or the socket closes
//   closed
// Every failure ends in this connection: errors are reported to the client when the protocol
// allows it (only LakeshiftError fields, anything else is XX000 "internal error"), FATAL ones
// close the connection, and nothing escapes to the server.
import type { Socket } from 'node:net';
import { TLSSocket, type SecureContext } from 'node:tls';
import type { Duplex } from 'node:stream';
import { LakeshiftError, SqlState } from '../../common/errors.js';
import type {
  CopyFormat,
  PendingConnection,
  ResultSink,
  StartupRequest,
  WireBackend,
  WireSession,
} from '../../session/wire.js';
import { authenticate, type AuthExchange } from './auth/index.js';
import type { CancelRegistry } from './cancel-registry.js';
import type { PgServerLog } from './events.js';
import { MessageReader } from './framing.js';
import {
  decodeBind,
  decodeCopyFail,
  decodeExecute,
  decodeParse,
  decodeQuery,
  decodeTarget,
} from './frontend.js';
import * as msg from './messages.js';
import { Output } from './output.js';
import { decodeStartupPacket } from './startup.js';

export interface ConnectionOptions {
  id: number;
  socket: Socket;
  backend: WireBackend;
  secureContext: SecureContext | undefined;
  maxMessageBytes: number;
  authTimeoutMs: number;
  registry: CancelRegistry;
  log: PgServerLog;
  /** Whether accepting this connection would exceed the server's connection limit. */
  overLimit: boolean;
  shuttingDown: () => boolean;
}

/** Frontend message types valid after startup; any other type is a FATAL protocol violation. */
const FRONTEND_TYPES = new Set('QPBDECSHXFdcf');
function checkFrontendType(code: number): LakeshiftError | undefined {
  return FRONTEND_TYPES.has(String.fromCharCode(code))
    ? undefined
    : fatal(SqlState.protocolViolation, `invalid frontend message type ${code}`);
}

/** Frontend message types valid during COPY FROM STDIN. */
const COPY_IN_TYPES = new Set('dcfHS');

function checkCopyInType(code: number): LakeshiftError | undefined {
  return COPY_IN_TYPES.has(String.fromCharCode(code))
    ? undefined
    : fatal(
        SqlState.protocolViolation,
        `unexpected message type 0x${code.toString(16).toUpperCase().padStart(2, '0')} during COPY from stdin`,
      );
}

/** Messages of the extended query protocol: an error in one skips messages until Sync. */
const EXTENDED_TYPES = new Set('PBDECH');
/** How long a connection we closed may linger half-open before its socket is destroyed. */
const LINGER_MS = 5_000;

function fatal(sqlstate: LakeshiftError['sqlstate'], message: string): LakeshiftError {
  return new LakeshiftError(sqlstate, message, { severity: 'FATAL' });
}

export function adminShutdownError(): LakeshiftError {
  return fatal(SqlState.adminShutdown, 'terminating connection due to administrator command');
}

function reportFields(e: LakeshiftError): msg.ReportFields {
  return {
    severity: e.severity,
    code: e.sqlstate,
    message: e.message,
    detail: e.detail,
    hint: e.hint,
    position: e.position,
    where: e.where,
  };
}

export class Connection {
  readonly id: number;
  /** Resolves once the socket is closed and the session (if one was opened) is closed. */
  readonly closed: Promise<void>;

  readonly #opts: ConnectionOptions;
  #socket: Duplex;
  readonly #raw: Socket;
  readonly #reader: MessageReader;
  readonly #output: Output;
  readonly #authTimer: NodeJS.Timeout;
  #resolveClosed!: () => void;

  #phase: 'startup' | 'authentication' | 'ready' | 'closed' = 'startup';
  #busy = false;
  #shutdownRequested = false;
  #socketClosed = false;
  #runFinished = false;
  #backendCalled = false;
  #cancelRequest = false;
  #closeReason = 'client disconnected';
  #pending: PendingConnection | undefined;
  #pendingSettled = false;
  #session: WireSession | undefined;
  #sessionClosing: Promise<void> | undefined;
  #sessionClosed = false;
  #ignoreTillSync = false;
  /** A FATAL error met inside a statement (e.g. a framing error during COPY): ends the connection. */
  #stickyFatal: LakeshiftError | undefined;

  constructor(opts: ConnectionOptions) {
    this.#opts = opts;
    this.id = opts.id;
    this.#raw = opts.socket;
    this.#socket = opts.socket;
    this.closed = new Promise((resolve) => (this.#resolveClosed = resolve));
    this.#raw.setNoDelay(true);
    this.#raw.on('error', (e) => this.#onSocketError(e));
    this.#raw.on('close', () => this.#onSocketClosed());
    this.#reader = new MessageReader({ maxMessageBytes: opts.maxMessageBytes });
    this.#reader.attach(this.#raw);
    this.#output = new Output(this.#raw);
    this.#authTimer = setTimeout(() => this.#onAuthTimeout(), opts.authTimeoutMs);
    this.#authTimer.unref();
  }

  /** Runs the connection to its end; never rejects. */
  start(): void {
    void this.#run();
  }

  /** A method, so that TypeScript does not narrow #phase across awaits. */
  #isClosed(): boolean {
    return this.#phase === 'closed';
  }

  /** A message is being processed (a statement may be running). */
  get busy(): boolean {
    return this.#busy;
  }

  /** Server shutdown: terminate now when idle, else as soon as the current message is done. */
  requestShutdown(): void {
    this.#shutdownRequested = true;
    if (!this.#busy) this.terminate(adminShutdownError());
  }

  /** Sends `error` (FATAL) and closes the connection, even in the middle of a statement. */
  terminate(error: LakeshiftError): void {
    if (this.#phase === 'closed') return;
    this.#closeReason = error.message;
    this.#output.push(msg.errorResponse(reportFields(error)));
    this.#close();
  }

  async #run(): Promise<void> {
    try {
      const request = await this.#startup();
      if (request === null) return;
      const session = await this.#authenticate(request);
      if (session === null) return;
      await this.#serve(session);
    } catch (e) {
      this.#reportFatal(e);
    } finally {
      this.#runFinished = true;
      try {
        this.#close();
      } catch (e) {
        this.#opts.log({ kind: 'internal-error', connection: this.id, error: e });
        this.#raw.destroy();
      }
    }
  }

  // ---------------------------------------------------------------------------------- startup

  async #startup(): Promise<StartupRequest | null> {
    let ssl = false;
    for (;;) {
      const packet = await this.#reader.readStartupPacket();
      if (packet === null) {
        this.#closeReason = 'client disconnected during startup';
        return null;
      }
      const p = decodeStartupPacket(packet);
      switch (p.kind) {
        case 'ssl':
          if (ssl)
            throw fatal(
              SqlState.protocolViolation,
              'unexpected SSLRequest after TLS was established',
            );
          if (this.#opts.secureContext === undefined) {
            this.#sendByte('N');
            continue;
          }
          // Bytes sent after the request would be read as if they came over TLS (CVE-2021-23214).
          if (this.#reader.buffered > 0) {
            throw fatal(SqlState.protocolViolation, 'received unencrypted data after SSL request');
          }
          this.#sendByte('S');
          this.#upgrade(this.#opts.secureContext);
          ssl = true;
          continue;
        case 'gssenc':
          this.#sendByte('N');
          continue;
        case 'cancel': {
          const matched = this.#opts.registry.cancel(p.processId, p.secretKey);
          this.#opts.log({
            kind: 'cancel-request',
            connection: this.id,
            processId: p.processId,
            matched,
          });
          this.#cancelRequest = true;
          this.#closeReason = 'cancel request';
          return null;
        }
        case 'startup': {
          if (p.minor > 0 || p.unrecognizedOptions.length > 0) {
            this.#output.push(msg.negotiateProtocolVersion(0, p.unrecognizedOptions));
          }
          const user = p.parameters.user ?? '';
          if (user === '') {
            throw fatal(
              SqlState.invalidAuthorizationSpecification,
              'no PostgreSQL user name specified in startup packet',
            );
          }
          if (this.#opts.shuttingDown()) {
            throw fatal(SqlState.cannotConnectNow, 'the database system is shutting down');
          }
          if (this.#opts.overLimit)
            throw fatal(SqlState.tooManyConnections, 'sorry, too many clients already');
          return {
            user,
            database: p.parameters.database || user,
            parameters: { ...p.parameters },
            remoteAddress: this.#raw.remoteAddress ?? '',
            remotePort: this.#raw.remotePort ?? 0,
            ssl,
          };
        }
      }
    }
  }

  #sendByte(byte: 'S' | 'N'): void {
    this.#output.push(Buffer.from(byte, 'latin1'));
    this.#output.flush();
  }

  /** SSLRequest answered 'S': the same socket continues as a TLS server socket. */
  #upgrade(secureContext: SecureContext): void {
    this.#reader.detach();
    const tls = new TLSSocket(this.#raw, { isServer: true, secureContext });
    tls.on('error', (e) => this.#onSocketError(e, 'TLS'));
    tls.on('close', () => this.#onSocketClosed());
    tls.once('secure', () => this.#opts.log({ kind: 'tls-established', connection: this.id }));
    this.#socket = tls;
    this.#reader.attach(tls);
    this.#output.setSocket(tls);
  }

  // --------------------------------------------------------------------------- authentication

  async #authenticate(request: StartupRequest): Promise<WireSession | null> {
    if (this.#isClosed()) return null;
    this.#phase = 'authentication';
    this.#backendCalled = true;
    const pending = await this.#opts.backend.startup(request);
    this.#pending = pending;
    if (this.#isClosed()) {
      this.#rejectPending(this.#closeReason);
      return null;
    }
    const io: AuthExchange = {
      user: request.user,
      send: (m) => this.#output.push(m),
      receive: (checkType) => {
        this.#output.flush();
        return this.#reader.readMessage(checkType);
      },
    };
    const outcome = await authenticate(pending.method, io);
    if (outcome.kind === 'disconnected') {
      this.#closeReason = 'client disconnected during authentication';
      return null;
    }
    if (outcome.kind === 'failed') {
      this.#rejectPending(outcome.reason);
      this.#opts.log({
        kind: 'authentication-failed',
        connection: this.id,
        user: request.user,
        reason: outcome.reason,
      });
      throw fatal(
        SqlState.invalidPassword,
        `password authentication failed for user "${request.user}"`,
      );
    }
    this.#pendingSettled = true;
    const session = await pending.accept();
    this.#session = session;
    this.#opts.registry.add(session);
    // Closed meanwhile (client gone, shutdown): the run's end closes the session.
    if (this.#isClosed()) return null;
    for (const m of outcome.messages ?? []) this.#output.push(m);
    this.#output.push(msg.authenticationOk());
    for (const [name, value] of session.initialParameters()) {
      this.#output.push(msg.parameterStatus(name, value));
    }
    this.#output.push(msg.backendKeyData(session.processId, session.secretKey));
    this.#output.push(msg.readyForQuery(session.transactionStatus()));
    clearTimeout(this.#authTimer);
    this.#phase = 'ready';
    this.#opts.log({
      kind: 'authenticated',
      connection: this.id,
      user: request.user,
      database: request.database,
      method: pending.method.kind,
    });
    return session;
  }

  #rejectPending(reason: string): void {
    if (this.#pending === undefined || this.#pendingSettled) return;
    this.#pendingSettled = true;
    try {
      this.#pending.reject(reason);
    } catch (e) {
      this.#opts.log({ kind: 'internal-error', connection: this.id, error: e });
    }
  }

  // ------------------------------------------------------------------------------------ ready

  async #serve(session: WireSession): Promise<void> {
    for (;;) {
      if (this.#shutdownRequested) {
        this.terminate(adminShutdownError());
        return;
      }
      // Pipelined messages are answered in one batch: flush before waiting for input or when a
      // batch is full. A client that pipelines without reading its results is not read from
      // until it does (as PostgreSQL blocks on its send buffer), so neither side grows unbounded.
      if (!this.#reader.hasCompleteMessage() || this.#output.full) this.#output.flush();
      await this.#output.drained();
      const message = await this.#reader.readMessage(checkFrontendType);
      if (message === null) return;
      this.#busy = true;
      let more: boolean;
      try {
        more = await this.#dispatch(session, message.type, message.body);
      } finally {
        this.#busy = false;
      }
      if (this.#stickyFatal !== undefined) throw this.#stickyFatal;
      if (!more) {
        this.#closeReason = 'client terminated';
        return;
      }
    }
  }

  /** Handles one message; false on Terminate. FATAL errors are thrown, others reported here. */
  async #dispatch(session: WireSession, code: number, body: Buffer): Promise<boolean> {
    const type = String.fromCharCode(code);
    if (type === 'X') return false;
    if (type === 'S') {
      this.#ignoreTillSync = false;
      await this.#sync(session);
      return true;
    }
    // CopyData / CopyDone / CopyFail outside COPY: ignored, per the protocol (a COPY that failed
    // early leaves the client still sending).
    if (type === 'd' || type === 'c' || type === 'f') return true;
    if (this.#ignoreTillSync) return true;
    try {
      await this.#handle(session, type, body);
    } catch (e) {
      if (this.#stickyFatal !== undefined) throw this.#stickyFatal;
      const error = this.#clientError(e);
      if (error.severity === 'FATAL') throw error;
      this.#output.push(msg.errorResponse(reportFields(error)));
      if (EXTENDED_TYPES.has(type)) this.#ignoreTillSync = true;
      else this.#output.push(msg.readyForQuery(session.transactionStatus()));
    }
    return true;
  }

  async #handle(session: WireSession, type: string, body: Buffer): Promise<void> {
    switch (type) {
      case 'Q': {
        const sql = decodeQuery(body);
        await session.simpleQuery(sql, this.#sink());
        this.#output.push(msg.readyForQuery(session.transactionStatus()));
        return;
      }
      case 'P': {
        const p = decodeParse(body);
        await session.parse(p.statement, p.sql, p.parameterTypes);
        this.#output.push(msg.parseComplete());
        return;
      }
      case 'B': {
        const b = decodeBind(body);
        await session.bind(b.portal, b.statement, {
          parameterFormats: b.parameterFormats,
          parameters: b.parameters,
          resultFormats: b.resultFormats,
        });
        this.#output.push(msg.bindComplete());
        return;
      }
      case 'D': {
        const target = decodeTarget(body, 'DESCRIBE');
        if (target.kind === 'S') {
          const d = await session.describeStatement(target.name);
          this.#output.push(msg.parameterDescription(d.parameterTypes));
          this.#output.push(d.fields === null ? msg.noData() : msg.rowDescription(d.fields));
        } else {
          const fields = await session.describePortal(target.name);
          this.#output.push(fields === null ? msg.noData() : msg.rowDescription(fields));
        }
        return;
      }
      case 'E': {
        const e = decodeExecute(body);
        const outcome = await session.execute(e.portal, e.maxRows, this.#sink());
        if (outcome === 'suspended') this.#output.push(msg.portalSuspended());
        return;
      }
      case 'C': {
        const target = decodeTarget(body, 'CLOSE');
        if (target.kind === 'S') await session.closeStatement(target.name);
        else await session.closePortal(target.name);
        this.#output.push(msg.closeComplete());
        return;
      }
      case 'H':
        this.#output.flush();
        return;
      case 'F':
        throw new LakeshiftError(
          SqlState.featureNotSupported,
          'the function call protocol is not supported',
          {
            hint: 'Call the function in a SELECT statement.',
          },
        );
    }
  }

  async #sync(session: WireSession): Promise<void> {
    try {
      await session.sync();
    } catch (e) {
      const error = this.#clientError(e);
      if (error.severity === 'FATAL') throw error;
      this.#output.push(msg.errorResponse(reportFields(error)));
    }
    this.#output.push(msg.readyForQuery(session.transactionStatus()));
    this.#output.flush();
  }

  /** Where one Query / Execute writes its results. */
  #sink(): ResultSink {
    const out = this.#output;
    return {
      rowDescription: (fields) => out.push(msg.rowDescription(fields)),
      dataRows: (messages) => out.pushAndWait(messages),
      commandComplete: (tag) => out.push(msg.commandComplete(tag)),
      emptyQuery: () => out.push(msg.emptyQueryResponse()),
      notice: (n) =>
        out.push(
          msg.noticeResponse({
            severity: n.severity,
            code: n.sqlstate,
            message: n.message,
            detail: n.detail,
            hint: n.hint,
            where: n.where,
          }),
        ),
      parameterStatus: (name, value) => out.push(msg.parameterStatus(name, value)),
      copyIn: (format) => this.#copyIn(format),
      copyOutStart: (format) => out.push(msg.copyOutResponse(format)),
      copyData: (chunk) => out.pushAndWait(msg.copyData(chunk)),
      copyDone: () => out.push(msg.copyDone()),
    };
  }

  /**
   * COPY FROM STDIN: CopyInResponse, then the payload of each CopyData until CopyDone. CopyFail
   * throws 57014; Flush and Sync are ignored (protocol-flow.html#PROTOCOL-COPY); any other
   * message is a protocol violation that ends the connection.
   */
  async *#copyIn(format: CopyFormat): AsyncGenerator<Uint8Array, void, undefined> {
    this.#output.push(msg.copyInResponse(format));
    this.#output.flush();
    for (;;) {
      let message;
      try {
        message = await this.#reader.readMessage(checkCopyInType);
      } catch (e) {
        throw (this.#stickyFatal = this.#clientError(e));
      }
      if (message === null) {
        throw (this.#stickyFatal = fatal(
          SqlState.connectionFailure,
          'unexpected EOF on client connection with an open COPY',
        ));
      }
      switch (message.type) {
        case 0x64: // 'd' CopyData
          yield message.body;
          break;
        case 0x63: // 'c' CopyDone
          return;
        case 0x66: // 'f' CopyFail
          throw new LakeshiftError(
            SqlState.queryCanceled,
            `COPY from stdin failed: ${decodeCopyFail(message.body)}`,
          );
        default: // 'H' Flush, 'S' Sync: ignored during COPY (checkCopyInType allows no others)
          break;
      }
    }
  }

  // ------------------------------------------------------------------------- errors and close

  /** What the client may see of `e`: a LakeshiftError as is, anything else XX000. */
  #clientError(e: unknown): LakeshiftError {
    if (e instanceof LakeshiftError) {
      if (e.sqlstate === SqlState.protocolViolation) {
        this.#opts.log({
          kind: 'protocol-error',
          connection: this.id,
          sqlstate: e.sqlstate,
          message: e.message,
        });
      }
      return e;
    }
    this.#opts.log({ kind: 'internal-error', connection: this.id, error: e });
    return new LakeshiftError(SqlState.internalError, 'internal error');
  }

  /** Reports an error that ends the connection (everything before ReadyForQuery is FATAL). */
  #reportFatal(e: unknown): void {
    const error = this.#clientError(e);
    this.#closeReason = error.message;
    if (this.#phase === 'closed') return;
    const fields = reportFields(error);
    fields.severity = 'FATAL';
    this.#output.push(msg.errorResponse(fields));
  }

  #onSocketError(e: Error, layer = 'socket'): void {
    this.#closeReason = `${layer} error: ${e.message}`;
    this.#socket.destroy();
    this.#raw.destroy();
  }

  #onAuthTimeout(): void {
    if (this.#phase === 'ready' || this.#phase === 'closed') return;
    this.#closeReason = 'authentication timeout';
    this.#socket.destroy();
    this.#raw.destroy();
  }

  #onSocketClosed(): void {
    if (this.#socketClosed) return;
    this.#socketClosed = true;
    this.#close();
  }

  /** Closes output, input and session; idempotent. */
  #close(): void {
    if (this.#phase !== 'closed') {
      this.#phase = 'closed';
      clearTimeout(this.#authTimer);
      this.#output.end();
      this.#reader.close();
      if (!this.#socketClosed) {
        const linger = setTimeout(() => {
          this.#socket.destroy();
          this.#raw.destroy();
        }, LINGER_MS);
        linger.unref();
      }
      this.#rejectPending(this.#closeReason);
      if (!this.#backendCalled && !this.#cancelRequest) {
        try {
          this.#opts.backend.connectionFailed?.(
            this.#raw.remoteAddress ?? '',
            this.#raw.remotePort ?? 0,
            this.#closeReason,
          );
        } catch (e) {
          this.#opts.log({ kind: 'internal-error', connection: this.id, error: e });
        }
      }
    }
    this.#closeSession();
    this.#maybeClosed();
  }

  #closeSession(): void {
    const session = this.#session;
    if (session === undefined || this.#sessionClosing !== undefined) return;
    this.#opts.registry.remove(session);
    this.#sessionClosing = (async () => {
      try {
        await session.close();
      } catch (e) {
        this.#opts.log({ kind: 'internal-error', connection: this.id, error: e });
      } finally {
        this.#sessionClosed = true;
        this.#maybeClosed();
      }
    })();
  }

  #logged = false;
  #maybeClosed(): void {
    if (!this.#socketClosed) return;
    // A session still being opened (accept() in flight) is closed when the run ends.
    if (
      this.#session === undefined
        ? !this.#runFinished && this.#pendingSettled
        : !this.#sessionClosed
    ) {
      return;
    }
    if (this.#logged) return;
    this.#logged = true;
    this.#opts.log({ kind: 'connection-closed', connection: this.id, reason: this.#closeReason });
    this.#resolveClosed();
  }
}
