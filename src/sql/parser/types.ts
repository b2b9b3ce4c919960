// Type names: PostgreSQL and Redshift spellings, modifiers, time zones, interval fields, arrays.
// https://docs.aws.amazon.com/redshift/latest/dg/c_Supported_data_types.html
import type { TypeModifier, TypeName } from '../ast/index.js';
import type { Parser } from './core.js';
import { COL_NAME, isFuncName } from './keywords.js';
import { quoteIdent as quoteIdentText } from '../../common/sql-quote.js';

/** Single-word spellings and their canonical names. */
const SIMPLE: Record<string, string> = {
  smallint: 'int2',
  int2: 'int2',
  integer: 'int4',
  int: 'int4',
  int4: 'int4',
  bigint: 'int8',
  int8: 'int8',
  decimal: 'numeric',
  dec: 'numeric',
  numeric: 'numeric',
  real: 'float4',
  float4: 'float4',
  float8: 'float8',
  boolean: 'bool',
  bool: 'bool',
  bpchar: 'bpchar',
  nchar: 'bpchar',
  varchar: 'varchar',
  nvarchar: 'varchar',
  text: 'text',
  date: 'date',
  timetz: 'timetz',
  timestamptz: 'timestamptz',
  super: 'super',
  varbyte: 'varbyte',
  varbinary: 'varbyte',
  geometry: 'geometry',
  geography: 'geography',
  hllsketch: 'hllsketch',
  interval: 'interval',
  time: 'time',
  timestamp: 'timestamp',
  float: 'float8',
  character: 'bpchar',
  char: 'bpchar',
};

const INTERVAL_FIELDS = ['year', 'month', 'day', 'hour', 'minute', 'second'];

/** Words that begin a built-in multi-word or keyword type name. */
export function startsBuiltinType(p: Parser): boolean {
  const t = p.peek();
  return (
    t.type === 'word' &&
    (SIMPLE[t.value] !== undefined ||
      t.value === 'double' ||
      t.value === 'national' ||
      (t.value === 'binary' && p.isWord('varying', 1)))
  );
}

function parseModifiers(p: Parser): TypeModifier[] {
  if (!p.eatPunct('(')) return [];
  const mods = p.commaList((): TypeModifier => {
    if (p.eatWord('max')) return 'max';
    const neg = p.eatOp('-');
    const n = p.parseInteger();
    return neg ? -n : n;
  });
  p.expectPunct(')');
  return mods;
}

/** `[WITH | WITHOUT] TIME ZONE` after time/timestamp. */
function parseTimeZone(p: Parser): boolean | undefined {
  if (p.eatWords('with', 'time', 'zone')) return true;
  if (p.eatWords('without', 'time', 'zone')) return false;
  return undefined;
}

/** Interval fields: `day`, `year to month`, `day to second`, with `second(p)` allowed. */
export function parseIntervalFields(p: Parser): string | undefined {
  const first = p.eatOneOf(...INTERVAL_FIELDS);
  if (first === undefined) return undefined;
  let out = first;
  if (p.isWord('to') && INTERVAL_FIELDS.includes(p.peek(1).value) && p.peek(1).type === 'word') {
    p.next();
    out += ` to ${p.next().value}`;
  }
  return out;
}

export function parseTypeName(p: Parser): TypeName {
  const start = p.peek();
  const base = parseBaseType(p);
  let arrayDims = 0;
  for (;;) {
    if (p.isPunct('[')) {
      p.next();
      if (p.peek().type === 'number') p.parseInteger();
      p.expectPunct(']');
      arrayDims++;
    } else if (p.isWord('array')) {
      p.next();
      if (p.eatPunct('[')) {
        p.parseInteger();
        p.expectPunct(']');
      }
      arrayDims++;
    } else {
      break;
    }
  }
  return { ...base, arrayDims, pos: start.pos };
}

function parseBaseType(p: Parser): TypeName {
  const t = p.peek();
  const mk = (name: string, spelling: string, extra: Partial<TypeName> = {}): TypeName => ({
    kind: 'TypeName',
    name,
    spelling,
    modifiers: [],
    arrayDims: 0,
    ...extra,
  });
  if (t.type === 'qident') {
    p.next();
    if (p.eatPunct('.')) {
      const name = p.parseAnyIdent();
      const spelling = name.quoted ? quoteIdentText(name.value) : name.value;
      return mk(name.value, spelling, {
        schema: { value: t.value, quoted: true },
        modifiers: parseModifiers(p),
      });
    }
    return mk(t.value, quoteIdentText(t.value), { modifiers: parseModifiers(p) });
  }
  if (t.type !== 'word') throw p.errorAt(t);
  const w = t.value;
  if (w === 'double') {
    p.next();
    p.expectWord('precision');
    return mk('float8', 'double precision');
  }
  if (w === 'binary' && p.isWord('varying', 1)) {
    p.i += 2;
    return mk('varbyte', 'binary varying', { modifiers: parseModifiers(p) });
  }
  if (w === 'national') {
    p.next();
    const c = p.eatOneOf('character', 'char');
    if (c === undefined) throw p.errorAt();
    const varying = p.eatWord('varying');
    return mk(varying ? 'varchar' : 'bpchar', `national ${c}${varying ? ' varying' : ''}`, {
      modifiers: parseModifiers(p),
    });
  }
  if ((w === 'character' || w === 'char' || w === 'nchar') && p.isWord('varying', 1)) {
    p.i += 2;
    return mk('varchar', `${w} varying`, { modifiers: parseModifiers(p) });
  }
  if (w === 'time' || w === 'timestamp') {
    p.next();
    const modifiers = parseModifiers(p);
    const tz = parseTimeZone(p);
    const name = tz === true ? `${w}tz` : w;
    return mk(name, w, tz === undefined ? { modifiers } : { modifiers, withTimeZone: tz });
  }
  if (w === 'interval') {
    p.next();
    const fields = parseIntervalFields(p);
    const modifiers = parseModifiers(p);
    return mk(
      'interval',
      'interval',
      fields === undefined ? { modifiers } : { modifiers, intervalFields: fields },
    );
  }
  if (w === 'float') {
    p.next();
    const modifiers = parseModifiers(p);
    const prec = modifiers[0];
    const name = typeof prec === 'number' && prec <= 24 ? 'float4' : 'float8';
    return mk(name, 'float', { modifiers });
  }
  const simple = SIMPLE[w];
  if (simple !== undefined) {
    p.next();
    return mk(simple, w, { modifiers: parseModifiers(p) });
  }
  if (!isFuncName(w) || (COL_NAME.has(w) && !p.isPunct('.', 1))) throw p.errorAt(t);
  p.next();
  if (p.isPunct('.')) {
    p.next();
    const name = p.parseAnyIdent();
    const spelling = name.quoted ? quoteIdentText(name.value) : name.value;
    return mk(name.value, spelling, {
      schema: { value: t.value, quoted: false },
      modifiers: parseModifiers(p),
    });
  }
  return mk(w, w, { modifiers: parseModifiers(p) });
}
