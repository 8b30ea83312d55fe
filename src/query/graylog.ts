import { QuerySyntaxError } from '../errors.js';

/**
 * Graylog's search-bar language (Lucene `query_string`), parsed into a small tree of its own;
 * graylog-expr.ts gives it Graylog's field semantics as a `-q` expression.
 *
 *     query   := or?
 *     or      := and (("OR" | "||")? and)*        # side by side: OR, Graylog's default
 *     and     := clause (("AND" | "&&") clause)*
 *     clause  := ("NOT" | "!" | "+" | "-")? primary ("^" number)?
 *     primary := "(" or ")" | field ":" value | value
 *     value   := "(" or ")"  (every term in it on that field)
 *              | "[" | "{" bound "TO" bound "]" | "}"  |  (">=" | ">" | "<=" | "<") term
 *              | '"' phrase '"' ("~" number)?  |  "/" regex "/"  |  term ("~" number?)?
 *
 * AND binds tighter than OR. A `+` clause must match, a `-` or NOT clause must not, and among
 * side-by-side clauses the others are optional once a `+` clause is there (Lucene's rules).
 */

/** A piece of a term: literal text, or a wildcard (`*` any run, `?` one character). */
export type TermPart = { readonly lit: string } | { readonly wild: '*' | '?' };

export type Value =
  | { readonly type: 'term'; readonly parts: readonly TermPart[]; readonly fuzzy?: number }
  | { readonly type: 'phrase'; readonly text: string; readonly slop?: number }
  | { readonly type: 'regex'; readonly source: string; readonly start: number }
  | { readonly type: 'range'; readonly lower?: string; readonly upper?: string; readonly lowerIncluded: boolean; readonly upperIncluded: boolean }
  | { readonly type: 'compare'; readonly op: '>' | '>=' | '<' | '<='; readonly value: string };

export type GNode =
  | { readonly kind: 'all' }
  | { readonly kind: 'and'; readonly items: readonly GNode[] }
  | { readonly kind: 'or'; readonly items: readonly GNode[] }
  | { readonly kind: 'not'; readonly item: GNode }
  | { readonly kind: 'exists'; readonly field: string; readonly start: number }
  /** A value on a field, or on every field when `field` is undefined. */
  | { readonly kind: 'match'; readonly field: string | undefined; readonly value: Value; readonly start: number };

/** A query longer than a runbook ever holds is refused rather than parsed. */
export const MAX_QUERY = 10_000;
/** Lucene's own limit on the clauses of one query. */
export const MAX_CLAUSES = 1024;
const MAX_DEPTH = 100;

type Occur = 'must' | 'not' | 'should';

/** Characters that end a bare term (unless escaped). */
const TERM_END = new Set([' ', '\t', '\n', '\r', '\f', '(', ')', '[', ']', '{', '}', '"', '^', '~', ':']);

class GraylogParser {
  private pos = 0;
  private depth = 0;
  private clauses = 0;

  constructor(private readonly src: string) {}

  private fail(reason: string, at = this.pos): never {
    throw new QuerySyntaxError(reason, this.src, Math.min(at, this.src.length));
  }

  private skipSpace(): void {
    while (this.pos < this.src.length && /\s/.test(this.src[this.pos]!)) this.pos++;
  }

  private peekChar(): string | undefined {
    this.skipSpace();
    return this.src[this.pos];
  }

  /** Whether the keyword `word` (upper case, as Lucene wants) stands here as a whole word. */
  private atKeyword(word: string): boolean {
    this.skipSpace();
    if (!this.src.startsWith(word, this.pos)) return false;
    const after = this.src[this.pos + word.length];
    return after === undefined || /[\s()]/.test(after);
  }

  private atOr(): boolean {
    return this.atKeyword('OR') || this.src.startsWith('||', this.pos);
  }

  private atAnd(): boolean {
    return this.atKeyword('AND') || this.src.startsWith('&&', this.pos);
  }

