// Decoders of frontend messages, each following its entry on
// https://www.postgresql.org/docs/15/protocol-message-formats.html
// Bodies come without the type byte and length word. Malformed bodies throw LakeshiftError 08P01
// (ERROR: the framing is intact) with PostgreSQL's messages.
import { LakeshiftError, SqlState } from '../../common/errors.js';
import type { BindRequest, WireFormat } from '../../session/wire.js';
import { BufferReader } from './buffer-reader.js';

function violation(message: string): LakeshiftError {
  return new LakeshiftError(SqlState.protocolViolation, message);
}

/** Query: String query. */
export function decodeQuery(body: Buffer): string {
  const r = new BufferReader(body);
  const sql = r.cstring();
  r.end();
  return sql;
}

export interface ParseMessage {
  statement: string;
  sql: string;
  parameterTypes: number[];
}

/** Parse: String statement, String query, Int16 count, Int32 type OID each (0 = unspecified). */
export function decodeParse(body: Buffer): ParseMessage {
  const r = new BufferReader(body);
  const statement = r.cstring();
  const sql = r.cstring();
  const count = r.int16();
  if (count < 0) throw violation('invalid message format');
  const parameterTypes: number[] = [];
  for (let i = 0; i < count; i++) parameterTypes.push(r.uint32());
  r.end();
  return { statement, sql, parameterTypes };
}

function formatCodes(r: BufferReader): WireFormat[] {
  const count = r.int16();
  if (count < 0) throw violation('invalid message format');
  const codes: WireFormat[] = [];
  for (let i = 0; i < count; i++) {
    const code = r.int16();
    if (code !== 0 && code !== 1) {
      throw new LakeshiftError(SqlState.invalidParameterValue, `unsupported format code: ${code}`);
    }
    codes.push(code);
  }
  return codes;
}

export interface BindMessage extends BindRequest {
  portal: string;
  statement: string;
}

/**
 * Bind: String portal, String statement, Int16 n + Int16 parameter format codes, Int16 n +
 * (Int32 length (-1 = NULL), Byte_n value) per parameter, Int16 n + Int16 result format codes.
 */
export function decodeBind(body: Buffer): BindMessage {
  const r = new BufferReader(body);
  const portal = r.cstring();
  const statement = r.cstring();
  const parameterFormats = formatCodes(r);
  const count = r.int16();
  if (count < 0) throw violation('invalid message format');
  if (parameterFormats.length > 1 && parameterFormats.length !== count) {
    throw violation(
      `bind message has ${parameterFormats.length} parameter formats but ${count} parameters`,
    );
  }
  const parameters: (Uint8Array | null)[] = [];
  for (let i = 0; i < count; i++) {
    const length = r.int32();
    if (length < -1) throw violation(`invalid length ${length} of bind parameter ${i + 1}`);
    parameters.push(length === -1 ? null : r.bytes(length));
  }
  const resultFormats = formatCodes(r);
  r.end();
  return { portal, statement, parameterFormats, parameters, resultFormats };
}

export interface TargetMessage {
  /** 'S' prepared statement, 'P' portal. */
  kind: 'S' | 'P';
  name: string;
}

/** Describe / Close: Byte1 'S' or 'P', String name. */
export function decodeTarget(body: Buffer, message: 'DESCRIBE' | 'CLOSE'): TargetMessage {
  const r = new BufferReader(body);
  const kind = r.byte();
  const name = r.cstring();
  r.end();
  if (kind === 0x53) return { kind: 'S', name };
  if (kind === 0x50) return { kind: 'P', name };
  throw violation(`invalid ${message} message subtype ${kind}`);
}

export interface ExecuteMessage {
  portal: string;
  /** 0 = no limit. */
  maxRows: number;
}

/** Execute: String portal, Int32 maximum number of rows (0 = no limit). */
export function decodeExecute(body: Buffer): ExecuteMessage {
  const r = new BufferReader(body);
  const portal = r.cstring();
  const maxRows = r.int32();
  r.end();
  // PostgreSQL treats a negative limit like 0 (fetch all).
  return { portal, maxRows: Math.max(0, maxRows) };
}

/** CopyFail: String error message. */
export function decodeCopyFail(body: Buffer): string {
  const r = new BufferReader(body);
  const message = r.cstring();
  r.end();
  return message;
}

/** SASLInitialResponse: String mechanism, Int32 length (-1 = none), Byte_n initial response. */
export function decodeSaslInitialResponse(body: Buffer): {
  mechanism: string;
  data: Buffer | null;
} {
  const r = new BufferReader(body);
  const mechanism = r.cstring();
  const length = r.int32();
  if (length < -1) throw violation('invalid message format');
  const data = length === -1 ? null : r.bytes(length);
  r.end();
  return { mechanism, data };
}

/** PasswordMessage: String password (or the MD5 response). */
export function decodePassword(body: Buffer): string {
  return decodeQuery(body);
}
