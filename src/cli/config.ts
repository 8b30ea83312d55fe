import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UsageError, describeSystemError } from '../errors.js';
import { FLAGS, type FlagDef } from './flags.js';

export interface Config {
  /** Default option words, config file first, then CHAINSAW_OPTIONS. */
  readonly words: string[];
  /** The same words by where they came from (the file's path, `CHAINSAW_OPTIONS`), to name it in an error. */
  readonly sources: readonly { readonly label: string; readonly words: readonly string[] }[];
  readonly aliases: { [field: string]: string[] } | undefined;
}

/** Splits shell-style words: whitespace separates, quotes group, backslash escapes. */
export function splitWords(s: string): string[] {
  const words: string[] = [];
  let cur = '';
  let has = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < s.length && '"\\$`'.includes(s[i + 1]!)) cur += s[++i];
      else cur += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      has = true;
    } else if (c === '\\' && i + 1 < s.length) {
      cur += s[++i];
      has = true;
    } else if (/\s/.test(c)) {
      if (has) words.push(cur);
      cur = '';
      has = false;
    } else {
      cur += c;
      has = true;
    }
  }
  if (quote) throw new UsageError(`CHAINSAW_OPTIONS: unterminated ${quote} quote`);
  if (has) words.push(cur);
  return words;
}

export function configPath(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(base, 'chainsaw', 'config.json');
}

const BY_NAME = new Map((FLAGS as readonly FlagDef[]).map((f) => [f.name, f]));
const NOT_IN_CONFIG = new Set(['help', 'version', 'config']);

/** The config file's options as words: `{"color": "always", "tz": "Europe/Berlin", "txn": ["a"]}`. */
function wordsFromFile(obj: { [k: string]: unknown }, path: string): string[] {
  const words: string[] = [];
  for (const [key, value] of Object.entries(obj)) {
    if (key === 'aliases') continue;
    const flag = BY_NAME.get(key);
    if (!flag || NOT_IN_CONFIG.has(key)) throw new UsageError(`${path}: unknown option '${key}'`);
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) {
      if (flag.type === 'boolean') {
        if (typeof v !== 'boolean') throw new UsageError(`${path}: option '${key}' takes true or false`);
        words.push(v ? `--${key}` : `--no-${key}`);
      } else {
        if (typeof v !== 'string' && typeof v !== 'number') throw new UsageError(`${path}: option '${key}' takes a string or number`);
        words.push(`--${key}`, String(v));
      }
    }
  }
  return words;
}

function aliasesFrom(v: unknown, path: string): { [field: string]: string[] } | undefined {
  if (v === undefined) return undefined;
  const bad = () => new UsageError(`${path}: "aliases" must map canonical fields to lists of keys, as {"txnId": ["requestId"]}`);
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw bad();
  const out: { [field: string]: string[] } = {};
  for (const [field, keys] of Object.entries(v)) {
    if (!['time', 'level', 'message', 'facility', 'host', 'txnId'].includes(field)) {
      throw new UsageError(`${path}: "aliases": '${field}' is not a canonical field (time level message facility host txnId)`);
    }
    if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'string' && k !== '')) throw bad();
    out[field] = keys as string[];
  }
  return out;
}

/**
 * A config file's text. Only a regular file is read: a FIFO would block the run until a writer
 * came, /dev/zero would fill memory. Opened without blocking, then checked on the descriptor.
 */
function readRegularFile(path: string): string {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    if (!fstatSync(fd).isFile()) throw new UsageError(`${path}: not a regular file`);
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

/** Reads the config file (when present) and CHAINSAW_OPTIONS. A malformed file is a UsageError. */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const path = configPath(env);
  let words: string[] = [];
  const sources: { label: string; words: string[] }[] = [];
  let aliases: Config['aliases'];
  let text: string | undefined;
  try {
    text = readRegularFile(path);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT' && (e as NodeJS.ErrnoException).code !== 'ENOTDIR') {
      throw new UsageError(`${path}: ${describeSystemError(e)}`, { cause: e });
    }
  }
  if (text !== undefined) {
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch (e) {
      throw new UsageError(`${path}: invalid JSON: ${(e as Error).message}`, { cause: e });
    }
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw new UsageError(`${path}: must be a JSON object`);
    words = wordsFromFile(obj as { [k: string]: unknown }, path);
    aliases = aliasesFrom((obj as { [k: string]: unknown }).aliases, path);
    if (words.length) sources.push({ label: path, words });
  }
  if (env.CHAINSAW_OPTIONS) {
    const fromEnv = splitWords(env.CHAINSAW_OPTIONS);
    if (fromEnv.length) sources.push({ label: 'CHAINSAW_OPTIONS', words: fromEnv });
    words = [...words, ...fromEnv];
  }
  return { words, sources, aliases };
}
