/**
 * Log content never reaches the terminal as control characters: C0, DEL, C1, line and paragraph
 * separators and bidi overrides are shown escaped (`\x1b`, `\u202e`).
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

function escapeChar(c: string): string {
  const code = c.charCodeAt(0);
  if (c === '\n') return '\\n';
  if (c === '\t') return '\\t';
  if (c === '\r') return '\\r';
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

export function escapeControl(s: string): string {
  UNSAFE.lastIndex = 0;
  return UNSAFE.test(s) ? s.replace(UNSAFE, escapeChar) : s;
}

/** The same, keeping tabs (for indented multi-line blocks such as stack traces). */
export function escapeControlKeepTabs(s: string): string {
  return escapeControl(s.replace(/\t/g, '    '));
}

/** JSON.stringify that survives objects nested deeper than the stack (returns undefined then). */
export function safeStringify(v: unknown): string | undefined {
  try {
    return JSON.stringify(v);
  } catch {
    return undefined;
  }
}
