import { QuerySyntaxError } from '../errors.js';
import { and, or, type CompareOp, type Expr, type FieldOperand, type Operand, type Span } from './ast.js';
import { tokenize, type Token } from './lexer.js';
import { compileUserRegex, regexError } from './regex.js';

/**
 *     expr    := or
 *     or      := and (("or" | "||") and)*
 *     and     := unary (("and" | "&&") unary)*
 *     unary   := ("not" | "!") unary | "(" expr ")" | test
 *     test    := operand (op operand)? | "exists" "(" field ")"
 *              | ("fuzzy" | "fuzzyword") "(" field "," string "," number ")"
 */
const MAX_FUZZY = 2;
const MAX_DEPTH = 500;

class Parser {
  private pos = 0;
  private depth = 0;
  constructor(private readonly src: string, private readonly tokens: Token[]) {}

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.pos++;
    return t;
  }

  private fail(reason: string, at: Token | number): never {
    throw new QuerySyntaxError(reason, this.src, typeof at === 'number' ? at : at.start);
  }

  private describe(t: Token): string {
    return t.kind === 'eof' ? 'end of expression' : `'${this.src.slice(t.start, t.end)}'`;
  }

  private expect(kind: Token['kind'], what: string): Token {
    const t = this.peek();
    if (t.kind !== kind) this.fail(`expected ${what}`, t);
    return this.next();
  }

  parse(): Expr {
    if (this.peek().kind === 'eof') this.fail('empty expression', 0);
    const e = this.parseOr();
    const t = this.peek();
    if (t.kind !== 'eof') this.fail(t.kind === ')' ? "unexpected ')'" : `expected 'and', 'or' or end of expression, found ${this.describe(t)}`, t);
    return e;
  }

  private parseOr(): Expr {
    const items = [this.parseAnd()];
    while (this.peek().kind === 'or') {
      this.next();
      items.push(this.parseAnd());
    }
    return or(items);
  }

  private parseAnd(): Expr {
    const items = [this.parseUnary()];
    while (this.peek().kind === 'and') {
      this.next();
      items.push(this.parseUnary());
    }
    return and(items);
  }

  private parseUnary(): Expr {
    const t = this.peek();
    // Hostile text must not exhaust the stack: a human never nests this deep.
    if (++this.depth > MAX_DEPTH) this.fail('expression nested too deeply', t);
    try {
      return this.parseUnaryAt(t);
    } finally {
      this.depth--;
    }
  }

  private parseUnaryAt(t: Token): Expr {
    if (t.kind === 'not') {
      this.next();
      return { kind: 'not', item: this.parseUnary() };
    }
    if (t.kind === '(') {
      this.next();
      const e = this.parseOr();
      this.expect(')', "')'");
      return e;
    }
    if (t.kind === 'name' && t.text.toLowerCase() === 'exists' && this.peek(1).kind === '(') {
      this.next();
      this.next();
      const f = this.parseFieldOperand();
      this.expect(')', "')'");
      return { kind: 'exists', field: f };
    }
    const fn = t.kind === 'name' ? t.text.toLowerCase() : '';
    if ((fn === 'fuzzy' || fn === 'fuzzyword') && this.peek(1).kind === '(') return this.parseFuzzy(fn === 'fuzzyword');
    return this.parseTest();
  }

  /** `fuzzy(field, "text", N)`: N is 0, 1 or 2, as Lucene allows. */
  private parseFuzzy(words: boolean): Expr {
    this.next();
    this.next();
    const field = this.parseFieldOperand();
    this.expect(',', "','");
    const text = this.expect('string', 'a quoted text');
    this.expect(',', "','");
    const n = this.peek();
    if (n.kind !== 'number' || !Number.isInteger(n.number) || n.number! < 0 || n.number! > MAX_FUZZY) this.fail(`expected an edit distance 0 to ${MAX_FUZZY}`, n);
    this.next();
    this.expect(')', "')'");
    return { kind: 'fuzzy', field, text: text.text, distance: n.number!, words };
  }

  private parseTest(): Expr {
    const left = this.parseOperand();
    const opTok = this.peek();
    if (opTok.kind !== 'op') {
      if (left.kind === 'list') this.fail('a list goes only after \'in\'', left.span.start);
      return { kind: 'lone', operand: left };
    }
    this.next();
    const op = opTok.text as CompareOp;
    let right: Operand;
    if (op === 'in') {
      if (this.peek().kind !== '(') this.fail("'in' needs a list", this.peek());
      right = this.parseList();
    } else {
      right = this.parseOperand();
      if (right.kind === 'list') this.fail(`a list goes only after 'in'`, right.span.start);
    }
    if ((op === '~' || op === '!~') && right.kind !== 'regex' && right.kind !== 'string' && right.kind !== 'field' && right.kind !== 'jsonpath') {
      this.fail(`'${op}' needs a regex or a string`, right.span.start);
    }
    if (left.kind === 'regex' && op !== '~' && op !== '!~') this.fail('a regex goes only after ~ or !~', left.span.start);
    const span: Span = { start: left.span.start, end: right.span.end };
    return { kind: 'compare', op, left, right, span };
  }

  private parseList(): Operand {
    const open = this.next();
    const items: Operand[] = [this.parseOperand()];
    while (this.peek().kind === ',') {
      this.next();
      items.push(this.parseOperand());
    }
    const close = this.expect(')', "')' or ','");
    return { kind: 'list', items, span: { start: open.start, end: close.end } };
  }

  private parseFieldOperand(): FieldOperand {
    const t = this.peek();
    if (t.kind === 'jsonpath' || t.kind === 'name' || t.kind === '[') {
      const o = this.parseOperand();
      if (o.kind === 'field' || o.kind === 'jsonpath') return o;
    }
    this.fail('expected a field name', t);
  }

  private parseOperand(): Operand {
    const t = this.peek();
    const span = { start: t.start, end: t.end };
    switch (t.kind) {
      case 'string': this.next(); return { kind: 'string', value: t.text, span };
      case 'word': this.next(); return { kind: 'string', value: t.text, span, bare: true };
      case 'number': this.next(); return { kind: 'number', value: t.number!, span };
      case 'regex': {
        this.next();
        try {
          compileUserRegex(t.text, t.flags ?? '');
        } catch (e) {
          this.fail(regexError(e), t);
        }
        return { kind: 'regex', source: t.text, flags: t.flags ?? '', span };
      }
      case 'jsonpath': this.next(); return { kind: 'jsonpath', path: t.text, span };
      case '(': {
        // A parenthesised list is only valid after `in`; report it where the user wrote it.
        return this.parseList();
      }
      case 'name': {
        const lower = t.text.toLowerCase();
        if (lower === 'true' || lower === 'false' || lower === 'null') {
          this.next();
          return { kind: 'literal', value: lower === 'null' ? null : lower === 'true', span };
        }
        return this.parsePath();
      }
      case '[': return this.parsePath();
      case 'eof': this.fail('unexpected end of expression', t);
      // falls through: fail never returns
      default: this.fail(`expected a field or a value, found ${this.describe(t)}`, t);
    }
  }

  /** `name ("." name | "[" string "]")*`, or a bracketed first key. */
  private parsePath(): Operand {
    const first = this.peek();
    const path: string[] = [];
    let end = first.end;
    const bracket = () => {
      this.next();
      const key = this.peek();
      if (key.kind !== 'string') this.fail('expected a quoted key inside [ ]', key);
      this.next();
      end = this.expect(']', "']'").end;
      path.push(key.text);
    };
    if (first.kind === '[') bracket();
    else path.push(this.next().text);
    for (;;) {
      const t = this.peek();
      if (t.kind === '.' && t.start === end) {
        this.next();
        const seg = this.peek();
        if (seg.kind === 'name' || seg.kind === 'number') {
          this.next();
          path.push(seg.text);
          end = seg.end;
        } else {
          this.fail('expected a field name after \'.\'', seg);
        }
      } else if (t.kind === '[' && t.start === end) {
        bracket();
      } else {
        break;
      }
    }
    return { kind: 'field', path, span: { start: first.start, end } };
  }
}

export function parseExpr(src: string): Expr {
  return new Parser(src, tokenize(src)).parse();
}
