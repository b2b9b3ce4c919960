// Redshift's datetime format strings (TO_CHAR of dates and timestamps) as DuckDB SQL: each
// pattern becomes an expression over the value and the pieces are concatenated, which keeps
// Redshift's case variants (MON, Mon, mon) and blank padding (MONTH, DAY to 9 characters).
// https://docs.aws.amazon.com/redshift/latest/dg/r_FORMAT_strings.html

import { quoteLiteral } from '../../common/sql-quote.js';

type Piece = (ts: string) => string;

const sf =
  (f: string): Piece =>
  (ts) =>
    `strftime(${ts}, '${f}')`;
const upper =
  (p: Piece): Piece =>
  (ts) =>
    `upper(${p(ts)})`;
const lower =
  (p: Piece): Piece =>
  (ts) =>
    `lower(${p(ts)})`;
const pad9 =
  (p: Piece): Piece =>
  (ts) =>
    `rpad(${p(ts)}, 9, ' ')`;
const num =
  (expr: string, width: number): Piece =>
  (ts) =>
    `lpad(CAST(${expr.replaceAll('$', ts)} AS VARCHAR), ${width}, '0')`;

/** Patterns, longest first so that HH24 wins over HH and MONTH over MON and MM. */
const PATTERNS: [string, Piece][] = [
  ['HH24', sf('%H')],
  ['HH12', sf('%I')],
  ['YYYY', sf('%Y')],
  ['IYYY', num('isoyear($)', 4)],
  ['MONTH', upper(pad9(sf('%B')))],
  ['Month', pad9(sf('%B'))],
  ['month', lower(pad9(sf('%B')))],
  ['A.M.', (ts) => `CASE WHEN hour(${ts}) < 12 THEN 'A.M.' ELSE 'P.M.' END`],
  ['P.M.', (ts) => `CASE WHEN hour(${ts}) < 12 THEN 'A.M.' ELSE 'P.M.' END`],
  ['YYY', (ts) => `right(strftime(${ts}, '%Y'), 3)`],
  ['MON', upper(sf('%b'))],
  ['Mon', sf('%b')],
  ['mon', lower(sf('%b'))],
  ['DAY', upper(pad9(sf('%A')))],
  ['Day', pad9(sf('%A'))],
  ['day', lower(pad9(sf('%A')))],
  ['DDD', sf('%j')],
  ['YY', sf('%y')],
  ['MM', sf('%m')],
  ['DD', sf('%d')],
  ['DY', upper(sf('%a'))],
  ['Dy', sf('%a')],
  ['dy', lower(sf('%a'))],
  ['HH', sf('%I')],
  ['MI', sf('%M')],
  ['SS', sf('%S')],
  ['MS', sf('%g')],
  ['US', sf('%f')],
  ['AM', (ts) => `CASE WHEN hour(${ts}) < 12 THEN 'AM' ELSE 'PM' END`],
  ['PM', (ts) => `CASE WHEN hour(${ts}) < 12 THEN 'AM' ELSE 'PM' END`],
  ['am', (ts) => `CASE WHEN hour(${ts}) < 12 THEN 'am' ELSE 'pm' END`],
  ['pm', (ts) => `CASE WHEN hour(${ts}) < 12 THEN 'am' ELSE 'pm' END`],
  ['IW', num('weekofyear($)', 2)],
  ['WW', num('(dayofyear($) - 1) // 7 + 1', 2)],
  ['Q', (ts) => `CAST(quarter(${ts}) AS VARCHAR)`],
  ['D', (ts) => `CAST(dayofweek(${ts}) + 1 AS VARCHAR)`],
  ['W', (ts) => `CAST((day(${ts}) - 1) // 7 + 1 AS VARCHAR)`],
  ['J', (ts) => `CAST(julian(${ts}) AS VARCHAR)`],
  ['Y', (ts) => `right(strftime(${ts}, '%Y'), 1)`],
];

/** True when the format names a date or time part (TO_CHAR of a datetime, not a number). */
export function isDatetimeFormat(format: string): boolean {
  return /YYYY|YY|MM|DD|HH|MI|SS|MON|DAY|DY|Q|IW/i.test(format.replace(/"[^"]*"/g, ''));
}

/** DuckDB SQL of TO_CHAR(ts, format) for a constant format. */
export function datetimeFormatSql(ts: string, format: string): string {
  const pieces: string[] = [];
  let text = '';
  const flush = () => {
    if (text) pieces.push(quoteLiteral(text));
    text = '';
  };
  for (let i = 0; i < format.length;) {
    if (format[i] === '"') {
      const end = format.indexOf('"', i + 1);
      text += format.slice(i + 1, end < 0 ? undefined : end);
      i = end < 0 ? format.length : end + 1;
      continue;
    }
    const hit = PATTERNS.find(([p]) => format.startsWith(p, i));
    if (hit) {
      flush();
      pieces.push(hit[1](ts));
      i += hit[0].length;
    } else {
      text += format[i];
      i++;
    }
  }
  flush();
  return pieces.length === 0 ? "''" : `(${pieces.join(' || ')})`;
}

/** Input patterns (TO_DATE, TO_TIMESTAMP) → DuckDB strptime specifiers, longest first. */
const INPUT_PATTERNS: [string, string][] = [
  ['HH24', '%H'],
  ['HH12', '%I'],
  ['YYYY', '%Y'],
  ['MONTH', '%B'],
  ['Month', '%B'],
  ['month', '%B'],
  ['DDD', '%j'],
  ['MON', '%b'],
  ['Mon', '%b'],
  ['mon', '%b'],
  ['DAY', '%A'],
  ['Day', '%A'],
  ['day', '%A'],
  ['YY', '%y'],
  ['MM', '%m'],
  ['DD', '%d'],
  ['DY', '%a'],
  ['Dy', '%a'],
  ['dy', '%a'],
  ['HH', '%I'],
  ['MI', '%M'],
  ['SS', '%S'],
  ['MS', '%g'],
  ['US', '%f'],
  ['AM', '%p'],
  ['PM', '%p'],
  ['am', '%p'],
  ['pm', '%p'],
];

/**
 * A strptime format for a Redshift datetime format, or undefined when it uses a pattern that
 * input parsing does not support yet.
 */
export function strptimeFormat(format: string): string | undefined {
  let out = '';
  for (let i = 0; i < format.length;) {
    if (format[i] === '"') {
      const end = format.indexOf('"', i + 1);
      out += format.slice(i + 1, end < 0 ? undefined : end).replaceAll('%', '%%');
      i = end < 0 ? format.length : end + 1;
      continue;
    }
    const hit = INPUT_PATTERNS.find(([p]) => format.startsWith(p, i));
    if (hit) {
      out += hit[1];
      i += hit[0].length;
    } else if (/[A-Za-z]/.test(format[i]!)) {
      return undefined;
    } else {
      out += format[i] === '%' ? '%%' : format[i];
      i++;
    }
  }
  return out;
}
