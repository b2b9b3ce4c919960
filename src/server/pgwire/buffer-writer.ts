// Builds one backend message: Byte1 type, Int32 length (counting itself, not the type), body.
// https://www.postgresql.org/docs/15/protocol-overview.html#PROTOCOL-MESSAGE-CONCEPTS
export class MessageWriter {
  #buffer: Buffer;
  #offset: number;
  readonly #lengthAt: number;

  /** `type` null writes an untyped message (only the startup phase has those). */
  constructor(type: string | null, sizeHint = 64) {
    this.#buffer = Buffer.allocUnsafe(Math.max(sizeHint, 16) + 5);
    this.#offset = 0;
    if (type !== null) this.#buffer[this.#offset++] = type.charCodeAt(0);
    this.#lengthAt = this.#offset;
    this.#offset += 4; // length, filled in by end()
  }

  #ensure(n: number): void {
    if (this.#offset + n <= this.#buffer.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.#buffer.length * 2, this.#offset + n));
    this.#buffer.copy(next, 0, 0, this.#offset);
    this.#buffer = next;
  }

  int8(v: number): this {
    this.#ensure(1);
    this.#buffer.writeUInt8(v & 0xff, this.#offset);
    this.#offset += 1;
    return this;
  }

  int16(v: number): this {
    this.#ensure(2);
    this.#buffer.writeInt16BE(v, this.#offset);
    this.#offset += 2;
    return this;
  }

  int32(v: number): this {
    this.#ensure(4);
    this.#buffer.writeInt32BE(v, this.#offset);
    this.#offset += 4;
    return this;
  }

  /** An unsigned 32-bit value on the wire (OIDs). */
  uint32(v: number): this {
    this.#ensure(4);
    this.#buffer.writeUInt32BE(v >>> 0, this.#offset);
    this.#offset += 4;
    return this;
  }

  /** A String field; a NUL inside `v` would end it early, so NULs are dropped. */
  cstring(v: string): this {
    if (v.includes('\0')) v = v.replaceAll('\0', '');
    const n = Buffer.byteLength(v, 'utf8');
    this.#ensure(n + 1);
    this.#buffer.write(v, this.#offset, 'utf8');
    this.#offset += n;
    this.#buffer[this.#offset++] = 0;
    return this;
  }

  bytes(v: Uint8Array): this {
    this.#ensure(v.length);
    this.#buffer.set(v, this.#offset);
    this.#offset += v.length;
    return this;
  }

  end(): Buffer {
    this.#buffer.writeInt32BE(this.#offset - this.#lengthAt, this.#lengthAt);
    return this.#buffer.subarray(0, this.#offset);
  }
}
