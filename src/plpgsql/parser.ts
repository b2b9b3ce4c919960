// The PL/pgSQL parser: a Redshift stored procedure body (the text between the dollar quotes of
// CREATE PROCEDURE ... AS $$ ... $$) into the tree of ast.ts. Recursive descent over the SQL
// lexer's tokens; the SQL inside (statements, conditions, values, types) goes to the SQL front
// end (embedded.ts). Blocks and control statements live here, declarations in declarations.ts,
// the other statements in statements.ts.
// https://docs.aws.amazon.com/redshift/latest/dg/c_PLpgSQL-structure.html
// https://docs.aws.amazon.com/redshift/latest/dg/c_PLpgSQL-statements.html
//
// Positions: `line` is the 1-based line in the body, `offset` the 1-based character position in
// the body (like the SQL tree's `pos`, which embedded trees also carry relative to the body).
// A statement's position is its first token, except that a block's is its BEGIN and a loop's
// its LOOP / WHILE / FOR, not the label or DECLARE before them: PostgreSQL numbers them so, and
// the interpreter's error contexts ("line N at FOR over SELECT rows") should match.
import { SqlState } from '../common/errors.js';
import type { Expr, Token } from '../sql/index.js';
import type {
  PlBlock,
  PlDeclaration,
  PlExceptionHandler,
  PlPos,
  PlProgram,
  PlStatement,
  PlTarget,
} from './ast.js';
import { parseDeclarations, type Scope } from './declarations.js';
import { parseExprList, parseExprRun, parseStatementRun, parseTargetList } from './embedded.js';
import { isNameToken, nameOf } from './names.js';
import {
  parseAssignment,
  parseClose,
  parseExecute,
  parseExit,
  parseFetch,
  parseGetDiagnostics,
  parseOpen,
  parsePerform,
  parseRaise,
  parseSql,
  parseSqlState,
} from './statements.js';
import { Body, BodyCursor } from './tokens.js';

export interface ParseBodyOptions {
  /** The procedure's name, for error contexts. */
  procedureName?: string;
  /**
   * enable_case_sensitive_identifier: quoted names of variables, labels and cursors keep their
   * case only when it is on (embedded SQL keeps its identifiers as written either way).
   */
  caseSensitive?: boolean;
  /**
   * 1-based character position of the body in the statement that holds it (CREATE PROCEDURE),
   * so that errors carry a `position` in that statement; without it they carry only the line.
   */
  bodyPosition?: number;
}

/**
 * Parses a procedure body. Syntax errors are LakeshiftError 42601 (`syntax error at or near
 * "x"`) with `where` = `compilation of PL/pgSQL function "<name>" near line N`; errors of the
 * SQL parser in embedded SQL keep their SQLSTATE (0A000 for statements Lakeshift does not
 * support yet) and gain the same `where`.
 */
export function parseProcedureBody(source: string, options: ParseBodyOptions = {}): PlProgram {
  const body = new Body(source, options);
  try {
    const parser = new PlParser(body, options.caseSensitive ?? false);
    return { source, block: parser.parseProgram() };
  } catch (e) {
    // Nesting is bounded (MAX_NESTING), so this is a backstop, as in the SQL parser.
    if (e instanceof RangeError) {
      throw body.error(SqlState.programLimitExceeded, 'stack depth limit exceeded', 0, undefined);
    }
    throw e;
  }
}

/** How deeply blocks, IFs, CASEs and loops may nest before parsing stops with 54000. */
const MAX_NESTING = 200;

/** A block or loop around the statement being parsed, for EXIT / CONTINUE and END labels. */
interface Enclosing {
  label?: string;
  loop: boolean;
}

/** Words that end a statement list (the caller checks which one it expects). */
const LIST_END = new Set(['end', 'else', 'elsif', 'elseif', 'when']);

/** The keywords that start a loop. */
const LOOP_KEYWORDS = new Set(['loop', 'while', 'for']);

export class PlParser extends BodyCursor {
  /** Names declared by each enclosing block (and FOR loop), innermost last. */
  readonly scopes: Scope[] = [];
  readonly enclosing: Enclosing[] = [];
  private nesting = 0;

  constructor(
    body: Body,
    readonly caseSensitive: boolean,
  ) {
    super(body);
  }

  /** The position of token `t`. */
  posOf(t: Token): PlPos {
    return { line: this.body.lineOf(t.start), offset: t.pos };
  }

