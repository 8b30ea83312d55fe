import type { Entry } from '../entry.js';
import type { Theme } from './theme.js';

/** A field the user named with -k: the text as written, and its path. */
export interface FieldSpec {
  readonly name: string;
  readonly path: readonly string[];
}

export interface RenderOptions {
  readonly color: boolean;
  readonly theme: Theme;
  /** The zone times are shown in; undefined is UTC with `Z`. */
  readonly zone: Intl.DateTimeFormat | undefined;
  readonly fields: readonly FieldSpec[] | undefined;
  /** Labels of the inputs, given when there are several, so output shows where a record came from. */
  readonly labels: readonly string[] | undefined;
  /**
   * Standard output is a terminal: every mode escapes control and invisible characters from the
   * logs (human, table, logfmt and --stats always do); into a pipe raw, json, csv and tsv are byte-faithful.
   */
  readonly terminal: boolean;
  /** Terminal width when writing to one, for table output. */
  readonly width: number | undefined;
}

/** Each output format is a sink for entries: it turns them into bytes and never reads input. */
export interface Renderer {
  /** Text written before the first record (a CSV header). */
  begin?(): string;
  /** The output for one entry, newline included, or '' to show nothing for it. */
  render(entry: Entry): string | Buffer;
  /**
   * What goes between context groups (-A/-B/-C): grep's `--` by default; formats read by
   * programs (json, csv, tsv) return '' to stay parseable.
   */
  separator?(): string;
  /** Text written after the last record (a table's last rows). */
  end?(): string;
  /** What is held back so far (a table's rows not yet laid out), for live input that went quiet. */
  pending?(): string;
}

export type OutputMode = 'human' | 'table' | 'json' | 'raw' | 'logfmt' | 'csv' | 'tsv';
