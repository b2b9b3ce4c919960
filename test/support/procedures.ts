// Stored procedure definitions for tests of the catalog and of procedure lookup.
import type { ProcedureArgument, ProcedureDefinition } from '../../src/storage/index.js';

/** An argument: canonical type, mode (IN), name (none) and default (none). */
export function procedureArgument(
  type: string,
  mode: ProcedureArgument['mode'] = 'in',
  name: string | null = null,
  dflt: string | null = null,
): ProcedureArgument {
  return { name, mode, type, declared: type, default: dflt };
}

/** A plpgsql procedure of user 100 with these arguments, SECURITY INVOKER, no SET clauses. */
export function procedureDefinition(
  args: ProcedureArgument[],
  body = ' BEGIN NULL; END ',
): ProcedureDefinition {
  return {
    arguments: args,
    body,
    language: 'plpgsql',
    security: 'invoker',
    nonatomic: false,
    config: [],
    ownerUserId: 100,
    annotation: null,
  };
}
