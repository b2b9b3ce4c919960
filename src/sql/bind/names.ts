// Redshift's name rules: identifiers arrive folded to lower case by the parser (quoted ones keep
// their case); relation names have up to three parts, database.schema.name.
// https://docs.aws.amazon.com/redshift/latest/dg/r_names.html
import { LakeshiftError, SqlState } from '../../common/errors.js';
import type { Ident } from '../ast/index.js';

export interface QualifiedName {
  database?: string;
  schema?: string;
  name: string;
  /** Position of the name in the statement, for errors. */
  pos?: number;
}

/**
 * The value of an identifier. With enable_case_sensitive_identifier off (Redshift's default)
 * quoted identifiers fold to lower case too.
 */
export function identValue(ident: Ident, caseSensitive: boolean): string {
  return ident.quoted && !caseSensitive ? ident.value.toLowerCase() : ident.value;
}

export function qualifiedName(parts: readonly Ident[], caseSensitive: boolean): QualifiedName {
  const values = parts.map((p) => identValue(p, caseSensitive));
  const pos = parts[0]?.pos;
  switch (values.length) {
    case 1:
      return { name: values[0]!, pos };
    case 2:
      return { schema: values[0], name: values[1]!, pos };
    case 3:
      return { database: values[0], schema: values[1], name: values[2]!, pos };
    default:
      throw new LakeshiftError(
        SqlState.syntaxError,
        `improper qualified name (too many dotted names): ${values.join('.')}`,
        { position: pos },
      );
  }
}

export function displayName(q: QualifiedName): string {
  return [q.database, q.schema, q.name].filter((p) => p !== undefined).join('.');
}
