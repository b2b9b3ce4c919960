// The fast COPY FROM STDIN path must read exactly what PostgreSQL's rules (CopyInParser) read:
// random rows in text and CSV format, cut into random payloads, are spooled; whenever the spool
// says read_csv may read them, DuckDB's read_csv over the file must return the parser's rows.
// And data the spool must not hand to read_csv (escapes, \r, the \. marker) is detected even
// when the telling bytes are split across payloads.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CopyInParser, type CopyInOptions, type CopyRow } from './copy-in.js';
import { CopySpool } from './copy-spool.js';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

const RUNS = Number(process.env.LAKESHIFT_COPY_SPOOL_RUNS ?? 60);

/** Field text from a small alphabet rich in the characters the formats treat specially. */
const fieldText = fc
  .array(fc.constantFrom('a', 'Z', '0', ' ', ',', '\t', '|', '"', "'", 'é', '✓', '\\', '\n'), {
    maxLength: 6,
  })
  .map((cs) => cs.join(''));
const field = fc.option(fieldText, { nil: null, freq: 5 });

function encodeText(rows: CopyRow[], delimiter: string): string {
  const esc = (v: string) =>
    v
      .replaceAll('\\', '\\\\')
      .replaceAll('\n', '\\n')
      .replaceAll(delimiter, `\\${delimiter === '\t' ? 't' : delimiter}`);
  return rows
    .map((r) => r.map((v) => (v === null ? '\\N' : esc(v))).join(delimiter) + '\n')
    .join('');
}

function encodeCsv(rows: CopyRow[], delimiter: string): string {
  const quote = (v: string) =>
    // Quoted only where it must be (plus at random-looking spots: those with a space), so
    // unquoted blanks and backslashes are read too.
    v === '' || /["\n]|^ a/.test(v) || v.includes(delimiter) ? `"${v.replaceAll('"', '""')}"` : v;
  return rows
    .map((r) => r.map((v) => (v === null ? '' : quote(v))).join(delimiter) + '\n')
    .join('');
}

/** Cuts `bytes` at the given fractions into payloads. */
function cut(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((f) => Math.floor(f * bytes.length)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let at = 0;
  for (const p of points) {
    out.push(bytes.subarray(at, p));
    at = p;
  }
  out.push(bytes.subarray(at));
  return out;
}

function parse(options: CopyInOptions, payloads: Buffer[]): CopyRow[] {
  const parser = new CopyInParser(options);
  const rows = payloads.flatMap((p) => parser.push(p));
  return [...rows, ...parser.end()];
}

async function spool(options: CopyInOptions, payloads: Buffer[]) {
  const s = await CopySpool.create(options);
  for (const p of payloads) await s.write(p);
  return { spool: s, plain: await s.finish() };
}

describe('COPY FROM STDIN through read_csv', () => {
  let instance: DuckDBInstance;
  let conn: DuckDBConnection;
  before(async () => {
    instance = await DuckDBInstance.create(':memory:', { threads: '1' });
    conn = await instance.connect();
  });
  after(() => {
    conn.closeSync();
    instance.closeSync();
  });

  const readCsv = async (s: CopySpool): Promise<CopyRow[]> => {
    const reader = await conn.runAndReadAll(`SELECT * FROM ${s.readCsvSql()}`);
    return reader.getRows().map((r) => r.map((v) => (v === null ? null : String(v))));
  };

  for (const format of ['text', 'csv'] as const) {
    test(`${format}: whenever the spool is plain, read_csv returns the parser's rows`, async () => {
      let plainCases = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 4 }).chain((width) =>
            fc.record({
              rows: fc.array(fc.array(field, { minLength: width, maxLength: width }), {
                minLength: 1,
                maxLength: 8,
              }),
              delimiter: fc.constantFrom(format === 'csv' ? ',' : '\t', '|'),
              cuts: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 4 }),
            }),
          ),
          async ({ rows, delimiter, cuts }) => {
            const columns = rows[0]!.map((_, i) => `c${i}`);
            const options: CopyInOptions = { format, columns, delimiter };
            const text =
              format === 'csv' ? encodeCsv(rows, delimiter) : encodeText(rows, delimiter);
            const payloads = cut(Buffer.from(text, 'utf8'), cuts);
            const expected = parse(options, payloads);
            assert.deepEqual(expected, rows, 'the encoder and the parser agree');
            const { spool: s, plain } = await spool(options, payloads);
            try {
              if (!plain) return;
              plainCases++;
              assert.deepEqual(await readCsv(s), expected);
            } finally {
              await s.remove();
            }
          },
        ),
        { numRuns: RUNS, seed: Number(process.env.LAKESHIFT_COPY_SPOOL_SEED ?? 7) },
      );
      assert.ok(plainCases > 0, 'some generated inputs took the read_csv path');
    });
  }

  test('what read_csv would misread is never plain, wherever the payloads are cut', async () => {
    const text = (): CopyInOptions => ({ format: 'text', columns: ['a', 'b'] });
    const cases: [CopyInOptions, string, boolean][] = [
      [text(), 'x\t\\N\n\\N\ty\n', true],
      [text(), 'x\ty\\N\n', false], // \N inside a field
      [text(), 'x\t\\Nz\n', false],
      [text(), 'x\ta\\tb\n', false], // an escape
      [text(), 'x\ty\r\n', false],
      [text(), 'x\t\\N', true], // \N ended by the end of data
      [text(), 'x\t\\', false],
      [{ format: 'text', columns: ['a', 'b'], null: 'NULL' }, 'x\t\\N\n', false],
      [{ format: 'csv', columns: ['a', 'b'] }, 'x,"a\\b"\n', true],
      [{ format: 'csv', columns: ['a', 'b'] }, 'x,y\n\\.\n', false],
      [text(), 'x\ty\n\nz\tw\n', false], // an empty line
      [{ format: 'csv', columns: ['a'] }, '\nx\n', false],
    ];
    for (const [options, data, plain] of cases) {
      const bytes = Buffer.from(data);
      for (let a = 0; a <= bytes.length; a++) {
        for (let b = a; b <= bytes.length; b++) {
          const payloads = [bytes.subarray(0, a), bytes.subarray(a, b), bytes.subarray(b)];
          const { spool: s, plain: got } = await spool(options, payloads);
          await s.remove();
          assert.equal(got, plain, `${JSON.stringify(data)} cut at ${a},${b}`);
        }
      }
    }
  });
});
