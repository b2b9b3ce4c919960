// Expressions a procedure evaluates often — loop counters, comparisons, flags, string building —
// compiled to JavaScript closures, so that a loop of assignments and IFs does not cost a SQL
// round trip per step. Only integers (int2/int4/int8), booleans, text and NULL are handled here,
// with SQL's semantics (three-valued logic, integer overflow and division by zero as errors);
// anything else (numeric, floats, dates, functions, subqueries) returns undefined from compile
// and is evaluated by SQL.
import { LakeshiftError, SqlState } from '../common/errors.js';
import type { Expr, TypeName } from '../sql/index.js';
import type { PlValue } from './host.js';

/** A compiled expression: reads variables through `lookup` each time it runs. */
export type CompiledExpr = (lookup: (name: string) => PlValue) => PlValue;

type Kind = 'int4' | 'int8' | 'bool' | 'text';

const INT4_MIN = -2147483648;
const INT4_MAX = 2147483647;
const INT8_MIN = -(2n ** 63n);
const INT8_MAX = 2n ** 63n - 1n;

export function typeName(name: string, modifiers: number[] = []): TypeName {
  return { kind: 'TypeName', name, spelling: name, modifiers, arrayDims: 0 };
}

const TYPES: Record<Kind, TypeName> = {
  int4: typeName('int4'),
  int8: typeName('int8'),
  bool: typeName('bool'),
  text: typeName('varchar'),
};

/** The evaluator's kind of a declared type, or undefined when SQL must handle it. */
export function kindOf(t: TypeName): Kind | undefined {
  if (t.arrayDims > 0) return undefined;
  switch (t.name) {
    case 'int2':
    case 'int4':
      return 'int4';
    case 'int8':
      return 'int8';
    case 'bool':
      return 'bool';
    case 'varchar':
    case 'text':
    case 'bpchar':
      return 'text';
    default:
      return undefined;
  }
}

function outOfRange(kind: 'int4' | 'int8'): LakeshiftError {
  return new LakeshiftError(
    SqlState.numericValueOutOfRange,
    kind === 'int4' ? 'integer out of range' : 'bigint out of range',
  );
}

function int4(n: number): PlValue {
  if (n < INT4_MIN || n > INT4_MAX) throw outOfRange('int4');
  return { value: n, type: TYPES.int4 };
}

function int8(n: bigint): PlValue {
  if (n < INT8_MIN || n > INT8_MAX) throw outOfRange('int8');
  return { value: n, type: TYPES.int8 };
}

const NULL_OF = (kind: Kind): PlValue => ({ value: null, type: TYPES[kind] });

interface Node {
  kind: Kind;
  run: CompiledExpr;
}

/** Integer arithmetic as SQL does it: int4 unless either side is int8; errors on overflow. */
function arithmetic(op: string, a: Node, b: Node): Node | undefined {
  if ((a.kind !== 'int4' && a.kind !== 'int8') || (b.kind !== 'int4' && b.kind !== 'int8')) {
    return undefined;
  }
  const wide = a.kind === 'int8' || b.kind === 'int8';
  const kind: Kind = wide ? 'int8' : 'int4';
  const apply = wide
    ? (x: bigint, y: bigint): PlValue => {
        switch (op) {
          case '+':
            return int8(x + y);
          case '-':
            return int8(x - y);
          case '*':
            return int8(x * y);
          case '/':
            if (y === 0n) throw divisionByZero();
            return int8(x / y);
          default:
            if (y === 0n) throw divisionByZero();
            return int8(x % y);
        }
      }
    : undefined;
  const apply4 = (x: number, y: number): PlValue => {
    switch (op) {
      case '+':
        return int4(x + y);
      case '-':
        return int4(x - y);
      case '*': {
        const p = x * y;
        // Products beyond 2^53 lose precision: check them exactly.
        if (!Number.isSafeInteger(p)) throw outOfRange('int4');
        return int4(p);
      }
      case '/':
        if (y === 0) throw divisionByZero();
        return int4(Math.trunc(x / y));
      default:
        if (y === 0) throw divisionByZero();
        return int4(x % y);
    }
  };
  return {
    kind,
    run: (lookup) => {
      const x = a.run(lookup).value;
      const y = b.run(lookup).value;
      if (x === null || y === null) return NULL_OF(kind);
      return apply
        ? apply(BigInt(x as number), BigInt(y as number))
        : apply4(x as number, y as number);
    },
  };
}

function divisionByZero(): LakeshiftError {
  return new LakeshiftError(SqlState.divisionByZero, 'division by zero');
}

function compare(op: string, a: Node, b: Node): Node | undefined {
  const numeric = (k: Kind) => k === 'int4' || k === 'int8';
  if (!(numeric(a.kind) && numeric(b.kind)) && !(a.kind === b.kind)) return undefined;
  const test = (c: number): boolean => {
    switch (op) {
      case '=':
        return c === 0;
      case '<>':
      case '!=':
        return c !== 0;
      case '<':
        return c < 0;
      case '<=':
        return c <= 0;
      case '>':
        return c > 0;
      default:
        return c >= 0;
    }
  };
  const order =
    a.kind === 'text'
      ? // VARCHAR compares by UTF-8 bytes, as DuckDB does.
        (x: unknown, y: unknown) =>
          Buffer.compare(Buffer.from(x as string), Buffer.from(y as string))
      : (x: unknown, y: unknown) => {
          const p = typeof x === 'bigint' || typeof y === 'bigint' ? BigInt(x as number) : x;
          const q = typeof x === 'bigint' || typeof y === 'bigint' ? BigInt(y as number) : y;
          return (p as number) < (q as number) ? -1 : (p as number) > (q as number) ? 1 : 0;
        };
  return {
    kind: 'bool',
    run: (lookup) => {
      const x = a.run(lookup).value;
      const y = b.run(lookup).value;
      if (x === null || y === null) return NULL_OF('bool');
      return { value: test(order(x, y)), type: TYPES.bool };
    },
  };
}

