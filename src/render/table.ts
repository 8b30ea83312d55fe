import { createRequire } from 'node:module';
import type TableType from 'cli-table3';
import type { Entry } from '../entry.js';
import { escapeControl } from './escape.js';
import type { RenderOptions, Renderer } from './renderer.js';
import { DEFAULT_COLUMNS, columnText } from './values.js';

/**
 * The header and the first block of rows are laid out by cli-table3, which gives the widths; later
 * rows keep those widths and are laid out by `layoutRow`, the same way: cli-table3 spends about
 * 240 µs on a row (a new ANSI regex for every width it measures), 20 times human output's cost.
 */
const BLOCK_ROWS = 500;
const MAX_CELL = 120;

const PLAIN_CHARS = {
  top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
  left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '  ',
};

/** Columns a table never narrows to fit: their values are short and cut would mislead. */
const FIXED = new Set(['time', 'level']);
const LAST_LEAST = 20;
const OTHER_LEAST = 8;
const LAST_LAST_RESORT = 10;

/**
 * Narrows column widths (two spaces between columns) to fit a terminal `width` wide: the last
 * column (the message) gives first, down to 20, then the widest of the others but time and level,
 * down to 8 each, then the last column again, down to 10. Cells are then cut with `…`. What still
 * does not fit overflows.
 */
export function fit(widths: number[], width: number, names: readonly string[] = []): void {
  let over = widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1) - width;
  const last = widths.length - 1;
  const give = Math.max(0, Math.min(over, widths[last]! - LAST_LEAST));
  widths[last]! -= give;
  over -= give;
  while (over > 0) {
    let widest = -1;
    for (let i = 0; i < last; i++) {
      if (FIXED.has(names[i] ?? '') || widths[i]! <= OTHER_LEAST) continue;
      if (widest < 0 || widths[i]! > widths[widest]!) widest = i;
    }
    if (widest < 0) break;
    widths[widest]!--;
    over--;
  }
  if (over > 0) widths[last] = Math.max(Math.min(widths[last]!, LAST_LAST_RESORT), widths[last]! - over);
}

let stringWidth: ((s: string) => number) | undefined;

/** Columns a text takes on a terminal: its length when it is printable ASCII, else string-width's count. */
function textWidth(text: string): number {
  if (/^[\x20-\x7e]*$/.test(text)) return text.length;
  stringWidth ??= createRequire(import.meta.url)('string-width') as (s: string) => number;
  return stringWidth(text);
}

/**
 * One row as cli-table3 draws it with these options: each cell padded to its column's width,
 * or cut to it with `…` (cut by characters while too wide), columns two spaces apart, the line's
 * trailing blanks dropped.
 */
export function layoutRow(cells: readonly string[], widths: readonly number[]): string {
  const out = cells.map((text, i) => {
    const width = widths[i]!;
    const w = textWidth(text);
    if (w <= width) return text + ' '.repeat(width - w);
    let cut = text;
    if (cut.length === w) cut = cut.slice(0, width - 1);
    else while (textWidth(cut) > width - 1) cut = cut.slice(0, -1);
    cut += '…';
    return cut + ' '.repeat(Math.max(0, width - textWidth(cut)));
  });
  return `${out.join('  ').trimEnd()}\n`;
}

export function tableRenderer(opts: RenderOptions): Renderer {
  // Loaded here, not at start-up: only table output pays for it.
  const Table = createRequire(import.meta.url)('cli-table3') as typeof TableType;
  const columns = opts.fields ?? DEFAULT_COLUMNS;
  const head = [...(opts.labels ? ['input'] : []), ...columns.map((c) => c.name)];
  let rows: string[][] = [];
  let widths: number[] | undefined;
  let first = true;

  function computeWidths(): number[] {
    // Widths come from the first block; level and time get room for their longest forms.
    const least = (name: string) => (name === 'level' ? 6 : name === 'time' ? (opts.zone ? 29 : 24) : 0);
    const w = head.map((h, i) => Math.min(MAX_CELL, Math.max(h.length, least(h), ...rows.map((r) => r[i]!.length))));
    if (opts.width) fit(w, opts.width, head);
    return w;
  }

  function flush(): string {
    if (rows.length === 0 && !first) return '';
    widths ??= computeWidths();
    const table = new Table({
      head: first ? head : [],
      chars: PLAIN_CHARS,
      colWidths: widths,
      wordWrap: false,
      style: { head: opts.color ? ['bold'] : [], border: [], 'padding-left': 0, 'padding-right': 0 },
    });
    for (const r of rows) table.push(r);
    first = false;
    rows = [];
    const text = table.toString();
    return text ? `${text.split('\n').map((l) => l.trimEnd()).join('\n')}\n` : '';
  }

  return {
    render(entry: Entry): string {
      const rec = entry.record;
      if (!rec) return '';
      const row = columns.map((c) => escapeControl(columnText(rec, c, opts.zone)));
      if (opts.labels) row.unshift(escapeControl(opts.labels[entry.input] ?? ''));
      // Past the first block the widths are fixed: a row is laid out on its own, at once.
      if (widths && !first) return layoutRow(row, widths);
      rows.push(row);
      return rows.length >= BLOCK_ROWS ? flush() : '';
    },
    separator: () => `${rows.length > 0 ? flush() : ''}--\n`,
    end: () => (rows.length > 0 ? flush() : ''),
    pending: () => (rows.length > 0 ? flush() : ''),
  };
}
