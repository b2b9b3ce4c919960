// UTF-8 for COPY's record reader (records.ts): bytes are decoded chunk by chunk into one string
// that keeps invalid input instead of losing it. Each byte of an invalid sequence becomes a lone
// surrogate U+DC80–U+DCFF (U+DC00 + the byte, Python's "surrogateescape"), which well-formed
// UTF-8 never decodes to, so the reader can split records on the string and still tell, per
// field, which bytes were invalid: Redshift rejects such a record with error 1220, or with
// ACCEPTINVCHARS replaces every byte of an invalid character with the replacement character
// ("an invalid three-byte character will be replaced with '^^^'").
// https://docs.aws.amazon.com/redshift/latest/dg/multi-byte-character-load-errors.html
// https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-conversion.html#copy-acceptinvchars
import { isUtf8 } from 'node:buffer';

/** Matches an escaped invalid byte (a lone low surrogate; a pair's low half is not one). */
export const INVALID_BYTE = /(?<![\uD800-\uDBFF])[\uDC80-\uDCFF]/;
const INVALID_BYTES = /(?<![\uD800-\uDBFF])[\uDC80-\uDCFF]/g;

/**
 * Code points that are well-formed UTF-8 but not characters (U+FDD0–U+FDEF and the last two of
 * each plane). Redshift loads them without ACCEPTINVCHARS and replaces them with it.
 */
const NONCHARACTERS =
  /[\uFDD0-\uFDEF\uFFFE\uFFFF]|[\uD83F\uD87F\uD8BF\uD8FF\uD93F\uD97F\uD9BF\uD9FF\uDA3F\uDA7F\uDABF\uDAFF\uDB3F\uDB7F\uDBBF\uDBFF][\uDFFE\uDFFF]/g;

/** Bytes a lead byte announces for a sequence that can be valid (0: not such a lead). */
function validLength(b: number): number {
  if (b >= 0xc2 && b <= 0xdf) return 2;
  if (b >= 0xe0 && b <= 0xef) return 3;
  if (b >= 0xf0 && b <= 0xf4) return 4;
  return 0;
}

/** Bytes a lead byte announces, valid or not (1 for a stray continuation byte, 0xFE, 0xFF). */
function announcedLength(b: number): number {
  if (b >= 0xc0 && b <= 0xdf) return 2;
  if (b >= 0xe0 && b <= 0xef) return 3;
  if (b >= 0xf0 && b <= 0xf7) return 4;
  if (b >= 0xf8 && b <= 0xfb) return 5;
  if (b >= 0xfc && b <= 0xfd) return 6;
  return 1;
}

const isContinuation = (b: number | undefined) => b !== undefined && (b & 0xc0) === 0x80;

/** Length of the well-formed sequence at i (its lead byte ≥ 0x80), or 0. */
function wellFormedAt(d: Uint8Array, i: number, n: number): number {
  const b = d[i]!;
  const len = validLength(b);
  if (len === 0 || i + len > n) return 0;
  const b1 = d[i + 1]!;
  // The second byte's range excludes overlong forms, surrogates and code points past U+10FFFF.
  const lo = b === 0xe0 ? 0xa0 : b === 0xf0 ? 0x90 : 0x80;
  const hi = b === 0xed ? 0x9f : b === 0xf4 ? 0x8f : 0xbf;
  if (b1 < lo || b1 > hi) return 0;
  for (let k = 2; k < len; k++) if (!isContinuation(d[i + k])) return 0;
  return len;
}

/** The bytes that make up the invalid character at i: its lead and the continuation bytes after it. */
function invalidLengthAt(d: Uint8Array, i: number, n: number): number {
  const len = announcedLength(d[i]!);
  let k = 1;
  while (k < len && i + k < n && isContinuation(d[i + k])) k++;
  return k;
}

/** Decodes d[0, n) (whole characters) with each byte of every invalid sequence escaped. */
function decodeEscaping(d: Buffer, n: number): string {
  let out = '';
  let run = 0;
  let i = 0;
  while (i < n) {
    if (d[i]! < 0x80) {
      i++;
      continue;
    }
    const ok = wellFormedAt(d, i, n);
    if (ok > 0) {
      i += ok;
      continue;
    }
    if (run < i) out += d.toString('utf8', run, i);
    const bad = invalidLengthAt(d, i, n);
    for (let k = 0; k < bad; k++) out += String.fromCharCode(0xdc00 + d[i + k]!);
    i += bad;
    run = i;
  }
  if (run < n) out += d.toString('utf8', run, n);
  return out;
}

