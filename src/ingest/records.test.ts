// Redshift COPY's record reader: the examples of the COPY documentation (data format, data
// conversion and COPY examples pages, the load error reference), the chosen behaviour where the
// documentation is silent, a property that any split of the same bytes reads the same records,
// and CSV compared with DuckDB's read_csv over the same file.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { LakeshiftError, SqlState } from '../common/errors.js';
import { quoteLiteral } from '../common/sql-quote.js';
import type { LoadFormat } from './copy-options.js';
import {
  RecordReader,
  type LoadRecord,
  type LoadedRecord,
  type RecordReaderOptions,
} from './records.js';

const RUNS = Number(process.env.LAKESHIFT_RECORDS_RUNS ?? 150);

const TEXT: LoadFormat = { kind: 'text', delimiter: '|' };
const CSV: LoadFormat = { kind: 'csv', delimiter: ',', quote: '"' };
const JSON_AUTO: LoadFormat = { kind: 'json', mode: 'auto' };

function options(o: Partial<RecordReaderOptions>): RecordReaderOptions {
  return {
    format: TEXT,
    columnCount: 3,
    ignoreHeader: 0,
    escape: false,
    removeQuotes: false,
    fillRecord: false,
    ignoreBlankLines: false,
    ...o,
  };
}

/** All records of `input`, pushed in the given pieces (one piece by default). */
function read(o: Partial<RecordReaderOptions>, input: string | Buffer | Buffer[]): LoadRecord[] {
  const reader = new RecordReader(options(o));
  const pieces = Array.isArray(input)
    ? input
    : [Buffer.isBuffer(input) ? input : Buffer.from(input)];
  return [...pieces.flatMap((p) => reader.push(p)), ...reader.end()];
}

/** Fields of every record, or `E<code>@<line>` for a rejected one. */
function rows(o: Partial<RecordReaderOptions>, input: string | Buffer): (string | null)[][] {
  return read(o, input).map((r) => r.fields ?? [`E${r.error.code}@${r.line}`]);
}

function only(records: LoadRecord[]): LoadRecord {
  assert.equal(records.length, 1, JSON.stringify(records));
  return records[0]!;
}

/** The one record of `records`, which must have loaded. */
function loaded(records: LoadRecord[]): LoadedRecord {
  const r = only(records);
  assert.equal(r.error, undefined, JSON.stringify(r));
  return r as LoadedRecord;
}

function refused(o: Partial<RecordReaderOptions>, sqlstate: string, message: RegExp) {
  assert.throws(
    () => read(o, 'x\n'),
    (e: unknown) =>
      e instanceof LakeshiftError && e.sqlstate === sqlstate && message.test(e.message),
  );
}

