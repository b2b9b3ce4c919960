// A growable byte buffer for protocol messages. Filled chunks are handed off whole (`take`), never
// reused, so a consumer may keep what it was given.

export class ByteWriter {
  buf: Buffer;
  pos = 0;

  /**
   * Starts small (a one-row result should not cost half a megabyte) and grows by doubling;
   * after a `take` the next buffer is as big as the last one needed, up to `maxSize`.
   */
  constructor(readonly maxSize = 512 * 1024) {
    this.buf = Buffer.allocUnsafe(Math.min(maxSize, 16 * 1024));
  }

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  byte(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  int16(v: number): void {
    this.ensure(2);
    this.buf.writeInt16BE(v, this.pos);
    this.pos += 2;
  }

  int32(v: number): void {
    this.ensure(4);
    this.buf.writeInt32BE(v, this.pos);
    this.pos += 4;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** A JS string as UTF-8. */
  utf8(s: string): void {
    this.ensure(s.length * 3);
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  /** A string known to be ASCII (numbers, dates ...): a plain loop beats a native call. */
  ascii(s: string): void {
    const n = s.length;
    this.ensure(n);
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) buf[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  /** A length-prefixed value (DataRow column, COPY binary field) holding an ASCII string. */
  asciiValue(s: string): void {
    const n = s.length;
    this.ensure(n + 4);
    const buf = this.buf;
    let p = this.pos;
    buf.writeInt32BE(n, p);
    p += 4;
    for (let i = 0; i < n; i++) buf[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  /** A length-prefixed value holding a JS string as UTF-8. */
  utf8Value(s: string): void {
    this.ensure(s.length * 3 + 4);
    const n = this.buf.write(s, this.pos + 4, 'utf8');
    this.buf.writeInt32BE(n, this.pos);
    this.pos += 4 + n;
  }

  bytesValue(b: Uint8Array): void {
    this.ensure(b.length + 4);
    this.buf.writeInt32BE(b.length, this.pos);
    this.buf.set(b, this.pos + 4);
    this.pos += 4 + b.length;
  }

  /**
   * Everything written so far; the writer starts over on a fresh buffer as large as the last
   * one grew (a small result never pays for a large buffer, a large one stops growing).
   */
  take(): Uint8Array {
    const out = this.buf.subarray(0, this.pos);
    this.buf = Buffer.allocUnsafe(Math.max(16 * 1024, Math.min(this.maxSize, this.buf.length)));
    this.pos = 0;
    return out;
  }
}
