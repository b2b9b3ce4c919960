// A transaction's uncommitted DDL: schemas, tables, views and procedures it created, changed or
// dropped, laid over the catalog as of its snapshot. At commit the overlay becomes catalog row
// changes by comparing each object's version at the snapshot with its final version.
import type { CommitPlan } from '../catalog/commit.js';
import {
  inputTypesOf,
  type ProcedureInfo,
  type SchemaInfo,
  type TableInfo,
  type ViewInfo,
} from './types.js';

export interface Versioned<T> {
  /** The object at the transaction's snapshot; undefined when this transaction created it. */
  original: T | undefined;
  /** The object now; undefined when this transaction dropped it. */
  current: T | undefined;
}

export class CatalogOverlay {
  readonly schemas = new Map<number, Versioned<SchemaInfo>>();
  readonly tables = new Map<number, Versioned<TableInfo>>();
  readonly views = new Map<number, Versioned<ViewInfo>>();
  readonly procedures = new Map<number, Versioned<ProcedureInfo>>();

  get isEmpty(): boolean {
    return (
      this.schemas.size === 0 &&
      this.tables.size === 0 &&
      this.views.size === 0 &&
      this.procedures.size === 0
    );
  }

  setSchema(original: SchemaInfo | undefined, current: SchemaInfo | undefined, id: number): void {
    const prev = this.schemas.get(id);
    this.schemas.set(id, { original: prev ? prev.original : original, current });
  }

  setTable(original: TableInfo | undefined, current: TableInfo | undefined, id: number): void {
    const prev = this.tables.get(id);
    this.tables.set(id, { original: prev ? prev.original : original, current });
  }

  setView(original: ViewInfo | undefined, current: ViewInfo | undefined, id: number): void {
    const prev = this.views.get(id);
    this.views.set(id, { original: prev ? prev.original : original, current });
  }

  setProcedure(
    original: ProcedureInfo | undefined,
    current: ProcedureInfo | undefined,
    id: number,
  ): void {
    const prev = this.procedures.get(id);
    this.procedures.set(id, { original: prev ? prev.original : original, current });
  }

  schemaByName(databaseId: number, name: string): Versioned<SchemaInfo> | undefined {
    for (const v of this.schemas.values()) {
      if (v.current?.databaseId === databaseId && v.current.name === name) return v;
    }
    return undefined;
  }

  tableByName(schemaId: number, name: string): Versioned<TableInfo> | undefined {
    for (const v of this.tables.values()) {
      if (v.current?.schemaId === schemaId && v.current.name === name) return v;
    }
    return undefined;
  }

  viewByName(schemaId: number, name: string): Versioned<ViewInfo> | undefined {
    for (const v of this.views.values()) {
      if (v.current?.schemaId === schemaId && v.current.name === name) return v;
    }
    return undefined;
  }

  /** Adds the catalog row changes of the DDL to the plan. */
  addToPlan(plan: CommitPlan): void {
    for (const [id, { original, current }] of this.schemas) {
      const row = current && {
        schemaId: id,
        databaseId: current.databaseId,
        name: current.name,
        annotation: current.annotation,
      };
      if (original === undefined && row !== undefined) {
        plan.newSchemas.push(row);
        plan.changes.push({ objectId: id, kind: 'created' });
        plan.schemaNamesToClaim.push({ databaseId: row.databaseId, name: row.name });
      } else if (original !== undefined && current === undefined) {
        plan.endRows.push({ table: 'lake_schema', id });
        plan.changes.push({ objectId: id, kind: 'dropped' });
      } else if (original !== undefined && row !== undefined) {
        if (original.annotation === row.annotation && original.name === row.name) continue;
        plan.endRows.push({ table: 'lake_schema', id });
        plan.newSchemas.push(row);
        plan.changes.push({ objectId: id, kind: 'altered' });
        if (original.name !== row.name) {
          plan.schemaNamesToClaim.push({ databaseId: row.databaseId, name: row.name });
        }
      }
    }
    for (const [id, v] of this.tables) this.addTable(plan, id, v);
    for (const [id, v] of this.procedures) addProcedure(plan, id, v);
    for (const [id, { original, current }] of this.views) {
      if (original !== undefined) plan.endRows.push({ table: 'lake_view', id });
      if (current !== undefined) {
        plan.newViews.push({ ...current, viewId: id });
        plan.namesToClaim.push({ schemaId: current.schemaId, name: current.name, objectId: id });
        if (original === undefined) {
          plan.schemasRequired.push(current.schemaId);
          plan.changes.push({ objectId: current.schemaId, kind: 'created_in' });
        }
      }
      if (original !== undefined || current !== undefined) {
        plan.changes.push({
          objectId: id,
          kind: original === undefined ? 'created' : current === undefined ? 'dropped' : 'altered',
        });
      }
    }
  }

