// CREATE TABLE / VIEW / SCHEMA, DROP, ALTER TABLE, COMMENT ON.
// https://docs.aws.amazon.com/redshift/latest/dg/r_CREATE_TABLE_NEW.html
// https://docs.aws.amazon.com/redshift/latest/dg/r_CREATE_TABLE_AS.html
// https://docs.aws.amazon.com/redshift/latest/dg/r_ALTER_TABLE.html
import type {
  AlterSchema,
  AlterSchemaAction,
  AlterTable,
  AlterTableAction,
  ColumnConstraint,
  ColumnDef,
  CommentOn,
  CreateSchema,
  CreateTable,
  CreateView,
  Drop,
  DropObjectType,
  DropProcedure,
  Ident,
  SchemaQuota,
  SortKey,
  Statement,
  TableAttributes,
  TableConstraint,
} from '../ast/index.js';
import type { Parser } from './core.js';
import { parseCreateDatabase } from './database.js';
import { parseCreateExternalSchema, parseCreateMaterializedView } from './materialized-view.js';
import { parseCreateProcedure, parseDropProcedure } from './procedure.js';
import { parseExpr, Prec } from './expr.js';
import { parseQuery } from './select.js';
import { parseTypeName } from './types.js';
import { parseCreateUser } from './user.js';

/** After CREATE: dispatch on what is created. */
export function parseCreate(p: Parser): Statement {
  const create = p.expectWord('create');
  const pos = create.pos;
  if (p.eatWords('or', 'replace')) {
    if (p.isWord('view')) return parseCreateView(p, pos, true);
    if (p.isWord('procedure')) return parseCreateProcedure(p, pos, true);
    throw p.unsupported(`CREATE OR REPLACE ${p.peek().raw.toUpperCase()}`);
  }
  let temporary = false;
  if (p.eatWords('local', 'temp') || p.eatWords('local', 'temporary')) temporary = true;
  else if (p.eatOneOf('temp', 'temporary') !== undefined) temporary = true;
  if (p.isWord('table')) return parseCreateTable(p, pos, temporary);
  if (temporary) throw p.errorAt();
  if (p.isWord('view')) return parseCreateView(p, pos, false);
  if (p.isWord('schema')) return parseCreateSchema(p, pos);
  if (p.isWord('user')) return parseCreateUser(p, pos);
  if (p.isWord('database')) return parseCreateDatabase(p, pos);
  if (p.isWord('procedure')) return parseCreateProcedure(p, pos, false);
  if (p.isWords('materialized', 'view')) return parseCreateMaterializedView(p, pos);
  if (p.isWords('external', 'schema')) return parseCreateExternalSchema(p, pos);
  const what = p.peek();
  if (what.type === 'word') {
    const known = [
      'materialized',
      'external',
      'function',
      'group',
      'role',
      'index',
      'library',
      'datashare',
      'model',
      'sequence',
      'type',
      'extension',
      'unique',
    ];
    if (known.includes(what.value)) {
      const two =
        ['materialized', 'external', 'unique'].includes(what.value) && p.peek(1).type === 'word';
      const name = two ? `${what.value} ${p.peek(1).value}` : what.value;
      throw p.unsupported(`CREATE ${name.toUpperCase()}`, what);
    }
  }
  throw p.errorAt();
}

function parseCreateTable(p: Parser, pos: number, temporary: boolean): CreateTable {
  p.expectWord('table');
  const ifNotExists = p.eatWords('if', 'not', 'exists');
  const name = p.parseQualifiedName();
  const ct: CreateTable = {
    kind: 'CreateTable',
    temporary,
    ifNotExists,
    name,
    columns: [],
    constraints: [],
    attributes: {},
    pos,
  };
  if (p.isPunct('(')) {
    // CTAS column names: `(a, b) AS ...` — a list of bare names followed by `)`.
    const isNameList = p.attempt(() => {
      const names = p.parseIdentList();
      if (!p.isWord('as') && !isAttributeStart(p)) throw p.errorAt();
      return names;
    });
    if (isNameList !== undefined) ct.columnNames = isNameList;
    else parseTableElements(p, ct);
  }
  ct.attributes = parseTableAttributes(p);
  if (p.eatWord('as')) {
    if (ct.columns.length > 0 || ct.constraints.length > 0 || ct.like !== undefined) {
      throw p.errorAt(p.tokens[p.i - 1]);
    }
    ct.as = parseQuery(p);
    if (p.isWord('with')) throw p.unsupported('CREATE TABLE AS ... WITH [NO] DATA');
  } else if (ct.columnNames !== undefined) {
    throw p.errorAt();
  }
  return ct;
}

