import { levelOf } from './levels.js';
import { isoUtcMs, timeOf, validTime } from './time.js';
import { CANONICAL_FIELDS, CANONICAL_INDEX, isCanonical, type AliasTable, type CanonicalField } from './shapes.js';

export type JsonObject = { [key: string]: unknown };

const hasOwn = Object.prototype.hasOwnProperty;
/**
 * The characters log content must never send to a terminal as they are: controls (C0, DEL, C1),
 * format characters (bidi controls, zero-width characters, soft hyphen, BOM, tag characters) and
 * the line and paragraph separators. A regex source for the `u` flag; render/escape.ts escapes them.
 */
export const UNSAFE_CHARS = '[\\p{Cc}\\p{Cf}\\u2028\\u2029]';
/** An escape other than `\"`, `\\` and `\/` (only those decode to no control character), or an unsafe character. */
const MAY_HOLD_CONTROL = new RegExp(`\\\\[^"\\\\/]|${UNSAFE_CHARS}`, 'u');
const ESCAPE = /\\[^"\\/]/;

/**
 * True when no string JSON.parse makes of `text` can hold an unsafe character: it has no escape
 * that decodes to one (`\n`, `\u001b`) and no such character as it is. `bytes` is the UTF-8
 * length it was decoded from: when that equals its length every character came from one byte
 * (ASCII, or U+FFFD for an invalid byte), so DEL is the only unsafe character it can hold
 * as it is (JSON.parse refuses raw C0 controls in strings), and two native searches replace the regex.
 */
export function plainJson(text: string, bytes: number): boolean {
  if (text.length !== bytes) return !MAY_HOLD_CONTROL.test(text);
  return text.indexOf('\x7f') < 0 && (text.indexOf('\\') < 0 || !ESCAPE.test(text));
}

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

/** Where the source keys start in a record's values. */
const SOURCES = CANONICAL_FIELDS.length;

/** A canonical field's aliases, each with its dotted path split (undefined without a dot). */
type AliasPaths = readonly { readonly alias: string; readonly path: readonly string[] | undefined }[];

/** The alias table last seen, split once (a run has one table), by CANONICAL_INDEX. */
let splitTable: AliasTable | undefined;
let splitPaths: AliasPaths[] = [];

function aliasPaths(table: AliasTable): AliasPaths[] {
  if (table !== splitTable) {
    splitPaths = CANONICAL_FIELDS.map((f) => table[f].map((alias) => ({ alias, path: alias.includes('.') ? alias.split('.') : undefined })));
    splitTable = table;
  }
  return splitPaths;
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
  /**
   * Resolved canonical values at CANONICAL_INDEX and the keys they came from six places further
   * (one array per record, not two); `resolved` is a bit set.
   */
  private resolved = 0;
  private readonly values: unknown[] = [undefined, undefined, undefined, undefined, undefined, undefined, null, null, null, null, null, null];

  /** The JSON text the object was parsed from, when it is the whole record (not docker-unwrapped), and its UTF-8 length. */
  private readonly text: string | undefined;
  private readonly bytes: number;
  private plainCache: boolean | undefined;
  /** The time's text, when it is exactly what toISOString writes for it. */
  private isoText: string | undefined;

  constructor(obj: JsonObject, aliases: AliasTable, prefixTime?: number, extra?: JsonObject, text?: string, bytes = -1) {
    this.obj = obj;
    this.text = text;
    this.bytes = bytes;
    this.aliases = aliases;
    this.prefixTime = prefixTime;
    this.extra = extra;
  }

  /**
   * True when no string in the record can hold a control character, so a renderer may skip
   * escaping: the text it was parsed from has no escape that decodes to one and no unsafe
   * character (plainJson). Asked only by human output, so other modes never pay for the check.
   */
  get plain(): boolean {
    this.plainCache ??= this.text !== undefined && plainJson(this.text, this.bytes);
    return this.plainCache;
  }

  /** The raw key a canonical field was taken from (null when absent). */
  sourceOf(field: CanonicalField): string | null {
    this.canonical(field);
    return this.values[CANONICAL_INDEX[field] + SOURCES] as string | null;
  }

  canonical(field: CanonicalField): unknown {
    const index = CANONICAL_INDEX[field];
    const bit = 1 << index;
    if (this.resolved & bit) return this.values[index];
    let value: unknown;
    let source: string | null = null;
    const read = field === 'time' ? timeOf : field === 'level' ? levelOf : scalarOf;
    const obj = this.obj;
    for (const { alias, path } of aliasPaths(this.aliases)[index]!) {
      // An alias (`log.level`): the literal key first, then the nested path.
      const raw = hasOwn.call(obj, alias) ? obj[alias] : path ? walk(obj, path) : undefined;
      if (raw === undefined) continue;
      let v: unknown;
      if (read === timeOf && typeof raw === 'string' && raw.length === 24) {
        v = isoUtcMs(raw);
        if (v !== undefined) this.isoText = raw;
        else v = timeOf(raw);
      } else {
        v = read(raw);
      }
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
    this.values[index + SOURCES] = source;
    return value;
  }

  get time(): number | undefined { return this.canonical('time') as number | undefined; }

  /** The time as written when that is what toISOString writes for it (`2011-12-26T09:14:46.123Z`): UTC output shows it as it is. */
  get isoTime(): string | undefined {
    this.canonical('time');
    return this.isoText;
  }
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
