// Redshift's SUPER and JSON functions. SUPER values are DuckDB JSON (see types.ts): JSON text
// that DuckDB's json functions parse and navigate in C, vector at a time.
// https://docs.aws.amazon.com/redshift/latest/dg/json-functions.html
// https://docs.aws.amazon.com/redshift/latest/dg/c_SUPER_functions.html
import type { RedshiftFunction } from './function-helpers.js';
import { args } from './function-helpers.js';

export const SUPER_FUNCTIONS: RedshiftFunction[] = [
  {
    name: 'json_parse',
    doc: 'JSON_PARSE.html',
    example: `SELECT json_parse('{"a": [1, 2]}')`,
    arity: [1],
    // DuckDB's json() validates and minifies (numbers as DuckDB's parser reads them).
    translate: (c, p) => `json(CAST(${args(c, p)[0]} AS VARCHAR))`,
  },
];