function isAttributeStart(p: Parser): boolean {
  const t = p.peek();
  return (
    t.type === 'word' &&
    ['backup', 'diststyle', 'distkey', 'sortkey', 'compound', 'interleaved', 'encode'].includes(
      t.value,
    )
  );
}

function parseTableElements(p: Parser, ct: CreateTable): void {
  p.expectPunct('(');
  if (p.isPunct(')')) {
    p.next();
    return;
  }
  do {
    if (p.isWord('like')) {
      if (ct.like !== undefined || ct.columns.length > 0) throw p.errorAt();
      p.next();
      const table = p.parseQualifiedName();
      const like: NonNullable<CreateTable['like']> = { table };
      if (p.eatWords('including', 'defaults')) like.includingDefaults = true;
      else if (p.eatWords('excluding', 'defaults')) like.includingDefaults = false;
      ct.like = like;
      continue;
    }
    if (ct.like !== undefined) throw p.errorAt();
    const constraint = parseTableConstraint(p);
    if (constraint !== undefined) ct.constraints.push(constraint);
    else ct.columns.push(parseColumnDef(p));
  } while (p.eatPunct(','));
  p.expectPunct(')');
}

function parseConstraintName(p: Parser): Ident | undefined {
  if (!p.eatWord('constraint')) return undefined;
  return p.parseIdent();
}

/** A table constraint, or undefined (rewinding) if the element is a column definition. */
export function parseTableConstraint(p: Parser): TableConstraint | undefined {
  const save = p.i;
  const name = parseConstraintName(p);
  const named = name ? { name } : {};
  if (p.eatWords('primary', 'key')) {
    return { kind: 'PrimaryKeyConstraint', ...named, columns: p.parseIdentList() };
  }
  if (p.eatWord('unique'))
    return { kind: 'UniqueConstraint', ...named, columns: p.parseIdentList() };
  if (p.eatWords('foreign', 'key')) {
    const columns = p.parseIdentList();
    p.expectWord('references');
    const refTable = p.parseQualifiedName();
    const refColumns = p.isPunct('(') ? p.parseIdentList() : [];
    parseReferentialActions(p);
    return { kind: 'ForeignKeyConstraint', ...named, columns, refTable, refColumns };
  }
  if (p.eatWord('check')) {
    p.expectPunct('(');
    const expr = parseExpr(p);
    p.expectPunct(')');
    return { kind: 'CheckConstraint', ...named, expr };
  }
  if (name !== undefined) throw p.errorAt();
  p.i = save;
  return undefined;
}

function parseReferentialActions(p: Parser): void {
  if (p.isWord('on') || p.isWord('match') || p.isWord('deferrable')) {
    throw p.unsupported('referential actions (ON DELETE / ON UPDATE / MATCH / DEFERRABLE)');
  }
}

export function parseColumnDef(p: Parser): ColumnDef {
  const pos = p.peek().pos;
  const name = p.parseIdent();
  const type = parseTypeName(p);
  const constraints: ColumnConstraint[] = [];
  for (;;) {
    const c = parseColumnConstraint(p);
    if (c === undefined) break;
    constraints.push(c);
  }
  return { name, type, constraints, pos };
}

