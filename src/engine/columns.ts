// Column encoders: read a DuckDB data chunk's column vector in place (the raw vector memory that
// @duckdb/node-bindings exposes) and write each value in PostgreSQL's text or binary wire format
// as a length-prefixed DataRow field, without making a JS value per cell for the common types.
// Physical layouts follow DuckDB's C API (duckdb.h): fixed-width native little-endian values,
// 16-byte string_t (length, then 12 inline bytes or 4 prefix bytes and a pointer), a validity
// bitmask of uint64 words (absent when every value is valid). Types without a fast path go
// through node-api's vector getters and the value encoders (text.ts, binary.ts).
import duckdb from '@duckdb/node-bindings';
import {
  DuckDBTypeId,
  type DuckDBDataChunk,
  type DuckDBType,
  type DuckDBVector,
} from '@duckdb/node-api';
import { binaryOfValue, numericBinaryOf } from './binary.js';
import {
  formatDate,
  formatInterval,
  formatTime,
  formatTimestamp,
  formatTimestampTz,
  DATE_INFINITY,
  PG_EPOCH_DAYS,
} from './datetime.js';
import { floatText, formatDecimal, textOfValue, type TextContext } from './text.js';
import type { WireFormat } from './pg-field.js';
import type { ByteWriter } from './writer.js';

/** Writes one column of the current chunk, row by row, as DataRow fields. */
export interface ColumnEncoder {
  /** Points the encoder at `column` of `chunk` (called once per chunk). */
  load(chunk: DuckDBDataChunk, column: number, rows: number): void;
  /** Writes the value of `row`: int32 length then its bytes, or int32 -1 for NULL. */
  write(row: number, w: ByteWriter): void;
}

const HEX = Buffer.from('0123456789abcdef', 'latin1');
const TWO32 = 4294967296;
const SAFE_HI = 2097152; // |hi word| < 2^21: the int64 is a safe JS integer

type Typed = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array;
type TypedCtor = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => Typed;

/** An aligned typed view of vector memory (copied when the memory is not aligned). */
function view<T>(
  ctor: new (buffer: ArrayBufferLike, byteOffset: number, length: number) => T,
  data: Uint8Array,
  bytesPerElement: number,
  count: number,
): T {
  const bytes = data.byteOffset % bytesPerElement === 0 ? data : data.slice();
  return new ctor(bytes.buffer, bytes.byteOffset, count);
}

abstract class RawColumn implements ColumnEncoder {
  protected data: Uint8Array = new Uint8Array(0);
  protected validity: Uint8Array | null = null;
  protected vector: duckdb.Vector | undefined;

  constructor(protected readonly width: number) {}

  load(chunk: DuckDBDataChunk, column: number, rows: number): void {
    const vector = duckdb.data_chunk_get_vector(chunk.chunk, column);
    this.vector = vector;
    this.data = duckdb.vector_get_data(vector, rows * this.width);
    this.validity = duckdb.vector_get_validity(vector, Math.ceil(rows / 64) * 8) ?? null;
    this.loaded(rows);
  }

  protected loaded(_rows: number): void {}

  protected isNull(row: number): boolean {
    const v = this.validity;
    return v !== null && ((v[row >> 3] as number) & (1 << (row & 7))) === 0;
  }

  write(row: number, w: ByteWriter): void {
    if (this.isNull(row)) w.int32(-1);
    else this.value(row, w);
  }

  protected abstract value(row: number, w: ByteWriter): void;

  /** Little-endian bytes [offset, offset + n) written big-endian (binary ints and floats). */
  protected reversed(offset: number, n: number, w: ByteWriter): void {
    w.ensure(4 + n);
    const buf = w.buf;
    let p = w.pos;
    buf.writeInt32BE(n, p);
    p += 4;
    const d = this.data;
    for (let i = n - 1; i >= 0; i--) buf[p++] = d[offset + i] as number;
    w.pos = p;
  }
}

