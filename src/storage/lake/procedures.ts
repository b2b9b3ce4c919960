// Stored procedures as a transaction sees them: the catalog's lake_procedure rows at its
// snapshot under its own uncommitted changes (the overlay). A procedure is identified by its
// schema, name and input argument types (IN and INOUT; OUT arguments do not count, as in
// Redshift and PostgreSQL), so one name may have several overloads.
// https://docs.aws.amazon.com/redshift/latest/dg/stored-procedure-naming.html
import { LakeshiftError, SqlState } from '../../common/errors.js';
import { reserveCatalogIds } from '../catalog/commit.js';
import type { CatalogDb } from '../catalog/db.js';
import { proceduresAt, proceduresByNameAt, type ProcedureRow } from '../catalog/queries.js';
import type { CatalogOverlay } from './overlay.js';
import type { SnapshotLookups } from './snapshot-lookups.js';
import {
  inputTypesOf,
  type ProcedureArgument,
  type ProcedureDefinition,
  type ProcedureInfo,
  type SchemaInfo,
} from './types.js';

/** A procedure by identity: schema, name and input argument types (canonical texts). */
export interface ProcedureRef {
  schema: string;
  name: string;
  inputTypes: readonly string[];
}

/** What the procedures need of the transaction they belong to. */
export interface ProcedureScope {
  readonly db: CatalogDb;
  readonly lookups: SnapshotLookups;
  readonly snapshotId: number;
  readonly overlay: CatalogOverlay;
  getSchema(name: string, database?: number): Promise<SchemaInfo | undefined>;
  listSchemas(database?: number | 'all'): Promise<SchemaInfo[]>;
  assertWritable(): void;
}

/** `name(type, ...)`, as PostgreSQL names a function in messages. */
export function procedureSignature(name: string, inputTypes: readonly string[]): string {
  return `${name}(${inputTypes.join(', ')})`;
}

/** 42883: no procedure of that name (and input types, when given). */
export function procedureMissing(name: string, inputTypes?: readonly string[]): LakeshiftError {
  return new LakeshiftError(
    SqlState.undefinedFunction,
    inputTypes === undefined
      ? `could not find a procedure named "${name}"`
      : `procedure ${procedureSignature(name, inputTypes)} does not exist`,
  );
}

/** 42725: a name without an argument list that several procedures have. */
export function procedureNotUnique(name: string): LakeshiftError {
  return new LakeshiftError(SqlState.ambiguousFunction, `procedure name "${name}" is not unique`, {
    hint: 'Specify the argument list to select the procedure unambiguously.',
  });
}

function schemaMissing(name: string): LakeshiftError {
  return new LakeshiftError(SqlState.undefinedSchema, `schema "${name}" does not exist`);
}

const sameTypes = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((t, i) => t === b[i]);

function procedureInfo(r: ProcedureRow, schemaName: string): ProcedureInfo {
  return {
    procedureId: Number(r.procedure_id),
    schemaId: Number(r.schema_id),
    schemaName,
    name: r.procedure_name,
    arguments: JSON.parse(r.arguments) as ProcedureArgument[],
    body: r.body,
    language: r.language,
    security: r.security === 'definer' ? 'definer' : 'invoker',
    nonatomic: Number(r.nonatomic) === 1,
    config: r.config === null ? [] : (JSON.parse(r.config) as ProcedureInfo['config']),
    ownerUserId: Number(r.owner_user_id),
    annotation: r.annotation,
  };
}

/**
 * OR REPLACE may change a procedure's body and clauses, never what callers rely on: whether
 * and what it returns (its OUT and INOUT types), the names of its input arguments, or which of
 * them have defaults (PostgreSQL's rules; Redshift: drop and recreate to change a signature).
 */
function checkReplaceable(old: ProcedureInfo, next: ProcedureDefinition): void {
  const error = (message: string) =>
    new LakeshiftError(SqlState.invalidFunctionDefinition, message, {
      hint: `Use DROP PROCEDURE ${procedureSignature(old.name, inputTypesOf(old.arguments))} first.`,
    });
  const outputs = (args: readonly ProcedureArgument[]) =>
    args.filter((a) => a.mode !== 'in').map((a) => a.type);
  const [oldOut, newOut] = [outputs(old.arguments), outputs(next.arguments)];
  if (oldOut.length > 0 !== newOut.length > 0) {
    throw error('cannot change whether a procedure has output parameters');
  }
  if (!sameTypes(oldOut, newOut)) throw error('cannot change return type of existing function');
  const inputs = (args: readonly ProcedureArgument[]) => args.filter((a) => a.mode !== 'out');
  const [oldIn, newIn] = [inputs(old.arguments), inputs(next.arguments)];
  oldIn.forEach((a, i) => {
    if (a.name !== null && a.name !== newIn[i]?.name) {
      throw error(`cannot change name of input parameter "${a.name}"`);
    }
  });
  const defaults = (args: readonly ProcedureArgument[]) =>
    args.filter((a) => a.default !== null).length;
  if (defaults(newIn) < defaults(oldIn)) {
    throw error('cannot remove parameter defaults from existing function');
  }
}

export class TransactionProcedures {
  constructor(private readonly scope: ProcedureScope) {}

  private async requireSchema(name: string): Promise<SchemaInfo> {
    const s = await this.scope.getSchema(name);
    if (s === undefined) throw schemaMissing(name);
    return s;
  }

