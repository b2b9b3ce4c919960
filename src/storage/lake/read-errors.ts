// DuckDB's errors about the lake's own files, turned into errors that say which file of the
// namespace is missing or damaged and what to do. Other errors pass through unchanged.
import { LakeshiftError, SqlState } from '../../common/errors.js';

const MISSING = [/No files found that match the pattern "([^"]+)"/, /Cannot open file "([^"]+)"/];
const CORRUPT = [
  /No magic bytes found at end of file '([^']+)'/,
  /too small to be a Parquet file/,
  /Parquet .*file '([^']+)'/i,
];

const RESTORE_HINT =
  'The file was changed or removed outside Lakeshift. Restore it from a backup, or restore the namespace from a snapshot taken before the damage.';

export function explainReadError(e: unknown): unknown {
  if (!(e instanceof Error) || e instanceof LakeshiftError) return e;
  const firstLine = e.message.split('\n')[0] ?? e.message;
  for (const re of MISSING) {
    const m = re.exec(e.message);
    if (m) {
      return new LakeshiftError(
        SqlState.undefinedFile,
        `data file ${m[1]} of the lake is missing`,
        {
          hint: RESTORE_HINT,
          cause: e,
        },
      );
    }
  }
  for (const re of CORRUPT) {
    if (re.test(e.message)) {
      return new LakeshiftError(
        SqlState.dataCorrupted,
        `a data file of the lake is corrupted: ${firstLine}`,
        {
          hint: RESTORE_HINT,
          cause: e,
        },
      );
    }
  }
  return e;
}
