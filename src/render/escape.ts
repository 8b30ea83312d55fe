import { UNSAFE_CHARS } from '../record/record.js';

/**
 * Log content never reaches the terminal as control or invisible characters: C0, DEL, C1, line
 * and paragraph separators, and format characters (bidi controls, zero-width characters, the
 * soft hyphen, the BOM, tag characters) are shown escaped (`\x1b`, `\u202e`, `\u{e0041}`), so
 * `adm\u200bin` never passes for `admin`.
 */
const UNSAFE = new RegExp(UNSAFE_CHARS, 'gu');
const ANY_UNSAFE = new RegExp(UNSAFE_CHARS, 'u');

const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');

function escapeChar(c: string): string {
  if (c === '\n') return '\\n';
  if (c === '\t') return '\\t';
  if (c === '\r') return '\\r';
  const code = c.codePointAt(0)!;
  return code <= 0xff ? `\\x${hex(code, 2)}` : code <= 0xffff ? `\\u${hex(code, 4)}` : `\\u{${hex(code, 0)}}`;
}

/** The same characters as JSON escapes (`\u009b`, a surrogate pair for a tag character): JSON text stays valid. */
function jsonEscapeChar(c: string): string {
  let out = '';
  for (let i = 0; i < c.length; i++) out += `\\u${hex(c.charCodeAt(i), 4)}`;
  return out;
}

export function escapeControl(s: string): string {
  return ANY_UNSAFE.test(s) ? s.replace(UNSAFE, escapeChar) : s;
}

/** For JSON text (strings as JSON.stringify writes them): unsafe characters as `\uXXXX`. */
export function escapeJsonText(s: string): string {
  return ANY_UNSAFE.test(s) ? s.replace(UNSAFE, jsonEscapeChar) : s;
}

/** The same, keeping tabs (for indented multi-line blocks such as stack traces). */
export function escapeControlKeepTabs(s: string): string {
  return escapeControl(s.replace(/\t/g, '    '));
}

/** Error messages: every unsafe character escaped except the newlines between its lines. */
export function escapeMessage(s: string): string {
  return s.split('\n').map(escapeControl).join('\n');
}

/** JSON.stringify that survives objects nested deeper than the stack (returns undefined then). */
export function safeStringify(v: unknown): string | undefined {
  try {
    return JSON.stringify(v);
  } catch {
    return undefined;
  }
}