describe('delimited text', () => {
  test('fields split on the delimiter; LF and CRLF line ends; the last line needs none', () => {
    assert.deepEqual(rows({}, 'a|b|c\r\nd|e|f\ng|h|i'), [
      ['a', 'b', 'c'],
      ['d', 'e', 'f'],
      ['g', 'h', 'i'],
    ]);
    // A CR elsewhere is data; one before the end of the file is a line end.
    assert.deepEqual(rows({}, 'a\r|b|c\r'), [['a\r', 'b', 'c']]);
    assert.deepEqual(read({}, ''), []);
    // A byte order mark is data (IGNOREHEADER 1 drops it with the header).
    assert.deepEqual(rows({ columnCount: 1 }, '\uFEFFid\n'), [['\uFEFFid']]);
    assert.deepEqual(read({}, Buffer.alloc(0)), []);
  });

  test('any single ASCII delimiter: tab, octal-given control characters, comma', () => {
    assert.deepEqual(rows({ format: { kind: 'text', delimiter: '\t' } }, 'a\tb b\tc\n'), [
      ['a', 'b b', 'c'],
    ]);
    assert.deepEqual(rows({ format: { kind: 'text', delimiter: '\x01' } }, 'a\x01b,c\x01"d"\n'), [
      ['a', 'b,c', '"d"'],
    ]);
    // Without CSV a quote is data and a comma-delimited field cannot hold a comma.
    assert.deepEqual(rows({ format: { kind: 'text', delimiter: ',' } }, '1,"x,y",z\n'), [
      ['E1202@1'],
    ]);
  });

  test('records and line numbers, with the line of every rejected record', () => {
    const records = read({}, 'a|b|c\nonly|two\n\nw|x|y|z\n1|2|3\n');
    assert.deepEqual(
      records.map((r) => [r.line, r.lastLine, r.raw, r.error?.code ?? 'ok']),
      [
        [1, 1, 'a|b|c', 'ok'],
        [2, 2, 'only|two', 1214],
        [3, 3, '', 1211],
        [4, 4, 'w|x|y|z', 1202],
        [5, 5, '1|2|3', 'ok'],
      ],
    );
    assert.deepEqual(records[1]!.error, { code: 1214, reason: 'Delimiter not found', column: 3 });
    assert.deepEqual(records[3]!.error, {
      code: 1202,
      reason: 'Extra column(s) found',
      column: 4,
      value: 'z',
    });
    assert.deepEqual(records[2]!.error, { code: 1211, reason: 'Input line contained no data' });
  });

  test('one delimiter after the last field is allowed (venue_noseats.txt)', () => {
    const data = '1|Toyota Park|Bridgeview|IL|\n2|Columbus Crew Stadium|Columbus|OH|\n';
    assert.deepEqual(rows({ columnCount: 4 }, data), [
      ['1', 'Toyota Park', 'Bridgeview', 'IL'],
      ['2', 'Columbus Crew Stadium', 'Columbus', 'OH'],
    ]);
    // Two are an extra (empty) column; with one column fewer the trailing field is data.
    assert.deepEqual(rows({ columnCount: 2 }, 'a|b||\n'), [['E1202@1']]);
    assert.deepEqual(rows({ columnCount: 2 }, 'a||\n'), [['a', '']]);
  });

  test("NULL AS: Redshift's default \\N, a given string, compared with the field as written", () => {
    assert.deepEqual(rows({}, '\\N||\\\\N\n'), [[null, '', '\\\\N']]);
    assert.deepEqual(rows({ nullAs: 'NULL' }, 'NULL|\\N|null\n'), [[null, '\\N', 'null']]);
    assert.deepEqual(rows({ nullAs: '' }, 'a||\n'), [['a', null, null]]);
    // A null string with the delimiter in it never matches a field.
    assert.deepEqual(rows({ nullAs: 'a|b' }, 'a|b|c\n'), [['a', 'b', 'c']]);
  });

  test('IGNOREHEADER skips physical lines; line numbers count them', () => {
    const records = read({ ignoreHeader: 2 }, 'h1|h2\nh3\r\n1|2|3\n4|5|6');
    assert.deepEqual(
      records.map((r) => [r.line, r.fields]),
      [
        [3, ['1', '2', '3']],
        [4, ['4', '5', '6']],
      ],
    );
    assert.deepEqual(read({ ignoreHeader: 5 }, 'a|b|c\nd|e|f\n'), []);
    assert.deepEqual(read({ ignoreHeader: 1 }, 'header without line end'), []);
  });

  test('blank lines: error 1211, or skipped with IGNOREBLANKLINES (their lines still count)', () => {
    const data = '1|2|3\n\n\r\n4|5|6\n\n';
    assert.deepEqual(rows({}, data), [
      ['1', '2', '3'],
      ['E1211@2'],
      ['E1211@3'],
      ['4', '5', '6'],
      ['E1211@5'],
    ]);
    const kept = read({ ignoreBlankLines: true }, data);
    assert.deepEqual(
      kept.map((r) => [r.line, r.fields]),
      [
        [1, ['1', '2', '3']],
        [4, ['4', '5', '6']],
      ],
    );
    // A line of blanks has data.
    assert.deepEqual(rows({ columnCount: 1, ignoreBlankLines: true }, ' \n'), [[' ']]);
  });

  test('FILLRECORD: missing trailing columns are empty and counted; NULL AS applies to them', () => {
    const r = loaded(read({ columnCount: 4, fillRecord: true }, 'apple|orange\n'));
    assert.deepEqual(r.fields, ['apple', 'orange', '', '']);
    assert.equal(r.filled, 2);
    assert.deepEqual(rows({ columnCount: 3, fillRecord: true, nullAs: '' }, 'a\n'), [
      ['a', null, null],
    ]);
    assert.equal(loaded(read({ fillRecord: true }, 'a|b|c\n')).filled, undefined);
    // Extra columns are still an error.
    assert.deepEqual(rows({ fillRecord: true }, 'a|b|c|d\n'), [['E1202@1']]);
  });
});

