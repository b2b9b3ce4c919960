// The typed AST of Lakeshift's SQL front end (Redshift dialect). Every node has a `kind`;
// `Statement` is the union of statement kinds. Source positions (`pos`, `span`, `raw`) are kept
// on nodes but are not part of a node's meaning: compare trees with astEqual.
import type {
  AlterDatabase,
  AlterSchema,
  AlterTable,
  CommentOn,
  CreateDatabase,
  CreateSchema,
  CreateTable,
  CreateView,
  Drop,
} from './ddl.js';
import type { Copy, Delete, Insert, Merge, Truncate, Unload, Update } from './dml.js';
import type { CopyJob } from './copy-job.js';
import type {
  AlterMaterializedView,
  CreateExternalSchema,
  CreateMaterializedView,
  RefreshMaterializedView,
} from './materialized-view.js';
import type { AlterProcedure, CreateProcedure, DropProcedure, ShowProcedure } from './procedure.js';
import type { CloseCursor, DeclareCursor, Fetch } from './cursor.js';
import type { Expr } from './expr.js';
import type { Query } from './query.js';
import type {
  Begin,
  Commit,
  Discard,
  ReleaseSavepoint,
  Reset,
  Rollback,
  RollbackToSavepoint,
  Savepoint,
  SetSessionAuthorization,
  SetTimeZone,
  SetTransaction,
  SetVariable,
  Show,
} from './session.js';
import type { AlterUser, CreateUser } from './user.js';
import type {
  AlterSystem,
  Analyze,
  Call,
  Deallocate,
  Execute,
  Explain,
  Lock,
  Prepare,
  Vacuum,
} from './utility.js';

export type * from './types.js';
export type * from './expr.js';
export type * from './query.js';
export type * from './dml.js';
export type * from './ddl.js';
export type * from './session.js';
export type * from './user.js';
export type * from './utility.js';
export type * from './cursor.js';
export type * from './copy-job.js';
export type * from './procedure.js';
export type * from './materialized-view.js';

export type Statement =
  // queries
  | Query
  // DML
  | Insert
  | Update
  | Delete
  | Merge
  | Truncate
  | Copy
  | Unload
  | CopyJob
  // DDL
  | CreateTable
  | CreateView
  | CreateSchema
  | Drop
  | AlterTable
  | AlterSchema
  | CommentOn
  // materialized views
  | CreateMaterializedView
  | RefreshMaterializedView
  | AlterMaterializedView
  | CreateExternalSchema
  // stored procedures
  | CreateProcedure
  | DropProcedure
  | AlterProcedure
  | ShowProcedure
  // databases
  | CreateDatabase
  | AlterDatabase
  // users
  | CreateUser
  | AlterUser
  // transactions and session
  | Begin
  | Commit
  | Rollback
  | Savepoint
  | ReleaseSavepoint
  | RollbackToSavepoint
  | SetTransaction
  | SetVariable
  | SetTimeZone
  | SetSessionAuthorization
  | Reset
  | Show
  | Discard
  // utility
  | Explain
  | Prepare
  | Execute
  | Deallocate
  | Call
  | Analyze
  | Vacuum
  | Lock
  | AlterSystem
  // cursors
  | DeclareCursor
  | Fetch
  | CloseCursor;

export type StatementKind = Statement['kind'];

/** Keys that record where a node came from, not what it means. */
const POSITION_KEYS = new Set(['pos', 'span', 'raw']);

/**
 * Deep structural equality of two AST values, ignoring source positions (`pos`, `span`, `raw`)
 * and treating an absent key like one set to undefined.
 */
export function astEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => astEqual(x, b[i]));
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ra), ...Object.keys(rb)]);
  for (const k of keys) {
    if (POSITION_KEYS.has(k)) continue;
    if (!astEqual(ra[k], rb[k])) return false;
  }
  return true;
}

/** The operands of a chain of ANDs (the expression itself when it is not one). */
export function conjuncts(e: Expr): Expr[] {
  return e.kind === 'Binary' && e.op === 'and'
    ? [...conjuncts(e.left), ...conjuncts(e.right)]
    : [e];
}

/** A copy of an AST value without position keys (for snapshots and readable test diffs). */
export function stripPositions<T>(node: T): T {
  if (Array.isArray(node)) return node.map((x: unknown) => stripPositions(x)) as T;
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
    if (POSITION_KEYS.has(k) || v === undefined) continue;
    out[k] = stripPositions(v);
  }
  return out as T;
}

export { rewrite, visit, type AnyNode } from './walk.js';
