// Redshift's date and time functions as DuckDB SQL: date parts written as bare words or strings,
// DATEADD/DATEDIFF/DATE_PART/DATE_TRUNC/EXTRACT with Redshift's part names and boundary rules,
// ADD_MONTHS, MONTHS_BETWEEN, NEXT_DAY, LAST_DAY, TRUNC, CONVERT_TIMEZONE with abbreviations
// and POSIX offsets, and the format-string functions TO_CHAR/TO_DATE/TO_TIMESTAMP/TO_NUMBER.
// https://docs.aws.amazon.com/redshift/latest/dg/Date_functions_header.html
import {
  isNumberFormat,
  parseNumberFormat,
  UnsupportedNumberFormat,
} from '../../common/number-format.js';
import { quoteLiteral } from '../../common/sql-quote.js';
import { UDF, sqlstateMessage } from '../../engine/udfs.js';
import type { Expr, Extract, FunctionCall } from '../ast/index.js';
import type { DuckDbPrinter } from '../print/index.js';
import { datetimeFormatSql, rolloverDateSql, strptimeFormat } from './datetime-format.js';
import { FUNCTION_SCHEMA } from './function-macros.js';
import {
  args,
  constantString,
  datetimeArg,
  invalidArgument,
  unsupported,
  type RedshiftFunction,
} from './function-helpers.js';

type Part =
  | 'millennium'
  | 'century'
  | 'decade'
  | 'year'
  | 'quarter'
  | 'month'
  | 'week'
  | 'day'
  | 'hour'
  | 'minute'
  | 'second'
  | 'millisecond'
  | 'microsecond'
  | 'dow'
  | 'doy'
  | 'epoch'
  | 'timezone'
  | 'timezone_hour'
  | 'timezone_minute';

/**
 * Redshift's date part names and abbreviations.
 * https://docs.aws.amazon.com/redshift/latest/dg/r_Dateparts_for_datetime_functions.html
 */
const DATE_PARTS = new Map<string, Part>();
for (const [part, names] of Object.entries({
  millennium: ['millennium', 'millennia', 'mil', 'mils'],
  century: ['century', 'centuries', 'c', 'cent', 'cents'],
  decade: ['decade', 'decades', 'dec', 'decs'],
  year: ['year', 'years', 'y', 'yr', 'yrs'],
  quarter: ['quarter', 'quarters', 'qtr', 'qtrs'],
  month: ['month', 'months', 'mon', 'mons'],
  week: ['week', 'weeks', 'w'],
  day: ['day', 'days', 'd'],
  hour: ['hour', 'hours', 'h', 'hr', 'hrs'],
  minute: ['minute', 'minutes', 'm', 'min', 'mins'],
  second: ['second', 'seconds', 's', 'sec', 'secs'],
  millisecond: [
    'millisecond',
    'milliseconds',
    'ms',
    'msec',
    'msecs',
    'msecond',
    'mseconds',
    'millisec',
    'millisecs',
    'millisecon',
  ],
  microsecond: [
    'microsecond',
    'microseconds',
    'microsec',
    'microsecs',
    'usecond',
    'useconds',
    'us',
    'usec',
    'usecs',
  ],
  dow: ['dayofweek', 'dow', 'dw', 'weekday'],
  doy: ['dayofyear', 'doy', 'dy', 'yearday'],
  epoch: ['epoch'],
  timezone: ['timezone'],
  timezone_hour: ['timezone_hour'],
  timezone_minute: ['timezone_minute'],
} satisfies Record<Part, string[]>)) {
  for (const n of names) DATE_PARTS.set(n, part as Part);
}

/** Parts that name a span of time (DATEADD, DATEDIFF, DATE_TRUNC); the others are fields. */
const SPANS = new Set<Part>([
  'millennium',
  'century',
  'decade',
  'year',
  'quarter',
  'month',
  'week',
  'day',
  'hour',
  'minute',
  'second',
  'millisecond',
  'microsecond',
]);