/** Where the incomplete character at the end of d starts (d.length when there is none). */
function completeLength(d: Buffer): number {
  const n = d.length;
  let p = n - 1;
  while (p >= 0 && p > n - 4 && isContinuation(d[p])) p--;
  if (p < 0) return n;
  const len = validLength(d[p]!);
  return len > 0 && p + len > n ? p : n;
}

export interface Decoded {
  text: string;
  /** The text holds escaped invalid bytes. */
  invalid: boolean;
}

/**
 * Chunk-wise UTF-8 decoding: a character split between chunks is held back until its last byte
 * arrives, so any split of the same bytes decodes to the same text.
 */
export class Utf8Decoder {
  private carry: Buffer | undefined;

  write(chunk: Buffer): Decoded {
    const d = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    const n = completeLength(d);
    this.carry = n < d.length ? Buffer.from(d.subarray(n)) : undefined;
    return decode(d, n);
  }

  /** The bytes held back: an incomplete character at the end of the input, so invalid. */
  end(): Decoded {
    const d = this.carry;
    this.carry = undefined;
    return d ? decode(d, d.length) : { text: '', invalid: false };
  }
}

function decode(d: Buffer, n: number): Decoded {
  const whole = n === d.length ? d : d.subarray(0, n);
  if (isUtf8(whole)) return { text: d.toString('utf8', 0, n), invalid: false };
  return { text: decodeEscaping(d, n), invalid: true };
}

/** The original bytes of the escaped run starting at s.charAt(i). */
function escapedBytes(s: string, i: number): number[] {
  const bytes: number[] = [];
  for (let k = i; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c < 0xdc80 || c > 0xdcff) break;
    bytes.push(c - 0xdc00);
  }
  return bytes;
}

/**
 * Redshift's reason for the first invalid character in s (which holds one): "String contains
 * invalid or unsupported UTF-8 codepoints. Bad UTF-8 hex sequence: a4 (error 3)", with its
 * numbered causes: 1 longer than four bytes, 2 incomplete at the end of the value, 3 a byte that
 * cannot start a character, 4 a continuation byte out of range, 5 a surrogate, 8 past U+10FFFF,
 * 9 an overlong form (no matching code point).
 */
export function invalidUtf8Reason(s: string): { reason: string; position: number } {
  const position = s.search(INVALID_BYTE);
  const run = escapedBytes(s, position);
  const lead = run[0]!;
  const len = announcedLength(lead);
  const bytes = run.slice(0, Math.min(len, invalidLengthAt(Uint8Array.from(run), 0, run.length)));
  let cause: number;
  if (len === 1) cause = 3;
  else if (len > 4) cause = 1;
  else if (bytes.length < len) cause = position + bytes.length >= s.length ? 2 : 4;
  else {
    let cp = lead & (0xff >> (len + 1));
    for (const b of bytes.slice(1)) cp = (cp << 6) | (b & 0x3f);
    const min = len === 2 ? 0x80 : len === 3 ? 0x800 : 0x10000;
    cause = cp < min ? 9 : cp > 0x10ffff ? 8 : cp >= 0xd800 && cp <= 0xdfff ? 5 : 9;
  }
  const hex = bytes.map((b) => b.toString(16).padStart(2, '0')).join(' ');
  return {
    reason: `String contains invalid or unsupported UTF-8 codepoints. Bad UTF-8 hex sequence: ${hex} (error ${cause})`,
    position,
  };
}

/** ACCEPTINVCHARS: every invalid byte and every byte of a noncharacter becomes `replacement`. */
export function replaceInvalid(s: string, replacement: string): string {
  return s
    .replace(INVALID_BYTES, replacement)
    .replace(NONCHARACTERS, (m) => replacement.repeat(m.length === 1 ? 3 : 4));
}

/** Whether s holds a noncharacter (replaced under ACCEPTINVCHARS). */
export function hasNoncharacter(s: string): boolean {
  NONCHARACTERS.lastIndex = 0;
  return NONCHARACTERS.test(s);
}

/** s for display (raw_line, raw_field_value): escaped bytes shown as U+FFFD. */
export function displayText(s: string): string {
  return s.replace(INVALID_BYTES, '\uFFFD');
}
