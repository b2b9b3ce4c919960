// Redshift's numeric format strings (TO_CHAR of a number, TO_NUMBER), as PostgreSQL reads them:
// 9 and 0 are digit positions (0 keeps leading zeros), . or D the decimal point, , or G a group
// separator, S a sign anchored to the number, MI/PL/SG a sign in place, PR angle brackets for a
// negative value, L the currency symbol ($), RN roman numerals, TH an ordinal suffix, FM fill mode
// (no padding blanks, no trailing zeros after the point), "..." literal text.
// https://docs.aws.amazon.com/redshift/latest/dg/r_Numeric_formating.html
// https://www.postgresql.org/docs/15/functions-formatting.html (table 9.28)

export type NumberItem =
  | { k: 'digit'; zero: boolean }
  | { k: 'point' }
  | { k: 'group' }
  | { k: 'sign'; kind: 'S' | 'MI' | 'PL' | 'SG' }
  | { k: 'pr' }
  | { k: 'currency' }
  | { k: 'roman'; lower: boolean }
  | { k: 'ordinal'; upper: boolean }
  | { k: 'text'; s: string };

export interface NumberFormat {
  items: NumberItem[];
  /** FM: no padding blanks, no trailing zeros in 9 positions after the point. */
  fm: boolean;
  /** Digit positions before the decimal point (all of them when there is none). */
  pre: number;
  /** Digit positions after the decimal point. */
  post: number;
  hasPoint: boolean;
}

/** A format pattern that is valid but not implemented (V, EEEE): the caller reports 0A000. */
export class UnsupportedNumberFormat extends Error {}

/** Parses a numeric format string. */
export function parseNumberFormat(format: string): NumberFormat {
  const items: NumberItem[] = [];
  let fm = false;
  let pre = 0;
  let post = 0;
  let hasPoint = false;
  for (let i = 0; i < format.length;) {
    const rest = format.slice(i);
    const up = rest.toUpperCase();
    const c = format[i]!;
    if (c === '"') {
      const end = format.indexOf('"', i + 1);
      items.push({ k: 'text', s: format.slice(i + 1, end < 0 ? undefined : end) });
      i = end < 0 ? format.length : end + 1;
    } else if (up.startsWith('FM')) {
      fm = true;
      i += 2;
    } else if (c === '9' || c === '0') {
      items.push({ k: 'digit', zero: c === '0' });
      if (hasPoint) post++;
      else pre++;
      i++;
    } else if ((c === '.' || up.startsWith('D')) && !hasPoint) {
      items.push({ k: 'point' });
      hasPoint = true;
      i++;
    } else if (c === ',' || c === 'G' || c === 'g') {
      items.push({ k: 'group' });
      i++;
    } else if (up.startsWith('MI') || up.startsWith('PL') || up.startsWith('SG')) {
      items.push({ k: 'sign', kind: up.slice(0, 2) as 'MI' | 'PL' | 'SG' });
      i += 2;
    } else if (up.startsWith('PR')) {
      items.push({ k: 'pr' });
      i += 2;
    } else if (up.startsWith('RN')) {
      items.push({ k: 'roman', lower: rest.startsWith('rn') });
      i += 2;
    } else if (up.startsWith('TH')) {
      items.push({ k: 'ordinal', upper: rest.startsWith('TH') });
      i += 2;
    } else if (up.startsWith('EEEE')) {
      throw new UnsupportedNumberFormat('the EEEE (scientific notation) format pattern');
    } else if (c === 'S' || c === 's') {
      items.push({ k: 'sign', kind: 'S' });
      i++;
    } else if (c === 'L' || c === 'l') {
      items.push({ k: 'currency' });
      i++;
    } else if (c === 'V' || c === 'v') {
      throw new UnsupportedNumberFormat('the V (shift digits) format pattern');
    } else {
      const last = items[items.length - 1];
      if (last?.k === 'text') last.s += c;
      else items.push({ k: 'text', s: c });
      i++;
    }
  }
  return { items, fm, pre, post, hasPoint };
}

/** True when a format reads as a numeric format: digit positions (9, 0) or RN and nothing else. */
export function isNumberFormat(format: string): boolean {
  const unquoted = format.replace(/"[^"]*"/g, '');
  if (!/[90]|RN/i.test(unquoted)) return false;
  return /^(FM|MI|PL|SG|PR|RN|TH|[90.,DGSL$ \-+<>])+$/i.test(unquoted);
}

/**
 * The absolute value `digits` (a plain decimal string, no sign) rounded to `scale` decimals:
 * halves away from zero (NUMERIC), or to even (a DOUBLE's exact binary value, as C's printf).
 */
export function roundDecimal(digits: string, scale: number, halfEven: boolean): string {
  const [int = '0', frac = ''] = digits.split('.');
  const kept = frac.slice(0, scale).padEnd(scale, '0');
  const rest = frac.slice(scale);
  let up = false;
  if (rest.length > 0 && rest[0]! >= '5') {
    const tie = rest[0] === '5' && /^0*$/.test(rest.slice(1));
    const lastDigit = Number((int + kept).slice(-1));
    up = !(tie && halfEven && lastDigit % 2 === 0);
  }
  let n = BigInt(int + kept);
  if (up) n += 1n;
  const s = n.toString().padStart(scale + 1, '0');
  return scale === 0 ? s : `${s.slice(0, -scale)}.${s.slice(-scale)}`;
}

const ROMAN: [number, string][] = [
  [1000, 'M'],
  [900, 'CM'],
  [500, 'D'],
  [400, 'CD'],
  [100, 'C'],
  [90, 'XC'],
  [50, 'L'],
  [40, 'XL'],
  [10, 'X'],
  [9, 'IX'],
  [5, 'V'],
  [4, 'IV'],
  [1, 'I'],
];