  parse(): GNode {
    if (this.src.length > MAX_QUERY) this.fail(`query longer than ${MAX_QUERY} characters`, MAX_QUERY);
    if (this.peekChar() === undefined) return { kind: 'all' };
    const node = this.parseOr();
    if (this.peekChar() === ')') this.fail("unexpected ')'");
    if (this.pos < this.src.length) this.fail(`unexpected '${this.src[this.pos]}'`);
    return node;
  }

  private parseOr(field?: string): GNode {
    const items: [Occur, GNode][] = [];
    items.push(...this.parseAnd(field));
    for (;;) {
      const c = this.peekChar();
      if (c === undefined || c === ')') break;
      if (this.atOr()) {
        this.pos += 2;
        if (this.peekChar() === undefined || this.peekChar() === ')') this.fail('expected a term after OR');
      }
      items.push(...this.parseAnd(field));
    }
    return combine(items);
  }

  /** An AND chain is one side-by-side clause: its own occurrence is that of a lone clause. */
  private parseAnd(field?: string): [Occur, GNode][] {
    const first = this.parseClause(field);
    if (!this.atAnd()) return [first];
    const all: [Occur, GNode][] = [first];
    while (this.atAnd()) {
      this.pos += this.src[this.pos] === '&' ? 2 : 3;
      const c = this.peekChar();
      if (c === undefined || c === ')' || this.atAnd() || this.atOr()) this.fail('expected a term after AND');
      all.push(this.parseClause(field));
    }
    const items = all.map(([occur, node]) => (occur === 'not' ? { kind: 'not' as const, item: node } : node));
    return [['should', { kind: 'and', items }]];
  }

  private parseClause(field?: string): [Occur, GNode] {
    if (++this.clauses > MAX_CLAUSES) this.fail(`too many clauses (Lucene allows ${MAX_CLAUSES})`);
    let occur: Occur = 'should';
    const c = this.peekChar();
    if (this.atKeyword('NOT')) {
      this.pos += 3;
      occur = 'not';
    } else if (c === '!' && this.src[this.pos + 1] !== '=') {
      this.pos++;
      occur = 'not';
    } else if (c === '+' || c === '-') {
      this.pos++;
      occur = c === '+' ? 'must' : 'not';
      if (/\s/.test(this.src[this.pos] ?? ' ')) this.fail(`expected a term right after '${c}'`);
    }
    const at = this.peekChar();
    if (at === undefined) this.fail('expected a term');
    if (this.atAnd() || this.atOr()) this.fail(`expected a term, found '${this.src.slice(this.pos, this.pos + 2).trim()}'`);
    const node = this.parsePrimary(field);
    this.skipBoost();
    return [occur, node];
  }

  /** `^N` changes the score, not which records match: accepted and dropped. */
  private skipBoost(): void {
    if (this.src[this.pos] !== '^') return;
    this.pos++;
    const m = /^\d+(?:\.\d+)?/.exec(this.src.slice(this.pos, this.pos + 32));
    if (!m) this.fail("expected a number after '^'");
    this.pos += m[0].length;
  }

  private group(field: string | undefined): GNode {
    const open = this.pos;
    if (++this.depth > MAX_DEPTH) this.fail('query nested too deeply', open);
    this.pos++;
    if (this.peekChar() === ')') this.fail('empty group');
    const node = this.parseOr(field);
    if (this.peekChar() !== ')') this.fail("expected ')'");
    this.pos++;
    this.depth--;
    return node;
  }