/** Writes a safe integer as a text field, optionally with `scale` digits after a point. */
export function writeIntegerText(w: ByteWriter, value: number, scale = 0): void {
  w.ensure(4 + 24 + scale);
  const buf = w.buf;
  const start = w.pos + 4;
  let p = start;
  let n = value;
  if (n < 0) {
    buf[p++] = 45;
    n = -n;
  }
  let digits = 1;
  for (let t = n; t >= 10; t = Math.floor(t / 10)) digits++;
  if (digits <= scale) digits = scale + 1;
  const total = scale > 0 ? digits + 1 : digits;
  let q = p + total - 1;
  for (let i = 0; i < scale; i++) {
    const next = Math.floor(n / 10);
    buf[q--] = 48 + (n - next * 10);
    n = next;
  }
  if (scale > 0) buf[q--] = 46;
  while (q >= p) {
    const next = n < TWO32 ? (n / 10) >>> 0 : Math.floor(n / 10);
    buf[q--] = 48 + (n - next * 10);
    n = next;
  }
  p += total;
  buf.writeInt32BE(p - start, w.pos);
  w.pos = p;
}

/** Writes a safe integer as a big-endian int64 field. */
function writeInt64Binary(w: ByteWriter, v: number): void {
  w.ensure(12);
  const hi = Math.floor(v / TWO32);
  w.buf.writeInt32BE(8, w.pos);
  w.buf.writeInt32BE(hi, w.pos + 4);
  w.buf.writeUInt32BE(v - hi * TWO32, w.pos + 8);
  w.pos += 12;
}

// ---- text ----------------------------------------------------------------------------------

class BoolText extends RawColumn {
  protected value(row: number, w: ByteWriter): void {
    w.ensure(5);
    w.buf.writeInt32BE(1, w.pos);
    w.buf[w.pos + 4] = this.data[row] ? 116 : 102;
    w.pos += 5;
  }
}

class SmallIntText extends RawColumn {
  protected items: Typed = new Int32Array(0);
  constructor(
    width: number,
    private readonly ctor: TypedCtor,
  ) {
    super(width);
  }
  protected override loaded(rows: number): void {
    this.items = view(this.ctor, this.data, this.width, rows);
  }
  protected value(row: number, w: ByteWriter): void {
    writeIntegerText(w, this.items[row] as number);
  }
}

/** Reads int64/uint64 cells: a JS number when safe, else a bigint. */
abstract class Int64Column extends RawColumn {
  protected words: Int32Array = new Int32Array(0);
  protected big: BigInt64Array | BigUint64Array = new BigInt64Array(0);
  constructor(protected readonly unsigned = false) {
    super(8);
  }
  protected override loaded(rows: number): void {
    this.words = view(Int32Array, this.data, 8, rows * 2);
    this.big = this.unsigned
      ? view(BigUint64Array, this.data, 8, rows)
      : view(BigInt64Array, this.data, 8, rows);
  }
  protected cell(row: number): number | bigint {
    const hi = this.words[2 * row + 1] as number;
    if (this.unsigned ? hi >= 0 && hi < SAFE_HI : hi >= -SAFE_HI && hi < SAFE_HI) {
      return hi * TWO32 + ((this.words[2 * row] as number) >>> 0);
    }
    return this.big[row] as bigint;
  }
}

class BigIntText extends Int64Column {
  constructor(
    unsigned: boolean,
    private readonly scale = 0,
  ) {
    super(unsigned);
  }
  protected value(row: number, w: ByteWriter): void {
    const v = this.cell(row);
    if (typeof v === 'number') writeIntegerText(w, v, this.scale);
    else w.asciiValue(formatDecimal(v, this.scale));
  }
}

/** Reads 16-byte integers (HUGEINT, UHUGEINT, DECIMAL(>18)) as bigints. */
function int128(data: Uint8Array, row: number, unsigned: boolean): bigint {
  const dv = new DataView(data.buffer, data.byteOffset + row * 16, 16);
  const lo = dv.getBigUint64(0, true);
  const hi = unsigned ? dv.getBigUint64(8, true) : dv.getBigInt64(8, true);
  return (hi << 64n) | lo;
}

class HugeText extends RawColumn {
  constructor(
    private readonly unsigned: boolean,
    private readonly scale = 0,
  ) {
    super(16);
  }
  protected value(row: number, w: ByteWriter): void {
    w.asciiValue(formatDecimal(int128(this.data, row, this.unsigned), this.scale));
  }
}

