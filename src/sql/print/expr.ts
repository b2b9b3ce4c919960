// Expression printing shared by the Redshift and DuckDB printers. Parentheses come from
// precedence (the parser's table in ../parser/expr.ts), so print(parse(x)) reparses to the same
// tree; subclasses override single node kinds.
import type {
  Expr,
  FrameBound,
  FunctionCall,
  Ident,
  OrderItem,
  Query,
  TypeName,
  WindowSpec,
} from '../ast/index.js';
import { funcNameText, identText, labelText, quoteStringPortable } from './quote.js';

const ATOM = 1000;

/** Binding precedence of a node's top operator (ATOM for self-delimited nodes). */
export function exprPrec(e: Expr): number {
  switch (e.kind) {
    case 'Binary':
      return binaryPrec(e.op, e.operatorSchema);
    case 'Unary':
      return e.op === 'not' ? 30 : e.op === '-' || e.op === '+' ? 130 : 70;
    case 'IsTest':
    case 'IsDistinct':
      return 40;
    case 'Quantified':
      return binaryPrec(e.op, undefined);
    case 'Between':
    case 'InList':
    case 'InSubquery':
    case 'Like':
      return 60;
    case 'AtTimeZone':
      return 110;
    case 'Collate':
      return 120;
    case 'Cast':
      return e.syntax === 'colon' ? 140 : ATOM;
    case 'Subscript':
      return 140;
    default:
      return ATOM;
  }
}

export function binaryPrec(op: string, operatorSchema: string | undefined): number {
  if (operatorSchema !== undefined) return 70;
  switch (op) {
    case 'or':
      return 10;
    case 'and':
      return 20;
    case '<':
    case '>':
    case '=':
    case '<=':
    case '>=':
    case '<>':
    case '!=':
      return 50;
    case '+':
    case '-':
      return 80;
    case '*':
    case '/':
    case '%':
      return 90;
    case '^':
      return 100;
    default:
      return 70;
  }
}

