import yargs from 'yargs';
import { UsageError } from '../errors.js';
import { FLAGS, type FlagDef } from './flags.js';

export type ParsedArgs = { [name: string]: unknown; _: (string | number)[] };

/** Parses words with yargs configured from FLAGS: unknown options and bad choices are UsageErrors. */
export function parseArgs(words: readonly string[]): ParsedArgs {
  let y = yargs([...words])
    .parserConfiguration({
      'strip-aliased': true,
      'strip-dashed': true,
      'camel-case-expansion': false,
      'boolean-negation': true,
      'halt-at-non-option': false,
      'unknown-options-as-args': false,
    })
    .help(false)
    .version(false)
    .strictOptions()
    .exitProcess(false)
    .fail((msg, err) => {
      throw new UsageError(err ? err.message : (msg ?? 'bad arguments').replace(/\n+/g, ' '));
    });
  for (const f of FLAGS as readonly FlagDef[]) {
    const alias = [...(f.short ? [f.short] : []), ...(f.aliases ?? [])];
    y = y.option(f.name, {
      alias,
      type: f.type === 'array' ? 'string' : f.type,
      array: f.type === 'array' ? true : undefined,
      nargs: f.type === 'array' ? 1 : undefined,
      choices: f.choices ? [...f.choices] : undefined,
      requiresArg: f.type !== 'boolean',
      describe: f.summary,
    });
  }
  const argv = y.parseSync() as ParsedArgs;
  // A flag given twice (config, then command line): the last one wins, except for lists.
  for (const f of FLAGS as readonly FlagDef[]) {
    const v = argv[f.name];
    if (f.type !== 'array' && Array.isArray(v)) argv[f.name] = v[v.length - 1];
  }
  return argv;
}