  name(t: Token): string {
    return nameOf(t, this.caseSensitive);
  }

  /** The whole body: one block, an optional `;`, and nothing else. */
  parseProgram(): PlBlock {
    const label = this.parseOptionalLabel();
    if (!this.isWord('declare') && !this.isWord('begin')) throw this.errorAt();
    const block = this.parseBlock(label, false);
    this.eatPunct(';');
    if (this.peek().type !== 'eof') throw this.errorAt();
    return block;
  }

  /** `<<label>>`, or undefined. */
  private parseOptionalLabel(): Token | undefined {
    if (!this.isOp('<<')) return undefined;
    this.next();
    const t = this.peek();
    if (!isNameToken(t)) throw this.errorAt(t);
    this.next();
    const close = this.peek();
    if (close.type !== 'op' || close.value !== '>>') throw this.errorAt(close);
    this.next();
    return t;
  }

  /** `[DECLARE ...] BEGIN ... [EXCEPTION ...] END [label]` (+ `;` when `semicolon`). */
  private parseBlock(labelToken: Token | undefined, semicolon: boolean): PlBlock {
    const label = labelToken === undefined ? undefined : this.name(labelToken);
    const scope: Scope = new Map();
    this.scopes.push(scope);
    this.enclosing.push(label === undefined ? { loop: false } : { label, loop: false });
    const declarations = this.eatWord('declare') ? parseDeclarations(this, scope) : [];
    const begin = this.expectWord('begin');
    const block: PlBlock = {
      kind: 'Block',
      ...(label === undefined ? {} : { label }),
      declarations,
      body: this.parseStatementList(),
      ...this.posOf(begin),
    };
    if (this.isWord('exception')) {
      this.next();
      block.handlers = this.parseHandlers();
    }
    this.expectWord('end');
    this.parseEndLabel(label);
    if (semicolon) this.expectSemicolon();
    this.enclosing.pop();
    this.scopes.pop();
    return block;
  }

  /** `WHEN cond [OR cond ...] THEN statements`, one or more. */
  private parseHandlers(): PlExceptionHandler[] {
    const handlers: PlExceptionHandler[] = [];
    do {
      const when = this.expectWord('when');
      const conditions: PlExceptionHandler['conditions'] = [];
      do {
        const t = this.peek();
        if (this.eatWord('sqlstate')) {
          conditions.push({ kind: 'sqlstate', sqlstate: parseSqlState(this) });
        } else if (t.type === 'word' && isNameToken(t)) {
          this.next();
          conditions.push({ kind: 'name', name: t.value });
        } else {
          throw this.errorAt(t);
        }
      } while (this.eatWord('or'));
      this.expectWord('then');
      handlers.push({ conditions, body: this.parseStatementList(), ...this.posOf(when) });
    } while (this.isWord('when'));
    return handlers;
  }

  /**
   * `[label]` after END / END LOOP: it must repeat the construct's own label (PostgreSQL's
   * check_labels).
   */
  private parseEndLabel(label: string | undefined): void {
    const t = this.peek();
    if (!isNameToken(t)) return;
    this.next();
    const end = this.name(t);
    if (label === undefined) {
      throw this.errorWith(`end label "${end}" specified for unlabeled block`, t);
    }
    if (end !== label) {
      throw this.errorWith(`end label "${end}" differs from block's label "${label}"`, t);
    }
  }

  /** Statements up to END, ELSE, ELSIF, ELSEIF, WHEN or EXCEPTION (not consumed). */
  parseStatementList(): PlStatement[] {
    if (++this.nesting > MAX_NESTING) {
      const t = this.peek();
      throw this.body.error(
        SqlState.programLimitExceeded,
        'stack depth limit exceeded',
        t.start,
        t.pos,
        {
          hint: `Blocks, IF, CASE and loops may nest at most ${MAX_NESTING} levels deep.`,
        },
      );
    }
    const out: PlStatement[] = [];
    for (;;) {
      const t = this.peek();
      if (t.type === 'eof') break;
      if (t.type === 'word' && LIST_END.has(t.value)) break;
      // EXCEPTION starts a block's handlers (a variable called exception may still be assigned).
      if (this.isWord('exception') && !this.startsAssignment()) break;
      out.push(this.parseStatement());
    }
    this.nesting--;
    return out;
  }

