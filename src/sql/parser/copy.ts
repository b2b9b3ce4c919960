// COPY. PostgreSQL's forms for clients (psql's \copy, drivers' copy APIs):
// https://www.postgresql.org/docs/15/sql-copy.html — `WITH (FORMAT csv, HEADER true, ...)` and the
// pre-9.0 form `WITH CSV HEADER DELIMITER AS ','`, both normalized to the option list.
// Redshift's COPY from a location (s3://...): https://docs.aws.amazon.com/redshift/latest/dg/r_COPY.html
// keeps Redshift's parameters as written (name lower case, optional AS dropped); `FORMAT [AS] X`
// normalizes to the option X (`JSON 'auto'`, `PARQUET`, `CSV`).
// Redshift's auto-copy jobs: https://docs.aws.amazon.com/redshift/latest/dg/r_COPY-JOB.html —
// `COPY ... FROM 's3://...' options JOB CREATE name [AUTO ON | OFF]` is a Copy with `job`;
// `COPY JOB ALTER | RUN | LIST | SHOW | DROP ...` is a CopyJob statement.
import type { Copy, CopyJob, CopyOption, CopyValue } from '../ast/index.js';
import type { Parser } from './core.js';
import { parseQuery } from './select.js';

const BOOLEAN_WORDS: Record<string, boolean> = { true: true, on: true, false: false, off: false };

const JOB_ACTIONS = ['alter', 'run', 'list', 'show', 'drop'] as const;

export function parseCopy(p: Parser): Copy | CopyJob {
  // `COPY job FROM ...` still loads a table called job: only an action word makes it COPY JOB.
  const action = p.peek(2);
  if (
    p.isWord('job', 1) &&
    action.type === 'word' &&
    (JOB_ACTIONS as readonly string[]).includes(action.value)
  ) {
    return parseCopyJob(p);
  }
  const pos = p.expectWord('copy').pos;
  const copy: Copy = {
    kind: 'Copy',
    columns: [],
    direction: 'from',
    target: 'stdin',
    options: [],
    pos,
  };
  if (p.isWord('binary')) throw p.unsupported('COPY BINARY table (use WITH (FORMAT binary))');
  if (p.eatPunct('(')) {
    copy.query = parseQuery(p);
    p.expectPunct(')');
  } else {
    copy.table = p.parseQualifiedName();
    if (p.isPunct('(')) copy.columns = p.parseIdentList();
  }
  const dir = p.eatOneOf('from', 'to');
  if (dir === undefined) throw p.errorAt();
  copy.direction = dir;
  if (dir === 'from' && copy.query !== undefined) throw p.errorAt(p.tokens[p.i - 1]);
  const t = p.peek();
  if (dir === 'from' && p.eatWord('stdin')) copy.target = 'stdin';
  else if (dir === 'to' && p.eatWord('stdout')) copy.target = 'stdout';
  else if (t.type === 'string') {
    p.next();
    copy.target = 'location';
    copy.location = t.value;
  } else if (p.isWord('program')) {
    throw p.unsupported('COPY ... PROGRAM');
  } else {
    throw p.errorAt();
  }
  if (copy.target === 'location') {
    copy.options = parseRedshiftOptions(p);
    if (p.isWord('job')) {
      // Only a COPY from a location can become a job.
      if (copy.direction !== 'from') throw p.errorAt();
      copy.job = parseJobCreate(p);
    }
  } else {
    p.eatWord('with');
    copy.options = p.isPunct('(') ? parseOptionList(p) : parseLegacyOptions(p);
    if (p.isWord('where')) throw p.unsupported('COPY ... WHERE');
  }
  return copy;
}

/** `(name [value], ...)`. */
function parseOptionList(p: Parser): CopyOption[] {
  p.expectPunct('(');
  const opts = p.commaList((): CopyOption => {
    const name = p.parseAnyIdent().value;
    const t = p.peek();
    if (t.type === 'punct' && (t.value === ',' || t.value === ')')) {
      return { name, value: { kind: 'boolean', value: true } };
    }
    if (p.isOp('*')) {
      p.next();
      return { name, value: { kind: 'word', value: '*' } };
    }
    if (p.isPunct('(')) return { name, value: { kind: 'list', value: p.parseIdentList() } };
    return { name, value: parseValue(p, true) };
  });
  p.expectPunct(')');
  return opts;
}

function parseValue(p: Parser, booleans: boolean): CopyValue {
  const t = p.next();
  if (t.type === 'string') return { kind: 'string', value: t.value };
  if (t.type === 'number') return { kind: 'number', value: t.value };
  if (t.type === 'word' || t.type === 'qident') {
    const b = BOOLEAN_WORDS[t.value];
    if (booleans && b !== undefined && t.type === 'word') return { kind: 'boolean', value: b };
    return { kind: 'word', value: t.value };
  }
  throw p.errorAt(t);
}

