// The binder's interface: name rules, relation references, types and DuckDB code generation.
export { identValue, qualifiedName, displayName, type QualifiedName } from './names.js';
export { relationRefs } from './relations.js';
export { scanFilters, stringPruningFilters, type ScanFilter } from './scan-filters.js';
export { ValueKinds, type DeclaredColumn } from './value-kinds.js';
export {
  resolveType,
  columnPgType,
  fromDuckDb,
  procedureArgType,
  REFCURSOR_OID,
  typeOidOfText,
  typeTextOfOid,
  type ResolvedType,
} from './types.js';
export { toDuckDb, toDuckDbExpr, type CodegenContext } from './codegen.js';
export { statementText } from './statements.js';
export {
  encodeAnnotation,
  decodeAnnotation,
  encodeTableAnnotation,
  decodeTableAnnotation,
  encodeViewAnnotation,
  decodeViewAnnotation,
  encodeSchemaAnnotation,
  decodeSchemaAnnotation,
  type ColumnAnnotation,
  type ConstraintAnnotation,
  type IdentityAnnotation,
  type SchemaAnnotation,
  type TableAnnotation,
  type ViewAnnotation,
  type MaterializedViewAnnotation,
  type StreamSourceAnnotation,
} from './annotation.js';
export {
  checkEncoding,
  defaultEncoding,
  isIdentityType,
  isKeyType,
  ENCODINGS,
} from './encodings.js';
export { redshiftFunction, redshiftFunctions, type RedshiftFunction } from './functions.js';
export { callsVolatileFunction } from './volatility.js';
export { toSuperSql } from './super.js';
export { installFunctionMacros, functionMacroSql, FUNCTION_SCHEMA } from './function-macros.js';
export { strptimeFormat } from './datetime-format.js';
