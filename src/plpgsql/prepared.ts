// Embedded SQL as prepared statements. The procedure's values a statement names — variables,
// record fields, `$n` arguments, EXECUTE's USING values — become parameters $1..$n, each inside
// a CAST to its value's type, so that the SQL front end sees the same types it would see for a
// literal of the value. The host prepares a statement once per shape (which of its names are
// values, and of which types) and every execution binds the current values: a loop runs the
// same prepared statement again instead of building, parsing and binding a new one.
import { LakeshiftError, SqlState } from '../common/errors.js';
import {
  rewrite,
  visit,
  type ColumnRef,
  type Expr,
  type Param,
  type Statement,
  type TypeName,
} from '../sql/index.js';
import type { PlValue, PreparedSql, ProcedureHost, SqlResult } from './host.js';

/** A name in an embedded statement that may stand for one of the procedure's values. */
export type ValueRef =
  { kind: 'param'; index: number } | { kind: 'name'; name: string; field?: string };

/** The value a reference stands for now, or undefined when it names none (a column, say). */
export type ValueLookup = (ref: ValueRef) => PlValue | undefined;

interface Shape {
  prepared: PreparedSql;
  /** Which references are parameters, in $n order (an index into the statement's refs). */
  used: number[];
}

interface StatementEntry {
  /** The statement's distinct references, in the order they first appear. */
  refs: ValueRef[];
  keys: string[];
  shapes: Map<string, Shape>;
}

const refKey = (r: ValueRef): string =>
  r.kind === 'param' ? `$${r.index}` : r.field === undefined ? r.name : `${r.name}.${r.field}`;

/** A ColumnRef or Param node's reference (a name of two parts may be a record's field). */
function refOf(node: { kind: string }): ValueRef | undefined {
  if (node.kind === 'Param') return { kind: 'param', index: (node as unknown as Param).index };
  if (node.kind !== 'ColumnRef') return undefined;
  const parts = (node as unknown as ColumnRef).parts;
  if (parts.length === 1) return { kind: 'name', name: parts[0]!.value };
  if (parts.length === 2) return { kind: 'name', name: parts[0]!.value, field: parts[1]!.value };
  return undefined;
}

/** A type as a key: two values of equal keys make the same prepared statement. */
export function typeKey(t: TypeName): string {
  return `${t.schema ?? ''}.${t.name}(${t.modifiers.join(',')})${'[]'.repeat(t.arrayDims)}${t.intervalFields ?? ''}`;
}

/**
 * The prepared statements of one procedure run, by the statement (or expression's SELECT) of
 * the body they come from. Counts what it prepared and ran (tests read them).
 */
export class PreparedStatements {
  private readonly statements = new WeakMap<Statement, StatementEntry>();
  prepares = 0;
  executions = 0;

  constructor(private readonly host: ProcedureHost) {}

  /** Runs `stmt` with the values `lookup` finds bound to its parameters. */
  async run(
    stmt: Statement,
    text: string,
    lookup: ValueLookup,
    opts: { maxRows?: number } = {},
  ): Promise<SqlResult> {
    const { prepared, values } = this.bind(stmt, text, lookup);
    this.executions++;
    return this.host.run(prepared, values, opts);
  }

  /** The prepared form of `stmt` for the values `lookup` finds now, and those values. */
  bind(
    stmt: Statement,
    text: string,
    lookup: ValueLookup,
  ): { prepared: PreparedSql; values: PlValue[] } {
    const entry = this.entry(stmt);
    const found = entry.refs.map(lookup);
    let signature = '';
    for (const v of found) signature += v === undefined ? '\u0000' : `${typeKey(v.type)}\u0000`;
    let shape = entry.shapes.get(signature);
    if (shape === undefined) {
      shape = this.prepare(stmt, text, entry, found);
      entry.shapes.set(signature, shape);
    }
    return { prepared: shape.prepared, values: shape.used.map((i) => found[i]!) };
  }

  private entry(stmt: Statement): StatementEntry {
    let entry = this.statements.get(stmt);
    if (entry === undefined) {
      const refs = new Map<string, ValueRef>();
      visit(stmt, (n) => {
        const ref = refOf(n);
        if (ref !== undefined && !refs.has(refKey(ref))) refs.set(refKey(ref), ref);
      });
      entry = { refs: [...refs.values()], keys: [...refs.keys()], shapes: new Map() };
      this.statements.set(stmt, entry);
    }
    return entry;
  }

  private prepare(
    stmt: Statement,
    text: string,
    entry: StatementEntry,
    found: (PlValue | undefined)[],
  ): Shape {
    const used: number[] = [];
    const index = new Map<string, number>();
    const parameterized = rewrite(stmt, (n) => {
      const ref = refOf(n);
      if (ref === undefined) return undefined;
      const i = entry.keys.indexOf(refKey(ref));
      const value = found[i];
      if (value === undefined) {
        // A $n that is no argument of the procedure has nothing to bind.
        if (ref.kind === 'param') {
          throw new LakeshiftError(
            SqlState.undefinedParameter,
            `there is no parameter $${ref.index}`,
            { position: (n as { pos?: number }).pos },
          );
        }
        return undefined;
      }
      let k = index.get(refKey(ref));
      if (k === undefined) {
        used.push(i);
        k = used.length;
        index.set(refKey(ref), k);
      }
      const param: Expr = { kind: 'Param', index: k };
      return { kind: 'Cast', expr: param, type: value.type, syntax: 'cast' } as typeof n;
    });
    this.prepares++;
    return { prepared: this.host.prepare(parameterized, text, used.length), used };
  }
}
