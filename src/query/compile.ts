import { createRequire } from 'node:module';
import type { JSONPath as JSONPathType } from 'jsonpath-plus';
import { QuerySyntaxError } from '../errors.js';
import { levelOf } from '../record/levels.js';
import type { LogRecord } from '../record/record.js';
import { parseUserTime, timeOf } from '../record/time.js';
import type { CompareOp, Expr, Operand, Span } from './ast.js';
import { withinEdits, wordsOf } from './fuzzy.js';
import { compileUserRegex, regexError, type TextMatcher } from './regex.js';

export type Predicate = (rec: LogRecord) => boolean;
type Getter = (rec: LogRecord) => readonly unknown[];

export interface CompileOptions {
  /** The expression text, for errors with a caret. */
  readonly source: string;
  readonly now: number;
  readonly local: boolean;
}

const NONE: readonly unknown[] = [];

function fail(opts: CompileOptions, reason: string, span: Span): never {
  throw new QuerySyntaxError(reason, opts.source, span.start);
}

let jsonPathModule: typeof JSONPathType | undefined;

/** jsonpath-plus, loaded the first time an expression uses a JSONPath. */
function loadJsonPath(): typeof JSONPathType {
  jsonPathModule ??= (createRequire(import.meta.url)('jsonpath-plus') as { JSONPath: typeof JSONPathType }).JSONPath;
  return jsonPathModule;
}

type SafeScriptClass = new (code: string) => { ast: unknown };

/** Whether a jsep syntax tree holds a node of this type (an assignment would change the record). */
function hasNode(ast: unknown, type: string): boolean {
  if (ast === null || typeof ast !== 'object') return false;
  if ((ast as { type?: unknown }).type === type) return true;
  return Object.values(ast).some((v) => hasNode(v, type));
}

/**
 * The scripts of a JSONPath (`[?(@.a > 1)]`, `[(@.length-1)]`) compiled as jsonpath-plus's safe
 * mode compiles them, so a bad script is an error before any input is read rather than a filter
 * that silently matches nothing. Throws the reason.
 */
function checkJsonPathScripts(JSONPath: typeof JSONPathType, path: string): void {
  const Script = (JSONPath.prototype as unknown as { safeVm: { Script: SafeScriptClass } }).safeVm.Script;
  for (const part of JSONPath.toPathArray(path)) {
    const code = part.startsWith('?(') && part.endsWith(')') ? part.slice(2, -1)
      : part.startsWith('(') && part.endsWith(')') ? part.slice(1, -1) : undefined;
    if (code === undefined) continue;
    // The names jsonpath-plus gives @, @parent, @root… before it compiles a script.
    const script = code.replace(/@(parentProperty|parent|property|root|path)/g, '_$$_$1').replace(/@([.\s)[]|$)/g, '_$$_v$1');
    let ast: unknown;
    try {
      ({ ast } = new Script(script));
    } catch (e) {
      // jsep counts characters in the rewritten script: the position would mislead.
      throw new Error(`script '${code}': ${(e as Error).message.replace(/ at character \d+$/, '')}`);
    }
    if (hasNode(ast, 'AssignmentExpression')) throw new Error(`script '${code}': assignments are not allowed`);
  }
}

/** Evaluates a JSONPath on the raw object with script evaluation in jsonpath-plus's safe mode. */
function jsonPathGetter(path: string, opts: CompileOptions, span: Span): Getter {
  const JSONPath = loadJsonPath();
  try {
    JSONPath.toPathArray(path);
    checkJsonPathScripts(JSONPath, path);
    JSONPath({ path, json: {}, wrap: true, eval: 'safe' });
  } catch (e) {
    fail(opts, `invalid JSONPath: ${(e as Error).message}`, span);
  }
  return (rec) => {
    try {
      const out: unknown = JSONPath({ path, json: rec.obj, wrap: true, eval: 'safe', ignoreEvalErrors: true });
      return Array.isArray(out) ? out : NONE;
    } catch {
      return NONE;
    }
  };
}

const isNumericString = (s: string): boolean => s.trim() !== '' && Number.isFinite(Number(s));

/** Typed equality: a string that looks like a number equals that number (`"404" == 404`). */
export function looseEqual(a: unknown, b: unknown): boolean {
  if (a === b) return a !== undefined;
  if (typeof a === 'number' && typeof b === 'string') return isNumericString(b) && Number(b) === a;
  if (typeof a === 'string' && typeof b === 'number') return isNumericString(a) && Number(a) === b;
  return false;
}

