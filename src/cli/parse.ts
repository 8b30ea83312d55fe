import parser from 'yargs-parser';
import { UsageError } from '../errors.js';
import { FLAGS, type FlagDef } from './flags.js';
import { closest } from './suggest.js';

export type ParsedArgs = { [name: string]: unknown; _: (string | number)[] };

const DEFS = FLAGS as readonly FlagDef[];
const BY_NAME = new Map<string, FlagDef>();
for (const f of DEFS) {
  BY_NAME.set(f.name, f);
  if (f.short) BY_NAME.set(f.short, f);
  for (const a of f.aliases ?? []) BY_NAME.set(a, f);
}

function display(key: string): string {
  return key.length === 1 ? `-${key}` : `--${key}`;
}

/** Every long option as typed, for "did you mean": `--follow`, `--no-merge`. */
const LONG_NAMES = DEFS.flatMap((f) => [f.name, ...(f.aliases ?? []).filter((a) => a.length > 1), ...(f.type === 'boolean' || f.negation ? [`no-${f.name}`] : [])]);

function unknownOption(key: string, words: readonly string[]): UsageError {
  // `--no-merg` reaches here as `merg`: it is shown, and matched, as typed.
  if (key.length > 1 && !words.some((w) => w === `--${key}` || w.startsWith(`--${key}=`)) && words.some((w) => w === `--no-${key}`)) key = `no-${key}`;
  const guess = key.length > 1 ? closest(key, LONG_NAMES) : undefined;
  return new UsageError(`unknown option ${display(key)} ${guess ? `(did you mean --${guess}?)` : '(see --help)'}`);
}

/**
 * A value that starts with a dash and a digit is the option's value, not options
 * (`--since -2h`, `-A -1`): written as `--name=value` so the parser cannot split it.
 */
function joinDashValues(words: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === '--') {
      out.push(...words.slice(i));
      break;
    }
    const m = /^(?:--([^=]+)|-([A-Za-z]))$/.exec(w);
    const f = m ? BY_NAME.get(m[1] ?? m[2]!) : undefined;
    const next = words[i + 1];
    if (f && f.type !== 'boolean' && next !== undefined && /^-[0-9.]/.test(next)) {
      out.push(`--${f.name}=${next}`);
      i++;
    } else {
      out.push(w);
    }
  }
  return out;
}

/**
 * Parses words with yargs-parser (the parser inside yargs) configured from FLAGS, then applies
 * yargs' strict checks: unknown options, missing values and bad choices are UsageErrors. The full
 * yargs front end costs ~130 ms at every start, more than a whole grep over a big file.
 */
export function parseArgs(words: readonly string[]): ParsedArgs {
  const alias: { [k: string]: string[] } = {};
  const opts = { boolean: [] as string[], string: [] as string[], number: [] as string[], array: [] as string[] };
  for (const f of DEFS) {
    alias[f.name] = [...(f.short ? [f.short] : []), ...(f.aliases ?? [])];
    if (f.type === 'array') opts.array.push(f.name), opts.string.push(f.name);
    // Numbers are read here, so that a bad one can be quoted as it was typed (`-n abc`).
    else if (f.type === 'number') opts.string.push(f.name);
    else opts[f.type].push(f.name);
  }
  const result = parser.detailed(joinDashValues(words), {
    ...opts,
    alias,
    // -A -1 must reach our range check as -1, not read as flags.
    narg: Object.fromEntries(DEFS.filter((f) => f.type === 'array').map((f) => [f.name, 1])),
    configuration: {
      'camel-case-expansion': false,
      'strip-aliased': true,
      'strip-dashed': true,
      'boolean-negation': true,
      'duplicate-arguments-array': true,
      'greedy-arrays': false,
      'parse-numbers': true,
      'parse-positional-numbers': false,
      'short-option-groups': true,
      'dot-notation': false,
      'halt-at-non-option': false,
      'unknown-options-as-args': false,
    },
  });
  if (result.error) {
    const missing = /^Not enough arguments following: (.+)$/.exec(result.error.message);
    throw new UsageError(missing ? `${display(missing[1]!)} needs a value` : result.error.message);
  }
  for (const w of words) {
    const m = /^--(?:no-)?([^=]+)=/.exec(w);
    if (m && BY_NAME.get(m[1]!)?.type === 'boolean') throw new UsageError(`--${m[1]} takes no value`);
  }
  const argv = result.argv as ParsedArgs;
  for (const key of Object.keys(argv)) {
    if (key === '_' || key === '--') continue;
    if (!BY_NAME.has(key)) throw unknownOption(key, words);
  }
  for (const f of DEFS) {
    let v = argv[f.name];
    if (v === undefined) {
      if (Object.hasOwn(argv, f.name)) throw new UsageError(`${display(f.short ?? f.name)} needs a value`);
      continue;
    }
    // A flag given twice (config, then command line): the last one wins, except for lists.
    if (f.type !== 'array' && Array.isArray(v)) argv[f.name] = v = v[v.length - 1];
    if (v === false && f.negation !== undefined) argv[f.name] = v = f.negation;
    else if (v === false || v === true) {
      if (f.type !== 'boolean') throw new UsageError(v ? `${display(f.short ?? f.name)} needs a value` : `unknown option --no-${f.name} (see --help)`);
    }
    if (f.type === 'number' && v === '') throw new UsageError(`${display(f.short ?? f.name)} needs a value`);
    if (f.type === 'number' && typeof v === 'string' && /^[-+]?\d+(\.\d+)?$/.test(v.trim())) argv[f.name] = v = Number(v);
    const values = Array.isArray(v) ? v : [v];
    for (const one of values) {
      if (f.choices && !f.choices.includes(String(one))) {
        throw new UsageError(`${display(f.short ?? f.name)}: invalid value '${String(one)}' (choose from ${f.choices.join(', ')})`);
      }
    }
  }
  if (argv['--']) argv._.push(...(argv['--'] as string[]));
  delete argv['--'];
  return argv;
}
