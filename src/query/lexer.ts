import { QuerySyntaxError } from '../errors.js';
import type { Span } from './ast.js';

export type TokenKind =
  | 'name' | 'string' | 'number' | 'regex' | 'jsonpath' | 'word'
  | 'op' | 'and' | 'or' | 'not' | '(' | ')' | '[' | ']' | ',' | '.' | 'eof';

export interface Token extends Span {
  readonly kind: TokenKind;
  /** The text (name, operator, jsonpath), the decoded string, or the regex source. */
  readonly text: string;
  readonly flags?: string;
  readonly number?: number;
}

const OPERATORS = new Set(['==', '=', '!=', '<', '<=', '>', '>=', '~', '!~']);
const WORD_OPS = new Set(['contains', 'in', 'startswith', 'endswith']);
const OP_CHARS = '=!<>~&|';
const NAME_START = /[A-Za-z_@]/;
const NAME_CHAR = /[A-Za-z0-9_@-]/;

function decodeString(src: string, start: number): { value: string; end: number } {
  const quote = src[start]!;
  let i = start + 1;
  let out = '';
  while (i < src.length) {
    const c = src[i]!;
    if (c === quote) return { value: out, end: i + 1 };
    if (c === '\\') {
      const e = src[i + 1];
      const simple: { [k: string]: string } = { '"': '"', "'": "'", '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
      if (e === undefined) break;
      if (e === 'u') {
        const hex = src.slice(i + 2, i + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new QuerySyntaxError('invalid \\u escape in string', src, i);
        out += String.fromCharCode(parseInt(hex, 16));
        i += 6;
        continue;
      }
      const s = simple[e];
      if (s === undefined) throw new QuerySyntaxError(`invalid escape '\\${e}' in string`, src, i);
      out += s;
      i += 2;
      continue;
    }
    out += c;
    i++;
  }
  throw new QuerySyntaxError('unterminated string', src, start);
}

function readRegex(src: string, start: number): { source: string; flags: string; end: number } {
  let i = start + 1;
  let inClass = false;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '\\') { i += 2; continue; }
    if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
    else if (c === '/' && !inClass) {
      const source = src.slice(start + 1, i);
      let j = i + 1;
      while (j < src.length && /[a-z]/i.test(src[j]!)) j++;
      const flags = src.slice(i + 1, j);
      if (!/^[imsu]*$/.test(flags) || new Set(flags).size !== flags.length) {
        throw new QuerySyntaxError(`invalid regex flags '${flags}' (allowed: i m s u)`, src, i + 1);
      }
      return { source, flags, end: j };
    }
    i++;
  }
  throw new QuerySyntaxError('unterminated regex', src, start);
}

/** A JSONPath runs to whitespace, `)` or a comparison operator outside brackets, parens and quotes. */
function readJsonPath(src: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '"' || c === "'") {
      const close = src.indexOf(c, i + 1);
      if (close < 0) throw new QuerySyntaxError('unterminated string', src, i);
      i = close + 1;
      continue;
    }
    if (c === '[' || c === '(') depth++;
    else if (c === ']' || c === ')') {
      if (depth === 0) break;
      depth--;
    } else if (depth === 0 && (/\s/.test(c) || OP_CHARS.includes(c) || c === ',')) break;
    i++;
  }
  if (depth > 0) throw new QuerySyntaxError("unbalanced brackets in JSONPath", src, start);
  return i;
}

export function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, start: number, end: number, text: string, extra?: Partial<Token>) =>
    tokens.push({ kind, start, end, text, ...extra });
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) { i++; continue; }
    const start = i;
    if (c === '"' || c === "'") {
      const s = decodeString(src, i);
      push('string', start, s.end, s.value);
      i = s.end;
    } else if (c === '/') {
      const r = readRegex(src, i);
      push('regex', start, r.end, r.source, { flags: r.flags });
      i = r.end;
    } else if (c === '$') {
      const end = readJsonPath(src, i);
      push('jsonpath', start, end, src.slice(start, end));
      i = end;
    } else if ('()[],.'.includes(c)) {
      push(c as TokenKind, start, start + 1, c);
      i++;
    } else if (/[0-9]/.test(c) || (c === '-' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const m = /^-?(?:\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(src.slice(i))!;
      let end = i + m[0].length;
      // `15m`, `1h30m`, `2011-12-26`, `09:14`: a bare word, read as a string (times, durations).
      if (end < src.length && /[A-Za-z0-9_:.\-+]/.test(src[end]!)) {
        while (end < src.length && /[A-Za-z0-9_:.\-+]/.test(src[end]!)) end++;
        push('word', start, end, src.slice(start, end));
      } else {
        push('number', start, end, m[0], { number: Number(m[0]) });
      }
      i = end;
    } else if (OP_CHARS.includes(c)) {
      let end = i;
      while (end < src.length && OP_CHARS.includes(src[end]!)) end++;
      const op = src.slice(i, end);
      if (op === '&&') push('and', start, end, op);
      else if (op === '||') push('or', start, end, op);
      else if (op === '!') push('not', start, end, op);
      else if (OPERATORS.has(op)) push('op', start, end, op === '=' ? '==' : op);
      else throw new QuerySyntaxError(`unknown operator '${op}'`, src, start);
      i = end;
    } else if (NAME_START.test(c)) {
      let end = i + 1;
      while (end < src.length && NAME_CHAR.test(src[end]!)) end++;
      const text = src.slice(i, end);
      const lower = text.toLowerCase();
      if (lower === 'and' || lower === 'or' || lower === 'not') push(lower, start, end, lower);
      else if (WORD_OPS.has(lower)) push('op', start, end, lower);
      else push('name', start, end, text);
      i = end;
    } else {
      throw new QuerySyntaxError(`unexpected character '${c}'`, src, start);
    }
  }
  tokens.push({ kind: 'eof', start: src.length, end: src.length, text: '' });
  return tokens;
}