const NON_ASSOC = new Set([40, 50, 60]);
const OP_CHARS = /^[+\-*/<>=~!@#%^&|`?]/;

export class ExprPrinter {
  ident(id: Ident): string {
    return identText(id);
  }

  label(id: Ident): string {
    return labelText(id);
  }

  /** A qualified name: first part as an identifier, later parts as labels. */
  name(parts: Ident[]): string {
    return parts.map((p, i) => (i === 0 ? this.ident(p) : this.label(p))).join('.');
  }

  /** Redshift output: backslashes in E'' form, so the text reads the same in either mode. */
  string(value: string): string {
    return quoteStringPortable(value);
  }

  /** Overridden by the DuckDB printer to translate queries; set by the statement printer. */
  query(_q: Query): string {
    throw new Error('ExprPrinter.query must be provided by the statement printer');
  }

  /** `e` as an operand needing binding power above `min` (or equal, when `allowEqual`). */
  operand(e: Expr, min: number, allowEqual = false): string {
    const prec = exprPrec(e);
    const text = this.expr(e);
    if (prec > min || (allowEqual && prec === min && !NON_ASSOC.has(prec))) return text;
    return `(${text})`;
  }

  exprs(list: Expr[]): string {
    return list.map((e) => this.expr(e)).join(', ');
  }

  expr(e: Expr): string {
    switch (e.kind) {
      case 'NumberLit':
        return e.value;
      case 'StringLit':
        return this.string(e.value);
      case 'BoolLit':
        return e.value ? 'TRUE' : 'FALSE';
      case 'NullLit':
        return 'NULL';
      case 'TypedLit':
        return this.typedLit(e.type, e.value);
      case 'Param':
        return `$${e.index}`;
      case 'ColumnRef':
        return this.name(e.parts);
      case 'Star':
        return e.qualifier.length === 0 ? '*' : `${this.name(e.qualifier)}.*`;
      case 'Unary': {
        if (e.op === 'not') return `NOT ${this.operand(e.operand, 30, true)}`;
        const operand = this.operand(e.operand, exprPrec(e), true);
        return OP_CHARS.test(operand) ? `${e.op} ${operand}` : `${e.op}${operand}`;
      }
      case 'Binary':
        return this.binary(e.op, e.left, e.right, e.operatorSchema);
      case 'Cast':
        if (e.syntax === 'cast') return `CAST(${this.expr(e.expr)} AS ${this.type(e.type)})`;
        return `${this.operand(e.expr, 140, true)}::${this.type(e.type)}`;
      case 'Collate':
        // The parser takes any word as a collation name (keywords too): print them as labels.
        return `${this.operand(e.expr, 120, true)} COLLATE ${e.collation.map((c) => this.label(c)).join('.')}`;
      case 'IsTest': {
        const not = e.negated ? 'NOT ' : '';
        return `${this.operand(e.expr, 40)} IS ${not}${e.test.toUpperCase()}`;
      }
      case 'IsDistinct':
        return `${this.operand(e.left, 40)} IS ${e.negated ? 'NOT ' : ''}DISTINCT FROM ${this.operand(e.right, 40)}`;
      case 'Between': {
        const kw = `${e.negated ? 'NOT ' : ''}BETWEEN${e.symmetric ? ' SYMMETRIC' : ''}`;
        return `${this.operand(e.expr, 60)} ${kw} ${this.operand(e.low, 60)} AND ${this.operand(e.high, 60)}`;
      }
      case 'InList':
        return `${this.operand(e.expr, 60)} ${e.negated ? 'NOT ' : ''}IN (${this.exprs(e.list)})`;
      case 'InSubquery':
        return `${this.operand(e.expr, 60)} ${e.negated ? 'NOT ' : ''}IN (${this.query(e.query)})`;
      case 'Like': {
        const op = e.op === 'similar' ? 'SIMILAR TO' : e.op.toUpperCase();
        const esc = e.escape ? ` ESCAPE ${this.operand(e.escape, 60)}` : '';
        return `${this.operand(e.expr, 60)} ${e.negated ? 'NOT ' : ''}${op} ${this.operand(e.pattern, 60)}${esc}`;
      }
      case 'Exists':
        return `EXISTS (${this.query(e.query)})`;
      case 'Subquery':
        return `(${this.query(e.query)})`;
      case 'Quantified': {
        const prec = binaryPrec(e.op, undefined);
        const inner = e.query ? this.query(e.query) : this.expr(e.array as Expr);
        return `${this.operand(e.left, prec, true)} ${e.op} ${e.quantifier.toUpperCase()} (${inner})`;
      }
      case 'ArrayExpr':
        return `${e.bare ? '' : 'ARRAY'}[${this.exprs(e.elements)}]`;
      case 'ArraySubquery':
        return `ARRAY(${this.query(e.query)})`;
      case 'Subscript': {
        // PostgreSQL allows subscripts on column refs, parameters and parenthesized
        // expressions; a scalar subquery already prints its own parentheses.
        const bare = ['ColumnRef', 'Param', 'Subscript', 'Subquery'].includes(e.expr.kind);
        const base = bare ? this.expr(e.expr) : `(${this.expr(e.expr)})`;
        if (!e.slice) return `${base}[${this.expr(e.index as Expr)}]`;
        const lo = e.index ? this.expr(e.index) : '';
        const hi = e.upper ? this.expr(e.upper) : '';
        return `${base}[${lo}:${hi}]`;
      }
      case 'RowExpr':
        if (e.explicit || e.fields.length < 2) return `ROW(${this.exprs(e.fields)})`;
        return `(${this.exprs(e.fields)})`;
      case 'Case': {
        let s = 'CASE';
        if (e.operand) s += ` ${this.expr(e.operand)}`;
        for (const w of e.whens) s += ` WHEN ${this.expr(w.when)} THEN ${this.expr(w.then)}`;
        if (e.else) s += ` ELSE ${this.expr(e.else)}`;
        return `${s} END`;
      }
      case 'FunctionCall':
        return this.functionCall(e);
      case 'Extract':
        return `EXTRACT(${/^[a-z_]+$/.test(e.field) ? e.field.toUpperCase() : this.string(e.field)} FROM ${this.expr(e.expr)})`;
      case 'Substring': {
        let s = `SUBSTRING(${this.expr(e.expr)}`;
        if (e.from) s += ` FROM ${this.expr(e.from)}`;
        if (e.for) s += ` FOR ${this.expr(e.for)}`;
        return `${s})`;
      }
      case 'Position':
        return `POSITION(${this.operand(e.needle, 60)} IN ${this.operand(e.haystack, 60)})`;
      case 'Trim': {
        const side = e.side ? `${e.side.toUpperCase()} ` : '';
        const chars = e.chars ? `${this.expr(e.chars)} ` : '';
        if (side === '' && chars === '') return `TRIM(${this.expr(e.expr)})`;
        return `TRIM(${side}${chars}FROM ${this.expr(e.expr)})`;
      }
      case 'Overlay': {
        const f = e.for ? ` FOR ${this.expr(e.for)}` : '';
        return `OVERLAY(${this.expr(e.expr)} PLACING ${this.expr(e.placing)} FROM ${this.expr(e.from)}${f})`;
      }
      case 'KeywordFunction':
        return e.name.toUpperCase() + (e.precision !== undefined ? `(${e.precision})` : '');
      case 'AtTimeZone':
        return `${this.operand(e.expr, 110, true)} AT TIME ZONE ${this.operand(e.zone, 110)}`;
      case 'FieldSelect': {
        const bare = e.expr.kind === 'Subquery' || e.expr.kind === 'Subscript';
        const base = bare ? this.expr(e.expr) : `(${this.expr(e.expr)})`;
        return `${base}.${e.field ? this.label(e.field) : '*'}`;
      }
      case 'Default':
        return 'DEFAULT';
    }
  }

  binary(op: string, left: Expr, right: Expr, operatorSchema: string | undefined): string {
    const prec = binaryPrec(op, operatorSchema);
    const opText =
      operatorSchema === undefined
        ? op === 'and' || op === 'or'
          ? op.toUpperCase()
          : op
        : `OPERATOR(${operatorSchema === '' ? '' : `${operatorSchema}.`}${op})`;
    return `${this.operand(left, prec, true)} ${opText} ${this.operand(right, prec)}`;
  }

  typedLit(type: TypeName, value: string): string {
    if (
      type.name === 'interval' &&
      type.intervalFields !== undefined &&
      type.modifiers.length === 0
    ) {
      return `INTERVAL ${this.string(value)} ${type.intervalFields.toUpperCase()}`;
    }
    return `${this.type(type)} ${this.string(value)}`;
  }

  /** The declared spelling with modifiers, time zone, interval fields and array suffixes. */
  type(t: TypeName): string {
    let s = t.schema ? `${this.ident(t.schema)}.${t.spelling}` : t.spelling;
    if (t.name === 'interval' && t.intervalFields) s += ` ${t.intervalFields}`;
    if (t.modifiers.length > 0) s += `(${t.modifiers.join(', ')})`;
    if (t.withTimeZone === true) s += ' with time zone';
    if (t.withTimeZone === false) s += ' without time zone';
    return s + '[]'.repeat(t.arrayDims);
  }

  functionName(parts: Ident[]): string {
    // Redshift's ARRAY(a, b) constructor: the keyword reads back as the same call.
    if (parts.length === 1 && !parts[0]!.quoted && parts[0]!.value === 'array') return 'ARRAY';
    if (parts.length === 1) return funcNameText(parts[0] as Ident);
    return parts.map((p, i) => (i === 0 ? this.ident(p) : this.label(p))).join('.');
  }

  functionCall(e: FunctionCall): string {
    const call = this.functionCallWith(e, this.functionName(e.name), this.functionArgs(e));
    return e.approximate ? `APPROXIMATE ${call}` : call;
  }

  /** The text between the parentheses: `DISTINCT a, b ORDER BY c` / `*`. */
  functionArgs(e: FunctionCall): string {
    if (e.star) return '*';
    if (e.keywordArgs) {
      // OBJECT_TRANSFORM(x KEEP a, b SET c, d): each keyword once, before its arguments.
      let s = this.expr(e.args[0]!);
      e.args.slice(1).forEach((a, i) => {
        const clause = e.argNames![i + 1]!.value;
        s += clause === e.argNames![i]?.value ? ', ' : ` ${clause.toUpperCase()} `;
        s += this.expr(a);
      });
      return s;
    }
    const args = e.args.map((a, i) => {
      const n = e.argNames?.[i];
      const v = e.variadic && i === e.args.length - 1 ? 'VARIADIC ' : '';
      return `${v}${n ? `${this.label(n)} => ` : ''}${this.expr(a)}`;
    });
    let s = (e.distinct ? 'DISTINCT ' : '') + args.join(', ');
    if (e.orderBy.length > 0) s += ` ORDER BY ${this.orderItems(e.orderBy)}`;
    return s;
  }

  functionCallWith(e: FunctionCall, name: string, args: string): string {
    let s = `${name}(${args})`;
    if (e.withinGroup) s += ` WITHIN GROUP (ORDER BY ${this.orderItems(e.withinGroup)})`;
    if (e.filter) s += ` FILTER (WHERE ${this.expr(e.filter)})`;
    if (e.over) s += ` OVER ${'kind' in e.over ? this.windowSpec(e.over) : this.ident(e.over)}`;
    return s;
  }

  orderItems(items: OrderItem[]): string {
    return items
      .map((o) => {
        let s = this.expr(o.expr);
        if (o.direction) s += ` ${o.direction.toUpperCase()}`;
        if (o.nulls) s += ` NULLS ${o.nulls.toUpperCase()}`;
        return s;
      })
      .join(', ');
  }

  windowSpec(w: WindowSpec): string {
    const parts: string[] = [];
    if (w.baseName) parts.push(this.ident(w.baseName));
    if (w.partitionBy.length > 0) parts.push(`PARTITION BY ${this.exprs(w.partitionBy)}`);
    if (w.orderBy.length > 0) parts.push(`ORDER BY ${this.orderItems(w.orderBy)}`);
    if (w.frame) {
      const f = w.frame;
      let s = f.units.toUpperCase();
      s += f.end
        ? ` BETWEEN ${this.frameBound(f.start)} AND ${this.frameBound(f.end)}`
        : ` ${this.frameBound(f.start)}`;
      if (f.exclude) s += ` EXCLUDE ${f.exclude.toUpperCase()}`;
      parts.push(s);
    }
    return `(${parts.join(' ')})`;
  }

  frameBound(b: FrameBound): string {
    switch (b.type) {
      case 'unbounded_preceding':
        return 'UNBOUNDED PRECEDING';
      case 'unbounded_following':
        return 'UNBOUNDED FOLLOWING';
      case 'current_row':
        return 'CURRENT ROW';
      case 'preceding':
        return `${this.expr(b.offset)} PRECEDING`;
      case 'following':
        return `${this.expr(b.offset)} FOLLOWING`;
    }
  }
}
