// The SQL front end's public surface: the AST types, the parser and the printers.
export * from './ast/index.js';
export * from './bind/index.js';
