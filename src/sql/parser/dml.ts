// INSERT, UPDATE, DELETE, TRUNCATE. https://docs.aws.amazon.com/redshift/latest/dg/r_INSERT_30.html
import type {
  Assignment,
  Delete,
  Ident,
  Insert,
  Merge,
  SelectItem,
  Truncate,
  Update,
} from '../ast/index.js';
import type { Parser } from './core.js';
import { parseExpr } from './expr.js';
import { isBareLabel } from './keywords.js';
import { parseFromList, parseQuery, parseTablePrimary, startsQuery } from './select.js';

function parseReturning(p: Parser): SelectItem[] | undefined {
  if (!p.eatWord('returning')) return undefined;
  return p.commaList((): SelectItem => {
    const pos = p.peek().pos;
    if (p.eatOp('*')) return { expr: { kind: 'Star', qualifier: [], pos }, pos };
    const expr = parseExpr(p);
    const alias = p.parseOptionalAlias(isBareLabel);
    return alias ? { expr, alias, pos } : { expr, pos };
  });
}

/** `[AS] alias` after the target table of UPDATE / DELETE (not SET / USING / WHERE). */
function parseTargetAlias(p: Parser, stop: string[]): Ident | undefined {
  if (p.eatWord('as')) return p.parseIdent();
  if (p.isIdent() && !stop.includes(p.peek().value)) return p.parseIdent();
  return undefined;
}

export function parseInsert(p: Parser): Insert {
  const pos = p.expectWord('insert').pos;
  p.expectWord('into');
  const table = p.parseQualifiedName();
  const ins: Insert = { kind: 'Insert', table, columns: [], defaultValues: false, pos };
  if (p.eatWord('as')) ins.alias = p.parseIdent();
  if (p.isPunct('(') && !startsQuery(p)) ins.columns = p.parseIdentList();
  if (p.eatWords('default', 'values')) {
    ins.defaultValues = true;
  } else {
    ins.source = parseQuery(p);
  }
  if (p.isWords('on', 'conflict')) throw p.unsupported('INSERT ... ON CONFLICT');
  const returning = parseReturning(p);
  if (returning) ins.returning = returning;
  return ins;
}

export function parseUpdate(p: Parser): Update {
  const pos = p.expectWord('update').pos;
  p.eatWord('only');
  const table = p.parseQualifiedName();
  const upd: Update = { kind: 'Update', table, assignments: [], from: [], pos };
  const alias = parseTargetAlias(p, ['set']);
  if (alias) upd.alias = alias;
  p.expectWord('set');
  upd.assignments = parseAssignments(p);
  if (p.eatWord('from')) upd.from = parseFromList(p);
  if (p.eatWord('where')) {
    if (p.isWords('current', 'of')) throw p.unsupported('WHERE CURRENT OF');
    upd.where = parseExpr(p);
  }
  const returning = parseReturning(p);
  if (returning) upd.returning = returning;
  return upd;
}

/** `col = expr, (a, b) = (...)` after SET. */
function parseAssignments(p: Parser): Assignment[] {
  return p.commaList((): Assignment => {
    const apos = p.peek().pos;
    if (p.isPunct('(')) {
      const targets = p.parseIdentList();
      p.expectOp('=');
      return { targets, tuple: true, value: parseExpr(p), pos: apos };
    }
    const name = p.parseQualifiedName(2);
    const target = name[name.length - 1] as Ident;
    if (p.isPunct('[')) throw p.unsupported('UPDATE of an array element');
    p.expectOp('=');
    return { targets: [target], tuple: false, value: parseExpr(p), pos: apos };
  });
}

/** Redshift's MERGE. https://docs.aws.amazon.com/redshift/latest/dg/r_MERGE.html */
export function parseMerge(p: Parser): Merge {
  const pos = p.expectWord('merge').pos;
  p.expectWord('into');
  const table = p.parseQualifiedName();
  const alias = parseTargetAlias(p, ['using']);
  p.expectWord('using');
  const source = parseTablePrimary(p);
  p.expectWord('on');
  const on = parseExpr(p);
  const merge: Merge = { kind: 'Merge', table, source, on, removeDuplicates: false, pos };
  if (alias) merge.alias = alias;
  if (p.eatWord('remove')) {
    p.expectWord('duplicates');
    merge.removeDuplicates = true;
    return merge;
  }
  while (p.eatWord('when')) {
    const not = p.eatWord('not');
    p.expectWord('matched');
    p.expectWord('then');
    if (!not) {
      if (merge.matched) throw p.errorAt();
      if (p.eatWord('delete')) merge.matched = { kind: 'delete' };
      else {
        p.expectWord('update');
        p.expectWord('set');
        merge.matched = { kind: 'update', assignments: parseAssignments(p) };
      }
    } else {
      if (merge.notMatched) throw p.errorAt();
      p.expectWord('insert');
      const columns = p.isPunct('(') ? p.parseIdentList() : [];
      p.expectWord('values');
      p.expectPunct('(');
      const values = p.commaList(() => parseExpr(p));
      p.expectPunct(')');
      merge.notMatched = { columns, values };
    }
  }
  if (!merge.matched && !merge.notMatched) throw p.errorAt();
  return merge;
}

export function parseDelete(p: Parser): Delete {
  const pos = p.expectWord('delete').pos;
  p.eatWord('from');
  p.eatWord('only');
  const table = p.parseQualifiedName();
  const del: Delete = { kind: 'Delete', table, using: [], pos };
  const alias = parseTargetAlias(p, ['using', 'where', 'returning']);
  if (alias) del.alias = alias;
  if (p.eatWord('using')) del.using = parseFromList(p);
  if (p.eatWord('where')) {
    if (p.isWords('current', 'of')) throw p.unsupported('WHERE CURRENT OF');
    del.where = parseExpr(p);
  }
  const returning = parseReturning(p);
  if (returning) del.returning = returning;
  return del;
}

export function parseTruncate(p: Parser): Truncate {
  const pos = p.expectWord('truncate').pos;
  p.eatWord('table');
  const tables = p.commaList(() => {
    p.eatWord('only');
    return p.parseQualifiedName();
  });
  return { kind: 'Truncate', tables, pos };
}
