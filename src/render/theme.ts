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
  return {
    time: c.dim,
    level: [c.bgRed.white.bold, c.bgRed.white.bold, c.red.bold, c.red, c.yellow, c.cyan, c.green, c.blue, c.gray],
    facility: c.cyan,
    host: c.magenta,
    key: c.dim,
    dim: c.dim,
    label: c.magenta.bold,
    bold: c.bold,
    bar: c.green,
  };
}
