// Redshift's functions that DuckDB spells differently or lacks, declared as data: name, the
// Redshift documentation page it follows, an example, and its DuckDB translation over the
// printed arguments. Functions DuckDB has with Redshift's meaning need no entry.
// https://docs.aws.amazon.com/redshift/latest/dg/c_SQL_functions.html
import { LakeshiftError, SqlState } from '../../common/errors.js';
import { quoteLiteral } from '../../common/sql-quote.js';
import type { Expr, FunctionCall } from '../ast/index.js';
import type { DuckDbPrinter } from '../print/index.js';
import { datetimeFormatSql, isDatetimeFormat, strptimeFormat } from './datetime-format.js';

export interface RedshiftFunction {
  name: string;
  /** Page under https://docs.aws.amazon.com/redshift/latest/dg/ */
  doc: string;
  example: string;
  /** Accepted argument counts. */
  arity: readonly number[];
  /** DuckDB SQL of the call, or undefined to print it as written. */
  translate(call: FunctionCall, printer: DuckDbPrinter): string | undefined;
}

/** Redshift's date part names and abbreviations → DuckDB's part. */
const DATE_PARTS: Record<string, string> = {};
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
    'microsecond',
    'usecond',
    'useconds',
    'us',
    'usec',
    'usecs',
  ],
})) {
  for (const n of names) DATE_PARTS[n] = part;
}

/** A date part written as a bare word (DATEADD(month, ...)) or a string ('month'). */
function datePart(e: Expr | undefined, fn: string): string {
  let word: string | undefined;
  if (e?.kind === 'ColumnRef' && e.parts.length === 1) word = e.parts[0]!.value;
  else if (e?.kind === 'StringLit') word = e.value.toLowerCase();
  const part = word === undefined ? undefined : DATE_PARTS[word];
  if (part === undefined) {
    throw new LakeshiftError(
      SqlState.invalidParameterValue,
      `${fn}: invalid date part${word === undefined ? '' : ` "${word}"`}`,
      { position: e?.pos },
    );
  }
  return part;
}

