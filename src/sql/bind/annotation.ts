// What the SQL layer keeps about a column in the lake's free-text type annotation: the declared
// Redshift type ("character varying(256)") and, for a DEFAULT that is not a constant (getdate(),
// current_user ...), its expression as Redshift SQL, evaluated at each INSERT. A constant
// default is the lake's own defaultValue (also used for rows written before the column existed).
// Plain type text (no default) stays plain, so older annotations read the same.

export interface ColumnAnnotation {
  /** format_type-style declared type, or null when unknown. */
  type: string | null;
  /** Redshift SQL of a non-constant DEFAULT expression. */
  default?: string;
}

export function encodeAnnotation(a: ColumnAnnotation): string | null {
  if (a.default === undefined) return a.type;
  return JSON.stringify({ type: a.type, default: a.default });
}

export function decodeAnnotation(text: string | null | undefined): ColumnAnnotation {
  if (!text) return { type: null };
  if (!text.startsWith('{')) return { type: text };
  try {
    const v = JSON.parse(text) as { type?: unknown; default?: unknown };
    return {
      type: typeof v.type === 'string' ? v.type : null,
      ...(typeof v.default === 'string' ? { default: v.default } : {}),
    };
  } catch {
    return { type: null };
  }
}
