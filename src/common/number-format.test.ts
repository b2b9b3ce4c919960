// Numeric format strings against PostgreSQL 15's to_char (run on the reference server for these
// exact inputs) and Redshift's documented examples.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatNumber, isNumberFormat, parseNumberFormat } from './number-format.js';

const fmt = (value: string, format: string, float = false) =>
  formatNumber(value, parseNumberFormat(format), float);

// [value, format, PostgreSQL's to_char]
const CASES: [string, string, string][] = [
  ['0', '999', '   0'],
  ['0.5', '9.99', '  .50'],
  ['0', '9.99', '  .00'],
  ['-0.5', '9.99', ' -.50'],
  ['0.5', '0.99', ' 0.50'],
  ['-5', '999', '  -5'],
  ['5', '9,999', '     5'],
  ['-1234', '9,999', '-1,234'],
  ['5', '9099', '  005'],
  ['12345', '999', ' ###'],
  ['-12.5', 'S999.9', ' -12.5'],
  ['12.5', 'S999.9', ' +12.5'],
  ['-12.5', '999.9S', ' 12.5-'],
  ['-12.5', '999.9MI', ' 12.5-'],
  ['12.5', '999.9MI', ' 12.5 '],
  ['-12.5', '999.9PR', ' <12.5>'],
  ['12.5', '999.9PR', '  12.5 '],
  ['12.5', 'PL999.9', '+  12.5'],
  ['-12.5', 'SG999.9', '- 12.5'],
  ['12.5', 'FM999.90', '12.50'],
  ['12.5', 'FM999.99', '12.5'],
  ['12', 'FM9,999', '12'],
  ['1234.5', '$9,999.99', '$ 1,234.50'],
  ['125', '999D99', ' 125.00'],
  ['1234567.891', '9G999G999D99', ' 1,234,567.89'],
  ['-2.5', '9', '-3'],
  ['12', '"No."99', 'No. 12'],
  ['12', '99th', ' 12th'],
  ['0.001', '0.9', ' 0.0'],
  ['123.456', '999', ' 123'],
  ['-0.001', '9.99', '  .00'],
  ['125.8', '999.99', ' 125.80'],
  ['42', '0000', ' 0042'],
];

for (const [value, format, expected] of CASES) {
  test(`to_char(${value}, '${format}') = '${expected}'`, () => {
    assert.equal(fmt(value, format), expected);
  });
}

test('a DOUBLE rounds its exact binary value half to even (2.5 is 2)', () => {
  assert.equal(fmt((2.5).toFixed(60), '9', true), ' 2');
  assert.equal(fmt((3.14159).toFixed(60), '9.999', true), ' 3.142');
});

test("Redshift's documented examples: 999D99S, L (a dollar sign), rn", () => {
  assert.equal(fmt('-125.8', '999D99S'), '125.80-');
  assert.equal(fmt('618.80', 'l99999D99'), '$   618.80');
  assert.equal(fmt('618.80', 'rn'), '          dcxix');
  assert.equal(fmt('618.80', 'FMRN'), 'DCXIX');
});

test('numeric formats are told from datetime formats', () => {
  assert.equal(isNumberFormat('999.99'), true);
  assert.equal(isNumberFormat('FM9,999'), true);
  assert.equal(isNumberFormat('L99999D99'), true);
  assert.equal(isNumberFormat('YYYY-MM-DD'), false);
  assert.equal(isNumberFormat('HH24:MI:SS'), false);
  assert.equal(isNumberFormat('Q'), false);
});
