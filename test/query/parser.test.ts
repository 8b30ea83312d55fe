import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { QuerySyntaxError } from '../../src/errors.js';
import { compileExpr } from '../../src/query/compile.js';
import { parseExpr } from '../../src/query/parser.js';
import { printExpr } from '../../src/query/print.js';
import { fixture } from '../helpers.js';

interface Case { expr: string; printed?: string; error?: string }

/** Blocks separated by blank lines; `%%FAIL` blocks hold the exact error text. */
function loadCases(): Case[] {
  const text = readFileSync(fixture('query', 'parse.txt'), 'utf8');
  const lines = text.split('\n').filter((l) => !l.startsWith('# '));
  const cases: Case[] = [];
  for (let i = 0; i < lines.length;) {
    if (lines[i] === '' || lines[i] === '#') { i++; continue; }
    if (lines[i] === '%%FAIL') {
      const expr = lines[i + 1]!;
      const err: string[] = [];
      let j = i + 2;
      while (j < lines.length && !(lines[j] === '' && (lines[j + 1] === '%%FAIL' || lines[j + 1] === undefined || lines[j + 1] === ''))) err.push(lines[j++]!);
      cases.push({ expr, error: err.join('\n') });
      i = j;
    } else {
      cases.push({ expr: lines[i]!, printed: lines[i + 1]! });
      i += 2;
    }
  }
  return cases;
}

const cases = loadCases();
const NOW = Date.UTC(2011, 11, 26, 12);

describe('the parser (issue 3)', () => {
  it('has cases for every construct and error', () => {
    expect(cases.filter((c) => c.error).length).toBeGreaterThanOrEqual(15);
    expect(cases.filter((c) => c.printed).length).toBeGreaterThanOrEqual(25);
  });

  it.each(cases.filter((c) => c.printed))('parses $expr', ({ expr, printed }) => {
    const ast = parseExpr(expr);
    expect(printExpr(ast)).toBe(printed);
    compileExpr(ast, { source: expr, now: NOW, local: false });
  });

  it.each(cases.filter((c) => c.error))('rejects $expr', ({ expr, error }) => {
    let message = '';
    try {
      compileExpr(parseExpr(expr), { source: expr, now: NOW, local: false });
    } catch (e) {
      if (!(e instanceof QuerySyntaxError)) throw e;
      message = e.describe('chainsaw: -q');
    }
    expect(message).toBe(error);
  });
});
