import type { ChalkInstance } from 'chalk';

/** The colors of human output; with color off every style is the identity. */
export interface Theme {
  readonly time: (s: string) => string;
  readonly level: readonly ((s: string) => string)[];
  readonly facility: (s: string) => string;
  readonly host: (s: string) => string;
  readonly key: (s: string) => string;
  readonly dim: (s: string) => string;
  /** An input's or host's label, each host in a stable color of its own (`api1` and `api1:current` alike). */
  readonly label: (s: string) => string;
  readonly bold: (s: string) => string;
  readonly bar: (s: string) => string;
}

const id = (s: string): string => s;

export const PLAIN: Theme = { time: id, level: Array(9).fill(id), facility: id, host: id, key: id, dim: id, label: id, bold: id, bar: id };

/**
 * Colors a label by its host (the part before `:`): the same host has the same color in every
 * run and every mode (FNV-1a of its name picks from the palette), so a merged timeline of many
 * hosts reads by color.
 */
function stableColor(palette: readonly ((s: string) => string)[]): (s: string) => string {
  const chosen = new Map<string, (s: string) => string>();
  return (s) => {
    const host = s.split(':', 1)[0]!;
    let style = chosen.get(host);
    if (!style) {
      let h = 0x811c9dc5;
      for (let i = 0; i < host.length; i++) h = Math.imul(h ^ host.charCodeAt(i), 0x01000193) >>> 0;
      style = palette[h % palette.length]!;
      if (chosen.size < 4096) chosen.set(host, style);
    }
    return style(s);
  };
}

/** The theme for the run; chalk is loaded only when color is on, so plain runs start faster. */
export async function makeTheme(color: boolean): Promise<Theme> {
  if (!color) return PLAIN;
  const { Chalk } = await import('chalk');
  const c: ChalkInstance = new Chalk({ level: 1 });
  // chalk gives the codes; wrapping with them directly skips its per-call work, which is safe
  // here because what is wrapped never holds an escape sequence (log content is escaped first).
  const fixed = (style: ChalkInstance): ((s: string) => string) => {
    const [open = '', close = ''] = style('\u0000').split('\u0000');
    return (s) => open + s + close;
  };
  return {
    time: fixed(c.dim),
    level: [c.bgRed.white.bold, c.bgRed.white.bold, c.red.bold, c.red, c.yellow, c.cyan, c.green, c.blue, c.gray].map(fixed),
    facility: fixed(c.cyan),
    host: fixed(c.magenta),
    key: fixed(c.dim),
    dim: fixed(c.dim),
    label: stableColor([c.magenta.bold, c.cyan.bold, c.yellow.bold, c.green.bold, c.blue.bold, c.white.bold].map(fixed)),
    bold: fixed(c.bold),
    bar: fixed(c.green),
  };
}
