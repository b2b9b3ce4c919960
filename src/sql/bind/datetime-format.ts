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

/** Patterns that print a number (FM drops its leading zeros, TH adds an ordinal suffix). */
const NUMERIC = new Set([
  'HH24',
  'HH12',
  'YYYY',
  'IYYY',
  'YYY',
  'DDD',
  'YY',
  'MM',
  'DD',
  'HH',
  'MI',
  'SS',
  'MS',
  'US',
  'IW',
  'WW',
  'CC',
  'ID',
  'Q',
  'D',
  'W',
  'J',
  'Y',
]);

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
  ['a.m.', (ts) => `CASE WHEN hour(${ts}) < 12 THEN 'a.m.' ELSE 'p.m.' END`],
  ['p.m.', (ts) => `CASE WHEN hour(${ts}) < 12 THEN 'a.m.' ELSE 'p.m.' END`],
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
  // Centuries start in year 1 (2000 is in the 20th, 2001 in the 21st).
  ['CC', num('(year($) + 99) // 100', 2)],
  ['ID', (ts) => `CAST(isodow(${ts}) AS VARCHAR)`],
  // A TIMESTAMP has no zone of its own: Redshift shows UTC.
  ['TZ', () => `'UTC'`],
  ['tz', () => `'utc'`],
  ['Q', (ts) => `CAST(quarter(${ts}) AS VARCHAR)`],
  ['D', (ts) => `CAST(dayofweek(${ts}) + 1 AS VARCHAR)`],
  ['W', (ts) => `CAST((day(${ts}) - 1) // 7 + 1 AS VARCHAR)`],
  ['J', (ts) => `CAST(julian(${ts}) AS VARCHAR)`],
  ['Y', (ts) => `right(strftime(${ts}, '%Y'), 1)`],
];

/** The ordinal suffix (st, nd, rd, th) of a number printed by `x`. */
function ordinalSql(x: string, upperCase: boolean): string {
  const n = `CAST(${x} AS BIGINT)`;
  const sfx =
    `CASE WHEN ${n} % 100 BETWEEN 11 AND 13 THEN 'th' WHEN ${n} % 10 = 1 THEN 'st' ` +
    `WHEN ${n} % 10 = 2 THEN 'nd' WHEN ${n} % 10 = 3 THEN 'rd' ELSE 'th' END`;
  return upperCase ? `upper(${sfx})` : sfx;
}

/**
 * DuckDB SQL of TO_CHAR(ts, format) for a constant format. FM before a pattern drops its
 * padding (leading zeros, trailing blanks); TH or th after a numeric pattern adds the ordinal
 * suffix.
 */
export function datetimeFormatSql(ts: string, format: string): string {
  const pieces: string[] = [];
  let text = '';
  let fill = false;
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
    if (format.startsWith('FM', i) || format.startsWith('fm', i)) {
      fill = true;
      i += 2;
      continue;
    }
    const hit = PATTERNS.find(([p]) => format.startsWith(p, i));
    if (hit) {
      flush();
      const numeric = NUMERIC.has(hit[0]);
      let piece = hit[1](ts);
      if (fill) {
        piece = numeric
          ? `CASE WHEN ltrim(${piece}, '0') = '' THEN '0' ELSE ltrim(${piece}, '0') END`
          : `rtrim(${piece})`;
      }
      fill = false;
      i += hit[0].length;
      const th = format.slice(i, i + 2);
      if (numeric && (th === 'TH' || th === 'th')) {
        piece = `(${piece} || ${ordinalSql(hit[1](ts), th === 'TH')})`;
        i += 2;
      }
      pieces.push(piece);
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

/** The fields TO_DATE's roll-over reads: pattern, group name, regular expression. */
const ROLLOVER_FIELDS: [string, string, string][] = [
  ['YYYY', 'year', '\\d{4}'],
  ['YY', 'yy', '\\d{2}'],
  ['MONTH', 'monthName', '[A-Za-z]+'],
  ['MON', 'monthName', '[A-Za-z]{3}'],
  ['MM', 'month', '\\d{1,2}'],
  ['DD', 'day', '\\d{1,2}'],
];

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * TO_DATE without is_strict: a date from its year, month and day fields read by a regular
 * expression, with a day past the month's end rolling over into the next month, as Redshift
 * does (June 31 is July 1). Undefined when the format has other fields than YYYY, YY, MM,
 * Mon/Month and DD (those are read by strptime only).
 * https://docs.aws.amazon.com/redshift/latest/dg/r_TO_DATE_function.html
 */
export function rolloverDateSql(
  s: string,
  format: string,
): { matches: string; date: string } | undefined {
  let re = '';
  const groups: Record<string, number> = {};
  let n = 0;
  const group = (name: string, pattern: string) => {
    groups[name] = ++n;
    re += `(${pattern})`;
  };
  for (let i = 0; i < format.length;) {
    const rest = format.slice(i);
    const up = rest.toUpperCase();
    const field = ROLLOVER_FIELDS.find(
      ([p]) => up.startsWith(p) && !(p === 'DD' && up.startsWith('DDD')),
    );
    if (field) {
      group(field[1], field[2]);
      i += field[0].length;
    } else if (/[A-Za-z"]/.test(rest[0]!)) {
      return undefined;
    } else {
      re += rest[0]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      i++;
    }
  }
  if (groups.day === undefined || (groups.year ?? groups.yy) === undefined) return undefined;
  if ((groups.month ?? groups.monthName) === undefined) return undefined;
  const pattern = quoteLiteral(`^\\s*${re}\\s*$`);
  const field = (g: number) => `regexp_extract(${s}, ${pattern}, ${g})`;
  const year =
    groups.year !== undefined
      ? `CAST(${field(groups.year)} AS INTEGER)`
      : `(CAST(${field(groups.yy!)} AS INTEGER) + CASE WHEN CAST(${field(groups.yy!)} AS INTEGER) < 70 THEN 2000 ELSE 1900 END)`;
  const month =
    groups.month !== undefined
      ? `CAST(${field(groups.month)} AS INTEGER)`
      : `list_position(${`[${MONTHS.map((m) => quoteLiteral(m)).join(', ')}]`}, lower(left(${field(groups.monthName!)}, 3)))`;
  const day = `CAST(${field(groups.day)} AS INTEGER)`;
  return {
    matches: `regexp_full_match(${s}, ${pattern})`,
    date: `CAST(make_date(${year}, ${month}, 1) + (${day} - 1) AS DATE)`,
  };
}
