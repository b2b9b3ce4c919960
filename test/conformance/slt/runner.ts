// A small sqllogictest-style runner: SQL in, rows or a SQLSTATE out, through the real `pg`
// client (simple query protocol, every value in PostgreSQL's text format).
//
// A file is a list of records separated by blank lines. Lines starting with `#` are comments.
//
//   statement ok [TAG]                the SQL must succeed (and its command tag must be TAG,
//                                     e.g. `statement ok UPDATE 2`, `statement ok ROLLBACK`)
//   statement error [SQLSTATE] [msg]  the SQL must fail (with that SQLSTATE; the message must
//                                     contain msg, case-insensitively)
//   query <types> [rowsort|nosort|valuesort] [colnames]
//     SQL …
//     ----
//     expected rows, one per line, values separated by a tab; NULL for SQL NULL, (empty) for
//     the empty string. <types> has one letter per column (I integer, R real, T text, B bool,
//     D date/time, N numeric); only their count is checked. rowsort sorts the rows of both sides
//     before comparing (as strings), valuesort sorts all values. colnames: the first expected
//     line holds the result's column names.
//   connection <name> [user=U password=P] [database=D]
//                                     the following records run on connection <name> (its own
//                                     pg.Client, i.e. its own session, opened on first use, as
//                                     user U with password P if given, else as the superuser;
//                                     to database D if given, else the target's database);
//                                     the first connection is `default`. If the log-in fails,
//                                     the next record gets the log-in error (so `statement error
//                                     28P01` can expect it) and the connection is forgotten.
//   disconnect <name>                 closes that session; a later `connection <name>` opens a
//                                     new one.
//   skipif <target> [# reason]        skip the next record on that target (lakeshift|postgres)
//   onlyif <target> [# reason]        run the next record only on that target
//   halt                              stop reading the file
//
// A skip whose reason starts with `BUG` marks a known Lakeshift bug: set SLT_RUN_BUGS=1 to run
// those records anyway and see what they do now (the result lists the ones that pass: their skip
// can go). A skip whose reason starts with `LATER` marks a case that needs a feature of a later
// issue (`skipif lakeshift # LATER issue 5: SUPER`); it is listed but left out of the pass rate.
// A condition whose reason starts with `WORKAROUND` marks a record that stands in for a
// bug-skipped one (so that later records see the same data); SLT_RUN_BUGS=1 leaves it out.
//
// Citations. Every statement and query cites the Redshift documentation it checks, in the comment
// block above it: a comment line that starts with a page name of
// docs.aws.amazon.com/redshift/latest/dg/ (`# r_DATEDIFF_function: boundary counting`; names
// starting r_, c_ or t_; upper-case names with underscores such as REGEXP_SUBSTR or
// SYS_QUERY_HISTORY and hyphenated lower-case names such as crc32-function when a colon follows
// them, `# REGEXP_SUBSTR: ...`), a line holding a docs.aws.amazon.com/.../redshift/... page address,
// or `# seed 004:123` for a statement taken from line 123 of seed document 004 (the suite checks
// that the record's SQL is that statement, unchanged but for whitespace-only lines). A comment block
// (comment lines, possibly with skipif/onlyif lines among them) applies to the records after it
// up to the next comment block, so one citation can head a group of records that check the same
// page; a block without a citation leaves the records after it uncited.
import { readFileSync } from 'node:fs';
import pg from 'pg';
import type { Target, TargetKind } from '../../support/server.js';

export type SortMode = 'nosort' | 'rowsort' | 'valuesort';

/** pg.Client settings a `connection` record overrides. */
interface ConnectionLogin {
  user?: string;
  password?: string;
  database?: string;
}

export interface Condition {
  kind: 'skipif' | 'onlyif';
  target: string;
  reason: string;
}

interface Base {
  file: string;
  line: number;
  conditions: Condition[];
  /** The documentation page (or seed line) the record's comment block cites, if any. */
  citation?: string;
  /** `seed NNN:LINE` in the comment block right above the record: the statement is copied from there. */
  seed?: { doc: string; line: number };
}