/** DuckDB interval of n units of a date part. */
function interval(part: string, n: string): string {
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

const args = (call: FunctionCall, p: DuckDbPrinter) => call.args.map((a) => p.expr(a));

const FUNCTIONS: RedshiftFunction[] = [
  {
    name: 'nvl',
    doc: 'r_NVL_function.html',
    example: "SELECT nvl(NULL, 'b')",
    // NVL takes any number of expressions, like COALESCE.
    arity: Array.from({ length: 99 }, (_, i) => i + 2),
    translate: (c, p) => `coalesce(${args(c, p).join(', ')})`,
  },
  {
    name: 'nvl2',
    doc: 'r_NVL2.html',
    example: "SELECT nvl2(NULL, 'not null', 'null')",
    arity: [3],
    translate: (c, p) => {
      const [e, a, b] = args(c, p);
      return `(CASE WHEN (${e}) IS NOT NULL THEN ${a} ELSE ${b} END)`;
    },
  },
  {
    name: 'decode',
    doc: 'r_DECODE_expression.html',
    example: "SELECT decode(2, 1, 'one', 2, 'two', 'other')",
    arity: Array.from({ length: 60 }, (_, i) => i + 3),
    // A NULL search value matches a NULL expression, as in Redshift.
    translate: (c, p) => {
      const [e, ...rest] = args(c, p);
      const whens: string[] = [];
      for (let i = 0; i + 1 < rest.length; i += 2) {
        whens.push(`WHEN (${e}) IS NOT DISTINCT FROM (${rest[i]}) THEN ${rest[i + 1]}`);
      }
      const dflt = rest.length % 2 === 1 ? ` ELSE ${rest[rest.length - 1]}` : '';
      return `(CASE ${whens.join(' ')}${dflt} END)`;
    },
  },
  {
    name: 'dateadd',
    doc: 'r_DATEADD_function.html',
    example: "SELECT dateadd(month, 1, '2008-01-31'::date)",
    arity: [3],
    // Returns a TIMESTAMP; adding months to a month's end clamps to the shorter month's end.
    translate: (c, p) => {
      const part = datePart(c.args[0], 'DATEADD');
      const [, n, d] = args(c, p);
      return `(CAST(${d} AS TIMESTAMP) + ${interval(part, n!)})`;
    },
  },
  {
    name: 'datediff',
    doc: 'r_DATEDIFF_function.html',
    example: "SELECT datediff(week, '2009-01-01'::date, '2009-12-31'::date)",
    arity: [3],
    // The number of date part boundaries crossed between the two values (DuckDB's date_diff).
    translate: (c, p) => {
      const part = datePart(c.args[0], 'DATEDIFF');
      const [, a, b] = args(c, p);
      if (part === 'week') {
        // Weeks start on Monday: count the Mondays crossed (DuckDB counts 7-day spans).
        return `CAST((CAST(date_trunc('week', CAST(${b} AS TIMESTAMP)) AS DATE) - CAST(date_trunc('week', CAST(${a} AS TIMESTAMP)) AS DATE)) // 7 AS BIGINT)`;
      }
      return `CAST(date_diff('${part}', CAST(${a} AS TIMESTAMP), CAST(${b} AS TIMESTAMP)) AS BIGINT)`;
    },
  },
  {
    name: 'add_months',
    doc: 'r_ADD_MONTHS.html',
    example: "SELECT add_months('2008-02-29', 12)",
    arity: [2],
    // The last day of a month maps to the last day of the resulting month.
    translate: (c, p) => {
      const [d, n] = args(c, p);
      const ts = `CAST(${d} AS TIMESTAMP)`;
      return (
        `(CASE WHEN CAST(${ts} AS DATE) = last_day(CAST(${ts} AS DATE)) ` +
        `THEN CAST(last_day(CAST(${ts} + to_months(${n}) AS DATE)) AS TIMESTAMP) + (${ts} - date_trunc('day', ${ts})) ` +
        `ELSE ${ts} + to_months(${n}) END)`
      );
    },
  },
  {
    name: 'len',
    doc: 'r_LEN.html',
    example: "SELECT len('français')",
    arity: [1],
    // Redshift returns INTEGER (DuckDB BIGINT).
    translate: (c, p) => `CAST(length(${args(c, p)[0]}) AS INTEGER)`,
  },
  {
    name: 'charindex',
    doc: 'r_CHARINDEX.html',
    example: "SELECT charindex('dog', 'fish')",
    arity: [2],
    translate: (c, p) => {
      const [needle, haystack] = args(c, p);
      return `CAST(strpos(${haystack}, ${needle}) AS INTEGER)`;
    },
  },
  {
    name: 'regexp_replace',
    doc: 'REGEXP_REPLACE.html',
    example: "SELECT regexp_replace('a1b22c', '[0-9]+', '#')",
    arity: [2, 3],
    // Redshift replaces every match (DuckDB only the first unless 'g').
    translate: (c, p) => {
      const [s, pattern, replacement] = args(c, p);
      return `regexp_replace(${s}, ${pattern}, ${replacement ?? "''"}, 'g')`;
    },
  },
  {
    name: 'listagg',
    doc: 'r_LISTAGG.html',
    example: "SELECT listagg(name, ', ') WITHIN GROUP (ORDER BY name) FROM t",
    arity: [1, 2],
    translate: (c, p) => {
      if (c.over) return undefined;
      const [e, delim] = args(c, p);
      const order = c.withinGroup?.length ? ` ORDER BY ${p.orderItems(c.withinGroup)}` : '';
      return `string_agg(${c.distinct ? 'DISTINCT ' : ''}${e}, ${delim ?? "''"}${order})`;
    },
  },
  {
    name: 'btrim',
    doc: 'r_BTRIM.html',
    example: "SELECT btrim('xyzaxyzbxyzcxyz', 'xyz')",
    arity: [1, 2],
    translate: (c, p) => `trim(${args(c, p).join(', ')})`,
  },
  {
    name: 'octet_length',
    doc: 'r_OCTET_LENGTH.html',
    example: "SELECT octet_length('français')",
    arity: [1],
    translate: (c, p) => `CAST(strlen(CAST(${args(c, p)[0]} AS VARCHAR)) AS INTEGER)`,
  },
  {
    name: 'regexp_substr',
    doc: 'REGEXP_SUBSTR.html',
    example: "SELECT regexp_substr('Email: a@b.com', '[^ ]+@[^ ]+')",
    arity: [2, 3, 4],
    // The occurrence-th match at or after position (1-based); '' when there is none.
    translate: (c, p) => {
      const [s, pattern, position, occurrence] = args(c, p);
      const from = position ? `substr(${s}, ${position})` : s;
      if (!occurrence) return `regexp_extract(${from}, ${pattern})`;
      return `coalesce(regexp_extract_all(${from}, ${pattern})[${occurrence}], '')`;
    },
  },
  {
    name: 'regexp_count',
    doc: 'REGEXP_COUNT.html',
    example: "SELECT regexp_count('abcabc', 'b')",
    arity: [2, 3],
    translate: (c, p) => {
      const [s, pattern, position] = args(c, p);
      const from = position ? `substr(${s}, ${position})` : s;
      return `CAST(len(regexp_extract_all(${from}, ${pattern})) AS INTEGER)`;
    },
  },
  {
    name: 'convert_timezone',
    doc: 'CONVERT_TIMEZONE.html',
    example: "SELECT convert_timezone('UTC', 'America/New_York', '2008-03-05 12:25:29'::timestamp)",
    arity: [2, 3],
    // The timestamp is read in the source zone (UTC when omitted) and shown in the target zone.
    translate: (c, p) => {
      const a = args(c, p);
      const [source, target, ts] = a.length === 3 ? a : ["'UTC'", a[0], a[1]];
      return `timezone(${target}, timezone(${source}, CAST(${ts} AS TIMESTAMP)))`;
    },
  },
  {
    name: 'dexp',
    doc: 'r_DEXP.html',
    example: 'SELECT dexp(1)',
    arity: [1],
    translate: (c, p) => `exp(${args(c, p)[0]})`,
  },
  {
    name: 'dlog1',
    doc: 'r_DLOG1.html',
    example: 'SELECT dlog1(2.718281828)',
    arity: [1],
    translate: (c, p) => `ln(${args(c, p)[0]})`,
  },
  {
    name: 'dlog10',
    doc: 'r_DLOG10.html',
    example: 'SELECT dlog10(100)',
    arity: [1],
    translate: (c, p) => `log10(${args(c, p)[0]})`,
  },
  {
    name: 'next_day',
    doc: 'r_NEXT_DAY.html',
    example: "SELECT next_day('2014-08-20', 'Tuesday')",
    arity: [2],
    // The first date after the given one that falls on the named day ('Tu', 'tue', 'Tuesday').
    translate: (c, p) => {
      const day = c.args[1];
      if (day?.kind !== 'StringLit') return undefined;
      const target = weekday(day.value);
      if (target === undefined) {
        throw new LakeshiftError(
          SqlState.invalidParameterValue,
          `invalid day name "${day.value}"`,
          {
            position: day.pos,
          },
        );
      }
      const d = `CAST(${args(c, p)[0]} AS DATE)`;
      return `(${d} + CAST(((${target} - isodow(${d}) + 6) % 7) + 1 AS INTEGER))`;
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
      const [a, b] = args(c, p).map((x) => `CAST(${x} AS DATE)`);
      const whole = `((year(${a}) - year(${b})) * 12 + month(${a}) - month(${b}))`;
      return (
        `CAST(CASE WHEN day(${a}) = day(${b}) OR (${a} = last_day(${a}) AND ${b} = last_day(${b})) ` +
        `THEN ${whole} ELSE ${whole} + (day(${a}) - day(${b})) / 31.0 END AS DOUBLE)`
      );
    },
  },
  {
    name: 'replicate',
    doc: 'r_REPLICATE.html',
    example: "SELECT replicate('ab', 3)",
    arity: [2],
    translate: (c, p) => `repeat(${args(c, p).join(', ')})`,
  },
  {
    name: 'quote_literal',
    doc: 'r_QUOTE_LITERAL.html',
    example: "SELECT quote_literal('it''s')",
    arity: [1],
    translate: (c, p) =>
      `('''' || replace(CAST(${args(c, p)[0]} AS VARCHAR), '''', '''''') || '''')`,
  },
  {
    name: 'lpad',
    doc: 'r_LPAD.html',
    example: "SELECT lpad('abc', 5)",
    arity: [2, 3],
    translate: (c, p) => `lpad(${args(c, p).join(', ')}${c.args.length === 2 ? ", ' '" : ''})`,
  },
  {
    name: 'rpad',
    doc: 'r_LPAD.html',
    example: "SELECT rpad('abc', 5)",
    arity: [2, 3],
    translate: (c, p) => `rpad(${args(c, p).join(', ')}${c.args.length === 2 ? ", ' '" : ''})`,
  },
  {
    name: 'concat',
    doc: 'r_CONCAT.html',
    example: "SELECT concat('a', 'b')",
    // Redshift's CONCAT takes exactly two arguments and is NULL when either is.
    arity: [2],
    translate: (c, p) => {
      const [a, b] = args(c, p);
      return `(CAST(${a} AS VARCHAR) || CAST(${b} AS VARCHAR))`;
    },
  },
  {
    name: 'initcap',
    doc: 'r_INITCAP.html',
    example: "SELECT initcap('hello world-wide web')",
    arity: [1],
    // Upper case after any character that is not a letter or digit, lower case elsewhere.
    translate: (c, p) => {
      const s = `CAST(${args(c, p)[0]} AS VARCHAR)`;
      return (
        `array_to_string(list_transform(range(1, length(${s}) + 1), __i -> CASE WHEN __i = 1 OR NOT ` +
        `regexp_matches(substr(${s}, __i - 1, 1), '[[:alnum:]]') THEN upper(substr(${s}, __i, 1)) ` +
        `ELSE lower(substr(${s}, __i, 1)) END), '')`
      );
    },
  },
  {
    name: 'to_char',
    doc: 'r_TO_CHAR.html',
    example: "SELECT to_char(timestamp '2008-04-25 12:30:45', 'MON-DD-YYYY HH12:MIPM')",
    arity: [2],
    // Dates and timestamps with a constant format; number formats are not translated yet.
    translate: (c, p) => {
      const format = c.args[1];
      if (format?.kind !== 'StringLit' || !isDatetimeFormat(format.value)) {
        throw new LakeshiftError(
          SqlState.featureNotSupported,
          'TO_CHAR supports dates and timestamps with a constant format so far',
          { position: c.pos },
        );
      }
      return datetimeFormatSql(`CAST(${args(c, p)[0]} AS TIMESTAMP)`, format.value);
    },
  },
  {
    name: 'to_date',
    doc: 'r_TO_DATE_function.html',
    example: "SELECT to_date('02 Oct 2001', 'DD Mon YYYY')",
    arity: [2, 3],
    // A value that does not fit the format fails (22007); Redshift's non-strict roll-over of
    // out-of-range days (June 31 → July 1) is not reproduced yet.
    translate: (c, p) => `CAST(strptime(${args(c, p)[0]}, ${inputFormat(c, 'TO_DATE')}) AS DATE)`,
  },
  {
    name: 'to_timestamp',
    doc: 'r_TO_TIMESTAMP.html',
    example: "SELECT to_timestamp('2017-05-18 17:20:05', 'YYYY-MM-DD HH24:MI:SS')",
    arity: [1, 2, 3],
    // TO_TIMESTAMP(string, format) is Redshift's (TIMESTAMPTZ); one argument is an epoch.
    translate: (c, p) => {
      if (c.args.length === 1) return undefined;
      return `CAST(strptime(${args(c, p)[0]}, ${inputFormat(c, 'TO_TIMESTAMP')}) AS TIMESTAMPTZ)`;
    },
  },
  {
    name: 'sha2',
    doc: 'SHA2.html',
    example: "SELECT sha2('Amazon Redshift', 256)",
    arity: [2],
    translate: (c, p) => {
      const bits = c.args[1];
      if (bits?.kind !== 'NumberLit' || !['0', '256'].includes(bits.value)) {
        throw new LakeshiftError(
          SqlState.featureNotSupported,
          'SHA2 supports 256 bits (or 0) so far',
          { position: bits?.pos },
        );
      }
      return `sha256(CAST(${args(c, p)[0]} AS VARCHAR))`;
    },
  },
];

/** The strptime format of a call's constant format argument (the second). */
function inputFormat(c: FunctionCall, fn: string): string {
  const format = c.args[1];
  const translated = format?.kind === 'StringLit' ? strptimeFormat(format.value) : undefined;
  if (translated === undefined) {
    throw new LakeshiftError(
      SqlState.featureNotSupported,
      `${fn} supports constant formats of date and time patterns so far`,
      { position: format?.pos ?? c.pos },
    );
  }
  return quoteLiteral(translated);
}

const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

/** ISO day number (Monday 1) of a day name or its abbreviation (two letters at least). */
function weekday(name: string): number | undefined {
  const n = name.trim().toLowerCase();
  if (n.length < 2) return undefined;
  const i = WEEKDAYS.findIndex((d) => d.startsWith(n));
  return i < 0 ? undefined : i + 1;
}

const BY_NAME = new Map(FUNCTIONS.map((f) => [f.name, f]));

export function redshiftFunction(name: string): RedshiftFunction | undefined {
  return BY_NAME.get(name);
}

export function redshiftFunctions(): readonly RedshiftFunction[] {
  return FUNCTIONS;
}

/** DuckDB SQL for a call of a Redshift function, or undefined when DuckDB's own applies. */
export function translateRedshiftCall(
  call: FunctionCall,
  printer: DuckDbPrinter,
): string | undefined {
  const name = call.name[call.name.length - 1]!.value;
  const fn = BY_NAME.get(name);
  if (fn === undefined || (call.name.length > 1 && call.name[0]!.value !== 'pg_catalog')) {
    return undefined;
  }
  if (!fn.arity.includes(call.args.length)) {
    throw new LakeshiftError(
      SqlState.undefinedFunction,
      `function ${name} with ${call.args.length} argument(s) does not exist`,
      { position: call.pos, hint: `See ${fn.doc} in the Redshift documentation.` },
    );
  }
  return fn.translate(call, printer);
}
