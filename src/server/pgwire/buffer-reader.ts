// Reads the fields of one frontend message body: Int8/16/32, String (NUL-terminated), Byte_n.
// Running past the end or a missing terminator is the client's fault: LakeshiftError 08P01 with
// PostgreSQL's messages (pqformat.c), severity ERROR (framing is intact, the connection can go on).
// https://www.postgresql.org/docs/15/protocol-message-types.html
import { LakeshiftError, SqlState } from '../../common/errors.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new LakeshiftError(
      SqlState.characterNotInRepertoire,
      'invalid byte sequence for encoding "UTF8"',
    );
  }
}

export class BufferReader {
  #offset = 0;
  constructor(readonly buffer: Buffer) {}

  get remaining(): number {
    return this.buffer.length - this.#offset;
  }

  #need(n: number): void {
    if (n < 0 || this.#offset + n > this.buffer.length) {
      throw new LakeshiftError(SqlState.protocolViolation, 'insufficient data left in message');
    }
  }

  int8(): number {
    this.#need(1);
    return this.buffer.readInt8(this.#offset++);
  }

  byte(): number {
    this.#need(1);
    return this.buffer[this.#offset++] as number;
  }

  int16(): number {
    this.#need(2);
    const v = this.buffer.readInt16BE(this.#offset);
    this.#offset += 2;
    return v;
  }

  int32(): number {
    this.#need(4);
    const v = this.buffer.readInt32BE(this.#offset);
    this.#offset += 4;
    return v;
  }

  uint32(): number {
    this.#need(4);
    const v = this.buffer.readUInt32BE(this.#offset);
    this.#offset += 4;
    return v;
  }

  bytes(n: number): Buffer {
    this.#need(n);
    const v = this.buffer.subarray(this.#offset, this.#offset + n);
    this.#offset += n;
    return v;
  }

  /** A NUL-terminated string, decoded as UTF-8. */
  cstring(): string {
    const end = this.buffer.indexOf(0, this.#offset);
    if (end < 0) throw new LakeshiftError(SqlState.protocolViolation, 'invalid string in message');
    const v = decodeUtf8(this.buffer.subarray(this.#offset, end));
    this.#offset = end + 1;
    return v;
  }

  rest(): Buffer {
    const v = this.buffer.subarray(this.#offset);
    this.#offset = this.buffer.length;
    return v;
  }

  /** The whole body was consumed (PostgreSQL's pq_getmsgend). */
  end(): void {
    if (this.#offset !== this.buffer.length) {
      throw new LakeshiftError(SqlState.protocolViolation, 'invalid message format');
    }
  }
}