export type SltRecord =
  | (Base & { kind: 'statement'; sql: string; expectError: false; tag?: string })
  | (Base & {
      kind: 'statement';
      sql: string;
      expectError: true;
      sqlstate?: string;
      message?: string;
    })
  | (Base & {
      kind: 'query';
      sql: string;
      types: string;
      sort: SortMode;
      colnames: boolean;
      expected: string[];
    })
  | (Base & { kind: 'connection'; name: string; login?: ConnectionLogin })
  | (Base & { kind: 'disconnect'; name: string })
  | (Base & { kind: 'halt' });

export class SltSyntaxError extends Error {}

/** A Redshift documentation page name as the first word of a comment (see the top). */
const PAGE_NAME = /^(?:[rct]_[A-Za-z0-9_-]+|[A-Za-z][A-Za-z0-9]*(?:[_-][A-Za-z0-9]+)+(?=:))/;
const PAGE_URL =
  /docs\.(?:aws\.amazon\.com|amazonaws\.cn)\/(?:[a-z_]+\/)?redshift\/[\w/-]*[\w-]+\.html/;
const SEED_LINE = /^seed (\d{3}):(\d+)\b/;

/** The citation a comment line carries (its text after `#`), or undefined. */
export function citationOf(comment: string): string | undefined {
  const text = comment.trim();
  return SEED_LINE.exec(text)?.[0] ?? PAGE_NAME.exec(text)?.[0] ?? PAGE_URL.exec(text)?.[0];
}