describe('ESCAPE', () => {
  test("the COPY documentation's examples", () => {
    const data = [
      '1|The quick brown fox\\',
      'jumped over the lazy dog.',
      '2| A\\\\B\\\\C',
      '3| A \\| B \\| C',
      "4| 'A Midsummer Night\\'s Dream'",
      '',
    ].join('\n');
    const records = read({ escape: true, columnCount: 2 }, data);
    assert.deepEqual(
      records.map((r) => [r.line, r.lastLine, r.fields]),
      [
        [1, 2, ['1', 'The quick brown fox\njumped over the lazy dog.']],
        [3, 3, ['2', ' A\\B\\C']],
        [4, 4, ['3', ' A | B | C']],
        [5, 5, ['4', " 'A Midsummer Night's Dream'"]],
      ],
    );
    assert.deepEqual(rows({ escape: true, columnCount: 2 }, '1|public\\|event\\|dwuser\n'), [
      ['1', 'public|event|dwuser'],
    ]);
    // Without ESCAPE the same line has extra columns.
    assert.deepEqual(rows({ columnCount: 2 }, '1|public\\|event\\|dwuser\n'), [['E1202@1']]);
  });

  test('escape sequences are not interpreted: \\012 loads 012, \\t loads t', () => {
    assert.deepEqual(rows({ escape: true, columnCount: 2 }, '\\012|a\\tb\n'), [['012', 'atb']]);
  });

  test('\\N and \\\\N are both the default null; with NULL AS only the given string', () => {
    assert.deepEqual(rows({ escape: true }, '\\N|\\\\N|\\\\\\N\n'), [[null, null, '\\N']]);
    assert.deepEqual(rows({ escape: true, nullAs: 'NUL' }, '\\N|\\\\N|NUL\n'), [
      ['N', '\\N', null],
    ]);
  });

  test('CRLF: an escaped CR is data and the LF ends the record; both escaped continue it', () => {
    const data = 'a|b\\\r\n1|2|c\\\r\\\nd\r\nx|y|z\\\\\r\n';
    const records = read({ escape: true, columnCount: 3, fillRecord: true }, data);
    assert.deepEqual(
      records.map((r) => [r.line, r.fields]),
      [
        [1, ['a', 'b\r', '']],
        [2, ['1', '2', 'c\r\nd']],
        [4, ['x', 'y', 'z\\']],
      ],
    );
  });

  test('a backslash at the very end of the file is kept', () => {
    assert.deepEqual(rows({ escape: true, columnCount: 1 }, 'abc\\'), [['abc\\']]);
  });
});

describe('REMOVEQUOTES', () => {
  test("the data conversion page's examples", () => {
    const o = { removeQuotes: true, columnCount: 1 };
    assert.deepEqual(rows(o, '"The delimiter is a pipe (|) character"\n'), [
      ['The delimiter is a pipe (|) character'],
    ]);
    assert.deepEqual(rows(o, "'Black'\n\"White\"\nBlue'\n"), [['Black'], ['White'], ["Blue'"]]);
    assert.deepEqual(rows(o, '\'Blue\n"Blue\n'), [['E1214@1'], ['E1214@2']]);
    assert.deepEqual(rows(o, "' ' 'Black' ' '\n' '\n"), [[" ' 'Black' ' "], [' ']]);
  });

  test('quoted fields are reported; NULL AS compares the field with its quotes', () => {
    const r = only(read({ removeQuotes: true }, '"\\N"|\'\'|\\N\n'));
    assert.deepEqual(r.fields, ['\\N', '', null]);
    assert.deepEqual(r.quoted, [0, 1]);
  });

  test('with ESCAPE an escaped quote does not close the field', () => {
    assert.deepEqual(
      rows(
        { removeQuotes: true, escape: true, columnCount: 2 },
        "4|'A Midsummer Night\\'s Dream'\n",
      ),
      [['4', "A Midsummer Night's Dream"]],
    );
  });

  test('a quote closes only before a delimiter or the line end', () => {
    assert.deepEqual(rows({ removeQuotes: true, columnCount: 2 }, '"a"b|c"|d\n'), [['a"b|c', 'd']]);
    const r = only(read({ removeQuotes: true, columnCount: 2 }, 'x|"a"b\n'));
    assert.deepEqual(r.error, {
      code: 1214,
      reason: 'Unmatched quote: REMOVEQUOTES found no closing "',
      column: 2,
      position: 0,
      value: '"a"b',
    });
  });
});

