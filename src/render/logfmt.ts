import type { Entry } from '../entry.js';
import { CANONICAL_FIELDS } from '../record/shapes.js';
import type { RenderOptions, Renderer } from './renderer.js';
import { columnText, valueText } from './values.js';

const BARE = /^[^\s="\\\x00-\x1f\x7f]+$/;

function pair(key: string, value: string): string {
  const k = key.replace(/[\s="]/g, '_');
  return `${k}=${BARE.test(value) ? value : JSON.stringify(value)}`;
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