  private addTable(
    plan: CommitPlan,
    id: number,
    { original, current }: Versioned<TableInfo>,
  ): void {
    if (original === undefined && current === undefined) return; // created and dropped again
    if (current === undefined) {
      plan.endRows.push({ table: 'lake_table', id });
      for (const c of original!.columns)
        plan.endRows.push({ table: 'lake_column', id: c.columnId });
      plan.truncatedTables.push(id);
      plan.changes.push({ objectId: id, kind: 'dropped' });
      return;
    }
    const sortKeyIds = current.sortKey.flatMap(
      (n) => current.columns.find((c) => c.name === n)?.columnId ?? [],
    );
    const tableRow = {
      tableId: id,
      tableUuid: current.tableUuid,
      schemaId: current.schemaId,
      name: current.name,
      sortKey: sortKeyIds,
      annotation: current.annotation,
    };
    if (original === undefined) {
      plan.newTables.push(tableRow);
      plan.namesToClaim.push({ schemaId: current.schemaId, name: current.name, objectId: id });
      plan.schemasRequired.push(current.schemaId);
      plan.changes.push(
        { objectId: id, kind: 'created' },
        { objectId: current.schemaId, kind: 'created_in' },
      );
    } else {
      let altered = false;
      if (
        original.name !== current.name ||
        original.sortKey.join() !== current.sortKey.join() ||
        original.annotation !== current.annotation
      ) {
        plan.endRows.push({ table: 'lake_table', id });
        plan.newTables.push(tableRow);
        if (original.name !== current.name) {
          plan.namesToClaim.push({ schemaId: current.schemaId, name: current.name, objectId: id });
        }
        altered = true;
      }
      for (const c of original.columns) {
        const now = current.columns.find((x) => x.columnId === c.columnId);
        if (now === undefined || JSON.stringify(now) !== JSON.stringify(c)) {
          plan.endRows.push({ table: 'lake_column', id: c.columnId });
          altered = true;
        }
      }
      if (
        altered ||
        current.columns.some((c) => !original.columns.some((o) => o.columnId === c.columnId))
      ) {
        plan.changes.push({ objectId: id, kind: 'altered' });
      }
    }
    for (const c of current.columns) {
      const before = original?.columns.find((x) => x.columnId === c.columnId);
      if (before !== undefined && JSON.stringify(before) === JSON.stringify(c)) continue;
      plan.newColumns.push({
        columnId: c.columnId,
        tableId: id,
        order: c.order,
        name: c.name,
        type: c.type,
        typeAnnotation: c.typeAnnotation,
        nullable: c.nullable,
        defaultValue: c.defaultValue,
      });
    }
  }
}

function addProcedure(
  plan: CommitPlan,
  id: number,
  { original, current }: Versioned<ProcedureInfo>,
): void {
  if (original === undefined && current === undefined) return; // created and dropped again
  if (original !== undefined) plan.endRows.push({ table: 'lake_procedure', id });
  if (current === undefined) {
    plan.changes.push({ objectId: id, kind: 'dropped' });
    return;
  }
  const inputTypes = JSON.stringify(inputTypesOf(current.arguments));
  plan.newProcedures.push({
    procedureId: id,
    schemaId: current.schemaId,
    name: current.name,
    inputTypes,
    arguments: JSON.stringify(current.arguments),
    body: current.body,
    language: current.language,
    security: current.security,
    nonatomic: current.nonatomic,
    config: current.config.length > 0 ? JSON.stringify(current.config) : null,
    ownerUserId: current.ownerUserId,
    annotation: current.annotation,
  });
  if (original === undefined || original.name !== current.name) {
    plan.procedureSignaturesToClaim.push({
      schemaId: current.schemaId,
      name: current.name,
      inputTypes,
      procedureId: id,
    });
  }
  if (original === undefined) {
    plan.schemasRequired.push(current.schemaId);
    plan.changes.push(
      { objectId: id, kind: 'created' },
      { objectId: current.schemaId, kind: 'created_in' },
    );
  } else plan.changes.push({ objectId: id, kind: 'altered' });
}
