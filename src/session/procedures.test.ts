// Choosing the overload a CALL runs (the interpreter's lookup), and the text SHOW PROCEDURE
// returns.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isLakeshiftError } from '../common/errors.js';
import type { ProcedureArgument, ProcedureInfo } from '../storage/index.js';
import { procedureArgument, procedureDefinition } from '../../test/support/procedures.js';
import { chooseOverload, implicitlyCastable, procedureDefinitionText } from './procedures.js';

const INT4 = 23;
const INT8 = 20;
const NUMERIC = 1700;
const FLOAT8 = 701;
const VARCHAR = 1043;
const DATE = 1082;

let nextId = 1;
/** A procedure `sp` of these arguments: a type (IN), or [type, mode, default]. */
function procedure(
  ...args: (string | [string, ProcedureArgument['mode'], string?])[]
): ProcedureInfo {
  const definition = procedureDefinition(
    args.map((a) =>
      typeof a === 'string' ? procedureArgument(a) : procedureArgument(a[0], a[1], null, a[2]),
    ),
  );
  return { ...definition, procedureId: nextId++, schemaId: 1, schemaName: 'public', name: 'sp' };
}

const chosen = (candidates: ProcedureInfo[], types: (number | undefined)[]) =>
  candidates.indexOf(chooseOverload('sp', candidates, types));

test('implicit casts widen within numbers, strings and dates; untyped values go anywhere', () => {
  assert.ok(implicitlyCastable(INT4, INT8));
  assert.ok(implicitlyCastable(INT8, NUMERIC));
  assert.ok(!implicitlyCastable(NUMERIC, INT4));
  assert.ok(!implicitlyCastable(INT4, VARCHAR));
  assert.ok(implicitlyCastable(DATE, 1184));
  assert.ok(implicitlyCastable(undefined, DATE));
});

test('an exact match wins, then the only castable one, then the most exact matches', () => {
  const byInt = procedure('integer');
  const byBigint = procedure('bigint');
  const byText = procedure('character varying');
  const all = [byInt, byBigint, byText];
  assert.equal(chosen(all, [INT4]), 0);
  assert.equal(chosen(all, [INT8]), 1);
  assert.equal(chosen(all, [VARCHAR]), 2);
  assert.equal(chosen([byBigint, byText], [INT4]), 0);
  assert.equal(
    chosen([procedure('integer', 'bigint'), procedure('bigint', 'bigint')], [INT4, INT4]),
    0,
  );
  // INOUT arguments are passed, OUT ones are not; trailing defaults may be left out.
  assert.equal(chosen([procedure(['integer', 'inout'], ['date', 'out'])], [INT4]), 0);
  assert.equal(chosen([procedure('integer', ['integer', 'in', '2'])], [INT4]), 0);
});

test('no fit is 42883, a tie 42725, both naming the argument types', () => {
  assert.throws(
    () => chooseOverload('sp', [procedure('date')], [INT4]),
    (e: unknown) =>
      isLakeshiftError(e, '42883') &&
      /^procedure sp\(integer\) does not exist$/.test((e as Error).message),
  );
  assert.throws(
    () => chooseOverload('sp', [procedure('integer'), procedure('date')], [undefined]),
    (e: unknown) =>
      isLakeshiftError(e, '42725') &&
      /^procedure sp\(unknown\) is not unique$/.test((e as Error).message),
  );
  // The preferred type of a category breaks a tie: double precision among numbers.
  assert.equal(chosen([procedure('numeric'), procedure('double precision')], [INT4]), 1);
  assert.equal(chosen([procedure('numeric'), procedure('double precision')], [FLOAT8]), 1);
});

test('SHOW PROCEDURE text: modes, names, defaults, clauses, and a body in $_$ quotes', () => {
  const p: ProcedureInfo = {
    ...procedure(['integer', 'in', '1'], ['character varying', 'inout'], ['date', 'out']),
    name: 'Sp',
    security: 'definer',
    config: [{ name: 'search_path', value: "it's" }],
    body: 'a $_$ b',
  };
  p.arguments[0]!.name = 'a';
  assert.equal(
    procedureDefinitionText(p),
    'CREATE OR REPLACE PROCEDURE public."Sp"(a integer DEFAULT 1, INOUT character varying, OUT date)\n' +
      'LANGUAGE plpgsql\n' +
      'SECURITY DEFINER\n' +
      "SET search_path TO 'it''s'\n" +
      'AS $__$a $_$ b$__$',
  );
});
