// COPY FORMAT AVRO: the records of an Avro object container file (avsc decodes it: schema from
// the header, the null and deflate codecs), each made into one field per column as COPY's other
// formats are: 'auto' takes the record's field named like the column (exactly, or ignoring case),
// a JSONPaths file walks paths into the record. Longs stay exact (BigInt); nested records, arrays
// and maps go into SUPER columns as JSON.
// https://docs.aws.amazon.com/redshift/latest/dg/copy-usage_notes-copy-from-avro.html (avsc:
// https://github.com/mtth/avsc, a maintained pure-JavaScript Avro implementation)
import avro from 'avsc';
import { LakeshiftError, SqlState, messageOf } from '../common/errors.js';
import type { JsonPathStep } from './json-doc.js';

/** Avro's long as a BigInt, so that values past 2^53 keep every digit. */
const exactLong = avro.types.LongType.__with({
  fromBuffer: (buf: Buffer) => buf.readBigInt64LE(),
  toBuffer: (n: bigint) => {
    const buf = Buffer.alloc(8);
    buf.writeBigInt64LE(n);
    return buf;
  },
  fromJSON: (v: unknown) => BigInt(v as number),
  toJSON: (n: bigint) => Number(n),
  isValid: (n: unknown) => typeof n === 'bigint',
  compare: (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0),
});

export interface AvroRecord {
  /** 1-based position of the record in the file (STL_LOAD_ERRORS' line_number for Avro). */
  ordinal: number;
  value: unknown;
}

/** The records of an Avro file, in order; a file that is not Avro fails naming it. */
export async function* avroRecords(path: string, name: string): AsyncGenerator<AvroRecord[]> {
  const decoder = avro.createFileDecoder(path, {
    parseHook: (schema) => avro.Type.forSchema(schema, { registry: { long: exactLong } }),
  });
  let ordinal = 0;
  let batch: AvroRecord[] = [];
  try {
    for await (const value of decoder as AsyncIterable<unknown>) {
      batch.push({ ordinal: ++ordinal, value });
      if (batch.length >= 4096) {
        yield batch;
        batch = [];
      }
    }
  } catch (e) {
    throw new LakeshiftError(
      SqlState.badCopyFileFormat,
      `'${name}' is not a readable Avro file: ${messageOf(e)}`,
    );
  }
  if (batch.length > 0) yield batch;
}

/** JSON text of an Avro value (BigInt as a number, bytes as hexadecimal). */
function jsonText(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v === 'bigint') return RAW_PREFIX + v.toString();
    if (v !== null && typeof v === 'object' && (v as { type?: string }).type === 'Buffer') {
      return Buffer.from((v as { data: number[] }).data).toString('hex');
    }
    return v;
  }).replace(new RegExp(`"${RAW_PREFIX}(-?\\d+)"`, 'g'), '$1');
}
const RAW_PREFIX = '\u0000bigint:';

/** A field's text for the value going into a column (SUPER: its JSON). */
export function avroFieldText(value: unknown, toSuper: boolean): string | null {
  if (value === null || value === undefined) return null;
  if (toSuper) return jsonText(value);
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint' || typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Buffer.isBuffer(value)) return value.toString('hex');
  return jsonText(value);
}

/** A record's field by name: exactly, or ignoring case. */
export function avroMember(value: unknown, name: string, ignoreCase: boolean): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  if (name in record || !ignoreCase) return record[name];
  const lower = name.toLowerCase();
  const key = Object.keys(record).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : record[key];
}

/** A JSONPaths walk into a decoded record. */
export function avroPath(value: unknown, steps: readonly JsonPathStep[]): unknown {
  let v: unknown = value;
  for (const step of steps) {
    if (v === null || v === undefined) return undefined;
    v = 'key' in step ? avroMember(v, step.key, false) : (v as unknown[])[step.index];
  }
  return v;
}
