// The binder's interface: name rules, relation references, types and DuckDB code generation.
export { identValue, qualifiedName, displayName, type QualifiedName } from './names.js';
export { relationRefs } from './relations.js';
export { resolveType, columnPgType, fromDuckDb, type ResolvedType } from './types.js';
export { toDuckDb, toDuckDbExpr, type CodegenContext } from './codegen.js';
export { statementText } from './statements.js';
export { encodeAnnotation, decodeAnnotation, type ColumnAnnotation } from './annotation.js';
export { redshiftFunction, redshiftFunctions, type RedshiftFunction } from './functions.js';
export { installFunctionMacros, functionMacroSql, FUNCTION_SCHEMA } from './function-macros.js';
