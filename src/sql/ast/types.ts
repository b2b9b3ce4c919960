// Type names as written in Redshift / PostgreSQL SQL. `name` is the canonical PostgreSQL-style
// name the binder resolves (int4, varchar, timestamptz, ...); `spelling` keeps the declared text
// so the Redshift printer writes back what the user wrote (`character varying`, `int`).
// Redshift types: https://docs.aws.amazon.com/redshift/latest/dg/c_Supported_data_types.html

/** 1-based character offset in the full input string; kept out of equality (see astEqual). */
export interface Positioned {
  pos?: number;
}

/** An identifier. Unquoted names fold to lower case (`raw` keeps the written text). */
export interface Ident extends Positioned {
  value: string;
  quoted: boolean;
  /** Text as written, before case folding; ignored by astEqual. */
  raw?: string;
}

/** A type modifier: `varchar(10)`, `numeric(12,2)`, `varchar(max)`. */
export type TypeModifier = number | 'max';

export interface TypeName extends Positioned {
  kind: 'TypeName';
  /**
   * Canonical name: int2 int4 int8 numeric float4 float8 bool bpchar varchar text date time
   * timetz timestamp timestamptz interval super varbyte geometry geography hllsketch, the
   * internal `char` ("char"), or the lower-cased last part of any other (qualified) name.
   */
  name: string;
  /** Schema qualifier when written (`pg_catalog.regclass`). */
  schema?: Ident;
  /** The declared spelling, lower case, e.g. `character varying`, `int`, `"char"`, `float`. */
  spelling: string;
  modifiers: TypeModifier[];
  /** time/timestamp: explicit `with time zone` (true) or `without time zone` (false). */
  withTimeZone?: boolean;
  /** interval fields: `day`, `year to month`, `day to second`, ... (lower case). */
  intervalFields?: string;
  /** Number of `[]` (or `ARRAY`) suffixes. */
  arrayDims: number;
}

/**
 * Shared by statements. `span` is the statement's [start, end) range (UTF-16 indexes into the
 * parsed string, for `sql.slice(start, end)`); like `pos`, it is ignored by astEqual.
 */
export interface StatementBase extends Positioned {
  span?: { start: number; end: number };
}
