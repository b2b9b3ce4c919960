// What the lake tells its callers about catalog objects, as of a transaction's snapshot.

export interface ColumnDefinition {
  name: string;
  /** A DuckDB logical type: INTEGER, BIGINT, DECIMAL(18,2), VARCHAR, TIMESTAMP, BOOLEAN ... */
  type: string;
  /** Free text kept for the SQL layer, such as the declared Redshift type. */
  typeAnnotation?: string | null;
  nullable?: boolean;
  /** A DuckDB expression used for rows written before the column existed. */
  defaultValue?: string | null;
}

export interface ColumnInfo {
  columnId: number;
  name: string;
  type: string;
  typeAnnotation: string | null;
  nullable: boolean;
  defaultValue: string | null;
  order: number;
}

/** The database that schemas of catalogs older than databases belong to (lake_schema's default). */
export const FIRST_DATABASE_ID = 1;

export interface SchemaInfo {
  schemaId: number;
  /** The database of the namespace the schema belongs to. */
  databaseId: number;
  name: string;
  /** Free text kept for the SQL layer (owner, quota, comment ...); storage never reads it. */
  annotation: string | null;
}

export interface TableInfo {
  tableId: number;
  tableUuid: string;
  schemaId: number;
  schemaName: string;
  /** The database of the table's schema. */
  databaseId: number;
  name: string;
  columns: ColumnInfo[];
  /** Column names of the declared sort key, in order; empty when there is none. */
  sortKey: string[];
  /** Free text kept for the SQL layer (distribution style, owner, comment ...). */
  annotation: string | null;
}

export interface ViewInfo {
  viewId: number;
  schemaId: number;
  schemaName: string;
  name: string;
  dialect: string;
  sql: string;
  columnAliases: string[] | null;
  /** Free text kept for the SQL layer (dependencies, owner, comment ...). */
  annotation: string | null;
}

export type ProcedureArgumentMode = 'in' | 'out' | 'inout';

/** One argument of a stored procedure, as lake_procedure.arguments records it. */
export interface ProcedureArgument {
  /** Null when the argument is unnamed. */
  name: string | null;
  mode: ProcedureArgumentMode;
  /**
   * The canonical type text without modifiers ('integer', 'character varying', 'numeric[]'):
   * the input arguments' types identify the procedure among its overloads.
   */
  type: string;
  /** The type as declared ('varchar(20)'). */
  declared: string;
  /** The DEFAULT expression as SQL text, or null. */
  default: string | null;
}

/** What CREATE PROCEDURE records (the name and schema aside). */
export interface ProcedureDefinition {
  arguments: ProcedureArgument[];
  /** The source text as written between its quotes. */
  body: string;
  language: string;
  security: 'invoker' | 'definer';
  nonatomic: boolean;
  /** The SET clauses: a setting's name and its value's text. */
  config: { name: string; value: string }[];
  ownerUserId: number;
  /** Free text kept for the SQL layer (comment ...); storage never reads it. */
  annotation: string | null;
}

export interface ProcedureInfo extends ProcedureDefinition {
  procedureId: number;
  schemaId: number;
  schemaName: string;
  name: string;
}

/** The canonical types of a procedure's IN and INOUT arguments: what identifies it. */
export function inputTypesOf(args: readonly ProcedureArgument[]): string[] {
  return args.filter((a) => a.mode !== 'out').map((a) => a.type);
}

export interface SnapshotInfo {
  snapshotId: number;
  time: Date;
  schemaVersion: number;
  changes: string;
  author: string | null;
}

/** A simple predicate on one column, used to skip data files by their min/max statistics. */
export interface ColumnFilter {
  column: string;
  op: '=' | '<' | '<=' | '>' | '>=';
  /** The value in DuckDB's text form ('42', '2024-01-31', 'abc'). */
  value: string;
}
