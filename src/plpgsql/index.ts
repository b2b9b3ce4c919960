// The stored procedure language: PL/pgSQL bodies parsed once at CREATE PROCEDURE into the tree
// of ast.ts, and run by the interpreter with SQL going through the session's front end.
export * from './ast.js';
export { parseProcedureBody, type ParseBodyOptions } from './parser.js';