/** A date part written as a bare word (DATEADD(month, ...)) or a string ('month'). */
function datePart(e: Expr | undefined, fn: string, spansOnly: boolean): Part {
  let word: string | undefined;
  if (e?.kind === 'ColumnRef' && e.parts.length === 1) word = e.parts[0]!.value.toLowerCase();
  else if (e?.kind === 'StringLit') word = e.value.trim().toLowerCase();
  const part = word === undefined ? undefined : DATE_PARTS.get(word);
  if (part === undefined || (spansOnly && !SPANS.has(part))) {
    throw invalidArgument(
      `${fn}: ${word === undefined ? 'the date part must be a name' : `invalid date part "${word}"`}`,
      e?.pos,
    );
  }
  return part;
}

/** DuckDB interval of n units of a date part. */
function interval(part: Part, n: string): string {
  switch (part) {
    case 'millennium':
      return `to_years(1000 * (${n}))`;
    case 'century':
      return `to_years(100 * (${n}))`;
    case 'decade':
      return `to_years(10 * (${n}))`;
    case 'quarter':
      return `to_months(3 * (${n}))`;
    default:
      return `to_${part}s(${n})`;
  }
}

/** DuckDB's name of a span part (date_trunc, date_diff). */
function duckdbSpan(part: Part): string {
  if (part === 'millisecond') return 'milliseconds';
  if (part === 'microsecond') return 'microseconds';
  return part;
}

/**
 * DATE_PART: the field as DOUBLE PRECISION. Seconds, milliseconds and microseconds all carry
 * the whole seconds field (3.189717 s = 3189.717 ms); decades are counted from year 1 as the
 * documentation shows (2000 is in decade 201).
 */
function datePartSql(part: Part, x: string): string {
  switch (part) {
    case 'second':
      return `(date_part('microseconds', ${x}) / 1000000.0)`;
    case 'millisecond':
      return `(date_part('microseconds', ${x}) / 1000.0)`;
    case 'microsecond':
      return `date_part('microseconds', ${x})`;
    case 'decade':
      return `(date_part('decade', ${x}) + 1)`;
    default:
      return `date_part('${part}', ${x})`;
  }
}

/**
 * EXTRACT: an INTEGER of the part alone — seconds without their fraction, milliseconds without
 * the seconds (43.101 s gives 101), microseconds without either.
 * https://docs.aws.amazon.com/redshift/latest/dg/r_EXTRACT_function.html
 */
export function extractSql(node: Extract, printer: DuckDbPrinter): string {
  const part = DATE_PARTS.get(node.field);
  if (part === undefined) {
    throw invalidArgument(`EXTRACT: invalid date part "${node.field}"`, node.pos);
  }
  const x = datetimeArg(node.expr, printer);
  switch (part) {
    case 'millisecond':
      return `CAST(date_part('milliseconds', ${x}) % 1000 AS INTEGER)`;
    case 'microsecond':
      return `CAST(date_part('microseconds', ${x}) % 1000 AS INTEGER)`;
    case 'epoch':
      return `date_part('epoch', ${x})`;
    case 'decade':
      return `CAST(date_part('decade', ${x}) + 1 AS INTEGER)`;
    default:
      return `CAST(date_part('${part}', ${x}) AS INTEGER)`;
  }
}

// ---- time zones ------------------------------------------------------------------------------

/** Time zone abbreviations: fixed offsets from UTC in minutes (no daylight saving). */
const ZONE_ABBREVIATIONS: Record<string, number> = {
  utc: 0,
  gmt: 0,
  ut: 0,
  z: 0,
  zulu: 0,
  wet: 0,
  west: 60,
  bst: 60,
  cet: 60,
  cest: 120,
  met: 60,
  mest: 120,
  eet: 120,
  eest: 180,
  msk: 180,
  est: -300,
  edt: -240,
  cst: -360,
  cdt: -300,
  mst: -420,
  mdt: -360,
  pst: -480,
  pdt: -420,
  akst: -540,
  akdt: -480,
  hst: -600,
  ast: -240,
  adt: -180,
  nst: -210,
  ndt: -150,
  jst: 540,
  kst: 540,
  hkt: 480,
  sgt: 480,
  awst: 480,
  acst: 570,
  acdt: 630,
  aest: 600,
  aedt: 660,
  nzst: 720,
  nzdt: 780,
};