/** Ordering: numbers numerically (numeric strings too), strings by code unit, anything else never. */
function order(a: unknown, b: unknown): number | undefined {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') {
    if (isNumericString(a) && isNumericString(b) && !/^\d{4}-/.test(a)) return Number(a) - Number(b);
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof a === 'number' && typeof b === 'string') return isNumericString(b) ? a - Number(b) : undefined;
  if (typeof a === 'string' && typeof b === 'number') return isNumericString(a) ? Number(a) - b : undefined;
  return undefined;
}

const asText = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;

export type Test = (a: unknown, b: unknown) => boolean;

export function testFor(op: Exclude<CompareOp, '!=' | '!~' | 'in'>): Test {
  switch (op) {
    case '==': return looseEqual;
    case '<': return (a, b) => (order(a, b) ?? NaN) < 0;
    case '<=': return (a, b) => (order(a, b) ?? NaN) <= 0;
    case '>': return (a, b) => (order(a, b) ?? NaN) > 0;
    case '>=': return (a, b) => (order(a, b) ?? NaN) >= 0;
    case '~': return (a, b) => {
      const s = asText(a);
      return s !== undefined && (b as TextMatcher).test(s);
    };
    case 'contains': return (a, b) => {
      if (Array.isArray(a)) return a.some((x) => looseEqual(x, b));
      const s = asText(a), t = asText(b);
      return s !== undefined && t !== undefined && s.includes(t);
    };
    case 'startswith': return (a, b) => {
      const s = asText(a), t = asText(b);
      return s !== undefined && t !== undefined && s.startsWith(t);
    };
    case 'endswith': return (a, b) => {
      const s = asText(a), t = asText(b);
      return s !== undefined && t !== undefined && s.endsWith(t);
    };
  }
}