/** Parses the text of an .slt file into records. */
export function parseSlt(text: string, file: string): SltRecord[] {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const records: SltRecord[] = [];
  let i = 0;
  let conditions: Condition[] = [];
  // The citation in force (from the last comment block) and the one the open block collects.
  let citation: string | undefined;
  let block:
    { comments: boolean; citation?: string; seed?: { doc: string; line: number } } | undefined;
  const closeBlock = () => {
    if (block?.comments) citation = block.citation;
    block = undefined;
  };
  const fail = (line: number, why: string): never => {
    throw new SltSyntaxError(`${file}:${line}: ${why}`);
  };
  // Collects SQL lines until a blank line (or `----` when stopAtDashes).
  const readSql = (stopAtDashes: boolean): string => {
    const sql: string[] = [];
    while (i < lines.length) {
      const l = lines[i] as string;
      if (l.trim() === '') break;
      if (stopAtDashes && l === '----') break;
      sql.push(l);
      i++;
    }
    return sql.join('\n');
  };
  while (i < lines.length) {
    const raw = lines[i] as string;
    const line = i + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) {
      if (trimmed === '' && conditions.length > 0)
        fail(line, 'skipif/onlyif must precede a record');
      if (trimmed === '') closeBlock();
      else {
        block ??= { comments: false };
        block.comments = true;
        block.citation ??= citationOf(trimmed.slice(1));
        const seed = SEED_LINE.exec(trimmed.slice(1).trim());
        if (seed !== null) block.seed ??= { doc: seed[1] as string, line: Number(seed[2]) };
      }
      i++;
      continue;
    }
    const hash = raw.indexOf(' #');
    const head = (hash >= 0 ? raw.slice(0, hash) : raw).trim();
    const comment = hash >= 0 ? raw.slice(hash + 2).trim() : '';
    const words = head.split(/\s+/);
    i++;
    const seed = block?.seed;
    if (words[0] === 'skipif' || words[0] === 'onlyif') {
      block ??= { comments: false };
    } else {
      closeBlock();
    }
    const base = {
      file,
      line,
      conditions,
      ...(citation !== undefined ? { citation } : {}),
      ...(seed !== undefined ? { seed } : {}),
    };
    switch (words[0]) {
      case 'skipif':
      case 'onlyif': {
        if (words.length !== 2) fail(line, `${words[0]} takes one target`);
        conditions = [
          ...conditions,
          { kind: words[0], target: words[1] as string, reason: comment },
        ];
        continue;
      }
      case 'statement': {
        if (words[1] === 'ok') {
          const tag = words.slice(2).join(' ');
          const sql = readSql(false);
          if (sql === '') fail(line, 'statement without SQL');
          records.push({
            ...base,
            kind: 'statement',
            sql,
            expectError: false,
            ...(tag !== '' ? { tag } : {}),
          });
        } else if (words[1] === 'error') {
          // The message substring is the rest of the header after the SQLSTATE, verbatim.
          const rest = head.replace(/^statement\s+error\s*/, '');
          const m = /^([0-9A-Z]{5})(?:\s+(.*))?$/.exec(rest);
          const sqlstate = m?.[1];
          const message = m !== null ? m[2] : rest !== '' ? rest : undefined;
          const sql = readSql(false);
          if (sql === '') fail(line, 'statement without SQL');
          records.push({
            ...base,
            kind: 'statement',
            sql,
            expectError: true,
            ...(sqlstate !== undefined ? { sqlstate } : {}),
            ...(message !== undefined && message !== '' ? { message } : {}),
          });
        } else {
          fail(line, `expected "statement ok" or "statement error", found "${head}"`);
        }
        break;
      }
      case 'query': {
        const types = words[1];
        if (types === undefined || !/^[A-Z]+$/.test(types)) fail(line, 'query needs column types');
        let sort: SortMode = 'nosort';
        let colnames = false;
        for (const w of words.slice(2)) {
          if (w === 'nosort' || w === 'rowsort' || w === 'valuesort') sort = w;
          else if (w === 'colnames') colnames = true;
          else fail(line, `unknown query option "${w}"`);
        }
        const sql = readSql(true);
        if (sql === '') fail(line, 'query without SQL');
        if (lines[i] !== '----') fail(i + 1, 'query needs ---- before its expected rows');
        i++;
        const expected: string[] = [];
        while (i < lines.length && (lines[i] as string) !== '') {
          expected.push(lines[i] as string);
          i++;
        }
        records.push({
          ...base,
          kind: 'query',
          sql,
          types: types as string,
          sort,
          colnames,
          expected,
        });
        break;
      }
      case 'connection': {
        const opts = new Map<string, string>();
        for (const w of words.slice(2)) {
          const m = /^(user|password|database)=(.*)$/.exec(w);
          if (m === null) {
            fail(line, `connection options are user=U password=P database=D, found "${w}"`);
          } else opts.set(m[1] as string, m[2] as string);
        }
        if (words.length < 2 || opts.has('user') !== opts.has('password')) {
          fail(line, 'connection takes a name, optionally with both user=U and password=P');
        }
        const login = opts.size > 0 ? (Object.fromEntries(opts) as ConnectionLogin) : undefined;
        records.push({
          ...base,
          kind: 'connection',
          name: words[1] as string,
          ...(login ? { login } : {}),
        });
        break;
      }
      case 'disconnect': {
        if (words.length !== 2) fail(line, 'disconnect takes one name');
        records.push({ ...base, kind: 'disconnect', name: words[1] as string });
        break;
      }
      case 'halt':
        records.push({ ...base, kind: 'halt' });
        break;
      default:
        fail(line, `unknown record "${head}"`);
    }
    conditions = [];
  }
  return records;
}

export interface SltFailure {
  where: string;
  sql: string;
  expected: string;
  actual: string;
}

export interface SltSkip {
  where: string;
  sql: string;
  reason: string;
}

export interface SltResult {
  file: string;
  /**
   * The statements and queries that are cases on this target: those it ran, plus those skipped
   * as a known BUG or as needing a LATER issue (not those meant for the other target only).
   */
  cases: number;
  /** Of those, the ones whose comment block cites a documentation page. */
  cited: number;
  ran: number;
  passed: number;
  /** Skipped as a known Lakeshift bug (they count against the pass rate). */
  bugs: SltSkip[];
  /** Skipped as needing a later issue (left out of the pass rate). */
  later: SltSkip[];
  /** Every skipped record, whatever the reason. */
  skipped: SltSkip[];
  failures: SltFailure[];
  /** With SLT_RUN_BUGS=1: the records marked as a known bug that now pass (remove their skip). */
  fixed: SltSkip[];
  /** With SLT_RUN_BUGS=1: the records marked as a known bug, still failing (also in failures). */
  stillFailing: SltSkip[];
}

