// A session's cache of front-end work. Parsing depends on the text alone, so statements are
// kept by text; a query's DuckDB SQL depends on the text and on what the binder looked at (the
// catalog snapshot, the session's settings, temp tables and user), so it is kept on the parsed
// statement under a key of those. A repeated statement skips parse, bind and code generation.
import type { ParseOptions, Statement } from '../sql/index.js';
import { parseStatements } from '../sql/index.js';

/** Distinct texts kept parsed; the least recently used go first. */
const TEXT_CAPACITY = 256;
/** Translations kept per statement (one per catalog version, typically the latest few). */
const TRANSLATIONS_PER_STATEMENT = 4;

/** A session's temp tables by name; `version` moves whenever one is created or dropped. */
export class TempTables extends Map<string, { duckdbName: string; columns: string[] }> {
  version = 0;

  override set(name: string, table: { duckdbName: string; columns: string[] }): this {
    this.version++;
    return super.set(name, table);
  }

  override delete(name: string): boolean {
    this.version++;
    return super.delete(name);
  }

  override clear(): void {
    this.version++;
    super.clear();
  }
}

/** A translated query: its DuckDB SQL and whether it reads temp tables. */
export interface Translation {
  sql: string;
  readsTemp: boolean;
}

export class TranslationCache {
  private readonly parsed = new Map<string, Statement[]>();
  private readonly translated = new WeakMap<Statement, Map<string, Translation>>();
  hits = 0;
  misses = 0;

  constructor(private readonly textCapacity = TEXT_CAPACITY) {}

  /**
   * The statements of a text, parsed once per text and options (a syntax error is not cached:
   * it throws each time).
   */
  parse(text: string, options: ParseOptions = {}): Statement[] {
    const key = `${options.standardConformingStrings === false ? 'E' : 'S'}${text}`;
    const hit = this.parsed.get(key);
    if (hit !== undefined) {
      this.parsed.delete(key);
      this.parsed.set(key, hit);
      return hit;
    }
    const statements = parseStatements(text, options);
    this.parsed.set(key, statements);
    if (this.parsed.size > this.textCapacity) {
      this.parsed.delete(this.parsed.keys().next().value!);
    }
    return statements;
  }

  /** The DuckDB SQL translated earlier for this statement under this context key. */
  lookup(stmt: Statement, key: string): Translation | undefined {
    const found = this.translated.get(stmt)?.get(key);
    if (found === undefined) this.misses++;
    else this.hits++;
    return found;
  }

  store(stmt: Statement, key: string, translation: Translation): void {
    let byKey = this.translated.get(stmt);
    if (byKey === undefined) this.translated.set(stmt, (byKey = new Map()));
    byKey.set(key, translation);
    if (byKey.size > TRANSLATIONS_PER_STATEMENT) byKey.delete(byKey.keys().next().value!);
  }

  /** Forgets one translation (its SQL failed to prepare: the next run translates afresh). */
  forget(stmt: Statement, key: string): void {
    this.translated.get(stmt)?.delete(key);
  }
}
