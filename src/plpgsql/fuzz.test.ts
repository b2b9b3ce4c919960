// Fuzz: random mutations of valid bodies (the seed and constructs corpora) — tokens deleted,
// duplicated, swapped or inserted, text cut short or spliced from another body — either parse
// or fail with a LakeshiftError carrying the body line in `where`, quickly; never another
// exception, never a hang. The code is 42601, or one of the SQL front end's own when the mutant
// holds SQL it knows but does not support yet (0A000: `SELECT ... FOR UPDATE`, GRANT) or nests
// too deep (54000), or an E'' string with a bad escape (22025). LAKESHIFT_PL_FUZZ_SEED and
// LAKESHIFT_PL_FUZZ_RUNS change the run; fast-check prints the seed of a failure.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isLakeshiftError } from '../common/errors.js';
import { tokenize } from '../sql/index.js';
import { readProcedures } from './corpus/load.js';
import { parseProcedureBody } from './parser.js';

const SEED = Number(process.env.LAKESHIFT_PL_FUZZ_SEED ?? 2026_0611);
const RUNS = Number(process.env.LAKESHIFT_PL_FUZZ_RUNS ?? 2000);
const ALLOWED = new Set(['42601', '0A000', '54000', '22025']);

const VOCAB = [
  'begin',
  'end',
  'declare',
  'if',
  'then',
  'elsif',
  'else',
  'case',
  'when',
  'loop',
  'while',
  'for',
  'in',
  'reverse',
  'by',
  'exit',
  'continue',
  'return',
  'raise',
  'notice',
  'exception',
  'others',
  'sqlstate',
  'perform',
  'execute',
  'into',
  'strict',
  'using',
  'get',
  'diagnostics',
  'row_count',
  'open',
  'fetch',
  'next',
  'from',
  'close',
  'commit',
  'rollback',
  'null',
  'alias',
  'cursor',
  'constant',
  'not',
  'default',
  'record',
  'refcursor',
  '%type',
  '%rowtype',
  'select',
  'insert',
  'update',
  'set',
  'returning',
  'int',
  'varchar(10)',
  ';',
  ':=',
  '=',
  '..',
  ',',
  '.',
  '(',
  ')',
  '<<',
  '>>',
  '<<lbl>>',
  "'fmt %'",
  "'22012'",
  '$$x;$$',
  "E'\\n'",
  '"Q"',
  '$1',
  '1',
  'x',
  'rec',
  '--',
  '/*',
  '*/',
];

const BODIES = readProcedures().map((p) => p.body);

/** The body as pieces, each a token with the space and comments before it. */
function pieces(body: string): string[] {
  let tokens;
  try {
    tokens = tokenize(body);
  } catch {
    return [body];
  }
  const out: string[] = [];
  let from = 0;
  for (const t of tokens) {
    if (t.type === 'eof') break;
    out.push(body.slice(from, t.end));
    from = t.end;
  }
  out.push(body.slice(from));
  return out;
}

type Mutation =
  | { op: 'delete' | 'duplicate' | 'swap'; at: number }
  | { op: 'insert'; at: number; word: string }
  | { op: 'cut'; at: number }
  | { op: 'splice'; at: number; from: number; other: number; length: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constantFrom('delete', 'duplicate', 'swap'), at: fc.nat() }),
  fc.record({ op: fc.constant('insert'), at: fc.nat(), word: fc.constantFrom(...VOCAB) }),
  fc.record({ op: fc.constant('cut'), at: fc.nat() }),
  fc.record({
    op: fc.constant('splice'),
    at: fc.nat(),
    from: fc.nat(),
    other: fc.nat(),
    length: fc.integer({ min: 1, max: 60 }),
  }),
) as fc.Arbitrary<Mutation>;

function mutate(body: string, m: Mutation): string {
  if (m.op === 'cut') return body.slice(0, m.at % (body.length + 1));
  if (m.op === 'splice') {
    const other = BODIES[m.other % BODIES.length] as string;
    const from = m.from % (other.length + 1);
    const at = m.at % (body.length + 1);
    return body.slice(0, at) + other.slice(from, from + m.length) + body.slice(at);
  }
  const list = pieces(body);
  const k = m.at % list.length;
  const piece = list[k] as string;
  if (m.op === 'delete') list.splice(k, 1);
  else if (m.op === 'duplicate') list.splice(k, 0, piece);
  else if (m.op === 'insert') list.splice(k, 0, ` ${m.word} `);
  else if (k + 1 < list.length) [list[k], list[k + 1]] = [list[k + 1] as string, piece];
  return list.join('');
}

function check(body: string): void {
  const started = performance.now();
  const lines = body.split(/\r\n|\r|\n/).length;
  try {
    const program = parseProcedureBody(body, { procedureName: 'f' });
    assert.ok(program.block.line >= 1 && program.block.line <= lines);
  } catch (e) {
    if (!isLakeshiftError(e) || !ALLOWED.has(e.sqlstate)) {
      assert.fail(
        `unexpected ${String(e)} (${(e as { sqlstate?: string }).sqlstate}) for:\n${body}`,
      );
    }
    const line = /^compilation of PL\/pgSQL function "f" near line (\d+)$/.exec(e.where ?? '');
    assert.ok(line !== null, `no line in where (${e.where}) for:\n${body}`);
    assert.ok(Number(line[1]) >= 1 && Number(line[1]) <= lines, `line out of the body: ${e.where}`);
  } finally {
    assert.ok(performance.now() - started < 2000, `slow parse:\n${body}`);
  }
}

test('the corpora parse', () => {
  for (const body of BODIES) parseProcedureBody(body);
});

test('random mutations of valid bodies parse or fail cleanly', () => {
  fc.assert(
    fc.property(
      fc.nat(),
      fc.array(mutation, { minLength: 1, maxLength: 4 }),
      (which, mutations) => {
        let body = BODIES[which % BODIES.length] as string;
        for (const m of mutations) body = mutate(body, m);
        check(body);
      },
    ),
    { seed: SEED, numRuns: RUNS },
  );
});

test('random token soups fail cleanly', () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...VOCAB), { maxLength: 30 }), (words) => {
      check(`begin ${words.join(' ')}`);
      check(words.join(''));
    }),
    { seed: SEED + 1, numRuns: RUNS },
  );
});
