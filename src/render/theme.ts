import type { ChalkInstance } from 'chalk';

/** The colors of human output; with color off every style is the identity. */
export interface Theme {
  readonly time: (s: string) => string;
  readonly level: readonly ((s: string) => string)[];
  readonly facility: (s: string) => string;
  readonly host: (s: string) => string;
  readonly key: (s: string) => string;
  readonly dim: (s: string) => string;
  readonly label: (s: string) => string;
  readonly bold: (s: string) => string;
  readonly bar: (s: string) => string;
}

const id = (s: string): string => s;

export const PLAIN: Theme = { time: id, level: Array(9).fill(id), facility: id, host: id, key: id, dim: id, label: id, bold: id, bar: id };

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
    label: fixed(c.magenta.bold),
    bold: fixed(c.bold),
    bar: fixed(c.green),
  };
}