describe('CSV', () => {
  test("the CATEGORY example: doubled quotes, quoted commas, QUOTE AS '%'", () => {
    const data = [
      '12,Shows,Musicals,Musical theatre',
      '13,Shows,Plays,"All ""non-musical"" theatre"',
      '14,Shows,Opera,"All opera, light, and ""rock"" opera"',
      '',
    ].join('\n');
    assert.deepEqual(rows({ format: CSV, columnCount: 4 }, data), [
      ['12', 'Shows', 'Musicals', 'Musical theatre'],
      ['13', 'Shows', 'Plays', 'All "non-musical" theatre'],
      ['14', 'Shows', 'Opera', 'All opera, light, and "rock" opera'],
    ]);
    const percent = '13,Shows,Plays,%All "non-musical" theatre%\n';
    assert.deepEqual(
      rows({ format: { kind: 'csv', delimiter: ',', quote: '%' }, columnCount: 4 }, percent),
      [['13', 'Shows', 'Plays', 'All "non-musical" theatre']],
    );
  });

  test('quoted line ends are data; line numbers continue after them', () => {
    const data = 'a,"two\nlines"\r\nb,"three\r\nline\nvalue"\nc,d\n';
    const records = read({ format: CSV, columnCount: 2 }, data);
    assert.deepEqual(
      records.map((r) => [r.line, r.lastLine, r.fields]),
      [
        [1, 2, ['a', 'two\nlines']],
        [3, 5, ['b', 'three\r\nline\nvalue']],
        [6, 6, ['c', 'd']],
      ],
    );
    assert.equal(records[1]!.raw, 'b,"three\r\nline\nvalue"');
  });

  test('blanks between delimiters and quotes are ignored, elsewhere kept; a blank delimiter is no blank', () => {
    assert.deepEqual(rows({ format: CSV }, ' "a" ,  b , "c"\t\n'), [['a', '  b ', 'c']]);
    const tab: LoadFormat = { kind: 'csv', delimiter: '\t', quote: '"' };
    assert.deepEqual(rows({ format: tab }, '\t"b"\t c\n'), [['', 'b', ' c']]);
  });

  test('empty unquoted and quoted fields are both empty; the quoted ones are reported', () => {
    const r = only(read({ format: CSV }, ',"",x\n'));
    assert.deepEqual(r.fields, ['', '', 'x']);
    assert.deepEqual(r.quoted, [1]);
  });

  test('NULL AS matches unquoted fields only', () => {
    assert.deepEqual(rows({ format: CSV }, '\\N,"\\N",x\n'), [[null, '\\N', 'x']]);
    assert.deepEqual(rows({ format: CSV, nullAs: '' }, ',"",x\n'), [[null, '', 'x']]);
  });

  test('a quote inside an unquoted field is error 1214 for that line only', () => {
    const records = read({ format: CSV, columnCount: 2 }, 'ok,1\naaaa"zzzz,2\nok,3\n');
    assert.deepEqual(records[1], {
      line: 2,
      lastLine: 2,
      raw: 'aaaa"zzzz,2',
      error: {
        code: 1214,
        reason: 'Invalid quote formatting for CSV',
        column: 1,
        position: 4,
        value: 'aaaa',
      },
    });
    assert.deepEqual(records[2]!.fields, ['ok', '3']);
  });

  test('text after a closing quote is error 1216 "Missing newline"', () => {
    const records = read({ format: CSV, columnCount: 2 }, 'x,"a"b\ny,"ok"  \n');
    assert.deepEqual(records[0]!.error, {
      code: 1216,
      reason: 'Missing newline: Unexpected character 0x62 found at location 5',
      column: 2,
      position: 3,
    });
    assert.deepEqual(records[1]!.fields, ['y', 'ok']);
  });

  test('a quote not closed by the end of the file is rejected on the line it opens', () => {
    const records = read({ format: CSV, columnCount: 2 }, 'a,b\nc,"open\nmore\n');
    assert.equal(records.length, 2);
    assert.deepEqual(records[1], {
      line: 2,
      lastLine: 3,
      raw: 'c,"open\nmore',
      error: {
        code: 1214,
        reason: 'Invalid quote formatting for CSV: quoted field not terminated',
        column: 2,
        position: 0,
      },
    });
  });

  test('column counts, blank lines and FILLRECORD as in text', () => {
    assert.deepEqual(rows({ format: CSV }, 'a,b\na,b,c,d\n\na,b,c,\n'), [
      ['E1214@1'],
      ['E1202@2'],
      ['E1211@3'],
      ['a', 'b', 'c'],
    ]);
    // A quoted empty last field is a column, not a trailing delimiter.
    assert.deepEqual(rows({ format: CSV }, 'a,b,c,""\n'), [['E1202@1']]);
    assert.deepEqual(rows({ format: CSV, fillRecord: true }, '"a"\n'), [['a', '', '']]);
  });
});