function parseColumnConstraint(p: Parser): ColumnConstraint | undefined {
  const name = parseConstraintName(p);
  const named = name ? { name } : {};
  if (p.eatWords('not', 'null')) return { kind: 'NotNull', ...named };
  if (p.eatWord('null')) return { kind: 'Null', ...named };
  if (p.eatWord('default')) return { kind: 'DefaultValue', expr: parseExpr(p, Prec.is), ...named };
  if (p.eatWords('primary', 'key')) return { kind: 'PrimaryKey', ...named };
  if (p.eatWord('unique')) return { kind: 'Unique', ...named };
  if (p.eatWord('references')) {
    const table = p.parseQualifiedName();
    const columns = p.isPunct('(') ? p.parseIdentList() : [];
    parseReferentialActions(p);
    return { kind: 'References', table, columns, ...named };
  }
  if (p.eatWord('check')) {
    p.expectPunct('(');
    const expr = parseExpr(p);
    p.expectPunct(')');
    return { kind: 'Check', expr, ...named };
  }
  if (name !== undefined) throw p.errorAt();
  if (p.eatWord('identity')) {
    p.expectPunct('(');
    const seed = parseSignedInteger(p);
    p.expectPunct(',');
    const step = parseSignedInteger(p);
    p.expectPunct(')');
    return { kind: 'Identity', seed, step };
  }
  if (p.isWord('generated')) {
    p.next();
    let always = false;
    if (p.eatWord('always')) always = true;
    else p.expectWords('by', 'default');
    p.expectWords('as', 'identity');
    if (!p.eatPunct('(')) return { kind: 'GeneratedIdentity', always };
    let seed: string;
    let step: string;
    if (p.isWord('start') || p.isWord('increment')) {
      // PostgreSQL's sequence options: START [WITH] s, INCREMENT [BY] i, in either order.
      const options: Record<string, string> = {};
      while (!p.isPunct(')')) {
        const option = p.eatOneOf('start', 'increment');
        if (option === undefined) throw p.unsupported('identity sequence options');
        if (options[option] !== undefined) throw p.errorAt(p.tokens[p.i - 1]);
        p.eatWord(option === 'start' ? 'with' : 'by');
        options[option] = parseSignedInteger(p);
      }
      seed = options.start ?? '1';
      step = options.increment ?? '1';
    } else if (p.peek().type === 'word') {
      throw p.unsupported('identity sequence options');
    } else {
      seed = parseSignedInteger(p);
      p.expectPunct(',');
      step = parseSignedInteger(p);
    }
    p.expectPunct(')');
    return { kind: 'GeneratedIdentity', always, seed, step };
  }
  if (p.eatWord('encode')) return { kind: 'Encode', encoding: p.parseAnyIdent().value };
  if (p.eatWord('distkey')) return { kind: 'DistKey' };
  if (p.eatWord('sortkey')) return { kind: 'SortKey' };
  if (p.eatWord('collate'))
    return { kind: 'Collate', collation: p.parseQualifiedName(2, () => true) };
  return undefined;
}

function parseSignedInteger(p: Parser): string {
  const neg = p.eatOp('-');
  const n = p.parseInteger();
  return neg ? `-${n}` : String(n);
}

function parseSortKeyColumns(p: Parser, style?: 'compound' | 'interleaved'): SortKey {
  p.expectWord('sortkey');
  if (style === undefined && p.eatWord('auto')) return { kind: 'SortKeyAuto' };
  const columns = p.parseIdentList();
  return style ? { kind: 'SortKeyColumns', style, columns } : { kind: 'SortKeyColumns', columns };
}

export function parseTableAttributes(p: Parser): TableAttributes {
  const a: TableAttributes = {};
  for (;;) {
    if (p.eatWord('backup')) {
      const v = p.eatOneOf('yes', 'no');
      if (v === undefined) throw p.errorAt();
      a.backup = v === 'yes';
    } else if (p.eatWord('diststyle')) {
      const v = p.eatOneOf('auto', 'even', 'key', 'all');
      if (v === undefined) throw p.errorAt();
      a.distStyle = v;
    } else if (p.eatWord('distkey')) {
      p.expectPunct('(');
      a.distKey = p.parseIdent();
      p.expectPunct(')');
    } else if (p.isWord('sortkey')) {
      a.sortKey = parseSortKeyColumns(p);
    } else if (p.isWords('compound', 'sortkey') || p.isWords('interleaved', 'sortkey')) {
      a.sortKey = parseSortKeyColumns(p, p.next().value as 'compound' | 'interleaved');
    } else if (p.isWords('encode', 'auto')) {
      p.i += 2;
      a.encodeAuto = true;
    } else {
      return a;
    }
  }
}

function parseCreateView(p: Parser, pos: number, orReplace: boolean): CreateView {
  p.expectWord('view');
  const name = p.parseQualifiedName();
  const columns = p.isPunct('(') ? p.parseIdentList() : [];
  if (p.isWord('with')) throw p.unsupported('CREATE VIEW ... WITH (options)');
  p.expectWord('as');
  const query = parseQuery(p);
  const noSchemaBinding = p.eatWords('with', 'no', 'schema', 'binding');
  return { kind: 'CreateView', orReplace, name, columns, query, noSchemaBinding, pos };
}

