import { QuerySyntaxError } from '../errors.js';
import { and, not, or, type Expr, type FieldOperand, type Operand, type Span } from './ast.js';
import { parseGraylog, type GNode, type TermPart, type Value } from './graylog.js';
import { escapeRegex } from './regex.js';

/**
 * Graylog's field semantics, as a `-q` expression (so every fast path, output and mode applies,
 * and `--explain` can print it):
 * - message and full_message are analysed text: a term matches a word (a run of letters and
 *   digits) ignoring case, a phrase consecutive words, wildcards and regexes one whole word;
 * - source and host are the host, matched whole, ignoring case;
 * - timestamp is the record's time; level, facility and any other field whole and exact, numbers
 *   and numeric strings numerically (`status:404` finds 404 and "404");
 * - a term without a field matches a word of message or full_message, or any field's whole value.
 */

/** A letter or digit: what Graylog's search splits words at the absence of. */
const W = '[\\p{L}\\p{N}]';
const NOT_W = '[^\\p{L}\\p{N}]';
/** A class that matches nothing (a word never holds a space or a dot). */
const NEVER = '[^\\s\\S]';

type Target =
  | { readonly kind: 'text'; readonly field: FieldOperand }
  | { readonly kind: 'host' }
  | { readonly kind: 'time' }
  | { readonly kind: 'plain'; readonly field: FieldOperand }
  | { readonly kind: 'any' };

const span = (start: number): Span => ({ start, end: start + 1 });
const fieldOf = (path: readonly string[], start = 0): FieldOperand => ({ kind: 'field', path, span: span(start) });
const ANY: FieldOperand = { kind: 'jsonpath', path: '$..*', span: { start: 0, end: 0 } };

function targetOf(name: string | undefined, start: number): Target {
  if (name === undefined) return { kind: 'any' };
  switch (name) {
    case 'message': return { kind: 'text', field: fieldOf(['message'], start) };
    case 'full_message': return { kind: 'text', field: fieldOf(['full_message'], start) };
    case 'source':
    case 'host': return { kind: 'host' };
    case 'timestamp': return { kind: 'time' };
    // `_x` is the GELF field itself; any other name `x` finds the key x, else _x (as -q does).
    default: return { kind: 'plain', field: fieldOf(name.split('.'), start) };
  }
}

const isWordChar = (c: string): boolean => /[\p{L}\p{N}]/u.test(c);

function compare(op: '==' | '<' | '<=' | '>' | '>=' | '~', left: Operand, right: Operand, start: number): Expr {
  return { kind: 'compare', op, left, right, span: span(start) };
}

function regex(source: string, flags: string, start: number): Operand {
  return { kind: 'regex', source, flags, span: span(start) };
}

/** A number when the text is one (so ranges compare numerically and print plainly), else the text. */
function scalar(text: string, start: number, forTime: boolean): Operand {
  if (!forTime && text.trim() !== '' && /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(text)) return { kind: 'number', value: Number(text), span: span(start) };
  return { kind: 'string', value: text, span: span(start) };
}

/** A regex matching the words of `text` consecutively (a phrase), within `slop` positions. */
function phraseSource(words: readonly string[], slop: number): string {
  const gap = slop > 0 ? `(?:${NOT_W}+${W}+){0,${slop}}${NOT_W}+` : `${NOT_W}+`;
  const inOrder = words.map(escapeRegex).join(gap);
  // Lucene lets two words trade places for two positions of slop.
  const swapped = words.length === 2 && slop >= 2
    ? `|${escapeRegex(words[1]!)}${slop > 2 ? `(?:${NOT_W}+${W}+){0,${slop - 2}}` : ''}${NOT_W}+${escapeRegex(words[0]!)}` : '';
  return `(?:^|${NOT_W})(?:${inOrder}${swapped})(?:${NOT_W}|$)`;
}

const wordsIn = (text: string): string[] => text.match(/[\p{L}\p{N}]+/gu) ?? [];

/**
 * A term's pieces as regex source. In a word (`text`), a wildcard spans letters and digits only,
 * and a literal character that is neither can never match; in a whole value, anything.
 */
function globSource(parts: readonly TermPart[], inWord: boolean): string {
  return parts.map((p) => {
    if ('wild' in p) return inWord ? (p.wild === '*' ? `${W}*` : W) : (p.wild === '*' ? '[\\s\\S]*' : '[\\s\\S]');
    if (!inWord) return escapeRegex(p.lit);
    return [...p.lit].map((c) => (isWordChar(c) ? escapeRegex(c) : NEVER)).join('');
  }).join('');
}