/**
 * A constant zone as a fixed offset in minutes east of UTC, or undefined for a zone name (read
 * with its daylight saving rules). A name followed by an offset is POSIX style: the offset is
 * hours west of Greenwich ('GMT+2' and 'NEWZONE +2' are UTC-2; the name is not consulted).
 */
function fixedOffset(zone: string): number | undefined {
  const z = zone.trim();
  const posix = /^[A-Za-z][A-Za-z_/]*\s*([+-])(\d{1,2})(?::(\d{2}))?$/.exec(z);
  if (posix) {
    const minutes = Number(posix[2]) * 60 + Number(posix[3] ?? 0);
    return posix[1] === '+' ? -minutes : minutes;
  }
  return ZONE_ABBREVIATIONS[z.toLowerCase()];
}

const minutesInterval = (m: number) => `INTERVAL '${m} minutes'`;

/**
 * CONVERT_TIMEZONE: the timestamp read in the source zone (UTC when omitted), shown in the
 * target zone. Abbreviations are fixed offsets; names follow daylight saving time.
 * https://docs.aws.amazon.com/redshift/latest/dg/CONVERT_TIMEZONE.html
 */
function convertTimezone(c: FunctionCall, p: DuckDbPrinter): string {
  const [sourceArg, targetArg, tsArg] =
    c.args.length === 3 ? c.args : [undefined, c.args[0]!, c.args[1]!];
  const ts = `CAST(${datetimeArg(tsArg!, p)} AS TIMESTAMP)`;
  const sourceText = sourceArg === undefined ? 'UTC' : constantString(sourceArg);
  const sourceOffset = sourceText === undefined ? undefined : fixedOffset(sourceText);
  const utc =
    sourceOffset !== undefined
      ? `(${ts} - ${minutesInterval(sourceOffset)})`
      : `timezone('UTC', timezone(${p.expr(sourceArg!)}, ${ts}))`;
  const targetText = constantString(targetArg!);
  const targetOffset = targetText === undefined ? undefined : fixedOffset(targetText);
  return targetOffset !== undefined
    ? `CAST(${utc} + ${minutesInterval(targetOffset)} AS TIMESTAMP)`
    : `timezone(${p.expr(targetArg!)}, timezone('UTC', ${utc}))`;
}

// ---- format strings --------------------------------------------------------------------------

/** The strptime format of a call's constant format argument (the second). */
function inputFormat(c: FunctionCall, fn: string): string {
  const format = c.args[1];
  const translated = format?.kind === 'StringLit' ? strptimeFormat(format.value) : undefined;
  if (translated === undefined) {
    throw unsupported(
      `${fn} with this format (only constant date and time patterns)`,
      format?.pos ?? c.pos,
    );
  }
  return quoteLiteral(translated);
}

/**
 * TO_CHAR of a number: the UDF reads the format (numeric formats need the value's digits, which
 * SQL cannot lay out per pattern). An unsupported pattern fails here with 0A000.
 */
function toCharNumber(c: FunctionCall, p: DuckDbPrinter, format: string): string {
  try {
    parseNumberFormat(format);
  } catch (e) {
    if (e instanceof UnsupportedNumberFormat)
      throw unsupported(`TO_CHAR: ${e.message}`, c.args[1]?.pos);
    throw e;
  }
  const value = c.args[0]!;
  const v =
    value.kind === 'StringLit' ? `CAST(${p.expr(value)} AS DECIMAL(38, 10))` : p.expr(value);
  return `${UDF.toCharNumber}(${v}, ${quoteLiteral(format)})`;
}