/** Whether a record is skipped on `target`, and the reason given for it. */
function skipReason(rec: SltRecord, target: TargetKind): string | undefined {
  for (const c of rec.conditions) {
    if (c.kind === 'skipif' && c.target === target) return c.reason || `skipif ${c.target}`;
    if (c.kind === 'onlyif' && c.target !== target) return `onlyif ${c.target}`;
  }
  return undefined;
}

const QUERY_TIMEOUT_MS = 120_000;

/** Text-format values, exactly as the server sent them. */
const TEXT_TYPES = { getTypeParser: () => (value: string) => value };

/** The text of one value in expected-row form. */
function cell(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  const s = String(value);
  return s === '' ? '(empty)' : s;
}

interface PgError extends Error {
  code?: string;
}

const compareStrings = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Runs the records of `file` against `target`; never throws for a wrong result. */
export async function runSltFile(path: string, target: Target, name = path): Promise<SltResult> {
  const records = parseSlt(readFileSync(path, 'utf8'), name);
  const runBugs = process.env.SLT_RUN_BUGS === '1';
  const result: SltResult = {
    file: name,
    cases: 0,
    cited: 0,
    ran: 0,
    passed: 0,
    bugs: [],
    later: [],
    skipped: [],
    failures: [],
    fixed: [],
    stillFailing: [],
  };
  const clients = new Map<string, pg.Client>();
  const logins = new Map<string, ConnectionLogin>();
  let current = 'default';
  const countCase = (rec: SltRecord) => {
    result.cases++;
    if (rec.citation !== undefined) result.cited++;
  };

  const client = async (): Promise<pg.Client> => {
    let c = clients.get(current);
    if (c === undefined) {
      // query_timeout only keeps a statement that blocks forever from hanging the run.
      const login = logins.get(current) ?? {};
      c = new pg.Client({
        ...target.config(login),
        types: TEXT_TYPES,
        query_timeout: QUERY_TIMEOUT_MS,
      });
      // A server that drops the connection must fail the record, not crash the runner.
      c.on('error', () => {});
      await c.connect();
      clients.set(current, c);
    }
    return c;
  };

  try {
    for (const rec of records) {
      if (rec.kind === 'halt') break;
      let reason = skipReason(rec, target.target);
      if (runBugs && rec.conditions.some((c) => /^WORKAROUND\b/.test(c.reason))) {
        reason = 'WORKAROUND left out under SLT_RUN_BUGS=1';
      }
      let bug: string | undefined;
      if (reason !== undefined && runBugs && /^BUG\b/.test(reason)) {
        bug = reason;
        reason = undefined;
      }
      const where = `${rec.file}:${rec.line}`;
      if (rec.kind === 'connection' || rec.kind === 'disconnect') {
        if (reason !== undefined) continue;
        if (rec.kind === 'connection') {
          current = rec.name;
          if (rec.login !== undefined) logins.set(rec.name, rec.login);
        } else {
          await clients
            .get(rec.name)
            ?.end()
            .catch(() => {});
          clients.delete(rec.name);
        }
        continue;
      }
      if (reason !== undefined) {
        const skip = { where, sql: rec.sql, reason };
        result.skipped.push(skip);
        const list = /^BUG\b/.test(reason)
          ? result.bugs
          : /^LATER\b/.test(reason)
            ? result.later
            : undefined;
        if (list !== undefined) {
          list.push(skip);
          countCase(rec);
        }
        continue;
      }
      countCase(rec);
      result.ran++;
      const failure = await runRecord(rec, await client().catch((e: unknown) => e));
      if (bug !== undefined) {
        (failure === undefined ? result.fixed : result.stillFailing).push({
          where,
          sql: rec.sql,
          reason: bug,
        });
      }
      if (failure === undefined) result.passed++;
      else {
        const on = current === 'default' ? '' : ` (connection ${current})`;
        result.failures.push({ where: where + on, sql: rec.sql, ...failure });
      }
    }
  } finally {
    await Promise.all([...clients.values()].map((c) => c.end().catch(() => {})));
  }
  return result;
}

