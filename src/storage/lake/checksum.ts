// File checksums: a CRC-32 of every data and delete file is recorded at write time and checked
// the first time a process reads the file, so damage inside a file (which Parquet readers can
// decode into wrong values without noticing) is reported instead of returned as data.
import { createReadStream } from 'node:fs';
import { crc32 } from 'node:zlib';

export async function fileChecksum(path: string): Promise<string> {
  let crc = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    crc = crc32(chunk as Buffer, crc);
  }
  return `crc32:${crc.toString(16).padStart(8, '0')}`;
}
