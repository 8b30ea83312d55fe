import type { Entry } from '../entry.js';
import type { Renderer } from './renderer.js';

const NL = Buffer.from('\n');

/**
 * The input lines byte for byte, prefix and terminator included. A last line without a newline
 * stays without one, unless more output follows it (it then gets one, so lines never run together).
 */
export function rawRenderer(): Renderer {
  let owesNewline = false;
  return {
    render(entry: Entry): Buffer {
      const bytes = entry.raw();
      const out = owesNewline ? Buffer.concat([NL, bytes]) : bytes;
      owesNewline = !entry.hasNewline && !entry.continues;
      return out;
    },
  };
}