  /** The procedures of one schema: committed ones not changed here, and this transaction's. */
  private async ofSchema(s: SchemaInfo, name?: string): Promise<ProcedureInfo[]> {
    const { db, lookups, snapshotId, overlay } = this.scope;
    const rows =
      name === undefined
        ? await proceduresAt(db, snapshotId, s.schemaId)
        : await lookups.get(`p\u0000${snapshotId}\u0000${s.schemaId}\u0000${name}`, () =>
            proceduresByNameAt(db, snapshotId, s.schemaId, name),
          );
    const result = rows
      .filter((r) => !overlay.procedures.has(Number(r.procedure_id)))
      .map((r) => procedureInfo(r, s.name));
    for (const { current } of overlay.procedures.values()) {
      if (current?.schemaId !== s.schemaId || (name !== undefined && current.name !== name)) {
        continue;
      }
      // A schema renamed after the procedure changed: name it as it is now.
      result.push(current.schemaName === s.name ? current : { ...current, schemaName: s.name });
    }
    return result.sort((a, b) => a.name.localeCompare(b.name) || a.procedureId - b.procedureId);
  }

  /** Every overload of a name in a schema (none when the schema does not exist). */
  async byName(schema: string, name: string, database?: number): Promise<ProcedureInfo[]> {
    const s = await this.scope.getSchema(schema, database);
    return s === undefined ? [] : this.ofSchema(s, name);
  }

  /** The procedure with exactly these input types, if there is one. */
  async bySignature(
    schema: string,
    name: string,
    inputTypes: readonly string[],
    database?: number,
  ): Promise<ProcedureInfo | undefined> {
    const overloads = await this.byName(schema, name, database);
    return overloads.find((p) => sameTypes(inputTypesOf(p.arguments), inputTypes));
  }

  /** The procedures of a schema, or of every schema of the database (of every one with 'all'). */
  async list(schema?: string, database?: number | 'all'): Promise<ProcedureInfo[]> {
    const schemas =
      schema === undefined
        ? await this.scope.listSchemas(database)
        : [await this.requireSchema(schema)];
    const result: ProcedureInfo[] = [];
    for (const s of schemas) result.push(...(await this.ofSchema(s)));
    return result;
  }

  private async require(ref: ProcedureRef | ProcedureInfo): Promise<ProcedureInfo> {
    const { schema, name, inputTypes } = refOf(ref);
    await this.requireSchema(schema);
    const p = await this.bySignature(schema, name, inputTypes);
    if (p === undefined) throw procedureMissing(name, inputTypes);
    return p;
  }

  /**
   * Creates a procedure, or with `orReplace` replaces the one with the same input types: the
   * replacement keeps its id, owner and annotation and becomes its next version. 42723 when one
   * exists and `orReplace` is not given; 42P13 when the replacement changes what callers rely on.
   */
  async create(
    schema: string,
    name: string,
    definition: ProcedureDefinition,
    opts: { orReplace?: boolean } = {},
  ): Promise<ProcedureInfo> {
    this.scope.assertWritable();
    const s = await this.requireSchema(schema);
    const existing = await this.bySignature(schema, name, inputTypesOf(definition.arguments));
    if (existing !== undefined && !opts.orReplace) {
      throw new LakeshiftError(
        SqlState.duplicateFunction,
        `function "${name}" already exists with same argument types`,
      );
    }
    if (existing !== undefined) checkReplaceable(existing, definition);
    const info: ProcedureInfo = {
      ...definition,
      config: [...definition.config],
      procedureId: existing?.procedureId ?? (await reserveCatalogIds(this.scope.db, 1)),
      schemaId: s.schemaId,
      schemaName: s.name,
      name,
      ownerUserId: existing?.ownerUserId ?? definition.ownerUserId,
      annotation: existing?.annotation ?? definition.annotation,
    };
    this.scope.overlay.setProcedure(existing, info, info.procedureId);
    return info;
  }

  async drop(ref: ProcedureRef | ProcedureInfo): Promise<void> {
    this.scope.assertWritable();
    const p = await this.require(ref);
    this.scope.overlay.setProcedure(p, undefined, p.procedureId);
  }

  /** 42723 when the schema has a procedure of the new name with the same input types. */
  async rename(ref: ProcedureRef | ProcedureInfo, newName: string): Promise<void> {
    this.scope.assertWritable();
    const p = await this.require(ref);
    const inputTypes = inputTypesOf(p.arguments);
    if ((await this.bySignature(p.schemaName, newName, inputTypes)) !== undefined) {
      throw new LakeshiftError(
        SqlState.duplicateFunction,
        `function ${procedureSignature(newName, inputTypes)} already exists in schema "${p.schemaName}"`,
      );
    }
    this.scope.overlay.setProcedure(p, { ...p, name: newName }, p.procedureId);
  }

  async setOwner(ref: ProcedureRef | ProcedureInfo, ownerUserId: number): Promise<void> {
    this.scope.assertWritable();
    const p = await this.require(ref);
    this.scope.overlay.setProcedure(p, { ...p, ownerUserId }, p.procedureId);
  }
}

function refOf(ref: ProcedureRef | ProcedureInfo): ProcedureRef {
  return 'procedureId' in ref
    ? { schema: ref.schemaName, name: ref.name, inputTypes: inputTypesOf(ref.arguments) }
    : ref;
}
