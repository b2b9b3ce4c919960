// Date and timestamp literals in the forms PostgreSQL and Redshift accept beyond ISO 8601, read
// by the DateStyle field order ('03/04/2024' is March 4 under MDY, April 3 under DMY). DuckDB
// reads ISO only, so literal text is normalized before it reaches DuckDB.
// https://www.postgresql.org/docs/15/datetime-input-rules.html

export type FieldOrder = 'MDY' | 'DMY' | 'YMD';

/** The field order of a DateStyle setting value ("ISO, MDY"). */
export function fieldOrder(dateStyle: string): FieldOrder {
  const m = /\b(MDY|DMY|YMD)\b/i.exec(dateStyle);
  return (m?.[1]?.toUpperCase() as FieldOrder | undefined) ?? 'MDY';
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** A two-digit year: 70-99 are 1970-1999, 00-69 are 2000-2069. */
const twoDigitYear = (y: number) => y + (y < 70 ? 2000 : 1900);

/** The ISO form of a date or timestamp literal, or the text unchanged when it is not one. */
export function normalizeDateLiteral(text: string, order: FieldOrder): string {
  const t = text.trim();
  // Digits only: YYYYMMDD or YYMMDD, optionally followed by a time ('20080305 12:25:29').
  const compact = /^(\d{8}|\d{6})(\s+.*|T.*)?$/.exec(t);
  if (compact) {
    const d = compact[1]!;
    const year = d.length === 8 ? Number(d.slice(0, 4)) : twoDigitYear(Number(d.slice(0, 2)));
    const [month, day] = d.length === 8 ? [d.slice(4, 6), d.slice(6)] : [d.slice(2, 4), d.slice(4)];
    return `${pad(year, 4)}-${month}-${day}${compact[2] ?? ''}`;
  }
  const numeric = /^(\d{1,4})[/\-.](\d{1,2})[/\-.](\d{1,4})(\s+.*|T.*)?$/.exec(t);
  if (!numeric) return text;
  const [a, b, c] = [numeric[1]!, numeric[2]!, numeric[3]!];
  const rest = numeric[4] ?? '';
  let year: number, month: number, day: number;
  if (a.length >= 3) {
    [year, month, day] = [Number(a), Number(b), Number(c)];
  } else if (c.length >= 3 || order !== 'YMD') {
    year = Number(c);
    [month, day] = order === 'DMY' ? [Number(b), Number(a)] : [Number(a), Number(b)];
    if (c.length <= 2) year = twoDigitYear(year);
  } else {
    [year, month, day] = [Number(a), Number(b), Number(c)];
    year = twoDigitYear(year);
  }
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}${rest}`;
}

const UNITS = new Set(['year', 'month', 'day', 'hour', 'minute', 'second']);

/**
 * An interval literal with SQL-standard fields (INTERVAL '1-2' YEAR TO MONTH, INTERVAL '10'
 * MINUTE, INTERVAL '1 02:03:04' DAY TO SECOND) as interval text DuckDB reads ('1 years 2
 * months', '10 minutes', '1 days 02:03:04'); text with its own unit names is kept as it is.
 * https://docs.aws.amazon.com/redshift/latest/dg/r_interval_literals.html
 */
export function normalizeIntervalLiteral(text: string, fields: string): string {
  const t = text.trim();
  const [first, , last] = fields.toLowerCase().split(/\s+/) as [string, string?, string?];
  const number = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
  if (number.test(t) && UNITS.has(first)) {
    // A bare number counts the last field's units (the only field when there is one).
    return `${t} ${last ?? first}s`;
  }
  const yearMonth = /^([+-])?(\d+)-(\d+)$/.exec(t);
  if (yearMonth && first === 'year') {
    const sign = yearMonth[1] === '-' ? '-' : '';
    return `${sign}${yearMonth[2]} years ${sign}${yearMonth[3]} months`;
  }
  const dayTime = /^([+-]?\d+)\s+(\d+(?::\d+){0,2}(?:\.\d+)?)$/.exec(t);
  if (dayTime && first === 'day') {
    const time = dayTime[2]!.split(':');
    while (time.length < 3) time.push('00');
    return `${dayTime[1]} days ${time.join(':')}`;
  }
  const minuteSecond = /^([+-])?(\d+):(\d+(?:\.\d+)?)$/.exec(t);
  if (minuteSecond && first === 'minute') {
    return `${minuteSecond[1] ?? ''}00:${minuteSecond[2]}:${minuteSecond[3]}`;
  }
  return text;
}
