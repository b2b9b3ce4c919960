// A session's prepared DuckDB statements, keyed by their generated SQL. The SQL names the
// files of every table it reads, so a commit that changes a table changes the key: an entry
// never outlives the data it was planned for. An entry in use by an open portal is not shared;
// a second user gets a fresh statement.
import type { EngineConnection, PreparedStatement } from '../engine/index.js';

export interface CacheEntry {
  sql: string;
  prepared: PreparedStatement;
  inUse: boolean;
  /** Not in the cache (made because the cached one was in use): closed on release. */
  detached: boolean;
}

export class StatementCache {
  private readonly entries = new Map<string, CacheEntry>();

  constructor(
    private readonly engine: EngineConnection,
    private readonly capacity = 32,
  ) {}

  async acquire(sql: string): Promise<CacheEntry> {
    const hit = this.entries.get(sql);
    if (hit && !hit.inUse) {
      // Most recently used last (Map keeps insertion order).
      this.entries.delete(sql);
      this.entries.set(sql, hit);
      hit.inUse = true;
      return hit;
    }
    const prepared = await this.engine.prepare(sql);
    const entry: CacheEntry = { sql, prepared, inUse: true, detached: hit !== undefined };
    if (!entry.detached) {
      this.entries.set(sql, entry);
      this.evict();
    }
    return entry;
  }

  release(entry: CacheEntry): void {
    entry.inUse = false;
    if (entry.detached || this.entries.get(entry.sql) !== entry) entry.prepared.close();
  }

  private evict(): void {
    for (const [sql, e] of this.entries) {
      if (this.entries.size <= this.capacity) break;
      if (e.inUse) continue;
      this.entries.delete(sql);
      e.prepared.close();
    }
  }

  clear(): void {
    for (const e of this.entries.values()) if (!e.inUse) e.prepared.close();
    this.entries.clear();
  }
}
