// What the server reports through the `log` option. Never carries passwords or message bodies.

export type PgServerEvent =
  | { kind: 'listening'; host: string; port: number }
  | { kind: 'connection-opened'; connection: number; remoteAddress: string; remotePort: number }
  | { kind: 'connection-closed'; connection: number; reason: string }
  | { kind: 'tls-established'; connection: number }
  | { kind: 'authenticated'; connection: number; user: string; database: string; method: string }
  | { kind: 'authentication-failed'; connection: number; user: string; reason: string }
  | { kind: 'cancel-request'; connection: number; processId: number; matched: boolean }
  | { kind: 'protocol-error'; connection: number; sqlstate: string; message: string }
  | { kind: 'internal-error'; connection?: number; error: unknown }
  | { kind: 'shutdown'; graceMs: number; connections: number };

export type PgServerLog = (event: PgServerEvent) => void;
