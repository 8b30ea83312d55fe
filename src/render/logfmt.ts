import type { Entry } from '../entry.js';
import { CANONICAL_FIELDS } from '../record/shapes.js';
import { escapeControl, escapeJsonText } from './escape.js';
import type { RenderOptions, Renderer } from './renderer.js';
import { columnText, valueText } from './values.js';

const BARE = /^[^\s="\\]+$/;

/**
 * `key=value`: a key's spaces, `=` and `"` become `_` and its other unsafe characters are
 * escaped; a value is bare when it can be, else JSON-quoted with unsafe characters as \u escapes.
 */
function pair(key: string, value: string): string {
  const k = escapeControl(key.replace(/[\s="]/g, '_'));
  const v = BARE.test(value) && escapeControl(value) === value ? value : escapeJsonText(JSON.stringify(value));
  return `${k}=${v}`;
}

/** `time=… level=… facility=… host=… msg="…"` then the other fields, or the -k fields. */
export function logfmtRenderer(opts: RenderOptions): Renderer {
  return {
    render(entry: Entry): string {
      const rec = entry.record;
      if (!rec) return '';
      const parts: string[] = [];
      if (opts.fields) {
        for (const f of opts.fields) parts.push(pair(f.name, columnText(rec, f, opts.zone)));
        return `${parts.join(' ')}\n`;
      }
      const skip = new Set<string>();
      for (const f of CANONICAL_FIELDS) {
        const v = rec.canonical(f);
        if (v === undefined) continue;
        parts.push(pair(f === 'message' ? 'msg' : f, columnText(rec, { name: f, path: [f] }, opts.zone)));
        const src = rec.sourceOf(f);
        if (src !== null) skip.add(src);
      }
      for (const key of Object.keys(rec.obj)) {
        if (!skip.has(key)) parts.push(pair(key, valueText(rec.obj[key])));
      }
      return `${parts.join(' ')}\n`;
    },
  };
}
