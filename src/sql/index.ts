// The SQL front end's public surface: the AST types, the parser and the printers.
export * from './ast/index.js';
export { parse, parseOne, parseStatement } from './parser/index.js';
export { tokenize, type Token, type TokenType } from './lexer/lexer.js';
export * from './print/index.js';
