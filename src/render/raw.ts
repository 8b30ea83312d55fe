import type { Entry } from '../entry.js';
import { escapeControl } from './escape.js';
import type { RenderOptions, Renderer } from './renderer.js';

const NL = Buffer.from('\n');

/** A line as text with its unsafe characters escaped (`\x1b`, `\r`), its newline kept. */
function escapedLine(bytes: Buffer, hasNewline: boolean): Buffer {
  const text = bytes.toString('utf8', 0, hasNewline ? bytes.length - 1 : bytes.length);
  const shown = escapeControl(text);
  return shown === text ? bytes : Buffer.from(hasNewline ? `${shown}\n` : shown);
}

/**
 * The input lines byte for byte, prefix and terminator included. A last line without a newline
 * stays without one, unless more output follows it (it then gets one, so lines never run together).
 * On a terminal, control and invisible characters are shown escaped instead.
 */
export function rawRenderer(opts: Pick<RenderOptions, 'terminal'>): Renderer {
  let owesNewline = false;
  return {
    render(entry: Entry): Buffer {
      const bytes = opts.terminal ? escapedLine(entry.raw(), entry.hasNewline) : entry.raw();
      const out = owesNewline ? Buffer.concat([NL, bytes]) : bytes;
      owesNewline = !entry.hasNewline && !entry.continues;
      return out;
    },
  };
}
