// The PostgreSQL wire protocol (v3) room: what Redshift clients connect to on port 5439.
// It knows messages and bytes, never SQL: statements go to a WireSession (src/session/wire.ts).
// https://www.postgresql.org/docs/15/protocol.html
export { startPgServer, type PgServer, type PgServerOptions } from './server.js';
export type { PgServerEvent, PgServerLog } from './events.js';
export { DEFAULT_MAX_MESSAGE_BYTES, MAX_STARTUP_PACKET_BYTES } from './framing.js';
