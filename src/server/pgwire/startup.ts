// The startup phase packets: SSLRequest, GSSENCRequest, CancelRequest, StartupMessage.
// https://www.postgresql.org/docs/15/protocol-message-formats.html
// https://www.postgresql.org/docs/15/protocol-flow.html#id-1.10.6.7.3 (start-up)
import { LakeshiftError, SqlState } from '../../common/errors.js';
import { BufferReader } from './buffer-reader.js';

/** The request codes, sent in the protocol version field: 1234.5679, 1234.5680, 1234.5678. */
export const SSL_REQUEST_CODE = 80877103;
export const GSSENC_REQUEST_CODE = 80877104;
export const CANCEL_REQUEST_CODE = 80877102;
/** The one protocol version we speak: 3.0. */
export const PROTOCOL_MAJOR = 3;
export const PROTOCOL_MINOR = 0;

export type StartupPacket =
  | { kind: 'ssl' }
  | { kind: 'gssenc' }
  | { kind: 'cancel'; processId: number; secretKey: number }
  | {
      kind: 'startup';
      minor: number;
      parameters: Record<string, string>;
      /** `_pq_.` protocol options the client asked for; we recognize none. */
      unrecognizedOptions: string[];
    };

function fatal(sqlstate: '08P01' | '0A000', message: string): LakeshiftError {
  return new LakeshiftError(sqlstate, message, { severity: 'FATAL' });
}

/** Decodes a startup-phase packet (without its length word). Bad packets throw FATAL errors. */
export function decodeStartupPacket(packet: Buffer): StartupPacket {
  const r = new BufferReader(packet);
  const code = r.uint32();
  if (code === SSL_REQUEST_CODE) return { kind: 'ssl' };
  if (code === GSSENC_REQUEST_CODE) return { kind: 'gssenc' };
  if (code === CANCEL_REQUEST_CODE) {
    if (packet.length !== 12)
      throw fatal(SqlState.protocolViolation, 'invalid length of cancel request');
    return { kind: 'cancel', processId: r.int32(), secretKey: r.int32() };
  }
  const major = code >>> 16;
  const minor = code & 0xffff;
  if (major !== PROTOCOL_MAJOR) {
    throw fatal(
      SqlState.featureNotSupported,
      `unsupported frontend protocol ${major}.${minor}: server supports ${PROTOCOL_MAJOR}.0 to ` +
        `${PROTOCOL_MAJOR}.${PROTOCOL_MINOR}`,
    );
  }
  const parameters: Record<string, string> = Object.create(null) as Record<string, string>;
  const unrecognizedOptions: string[] = [];
  try {
    for (;;) {
      const name = r.cstring();
      if (name === '') break;
      const value = r.cstring();
      if (name.startsWith('_pq_.')) unrecognizedOptions.push(name);
      else parameters[name] = value;
    }
    r.end();
  } catch (e) {
    if (e instanceof LakeshiftError && e.sqlstate === SqlState.characterNotInRepertoire) {
      throw new LakeshiftError(e.sqlstate, e.message, { severity: 'FATAL' });
    }
    throw fatal(
      SqlState.protocolViolation,
      'invalid startup packet layout: expected terminator as last byte',
    );
  }
  return { kind: 'startup', minor, parameters, unrecognizedOptions };
}