type StatementOrQuery = Extract<SltRecord, { kind: 'statement' | 'query' }>;

async function runRecord(
  rec: StatementOrQuery,
  c: pg.Client | unknown,
): Promise<{ expected: string; actual: string } | undefined> {
  const expectedText = (): string => {
    if (rec.kind === 'statement') {
      if (!rec.expectError) return rec.tag !== undefined ? `success: ${rec.tag}` : 'success';
      return `error${rec.sqlstate !== undefined ? ` ${rec.sqlstate}` : ''}${rec.message !== undefined ? ` containing "${rec.message}"` : ''}`;
    }
    return rec.expected.join('\n') || '(no rows)';
  };
  let res: pg.QueryResult<unknown[]>;
  try {
    // A failed log-in is this record's error.
    if (!(c instanceof pg.Client)) throw c;
    res = await c.query<unknown[]>({ text: rec.sql, rowMode: 'array' });
  } catch (e) {
    const err = e as PgError;
    const actual = `error ${err.code ?? '(no SQLSTATE)'}: ${err.message}`;
    if (rec.kind === 'statement' && rec.expectError) {
      const codeOk = rec.sqlstate === undefined || rec.sqlstate === err.code;
      const msgOk =
        rec.message === undefined || err.message.toLowerCase().includes(rec.message.toLowerCase());
      return codeOk && msgOk ? undefined : { expected: expectedText(), actual };
    }
    return { expected: expectedText(), actual };
  }
  if (rec.kind === 'statement') {
    const tag = commandTag(res);
    if (rec.expectError) return { expected: expectedText(), actual: `success: ${tag}` };
    if (rec.tag !== undefined && rec.tag !== tag) {
      return { expected: expectedText(), actual: `success: ${tag}` };
    }
    return undefined;
  }
  if (Array.isArray(res)) {
    return { expected: expectedText(), actual: `${(res as unknown[]).length} results` };
  }
  const ncols = res.fields.length;
  let rows = res.rows.map((r) => r.map(cell));
  let expected = rec.expected;
  const names = res.fields.map((f) => f.name).join('\t');
  let header = '';
  if (rec.colnames) {
    header = `${names}\n`;
    const want = expected[0] ?? '';
    expected = expected.slice(1);
    if (want !== names) {
      return {
        expected: expectedText(),
        actual: header + (rows.map((r) => r.join('\t')).join('\n') || '(no rows)'),
      };
    }
  }
  let actualLines: string[];
  if (rec.sort === 'valuesort') {
    actualLines = rows.flat().sort(compareStrings);
    expected = expected.flatMap((l) => l.split('\t')).sort(compareStrings);
  } else {
    if (rec.sort === 'rowsort')
      rows = [...rows].sort((a, b) => compareStrings(a.join('\t'), b.join('\t')));
    actualLines = rows.map((r) => r.join('\t'));
    if (rec.sort === 'rowsort') expected = [...expected].sort(compareStrings);
  }
  const actualText = () => header + (rows.map((r) => r.join('\t')).join('\n') || '(no rows)');
  if (ncols !== rec.types.length) {
    return {
      expected: `${rec.types.length} column(s): ${expectedText()}`,
      actual: `${ncols} column(s) (${names}): ${actualText()}`,
    };
  }
  const same =
    actualLines.length === expected.length && actualLines.every((l, k) => l === expected[k]);
  return same ? undefined : { expected: expectedText(), actual: actualText() };
}