class SmallDecimalText extends SmallIntText {
  constructor(
    width: number,
    ctor: TypedCtor,
    private readonly scale: number,
  ) {
    super(width, ctor);
  }
  protected override value(row: number, w: ByteWriter): void {
    writeIntegerText(w, this.items[row] as number, this.scale);
  }
}

class FloatText extends RawColumn {
  private items: Float32Array | Float64Array = new Float64Array(0);
  constructor(
    width: 4 | 8,
    private readonly ctx: TextContext,
  ) {
    super(width);
  }
  protected override loaded(rows: number): void {
    this.items =
      this.width === 4
        ? view(Float32Array, this.data, 4, rows)
        : view(Float64Array, this.data, 8, rows);
  }
  protected value(row: number, w: ByteWriter): void {
    const v = this.items[row] as number;
    w.asciiValue(floatText(v, this.width as 4 | 8, this.ctx));
  }
}

/** string_t cells: VARCHAR, JSON and BLOB. */
/** A pointer value written where get_data_from_pointer can read it. */
const pointerSlot = new Uint32Array(2);
/** The most string heap read in one piece. */
const MAX_HEAP_SPAN = 64 * 1024 * 1024;
/** Bytes of alignment padding allowed between neighbouring strings of one heap read. */
const MAX_HEAP_GAP = 16;

abstract class StringColumn extends RawColumn {
  protected lengths: Uint32Array = new Uint32Array(0);
  /** The chunk's out-of-line string bytes in one piece, when they lie together in memory. */
  protected heap: Uint8Array | null = null;
  protected heapAt: Int32Array = new Int32Array(0);
  private readonly runs: number[] = [];
  protected words: Int32Array = new Int32Array(0);
  constructor() {
    super(16);
  }
  protected override loaded(rows: number): void {
    this.lengths = view(Uint32Array, this.data, 4, rows * 4);
    this.words = view(Int32Array, this.data, 4, rows * 4);
    this.heap = null;
    // Strings longer than 12 bytes live behind pointers, mostly one after another in DuckDB's
    // string heap blocks. Runs of them that lie together (each starting at or after the
    // previous one, at most a little padding past the bytes already covered: allocated memory
    // throughout) are read with one native call per run instead of one per string, into one
    // buffer; heapAt[row] is where each string landed.
    const lengths = this.lengths;
    const words = this.words;
    if (this.heapAt.length < rows) this.heapAt = new Int32Array(rows);
    const heapAt = this.heapAt;
    const runs = this.runs;
    runs.length = 0;
    let start = -1;
    let end = 0;
    let previous = -1;
    let total = 0;
    let strings = 0;
    for (let r = 0; r < rows; r++) {
      const len = lengths[r * 4] as number;
      if (len <= 12 || this.isNull(r)) continue;
      strings++;
      const ptr = (words[r * 4 + 3] as number) * TWO32 + ((words[r * 4 + 2] as number) >>> 0);
      if (
        start < 0 ||
        ptr < previous ||
        ptr > end + MAX_HEAP_GAP ||
        ptr + len - start > MAX_HEAP_SPAN
      ) {
        if (start >= 0) {
          runs.push(start, end);
          total += end - start;
        }
        start = ptr;
        end = ptr;
      }
      heapAt[r] = total + (ptr - start);
      previous = ptr;
      if (ptr + len > end) end = ptr + len;
    }
    if (start < 0) return;
    runs.push(start, end);
    total += end - start;
    // Scattered strings: a call per string is as good.
    if (runs.length / 2 > strings / 4) return;
    const heap = Buffer.allocUnsafe(total);
    let at = 0;
    for (let i = 0; i < runs.length; i += 2) {
      const runStart = runs[i] as number;
      const size = (runs[i + 1] as number) - runStart;
      pointerSlot[0] = runStart % TWO32;
      pointerSlot[1] = Math.floor(runStart / TWO32);
      heap.set(duckdb.get_data_from_pointer(pointerSlot.buffer as ArrayBuffer, 0, size), at);
      at += size;
    }
    this.heap = heap;
  }
  /** The cell's bytes: inline (≤ 12 bytes) or behind the pointer. */
  protected cellBytes(row: number): Uint8Array {
    const len = this.lengths[row * 4] as number;
    const offset = row * 16;
    if (len <= 12) return this.data.subarray(offset + 4, offset + 4 + len);
    if (this.heap !== null) {
      const at = this.heapAt[row] as number;
      return this.heap.subarray(at, at + len);
    }
    return duckdb.get_data_from_pointer(
      this.data.buffer as ArrayBuffer,
      this.data.byteOffset + offset + 8,
      len,
    );
  }
}

