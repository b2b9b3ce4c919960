// The listening side: accepts sockets, runs a Connection per socket, keeps the cancel registry,
// enforces the connection limit, and shuts down gracefully.
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { createSecureContext } from 'node:tls';
import type { WireBackend } from '../../session/wire.js';
import { CancelRegistry } from './cancel-registry.js';
import { Connection, adminShutdownError } from './connection.js';
import type { PgServerLog } from './events.js';
import { DEFAULT_MAX_MESSAGE_BYTES } from './framing.js';

export interface PgServerOptions {
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** TCP port; 0 picks a free one (see PgServer.port). */
  port: number;
  backend: WireBackend;
  /** PEM key and certificate: SSLRequest is answered 'S' and the socket upgraded to TLS. */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** Sessions beyond this get FATAL 53300 "sorry, too many clients already". Default 500. */
  maxConnections?: number;
  /** Longest frontend message accepted (declared length); default 256 MiB. */
  maxMessageBytes?: number;
  /** Time allowed from connect to ReadyForQuery (PostgreSQL's authentication_timeout); 60 s. */
  authTimeoutMs?: number;
  log?: PgServerLog;
}

export interface PgServer {
  host: string;
  port: number;
  /**
   * Stops accepting, lets running statements finish for up to `graceMs` (default 10 s; idle
   * connections are closed at once), then sends FATAL 57P01 to every remaining connection and
   * closes it. Resolves when every connection and session is closed.
   */
  close(opts?: { graceMs?: number }): Promise<void>;
  /** Open client connections (including ones still starting up). */
  connectionCount(): number;
}

const DEFAULT_MAX_CONNECTIONS = 500;
/** Sockets beyond maxConnections that are still read (to answer 53300) before refusing outright. */
const EXTRA_SOCKETS = 64;

export async function startPgServer(options: PgServerOptions): Promise<PgServer> {
  const host = options.host ?? '127.0.0.1';
  const log: PgServerLog = options.log ?? (() => {});
  const safeLog: PgServerLog = (event) => {
    try {
      log(event);
    } catch {
      // A failing logger must not take connections down.
    }
  };
  const maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  const secureContext =
    options.tls === undefined
      ? undefined
      : createSecureContext({ key: options.tls.key, cert: options.tls.cert });
  const registry = new CancelRegistry();
  const connections = new Set<Connection>();
  let nextId = 1;
  let closing: Promise<void> | undefined;

  const server = createServer({ noDelay: true }, (socket: Socket) => {
    if (closing !== undefined || connections.size >= maxConnections + EXTRA_SOCKETS) {
      socket.on('error', () => {});
      socket.destroy();
      return;
    }
    const id = nextId++;
    safeLog({
      kind: 'connection-opened',
      connection: id,
      remoteAddress: socket.remoteAddress ?? '',
      remotePort: socket.remotePort ?? 0,
    });
    try {
      const connection = new Connection({
        id,
        socket,
        backend: options.backend,
        secureContext,
        maxMessageBytes: options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
        authTimeoutMs: options.authTimeoutMs ?? 60_000,
        registry,
        log: safeLog,
        overLimit: connections.size >= maxConnections,
        shuttingDown: () => closing !== undefined,
      });
      connections.add(connection);
      void connection.closed.then(() => connections.delete(connection));
      connection.start();
    } catch (e) {
      safeLog({ kind: 'internal-error', connection: id, error: e });
      socket.destroy();
    }
  });
  server.on('error', (e) => safeLog({ kind: 'internal-error', error: e }));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  safeLog({ kind: 'listening', host, port });

  async function shutdown(graceMs: number): Promise<void> {
    safeLog({ kind: 'shutdown', graceMs, connections: connections.size });
    const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
    const all = () => Promise.all([...connections].map((c) => c.closed));
    for (const c of connections) c.requestShutdown();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([all(), new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
    for (const c of connections) c.terminate(adminShutdownError());
    await all();
    await stopped;
  }

  return {
    host,
    port,
    close: (opts = {}) => (closing ??= shutdown(opts.graceMs ?? 10_000)),
    connectionCount: () => connections.size,
  };
}