const MIRROR: { [op: string]: CompareOp } = { '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

const isField = (o: Operand, name: string): boolean => o.kind === 'field' && o.path.length === 1 && o.path[0] === name;

class Compiler {
  constructor(private readonly opts: CompileOptions) {}

  /** A user's pattern, run in linear time (see regex.ts); an invalid or unsafe one fails at its column. */
  private regex(source: string, flags: string, span: Span): TextMatcher {
    try {
      return compileUserRegex(source, flags);
    } catch (e) {
      fail(this.opts, regexError(e), span);
    }
  }

  compile(e: Expr): Predicate {
    switch (e.kind) {
      case 'and': {
        const items = e.items.map((x) => this.compile(x));
        return (r) => items.every((p) => p(r));
      }
      case 'or': {
        const items = e.items.map((x) => this.compile(x));
        return (r) => items.some((p) => p(r));
      }
      case 'not': {
        const p = this.compile(e.item);
        return (r) => !p(r);
      }
      case 'exists': {
        const get = this.getter(e.field);
        return (r) => get(r).some((v) => v !== undefined);
      }
      case 'fuzzy': {
        const get = this.getter(e.field);
        const want = e.text.toLowerCase();
        const near = (v: unknown): boolean => {
          const text = asText(v);
          if (text === undefined) return false;
          return e.words ? wordsOf(text).some((w) => withinEdits(w, want, e.distance)) : withinEdits(text.toLowerCase(), want, e.distance);
        };
        return (r) => get(r).some(near);
      }
      case 'lone': return this.lone(e.operand);
      case 'compare': return this.compare(e.op, e.left, e.right);
    }
  }

  private lone(o: Operand): Predicate {
    switch (o.kind) {
      case 'string':
      case 'number': {
        const needle = String(o.kind === 'string' ? o.value : o.value);
        return (r) => {
          const m = asText(r.message);
          return m !== undefined && m.includes(needle);
        };
      }
      case 'regex': {
        const re = this.regex(o.source, o.flags, o.span);
        return (r) => {
          const m = asText(r.message);
          return m !== undefined && re.test(m);
        };
      }
      case 'literal': {
        const v = o.value === true;
        return () => v;
      }
      case 'field':
      case 'jsonpath': {
        const get = this.getter(o);
        return (r) => get(r).some((v) => v !== undefined && v !== null && v !== false && v !== '');
      }
      case 'list': fail(this.opts, "a list goes only after 'in'", o.span);
    }
  }

  private getter(o: Operand): Getter {
    switch (o.kind) {
      case 'field': {
        const path = o.path;
        return (r) => {
          const v = r.field(path);
          return v === undefined ? NONE : [v];
        };
      }
      case 'jsonpath': return jsonPathGetter(o.path, this.opts, o.span);
      case 'regex': {
        const re = this.regex(o.source, o.flags, o.span);
        return () => [re];
      }
      case 'list': {
        const items = o.items.map((i) => this.getter(i));
        return (r) => items.flatMap((g) => g(r));
      }
      case 'string':
      case 'number':
      case 'literal': {
        const v = [o.value];
        return () => v;
      }
    }
  }

  /** A constant on the level or time scale, or a field getter when the operand is not constant. */
  private scaled(o: Operand, scale: 'level' | 'time'): Getter {
    if (o.kind === 'list') {
      const items = o.items.map((i) => this.scaled(i, scale));
      return (r) => items.flatMap((g) => g(r));
    }
    // A bare name beside `level` is a level name (`level <= warn`), never a field.
    const text = o.kind === 'string' ? o.value : o.kind === 'number' ? o.value
      : o.kind === 'field' && o.path.length === 1 && scale === 'level' ? o.path[0]! : undefined;
    if (text === undefined) {
      const get = this.getter(o);
      const conv = scale === 'level' ? levelOf : timeOf;
      return (r) => get(r).map(conv).filter((v) => v !== undefined);
    }
    let value: number | undefined;
    if (scale === 'level') {
      value = levelOf(text);
      if (value === undefined) fail(this.opts, `unknown level '${text}' (emerg alert crit err warn notice info debug trace, or 0-8)`, o.span);
    } else {
      value = typeof text === 'number' ? timeOf(text) : parseUserTime(text, this.opts.now, this.opts.local);
      if (value === undefined) fail(this.opts, `invalid time '${text}'`, o.span);
    }
    const v = [value];
    return () => v;
  }

  private compare(op: CompareOp, left: Operand, right: Operand): Predicate {
    if (op === '!=') {
      const p = this.compare('==', left, right);
      return (r) => !p(r);
    }
    if (op === '!~') {
      const p = this.compare('~', left, right);
      return (r) => !p(r);
    }
    // Put the canonical level/time field on the left: `warn >= level` is `level <= warn`.
    for (const scale of ['level', 'time'] as const) {
      if (!isField(left, scale) && isField(right, scale) && op !== 'in' && op !== 'contains' && op !== '~') {
        return this.compare(MIRROR[op] ?? op, right, left);
      }
    }
    const getA = this.getter(left);
    let getB: Getter;
    const scale = isField(left, 'level') ? 'level' : isField(left, 'time') ? 'time' : undefined;
    const ordered = op === '==' || op === '<' || op === '<=' || op === '>' || op === '>=' || op === 'in';
    if (scale && ordered) {
      getB = this.scaled(right, scale);
    } else if (op === '~' && (right.kind === 'string')) {
      const re = this.regex(right.value, '', right.span);
      getB = () => [re];
    } else {
      getB = this.getter(right);
    }
    if (op === 'in') {
      if (right.kind !== 'list') fail(this.opts, "'in' needs a list", right.span);
      return (r) => {
        const bs = getB(r);
        return getA(r).some((a) => bs.some((b) => looseEqual(a, b)));
      };
    }
    if (op === '~' && right.kind !== 'regex' && right.kind !== 'string') {
      // A field on the right of ~: its text is the pattern.
      const raw = getB;
      getB = (r) => raw(r).flatMap((v) => {
        try { return typeof v === 'string' ? [compileUserRegex(v, '')] : []; } catch { return []; }
      });
    }
    const test = testFor(op);
    const constant = right.kind === 'string' || right.kind === 'number' || right.kind === 'regex' || right.kind === 'literal';
    if (left.kind === 'field' && constant) {
      // The common case, `field op constant`, without per-record arrays.
      const b = getB(undefined as never)[0];
      const path = left.path;
      return (r) => {
        const a = r.field(path);
        return a !== undefined && test(a, b);
      };
    }
    return (r) => {
      const as = getA(r);
      if (as.length === 0) return false;
      const bs = getB(r);
      return as.some((a) => bs.some((b) => test(a, b)));
    };
  }
}

export function compileExpr(e: Expr, opts: CompileOptions): Predicate {
  return new Compiler(opts).compile(e);
}
