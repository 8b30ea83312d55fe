import { levelOf } from './levels.js';
import { timeOf, validTime } from './time.js';
import { CANONICAL_INDEX, isCanonical, type AliasTable, type CanonicalField } from './shapes.js';

export type JsonObject = { [key: string]: unknown };

const hasOwn = Object.prototype.hasOwnProperty;
/**
 * The characters log content must never send to a terminal as they are: controls (C0, DEL, C1),
 * format characters (bidi controls, zero-width characters, soft hyphen, BOM, tag characters) and
 * the line and paragraph separators. A regex source for the `u` flag; render/escape.ts escapes them.
 */
export const UNSAFE_CHARS = '[\\p{Cc}\\p{Cf}\\u2028\\u2029]';
const MAY_HOLD_CONTROL = new RegExp(`[\\\\]|${UNSAFE_CHARS}`, 'u');

/** An own property only: `constructor` or `__proto__` in a query never reaches Object.prototype. */
export function ownValue(obj: unknown, key: string): unknown {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
    if (Array.isArray(obj) && /^(0|[1-9]\d*)$/.test(key)) return obj[Number(key)];
    return undefined;
  }
  return hasOwn.call(obj, key) ? (obj as JsonObject)[key] : undefined;
}

/** A value at a path of own keys, or undefined. */
export function walk(obj: unknown, path: readonly string[], from = 0): unknown {
  let v = obj;
  for (let i = from; i < path.length && v !== undefined; i++) v = ownValue(v, path[i]!);
  return v;
}

/** Dotted aliases split once, not on every record that lacks the literal key. */
const aliasPaths = new Map<string, readonly string[] | undefined>();

/** An alias (`log.level`): the literal key first, then the nested path. */
function aliasValue(obj: JsonObject, alias: string): unknown {
  if (hasOwn.call(obj, alias)) return obj[alias];
  let path = aliasPaths.get(alias);
  if (path === undefined && !aliasPaths.has(alias)) {
    path = alias.includes('.') ? alias.split('.') : undefined;
    aliasPaths.set(alias, path);
  }
  return path ? walk(obj, path) : undefined;
}

const isScalar = (v: unknown): v is string | number | boolean =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/**
 * One log record: the parsed object plus canonical fields, resolved lazily on first use so
 * that a filter on `txnId` never pays for time parsing.
 */
export class LogRecord {
  readonly obj: JsonObject;
  /** Values outside the object: the outer `docker` record of an unwrapped json-file line. */
  readonly extra: JsonObject | undefined;
  readonly prefixTime: number | undefined;
  readonly aliases: AliasTable;
  /** Resolved canonical values and the keys they came from, by CANONICAL_INDEX; `resolved` is a bit set. */
  private resolved = 0;
  private readonly values: unknown[] = [undefined, undefined, undefined, undefined, undefined, undefined];
  private readonly sources: (string | null)[] = [null, null, null, null, null, null];

  /** The JSON text the object was parsed from, when it is the whole record (not docker-unwrapped). */
  private readonly text: string | undefined;
  private plainCache: boolean | undefined;

  constructor(obj: JsonObject, aliases: AliasTable, prefixTime?: number, extra?: JsonObject, text?: string) {
    this.obj = obj;
    this.text = text;
    this.aliases = aliases;
    this.prefixTime = prefixTime;
    this.extra = extra;
  }

  /**
   * True when no string in the record can hold a control character, so a renderer may skip
   * escaping: the text it was parsed from has no backslash and no unsafe character. Asked only
   * by human output, so other modes never pay for the check.
   */
  get plain(): boolean {
    this.plainCache ??= this.text !== undefined && !MAY_HOLD_CONTROL.test(this.text);
    return this.plainCache;
  }

  /** The raw key a canonical field was taken from (null when absent). */
  sourceOf(field: CanonicalField): string | null {
    this.canonical(field);
    return this.sources[CANONICAL_INDEX[field]]!;
  }

  canonical(field: CanonicalField): unknown {
    const index = CANONICAL_INDEX[field];
    const bit = 1 << index;
    if (this.resolved & bit) return this.values[index];
    let value: unknown;
    let source: string | null = null;
    const read = field === 'time' ? timeOf : field === 'level' ? levelOf : scalarOf;
    for (const alias of this.aliases[field]) {
      let v = read(aliasValue(this.obj, alias));
      // docker's `log` ends with the newline the program wrote; it is not part of the message.
      if (alias === 'log' && typeof v === 'string' && v.endsWith('\n')) v = v.replace(/\r?\n$/, '') || undefined;
      if (v !== undefined) { value = v; source = alias; break; }
    }
    if (value === undefined && field === 'time') {
      value = validTime(this.prefixTime) ?? timeOf(walk(this.extra, ['docker', 'time']));
    }
    if (value === undefined && field === 'level' && this.isClef()) value = 6;
    this.resolved |= bit;
    this.values[index] = value;
    this.sources[index] = source;
    return value;
  }

  get time(): number | undefined { return this.canonical('time') as number | undefined; }
  get level(): number | undefined { return this.canonical('level') as number | undefined; }
  get message(): string | number | boolean | undefined { return this.canonical('message') as string | undefined; }

  /** CLEF records (`@t` with `@m` or `@mt`) without `@l` are Information. */
  private isClef(): boolean {
    return hasOwn.call(this.obj, '@t') && (hasOwn.call(this.obj, '@m') || hasOwn.call(this.obj, '@mt'));
  }

  /**
   * A field by path as the query language names it: a canonical name, else the key `x`, else the
   * GELF additional field `_x`, then own keys down the path.
   */
  field(path: readonly string[]): unknown {
    const head = path[0];
    if (head === undefined) return undefined;
    if (path.length === 1 && isCanonical(head)) return this.canonical(head);
    let first = ownValue(this.obj, head);
    if (first === undefined) first = ownValue(this.obj, `_${head}`);
    if (first === undefined && this.extra) first = ownValue(this.extra, head);
    let v = walk(first, path, 1);
    if (v === undefined && path.length > 1) v = ownValue(this.obj, path.join('.'));
    return v;
  }
}

function scalarOf(v: unknown): string | number | boolean | undefined {
  return isScalar(v) && v !== '' ? v : undefined;
}
