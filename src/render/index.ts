import { delimitedRenderer } from './delimited.js';
import { humanRenderer } from './human.js';
import { jsonRenderer } from './json.js';
import { logfmtRenderer } from './logfmt.js';
import { rawRenderer } from './raw.js';
import type { OutputMode, RenderOptions, Renderer } from './renderer.js';
import { tableRenderer } from './table.js';

export function makeRenderer(mode: OutputMode, opts: RenderOptions): Renderer {
  switch (mode) {
    case 'human': return humanRenderer(opts);
    case 'json': return jsonRenderer(opts);
    case 'raw': return rawRenderer(opts);
    case 'logfmt': return logfmtRenderer(opts);
    case 'csv': return delimitedRenderer(opts, 'csv');
    case 'tsv': return delimitedRenderer(opts, 'tsv');
    case 'table': return tableRenderer(opts);
  }
}
