import type { Entry } from '../entry.js';
import { escapeControl } from './escape.js';
import type { RenderOptions, Renderer } from './renderer.js';
import { DEFAULT_COLUMNS, columnText } from './values.js';

function csvCell(s: string): string {
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

function tsvCell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

/**
 * CSV (RFC 4180 quoting) or TSV (backslash escapes): a header, then the -k fields, time in
 * ISO 8601 UTC with milliseconds and level as its lowercase name.
 */
export function delimitedRenderer(opts: RenderOptions, kind: 'csv' | 'tsv'): Renderer {
  const columns = opts.fields ?? DEFAULT_COLUMNS;
  const quote = kind === 'csv' ? csvCell : tsvCell;
  // On a terminal a cell's control and invisible characters are shown escaped (TSV's own
  // backslash escapes first, so `\t` stays `\t`); into a pipe the text is as written.
  const cell = !opts.terminal ? quote : kind === 'csv' ? (s: string) => csvCell(escapeControl(s)) : (s: string) => escapeControl(tsvCell(s));
  const sep = kind === 'csv' ? ',' : '\t';
  const eol = '\n';
  const withInput = opts.labels !== undefined;
  return {
    separator: () => '',
    begin: () => [...(withInput ? ['input'] : []), ...columns.map((c) => c.name)].map(cell).join(sep) + eol,
    render(entry: Entry): string {
      const rec = entry.record;
      if (!rec) return '';
      const cells = columns.map((c) => cell(columnText(rec, c)));
      if (withInput) cells.unshift(cell(opts.labels![entry.input] ?? ''));
      return cells.join(sep) + eol;
    },
  };
}
