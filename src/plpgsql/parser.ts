// Placeholder until the PL/pgSQL parser lands: accepts any body as an empty block.
import type { PlProgram } from './ast.js';

export interface ParseBodyOptions {
  /** The procedure's name, for error messages. */
  procedureName?: string;
  /** Honour enable_case_sensitive_identifier when folding names. */
  caseSensitive?: boolean;
}

export function parseProcedureBody(source: string, _options: ParseBodyOptions = {}): PlProgram {
  return {
    source,
    block: { kind: 'Block', declarations: [], body: [], line: 1, offset: 1 },
  };
}