describe('FIXEDWIDTH', () => {
  const venue: LoadFormat = {
    kind: 'fixedwidth',
    widths: [
      { label: 'venueid', width: 3 },
      { label: 'venuename', width: 25 },
      { label: 'venuecity', width: 12 },
      { label: 'venuestate', width: 2 },
      { label: 'venueseats', width: 6 },
    ],
  };

  test('the VENUE example: the last column may be short', () => {
    const data = [
      '1  Toyota Park              Bridgeview  IL0',
      '4  CommunityAmerica BallparkKansas City KS0',
      '5  Gillette Stadium         Foxborough  MA68756',
      '',
    ].join('\n');
    assert.deepEqual(rows({ format: venue, columnCount: 5 }, data), [
      ['1  ', 'Toyota Park              ', 'Bridgeview  ', 'IL', '0'],
      ['4  ', 'CommunityAmerica Ballpark', 'Kansas City ', 'KS', '0'],
      ['5  ', 'Gillette Stadium         ', 'Foxborough  ', 'MA', '68756'],
    ]);
  });

  test('widths count characters, not bytes', () => {
    const f: LoadFormat = {
      kind: 'fixedwidth',
      widths: [
        { label: 'a', width: 2 },
        { label: 'b', width: 3 },
      ],
    };
    assert.deepEqual(rows({ format: f, columnCount: 2 }, 'åäö€😀\r\n'), [['åä', 'ö€😀']]);
  });

  test('missing columns are 1203 unless FILLRECORD; characters past the widths are 1202', () => {
    const f: LoadFormat = {
      kind: 'fixedwidth',
      widths: [
        { label: 'a', width: 2 },
        { label: 'b', width: 3 },
      ],
    };
    const records = read({ format: f, columnCount: 2 }, 'ab\nabcdef\n');
    assert.deepEqual(records[0]!.error, {
      code: 1203,
      reason: 'Line is shorter than the FIXEDWIDTH specification',
      column: 2,
    });
    assert.deepEqual(records[1]!.error, {
      code: 1202,
      reason: 'Extra column(s) found',
      column: 3,
      position: 5,
      value: 'f',
    });
    const filled = loaded(read({ format: f, columnCount: 2, fillRecord: true }, 'ab\n'));
    assert.deepEqual([filled.fields, filled.filled], [['ab', ''], 1]);
  });
});

describe('JSON', () => {
  test('objects one after another, several on a line and spanning lines; numbers kept as written', () => {
    const data =
      '{\n    "catid": 1,\n    "price": 0.10000000000000000001\n}\n{"catid": 2}{\n  "catid": 3\n}\n';
    const records = read({ format: JSON_AUTO }, data);
    assert.deepEqual(
      records.map((r) => [r.line, r.lastLine, r.fields]),
      [
        [1, 4, ['{\n    "catid": 1,\n    "price": 0.10000000000000000001\n}']],
        [5, 5, ['{"catid": 2}']],
        [5, 7, ['{\n  "catid": 3\n}']],
      ],
    );
  });

  test('arrays; brackets and line feeds inside strings do not count', () => {
    const data = '[1,"Sports","MLB","a ] } \\" [ {"]\n  [2, "x\\ny"]  \r\n';
    assert.deepEqual(rows({ format: JSON_AUTO }, data), [
      ['[1,"Sports","MLB","a ] } \\" [ {"]'],
      ['[2, "x\\ny"]'],
    ]);
  });

  test('a malformed document is rejected whole and reading goes on after it', () => {
    const records = read({ format: JSON_AUTO }, '{"a": 1}\n{"b": tru}\n{"c": 3}\n');
    assert.deepEqual(
      records.map((r) => [r.line, r.error?.code ?? r.fields]),
      [
        [1, ['{"a": 1}']],
        [2, 1216],
        [3, ['{"c": 3}']],
      ],
    );
    assert.match(records[1]!.error!.reason, /^Invalid JSON: /);
    assert.equal(records[1]!.raw, '{"b": tru}');
  });

  test('anything but white space between documents is an error of its own', () => {
    const records = read({ format: JSON_AUTO }, '{"a": 1}, {"a": 2}\n"text"\n12 [3]\n');
    assert.deepEqual(
      records.map((r) => [r.line, r.raw, r.error?.code ?? 'ok']),
      [
        [1, '{"a": 1}', 'ok'],
        [1, ',', 1216],
        [1, '{"a": 2}', 'ok'],
        [2, '"text"', 1216],
        [3, '12', 1216],
        [3, '[3]', 'ok'],
      ],
    );
  });

  test('a document not closed by the end of the file: rejected, reading resumes on the next line', () => {
    const records = read({ format: JSON_AUTO }, '{"a": 1\n{"b": 2}\n');
    assert.deepEqual(
      records.map((r) => [r.line, r.lastLine, r.error?.code ?? r.fields]),
      [
        [1, 2, 1216],
        [2, 2, ['{"b": 2}']],
      ],
    );
  });

  test('IGNOREHEADER counts lines of JSON too', () => {
    assert.deepEqual(rows({ format: JSON_AUTO, ignoreHeader: 2 }, '{"a":\n1}\n{"b": 2}'), [
      ['{"b": 2}'],
    ]);
  });
});

