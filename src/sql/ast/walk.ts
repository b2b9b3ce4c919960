// Generic traversal of AST values, for the binder and rewrites. It follows every property, so
// new node kinds are covered without changes here. Position keys (pos, span, raw) are copied.

/** A node: any object with a string `kind`. */
export interface AnyNode {
  kind: string;
}

function isNode(v: unknown): v is AnyNode {
  return typeof v === 'object' && v !== null && typeof (v as { kind?: unknown }).kind === 'string';
}

/**
 * Calls `fn` on every node under (and including) `root`, parents before children. Returning
 * false from `fn` skips that node's children.
 */
export function visit(
  root: unknown,
  fn: (node: AnyNode, parent: AnyNode | undefined) => boolean | void,
): void {
  const walk = (v: unknown, parent: AnyNode | undefined): void => {
    if (Array.isArray(v)) {
      for (const x of v) walk(x, parent);
      return;
    }
    if (typeof v !== 'object' || v === null) return;
    let next = parent;
    if (isNode(v)) {
      if (fn(v, parent) === false) return;
      next = v;
    }
    // for-in over the node's own keys (AST nodes are plain objects): no entry arrays, and
    // scalar properties are skipped without a call.
    const obj = v as Record<string, unknown>;
    for (const k in obj) {
      const x = obj[k];
      if (typeof x === 'object' && x !== null && k !== 'span') walk(x, next);
    }
  };
  walk(root, undefined);
}

/**
 * A copy of `root` in which `fn` may replace nodes. `fn` sees each node after its children were
 * rewritten (post-order) and returns the replacement, or undefined to keep it. The input tree is
 * not modified.
 */
export function rewrite<T>(root: T, fn: (node: AnyNode) => AnyNode | undefined): T {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v !== 'object' || v === null) return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = k === 'span' ? x : walk(x);
    if (!isNode(out)) return out;
    return fn(out) ?? out;
  };
  return walk(root) as T;
}
