// The values COPY FORMAT JSON takes from a document: a small parser that keeps where each value
// is in the text, so that a number keeps its digits (1.50 stays 1.50 in a SUPER or DECIMAL
// column) and a nested object or array goes into a SUPER column as written. 'auto' looks up the
// top-level keys by column name (exactly, or ignoring case), a JSONPaths file walks paths such as
// $['a'].b[0].
// https://docs.aws.amazon.com/redshift/latest/dg/copy-usage_notes-copy-from-json.html
import { LakeshiftError, SqlState } from '../common/errors.js';

export interface JsonNode {
  kind: 'object' | 'array' | 'string' | 'number' | 'true' | 'false' | 'null';
  start: number;
  end: number;
  /** Object members by key (the last one wins for a repeated key). */
  members?: Map<string, JsonNode>;
  items?: JsonNode[];
}

class Malformed extends Error {}

/** Parses one JSON value (the whole text, surrounding whitespace allowed). Throws when malformed. */
export function parseJsonDoc(text: string): JsonNode {
  let i = 0;
  const ws = () => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else break;
    }
  };
  const fail = (what: string): never => {
    throw new Malformed(`${what} at character ${i + 1}`);
  };
  const stringEnd = (): number => {
    // i is at the opening quote.
    for (let j = i + 1; j < text.length; j++) {
      const c = text.charCodeAt(j);
      if (c === 92) j++;
      else if (c === 34) return j + 1;
      else if (c < 32) break;
    }
    return fail('unterminated string');
  };
  const value = (depth: number): JsonNode => {
    if (depth > 1000) fail('nesting too deep');
    ws();
    const start = i;
    const c = text[i];
    if (c === '{') {
      i++;
      const members = new Map<string, JsonNode>();
      ws();
      if (text[i] === '}') {
        i++;
        return { kind: 'object', start, end: i, members };
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a key');
        const keyEnd = stringEnd();
        const key = JSON.parse(text.slice(i, keyEnd)) as string;
        i = keyEnd;
        ws();
        if (text[i] !== ':') fail("expected ':'");
        i++;
        members.set(key, value(depth + 1));
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') {
          i++;
          return { kind: 'object', start, end: i, members };
        } else fail("expected ',' or '}'");
      }
    }
    if (c === '[') {
      i++;
      const items: JsonNode[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return { kind: 'array', start, end: i, items };
      }
      for (;;) {
        items.push(value(depth + 1));
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') {
          i++;
          return { kind: 'array', start, end: i, items };
        } else fail("expected ',' or ']'");
      }
    }
    if (c === '"') {
      i = stringEnd();
      try {
        JSON.parse(text.slice(start, i));
      } catch {
        fail('invalid string escape');
      }
      return { kind: 'string', start, end: i };
    }
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (m !== null && m[0].length > 0) {
      i += m[0].length;
      return { kind: 'number', start, end: i };
    }
    for (const word of ['true', 'false', 'null'] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return { kind: word, start, end: i };
      }
    }
    return fail('unexpected character');
  };
  try {
    const root = value(0);
    ws();
    if (i < text.length) fail('text after the value');
    return root;
  } catch (e) {
    if (e instanceof Malformed) {
      throw new LakeshiftError(SqlState.invalidTextRepresentation, `invalid JSON: ${e.message}`);
    }
    throw e;
  }
}

/**
 * A field's text for the value: NULL for JSON null, the string's characters for a string going
 * into a non-SUPER column, and the value's JSON text otherwise (numbers as written).
 */
export function jsonFieldText(
  text: string,
  node: JsonNode | undefined,
  toSuper: boolean,
): string | null {
  if (node === undefined || node.kind === 'null') return null;
  const raw = text.slice(node.start, node.end);
  if (node.kind === 'string' && !toSuper) return JSON.parse(raw) as string;
  return raw;
}

/** A member of an object by key: exactly, or ignoring case (the first match in document order). */
export function memberOf(node: JsonNode, key: string, ignoreCase: boolean): JsonNode | undefined {
  if (node.kind !== 'object') return undefined;
  const exact = node.members!.get(key);
  if (exact !== undefined || !ignoreCase) return exact;
  const lower = key.toLowerCase();
  for (const [k, v] of node.members!) if (k.toLowerCase() === lower) return v;
  return undefined;
}

export type JsonPathStep = { key: string } | { index: number };

/** Redshift's JSONPaths expressions: $['a'], $["a"], $.a, [0], in any combination. */
export function parseJsonPath(expr: string): JsonPathStep[] {
  const bad = () =>
    new LakeshiftError(SqlState.invalidParameterValue, `Invalid JSONPath format: ${expr}`);
  if (!expr.startsWith('$')) throw bad();
  const steps: JsonPathStep[] = [];
  let i = 1;
  while (i < expr.length) {
    if (expr[i] === '.') {
      const m = /^[^.[\]]+/.exec(expr.slice(i + 1));
      if (m === null) throw bad();
      steps.push({ key: m[0] });
      i += 1 + m[0].length;
    } else if (expr[i] === '[') {
      const rest = expr.slice(i);
      const quoted = /^\[\s*(['"])((?:\\.|(?!\1).)*)\1\s*\]/.exec(rest);
      const index = /^\[\s*(\d+)\s*\]/.exec(rest);
      if (quoted !== null) {
        steps.push({ key: quoted[2]!.replace(/\\(.)/g, '$1') });
        i += quoted[0].length;
      } else if (index !== null) {
        steps.push({ index: Number(index[1]) });
        i += index[0].length;
      } else throw bad();
    } else throw bad();
  }
  return steps;
}

export function walkJsonPath(root: JsonNode, steps: readonly JsonPathStep[]): JsonNode | undefined {
  let node: JsonNode | undefined = root;
  for (const step of steps) {
    if (node === undefined) return undefined;
    node = 'key' in step ? memberOf(node, step.key, false) : node.items?.[step.index];
  }
  return node;
}
