// DECLARE name [BINARY] [NO SCROLL] CURSOR [WITHOUT HOLD | WITH HOLD] FOR query;
// FETCH / MOVE [NEXT | ALL | FORWARD [n | ALL] | n] [FROM | IN] name; CLOSE name | ALL.
// Only forward fetching: Redshift cursors do not scroll.
import type { Statement } from '../ast/index.js';
import type { Parser } from './core.js';
import { parseQuery } from './select.js';

export function parseDeclare(p: Parser): Statement {
  const pos = p.expectWord('declare').pos;
  const name = p.parseIdent();
  const binary = p.eatWord('binary');
  if (p.isWord('insensitive') || p.isWord('asensitive')) p.next();
  if (p.isWord('scroll')) throw p.unsupported('SCROLL cursors');
  p.eatWords('no', 'scroll');
  p.expectWord('cursor');
  let hold = false;
  if (p.eatWords('with', 'hold')) hold = true;
  else p.eatWords('without', 'hold');
  p.expectWord('for');
  return { kind: 'DeclareCursor', name, binary, hold, query: parseQuery(p), pos };
}

export function parseFetch(p: Parser): Statement {
  const t = p.next();
  const move = t.value === 'move';
  let count: number | 'all' = 1;
  if (p.eatWord('next')) count = 1;
  else if (p.eatWord('all')) count = 'all';
  else if (p.eatWord('forward')) {
    if (p.eatWord('all')) count = 'all';
    else if (p.peek().type === 'number') count = p.parseInteger();
  } else if (p.peek().type === 'number') count = p.parseInteger();
  else {
    for (const w of ['prior', 'first', 'last', 'absolute', 'relative', 'backward']) {
      if (p.isWord(w)) throw p.unsupported(`FETCH ${w.toUpperCase()} (cursors fetch forward only)`);
    }
  }
  if (!p.eatWord('from')) p.eatWord('in');
  return { kind: 'Fetch', move, count, cursor: p.parseIdent(), pos: t.pos };
}

export function parseClose(p: Parser): Statement {
  const pos = p.expectWord('close').pos;
  if (p.eatWord('all')) return { kind: 'CloseCursor', pos };
  return { kind: 'CloseCursor', name: p.parseIdent(), pos };
}