class StringRaw extends StringColumn {
  protected value(row: number, w: ByteWriter): void {
    const len = this.lengths[row * 4] as number;
    let src: Uint8Array;
    let at: number;
    if (len <= 12) {
      src = this.data;
      at = row * 16 + 4;
    } else if (this.heap !== null) {
      src = this.heap;
      at = this.heapAt[row] as number;
    } else {
      w.bytesValue(this.cellBytes(row));
      return;
    }
    w.ensure(4 + len);
    const buf = w.buf;
    let p = w.pos;
    buf.writeInt32BE(len, p);
    p += 4;
    if (len > 64) {
      buf.set(src.subarray(at, at + len), p);
      p += len;
    } else {
      for (let i = 0; i < len; i++) buf[p++] = src[at + i] as number;
    }
    w.pos = p;
  }
}

class ByteaText extends StringColumn {
  protected value(row: number, w: ByteWriter): void {
    const bytes = this.cellBytes(row);
    const n = 2 + bytes.length * 2;
    w.ensure(4 + n);
    const buf = w.buf;
    let p = w.pos;
    buf.writeInt32BE(n, p);
    buf[p + 4] = 92; // \
    buf[p + 5] = 120; // x
    p += 6;
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i] as number;
      buf[p++] = HEX[b >> 4] as number;
      buf[p++] = HEX[b & 15] as number;
    }
    w.pos = p;
  }
}

class DateText extends RawColumn {
  private items = new Int32Array(0);
  constructor(private readonly binary: boolean) {
    super(4);
  }
  protected override loaded(rows: number): void {
    this.items = view(Int32Array, this.data, 4, rows);
  }
  protected value(row: number, w: ByteWriter): void {
    const days = this.items[row] as number;
    if (!this.binary) {
      w.asciiValue(formatDate(days));
      return;
    }
    w.ensure(8);
    w.buf.writeInt32BE(4, w.pos);
    const pg =
      days === DATE_INFINITY
        ? DATE_INFINITY
        : days === -DATE_INFINITY
          ? -DATE_INFINITY - 1
          : days - PG_EPOCH_DAYS;
    w.buf.writeInt32BE(pg, w.pos + 4);
    w.pos += 8;
  }
}

class TimeText extends Int64Column {
  protected value(row: number, w: ByteWriter): void {
    w.asciiValue(formatTime(Number(this.cell(row))));
  }
}

class TimestampText extends Int64Column {
  constructor(private readonly ctx: TextContext | null) {
    super(false);
  }
  protected value(row: number, w: ByteWriter): void {
    const v = this.cell(row);
    w.asciiValue(this.ctx === null ? formatTimestamp(v) : formatTimestampTz(v, this.ctx.zone));
  }
}

class IntervalText extends RawColumn {
  private dv: DataView = new DataView(new ArrayBuffer(0));
  constructor(private readonly binary: boolean) {
    super(16);
  }
  protected override loaded(): void {
    this.dv = new DataView(this.data.buffer, this.data.byteOffset, this.data.byteLength);
  }
  protected value(row: number, w: ByteWriter): void {
    const months = this.dv.getInt32(row * 16, true);
    const days = this.dv.getInt32(row * 16 + 4, true);
    const micros = this.dv.getBigInt64(row * 16 + 8, true);
    if (!this.binary) {
      w.asciiValue(formatInterval(months, days, micros));
      return;
    }
    w.ensure(20);
    w.buf.writeInt32BE(16, w.pos);
    w.buf.writeBigInt64BE(micros, w.pos + 4);
    w.buf.writeInt32BE(days, w.pos + 12);
    w.buf.writeInt32BE(months, w.pos + 16);
    w.pos += 20;
  }
}