describe('UTF-8', () => {
  test('multibyte values', () => {
    assert.deepEqual(rows({}, 'åäö|日本語|😀€\n'), [['åäö', '日本語', '😀€']]);
  });

  test('invalid UTF-8 rejects the record with error 1220, the bad bytes and their cause', () => {
    const bytes = (...parts: (string | number[])[]) =>
      Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));
    const cases: [Buffer, string, number, number][] = [
      [bytes('ok|a', [0xa4], 'b|c'), 'a4 (error 3)', 2, 1],
      [bytes('ok|x|c', [0xe2, 0x82]), 'e2 82 (error 2)', 3, 1],
      [bytes('ok|x|c', [0xe2, 0x82], 'd'), 'e2 82 (error 4)', 3, 1],
      [bytes([0xed, 0xa0, 0x80], '|x|y'), 'ed a0 80 (error 5)', 1, 0],
      [bytes([0xf4, 0x90, 0x80, 0x80], '|x|y'), 'f4 90 80 80 (error 8)', 1, 0],
      [bytes([0xc0, 0xaf], '|x|y'), 'c0 af (error 9)', 1, 0],
      [bytes([0xf8, 0x88, 0x80, 0x80, 0x80], '|x|y'), 'f8 88 80 80 80 (error 1)', 1, 0],
    ];
    for (const [input, hex, column, position] of cases) {
      const r = only(read({}, input));
      assert.deepEqual(
        r.error && [r.error.code, r.error.reason, r.error.column, r.error.position],
        [
          1220,
          `String contains invalid or unsupported UTF-8 codepoints. Bad UTF-8 hex sequence: ${hex}`,
          column,
          position,
        ],
        hex,
      );
      assert.ok(r.raw.includes('\uFFFD'), r.raw);
    }
  });

  test('ACCEPTINVCHARS replaces each byte of an invalid character; noncharacters too', () => {
    const input = Buffer.concat([
      Buffer.from('a'),
      Buffer.from([0xff]),
      Buffer.from('|'),
      Buffer.from([0xe0, 0x80, 0x80]), // overlong: three bytes, three replacements
      Buffer.from('|x\uFFFE\u{10FFFF}'),
      Buffer.from('\n'),
    ]);
    assert.deepEqual(rows({ acceptInvChars: '^' }, input), [['a^', '^^^', 'x^^^^^^^']]);
    // Without ACCEPTINVCHARS noncharacters are valid UTF-8 and load as they are.
    assert.deepEqual(rows({ columnCount: 1 }, 'x\uFFFE\u{10FFFF}\n'), [['x\uFFFE\u{10FFFF}']]);
  });

  test('a character split between chunks, and one cut off by the end of the file', () => {
    const euro = Buffer.from('€|😀|x\n');
    const pieces = [
      euro.subarray(0, 1),
      euro.subarray(1, 2),
      euro.subarray(2, 5),
      euro.subarray(5),
    ];
    assert.deepEqual(
      read({}, pieces).map((r) => r.fields),
      [['€', '😀', 'x']],
    );
    const cut = only(read({ columnCount: 1 }, Buffer.from([0x61, 0xe2, 0x82])));
    assert.match(cut.error!.reason, /e2 82 \(error 2\)$/);
  });

  test('invalid UTF-8 in JSON', () => {
    const doc = Buffer.concat([Buffer.from('{"a": "x'), Buffer.from([0xff]), Buffer.from('"}\n')]);
    assert.equal(only(read({ format: JSON_AUTO }, doc)).error?.code, 1220);
    assert.deepEqual(rows({ format: JSON_AUTO, acceptInvChars: '?' }, doc), [['{"a": "x?"}']]);
  });
});

describe('NUL', () => {
  test('a NUL ends the record: the rest of the line is dropped', () => {
    assert.deepEqual(rows({}, 'a|b|c\0junk|more\nd|e\0|f\n'), [['a', 'b', 'c'], ['E1214@2']]);
  });

  test("NULL AS '\\0': a field of one NUL is NULL, a longer one error 1218", () => {
    assert.deepEqual(rows({ nullAs: '\\0' }, 'a|\0|c\na|b\0|c\n'), [['a', null, 'c'], ['E1218@2']]);
    assert.deepEqual(rows({ nullAs: '\\000', format: CSV }, 'a,\0,c\n'), [['a', null, 'c']]);
  });
});