  private parsePrimary(field?: string): GNode {
    const start = this.pos;
    if (this.src[this.pos] === '(') return this.group(field);
    if (field === undefined && this.src.startsWith('*:*', this.pos)) {
      this.pos += 3;
      return { kind: 'all' };
    }
    // A field name is a term followed directly by ':'.
    if (field === undefined) {
      const name = this.fieldName();
      if (name !== undefined) {
        const valueAt = this.pos;
        if (valueAt >= this.src.length || /\s/.test(this.src[valueAt]!)) this.fail(`expected a value after '${name.text}:'`);
        if (name.text === '_exists_') return { kind: 'exists', field: this.existsField(), start: valueAt };
        if (this.src[this.pos] === '(') return this.group(name.text);
        return { kind: 'match', field: name.text, value: this.parseValue(), start: valueAt };
      }
    }
    return { kind: 'match', field, value: this.parseValue(), start };
  }

  /** `name:` here (the position moves past the colon), else nothing moves. */
  private fieldName(): { text: string } | undefined {
    const save = this.pos;
    let text = '';
    while (this.pos < this.src.length) {
      const c = this.src[this.pos]!;
      if (c === '\\' && this.pos + 1 < this.src.length) {
        text += this.src[this.pos + 1];
        this.pos += 2;
        continue;
      }
      if (TERM_END.has(c) || c === '*' || c === '?' || c === '/') break;
      text += c;
      this.pos++;
    }
    if (text !== '' && this.src[this.pos] === ':') {
      this.pos++;
      return { text };
    }
    this.pos = save;
    return undefined;
  }

  private existsField(): string {
    const v = this.parseValue();
    if (v.type !== 'term' || v.fuzzy !== undefined || v.parts.some((p) => 'wild' in p)) this.fail('_exists_ needs a field name');
    return v.parts.map((p) => ('lit' in p ? p.lit : '')).join('');
  }

  private parseValue(): Value {
    const c = this.src[this.pos];
    if (c === undefined) this.fail('expected a value');
    if (c === '"') return this.phrase();
    if (c === '/') return this.regex();
    if (c === '[' || c === '{') return this.range();
    if (c === '>' || c === '<') {
      const op = this.src[this.pos + 1] === '=' ? `${c}=` : c;
      this.pos += op.length;
      const at = this.pos;
      const v = this.src[this.pos] === '"' ? this.phrase() : this.term();
      const text = v.type === 'phrase' ? v.text : v.type === 'term' ? literal(v.parts) : undefined;
      if (text === undefined || text === '') this.fail(`expected a value after '${op}'`, at);
      return { type: 'compare', op: op as '>' | '>=' | '<' | '<=', value: text };
    }
    return this.term();
  }

  private term(): Value {
    const start = this.pos;
    const parts: TermPart[] = [];
    let lit = '';
    while (this.pos < this.src.length) {
      const c = this.src[this.pos]!;
      if (c === '\\') {
        if (this.pos + 1 >= this.src.length) this.fail('nothing to escape after \\');
        lit += this.src[this.pos + 1];
        this.pos += 2;
        continue;
      }
      if (TERM_END.has(c)) break;
      if (c === '*' || c === '?') {
        if (lit) parts.push({ lit });
        lit = '';
        parts.push({ wild: c });
      } else {
        lit += c;
      }
      this.pos++;
    }
    if (lit) parts.push({ lit });
    if (parts.length === 0) this.fail(this.pos < this.src.length ? `unexpected '${this.src[this.pos]}'` : 'expected a term', start);
    let fuzzy: number | undefined;
    if (this.src[this.pos] === '~') {
      this.pos++;
      const m = /^\d+(?:\.\d+)?/.exec(this.src.slice(this.pos, this.pos + 32));
      fuzzy = 2;
      if (m) {
        // Lucene's old similarity form (0.8) means one edit here, as it does in Lucene 4 and later.
        const n = Number(m[0]);
        fuzzy = n >= 1 ? Math.min(2, Math.floor(n)) : n > 0 ? 1 : 0;
        this.pos += m[0].length;
      }
      if (parts.some((p) => 'wild' in p)) this.fail('a wildcard term cannot be fuzzy', start);
    }
    return fuzzy === undefined ? { type: 'term', parts } : { type: 'term', parts, fuzzy };
  }

