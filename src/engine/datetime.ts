// Calendar arithmetic shared by the text and binary encoders and the parameter decoders:
// proleptic Gregorian dates as days since 1970-01-01 (DuckDB's epoch), PostgreSQL's text forms of
// dates, times, timestamps, time zone offsets and intervals (DateStyle ISO, IntervalStyle
// postgres). PostgreSQL's own code: src/backend/utils/adt/datetime.c (EncodeDateTime,
// EncodeInterval, EncodeTimezone).
import { LakeshiftError, SqlState } from '../common/errors.js';
import { loadTzif, tzifOffset, type TzifZone } from './tzif.js';

export const MICROS_PER_SECOND = 1_000_000;
export const MICROS_PER_DAY = 86_400_000_000;
/** Days from 1970-01-01 to 2000-01-01, PostgreSQL's binary epoch. */
export const PG_EPOCH_DAYS = 10_957;
export const PG_EPOCH_MICROS = 946_684_800_000_000n;

/** DuckDB's infinite dates: ±(2^31 - 1) days. */
export const DATE_INFINITY = 2_147_483_647;
/** DuckDB's infinite timestamps: ±(2^63 - 1) µs. */
export const TIMESTAMP_INFINITY = 9_223_372_036_854_775_807n;

export interface CivilDate {
  year: number;
  month: number;
  day: number;
}

/** Days since 1970-01-01 → proleptic Gregorian year (astronomical: 0 = 1 BC), month, day. */
export function civilFromDays(days: number): CivilDate {
  // Howard Hinnant's algorithm, http://howardhinnant.github.io/date_algorithms.html
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return { year, month, day };
}