/**
 * TO_NUMBER(string, format): the sign (a '-' anywhere, or <...> with PR), then the digits
 * before the decimal point (at most as many as the format has positions, read from the left)
 * and after it (cut to the format's), as NUMERIC(p, s) of the format's digit positions.
 * https://docs.aws.amazon.com/redshift/latest/dg/r_TO_NUMBER.html
 */
function toNumber(c: FunctionCall, p: DuckDbPrinter): string {
  const formatText = constantString(c.args[1]);
  if (formatText === undefined)
    throw unsupported('TO_NUMBER with a format that is not a constant', c.args[1]?.pos);
  let f;
  try {
    f = parseNumberFormat(formatText);
  } catch (e) {
    if (e instanceof UnsupportedNumberFormat)
      throw unsupported(`TO_NUMBER: ${e.message}`, c.args[1]?.pos);
    throw e;
  }
  const s = `CAST(${p.expr(c.args[0]!)} AS VARCHAR)`;
  const pr = f.items.some((i) => i.k === 'pr');
  const digits = (x: string) => `regexp_replace(${x}, '[^0-9]', '', 'g')`;
  const int = f.hasPoint
    ? `left(${digits(`split_part(${s}, '.', 1)`)}, ${f.pre})`
    : `left(${digits(s)}, ${f.pre})`;
  const frac = f.hasPoint ? `left(${digits(`split_part(${s}, '.', 2)`)}, ${f.post})` : `''`;
  const negative = `(strpos(${s}, '-') > 0${pr ? ` OR strpos(${s}, '<') > 0` : ''})`;
  const precision = Math.max(1, Math.min(38, f.pre + f.post));
  const bad = `error(${quoteLiteral(sqlstateMessage('22P02', 'invalid input syntax for type numeric: " "'))})`;
  return (
    `(CASE WHEN ${s} IS NULL THEN NULL WHEN ${int} = '' AND ${frac} = '' THEN ${bad} ` +
    `ELSE CAST(CASE WHEN ${negative} THEN '-' ELSE '' END || coalesce(nullif(${int}, ''), '0') || '.' || ${frac} || '0' ` +
    `AS DECIMAL(${precision}, ${f.post})) END)`
  );
}

const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

/** ISO day number (Monday 1) of a day name or its abbreviation (two letters at least). */
function weekday(name: string): number | undefined {
  const n = name.trim().toLowerCase();
  if (n.length < 2) return undefined;
  const i = WEEKDAYS.findIndex((d) => d.startsWith(n));
  return i < 0 ? undefined : i + 1;
}

const asDate = (c: FunctionCall, p: DuckDbPrinter, i: number) =>
  `CAST(${datetimeArg(c.args[i]!, p)} AS DATE)`;
const asTimestamp = (c: FunctionCall, p: DuckDbPrinter, i: number) =>
  `CAST(${datetimeArg(c.args[i]!, p)} AS TIMESTAMP)`;

const DATE_PART: RedshiftFunction = {
  name: 'date_part',
  doc: 'r_DATE_PART_function.html',
  example: "SELECT date_part(w, timestamp '2008-02-06 14:00:00')",
  arity: [2],
  translate: (c, p) => {
    const part = datePart(c.args[0], 'DATE_PART', false);
    return `CAST(${datePartSql(part, datetimeArg(c.args[1]!, p))} AS DOUBLE)`;
  },
};

/**
 * The comparison functions (DATE_CMP, TIMESTAMP_CMP_DATE, INTERVAL_CMP ...): -1, 0 or 1 as the
 * first value is before, equal to or after the second; NULL when either is.
 */
