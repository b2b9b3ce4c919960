// Function calls (aggregates, windows) and the special-syntax functions: EXTRACT, SUBSTRING,
// POSITION, TRIM, OVERLAY. https://www.postgresql.org/docs/15/sql-expressions.html#SYNTAX-AGGREGATES
import type {
  Expr,
  FrameBound,
  FunctionCall,
  Ident,
  WindowFrame,
  WindowSpec,
} from '../ast/index.js';
import type { Parser } from './core.js';
import { parseExpr, parseOrderItems } from './expr.js';

/** After `name`: `( args ) [WITHIN GROUP (...)] [FILTER (WHERE ...)] [OVER ...]`. */
export function parseFunctionTail(p: Parser, name: Ident[], pos: number): FunctionCall {
  if (name.length === 1 && !name[0]!.quoted && name[0]!.value === 'object_transform') {
    return parseObjectTransform(p, name, pos);
  }
  p.expectPunct('(');
  const call: FunctionCall = {
    kind: 'FunctionCall',
    name,
    args: [],
    distinct: false,
    star: false,
    orderBy: [],
    pos,
  };
  if (p.isOp('*') && p.isPunct(')', 1)) {
    p.next();
    call.star = true;
  } else if (!p.isPunct(')')) {
    if (p.eatWord('distinct')) call.distinct = true;
    else p.eatWord('all');
    const names: (Ident | undefined)[] = [];
    do {
      if (p.eatWord('variadic')) call.variadic = true;
      else if (call.variadic) throw p.errorAt();
      const named =
        (p.peek().type === 'word' || p.peek().type === 'qident') &&
        (p.isOp('=>', 1) || (p.isPunct(':', 1) && p.isOp('=', 2)));
      if (named) {
        names.push(p.parseAnyIdent());
        if (!p.eatOp('=>')) {
          p.expectPunct(':');
          p.expectOp('=');
        }
      } else {
        names.push(undefined);
      }
      call.args.push(parseExpr(p));
    } while (p.eatPunct(','));
    if (names.some((n) => n !== undefined)) call.argNames = names;
    if (p.eatThen('order', 'by')) call.orderBy = parseOrderItems(p);
  }
  p.expectPunct(')');
  if (p.eatWords('within', 'group')) {
    p.expectPunct('(');
    p.expectWords('order', 'by');
    call.withinGroup = parseOrderItems(p);
    p.expectPunct(')');
  }
  if (p.eatWord('filter')) {
    p.expectPunct('(');
    p.expectWord('where');
    call.filter = parseExpr(p);
    p.expectPunct(')');
  }
  if (p.eatWord('over')) {
    if (p.isPunct('(')) call.over = parseWindowSpec(p);
    else call.over = p.parseIdent();
  }
  return call;
}

/** `( [base] [PARTITION BY ...] [ORDER BY ...] [frame] )`. */
export function parseWindowSpec(p: Parser): WindowSpec {
  const pos = p.expectPunct('(').pos;
  const spec: WindowSpec = { kind: 'WindowSpec', partitionBy: [], orderBy: [], pos };
  if (
    p.isIdent() &&
    !p.isWord('partition') &&
    !p.isWord('order') &&
    !p.isWord('rows') &&
    !p.isWord('range') &&
    !p.isWord('groups')
  ) {
    spec.baseName = p.parseIdent();
  }
  if (p.eatThen('partition', 'by')) spec.partitionBy = p.commaList(() => parseExpr(p));
  if (p.eatThen('order', 'by')) spec.orderBy = parseOrderItems(p);
  const units = p.eatOneOf('rows', 'range', 'groups');
  if (units !== undefined) spec.frame = parseFrame(p, units);
  p.expectPunct(')');
  return spec;
}

function parseFrame(p: Parser, units: WindowFrame['units']): WindowFrame {
  const frame: WindowFrame = { units, start: { type: 'current_row' } };
  if (p.eatWord('between')) {
    frame.start = parseFrameBound(p);
    p.expectWord('and');
    frame.end = parseFrameBound(p);
  } else {
    frame.start = parseFrameBound(p);
  }
  if (p.eatWord('exclude')) {
    if (p.eatWords('current', 'row')) frame.exclude = 'current row';
    else if (p.eatWord('group')) frame.exclude = 'group';
    else if (p.eatWord('ties')) frame.exclude = 'ties';
    else if (p.eatWords('no', 'others')) frame.exclude = 'no others';
    else throw p.errorAt();
  }
  return frame;
}

