// Finding stored procedures by name as a session sees them, for DDL (DROP, ALTER, SHOW) and for
// CALL: a qualified name looks in its schema, an unqualified one along search_path, where a
// procedure of an earlier schema hides one of a later schema with the same input types (as
// PostgreSQL's function lookup does). Also the CREATE text SHOW PROCEDURE returns.
// https://docs.aws.amazon.com/redshift/latest/dg/stored-procedure-naming.html
// https://docs.aws.amazon.com/redshift/latest/dg/r_SHOW_PROCEDURE.html
import { LakeshiftError, SqlState } from '../common/errors.js';
import { quoteLiteral } from '../common/sql-quote.js';
import type { Ident, ProcedureArg, ProcedureRef } from '../sql/index.js';
import {
  displayName,
  dollarQuoted,
  identText,
  procedureArgType,
  qualifiedName,
  typeOidOfText,
  typeTextOfOid,
  type QualifiedName,
} from '../sql/index.js';
import {
  inputTypesOf,
  procedureMissing,
  procedureNotUnique,
  procedureSignature,
  type LakeTransaction,
  type ProcedureInfo,
} from '../storage/index.js';
import { checkDatabase } from './resolve.js';
import type { Session } from './session.js';

/** The canonical input types an argument list names (OUT arguments do not identify). */
export function inputTypesOfArgs(args: readonly ProcedureArg[]): string[] {
  return args.filter((a) => a.mode !== 'out').map((a) => procedureArgType(a.type).text);
}

/**
 * The procedures of a name the session can see: those of the named schema (3F000 when it does
 * not exist), or along search_path with earlier schemas hiding later overloads of the same
 * input types. In search-path order, then by id.
 */
export async function visibleProcedures(
  session: Session,
  tx: LakeTransaction,
  q: QualifiedName,
): Promise<ProcedureInfo[]> {
  await checkDatabase(session, q);
  if (q.schema !== undefined) {
    if ((await tx.getSchema(q.schema)) === undefined) {
      throw new LakeshiftError(SqlState.undefinedSchema, `schema "${q.schema}" does not exist`, {
        position: q.pos,
      });
    }
    return tx.getProcedures(q.schema, q.name);
  }
  const found: ProcedureInfo[] = [];
  const seen = new Set<string>();
  for (const schema of session.searchPath()) {
    for (const p of await tx.getProcedures(schema, q.name)) {
      const key = JSON.stringify(inputTypesOf(p.arguments));
      if (seen.has(key)) continue;
      seen.add(key);
      found.push(p);
    }
  }
  return found;
}

/**
 * The one procedure DROP, ALTER or SHOW names: by its input types when an argument list is
 * given, else the name's only procedure (42725 when it has several). Missing: 42883, or
 * undefined with `missingOk` (DROP ... IF EXISTS).
 */
export async function findProcedure(
  session: Session,
  tx: LakeTransaction,
  ref: ProcedureRef,
  opts: { missingOk?: boolean } = {},
): Promise<ProcedureInfo | undefined> {
  const q = qualifiedName(ref.name, session.caseSensitiveIdentifiers);
  const name = displayName(q);
  const candidates = await visibleProcedures(session, tx, q);
  if (ref.args === undefined) {
    if (candidates.length > 1) throw procedureNotUnique(name);
    if (candidates.length === 0 && !opts.missingOk) throw procedureMissing(name);
    return candidates[0];
  }
  const inputTypes = inputTypesOfArgs(ref.args);
  const found = candidates.find((p) => sameTypes(inputTypesOf(p.arguments), inputTypes));
  if (found === undefined && !opts.missingOk) throw procedureMissing(name, inputTypes);
  return found;
}

const sameTypes = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((t, i) => t === b[i]);

// ---- CALL: choosing an overload ------------------------------------------------------------

/** PostgreSQL's type categories, for implicit casts and preferred types. */
const CATEGORY: Record<number, { category: string; rank: number; preferred?: boolean }> = {
  21: { category: 'N', rank: 1 },
  23: { category: 'N', rank: 2 },
  20: { category: 'N', rank: 3 },
  1700: { category: 'N', rank: 4 },
  700: { category: 'N', rank: 5 },
  701: { category: 'N', rank: 6, preferred: true },
  19: { category: 'S', rank: 1 },
  1042: { category: 'S', rank: 2 },
  1043: { category: 'S', rank: 3, preferred: true },
  25: { category: 'S', rank: 3, preferred: true },
  1082: { category: 'D', rank: 1 },
  1114: { category: 'D', rank: 2 },
  1184: { category: 'D', rank: 3, preferred: true },
};

/**
 * Whether a value of type `from` goes implicitly to a parameter of type `to`: the same type,
 * or a widening within numbers (smallint → ... → double precision), strings or dates and
 * timestamps, as PostgreSQL's implicit casts go. `undefined` (an untyped literal or NULL) goes
 * anywhere.
 */
