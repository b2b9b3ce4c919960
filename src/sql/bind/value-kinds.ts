// Which expressions of a statement are character strings or SUPER values, known statically:
// column references resolved against the relations in scope (lake tables' declared types,
// derived tables, WITH queries), string literals, casts, and the results of string and SUPER
// functions. The trailing-blank rules of Redshift's character types (trailing-blanks.ts) and
// SUPER navigation (super.ts) need it; DuckDB has no CHAR or SUPER type and resolves every other
// type itself. A column reference with more parts than a column name takes is SUPER navigation
// when its leading parts name a SUPER column: `t.col.a.b` is the path a.b into t.col.
// https://docs.aws.amazon.com/redshift/latest/dg/r_Character_types.html
// https://docs.aws.amazon.com/redshift/latest/dg/query-super.html
import type {
  ColumnRef,
  Expr,
  Ident,
  Query,
  Select,
  SetExpr,
  Star,
  TableName,
  TableRef,
  TypeName,
} from '../ast/index.js';
import { visit } from '../ast/index.js';
import { identValue } from './names.js';

/**
 * A string's kind. CHAR(n) values are computed without their trailing blanks (the lake stores
 * them so) and padded to n only on the way to the client; `length` is n when known.
 */
export type StringKind =
  | { kind: 'char'; length: number | undefined }
  | { kind: 'varchar' }
  | { kind: 'literal'; value: string };

/** A SUPER value (DuckDB JSON). */
export interface SuperKind {
  kind: 'super';
}

export type ValueKind = StringKind | SuperKind;

/**
 * A column reference that navigates into a SUPER column: its first `columnParts` parts name the
 * column (with its qualifier), the others are the path.
 */
export interface Navigation {
  columnParts: number;
}

/** A stored relation's column: its name and declared type text ("character(5)"), if any. */
export interface DeclaredColumn {
  name: string;
  type: string | null;
}

type Column = readonly [name: string, kind: ValueKind | undefined];

/**
 * A FROM item: the name it is referred to by, and its columns (undefined: not known). `value`:
 * the item is itself a SUPER value (a PartiQL iteration variable, `FROM t, t.arr AS e`).
 */
interface Rel {
  name: string | undefined;
  columns: readonly Column[] | undefined;
  value?: boolean;
}

interface Scope {
  rels: Rel[];
  outer: Scope | undefined;
  ctes: Map<string, readonly Column[] | undefined>;
}

const VARCHAR: StringKind = { kind: 'varchar' };
const SUPER: SuperKind = { kind: 'super' };

/** Functions whose result is a SUPER value. */
export const SUPER_FUNCTIONS = new Set([
  'json_parse',
  'object',
  'array',
  'array_concat',
  'array_flatten',
  'subarray',
  'split_to_array',
  'object_transform',
]);

/** Functions whose result is a VARCHAR (when they are not window functions). */
const STRING_FUNCTIONS = new Set([
  'btrim',
  'concat',
  'initcap',
  'left',
  'lower',
  'lpad',
  'ltrim',
  'repeat',
  'replace',
  'replicate',
  'reverse',
  'right',
  'rpad',
  'rtrim',
  'split_part',
  'substr',
  'substring',
  'to_char',
  'translate',
  'trim',
  'upper',
]);

const DECLARED_KINDS = new Map<string, ValueKind | undefined>();

/** The kind of a declared type's text, as the lake keeps it. */
export function declaredKind(type: string | null): ValueKind | undefined {
  if (type === null) return undefined;
  if (DECLARED_KINDS.has(type)) return DECLARED_KINDS.get(type);
  const char = /^character\((\d+)\)$/.exec(type);
  const kind: ValueKind | undefined = char
    ? { kind: 'char', length: Number(char[1]) }
    : /^(character varying|text)\b/.test(type) && !type.endsWith('[]')
      ? VARCHAR
      : type === 'super'
        ? SUPER
        : undefined;
  if (DECLARED_KINDS.size < 1000) DECLARED_KINDS.set(type, kind);
  return kind;
}

/** The kind of a cast's target type. */
function typeKind(t: TypeName): ValueKind | undefined {
  if (t.arrayDims > 0 || (t.schema !== undefined && t.schema.value !== 'pg_catalog')) {
    return undefined;
  }
  if (t.name === 'super') return SUPER;
  if (t.name === 'bpchar') {
    const n = t.modifiers[0];
    return { kind: 'char', length: typeof n === 'number' ? n : undefined };
  }
  return t.name === 'varchar' || t.name === 'text' ? VARCHAR : undefined;
}