function parseCreateSchema(p: Parser, pos: number): CreateSchema {
  p.expectWord('schema');
  const ifNotExists = p.eatWords('if', 'not', 'exists');
  const cs: CreateSchema = { kind: 'CreateSchema', ifNotExists, pos };
  if (!p.isWord('authorization')) cs.name = p.parseIdent();
  if (p.eatWord('authorization')) cs.authorization = p.parseIdent();
  if (cs.name === undefined && cs.authorization === undefined) throw p.errorAt();
  if (p.eatWord('quota')) cs.quota = parseQuota(p);
  return cs;
}

/** After QUOTA: `n [MB | GB | TB]` or `UNLIMITED`. */
function parseQuota(p: Parser): SchemaQuota {
  if (p.eatWord('unlimited')) return 'unlimited';
  const amount = p.parseInteger();
  return { amount, unit: p.eatOneOf('mb', 'gb', 'tb') ?? 'mb' };
}

/** After ALTER: `SCHEMA name { RENAME TO n | OWNER TO u | QUOTA ... }`. */
export function parseAlterSchema(p: Parser, pos: number): AlterSchema {
  p.expectWord('schema');
  const name = p.parseIdent();
  let action: AlterSchemaAction;
  if (p.eatWords('rename', 'to')) action = { kind: 'RenameSchema', to: p.parseIdent() };
  else if (p.eatWords('owner', 'to')) action = { kind: 'SchemaOwnerTo', owner: p.parseIdent() };
  else if (p.eatWord('quota')) action = { kind: 'SchemaQuota', quota: parseQuota(p) };
  else throw p.errorAt();
  return { kind: 'AlterSchema', name, action, pos };
}

const DROP_TYPES: DropObjectType[] = ['table', 'view', 'schema', 'user', 'database', 'function'];

export function parseDrop(p: Parser): Drop | DropProcedure {
  const pos = p.expectWord('drop').pos;
  if (p.isWord('procedure')) return parseDropProcedure(p, pos);
  const t = p.peek();
  if (p.eatWords('materialized', 'view')) {
    const ifExists = p.eatWords('if', 'exists');
    const names = p.commaList(() => p.parseQualifiedName());
    const d: Drop = { kind: 'Drop', objectType: 'materialized view', ifExists, names, pos };
    const behavior = p.eatOneOf('cascade', 'restrict');
    if (behavior !== undefined) d.behavior = behavior;
    return d;
  }
  const objectType = p.eatOneOf(...DROP_TYPES);
  if (objectType === undefined) {
    if (
      t.type === 'word' &&
      ['materialized', 'group', 'index', 'datashare', 'role', 'library', 'model'].includes(t.value)
    ) {
      throw p.unsupported(`DROP ${t.value.toUpperCase()}`, t);
    }
    throw p.errorAt();
  }
  if (objectType === 'function') throw p.unsupported('DROP FUNCTION', t);
  const ifExists = p.eatWords('if', 'exists');
  const names = p.commaList(() =>
    objectType === 'table' || objectType === 'view' ? p.parseQualifiedName() : [p.parseIdent()],
  );
  const d: Drop = { kind: 'Drop', objectType, ifExists, names, pos };
  const behavior = p.eatOneOf('cascade', 'restrict');
  if (behavior !== undefined) d.behavior = behavior;
  if (objectType === 'database' && p.eatWord('force')) d.force = true;
  return d;
}

export function parseAlterTable(p: Parser, pos: number): AlterTable {
  p.expectWord('table');
  const ifExists = p.eatWords('if', 'exists');
  const name = p.parseQualifiedName();
  const actions = p.commaList(() => parseAlterAction(p));
  if (actions.length > 1 && actions.some((a) => !COMBINABLE.has(a.kind))) {
    throw p.unsupported('combining these ALTER TABLE actions in one statement');
  }
  return { kind: 'AlterTable', ifExists, name, actions, pos };
}

/** Actions Redshift runs together in one ALTER TABLE (r_ALTER_TABLE: combinations). */
const COMBINABLE = new Set<AlterTableAction['kind']>([
  'AlterColumnEncode',
  'AlterSortKey',
  'AlterDistKey',
  'AlterDistStyle',
]);