export function implicitlyCastable(from: number | undefined, to: number): boolean {
  if (from === undefined || from === to) return true;
  const a = CATEGORY[from];
  const b = CATEGORY[to];
  return a !== undefined && b !== undefined && a.category === b.category && a.rank <= b.rank;
}

/** The input arguments of a procedure, with their type OIDs (undefined for unknown types). */
function inputsOf(p: ProcedureInfo) {
  return p.arguments
    .filter((a) => a.mode !== 'out')
    .map((a) => ({ ...a, oid: typeOidOfText(a.type) }));
}

/**
 * The overload of `candidates` a CALL runs with arguments of these types (PostgreSQL type OIDs;
 * undefined for an untyped literal or NULL), as PostgreSQL chooses a function: candidates that
 * take that many input arguments (trailing ones may have defaults), then an exact match, else
 * the only one every argument casts to implicitly, else the one with the most exact matches,
 * then the most preferred types. 42883 when none fits, 42725 when several fit equally.
 */
export function chooseOverload(
  name: string,
  candidates: readonly ProcedureInfo[],
  argTypes: readonly (number | undefined)[],
): ProcedureInfo {
  const shown = `${name}(${argTypes.map((t) => typeTextOfOid(t)).join(', ')})`;
  const fits = candidates.filter((p) => {
    const inputs = inputsOf(p);
    const required = inputs.filter((a) => a.default === null).length;
    return argTypes.length <= inputs.length && argTypes.length >= required;
  });
  const castable = fits.filter((p) => {
    const inputs = inputsOf(p);
    return argTypes.every((t, i) => implicitlyCastable(t, inputs[i]!.oid ?? -1));
  });
  const best = (list: ProcedureInfo[], score: (p: ProcedureInfo) => number) => {
    const top = Math.max(...list.map(score));
    return list.filter((p) => score(p) === top);
  };
  let chosen = best(castable, (p) => {
    const inputs = inputsOf(p);
    return argTypes.filter((t, i) => t !== undefined && t === inputs[i]!.oid).length;
  });
  if (chosen.length > 1) {
    chosen = best(chosen, (p) => {
      const inputs = inputsOf(p);
      return argTypes.filter((_, i) => CATEGORY[inputs[i]!.oid ?? -1]?.preferred).length;
    });
  }
  if (chosen.length === 0) {
    throw new LakeshiftError(SqlState.undefinedFunction, `procedure ${shown} does not exist`, {
      hint: 'No procedure matches the given name and argument types. You might need to add explicit type casts.',
    });
  }
  if (chosen.length > 1) {
    throw new LakeshiftError(SqlState.ambiguousFunction, `procedure ${shown} is not unique`, {
      hint: 'Could not choose a best candidate procedure. You might need to add explicit type casts.',
    });
  }
  return chosen[0]!;
}

/**
 * The procedure `CALL name(args)` runs, for arguments of these types (see chooseOverload): the
 * interpreter's entry point for finding what to run.
 */
export async function resolveCall(
  session: Session,
  tx: LakeTransaction,
  name: readonly Ident[],
  argTypes: readonly (number | undefined)[],
): Promise<ProcedureInfo> {
  const q = qualifiedName(name, session.caseSensitiveIdentifiers);
  return chooseOverload(displayName(q), await visibleProcedures(session, tx, q), argTypes);
}

// ---- SHOW PROCEDURE ------------------------------------------------------------------------

/**
 * The statement that recreates a procedure, as SHOW PROCEDURE shows it: the schema-qualified
 * name, every argument with its mode, name and type (without modifiers, as Redshift keeps
 * them), the clauses one a line, and the body as written in a dollar quote.
 */
export function procedureDefinitionText(p: ProcedureInfo): string {
  const ident = (value: string) => identText({ value, quoted: false });
  const args = p.arguments.map((a) =>
    [
      a.mode === 'in' ? '' : `${a.mode.toUpperCase()} `,
      a.name === null ? '' : `${ident(a.name)} `,
      a.type,
      a.default === null ? '' : ` DEFAULT ${a.default}`,
    ].join(''),
  );
  const lines = [
    `CREATE OR REPLACE PROCEDURE ${ident(p.schemaName)}.${ident(p.name)}(${args.join(', ')})${p.nonatomic ? ' NONATOMIC' : ''}`,
    `LANGUAGE ${p.language}`,
  ];
  if (p.security === 'definer') lines.push('SECURITY DEFINER');
  for (const c of p.config) lines.push(`SET ${c.name} TO ${quoteLiteral(c.value)}`);
  lines.push(`AS ${dollarQuoted(p.body, 1)}`);
  return lines.join('\n');
}

/** `name(type, ...)` of a procedure, for messages. */
export function procedureTitle(p: ProcedureInfo): string {
  return procedureSignature(p.name, inputTypesOf(p.arguments));
}