export class ValueKinds {
  private readonly refs = new Map<ColumnRef, ValueKind>();
  private readonly navigations = new Map<ColumnRef, Navigation>();
  private readonly unnests = new Map<TableName, ColumnRef>();
  private readonly outputs = new Map<Query, readonly Column[] | undefined>();
  private readonly stars = new Map<Star, Rel[]>();
  private readonly selectScopes = new Map<Select, Scope>();

  constructor(
    private readonly relations: ReadonlyMap<TableName, readonly DeclaredColumn[]>,
    private readonly caseSensitive: boolean,
  ) {}

  /** Resolves the column references of a query or an expression (with no relations in scope). */
  static of(
    root: Query | Expr,
    relations: ReadonlyMap<TableName, readonly DeclaredColumn[]>,
    caseSensitive: boolean,
    scope: readonly { name: string; columns: readonly DeclaredColumn[] }[] = [],
  ): ValueKinds {
    const kinds = new ValueKinds(relations, caseSensitive);
    const top: Scope = { rels: [], outer: undefined, ctes: new Map() };
    for (const t of scope) {
      top.rels.push({
        name: t.name,
        columns: t.columns.map((c) => [c.name, declaredKind(c.type)] as const),
      });
    }
    if (root.kind === 'Query') kinds.query(root, top);
    else kinds.exprs(root, top);
    return kinds;
  }

  /** The kind of an expression, or undefined when it is not known to be a string. */
  kindOf(e: Expr): StringKind | undefined {
    const k = this.valueKindOf(e);
    return k?.kind === 'super' ? undefined : k;
  }

  /** Whether an expression is known to be a SUPER value. */
  isSuper(e: Expr): boolean {
    return this.valueKindOf(e)?.kind === 'super';
  }

  /**
   * The SUPER value a FROM item unnests (`FROM t, t.arr AS e`), as a column reference resolved
   * in the FROM items before it, or undefined when the item names a relation.
   */
  unnested(t: TableName): ColumnRef | undefined {
    return this.unnests.get(t);
  }

  /** How a column reference navigates into a SUPER column, if it does. */
  navigation(ref: ColumnRef): Navigation | undefined {
    return this.navigations.get(ref);
  }

  /** The kind of an expression: a string, a SUPER value, or undefined when not known. */
  valueKindOf(e: Expr): ValueKind | undefined {
    switch (e.kind) {
      case 'StringLit':
        return { kind: 'literal', value: e.value };
      case 'ColumnRef':
        return this.refs.get(e);
      case 'Cast':
        return typeKind(e.type);
      case 'TypedLit':
        return typeKind(e.type);
      case 'Collate':
        return this.kindOf(e.expr);
      case 'Binary':
        return e.op === '||' && (this.kindOf(e.left) || this.kindOf(e.right)) ? VARCHAR : undefined;
      case 'Substring':
      case 'Trim':
      case 'Overlay':
        return VARCHAR;
      case 'Subquery':
        return this.outputs.get(e.query)?.[0]?.[1];
      case 'Subscript':
      case 'FieldSelect':
        // Navigation into a SUPER value is a SUPER value.
        return this.isSuper(e.expr) ? SUPER : undefined;
      case 'Case': {
        const branches = [...e.whens.map((w) => w.then), ...(e.else ? [e.else] : [])];
        return branches.some((b) => this.isSuper(b)) ? SUPER : undefined;
      }
      case 'FunctionCall': {
        if (e.over !== undefined || (e.name.length > 1 && e.name[0]!.value !== 'pg_catalog')) {
          return undefined;
        }
        const name = e.name[e.name.length - 1]!.value;
        if (SUPER_FUNCTIONS.has(name)) return SUPER;
        // MIN and MAX of CHAR values are CHAR values.
        if ((name === 'min' || name === 'max') && e.args.length === 1) {
          const k = this.kindOf(e.args[0]!);
          return k?.kind === 'literal' ? VARCHAR : k;
        }
        return STRING_FUNCTIONS.has(name) ? VARCHAR : undefined;
      }
      default:
        return undefined;
    }
  }

  /** A query's result columns with their kinds, when known (star expansions included). */
  outputColumns(q: Query): readonly (readonly [string, ValueKind | undefined])[] | undefined {
    return this.outputs.get(q);
  }

  /**
   * The columns a star expands to with the relation name each comes from, or undefined when
   * any is unknown.
   */
  starColumns(s: Star): { rel: string | undefined; name: string; kind: ValueKind | undefined }[] {
    const rels = this.stars.get(s);
    if (rels === undefined) return [];
    return rels.flatMap((r) => r.columns!.map(([name, kind]) => ({ rel: r.name, name, kind })));
  }

