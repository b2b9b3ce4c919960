// Names in a body: variables, labels, cursors and INTO targets. A name is a quoted identifier or
// a word that is neither a SQL reserved keyword (so that it can appear in the embedded SQL as a
// column reference) nor one of PL/pgSQL's own reserved words.
// https://docs.aws.amazon.com/redshift/latest/dg/c_PLpgSQL-structure.html
import { PG_RESERVED_KEYWORDS } from '../common/pg-keywords.js';
import { identValue, type Ident, type Token } from '../sql/index.js';

/** PostgreSQL's pl_reserved_kwlist.h, plus Redshift's reserved MINUS, QUALIFY and TOP. */
const RESERVED = new Set([
  ...PG_RESERVED_KEYWORDS,
  'begin',
  'by',
  'declare',
  'elsif',
  'elseif',
  'execute',
  'foreach',
  'if',
  'loop',
  'strict',
  'using',
  'while',
  'minus',
  'qualify',
  'top',
]);

export function isNameToken(t: Token): boolean {
  return t.type === 'qident' || (t.type === 'word' && !RESERVED.has(t.value));
}

/** The token as a SQL identifier (value folded as the lexer folds it, position kept). */
export function tokenIdent(t: Token): Ident {
  return { value: t.value, quoted: t.type === 'qident', pos: t.pos, raw: t.raw };
}

/**
 * The name a token stands for: unquoted words are folded already; quoted ones keep their case
 * only with enable_case_sensitive_identifier on (Redshift folds them too otherwise).
 */
export function nameOf(t: Token, caseSensitive: boolean): string {
  return identValue(tokenIdent(t), caseSensitive);
}
