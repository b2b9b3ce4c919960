// File checksums: a CRC-32 of every data and delete file is recorded at write time and checked
// the first time a process reads the file, so damage inside a file (which Parquet readers can
// decode into wrong values without noticing) is reported instead of returned as data.
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { crc32 } from 'node:zlib';

/** Files up to this size are read in one go: streaming small files costs more than reading them. */
const WHOLE_FILE_LIMIT = 32 * 1024 * 1024;

export async function fileChecksum(path: string): Promise<string> {
  let crc = 0;
  if ((await stat(path)).size <= WHOLE_FILE_LIMIT) crc = crc32(await readFile(path));
  else {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 22 })) {
      crc = crc32(chunk as Buffer, crc);
    }
  }
  return `crc32:${crc.toString(16).padStart(8, '0')}`;
}