  private name(id: Ident): string {
    return identValue(id, this.caseSensitive);
  }

  private query(q: Query, outer: Scope): readonly Column[] | undefined {
    const ctes = new Map(outer.ctes);
    const scope: Scope = { ...outer, ctes };
    for (const cte of q.with?.ctes ?? []) {
      const cols = this.query(cte.query, scope);
      ctes.set(
        this.name(cte.name),
        renamed(
          cols,
          cte.columns.map((c) => this.name(c)),
        ),
      );
    }
    const out = this.body(q.body, scope);
    this.outputs.set(q, out);
    // ORDER BY sees the body's FROM items when the body is a SELECT.
    const orderScope = q.body.kind === 'Select' ? this.selectScopes.get(q.body) : undefined;
    this.exprs(
      q.orderBy.map((o) => o.expr),
      orderScope ?? scope,
    );
    return out;
  }

  private body(b: SetExpr, scope: Scope): readonly Column[] | undefined {
    switch (b.kind) {
      case 'Query':
        return this.query(b, scope);
      case 'SetOperation': {
        const left = this.body(b.left, scope);
        const right = this.body(b.right, scope);
        // Columns are named by the left side; a kind holds when both sides agree.
        if (left === undefined || right === undefined || left.length !== right.length) return left;
        return left.map(([n, k], i) => [n, sameKind(k, right[i]![1])] as const);
      }
      case 'Values':
        this.exprs(b.rows, scope);
        return undefined;
      case 'Select': {
        const inner: Scope = { rels: [], outer: scope, ctes: scope.ctes };
        this.selectScopes.set(b, inner);
        for (const ref of b.from) this.fromItem(ref, inner);
        const { from: _from, items, ...rest } = b;
        this.exprs(rest, inner);
        const out: Column[] = [];
        let known = true;
        for (const item of items) {
          if (item.expr.kind === 'Star') {
            const rels = this.starRels(item.expr, inner);
            if (rels === undefined) known = false;
            else out.push(...rels.flatMap((r) => r.columns!));
            continue;
          }
          this.exprs(item.expr, inner);
          const name = item.alias
            ? this.name(item.alias)
            : item.expr.kind === 'ColumnRef'
              ? this.name(item.expr.parts.at(-1)!)
              : '?column?';
          out.push([name, this.valueKindOf(item.expr)]);
        }
        return known ? out : undefined;
      }
    }
  }

  /** The relations a star covers, when all their columns are known. */
  private starRels(s: Star, scope: Scope): Rel[] | undefined {
    let rels = scope.rels;
    if (s.qualifier.length > 0) {
      const q = this.name(s.qualifier.at(-1)!);
      rels = rels.filter((r) => r.name === q);
      if (rels.length !== 1) return undefined;
    }
    if (rels.length === 0 || rels.some((r) => r.columns === undefined)) return undefined;
    this.stars.set(s, rels);
    return rels;
  }

  private fromItem(ref: TableRef, scope: Scope): void {
    switch (ref.kind) {
      case 'TableName': {
        const unnested = this.unnestedValue(ref, scope);
        scope.rels.push(unnested ?? this.tableRel(ref, scope));
        return;
      }
      case 'DerivedTable': {
        const cols = this.query(ref.query, ref.lateral ? scope : { ...scope, rels: [] });
        scope.rels.push(this.aliased(ref.alias, cols));
        return;
      }
      case 'TableFunction':
        this.exprs(ref.call, scope);
        scope.rels.push({ name: ref.alias && this.name(ref.alias.name), columns: undefined });
        return;
      case 'Join':
        this.fromItem(ref.left, scope);
        this.fromItem(ref.right, scope);
        // USING and NATURAL merge columns: a star over the join is not expanded here.
        if (ref.using || ref.natural) scope.rels.push({ name: undefined, columns: undefined });
        if (ref.on) this.exprs(ref.on, scope);
        return;
    }
  }

  /**
   * A FROM item whose name is a SUPER value of an item before it (PartiQL unnesting): the
   * iteration variable, a SUPER value named by the alias (AT's index or key beside it).
   */
  private unnestedValue(t: TableName, scope: Scope): Rel | undefined {
    if (t.name.length < 2 || this.relations.has(t)) return undefined;
    const ref: ColumnRef = { kind: 'ColumnRef', parts: t.name, pos: t.pos };
    this.resolve(ref, scope);
    if (this.refs.get(ref)?.kind !== 'super') return undefined;
    this.unnests.set(t, ref);
    const name = this.name(t.alias?.name ?? t.name.at(-1)!);
    const columns: Column[] = [[name, SUPER]];
    if (t.at) columns.push([this.name(t.at), t.unpivot ? VARCHAR : undefined]);
    return { name, columns, value: true };
  }

