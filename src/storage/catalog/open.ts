// Picks the catalog backend from its location: a postgres:// URL or a SQLite file path.
import type { CatalogDb } from './db.js';
import { openPostgresCatalogDb } from './postgres-db.js';
import { openSqliteCatalogDb } from './sqlite-db.js';

export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

export function openCatalogDb(location: string): Promise<CatalogDb> {
  return isPostgresUrl(location) ? openPostgresCatalogDb(location) : openSqliteCatalogDb(location);
}