describe('options the reader refuses', () => {
  test('formats it does not read, characters it cannot split on, limits', () => {
    refused({ format: { kind: 'parquet' } }, SqlState.featureNotSupported, /PARQUET/);
    refused({ format: { kind: 'avro', mode: 'auto' } }, SqlState.featureNotSupported, /AVRO/);
    refused(
      { format: { kind: 'text', delimiter: '§' } },
      SqlState.invalidParameterValue,
      /DELIMITER/,
    );
    refused(
      { format: { kind: 'text', delimiter: '\n' } },
      SqlState.invalidParameterValue,
      /DELIMITER/,
    );
    refused(
      { format: { kind: 'csv', delimiter: ',', quote: ',' } },
      SqlState.invalidParameterValue,
      /QUOTE/,
    );
    refused({ format: CSV, escape: true }, SqlState.syntaxError, /ESCAPE/);
    refused(
      { format: { kind: 'text', delimiter: '\\' }, escape: true },
      SqlState.invalidParameterValue,
      /ESCAPE/,
    );
    refused({ acceptInvChars: 'éé' }, SqlState.invalidParameterValue, /ACCEPTINVCHARS/);
    refused({ columnCount: 0 }, SqlState.invalidParameterValue, /column/);
    refused(
      { format: { kind: 'fixedwidth', widths: [{ label: 'a', width: 1 }] }, columnCount: 2 },
      SqlState.invalidParameterValue,
      /FIXEDWIDTH/,
    );
  });

  test('a record longer than the limit ends the read with 54000, split or not', () => {
    const long = `${'x'.repeat(100)}\n`;
    const tooLong = (e: unknown) =>
      e instanceof LakeshiftError &&
      e.sqlstate === SqlState.programLimitExceeded &&
      /line 2/.test(e.message);
    assert.throws(() => read({ columnCount: 1, maxRecordLength: 50 }, `ok\n${long}`), tooLong);
    const pieces = Buffer.from(`ok\n${long}`);
    assert.throws(
      () =>
        read({ columnCount: 1, maxRecordLength: 50 }, [
          pieces.subarray(0, 70),
          pieces.subarray(70),
        ]),
      tooLong,
    );
    assert.throws(
      () => read({ format: CSV, columnCount: 1, maxRecordLength: 50 }, `ok\n"${long}`),
      tooLong,
    );
    assert.throws(() => read({ format: JSON_AUTO, maxRecordLength: 50 }, `{}\n["${long}`), tooLong);
  });
});

// ---- properties ----

/** Byte pieces rich in what the formats treat specially, valid UTF-8 or not. */
const piece = fc.constantFrom<(string | number[])[]>(
  ['a'],
  ['b'],
  [' '],
  ['|'],
  [','],
  ['\t'],
  ['"'],
  ["'"],
  ['\\'],
  ['\\N'],
  ['\n'],
  ['\r'],
  ['\r\n'],
  ['{'],
  ['}'],
  ['['],
  [']'],
  [':'],
  ['é'],
  ['€'],
  ['😀'],
  ['\0'],
  [[0xff]],
  [[0xe2, 0x82]],
  [[0xed, 0xa0, 0x80]],
  ['\uFFFE'],
);
const bytesArb = fc
  .array(piece, { maxLength: 80 })
  .map((ps) =>
    Buffer.concat(ps.flat().map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p)))),
  );

const readerOptions = fc.record({
  format: fc.constantFrom<LoadFormat>(
    TEXT,
    { kind: 'text', delimiter: ',' },
    CSV,
    { kind: 'csv', delimiter: '|', quote: "'" },
    {
      kind: 'fixedwidth',
      widths: [
        { label: 'a', width: 2 },
        { label: 'b', width: 1 },
      ],
    },
    JSON_AUTO,
  ),
  escape: fc.boolean(),
  removeQuotes: fc.boolean(),
  fillRecord: fc.boolean(),
  ignoreBlankLines: fc.boolean(),
  ignoreHeader: fc.constantFrom(0, 0, 1, 2),
  nullAs: fc.constantFrom(undefined, '', 'a', '\\0'),
  acceptInvChars: fc.constantFrom(undefined, '?'),
});

function splitAt(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let at = 0;
  for (const p of points) {
    out.push(bytes.subarray(at, p));
    at = p;
  }
  out.push(bytes.subarray(at));
  return out;
}

