// Errors of the PL/pgSQL parser: PostgreSQL's messages (42601 syntax errors, the compile-time
// checks on labels, EXIT, RAISE and declarations), with the body line in `where`; errors of the
// SQL parser in embedded SQL keep their SQLSTATE and message and gain the line.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isLakeshiftError, type LakeshiftError } from '../common/errors.js';
import { parseProcedureBody, type ParseBodyOptions } from './parser.js';

function errorOf(body: string, options: ParseBodyOptions = {}): LakeshiftError {
  try {
    parseProcedureBody(body, { procedureName: 'p', ...options });
  } catch (e) {
    assert.ok(isLakeshiftError(e), `not a LakeshiftError: ${String(e)}`);
    return e;
  }
  assert.fail(`parsed without error: ${body}`);
}

/** [body, message, line] for 42601 errors. */
const SYNTAX: [string, string, number][] = [
  // The body must be one block, and nothing after it.
  ['', 'syntax error at end of input', 1],
  ['x := 1;', 'syntax error at or near "x"', 1],
  ['BEGIN\nEND;\nSELECT 1;', 'syntax error at or near "SELECT"', 3],
  // A missing END, or the wrong one.
  ['BEGIN\n  x := 1;\n', 'syntax error at end of input', 2],
  ['BEGIN\n  LOOP\n    NULL;\n  END IF;\nEND;', 'syntax error at or near "IF"', 4],
  ['BEGIN\n  IF a THEN\n    NULL;\n  END LOOP;\nEND;', 'syntax error at or near "LOOP"', 4],
  ['BEGIN\n  NULL;\nEND IF;', 'syntax error at or near "IF"', 3],
  ['BEGIN\n  CASE WHEN a THEN NULL;\n  END;\nEND;', 'syntax error at or near ";"', 3],
  ['BEGIN\n  IF a THEN\n    BEGIN NULL; END\n  END IF;\nEND;', 'syntax error at or near "END"', 4],
  // Labels.
  ['<<a>>\nBEGIN\nEND b;', 'end label "b" differs from block\'s label "a"', 3],
  ['BEGIN\nEND b;', 'end label "b" specified for unlabeled block', 2],
  ['BEGIN\n  <<x>> LOOP\n  END LOOP y;\nEND;', 'end label "y" differs from block\'s label "x"', 3],
  ['BEGIN\n  WHILE a LOOP\n  END LOOP w;\nEND;', 'end label "w" specified for unlabeled block', 3],
  ['BEGIN\n  <<l>> NULL;\nEND;', 'syntax error at or near "NULL"', 2],
  ['BEGIN\n  EXIT;\nEND;', 'EXIT cannot be used outside a loop, unless it has a label', 2],
  ['BEGIN\n  CONTINUE WHEN a;\nEND;', 'CONTINUE cannot be used outside a loop', 2],
  [
    'BEGIN\n  LOOP\n    EXIT nowhere;\n  END LOOP;\nEND;',
    'there is no label "nowhere" attached to any block or loop enclosing this statement',
    3,
  ],
  [
    '<<b>>\nBEGIN\n  LOOP\n    CONTINUE b;\n  END LOOP;\nEND;',
    'block label "b" cannot be used in CONTINUE',
    4,
  ],
  // Declarations.
  ['DECLARE\n  x int;\n  X text;\nBEGIN\nEND;', 'duplicate declaration at or near "X"', 3],
  ['DECLARE\n  x;\nBEGIN\nEND;', 'syntax error at or near ";"', 2],
  ['DECLARE\n  x int NOT 5;\nBEGIN\nEND;', 'syntax error at or near "5"', 2],
  ['DECLARE\n  x int := ;\nBEGIN\nEND;', 'syntax error at or near ";"', 2],
  ['DECLARE\n  x t%columns;\nBEGIN\nEND;', 'syntax error at or near "columns"', 2],
  ['DECLARE\n  c CURSOR SELECT 1;\nBEGIN\nEND;', 'syntax error at or near "SELECT"', 2],
  ['DECLARE\n  x int\nBEGIN\nEND;', 'syntax error at or near "BEGIN"', 3],
  // Statements of unknown form, and SQL the SQL parser rejects (placed at the bad token).
  ['BEGIN\n  frobnicate 1;\nEND;', 'syntax error at or near "frobnicate"', 2],
  ['BEGIN\n  select from from;\nEND;', 'syntax error at or near "from"', 2],
  ['BEGIN\n  UPDATE t\n     SET a =\n   WHERE b;\nEND;', 'syntax error at or near "WHERE"', 4],
  ['BEGIN\n  x := 1\n  y := 2;\nEND;', 'syntax error at or near "y"', 3],
  ['BEGIN\n  x := ;\nEND;', 'syntax error at or near ";"', 2],
  ['BEGIN\n  ;\nEND;', 'syntax error at or near ";"', 2],
  ['BEGIN\n  IF a\n    x := 1;\n  END IF;\nEND;', 'syntax error at or near "x"', 3],
  ['BEGIN\n  FOREACH x IN ARRAY a LOOP END LOOP;\nEND;', 'syntax error at or near "FOREACH"', 2],
  ["BEGIN\n  select 'abc;\nEND;", `unterminated quoted string at or near "'abc;\nEND;"`, 2],
  [
    'BEGIN\n  x := $q$abc;\nEND;',
    'unterminated dollar-quoted string at or near "$q$abc;\nEND;"',
    2,
  ],
  ['BEGIN\n  /* open\nEND;', 'unterminated /* comment at or near "/* open\nEND;"', 2],
  // Statement-specific checks.
  ["BEGIN\n  RAISE NOTICE '% %', 1;\nEND;", 'too few parameters specified for RAISE', 2],
  ["BEGIN\n  RAISE NOTICE '%%', 1;\nEND;", 'too many parameters specified for RAISE', 2],
  ['BEGIN\n  RAISE NOTICE;\nEND;', 'syntax error at or near ";"', 2],
  [
    "BEGIN\n  RAISE 'x' USING COLOR = 'red';\nEND;",
    'unrecognized RAISE statement option at or near "COLOR"',
    2,
  ],
  ["BEGIN\n  RAISE SQLSTATE '2201';\nEND;", `invalid SQLSTATE code at or near "'2201'"`, 2],
  [
    "BEGIN\nEXCEPTION\n  WHEN SQLSTATE 'abcde' THEN NULL;\nEND;",
    `invalid SQLSTATE code at or near "'abcde'"`,
    3,
  ],
  ['BEGIN\nEXCEPTION\nEND;', 'syntax error at or near "END"', 3],
  ['BEGIN\n  SELECT 1 INTO x INTO y;\nEND;', 'INTO specified more than once at or near "INTO"', 2],
  ['BEGIN\n  SELECT 1 INTO;\nEND;', 'syntax error at or near ";"', 2],
  ['BEGIN\n  EXECUTE q INTO a INTO b;\nEND;', 'INTO specified more than once at or near "INTO"', 2],
  [
    'BEGIN\n  EXECUTE q USING 1 USING 2;\nEND;',
    'USING specified more than once at or near "USING"',
    2,
  ],
  ['BEGIN\n  EXECUTE;\nEND;', 'syntax error at or near ";"', 2],
  [
    'BEGIN\n  GET DIAGNOSTICS x := PG_CONTEXT;\nEND;',
    'unrecognized GET DIAGNOSTICS item at or near "PG_CONTEXT"',
    2,
  ],
  ['BEGIN\n  FETCH c;\nEND;', 'syntax error at or near ";"', 2],
  ['BEGIN\n  CLOSE;\nEND;', 'syntax error at or near ";"', 2],
  ['BEGIN\n  RETURN 1;\nEND;', 'syntax error at or near "1"', 2],
  [
    'BEGIN\n  FOR a, b IN 1..2 LOOP END LOOP;\nEND;',
    'integer FOR loop must have only one target variable',
    2,
  ],
  [
    'BEGIN\n  FOR r IN REVERSE SELECT 1 LOOP END LOOP;\nEND;',
    'cannot specify REVERSE in query FOR loop',
    2,
  ],
  ['BEGIN\n  FOR r IN SELECT 1;\n  END LOOP;\nEND;', 'syntax error at or near ";"', 2],
  ['BEGIN\n  FOR i IN 1.. LOOP END LOOP;\nEND;', 'syntax error at or near "LOOP"', 2],
];