/**
 * A Lucene regular expression (anchored, `.` any character, `\` escapes the next one, classes,
 * groups, `|`, `* + ? {n,m}`, `@` any string, `"…"` literal text) as a JavaScript one. In a word,
 * `.`, `@` and negated classes stay within letters and digits.
 */
export function luceneRegex(src: string, inWord: boolean, start: number, query: string): string {
  const fail = (reason: string, at: number): never => {
    throw new QuerySyntaxError(reason, query, start + at);
  };
  const any = inWord ? W : '[\\s\\S]';
  const notWord = '\\p{M}\\p{P}\\p{S}\\p{Z}\\p{C}';
  let out = '';
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') {
      const next = src[++i];
      if (next === undefined) fail('nothing to escape after \\', i - 1);
      out += inWord && !isWordChar(next!) ? NEVER : escapeRegex(next!);
    } else if (c === '.') {
      out += any;
    } else if (c === '@') {
      out += `${any}*`;
    } else if (c === '#') {
      out += NEVER;
    } else if (c === '"') {
      const end = src.indexOf('"', i + 1);
      if (end < 0) fail('unterminated "…" in regex', i);
      out += globSource([{ lit: src.slice(i + 1, end) }], inWord);
      i = end;
    } else if (c === '[') {
      const end = src.indexOf(']', i + 2);
      if (end < 0) fail("unterminated class: expected ']'", i);
      let body = src.slice(i + 1, end);
      const negated = body.startsWith('^');
      if (negated) body = body.slice(1);
      const inside = body.replace(/\\(.)/g, '$1').replace(/[\\\]^]/g, '\\$&');
      out += negated ? `[^${inside}${inWord ? notWord : ''}]` : `[${inside}]`;
      i = end;
    } else if (c === '~' || c === '&' || c === '<') {
      fail(`the Lucene regex operator '${c}' is not supported (escape it as \\${c} for the character)`, i);
    } else if (c === '^' || c === '$' || c === '/') {
      out += inWord ? NEVER : `\\${c}`;
    } else if ('()|*+?{},'.includes(c) || /[0-9]/.test(c)) {
      out += c;
    } else {
      out += inWord && !isWordChar(c) ? NEVER : escapeRegex(c);
    }
  }
  return out;
}

class Translator {
  constructor(private readonly query: string) {}

  private fail(reason: string, at: number): never {
    throw new QuerySyntaxError(reason, this.query, at);
  }

  expr(n: GNode): Expr {
    switch (n.kind) {
      case 'all': return { kind: 'lone', operand: { kind: 'literal', value: true, span: span(0) } };
      case 'and': return and(n.items.map((i) => this.expr(i)));
      case 'or': return or(n.items.map((i) => this.expr(i)));
      case 'not': return not(this.expr(n.item));
      case 'exists': {
        const t = targetOf(n.field, n.start);
        return { kind: 'exists', field: t.kind === 'host' ? fieldOf(['host']) : t.kind === 'time' ? fieldOf(['time']) : t.kind === 'any' ? ANY : t.field };
      }
      case 'match': return this.match(targetOf(n.field, n.start), n.value, n.start);
    }
  }

  private match(t: Target, v: Value, at: number): Expr {
    if (t.kind === 'any') {
      // `*` alone: every record.
      if (v.type === 'term' && v.parts.length === 1 && 'wild' in v.parts[0]! && v.parts[0].wild === '*') return this.expr({ kind: 'all' });
      if (v.type === 'range' || v.type === 'compare') this.fail('a range needs a field (field:[a TO b])', at);
      return or([
        this.match({ kind: 'text', field: fieldOf(['message']) }, v, at),
        this.match({ kind: 'text', field: fieldOf(['full_message']) }, v, at),
        this.match({ kind: 'plain', field: ANY }, v, at),
      ]);
    }
    switch (v.type) {
      case 'term': return this.term(t, v.parts, v.fuzzy, at);
      case 'phrase': return this.phrase(t, v.text, v.slop, at);
      case 'regex': return this.regex(t, v.source, v.start);
      case 'range': {
        const lo = v.lower === undefined ? [] : [this.bound(t, v.lowerIncluded ? '>=' : '>', v.lower, at)];
        const hi = v.upper === undefined ? [] : [this.bound(t, v.upperIncluded ? '<=' : '<', v.upper, at)];
        const both = [...lo, ...hi];
        return both.length ? and(both) : this.exists(t);
      }
      case 'compare': return this.bound(t, v.op, v.value, at);
    }
  }