/** DuckDB stores a UUID as a hugeint with the top bit flipped: bytes 15..0 little-endian. */
class UuidColumn extends RawColumn {
  constructor(private readonly binary: boolean) {
    super(16);
  }
  protected value(row: number, w: ByteWriter): void {
    const d = this.data;
    const base = row * 16;
    w.ensure(40);
    const buf = w.buf;
    let p = w.pos;
    buf.writeInt32BE(this.binary ? 16 : 36, p);
    p += 4;
    for (let i = 15; i >= 0; i--) {
      const b = (d[base + i] as number) ^ (i === 15 ? 0x80 : 0);
      if (this.binary) buf[p++] = b;
      else {
        buf[p++] = HEX[b >> 4] as number;
        buf[p++] = HEX[b & 15] as number;
        if (i === 12 || i === 10 || i === 8 || i === 6) buf[p++] = 45;
      }
    }
    w.pos = p;
  }
}

// ---- binary --------------------------------------------------------------------------------

class FixedBinary extends RawColumn {
  protected value(row: number, w: ByteWriter): void {
    this.reversed(row * this.width, this.width, w);
  }
}

/** int1/uint1 → int2, uint2 → int4, uint4 → int8: widened big-endian. */
class WidenedBinary extends RawColumn {
  private items: Typed = new Int32Array(0);
  constructor(
    width: number,
    private readonly ctor: TypedCtor,
    private readonly outWidth: 2 | 4 | 8,
  ) {
    super(width);
  }
  protected override loaded(rows: number): void {
    this.items = view(this.ctor, this.data, this.width, rows);
  }
  protected value(row: number, w: ByteWriter): void {
    const v = this.items[row] as number;
    if (this.outWidth === 8) {
      writeInt64Binary(w, v);
      return;
    }
    w.ensure(4 + this.outWidth);
    w.buf.writeInt32BE(this.outWidth, w.pos);
    if (this.outWidth === 2) w.buf.writeInt16BE(v, w.pos + 4);
    else w.buf.writeInt32BE(v, w.pos + 4);
    w.pos += 4 + this.outWidth;
  }
}

class NumericBinary extends RawColumn {
  private items: Typed = new Int32Array(0);
  private words = new Int32Array(0);
  constructor(
    width: number,
    private readonly scale: number,
    private readonly unsigned = false,
  ) {
    super(width);
  }
  protected override loaded(rows: number): void {
    if (this.width === 2) this.items = view(Int16Array, this.data, 2, rows);
    else if (this.width === 4) this.items = view(Int32Array, this.data, 4, rows);
    else if (this.width === 8) this.words = view(Int32Array, this.data, 8, rows * 2);
  }
  protected value(row: number, w: ByteWriter): void {
    let v: number | bigint;
    if (this.width <= 4) v = this.items[row] as number;
    else if (this.width === 16) v = int128(this.data, row, this.unsigned);
    else {
      const hi = this.words[2 * row + 1] as number;
      const lo = (this.words[2 * row] as number) >>> 0;
      v = this.unsigned
        ? (BigInt(hi >>> 0) << 32n) | BigInt(lo)
        : hi >= -SAFE_HI && hi < SAFE_HI
          ? hi * TWO32 + lo
          : (BigInt(hi) << 32n) | BigInt(lo);
    }
    w.bytesValue(numericBinaryOf(v, this.scale));
  }
}

class TimestampBinary extends Int64Column {
  protected value(row: number, w: ByteWriter): void {
    const v = this.cell(row);
    if (typeof v === 'number') {
      writeInt64Binary(w, v - 946_684_800_000_000);
      return;
    }
    // Infinities and far dates.
    const max = 9_223_372_036_854_775_807n;
    const pg = v === max ? max : v === -max ? -max - 1n : v - 946_684_800_000_000n;
    w.ensure(12);
    w.buf.writeInt32BE(8, w.pos);
    w.buf.writeBigInt64BE(pg, w.pos + 4);
    w.pos += 12;
  }
}

