import { findPrefix, type Prefix } from '../input/prefix.js';
import { LogRecord, type JsonObject } from './record.js';
import type { AliasTable } from './shapes.js';

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const NO_PREFIX: Prefix = { jsonStart: -1, time: undefined };

function lastNonSpace(buf: Buffer, start: number, end: number): number {
  let i = end - 1;
  while (i >= start && (buf[i] === 0x20 || buf[i] === 0x09 || buf[i] === 0x0d)) i--;
  return i;
}

function isObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A docker json-file record whose `log` is itself a JSON object: the inner object, the outer kept aside. */
function unwrapDocker(obj: JsonObject): { inner: JsonObject; docker: JsonObject } | undefined {
  const log = obj.log;
  if (typeof log !== 'string' || log.charCodeAt(0) !== 0x7b || !Object.hasOwn(obj, 'stream')) return undefined;
  try {
    const inner: unknown = JSON.parse(log);
    if (!isObject(inner)) return undefined;
    const docker: JsonObject = {};
    if (Object.hasOwn(obj, 'time')) docker.time = obj.time;
    docker.stream = obj.stream;
    return { inner, docker: { docker } };
  } catch {
    return undefined;
  }
}

/** A character named in a message: itself when printable ASCII, else its code point (`U+001B`). */
function charName(c: string): string {
  const code = c.codePointAt(0)!;
  return code >= 0x20 && code < 0x7f ? `'${c}'` : `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * JSON.parse's reason without the excerpt of the line it quotes (`Unexpected token '\x1b',
 * "{"a":\x1b…" is not valid JSON`): an error message never carries the line's raw bytes.
 */
function jsonReason(message: string): string {
  const token = /^Unexpected token '(.+?)', ".*" is not valid JSON$/su.exec(message);
  if (token) return `unexpected character ${charName(token[1]!)}`;
  return message.replace(/[^\x20-\x7e]/gu, charName);
}

/** Why a line is not a record, for --strict. */
export function whyNotRecord(buf: Buffer, start: number, end: number): string {
  const prefix = findPrefix(buf, start, end);
  if (start === end || lastNonSpace(buf, start, end) < start) return 'blank line';
  if (!prefix) return 'not a JSON object';
  try {
    const v: unknown = JSON.parse(buf.toString('utf8', prefix.jsonStart, end));
    return isObject(v) ? 'not a record' : 'JSON value is not an object';
  } catch (e) {
    return `invalid JSON: ${jsonReason((e as Error).message)}`;
  }
}

/**
 * One line (without its terminator) as a record, or undefined when it is not a JSON object
 * after an optional known prefix. Never throws on content.
 */
export function parseLine(buf: Buffer, start: number, end: number, aliases: AliasTable): LogRecord | undefined {
  // Most lines start with their object: no prefix to look for.
  const prefix = buf[start] === OPEN_BRACE ? NO_PREFIX : findPrefix(buf, start, end);
  if (!prefix) return undefined;
  const jsonStart = prefix === NO_PREFIX ? start : prefix.jsonStart;
  const last = lastNonSpace(buf, jsonStart, end);
  if (last < jsonStart || buf[last] !== CLOSE_BRACE) return undefined;
  let obj: unknown;
  const text = buf.toString('utf8', jsonStart, last + 1);
  try {
    obj = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(obj)) return undefined;
  const docker = unwrapDocker(obj);
  if (docker) return new LogRecord(docker.inner, aliases, prefix.time, docker.docker);
  return new LogRecord(obj, aliases, prefix.time, undefined, text, last + 1 - jsonStart);
}
