// Cursors: DECLARE ... CURSOR FOR query, FETCH, CLOSE (Redshift supports forward fetching in a
// transaction block). https://docs.aws.amazon.com/redshift/latest/dg/declare.html
import type { Query } from './query.js';
import type { Ident, StatementBase } from './types.js';

export interface DeclareCursor extends StatementBase {
  kind: 'DeclareCursor';
  name: Ident;
  binary: boolean;
  /** WITH HOLD (the cursor survives COMMIT). */
  hold: boolean;
  query: Query;
}

export interface Fetch extends StatementBase {
  kind: 'Fetch';
  /** MOVE skips rows instead of returning them. */
  move: boolean;
  /** Rows to fetch forward; 'all' for ALL / FORWARD ALL. NEXT and FORWARD are 1. */
  count: number | 'all';
  cursor: Ident;
}

export interface CloseCursor extends StatementBase {
  kind: 'CloseCursor';
  /** undefined: CLOSE ALL. */
  name?: Ident;
}