function parseFrameBound(p: Parser): FrameBound {
  if (p.eatWords('unbounded', 'preceding')) return { type: 'unbounded_preceding' };
  if (p.eatWords('unbounded', 'following')) return { type: 'unbounded_following' };
  if (p.eatWords('current', 'row')) return { type: 'current_row' };
  const offset = parseExpr(p, 0);
  if (p.eatWord('preceding')) return { type: 'preceding', offset };
  if (p.eatWord('following')) return { type: 'following', offset };
  throw p.errorAt();
}

/** The special-syntax functions; undefined when `word (` is an ordinary call. */
export function parseSpecialFunction(p: Parser, word: string): Expr | undefined {
  const pos = p.peek().pos;
  switch (word) {
    case 'extract': {
      p.i += 2;
      const ft = p.next();
      let field: string;
      if (ft.type === 'word' || ft.type === 'string' || ft.type === 'qident') field = ft.value;
      else throw p.errorAt(ft);
      p.expectWord('from');
      const expr = parseExpr(p);
      p.expectPunct(')');
      return { kind: 'Extract', field: field.toLowerCase(), expr, pos };
    }
    case 'position': {
      p.i += 2;
      // PostgreSQL: POSITION(b_expr IN b_expr) — above IN's precedence.
      const needle = parseExpr(p, 60);
      p.expectWord('in');
      const haystack = parseExpr(p, 60);
      p.expectPunct(')');
      return { kind: 'Position', needle, haystack, pos };
    }
    case 'substring': {
      const save = p.i;
      p.i += 2;
      const expr = parseExpr(p);
      if (!p.isWord('from') && !p.isWord('for')) {
        p.i = save;
        return undefined;
      }
      let from: Expr | undefined;
      let forExpr: Expr | undefined;
      if (p.eatWord('from')) from = parseExpr(p);
      if (p.eatWord('for')) forExpr = parseExpr(p);
      if (from === undefined && p.eatWord('from')) from = parseExpr(p);
      p.expectPunct(')');
      return {
        kind: 'Substring',
        expr,
        ...(from ? { from } : {}),
        ...(forExpr ? { for: forExpr } : {}),
        pos,
      };
    }
    case 'trim': {
      p.i += 2;
      const side = p.eatOneOf('leading', 'trailing', 'both');
      let chars: Expr | undefined;
      let expr: Expr;
      if (p.eatWord('from')) {
        expr = parseExpr(p);
      } else {
        const first = parseExpr(p);
        if (p.eatWord('from')) {
          chars = first;
          expr = parseExpr(p);
        } else if (side === undefined && p.eatPunct(',')) {
          expr = first;
          chars = parseExpr(p);
        } else {
          expr = first;
        }
      }
      p.expectPunct(')');
      return {
        kind: 'Trim',
        ...(side ? { side } : {}),
        ...(chars ? { chars } : {}),
        expr,
        pos,
      };
    }
    case 'overlay': {
      const save = p.i;
      p.i += 2;
      const expr = parseExpr(p);
      if (!p.eatWord('placing')) {
        p.i = save;
        return undefined;
      }
      const placing = parseExpr(p);
      p.expectWord('from');
      const from = parseExpr(p);
      const forExpr = p.eatWord('for') ? parseExpr(p) : undefined;
      p.expectPunct(')');
      return { kind: 'Overlay', expr, placing, from, ...(forExpr ? { for: forExpr } : {}), pos };
    }
    default:
      return undefined;
  }
}

/**
 * `OBJECT_TRANSFORM(input [KEEP path, ...] [SET path, value, ...])`: the paths and values are
 * arguments named by the keyword that introduces them.
 * https://docs.aws.amazon.com/redshift/latest/dg/r_object_transform_function.html
 */
function parseObjectTransform(p: Parser, name: Ident[], pos: number): FunctionCall {
  p.expectPunct('(');
  const args: Expr[] = [parseExpr(p)];
  const argNames: (Ident | undefined)[] = [undefined];
  for (const clause of ['keep', 'set']) {
    const t = p.peek();
    if (!p.eatWord(clause)) continue;
    for (const e of p.commaList(() => parseExpr(p))) {
      args.push(e);
      argNames.push({ value: clause, quoted: false, pos: t.pos });
    }
  }
  p.expectPunct(')');
  return {
    kind: 'FunctionCall',
    name,
    args,
    ...(args.length > 1 ? { argNames, keywordArgs: true } : {}),
    distinct: false,
    star: false,
    orderBy: [],
    pos,
  };
}