  private parseStatement(): PlStatement {
    const labelToken = this.parseOptionalLabel();
    const t = this.peek();
    if (labelToken !== undefined) {
      if (this.isWord('declare') || this.isWord('begin')) return this.parseBlock(labelToken, true);
      if (t.type === 'word' && LOOP_KEYWORDS.has(t.value)) return this.parseLoop(labelToken);
      throw this.errorAt(t);
    }
    if (this.startsAssignment()) return parseAssignment(this);
    if (t.type !== 'word') return parseSql(this);
    switch (t.value) {
      case 'declare':
      case 'begin':
        return this.parseBlock(undefined, true);
      case 'if':
        return this.parseIf();
      case 'case':
        return this.parseCase();
      case 'loop':
      case 'while':
      case 'for':
        return this.parseLoop(undefined);
      case 'exit':
      case 'continue':
        return parseExit(this);
      case 'return':
        this.next();
        this.expectSemicolon();
        return { kind: 'Return', ...this.posOf(t) };
      case 'raise':
        return parseRaise(this);
      case 'perform':
        return parsePerform(this);
      case 'execute':
        return parseExecute(this);
      case 'get':
        return parseGetDiagnostics(this);
      case 'open':
        return parseOpen(this);
      case 'fetch':
        return parseFetch(this);
      case 'close':
        return parseClose(this);
      case 'null':
        this.next();
        this.expectSemicolon();
        return { kind: 'Null', ...this.posOf(t) };
      default:
        return parseSql(this);
    }
  }

  /** `name :=`, `name =`, `rec.field :=` or `rec.field =`. */
  private startsAssignment(): boolean {
    if (!isNameToken(this.peek())) return false;
    if (this.isPunct(':=', 1) || this.isOp('=', 1)) return true;
    const field = this.peek(2);
    return (
      this.isPunct('.', 1) &&
      (field.type === 'word' || field.type === 'qident') &&
      (this.isPunct(':=', 3) || this.isOp('=', 3))
    );
  }

  /** An expression from the cursor to the word `stop` (outside brackets and CASE), consumed. */
  parseExprTo(...stop: string[]): Expr {
    const end = this.scanToWord(...stop);
    const expr = parseExprRun(this, this.i, end);
    this.i = end;
    return expr;
  }

  /** An expression from the cursor to the statement's `;`, which is consumed. */
  parseExprToSemicolon(): Expr {
    const expr = this.parseExprTo();
    this.expectSemicolon();
    return expr;
  }

  private parseIf(): PlStatement {
    const ifToken = this.next();
    const branches = [];
    do {
      const condition = this.parseExprTo('then');
      this.expectWord('then');
      branches.push({ condition, body: this.parseStatementList() });
    } while (this.eatOneOf('elsif', 'elseif') !== undefined);
    const stmt: PlStatement = { kind: 'If', branches, ...this.posOf(ifToken) };
    if (this.eatWord('else')) stmt.else = this.parseStatementList();
    this.expectWord('end');
    this.expectWord('if');
    this.expectSemicolon();
    return stmt;
  }

  /** Simple (`CASE x WHEN 1, 2 THEN`) and searched (`CASE WHEN cond THEN`) CASE statements. */
  private parseCase(): PlStatement {
    const caseToken = this.next();
    const subject = this.isWord('when') ? undefined : this.parseExprTo('when');
    const whens = [];
    while (this.eatWord('when')) {
      const values =
        subject === undefined
          ? [this.parseExprTo('then')]
          : parseExprList(this, (t) => t.type === 'word' && t.value === 'then');
      this.expectWord('then');
      whens.push({ values, body: this.parseStatementList() });
    }
    if (whens.length === 0) throw this.errorAt();
    const stmt: PlStatement = {
      kind: 'Case',
      ...(subject === undefined ? {} : { subject }),
      whens,
      ...this.posOf(caseToken),
    };
    if (this.eatWord('else')) stmt.else = this.parseStatementList();
    this.expectWord('end');
    this.expectWord('case');
    this.expectSemicolon();
    return stmt;
  }

  /** LOOP, WHILE and the FOR loops, with their label. */
  private parseLoop(labelToken: Token | undefined): PlStatement {
    const label = labelToken === undefined ? undefined : this.name(labelToken);
    const labelled = label === undefined ? {} : { label };
    const t = this.next();
    const pos = this.posOf(t);
    if (t.value === 'loop')
      return { kind: 'Loop', ...labelled, body: this.parseLoopBody(label), ...pos };
    if (t.value === 'while') {
      const condition = this.parseExprTo('loop');
      this.expectWord('loop');
      return { kind: 'While', ...labelled, condition, body: this.parseLoopBody(label), ...pos };
    }
    return this.parseFor(label, pos);
  }