function parseAlterAction(p: Parser): AlterTableAction {
  if (p.eatWord('add')) {
    const constraint = p.isWord('column') ? undefined : parseTableConstraint(p);
    if (constraint !== undefined) return { kind: 'AddConstraint', constraint };
    p.eatWord('column');
    const ifNotExists = p.eatWords('if', 'not', 'exists');
    return { kind: 'AddColumn', column: parseColumnDef(p), ifNotExists };
  }
  if (p.eatWord('drop')) {
    if (p.eatWord('constraint')) {
      const name = p.parseIdent();
      const behavior = p.eatOneOf('cascade', 'restrict');
      return behavior
        ? { kind: 'DropConstraint', name, behavior }
        : { kind: 'DropConstraint', name };
    }
    p.eatWord('column');
    const ifExists = p.eatWords('if', 'exists');
    const column = p.parseIdent();
    const behavior = p.eatOneOf('cascade', 'restrict');
    return behavior
      ? { kind: 'DropColumn', column, ifExists, behavior }
      : { kind: 'DropColumn', column, ifExists };
  }
  if (p.eatWord('rename')) {
    if (p.eatWord('to')) return { kind: 'RenameTable', to: p.parseIdent() };
    p.eatWord('column');
    const column = p.parseIdent();
    p.expectWord('to');
    return { kind: 'RenameColumn', column, to: p.parseIdent() };
  }
  if (p.eatWords('owner', 'to')) return { kind: 'OwnerTo', owner: p.parseIdent() };
  if (p.eatWords('set', 'schema')) return { kind: 'SetSchema', schema: p.parseIdent() };
  if (p.eatWords('alter', 'distkey')) return { kind: 'AlterDistKey', column: p.parseIdent() };
  if (p.eatWords('alter', 'diststyle')) {
    const style = p.eatOneOf('auto', 'even', 'key', 'all');
    if (style === undefined) throw p.errorAt();
    if (style === 'key') {
      p.expectWord('distkey');
      return { kind: 'AlterDistStyle', style, column: p.parseIdent() };
    }
    return { kind: 'AlterDistStyle', style };
  }
  if (
    p.isWords('alter', 'sortkey') ||
    p.isWords('alter', 'compound') ||
    p.isWords('alter', 'interleaved')
  ) {
    p.next();
    if (p.isWords('sortkey', 'none')) {
      p.i += 2;
      return { kind: 'AlterSortKey', sortKey: { kind: 'SortKeyNone' } };
    }
    const style = p.eatOneOf('compound', 'interleaved');
    return { kind: 'AlterSortKey', sortKey: parseSortKeyColumns(p, style) };
  }
  if (p.eatWords('alter', 'encode', 'auto')) return { kind: 'AlterEncodeAuto' };
  if (p.eatWord('alter')) {
    p.eatWord('column');
    const column = p.parseIdent();
    if (p.eatWords('set', 'data', 'type') || p.eatWord('type')) {
      const type = parseTypeName(p);
      if (p.isWord('using') || p.isWord('collate'))
        throw p.unsupported('ALTER COLUMN TYPE ... USING/COLLATE');
      return { kind: 'AlterColumnType', column, type };
    }
    if (p.eatWord('encode'))
      return { kind: 'AlterColumnEncode', column, encoding: p.parseAnyIdent().value };
    if (p.isWord('set') || p.isWord('drop')) throw p.unsupported('ALTER COLUMN SET/DROP');
    throw p.errorAt();
  }
  if (p.eatWords('append', 'from')) {
    const source = p.parseQualifiedName();
    const extra = p.eatOneOf('ignoreextra', 'filltarget');
    return extra ? { kind: 'AppendFrom', source, extra } : { kind: 'AppendFrom', source };
  }
  throw p.errorAt();
}

export function parseCommentOn(p: Parser): CommentOn {
  const pos = p.expectWord('comment').pos;
  p.expectWord('on');
  const objectType = p.eatOneOf('table', 'column', 'view', 'schema', 'database');
  if (objectType === undefined) {
    const t = p.peek();
    if (t.type === 'word') throw p.unsupported(`COMMENT ON ${t.value.toUpperCase()}`, t);
    throw p.errorAt();
  }
  const name =
    objectType === 'column'
      ? p.parseQualifiedName(4)
      : objectType === 'table' || objectType === 'view'
        ? p.parseQualifiedName()
        : [p.parseIdent()];
  if (objectType === 'column' && name.length < 2) throw p.errorAt();
  p.expectWord('is');
  const comment = p.eatWord('null') ? null : p.parseStringValue();
  return { kind: 'CommentOn', objectType, name, comment, pos };
}
