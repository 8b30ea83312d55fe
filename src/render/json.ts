import type { Entry } from '../entry.js';
import { findPrefix } from '../input/prefix.js';
import { escapeJsonText, safeStringify } from './escape.js';
import type { RenderOptions, Renderer } from './renderer.js';
import { project } from './values.js';

/**
 * Each record as one compact JSON object, as `jq -c` prints it; with -k only those fields. Lines
 * that are not records print nothing. An object too deep to re-serialize is printed as read.
 */
export function jsonRenderer(opts: RenderOptions): Renderer {
  // On a terminal, C1, format characters and separators become \u escapes: the same JSON value.
  const shown = opts.terminal ? escapeJsonText : (s: string) => s;
  return {
    separator: () => '',
    render(entry: Entry): string {
      const rec = entry.record;
      if (!rec) return '';
      const out = safeStringify(opts.fields ? project(rec, opts.fields) : rec.obj);
      if (out !== undefined) return `${shown(out)}\n`;
      const p = findPrefix(entry.block, entry.start, entry.end);
      return `${shown(entry.block.toString('utf8', p?.jsonStart ?? entry.start, entry.end).trim())}\n`;
    },
  };
}