const COMPARE = (name: string, doc: string, example: string): RedshiftFunction => ({
  name,
  doc,
  example,
  arity: [2],
  translate: (c, p) => {
    const [a, b] = c.args.map((x) => datetimeArg(x, p));
    return `CAST(CASE WHEN ${a} < ${b} THEN -1 WHEN ${a} > ${b} THEN 1 WHEN ${a} = ${b} THEN 0 END AS INTEGER)`;
  },
});

const D = "date '2008-01-01'";
const TS = "timestamp '2008-01-01 10:00:00'";
const TZ = "timestamptz '2008-01-01 10:00:00+00'";
const COMPARISONS: [string, string, string, string][] = [
  ['date_cmp', 'r_DATE_CMP.html', D, D],
  ['date_cmp_timestamp', 'r_DATE_CMP_TIMESTAMP.html', D, TS],
  ['date_cmp_timestamptz', 'r_DATE_CMP_TIMESTAMPTZ.html', D, TZ],
  ['timestamp_cmp', 'r_TIMESTAMP_CMP.html', TS, TS],
  ['timestamp_cmp_date', 'r_TIMESTAMP_CMP_DATE.html', TS, D],
  ['timestamp_cmp_timestamptz', 'r_TIMESTAMP_CMP_TIMESTAMPTZ.html', TS, TZ],
  ['timestamptz_cmp', 'r_TIMESTAMPTZ_CMP.html', TZ, TZ],
  ['timestamptz_cmp_date', 'r_TIMESTAMPTZ_CMP_DATE.html', TZ, D],
  ['timestamptz_cmp_timestamp', 'r_TIMESTAMPTZ_CMP_TIMESTAMP.html', TZ, TS],
  ['interval_cmp', 'r_INTERVAL_CMP.html', "interval '3 days'", "interval '1 year'"],
];