/** Proleptic Gregorian (astronomical year) → days since 1970-01-01. */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = month > 2 ? month - 3 : month + 9;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function pad2(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

function pad4(n: number): string {
  return n >= 1000 ? String(n) : n >= 100 ? '0' + n : n >= 10 ? '00' + n : '000' + n;
}

let lastDays = NaN;
let lastDatePart: [text: string, bc: boolean] = ['', false];

/** 'YYYY-MM-DD' and whether the year is BC (PostgreSQL appends ' BC' at the very end). */
function datePart(days: number): [text: string, bc: boolean] {
  // Neighbouring timestamps mostly share their day.
  if (days === lastDays) return lastDatePart;
  const { year, month, day } = civilFromDays(days);
  const bc = year <= 0;
  lastDays = days;
  lastDatePart = [pad4(bc ? 1 - year : year) + '-' + pad2(month) + '-' + pad2(day), bc];
  return lastDatePart;
}

/** PostgreSQL's date output: '2024-02-29', '0044-03-15 BC', 'infinity'. */
export function formatDate(days: number): string {
  if (days === DATE_INFINITY) return 'infinity';
  if (days === -DATE_INFINITY) return '-infinity';
  const [text, bc] = datePart(days);
  return bc ? text + ' BC' : text;
}

/** Fractional seconds '.ffffff' with trailing zeros trimmed, or '' (AppendSeconds). */
function fraction(micros: number): string {
  if (micros === 0) return '';
  let s = String(micros);
  s = '000000'.slice(s.length) + s;
  let end = 6;
  while (s.charCodeAt(end - 1) === 48) end--;
  return '.' + s.slice(0, end);
}

/** 'HH:MM:SS[.ffffff]' of µs since midnight (0 ≤ micros ≤ 24h). */
export function formatTime(micros: number): string {
  const secs = Math.floor(micros / MICROS_PER_SECOND);
  const frac = micros - secs * MICROS_PER_SECOND;
  const h = Math.floor(secs / 3600);
  const m = Math.floor((secs % 3600) / 60);
  return pad2(h) + ':' + pad2(m) + ':' + pad2(secs % 60) + fraction(frac);
}

/** PostgreSQL's offset text: '+00', '+05:30', '-03', '+00:53:28' (seconds east of UTC). */
export function formatOffset(offsetSeconds: number): string {
  const sign = offsetSeconds < 0 ? '-' : '+';
  const abs = Math.abs(offsetSeconds);
  const h = Math.floor(abs / 3600);
  const m = Math.floor((abs % 3600) / 60);
  const s = abs % 60;
  let out = sign + pad2(h);
  if (m !== 0 || s !== 0) out += ':' + pad2(m);
  if (s !== 0) out += ':' + pad2(s);
  return out;
}

/** Splits µs since 1970 into [days, µs of day]; exact for the whole int64 range. */
export function splitMicros(micros: bigint | number): [days: number, microsOfDay: number] {
  if (typeof micros === 'number' && Number.isSafeInteger(micros)) {
    const days = Math.floor(micros / MICROS_PER_DAY);
    return [days, micros - days * MICROS_PER_DAY];
  }
  const m = BigInt(micros);
  const day = BigInt(MICROS_PER_DAY);
  let days = m / day;
  let rest = m - days * day;
  if (rest < 0n) {
    days -= 1n;
    rest += day;
  }
  return [Number(days), Number(rest)];
}

/** PostgreSQL's timestamp output: '2024-02-29 12:00:00.5', '0044-03-15 12:00:00 BC'. */
export function formatTimestamp(micros: bigint | number): string {
  if (micros === TIMESTAMP_INFINITY || micros === Number(TIMESTAMP_INFINITY)) return 'infinity';
  if (micros === -TIMESTAMP_INFINITY || micros === -Number(TIMESTAMP_INFINITY)) return '-infinity';
  const [days, tod] = splitMicros(micros);
  const [date, bc] = datePart(days);
  const text = date + ' ' + formatTime(tod);
  return bc ? text + ' BC' : text;
}

/**
 * Seconds east of UTC of a time zone at an instant (ms since 1970), cached per 15 minutes: from
 * the system tz database (as PostgreSQL reads it), and from ICU for zones it lacks and for
 * instants past its last listed transition.
 */
export class ZoneOffsets {
  readonly utc: boolean;
  private readonly format: Intl.DateTimeFormat | undefined;
  private readonly cache = new Map<number, number>();
  private readonly fixed: number | undefined;
  private readonly tzif: TzifZone | null;

  constructor(readonly timeZone: string) {
    const fixed = parseFixedOffset(timeZone);
    this.fixed = fixed;
    this.utc = fixed === 0;
    this.tzif = fixed === undefined ? loadTzif(timeZone) : null;
    if (fixed === undefined) {
      this.format = zoneFormat(timeZone, this.tzif !== null);
    }
  }

  offsetAt(epochMillis: number): number {
    if (this.fixed !== undefined) return this.fixed;
    if (this.tzif !== null) {
      // Exact to the second (LMT transitions fall anywhere), so not bucketed.
      const offset = tzifOffset(this.tzif, Math.floor(epochMillis / 1000));
      if (offset !== undefined) return offset;
    }
    // Beyond what Date can represent, use the nearest representable instant's offset.
    const clamped = Math.max(-8.64e15, Math.min(8.64e15, epochMillis));
    const bucket = Math.floor(clamped / 900_000);
    let offset = this.cache.get(bucket);
    if (offset === undefined) {
      offset = this.compute(bucket * 900_000);
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(bucket, offset);
    }
    return offset;
  }

  private compute(epochMillis: number): number {
    // A zone only the tz database knows, past its last transition: its last offset.
    if (this.format === undefined) return this.tzif?.offsets.at(-1) ?? 0;
    const parts = this.format.formatToParts(new Date(epochMillis));
    const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
    let year = get('year');
    if (parts.find((p) => p.type === 'era')?.value === 'BC') year = 1 - year;
    const local =
      daysFromCivil(year, get('month'), get('day')) * 86400 +
      get('hour') * 3600 +
      get('minute') * 60 +
      get('second');
    return local - Math.floor(epochMillis / 1000);
  }
}

function zoneFormat(timeZone: string, haveTzif: boolean): Intl.DateTimeFormat | undefined {
  try {
    return new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    if (haveTzif) return undefined;
    throw new LakeshiftError(
      SqlState.invalidParameterValue,
      `invalid value for parameter "TimeZone": "${timeZone}"`,
    );
  }
}

/** 'UTC', 'GMT', 'Z', '+05:30', 'UTC+3' (POSIX sign: west positive) → seconds east; else undefined. */
function parseFixedOffset(timeZone: string): number | undefined {
  const tz = timeZone.trim().toUpperCase();
  if (tz === 'UTC' || tz === 'GMT' || tz === 'Z' || tz === 'ETC/UTC' || tz === 'UCT') return 0;
  const iso = /^([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(tz);
  if (iso) {
    const s = Number(iso[2]) * 3600 + Number(iso[3] ?? 0) * 60;
    return iso[1] === '-' ? -s : s;
  }
  return undefined;
}

/** PostgreSQL's timestamptz output in a time zone: '2024-01-01 05:30:00+05:30'. */
export function formatTimestampTz(micros: bigint | number, zone: ZoneOffsets): string {
  if (micros === TIMESTAMP_INFINITY || micros === Number(TIMESTAMP_INFINITY)) return 'infinity';
  if (micros === -TIMESTAMP_INFINITY || micros === -Number(TIMESTAMP_INFINITY)) return '-infinity';
  const [utcDays, utcTod] = splitMicros(micros);
  const offset = zone.utc ? 0 : zone.offsetAt(utcDays * 86_400_000 + Math.floor(utcTod / 1000));
  let days = utcDays;
  let tod = utcTod + offset * MICROS_PER_SECOND;
  if (tod < 0) {
    tod += MICROS_PER_DAY;
    days -= 1;
  } else if (tod >= MICROS_PER_DAY) {
    tod -= MICROS_PER_DAY;
    days += 1;
  }
  const [date, bc] = datePart(days);
  const text = date + ' ' + formatTime(tod) + formatOffset(offset);
  return bc ? text + ' BC' : text;
}

interface IntervalState {
  out: string;
  isZero: boolean;
  isBefore: boolean;
}

/** AddPostgresIntPart: '1 year', ' -2 mons', ' +3 days'. */
function intervalPart(state: IntervalState, value: number, unit: string): void {
  if (value === 0) return;
  state.out +=
    (state.isZero ? '' : ' ') + (state.isBefore && value > 0 ? '+' : '') + value + ' ' + unit;
  if (value !== 1) state.out += 's';
  state.isBefore = value < 0;
  state.isZero = false;
}

/** PostgreSQL's interval output, IntervalStyle 'postgres': '1 year 2 mons 3 days 04:05:06.5'. */
export function formatInterval(months: number, days: number, micros: bigint | number): string {
  const year = Math.trunc(months / 12);
  const mon = months - year * 12;
  const state: IntervalState = { out: '', isZero: true, isBefore: false };
  intervalPart(state, year, 'year');
  intervalPart(state, mon, 'mon');
  intervalPart(state, days, 'day');
  let out = state.out;
  const isZero = state.isZero;
  const isBefore = state.isBefore;
  const m = BigInt(micros);
  if (isZero || m !== 0n) {
    const minus = m < 0n;
    const abs = minus ? -m : m;
    const hours = abs / 3_600_000_000n;
    const rest = Number(abs - hours * 3_600_000_000n);
    const min = Math.floor(rest / 60_000_000);
    const sec = Math.floor((rest % 60_000_000) / MICROS_PER_SECOND);
    const frac = rest % MICROS_PER_SECOND;
    const hh = hours < 10n ? '0' + hours : String(hours);
    out +=
      (isZero ? '' : ' ') +
      (minus ? '-' : isBefore ? '+' : '') +
      hh +
      ':' +
      pad2(min) +
      ':' +
      pad2(sec) +
      fraction(frac);
  }
  return out;
}