function logic(op: 'and' | 'or', a: Node, b: Node): Node | undefined {
  if (a.kind !== 'bool' || b.kind !== 'bool') return undefined;
  return {
    kind: 'bool',
    run: (lookup) => {
      const x = a.run(lookup).value as boolean | null;
      // Three-valued logic; the right side is evaluated only when it can matter.
      if (op === 'and' && x === false) return { value: false, type: TYPES.bool };
      if (op === 'or' && x === true) return { value: true, type: TYPES.bool };
      const y = b.run(lookup).value as boolean | null;
      if (op === 'and') {
        if (y === false) return { value: false, type: TYPES.bool };
        return x === null || y === null ? NULL_OF('bool') : { value: true, type: TYPES.bool };
      }
      if (y === true) return { value: true, type: TYPES.bool };
      return x === null || y === null ? NULL_OF('bool') : { value: false, type: TYPES.bool };
    },
  };
}

/**
 * Compiles `expr` when every part is within the evaluator's reach. `variableKind` gives the
 * kind of a variable the expression names (undefined: not a variable of a handled kind).
 */
export function compileExpr(
  expr: Expr,
  variableKind: (name: string) => Kind | undefined | 'other',
): CompiledExpr | undefined {
  const node = compile(expr, variableKind);
  return node?.run;
}

function compile(
  expr: Expr,
  variableKind: (name: string) => Kind | undefined | 'other',
): Node | undefined {
  switch (expr.kind) {
    case 'NumberLit': {
      if (!/^\d+$/.test(expr.value)) return undefined;
      const n = BigInt(expr.value);
      if (n <= BigInt(INT4_MAX)) {
        const v = int4(Number(n));
        return { kind: 'int4', run: () => v };
      }
      if (n <= INT8_MAX) {
        const v = int8(n);
        return { kind: 'int8', run: () => v };
      }
      return undefined;
    }
    case 'StringLit': {
      // An untyped literal: text here; beside an integer SQL would read it as one.
      const v: PlValue = { value: expr.value, type: TYPES.text };
      return { kind: 'text', run: () => v };
    }
    case 'BoolLit': {
      const v: PlValue = { value: expr.value, type: TYPES.bool };
      return { kind: 'bool', run: () => v };
    }
    case 'ColumnRef': {
      if (expr.parts.length !== 1) return undefined;
      const name = expr.parts[0]!.value;
      const kind = variableKind(name);
      if (kind === undefined || kind === 'other') return undefined;
      return { kind, run: (lookup) => lookup(name) };
    }
    case 'Unary': {
      const operand = compile(expr.operand, variableKind);
      if (operand === undefined) return undefined;
      const op = expr.op.toLowerCase();
      if (op === 'not' && operand.kind === 'bool') {
        return {
          kind: 'bool',
          run: (lookup) => {
            const x = operand.run(lookup).value;
            return x === null ? NULL_OF('bool') : { value: !x, type: TYPES.bool };
          },
        };
      }
      if (op === '-' && (operand.kind === 'int4' || operand.kind === 'int8')) {
        const kind = operand.kind;
        return {
          kind,
          run: (lookup) => {
            const x = operand.run(lookup).value;
            if (x === null) return NULL_OF(kind);
            return kind === 'int8' ? int8(-(x as bigint)) : int4(-(x as number));
          },
        };
      }
      if (op === '+' && (operand.kind === 'int4' || operand.kind === 'int8')) return operand;
      return undefined;
    }
    case 'Binary': {
      if (expr.operatorSchema !== undefined) return undefined;
      const a = compile(expr.left, variableKind);
      const b = a && compile(expr.right, variableKind);
      if (a === undefined || b === undefined) return undefined;
      const op = expr.op.toLowerCase();
      if (['+', '-', '*', '/', '%'].includes(op)) return arithmetic(op, a, b);
      if (['=', '<>', '!=', '<', '<=', '>', '>='].includes(op)) return compare(op, a, b);
      if (op === 'and' || op === 'or') return logic(op, a, b);
      if (op === '||' && a.kind === 'text' && b.kind === 'text') {
        return {
          kind: 'text',
          run: (lookup) => {
            const x = a.run(lookup).value;
            const y = b.run(lookup).value;
            return x === null || y === null
              ? NULL_OF('text')
              : { value: `${x as string}${y as string}`, type: TYPES.text };
          },
        };
      }
      return undefined;
    }
    case 'IsTest': {
      if (expr.test !== 'null') return undefined;
      const operand = compile(expr.expr, variableKind);
      if (operand === undefined) return undefined;
      const negated = expr.negated;
      return {
        kind: 'bool',
        run: (lookup) => ({
          value: (operand.run(lookup).value === null) !== negated,
          type: TYPES.bool,
        }),
      };
    }
    case 'NullLit':
    default:
      // A bare NULL has no kind of its own: SQL types it from its context.
      return undefined;
  }
}
