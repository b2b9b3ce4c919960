// CREATE DATABASE and ALTER DATABASE (DROP DATABASE goes through parseDrop).
// https://docs.aws.amazon.com/redshift/latest/dg/r_CREATE_DATABASE.html
// https://docs.aws.amazon.com/redshift/latest/dg/r_ALTER_DATABASE.html
import type {
  AlterDatabase,
  AlterDatabaseAction,
  CreateDatabase,
  DatabaseOption,
} from '../ast/index.js';
import type { Parser } from './core.js';

/** `{ limit | UNLIMITED }` after CONNECTION LIMIT. */
function parseConnectionLimit(p: Parser): number | 'unlimited' {
  return p.eatWord('unlimited') ? 'unlimited' : p.parseInteger();
}

/** After CREATE: `DATABASE name [ [WITH] options ]`. */
export function parseCreateDatabase(p: Parser, pos: number): CreateDatabase {
  p.expectWord('database');
  const name = p.parseIdent();
  // Databases made from a datashare, a zero-ETL integration or a Glue catalog ARN come with
  // their own features; the clause is recognised here so that it is named in the error.
  for (const from of ['from', 'iam_role']) {
    if (p.isWord(from)) throw p.unsupported(`CREATE DATABASE ... ${from.toUpperCase()}`);
  }
  if (p.isWords('with', 'permissions')) throw p.unsupported('CREATE DATABASE ... FROM DATASHARE');
  const withWord = p.eatWord('with');
  const options: DatabaseOption[] = [];
  for (;;) {
    if (p.eatWord('owner')) {
      p.eatPunct('=');
      options.push({ kind: 'Owner', owner: p.parseIdent() });
    } else if (p.eatWords('connection', 'limit')) {
      options.push({ kind: 'ConnectionLimit', limit: parseConnectionLimit(p) });
    } else if (p.eatWord('collate')) {
      const c = p.eatOneOf('case_sensitive', 'cs', 'case_insensitive', 'ci');
      if (c === undefined) throw p.errorAt();
      const collation =
        c === 'case_sensitive' || c === 'cs' ? 'case_sensitive' : 'case_insensitive';
      options.push({ kind: 'Collate', collation });
    } else if (p.eatWords('isolation', 'level')) {
      const level = p.eatOneOf('serializable', 'snapshot');
      if (level === undefined) throw p.errorAt();
      options.push({ kind: 'IsolationLevel', level });
    } else break;
  }
  return { kind: 'CreateDatabase', name, with: withWord, options, pos };
}

/** After ALTER: `DATABASE name { RENAME TO n | OWNER TO u | CONNECTION LIMIT ... }`. */
export function parseAlterDatabase(p: Parser, pos: number): AlterDatabase {
  p.expectWord('database');
  const name = p.parseIdent();
  let action: AlterDatabaseAction;
  if (p.eatWords('rename', 'to')) action = { kind: 'RenameDatabase', to: p.parseIdent() };
  else if (p.eatWords('owner', 'to')) action = { kind: 'DatabaseOwnerTo', owner: p.parseIdent() };
  else if (p.eatWords('connection', 'limit')) {
    action = { kind: 'DatabaseConnectionLimit', limit: parseConnectionLimit(p) };
  } else {
    const w = p.peek();
    if (w.type === 'word' && ['collate', 'isolation', 'include', 'integration'].includes(w.value)) {
      throw p.unsupported(`ALTER DATABASE ... ${w.value.toUpperCase()}`, w);
    }
    throw p.errorAt();
  }
  return { kind: 'AlterDatabase', name, action, pos };
}
