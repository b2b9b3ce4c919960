// The catalog's database connection, one interface over SQLite and PostgreSQL. Catalog SQL is
// written once, in the common subset of both dialects, with '?' placeholders; each backend
// adapts placeholders and value types. Integers come back as JS numbers (ids, counts and sizes
// stay far below 2^53).

export type SqlValue = string | number | bigint | null;
export type Row = Record<string, SqlValue>;

export interface CatalogTx {
  all<T = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  get<T = Row>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }>;
}

export interface CatalogDb extends CatalogTx {
  readonly kind: 'sqlite' | 'postgres';
  /** The file path or the URL without its password, for error messages. */
  readonly location: string;
  /** Runs a script of DDL statements separated by ';' (no parameters). */
  exec(script: string): Promise<void>;
  /**
   * A write transaction holding the catalog's commit lock: writers of the same catalog, in this
   * process or any other, run one at a time. Commits when fn resolves (durably: the promise
   * resolves only after the commit is on disk), rolls back when it throws.
   */
  write<T>(fn: (tx: CatalogTx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