  /** Statements up to `END LOOP [label];`, with the loop on the enclosing stack. */
  private parseLoopBody(label: string | undefined, scope?: Scope): PlStatement[] {
    this.enclosing.push(label === undefined ? { loop: true } : { label, loop: true });
    if (scope !== undefined) this.scopes.push(scope);
    const body = this.parseStatementList();
    this.expectWord('end');
    this.expectWord('loop');
    this.parseEndLabel(label);
    this.expectSemicolon();
    if (scope !== undefined) this.scopes.pop();
    this.enclosing.pop();
    return body;
  }

  /**
   * After FOR: `i IN [REVERSE] a .. b [BY n]`, `target IN EXECUTE text [USING ...]`,
   * `target IN bound_cursor [(args)]` or `target IN query`, then LOOP. A range is recognized by
   * its `..` (PostgreSQL's rule); a bound cursor by its declaration.
   */
  private parseFor(label: string | undefined, pos: PlPos): PlStatement {
    const labelled = label === undefined ? {} : { label };
    const firstTarget = this.peek();
    const targets = parseTargetList(this, this.caseSensitive);
    this.expectWord('in');
    const reverseToken = this.isWord('reverse') ? this.next() : undefined;

    if (reverseToken === undefined && this.eatWord('execute')) {
      const text = this.parseExprTo('using', 'loop');
      const using = this.eatWord('using')
        ? parseExprList(this, (t) => t.type === 'word' && t.value === 'loop')
        : [];
      this.expectWord('loop');
      const body = this.parseLoopBody(label);
      return { kind: 'ForExecute', ...labelled, targets, text, using, body, ...pos };
    }

    const cursorToken = this.peek();
    if (
      reverseToken === undefined &&
      isNameToken(cursorToken) &&
      (this.isPunct('(', 1) || this.isWord('loop', 1)) &&
      this.lookup(this.name(cursorToken)) === 'Cursor'
    ) {
      this.next();
      let args: Expr[] = [];
      if (this.eatPunct('(')) {
        args = parseExprList(this, (t) => t.type === 'punct' && t.value === ')');
        this.expectPunct(')');
      }
      this.expectWord('loop');
      const body = this.parseLoopBody(label);
      const cursor = this.name(cursorToken);
      return { kind: 'ForCursor', ...labelled, targets, cursor, args, body, ...pos };
    }

    const end = this.scanTo(
      (t) => (t.type === 'punct' && t.value === '..') || (t.type === 'word' && t.value === 'loop'),
    );
    if (this.at(end).type === 'punct' && this.at(end).value === '..') {
      const variable = targets[0] as PlTarget;
      if (targets.length !== 1 || variable.field !== undefined) {
        throw this.errorWith('integer FOR loop must have only one target variable', firstTarget);
      }
      const from = parseExprRun(this, this.i, end);
      this.i = end + 1;
      const to = this.parseExprTo('by', 'loop');
      const by = this.eatWord('by') ? this.parseExprTo('loop') : undefined;
      this.expectWord('loop');
      const scope: Scope = new Map([[variable.name, 'Variable']]);
      const body = this.parseLoopBody(label, scope);
      return {
        kind: 'ForRange',
        ...labelled,
        variable: variable.name,
        reverse: reverseToken !== undefined,
        from,
        to,
        ...(by === undefined ? {} : { by }),
        body,
        ...pos,
      };
    }
    if (reverseToken !== undefined) {
      throw this.errorWith('cannot specify REVERSE in query FOR loop', reverseToken);
    }
    const query = parseStatementRun(this, this.i, end);
    this.i = end;
    this.expectWord('loop');
    const body = this.parseLoopBody(label);
    return { kind: 'ForQuery', ...labelled, targets, query, body, ...pos };
  }

  /** What `name` is in the innermost scope that declares it. */
  lookup(name: string): PlDeclaration['kind'] | undefined {
    for (let k = this.scopes.length - 1; k >= 0; k--) {
      const kind = this.scopes[k]?.get(name);
      if (kind !== undefined) return kind;
    }
    return undefined;
  }
}