test('property: any split of the same bytes reads the same records', () => {
  fc.assert(
    fc.property(readerOptions, bytesArb, fc.array(fc.nat(), { maxLength: 8 }), (o, bytes, cuts) => {
      const text = o.format.kind === 'text';
      const opts: Partial<RecordReaderOptions> = {
        ...o,
        columnCount: 2,
        escape: text && o.escape,
        removeQuotes: text && o.removeQuotes,
      };
      const whole = read(opts, bytes);
      assert.deepEqual(read(opts, splitAt(bytes, cuts)), whole);
      // Byte by byte too.
      assert.deepEqual(
        read(
          opts,
          [...bytes].map((b) => Buffer.from([b])),
        ),
        whole,
      );
    }),
    { numRuns: RUNS * 4 },
  );
});

test('property: records and line numbers account for every line of the input', () => {
  fc.assert(
    fc.property(readerOptions, bytesArb, (o, bytes) => {
      const text = o.format.kind === 'text';
      const records = read(
        { ...o, columnCount: 2, escape: text && o.escape, removeQuotes: text && o.removeQuotes },
        bytes,
      );
      const lines = bytes.toString('latin1').split('\n').length;
      let last = 0;
      for (const r of records) {
        assert.ok(r.line >= 1 && r.line <= r.lastLine && r.lastLine <= lines, JSON.stringify(r));
        assert.ok(r.line >= last, 'records in file order');
        last = r.line;
        assert.ok(r.raw.length <= 1024);
        if (r.fields && o.format.kind !== 'json') assert.equal(r.fields.length, 2);
      }
    }),
    { numRuns: RUNS * 2 },
  );
});

// ---- CSV against DuckDB's read_csv ----

describe('CSV compared with DuckDB read_csv', () => {
  let connection: DuckDBConnection;
  let dir: string;
  before(async () => {
    connection = await (await DuckDBInstance.create(':memory:')).connect();
    dir = mkdtempSync(join(tmpdir(), 'lakeshift-records-'));
  });
  after(() => {
    connection.closeSync();
    rmSync(dir, { recursive: true, force: true });
  });

  // Fields without blanks next to quotes (where Redshift and DuckDB differ) and without CR.
  const fieldText = fc
    .array(fc.constantFrom('a', 'Z', '0', ',', ';', '"', "'", 'é', '😀', '\\', '\n', 'x y'), {
      maxLength: 6,
    })
    .map((cs) => cs.join(''));
  const row = (n: number) =>
    fc.array(fc.option(fieldText, { nil: null, freq: 6 }), { minLength: n, maxLength: n });

  function encode(rows: (string | null)[][], delimiter: string, quoteAll: boolean, eol: string) {
    const q = (v: string) =>
      quoteAll || v === '' || /["\n]/.test(v) || v.includes(delimiter) || v === '\\N'
        ? `"${v.replaceAll('"', '""')}"`
        : v;
    return rows
      .map((r) => r.map((v) => (v === null ? '\\N' : q(v))).join(delimiter) + eol)
      .join('');
  }

  test('random rows read as written, and as DuckDB reads them', async () => {
    let file = 0;
    await fc.assert(
      fc.asyncProperty(
        fc
          .integer({ min: 1, max: 4 })
          .chain((n) => fc.tuple(fc.constant(n), fc.array(row(n), { maxLength: 12 }))),
        fc.constantFrom(',', ';', '\t'),
        fc.boolean(),
        fc.constantFrom('\n', '\r\n'),
        async ([n, data], delimiter, quoteAll, eol) => {
          const body = encode(data, delimiter, quoteAll, eol);
          const format: LoadFormat = { kind: 'csv', delimiter, quote: '"' };
          const ours = read({ format, columnCount: n }, Buffer.from(body)).map(
            (r) => r.fields ?? r.error,
          );
          assert.deepEqual(ours, data);
          // DuckDB reads CRLF files inconsistently (its new_line setting), so only LF is compared.
          if (eol !== '\n') return;
          const path = join(dir, `f${file++}.csv`);
          writeFileSync(path, body);
          const columns = Array.from({ length: n }, (_, i) => `'c${i}': 'VARCHAR'`).join(', ');
          const result = await connection.runAndReadAll(
            `SELECT * FROM read_csv(${quoteLiteral(path)}, columns = {${columns}}, ` +
              `delim = ${quoteLiteral(delimiter)}, quote = '"', escape = '"', header = false, ` +
              `new_line = '\\n', auto_detect = false, nullstr = '\\N', ` +
              `allow_quoted_nulls = false, strict_mode = true)`,
          );
          const duck = result.getRows().map((r) => r.map((v) => (v === null ? null : String(v))));
          assert.deepEqual(ours, duck);
        },
      ),
      { numRuns: Math.ceil(RUNS / 3) },
    );
  });
});