  private exists(t: Exclude<Target, { kind: 'any' }>): Expr {
    return { kind: 'exists', field: t.kind === 'host' ? fieldOf(['host']) : t.kind === 'time' ? fieldOf(['time']) : t.field };
  }

  private left(t: Exclude<Target, { kind: 'any' }>, at: number): FieldOperand {
    return t.kind === 'host' ? fieldOf(['host'], at) : t.kind === 'time' ? fieldOf(['time'], at) : t.field;
  }

  private bound(t: Target, op: '<' | '<=' | '>' | '>=', text: string, at: number): Expr {
    if (t.kind === 'any') this.fail('a range needs a field (field:[a TO b])', at);
    return compare(op, this.left(t, at), scalar(text, at, t.kind === 'time' || t.kind === 'host'), at);
  }

  private term(t: Exclude<Target, { kind: 'any' }>, parts: readonly TermPart[], fuzzy: number | undefined, at: number): Expr {
    const wild = parts.some((p) => 'wild' in p);
    const text = parts.map((p) => ('lit' in p ? p.lit : p.wild)).join('');
    // A lone `*`: the field has a value.
    if (parts.length === 1 && 'wild' in parts[0]! && parts[0].wild === '*') return this.exists(t);
    if (fuzzy !== undefined) {
      const field = this.left(t, at);
      return { kind: 'fuzzy', field, text, distance: fuzzy, words: t.kind === 'text' };
    }
    switch (t.kind) {
      case 'text': {
        if (!wild) return this.phrase(t, text, undefined, at);
        return compare('~', t.field, regex(`(?:^|${NOT_W})${globSource(parts, true)}(?:${NOT_W}|$)`, 'iu', at), at);
      }
      case 'host': return compare('~', fieldOf(['host'], at), regex(`^${globSource(parts, false)}$`, 'i', at), at);
      case 'time':
        if (wild) this.fail('wildcards do not apply to timestamp; use a range: timestamp:[a TO b]', at);
        return compare('==', fieldOf(['time'], at), scalar(text, at, true), at);
      case 'plain':
        if (wild) return compare('~', t.field, regex(`^${globSource(parts, false)}$`, '', at), at);
        return compare('==', t.field, { kind: 'string', value: text, span: span(at) }, at);
    }
  }

  private phrase(t: Exclude<Target, { kind: 'any' }>, text: string, slop: number | undefined, at: number): Expr {
    switch (t.kind) {
      case 'text': {
        const words = wordsIn(text);
        // Nothing a word search can find: Graylog matches no record.
        if (words.length === 0) return { kind: 'lone', operand: { kind: 'literal', value: false, span: span(at) } };
        return compare('~', t.field, regex(phraseSource(words, slop ?? 0), 'iu', at), at);
      }
      case 'host': return compare('~', fieldOf(['host'], at), regex(`^${escapeRegex(text)}$`, 'i', at), at);
      case 'time': return compare('==', fieldOf(['time'], at), scalar(text, at, true), at);
      case 'plain': return compare('==', t.field, { kind: 'string', value: text, span: span(at) }, at);
    }
  }

  private regex(t: Exclude<Target, { kind: 'any' }>, source: string, at: number): Expr {
    if (t.kind === 'time') this.fail('a regex does not apply to timestamp; use a range: timestamp:[a TO b]', at);
    const inWord = t.kind === 'text';
    const body = luceneRegex(source, inWord, at, this.query);
    const full = inWord ? `(?:^|${NOT_W})(?:${body})(?:${NOT_W}|$)` : `^(?:${body})$`;
    const flags = inWord ? 'iu' : t.kind === 'host' ? 'i' : '';
    try {
      new RegExp(full, flags);
    } catch (e) {
      this.fail(`invalid regex: ${(e as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /, '')}`, at);
    }
    return compare('~', this.left(t, at), regex(full, flags, at), at);
  }
}

/** A Graylog search query as the `-q` expression that finds the same records. */
export function graylogExpr(query: string): Expr {
  return new Translator(query).expr(parseGraylog(query));
}