test("syntax errors: PostgreSQL's messages, 42601, the line of the body in where", () => {
  for (const [body, message, line] of SYNTAX) {
    const e = errorOf(body);
    assert.deepEqual(
      { sqlstate: e.sqlstate, message: e.message, where: e.where },
      {
        sqlstate: '42601',
        message,
        where: `compilation of PL/pgSQL function "p" near line ${line}`,
      },
      body,
    );
  }
});

test('statements the SQL front end does not support yet keep its 0A000, placed at their line', () => {
  const e = errorOf('BEGIN\n  NULL;\n  REINDEX TABLE t;\nEND;', {
    procedureName: 'reindexer',
  });
  assert.equal(e.sqlstate, '0A000');
  assert.equal(e.message, 'REINDEX is not supported yet');
  assert.equal(e.where, 'compilation of PL/pgSQL function "reindexer" near line 3');
});

test("with the body's position in its statement, errors point into that statement", () => {
  const create = 'CREATE PROCEDURE p() AS $$\nBEGIN\n  x := 1 +;\nEND;\n$$ LANGUAGE plpgsql';
  const bodyPosition = create.indexOf('$$') + 3;
  const body = create.slice(bodyPosition - 1, create.lastIndexOf('$$'));
  const e = errorOf(body, { bodyPosition });
  // The expression ends before the `;`, so the SQL parser met its end (PostgreSQL's wording).
  assert.equal(e.message, 'syntax error at end of input');
  assert.equal(e.position, create.indexOf('+;') + 2);
  // Errors found by the PL/pgSQL grammar itself too.
  const e2 = errorOf('BEGIN\n  END IF;', { bodyPosition: 100 });
  assert.equal(e2.position, 100 + 'BEGIN\n  END '.length);
  // Without it, errors carry no position (only the line).
  assert.equal(errorOf('BEGIN\n  END IF;').position, undefined);
});

test('nesting is bounded: deep bodies fail with 54000, never a stack overflow', () => {
  for (const body of [
    `BEGIN ${'BEGIN '.repeat(5000)}${'END; '.repeat(5000)} END;`,
    `BEGIN ${'IF a THEN '.repeat(3000)}${'END IF; '.repeat(3000)} END;`,
    `BEGIN ${'LOOP '.repeat(3000)}${'END LOOP; '.repeat(3000)} END;`,
    `BEGIN x := ${'('.repeat(5000)}1${')'.repeat(5000)}; END;`,
  ]) {
    const e = errorOf(body);
    assert.equal(e.sqlstate, '54000', body.slice(0, 40));
    assert.ok(e.where?.startsWith('compilation of PL/pgSQL function "p" near line'));
  }
});