function roman(n: number): string {
  let out = '';
  for (const [v, s] of ROMAN) {
    while (n >= v) {
      out += s;
      n -= v;
    }
  }
  return out;
}

function ordinal(n: bigint): string {
  const last2 = Number(n % 100n);
  if (last2 >= 11 && last2 <= 13) return 'th';
  return ['th', 'st', 'nd', 'rd'][Number(n % 10n)] ?? 'th';
}

/**
 * TO_CHAR of a number: `value` is its exact decimal text ("-125.8"); `halfEven` rounds ties to
 * even (DOUBLE PRECISION and REAL values, as PostgreSQL's float formatting does).
 */
export function formatNumber(value: string, format: NumberFormat, halfEven = false): string {
  const negativeInput = value.startsWith('-');
  const abs = negativeInput ? value.slice(1) : value;
  const rounded = roundDecimal(abs, format.post, halfEven);
  const [intRaw, frac = ''] = rounded.split('.');
  const isZero = /^[0.]*$/.test(rounded);
  const negative = negativeInput && !isZero;
  let int = intRaw!.replace(/^0+/, '');
  if (int === '' && !format.hasPoint) int = '0';

  if (format.items.some((i) => i.k === 'roman')) return formatRoman(format, int, negative);

  const overflow = int.length > format.pre;
  const explicitSign = format.items.some(
    (i) => (i.k === 'sign' && i.kind !== 'PL') || i.k === 'pr',
  );
  const anchoredSign = format.items.some((i) => (i.k === 'sign' && i.kind === 'S') || i.k === 'pr');
  const pr = format.items.some((i) => i.k === 'pr');
  const sIndex = format.items.findIndex((i) => i.k === 'sign' && i.kind === 'S');
  const firstDigit = format.items.findIndex((i) => i.k === 'digit' || i.k === 'point');
  const trailingS = sIndex > firstDigit && firstDigit >= 0;
  const zeroStart = (() => {
    let n = 0;
    for (const it of format.items) {
      if (it.k === 'point') break;
      if (it.k === 'digit') {
        if (it.zero) return n;
        n++;
      }
    }
    return Infinity;
  })();

  // The number's own text (digits, separators, point) with leading blanks, then the sign anchored
  // before its first printed character.
  let out = '';
  let body = '';
  let bodyStarted = false;
  let intPos = 0;
  let fracPos = 0;
  let started = false; // a digit of the integer part has been printed
  const lead = format.pre - int.length;
  const flushBody = () => {
    if (!bodyStarted) return;
    out += anchor(body);
    body = '';
    bodyStarted = false;
  };
  const anchorChar = (): string => {
    if (pr) return negative ? '<' : format.fm ? '' : ' ';
    if (anchoredSign && !trailingS) return negative ? '-' : '+';
    if (explicitSign) return '';
    return negative ? '-' : format.fm ? '' : ' ';
  };
  const anchor = (text: string): string => {
    const m = /^ */.exec(text)![0].length;
    return text.slice(0, m) + anchorChar() + text.slice(m);
  };
  const lastFracKept = (() => {
    if (!format.fm) return format.post;
    // FM drops trailing zeros that sit in 9 positions.
    let keep = format.post;
    const fracDigits = format.items.filter((i) => i.k === 'digit').slice(format.pre);
    while (keep > 0 && frac[keep - 1] === '0' && !fracDigits[keep - 1]!.zero) keep--;
    return keep;
  })();

  for (const it of format.items) {
    switch (it.k) {
      case 'digit': {
        bodyStarted = true;
        if (intPos < format.pre) {
          const j = intPos++;
          if (overflow) body += '#';
          else if (j < lead) {
            if (j >= zeroStart) {
              body += '0';
              started = true;
            } else if (!format.fm) body += ' ';
          } else {
            body += int[j - lead]!;
            started = true;
          }
        } else {
          const j = fracPos++;
          if (overflow) body += '#';
          else if (j < lastFracKept) body += frac[j]!;
        }
        break;
      }
      case 'point':
        bodyStarted = true;
        body += '.';
        break;
      case 'group':
        if (started || overflow) body += ',';
        else if (!format.fm) body += ' ';
        break;
      default:
        // A leading S is the anchored sign, written with the number.
        if (it.k === 'sign' && it.kind === 'S' && !trailingS) break;
        flushBody();
        out += itemText(it, negative, int, format.fm);
    }
  }
  flushBody();
  if (pr) out += negative ? '>' : format.fm ? '' : ' ';
  return out;
}

function itemText(it: NumberItem, negative: boolean, int: string, fm: boolean): string {
  switch (it.k) {
    case 'sign':
      switch (it.kind) {
        case 'S':
          return negative ? '-' : '+';
        case 'MI':
          return negative ? '-' : fm ? '' : ' ';
        case 'PL':
          return negative ? (fm ? '' : ' ') : '+';
        case 'SG':
          return negative ? '-' : '+';
      }
      return '';
    case 'currency':
      return '$';
    case 'ordinal': {
      const suffix = ordinal(BigInt(int === '' ? '0' : int));
      return it.upper ? suffix.toUpperCase() : suffix;
    }
    case 'text':
      return it.s;
    default:
      return '';
  }
}

function formatRoman(format: NumberFormat, int: string, negative: boolean): string {
  const n = Number(int === '' ? '0' : int);
  let out = '';
  for (const it of format.items) {
    if (it.k === 'roman') {
      let r = n >= 1 && n <= 3999 && !negative ? roman(n) : '#'.repeat(15);
      if (it.lower) r = r.toLowerCase();
      out += format.fm ? r : r.padStart(15, ' ');
    } else if (it.k === 'text') {
      out += it.s;
    }
  }
  return out;
}
