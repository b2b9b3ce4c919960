// Time zone offsets from the system's compiled tz database (TZif files, RFC 8536), the data
// Debian's PostgreSQL reads for TimeZone, so historic offsets (LMT, wartime) print as PostgreSQL
// prints them. ICU's copy in Node differs for some zones before 1970.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ZONEINFO = '/usr/share/zoneinfo';

export interface TzifZone {
  /** Transition instants, seconds since 1970, ascending. */
  transitions: number[];
  /** UTC offset in seconds in force from each transition on. */
  offsets: number[];
  /** Offset before the first transition (local time type 0). */
  initialOffset: number;
}

const cache = new Map<string, TzifZone | null>();

/** The zone's transitions, or null when there is no such file (or it cannot be read). */
export function loadTzif(name: string): TzifZone | null {
  if (!/^[A-Za-z0-9_+-]+(\/[A-Za-z0-9_+-]+)*$/.test(name)) return null;
  let zone = cache.get(name);
  if (zone !== undefined) return zone;
  try {
    zone = parseTzif(readFileSync(join(ZONEINFO, name)));
  } catch {
    zone = null;
  }
  cache.set(name, zone);
  return zone;
}

export function parseTzif(b: Buffer): TzifZone | null {
  if (b.toString('latin1', 0, 4) !== 'TZif') return null;
  const version = b[4] ?? 0;
  const counts = (at: number): number[] =>
    [0, 1, 2, 3, 4, 5].map((i) => b.readInt32BE(at + 20 + i * 4));
  let at = 0;
  // Header counts: isut, isstd, leap, time, type, char.
  let c = counts(0);
  let timeSize = 4;
  if (version >= 0x32) {
    // Skip the 32-bit block; the 64-bit one follows with its own header.
    const [isut, isstd, leap, timecnt, typecnt, charcnt] = c as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    at = 44 + timecnt * 4 + timecnt + typecnt * 6 + charcnt + leap * 8 + isstd + isut;
    c = counts(at);
    timeSize = 8;
  }
  const timecnt = c[3] as number;
  const typecnt = c[4] as number;
  let p = at + 44;
  const transitions: number[] = [];
  for (let i = 0; i < timecnt; i++) {
    transitions.push(timeSize === 8 ? Number(b.readBigInt64BE(p)) : b.readInt32BE(p));
    p += timeSize;
  }
  const typeIndex: number[] = [];
  for (let i = 0; i < timecnt; i++) typeIndex.push(b[p++] as number);
  const typeOffsets: number[] = [];
  for (let i = 0; i < typecnt; i++) {
    typeOffsets.push(b.readInt32BE(p));
    p += 6;
  }
  return {
    transitions,
    offsets: typeIndex.map((t) => typeOffsets[t] ?? 0),
    initialOffset: typeOffsets[0] ?? 0,
  };
}

/** Offset at `seconds` since 1970, or undefined past the last transition (rule-based future). */
export function tzifOffset(zone: TzifZone, seconds: number): number | undefined {
  const t = zone.transitions;
  if (t.length === 0) return zone.initialOffset;
  if (seconds < (t[0] as number)) return zone.initialOffset;
  if (seconds >= (t[t.length - 1] as number)) return undefined;
  let lo = 0;
  let hi = t.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((t[mid] as number) <= seconds) lo = mid;
    else hi = mid - 1;
  }
  return zone.offsets[lo];
}
