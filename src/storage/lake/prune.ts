// File pruning: a data file whose min/max statistics prove that no row can satisfy a simple
// predicate is left out of the scan. When in doubt (no stats, an unordered type, a value whose
// text form we cannot compare exactly) the file stays in.
import type { ColumnFilter, ColumnInfo } from './types.js';

export interface FileStats {
  min: string;
  max: string;
}

type Compare = (a: string, b: string) => number | undefined;

const INTEGER_TYPE =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT)$/i;
const FLOAT_OR_DECIMAL_TYPE = /^(FLOAT|DOUBLE|REAL|DECIMAL\(\d+,\s*\d+\))$/i;
const DATE_TIME_TYPE = /^(DATE|TIMESTAMP|TIME)$/i;
const INTEGER_TEXT = /^-?\d+$/;
// At most 15 significant digits: parsing to a double is then exact enough to order correctly.
const SHORT_DECIMAL_TEXT = /^-?(?=[\d.]{1,16}$)\d*\.?\d*$/;
const FIXED_DATE_TIME_TEXT =
  /^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2}(\.\d+)?)?$|^\d{2}:\d{2}:\d{2}(\.\d+)?$/;

const compareIntegers: Compare = (a, b) => {
  if (!INTEGER_TEXT.test(a) || !INTEGER_TEXT.test(b)) return undefined;
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
};

const compareShortDecimals: Compare = (a, b) => {
  if (!SHORT_DECIMAL_TEXT.test(a) || !SHORT_DECIMAL_TEXT.test(b)) return undefined;
  const x = Number(a);
  const y = Number(b);
  if (Number.isNaN(x) || Number.isNaN(y)) return undefined;
  return Math.sign(x - y);
};

/** Dates and times in fixed-width text (years 0000-9999) order like their text. */
const compareFixedDateTimes: Compare = (a, b) => {
  if (!FIXED_DATE_TIME_TEXT.test(a) || !FIXED_DATE_TIME_TEXT.test(b)) return undefined;
  // Pad fractions so "12:00:00" sorts before "12:00:00.5".
  const pad = (s: string) => (s.includes('.') ? s.padEnd(26, '0') : `${s}.`.padEnd(26, '0'));
  return pad(a) < pad(b) ? -1 : pad(a) > pad(b) ? 1 : 0;
};

/** DuckDB orders VARCHAR by UTF-8 bytes. */
const compareUtf8: Compare = (a, b) =>
  Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

function comparatorFor(type: string): Compare | undefined {
  const t = type.trim();
  if (INTEGER_TYPE.test(t)) return compareIntegers;
  if (FLOAT_OR_DECIMAL_TYPE.test(t)) return compareShortDecimals;
  if (DATE_TIME_TYPE.test(t)) return compareFixedDateTimes;
  if (/^VARCHAR$/i.test(t)) return compareUtf8;
  return undefined;
}

/** False only when the stats prove that no value in [min, max] satisfies the filter. */
export function mayMatch(filter: ColumnFilter, column: ColumnInfo, stats: FileStats): boolean {
  const compare = comparatorFor(column.type);
  if (compare === undefined) return true;
  const vsMin = compare(filter.value, stats.min);
  const vsMax = compare(filter.value, stats.max);
  if (vsMin === undefined || vsMax === undefined) return true;
  switch (filter.op) {
    case '=':
      return vsMin >= 0 && vsMax <= 0;
    case '<':
      return vsMin > 0; // some value < v exists only if min < v
    case '<=':
      return vsMin >= 0;
    case '>':
      return vsMax < 0;
    case '>=':
      return vsMax <= 0;
  }
}