/** The command tag as the server sent it (`INSERT 0 3`, `UPDATE 2`, `COMMIT`). */
function commandTag(res: pg.QueryResult<unknown[]>): string {
  const command = String(res.command);
  if (res.rowCount === null || res.rowCount === undefined) return command;
  return command === 'INSERT' ? `INSERT 0 ${res.rowCount}` : `${command} ${res.rowCount}`;
}

/** Passed cases over the cases that do not wait for a later issue, in percent. */
export function passRate(r: { cases: number; passed: number; later: number }): number {
  const counted = r.cases - r.later;
  return counted === 0 ? 100 : (100 * r.passed) / counted;
}

export interface SltTotals {
  file: string;
  cases: number;
  cited: number;
  passed: number;
  failed: number;
  bug: number;
  later: number;
  /** passed / (cases - later), in percent. */
  passRate: number;
}

/** One file's counts for the summary. */
export function totalsOf(result: SltResult): SltTotals {
  const t = {
    file: result.file,
    cases: result.cases,
    cited: result.cited,
    passed: result.passed,
    failed: result.failures.length,
    bug: result.bugs.length,
    later: result.later.length,
  };
  return { ...t, passRate: passRate(t) };
}

/** The sum of several files' counts, named `total`. */
export function sumTotals(rows: SltTotals[]): SltTotals {
  const t = { file: 'total', cases: 0, cited: 0, passed: 0, failed: 0, bug: 0, later: 0 };
  for (const r of rows) {
    t.cases += r.cases;
    t.cited += r.cited;
    t.passed += r.passed;
    t.failed += r.failed;
    t.bug += r.bug;
    t.later += r.later;
  }
  return { ...t, passRate: passRate(t) };
}

/** The summary table: one line per file and the total. */
export function formatTotals(rows: SltTotals[]): string[] {
  const header = ['file', 'cases', 'cited', 'passed', 'failed', 'BUG', 'LATER', 'pass rate'];
  const cells = [...rows, sumTotals(rows)].map((r) => [
    r.file.replace(/^.*\//, ''),
    ...[r.cases, r.cited, r.passed, r.failed, r.bug, r.later].map(String),
    `${r.passRate.toFixed(1)}%`,
  ]);
  const widths = header.map((h, k) => Math.max(h.length, ...cells.map((c) => (c[k] ?? '').length)));
  return [header, ...cells].map((c) =>
    c.map((v, k) => (k === 0 ? v.padEnd(widths[k] ?? 0) : v.padStart(widths[k] ?? 0))).join('  '),
  );
}

/** Statements and queries whose comment blocks cite no documentation page, as file:line. */
export function uncitedRecords(records: SltRecord[]): string[] {
  return records
    .filter((r) => (r.kind === 'statement' || r.kind === 'query') && r.citation === undefined)
    .map((r) => `${r.file}:${r.line}`);
}

/**
 * Why a record citing `seed NNN:LINE` is not that statement of the seed document, or undefined if
 * it is: its lines must be the document's lines from LINE on, whitespace-only lines left out (the
 * first may be part of a longer line, e.g. a statement quoted in JSON or Python).
 */
export function seedMismatch(sql: string, seedLines: string[], line: number): string | undefined {
  const source = seedLines.slice(line - 1).filter((l) => l.trim() !== '');
  const lines = sql.split('\n');
  for (const [k, l] of lines.entries()) {
    const want = source[k];
    const same = k === 0 ? want?.includes(l.trim()) : want?.trimEnd() === l.trimEnd();
    if (same !== true) return `line ${k + 1} is "${l}", the seed has "${want ?? '(end)'}"`;
  }
  return undefined;
}

/** A readable report of a file's failures: file:line, the SQL, expected and actual. */
export function formatFailures(result: SltResult): string {
  return result.failures
    .map(
      (f) =>
        `${f.where}\n  SQL:\n${indent(f.sql)}\n  expected:\n${indent(f.expected)}\n  actual:\n${indent(f.actual)}`,
    )
    .join('\n\n');
}

const indent = (s: string) =>
  s
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