// ---- values (types without a fast path) ------------------------------------------------------

class ValueColumn implements ColumnEncoder {
  private vector: DuckDBVector | undefined;
  constructor(
    private readonly type: DuckDBType,
    private readonly binary: boolean,
    private readonly ctx: TextContext,
  ) {}
  load(chunk: DuckDBDataChunk, column: number): void {
    this.vector = chunk.getColumnVector(column);
  }
  write(row: number, w: ByteWriter): void {
    const value = (this.vector as DuckDBVector).getItem(row);
    if (value === null) w.int32(-1);
    else if (this.binary) w.bytesValue(binaryOfValue(this.type, value, this.ctx));
    else w.utf8Value(textOfValue(this.type, value, this.ctx));
  }
}

/** The encoder of a column of `type` in `format`. */
export function columnEncoder(
  type: DuckDBType,
  format: WireFormat,
  ctx: TextContext,
): ColumnEncoder {
  const binary = format === 1;
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return binary ? new FixedBinary(1) : new BoolText(1);
    case DuckDBTypeId.TINYINT:
      return binary ? new WidenedBinary(1, Int8Array, 2) : new SmallIntText(1, Int8Array);
    case DuckDBTypeId.UTINYINT:
      return binary ? new WidenedBinary(1, Uint8Array, 2) : new SmallIntText(1, Uint8Array);
    case DuckDBTypeId.SMALLINT:
      return binary ? new FixedBinary(2) : new SmallIntText(2, Int16Array);
    case DuckDBTypeId.USMALLINT:
      return binary ? new WidenedBinary(2, Uint16Array, 4) : new SmallIntText(2, Uint16Array);
    case DuckDBTypeId.INTEGER:
      return binary ? new FixedBinary(4) : new SmallIntText(4, Int32Array);
    case DuckDBTypeId.UINTEGER:
      return binary ? new WidenedBinary(4, Uint32Array, 8) : new SmallIntText(4, Uint32Array);
    case DuckDBTypeId.BIGINT:
      return binary ? new FixedBinary(8) : new BigIntText(false);
    case DuckDBTypeId.UBIGINT:
      return binary ? new NumericBinary(8, 0, true) : new BigIntText(true);
    case DuckDBTypeId.HUGEINT:
      return binary ? new NumericBinary(16, 0) : new HugeText(false);
    case DuckDBTypeId.UHUGEINT:
      return binary ? new NumericBinary(16, 0, true) : new HugeText(true);
    case DuckDBTypeId.FLOAT:
      return binary ? new FixedBinary(4) : new FloatText(4, ctx);
    case DuckDBTypeId.DOUBLE:
      return binary ? new FixedBinary(8) : new FloatText(8, ctx);
    case DuckDBTypeId.DECIMAL: {
      const width = type.width <= 4 ? 2 : type.width <= 9 ? 4 : type.width <= 18 ? 8 : 16;
      if (binary) return new NumericBinary(width, type.scale);
      if (width === 2) return new SmallDecimalText(2, Int16Array, type.scale);
      if (width === 4) return new SmallDecimalText(4, Int32Array, type.scale);
      if (width === 8) return new BigIntText(false, type.scale);
      return new HugeText(false, type.scale);
    }
    case DuckDBTypeId.VARCHAR:
      return new StringRaw();
    case DuckDBTypeId.BLOB:
      return binary ? new StringRaw() : new ByteaText();
    case DuckDBTypeId.DATE:
      return new DateText(binary);
    case DuckDBTypeId.TIME:
      return binary ? new FixedBinary(8) : new TimeText();
    case DuckDBTypeId.TIMESTAMP:
      return binary ? new TimestampBinary() : new TimestampText(null);
    case DuckDBTypeId.TIMESTAMP_TZ:
      return binary ? new TimestampBinary() : new TimestampText(ctx);
    case DuckDBTypeId.INTERVAL:
      return new IntervalText(binary);
    case DuckDBTypeId.UUID:
      return new UuidColumn(binary);
    default:
      return new ValueColumn(type, binary, ctx);
  }
}