  /**
   * The text up to the closing `close` (the position moves past it), escapes resolved or, with
   * `keepEscapes`, kept as written (a regex's own escapes).
   */
  private delimited(close: string, unterminated: string, keepEscapes: boolean): string {
    const start = this.pos;
    this.pos++;
    let text = '';
    for (;;) {
      const c = this.src[this.pos];
      if (c === undefined) this.fail(unterminated, start);
      if (c === '\\' && this.pos + 1 < this.src.length) {
        text += (keepEscapes ? c : '') + this.src[this.pos + 1];
        this.pos += 2;
        continue;
      }
      this.pos++;
      if (c === close) return text;
      text += c;
    }
  }

  private phrase(): Value {
    const text = this.delimited('"', 'unterminated phrase: expected \'"\'', false);
    if (this.src[this.pos] === '~') {
      this.pos++;
      const m = /^\d+/.exec(this.src.slice(this.pos, this.pos + 16));
      if (!m) this.fail("expected a number of positions after '~'");
      this.pos += m[0].length;
      return { type: 'phrase', text, slop: Number(m[0]) };
    }
    return { type: 'phrase', text };
  }

  private regex(): Value {
    const start = this.pos;
    const source = this.delimited('/', "unterminated regex: expected '/'", true);
    return { type: 'regex', source, start: start + 1 };
  }

  private range(): Value {
    const start = this.pos;
    const lowerIncluded = this.src[this.pos] === '[';
    this.pos++;
    const lower = this.bound();
    if (!this.atKeyword('TO')) this.fail("expected 'TO' in a range");
    this.pos += 2;
    const upper = this.bound();
    this.skipSpace();
    const close = this.src[this.pos];
    if (close !== ']' && close !== '}') this.fail(close === undefined ? "unterminated range: expected ']' or '}'" : "expected ']' or '}'", close === undefined ? start : this.pos);
    this.pos++;
    return { type: 'range', lower, upper, lowerIncluded, upperIncluded: close === ']' };
  }

  /** One end of a range: a term or a quoted text; `*` is an open end. */
  private bound(): string | undefined {
    this.skipSpace();
    const at = this.pos;
    if (this.src[this.pos] === '"') {
      const v = this.phrase();
      return v.type === 'phrase' ? v.text : undefined;
    }
    let text = '';
    while (this.pos < this.src.length && !/[\s\]}]/.test(this.src[this.pos]!)) {
      if (this.src[this.pos] === '\\' && this.pos + 1 < this.src.length) this.pos++;
      text += this.src[this.pos++];
    }
    if (text === '') this.fail('expected a range bound', at);
    return text === '*' ? undefined : text;
  }
}

function literal(parts: readonly TermPart[]): string | undefined {
  return parts.every((p) => 'lit' in p) ? parts.map((p) => (p as { lit: string }).lit).join('') : undefined;
}

/** Side-by-side clauses with Lucene's occurrences: must, must not, and optional should. */
function combine(items: readonly [Occur, GNode][]): GNode {
  if (items.length === 1 && items[0]![0] === 'should') return items[0]![1];
  const must = items.filter(([o]) => o === 'must').map(([, n]) => n);
  const should = items.filter(([o]) => o === 'should').map(([, n]) => n);
  const not = items.filter(([o]) => o === 'not').map(([, n]) => n);
  const parts: GNode[] = [...must];
  if (must.length === 0 && should.length) parts.push(should.length === 1 ? should[0]! : { kind: 'or', items: should });
  if (not.length) parts.push({ kind: 'not', item: not.length === 1 ? not[0]! : { kind: 'or', items: not } });
  return parts.length === 1 ? parts[0]! : { kind: 'and', items: parts };
}

/** Parses a Graylog search query; a syntax error is a QuerySyntaxError at its column. */
export function parseGraylog(src: string): GNode {
  return new GraylogParser(src).parse();
}
