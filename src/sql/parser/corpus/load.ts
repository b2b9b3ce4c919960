// Reads the SQL corpus files: statements separated by a line holding only ";;".
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface CorpusEntry {
  file: string;
  sql: string;
}

export const CORPUS_DIR = dirname(fileURLToPath(import.meta.url));

export function readBlocks(path: string): string[] {
  return readFileSync(path, 'utf8')
    .split(/\n;;\n/)
    .map((s) => s.trim())
    .filter((s) => s.replace(/--[^\n]*/g, '').trim() !== '');
}

/** Every statement block of every corpus file (psql, pgjdbc, psycopg2/SQLAlchemy). */
export function readCorpus(): CorpusEntry[] {
  return readdirSync(CORPUS_DIR)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .flatMap((file) => readBlocks(join(CORPUS_DIR, file)).map((sql) => ({ file, sql })));
}
