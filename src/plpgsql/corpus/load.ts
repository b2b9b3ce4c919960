// Reads the procedure corpus files: CREATE PROCEDURE texts separated by a line holding only ";;".
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface CorpusProcedure {
  file: string;
  /** The procedure's name as written (`dbo.sp_load_cust_dim`). */
  name: string;
  /** The text between the first two `$$`. */
  body: string;
}

const CORPUS_DIR = dirname(fileURLToPath(import.meta.url));

export function readProcedures(): CorpusProcedure[] {
  return readdirSync(CORPUS_DIR)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .flatMap((file) =>
      readFileSync(join(CORPUS_DIR, file), 'utf8')
        .split(/\n;;\n/)
        .map((text) => {
          const name = /PROCEDURE\s+([\w.]+)\s*\(/i.exec(text)?.[1];
          const [, body] = text.split('$$');
          if (name === undefined || body === undefined)
            throw new Error(`bad corpus entry in ${file}`);
          return { file, name, body };
        }),
    );
}
