// Backend message encoders. Each follows its entry on
// https://www.postgresql.org/docs/15/protocol-message-formats.html
// and the error/notice fields on https://www.postgresql.org/docs/15/protocol-error-fields.html
import type { CopyFormat, FieldDescription, TransactionStatus } from '../../session/wire.js';
import { MessageWriter } from './buffer-writer.js';

/** AuthenticationOk: 'R', Int32(8), Int32(0). */
export function authenticationOk(): Buffer {
  return new MessageWriter('R', 4).int32(0).end();
}

/** AuthenticationCleartextPassword: 'R', Int32(8), Int32(3). Only for tests of odd clients. */
export function authenticationCleartextPassword(): Buffer {
  return new MessageWriter('R', 4).int32(3).end();
}

/** AuthenticationMD5Password: 'R', Int32(12), Int32(5), Byte4 salt. */
export function authenticationMd5Password(salt: Uint8Array): Buffer {
  return new MessageWriter('R', 8).int32(5).bytes(salt).end();
}

/** AuthenticationSASL: 'R', Int32 len, Int32(10), mechanism names as Strings, then a 0 byte. */
export function authenticationSasl(mechanisms: string[]): Buffer {
  const w = new MessageWriter('R').int32(10);
  for (const m of mechanisms) w.cstring(m);
  return w.int8(0).end();
}

/** AuthenticationSASLContinue: 'R', Int32 len, Int32(11), Byte_n SASL data. */
export function authenticationSaslContinue(data: string): Buffer {
  return new MessageWriter('R').int32(11).bytes(Buffer.from(data, 'utf8')).end();
}

/** AuthenticationSASLFinal: 'R', Int32 len, Int32(12), Byte_n SASL outcome data. */
export function authenticationSaslFinal(data: string): Buffer {
  return new MessageWriter('R').int32(12).bytes(Buffer.from(data, 'utf8')).end();
}

/** ParameterStatus: 'S', Int32 len, String name, String value. */
export function parameterStatus(name: string, value: string): Buffer {
  return new MessageWriter('S').cstring(name).cstring(value).end();
}

/** BackendKeyData: 'K', Int32(12), Int32 process id, Int32 secret key. */
export function backendKeyData(processId: number, secretKey: number): Buffer {
  return new MessageWriter('K', 8)
    .int32(processId | 0)
    .int32(secretKey | 0)
    .end();
}

/** ReadyForQuery: 'Z', Int32(5), Byte1 status ('I', 'T', 'E'). */
export function readyForQuery(status: TransactionStatus): Buffer {
  return new MessageWriter('Z', 1).int8(status.charCodeAt(0)).end();
}

/**
 * NegotiateProtocolVersion: 'v', Int32 len, Int32 newest minor version supported, Int32 number of
 * unrecognized protocol options, then each option name as a String.
 */
export function negotiateProtocolVersion(newestMinor: number, unrecognized: string[]): Buffer {
  const w = new MessageWriter('v').int32(newestMinor).int32(unrecognized.length);
  for (const o of unrecognized) w.cstring(o);
  return w.end();
}

/**
 * RowDescription: 'T', Int32 len, Int16 field count, then per field: String name, Int32 table
 * OID, Int16 column attribute number, Int32 type OID, Int16 type size, Int32 type modifier,
 * Int16 format code.
 */
export function rowDescription(fields: FieldDescription[]): Buffer {
  const w = new MessageWriter('T', 2 + fields.length * 32).int16(fields.length);
  for (const f of fields) {
    w.cstring(f.name)
      .uint32(f.tableOid)
      .int16(f.columnAttr)
      .uint32(f.typeOid)
      .int16(f.typeSize)
      .int32(f.typeModifier)
      .int16(f.format);
  }
  return w.end();
}

/** ParameterDescription: 't', Int32 len, Int16 parameter count, Int32 type OID each. */
export function parameterDescription(typeOids: number[]): Buffer {
  const w = new MessageWriter('t', 2 + typeOids.length * 4).int16(typeOids.length);
  for (const oid of typeOids) w.uint32(oid);
  return w.end();
}

function empty(type: string): Buffer {
  return new MessageWriter(type, 0).end();
}

/** NoData: 'n', Int32(4). */
export const noData = (): Buffer => empty('n');
/** ParseComplete: '1', Int32(4). */
export const parseComplete = (): Buffer => empty('1');
/** BindComplete: '2', Int32(4). */
export const bindComplete = (): Buffer => empty('2');
/** CloseComplete: '3', Int32(4). */
export const closeComplete = (): Buffer => empty('3');
/** PortalSuspended: 's', Int32(4). */
export const portalSuspended = (): Buffer => empty('s');
/** EmptyQueryResponse: 'I', Int32(4). */
export const emptyQueryResponse = (): Buffer => empty('I');
/** CopyDone: 'c', Int32(4). */
export const copyDone = (): Buffer => empty('c');

/** CommandComplete: 'C', Int32 len, String command tag. */
export function commandComplete(tag: string): Buffer {
  return new MessageWriter('C').cstring(tag).end();
}

/**
 * CopyInResponse ('G') / CopyOutResponse ('H'): Int32 len, Int8 overall format, Int16 column
 * count, Int16 format code per column.
 */
function copyResponse(type: 'G' | 'H', format: CopyFormat): Buffer {
  const w = new MessageWriter(type).int8(format.format).int16(format.columnFormats.length);
  for (const f of format.columnFormats) w.int16(f);
  return w.end();
}

export const copyInResponse = (format: CopyFormat): Buffer => copyResponse('G', format);
export const copyOutResponse = (format: CopyFormat): Buffer => copyResponse('H', format);

/** CopyData: 'd', Int32 len, Byte_n data. */
export function copyData(chunk: Uint8Array): Buffer {
  return new MessageWriter('d', chunk.length).bytes(chunk).end();
}

/** The fields of an ErrorResponse / NoticeResponse, by their one-byte codes. */
export interface ReportFields {
  /** 'ERROR', 'FATAL', 'NOTICE', 'WARNING' ... (S localized and V non-localized: we send both). */
  severity: string;
  /** C: SQLSTATE. */
  code: string;
  /** M: primary message. */
  message: string;
  /** D: detail. */
  detail?: string | undefined;
  /** H: hint. */
  hint?: string | undefined;
  /** P: 1-based character position in the query string. */
  position?: number | undefined;
  /** W: where (context), e.g. the procedure and line an error arose in. */
  where?: string | undefined;
}

/**
 * ErrorResponse ('E') and NoticeResponse ('N'): Int32 len, then (Byte1 field code, String value)
 * pairs, then a 0 byte. Fields: S severity, V severity (non-localized), C code, M message,
 * D detail, H hint, P position, W where.
 */
function report(type: 'E' | 'N', f: ReportFields): Buffer {
  const w = new MessageWriter(type, 64 + f.message.length);
  const field = (code: string, value: string | undefined) => {
    if (value !== undefined) w.int8(code.charCodeAt(0)).cstring(value);
  };
  field('S', f.severity);
  field('V', f.severity);
  field('C', f.code);
  field('M', f.message);
  field('D', f.detail);
  field('H', f.hint);
  field('P', f.position === undefined ? undefined : String(f.position));
  field('W', f.where);
  return w.int8(0).end();
}

export const errorResponse = (f: ReportFields): Buffer => report('E', f);
export const noticeResponse = (f: ReportFields): Buffer => report('N', f);
