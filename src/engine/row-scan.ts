// Rows the server holds in memory (a streaming refresh's records), read by DuckDB through a
// table function chunk by chunk, straight into the query that uses them. The appender's way, a
// temp table filled and then read back, cost more than the query over it: DuckDB stored every
// value once more, and each value was a call of its own.
import duckdb from '@duckdb/node-bindings';
import {
  BIGINT,
  BLOB,
  DuckDBTableFunction,
  TIMESTAMP,
  VARCHAR,
  type DuckDBConnection,
  type DuckDBTableFunctionInfo,
} from '@duckdb/node-api';

/** The name SQL reads rows under: `lakeshift_rows(<id>)`. */
const FUNCTION_NAME = 'lakeshift_rows';

/** DuckDB's chunk size: rows per call of the scan. */
const CHUNK_ROWS = 2048;

/**
 * How a column's value is read from a row. BIGINT and TIMESTAMP values are numbers or bigints
 * (a TIMESTAMP in microseconds since the epoch); null is SQL NULL.
 */
export type RowScanValue<R> =
  | { type: 'BIGINT' | 'TIMESTAMP'; value: (row: R) => number | bigint | null }
  | { type: 'BLOB'; value: (row: R) => Uint8Array | null }
  | { type: 'VARCHAR'; value: (row: R) => string | null };

export type RowScanColumn<R> = RowScanValue<R> & { name: string };

export interface RowScanSource<R> {
  rows: readonly R[];
  columns: readonly RowScanColumn<R>[];
}

const DUCKDB_TYPES = { BIGINT, TIMESTAMP, BLOB, VARCHAR } as const;

const offered = new Map<number, RowScanSource<unknown>>();
let lastId = 0;

/**
 * Makes `source` readable in SQL until `release` is called: `sql` is a table expression
 * (`lakeshift_rows(7)`) with the source's columns, which any statement on the instance may scan,
 * as often as it likes, while the source is offered.
 */
export function offerRows<R>(source: RowScanSource<R>): { sql: string; release: () => void } {
  const id = ++lastId;
  offered.set(id, source as RowScanSource<unknown>);
  return { sql: `${FUNCTION_NAME}(${id})`, release: () => offered.delete(id) };
}

interface ScanState {
  next: number;
  /** Source column of each output vector (projection pushdown). */
  columns: number[];
}

/** The int64 words of a chunk column, written through 32-bit halves to spare a BigInt per number. */
const words = new BigInt64Array(CHUNK_ROWS);
const halves = new Int32Array(words.buffer);
const TWO_32 = 2 ** 32;
/** A column's validity bits (1 = a value), copied into the vector when it has a NULL. */
const mask = new Uint8Array(CHUNK_ROWS / 8);

function writeChunk(
  source: RowScanSource<unknown>,
  state: ScanState,
  chunk: duckdb.DataChunk,
): void {
  const { rows } = source;
  const from = state.next;
  const count = Math.min(CHUNK_ROWS, rows.length - from);
  state.next += count;
  duckdb.data_chunk_set_size(chunk, count);
  for (let k = 0; k < state.columns.length; k++) {
    // A scan that reads no column (count(*)) may be asked for DuckDB's row id: nothing to write.
    const column = source.columns[state.columns[k]!];
    if (column === undefined) continue;
    const vector = duckdb.data_chunk_get_vector(chunk, k);
    let nulls = false;
    const setNull = (i: number) => {
      if (!nulls) mask.fill(0xff);
      nulls = true;
      mask[i >> 3]! &= ~(1 << (i & 7));
    };
    if (column.type === 'BIGINT' || column.type === 'TIMESTAMP') {
      for (let i = 0; i < count; i++) {
        const v = column.value(rows[from + i]);
        if (v === null) {
          setNull(i);
          words[i] = 0n;
        } else if (typeof v === 'bigint') {
          words[i] = v;
        } else {
          const high = Math.floor(v / TWO_32);
          halves[2 * i] = v - high * TWO_32;
          halves[2 * i + 1] = high;
        }
      }
      duckdb.copy_data_to_vector(vector, 0, words.buffer, 0, count * 8);
    } else if (column.type === 'BLOB') {
      for (let i = 0; i < count; i++) {
        const v = column.value(rows[from + i]);
        if (v === null) setNull(i);
        else duckdb.vector_assign_string_element_len(vector, i, v);
      }
    } else if (column.type === 'VARCHAR') {
      for (let i = 0; i < count; i++) {
        const v = column.value(rows[from + i]);
        if (v === null) setNull(i);
        else duckdb.vector_assign_string_element(vector, i, v);
      }
    }
    if (nulls) {
      duckdb.vector_ensure_validity_writable(vector);
      duckdb.copy_data_to_vector_validity(vector, 0, mask.buffer, 0, mask.byteLength);
    }
  }
}

function scan(info: DuckDBTableFunctionInfo, chunk: duckdb.DataChunk): void {
  const source = info.bindData as RowScanSource<unknown>;
  const state = info.initData as ScanState;
  try {
    writeChunk(source, state, chunk);
  } catch (e) {
    info.setError(e instanceof Error ? e.message : String(e));
  }
}

/** Registers lakeshift_rows on the instance of `connection` (once per instance). */
export function registerRowScan(connection: DuckDBConnection): void {
  const fn = DuckDBTableFunction.create({
    name: FUNCTION_NAME,
    parameterTypes: [BIGINT],
    supportsProjectionPushdown: true,
    bindFunction: (bind) => {
      const id = Number(bind.getParameter(0));
      const source = offered.get(id);
      if (source === undefined) {
        bind.setError(`${FUNCTION_NAME}(${id}): no such rows are offered`);
        return;
      }
      for (const c of source.columns) bind.addResultColumn(c.name, DUCKDB_TYPES[c.type]);
      bind.setCardinality(source.rows.length, true);
      bind.setBindData(source);
    },
    initFunction: (init) => {
      // One scanning thread: the rows are produced on the JavaScript thread, one chunk at a time.
      init.setMaxThreads(1);
      init.setInitData({ next: 0, columns: init.getColumnIndexes() } satisfies ScanState);
    },
    mainFunction: (info, output) => scan(info, output.chunk),
  });
  connection.registerTableFunction(fn);
}