  private tableRel(t: TableName, scope: Scope): Rel {
    const last = this.name(t.name.at(-1)!);
    let cols: readonly Column[] | undefined;
    const cte = t.name.length === 1 ? lookupCte(scope, last) : undefined;
    if (cte !== undefined) cols = cte.columns;
    else {
      const declared = this.relations.get(t);
      cols = declared?.map((c) => [c.name, declaredKind(c.type)] as const);
    }
    return this.aliased(t.alias, cols, last);
  }

  private aliased(
    alias: { name: Ident; columns: Ident[] } | undefined,
    cols: readonly Column[] | undefined,
    name?: string,
  ): Rel {
    return {
      name: alias ? this.name(alias.name) : name,
      columns: renamed(
        cols,
        (alias?.columns ?? []).map((c) => this.name(c)),
      ),
    };
  }

  /** Resolves the column references in expressions (subqueries get their own scopes). */
  private exprs(node: unknown, scope: Scope): void {
    visit(node, (n) => {
      switch (n.kind) {
        case 'Query':
          this.query(n as Query, scope);
          return false;
        case 'ColumnRef': {
          this.resolve(n as ColumnRef, scope);
          return false;
        }
        default:
          return undefined;
      }
    });
  }

  /**
   * Records a column reference's kind, or its navigation into a SUPER column: when its last two
   * parts name no column, the longest leading parts that name a SUPER column do.
   */
  private resolve(ref: ColumnRef, scope: Scope | undefined): void {
    const n = ref.parts.length;
    const part = (i: number) => this.name(ref.parts[i]!);
    const whole = this.find(n > 1 ? part(n - 2) : undefined, part(n - 1), scope);
    if (whole !== 'absent') {
      if (whole !== 'unknown' && whole.kind !== undefined) this.refs.set(ref, whole.kind);
      return;
    }
    for (let k = n - 1; k >= 1; k--) {
      const found = this.find(k > 1 ? part(k - 2) : undefined, part(k - 1), scope);
      if (found === 'unknown') return;
      if (found !== 'absent' && found.kind?.kind === 'super') {
        this.navigations.set(ref, { columnParts: k });
        this.refs.set(ref, SUPER);
        return;
      }
    }
  }

  /**
   * The column a (qualified) name refers to in the innermost scope that has it: its kind, or
   * 'unknown' when a relation of unknown columns might hold it or it is ambiguous, or 'absent'.
   */
  private find(
    qualifier: string | undefined,
    column: string,
    scope: Scope | undefined,
  ): { kind: ValueKind | undefined } | 'unknown' | 'absent' {
    for (let s = scope; s !== undefined; s = s.outer) {
      let matches = 0;
      let kind: ValueKind | undefined;
      let relsSeen = 0;
      for (const r of s.rels) {
        if (qualifier !== undefined && r.name !== qualifier) continue;
        relsSeen++;
        // A relation of unknown columns might have it too.
        if (r.columns === undefined) return 'unknown';
        for (const [name, k] of r.columns) {
          if (name === column) {
            matches++;
            kind = k;
          }
        }
      }
      if (matches > 1) return 'unknown';
      if (matches === 1) return { kind };
      if (qualifier !== undefined && relsSeen > 0) return 'absent';
    }
    return 'absent';
  }
}

function lookupCte(
  scope: Scope,
  name: string,
): { columns: readonly Column[] | undefined } | undefined {
  return scope.ctes.has(name) ? { columns: scope.ctes.get(name) } : undefined;
}

function renamed(
  cols: readonly Column[] | undefined,
  names: string[],
): readonly Column[] | undefined {
  if (cols === undefined || names.length === 0) return cols;
  return cols.map(([n, k], i) => [names[i] ?? n, k] as const);
}

function sameKind(a: ValueKind | undefined, b: ValueKind | undefined): ValueKind | undefined {
  if (a === undefined || b === undefined) return undefined;
  if (a.kind === 'super' || b.kind === 'super') return a.kind === b.kind ? a : undefined;
  if (a.kind === 'char' && b.kind === 'char' && a.length === b.length) return a;
  return VARCHAR;
}