export const DATETIME_FUNCTIONS: RedshiftFunction[] = [
  ...COMPARISONS.map(([name, doc, a, b]) => COMPARE(name, doc, `SELECT ${name}(${a}, ${b})`)),
  {
    name: 'dateadd',
    doc: 'r_DATEADD_function.html',
    example: "SELECT dateadd(month, 1, '2008-01-31'::date)",
    arity: [3],
    // A DATE or a string becomes a TIMESTAMP; adding months to a month's end clamps to the
    // shorter month's end.
    translate: (c, p) => {
      const part = datePart(c.args[0], 'DATEADD', true);
      const n = p.expr(c.args[1]!);
      const d = c.args[2]!;
      const base = d.kind === 'StringLit' ? datetimeArg(d, p) : p.expr(d);
      return `(${base} + ${interval(part, n)})`;
    },
  },
  {
    name: 'datediff',
    doc: 'r_DATEDIFF_function.html',
    example: "SELECT datediff(week, '2009-01-01'::date, '2009-12-31'::date)",
    arity: [3],
    // The number of date part boundaries crossed between the two values (DuckDB's date_diff),
    // as BIGINT. Weeks start on Monday: count the Mondays crossed (DuckDB counts 7-day spans).
    translate: (c, p) => {
      const part = datePart(c.args[0], 'DATEDIFF', true);
      const a = datetimeArg(c.args[1]!, p);
      const b = datetimeArg(c.args[2]!, p);
      if (part === 'week') {
        const monday = (x: string) => `CAST(date_trunc('week', ${x}) AS DATE)`;
        return `CAST((${monday(b)} - ${monday(a)}) // 7 AS BIGINT)`;
      }
      if (part === 'century' || part === 'millennium') {
        // Centuries start in year ###1 (2000 to 2001 crosses one); DuckDB's date_diff counts
        // from ###0.
        return `CAST(date_part('${part}', ${b}) - date_part('${part}', ${a}) AS BIGINT)`;
      }
      return `CAST(date_diff('${duckdbSpan(part)}', ${a}, ${b}) AS BIGINT)`;
    },
  },
  DATE_PART,
  // The name Redshift gives DATE_PART's result column, callable too.
  { ...DATE_PART, name: 'pgdate_part' },
  {
    name: 'date_trunc',
    doc: 'r_DATE_TRUNC.html',
    example: "SELECT date_trunc('week', timestamp '2020-04-30 04:05:06')",
    arity: [2],
    // A TIMESTAMP (also for a DATE); weeks start on Monday.
    translate: (c, p) => {
      const part = datePart(c.args[0], 'DATE_TRUNC', true);
      const x = datetimeArg(c.args[1]!, p);
      if (part === 'century' || part === 'millennium') {
        // Centuries start in year ###1, millennia in ##01 (DuckDB truncates to ###0).
        const span = part === 'century' ? 100 : 1000;
        return `CAST(make_date(((year(${x}) - 1) // ${span}) * ${span} + 1, 1, 1) AS TIMESTAMP)`;
      }
      return `date_trunc('${duckdbSpan(part)}', ${x})`;
    },
  },
  {
    name: 'date_part_year',
    doc: 'r_DATE_PART_YEAR.html',
    example: "SELECT date_part_year(date '2008-05-18')",
    arity: [1],
    translate: (c, p) => `CAST(year(${asDate(c, p, 0)}) AS INTEGER)`,
  },
  {
    name: 'add_months',
    doc: 'r_ADD_MONTHS.html',
    example: "SELECT add_months('2008-02-29', 12)",
    arity: [2],
    // The last day of a month maps to the last day of the resulting month.
    translate: (c, p) => {
      const ts = asTimestamp(c, p, 0);
      const n = p.expr(c.args[1]!);
      return (
        `(CASE WHEN CAST(${ts} AS DATE) = last_day(CAST(${ts} AS DATE)) ` +
        `THEN CAST(last_day(CAST(${ts} + to_months(${n}) AS DATE)) AS TIMESTAMP) + (${ts} - date_trunc('day', ${ts})) ` +
        `ELSE ${ts} + to_months(${n}) END)`
      );
    },
  },
  {
    name: 'months_between',
    doc: 'r_MONTHS_BETWEEN_function.html',
    example: "SELECT months_between('1969-03-18', '1969-01-18')",
    arity: [2],
    // Whole months when both dates are the same day of the month or both month ends; else the
    // day difference over 31-day months.
    translate: (c, p) => {
      const a = asDate(c, p, 0);
      const b = asDate(c, p, 1);
      const whole = `((year(${a}) - year(${b})) * 12 + month(${a}) - month(${b}))`;
      return (
        `CAST(CASE WHEN day(${a}) = day(${b}) OR (${a} = last_day(${a}) AND ${b} = last_day(${b})) ` +
        `THEN ${whole} ELSE ${whole} + (day(${a}) - day(${b})) / 31.0 END AS DOUBLE)`
      );
    },
  },
  {
    name: 'last_day',
    doc: 'r_LAST_DAY.html',
    example: "SELECT last_day('2008-02-15')",
    arity: [1],
    translate: (c, p) => `last_day(${asDate(c, p, 0)})`,
  },
  {
    name: 'next_day',
    doc: 'r_NEXT_DAY.html',
    example: "SELECT next_day('2014-08-20', 'Tuesday')",
    arity: [2],
    // The first date after the given one that falls on the named day ('Tu', 'tue', 'Tuesday').
    translate: (c, p) => {
      const name = constantString(c.args[1]);
      if (name === undefined)
        throw unsupported('NEXT_DAY with a day name that is not a constant', c.args[1]?.pos);
      const target = weekday(name);
      if (target === undefined) throw invalidArgument(`invalid day name "${name}"`, c.args[1]?.pos);
      const d = asDate(c, p, 0);
      return `(${d} + CAST(((${target} - isodow(${d}) + 6) % 7) + 1 AS INTEGER))`;
    },
  },
  {
    name: 'trunc',
    doc: 'r_TRUNC_date.html',
    example: "SELECT trunc(timestamp '2011-07-21 10:32:38')",
    arity: [1, 2],
    // A timestamp truncates to its DATE; a number toward zero (r_TRUNC.html). The macro's
    // overloads choose by the argument's type.
    translate: (c, p) => `${FUNCTION_SCHEMA}.trunc(${args(c, p).join(', ')})`,
  },
  {
    name: 'convert_timezone',
    doc: 'CONVERT_TIMEZONE.html',
    example: "SELECT convert_timezone('UTC', 'America/New_York', '2008-03-05 12:25:29'::timestamp)",
    arity: [2, 3],
    translate: convertTimezone,
  },
  {
    name: 'getdate',
    doc: 'r_GETDATE.html',
    example: 'SELECT getdate()',
    arity: [0],
    // The statement's start as a TIMESTAMP, in whole seconds.
    translate: () => "date_trunc('second', CAST(current_timestamp AS TIMESTAMP))",
  },
  {
    name: 'timeofday',
    doc: 'r_TIMEOFDAY_function.html',
    example: 'SELECT timeofday()',
    arity: [0],
    // The current time as text, with microseconds and the session's zone: 'Thu Sep 19
    // 22:53:50.333525 2013 UTC'.
    translate: () => `replace(strftime(now(), '%a %b %d %H:%M:%S.%f %Y %Z'), ' Etc/UTC', ' UTC')`,
  },
  {
    name: 'to_char',
    doc: 'r_TO_CHAR.html',
    example: "SELECT to_char(timestamp '2008-04-25 12:30:45', 'MON-DD-YYYY HH12:MIPM')",
    arity: [2],
    // Dates and timestamps, or numbers when the (constant) format is a numeric one.
    translate: (c, p) => {
      const format = constantString(c.args[1]);
      if (format === undefined)
        throw unsupported('TO_CHAR with a format that is not a constant', c.args[1]?.pos);
      if (isNumberFormat(format)) return toCharNumber(c, p, format);
      return datetimeFormatSql(`CAST(${datetimeArg(c.args[0]!, p)} AS TIMESTAMP)`, format);
    },
  },
  {
    name: 'to_date',
    doc: 'r_TO_DATE_function.html',
    example: "SELECT to_date('02 Oct 2001', 'DD Mon YYYY')",
    arity: [2, 3],
    // A value that does not fit the format fails (22007). Without is_strict, a day past the
    // month's end rolls over into the next month (June 31 is July 1).
    translate: (c, p) => {
      const s = p.expr(c.args[0]!);
      const fmt = inputFormat(c, 'TO_DATE');
      const strict = c.args[2]?.kind === 'BoolLit' && c.args[2].value;
      const parsed = `CAST(strptime(${s}, ${fmt}) AS DATE)`;
      const rollover = strict ? undefined : rolloverDateSql(s, constantString(c.args[1])!);
      if (rollover === undefined) return parsed;
      return (
        `(CASE WHEN try_strptime(${s}, ${fmt}) IS NOT NULL THEN CAST(try_strptime(${s}, ${fmt}) AS DATE) ` +
        `WHEN ${rollover.matches} THEN ${rollover.date} ELSE ${parsed} END)`
      );
    },
  },
  {
    name: 'to_timestamp',
    doc: 'r_TO_TIMESTAMP.html',
    example: "SELECT to_timestamp('2017-05-18 17:20:05', 'YYYY-MM-DD HH24:MI:SS')",
    arity: [1, 2, 3],
    // TO_TIMESTAMP(string, format) is Redshift's (TIMESTAMPTZ); one argument is an epoch.
    translate: (c, p) => {
      if (c.args.length === 1) return undefined;
      return `CAST(strptime(${p.expr(c.args[0]!)}, ${inputFormat(c, 'TO_TIMESTAMP')}) AS TIMESTAMPTZ)`;
    },
  },
  {
    name: 'to_number',
    doc: 'r_TO_NUMBER.html',
    example: "SELECT to_number('12,454.8-', '99G999D9S')",
    arity: [2],
    translate: toNumber,
  },
];