/** The pre-9.0 form: BINARY, CSV, HEADER, DELIMITER [AS] 'c', NULL [AS] 'n', QUOTE, ESCAPE, FORCE. */
function parseLegacyOptions(p: Parser): CopyOption[] {
  const opts: CopyOption[] = [];
  const str = (name: string) => {
    p.eatWord('as');
    opts.push({ name, value: { kind: 'string', value: p.parseStringValue() } });
  };
  for (;;) {
    if (p.eatWord('binary'))
      opts.push({ name: 'format', value: { kind: 'word', value: 'binary' } });
    else if (p.eatWord('csv')) opts.push({ name: 'format', value: { kind: 'word', value: 'csv' } });
    else if (p.eatWord('header'))
      opts.push({ name: 'header', value: { kind: 'boolean', value: true } });
    else if (p.eatWord('delimiter')) str('delimiter');
    else if (p.eatWord('null')) str('null');
    else if (p.eatWord('quote')) str('quote');
    else if (p.eatWord('escape')) str('escape');
    else if (p.eatWord('encoding')) str('encoding');
    else if (p.eatWords('force', 'not', 'null')) {
      opts.push({
        name: 'force_not_null',
        value: { kind: 'list', value: p.commaList(() => p.parseIdent()) },
      });
    } else if (p.eatWords('force', 'quote')) {
      if (p.eatOp('*')) opts.push({ name: 'force_quote', value: { kind: 'word', value: '*' } });
      else
        opts.push({
          name: 'force_quote',
          value: { kind: 'list', value: p.commaList(() => p.parseIdent()) },
        });
    } else return opts;
  }
}

/** Redshift parameters whose value is a bare word (`COMPUPDATE OFF`, `IAM_ROLE default`). */
const WORD_VALUED = new Set(['compupdate', 'statupdate', 'iam_role', 'encoding']);
const FORMATS = new Set(['csv', 'json', 'avro', 'parquet', 'orc', 'shapefile', 'fixedwidth']);

function parseRedshiftOptions(p: Parser): CopyOption[] {
  const opts: CopyOption[] = [];
  p.eatWord('with');
  for (;;) {
    const t = p.peek();
    // No COPY parameter is called JOB: it starts the JOB CREATE clause.
    if (t.type !== 'word' || t.value === 'job') return opts;
    p.next();
    let name = t.value;
    if (name === 'format') {
      p.eatWord('as');
      const f = p.peek();
      if (f.type !== 'word' || !FORMATS.has(f.value)) throw p.errorAt(f);
      p.next();
      name = f.value;
    }
    p.eatWord('as');
    const v = p.peek();
    if (v.type === 'string' || v.type === 'number') {
      opts.push({ name, value: parseValue(p, false) });
    } else if (v.type === 'word' && v.value !== 'job' && WORD_VALUED.has(name)) {
      opts.push({ name, value: parseValue(p, false) });
    } else {
      opts.push({ name });
    }
  }
}

/** `JOB CREATE name [AUTO ON | OFF]` at the end of a COPY from a location. */
function parseJobCreate(p: Parser): NonNullable<Copy['job']> {
  const first = p.expectWord('job');
  p.expectWord('create');
  const name = p.parseIdent();
  const auto = parseAuto(p) ?? true;
  const last = p.tokens[p.i - 1] ?? first;
  return { name, auto, pos: first.pos, span: { start: first.start, end: last.end } };
}

/** `[AUTO ON | OFF]`: true, false, or undefined when AUTO is not written. */
function parseAuto(p: Parser): boolean | undefined {
  if (!p.eatWord('auto')) return undefined;
  const v = p.eatOneOf('on', 'off');
  if (v === undefined) throw p.errorAt();
  return v === 'on';
}

/** `COPY JOB ALTER name [AUTO ON | OFF] | RUN name | LIST | SHOW name | DROP name`. */
function parseCopyJob(p: Parser): CopyJob {
  const pos = p.expectWord('copy').pos;
  p.expectWord('job');
  const action = p.eatOneOf(...JOB_ACTIONS);
  if (action === undefined) throw p.errorAt();
  if (action === 'list') return { kind: 'CopyJob', action, pos };
  const name = p.parseIdent();
  const auto = action === 'alter' ? parseAuto(p) : undefined;
  return { kind: 'CopyJob', action, name, ...(auto !== undefined ? { auto } : {}), pos };
}
