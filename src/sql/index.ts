// The SQL front end's public surface: the AST types, the parser and the printers.
// With LAKESHIFT_SQL_VERIFY=1, parse() also prints every statement and reparses it (debug mode).
import type { Statement } from './ast/index.js';
import { parse as parseStatements, type ParseOptions } from './parser/index.js';
import { verifyRoundTrip } from './print/verify.js';

export * from './ast/index.js';
export {
  parseExpression,
  parseOne,
  parseStatement,
  parseType,
  type ParseOptions,
} from './parser/index.js';
export { tokenize, type LexerOptions, type Token, type TokenType } from './lexer/lexer.js';
// The cursor PL/pgSQL's body parser builds on.
export { isPunctToken, isWordToken, TokenCursor } from './parser/token-cursor.js';
export * from './print/index.js';
export { verifyRoundTrip };

const VERIFY = process.env.LAKESHIFT_SQL_VERIFY === '1';

/** The statements of `sql` (empty statements skipped); see parser/index.ts. */
export function parse(sql: string, options?: ParseOptions): Statement[] {
  const stmts = parseStatements(sql, options);
  if (VERIFY) for (const s of stmts) verifyRoundTrip(s);
  return stmts;
}

/** The statements a session runs (parse, with the verify mode). */
export { parse as parseStatements };
export * from './bind/index.js';
