// The storage room's interface: lakes (namespaces) of Parquet files tracked by a catalog,
// snapshot-isolated transactions over them, and their maintenance. Rooms above use only this.
export { Lake, type LakeOptions, type BeginOptions } from './lake/lake.js';
export {
  LakeTransaction,
  type TableRef,
  type ScanOptions,
  type Assignments,
} from './lake/transaction.js';
export type {
  ColumnDefinition,
  ColumnFilter,
  ColumnInfo,
  ProcedureArgument,
  ProcedureArgumentMode,
  ProcedureDefinition,
  ProcedureInfo,
  SchemaInfo,
  SnapshotInfo,
  TableInfo,
  ViewInfo,
} from './lake/types.js';
export { inputTypesOf } from './lake/types.js';
export {
  procedureMissing,
  procedureNotUnique,
  procedureSignature,
  type ProcedureRef,
} from './lake/procedures.js';
export {
  Directory,
  databaseMissing,
  userMissing,
  type DatabaseAttributes,
  type DatabaseRecord,
  type NewUser,
  type UserRecord,
} from './catalog/directory.js';
export {
  copyJobExists,
  copyJobMissing,
  type CopyJobFileRecord,
  type CopyJobFileState,
  type CopyJobFileStatus,
  type CopyJobRecord,
  type LoadedCopyJobFile,
  type NewCopyJob,
} from './catalog/copy-jobs.js';
export { ROW_FILE, ROW_POS } from './lake/scan.js';
export {
  compact,
  type CompactionOptions,
  type CompactionResult,
} from './maintenance/compaction.js';
export { collectGarbage, type GcOptions, type GcResult } from './maintenance/gc.js';
export {
  startMaintenance,
  type MaintenanceHandle,
  type MaintenanceRound,
} from './maintenance/background.js';
export { cloneNamespace, releaseClone } from './maintenance/clone.js';
export {
  openObjectStore,
  S3ObjectStore,
  type S3Credentials,
  type ObjectStore,
  type OpenObjectStoreOptions,
} from './objectstore/index.js';
