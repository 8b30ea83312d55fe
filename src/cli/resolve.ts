import { basename } from 'node:path';
import { QuerySyntaxError, UsageError } from '../errors.js';
import type { InputSpec } from '../input/source.js';
import { LEVEL_NAMES, levelOf } from '../record/levels.js';
import { withAliases, type AliasTable } from '../record/shapes.js';
import { parseUserTime, zoneFormatter } from '../record/time.js';
import { and, field, or, str, type Expr } from '../query/ast.js';
import { compileExpr, type Predicate } from '../query/compile.js';
import { graylogExpr } from '../query/graylog-expr.js';
import { escapeRegex } from '../query/regex.js';
import { parseExpr } from '../query/parser.js';
import type { FieldSpec, OutputMode, RenderOptions } from '../render/renderer.js';
import { makeTheme } from '../render/theme.js';
import type { ParsedArgs } from './parse.js';
import { closest } from './suggest.js';
import { splitWords } from './config.js';
import { resolveHosts } from '../remote/hosts.js';

/** Everything the pipeline needs, resolved once from the arguments. */
export interface Plan {
  readonly inputs: readonly InputSpec[];
  /** The whole filter as one AST (for the byte prefilter), and its compiled predicate. */
  readonly expr: Expr | undefined;
  readonly predicate: Predicate | undefined;
  readonly invalid: 'show' | 'hide';
  readonly strict: boolean;
  readonly output: OutputMode;
  readonly render: RenderOptions;
  readonly count: boolean;
  readonly stats: boolean;
  readonly maxCount: number | undefined;
  readonly tail: number | undefined;
  readonly before: number;
  readonly after: number;
  /** -A, -B or -C was given (even 0): groups of records are separated by `--`, as grep does. */
  readonly context: boolean;
  /** -v: the records (and non-JSON lines) the filters reject are the ones kept. */
  readonly invert: boolean;
  readonly follow: boolean;
  readonly merge: boolean;
  /** --max-line-bytes: a longer line is cut to this many bytes (or passed through, raw). */
  readonly maxLineBytes: number;
  readonly aliases: AliasTable;
  /** Byte prefilters and other fast paths; CHAINSAW_NO_FASTPATH=1 turns them off to compare. */
  readonly fastPaths: boolean;
  readonly now: number;
  /** -L: times without a zone are local. */
  readonly local: boolean;
  /** Send the output through a pager (a terminal, human or table output, not following). */
  readonly pager: boolean;
  /** -j: worker threads for one big file, or auto (the cores, at most 8). */
  readonly threads: number | 'auto';
  /** -H: the PATHs are read on these hosts over ssh (inputs is then empty). */
  readonly remote: RemotePlan | undefined;
}

export interface RemotePlan {
  readonly hosts: readonly string[];
  /** The PATH arguments, as named on every host. */
  readonly paths: readonly string[];
  /** The ssh command words: CHAINSAW_SSH split like shell words, else `ssh`. */
  readonly ssh: readonly string[];
  readonly fanout: number;
  /** CHAINSAW_REMOTE=posix: never run the hosts' chainsaw (to compare the two routes). */
  readonly posixOnly: boolean;
  /** Field aliases from this machine's config: a host's chainsaw would not know them. */
  readonly customAliases: boolean;
  /**
   * The labels of the remote inputs, by input number: filled in as each host says which files a
   * PATH names there. The same array is the renderers' `labels`.
   */
  readonly labels: string[];
}

const DEFAULT_FANOUT = 32;

/** -H and --hosts-file: the hosts, the ssh command and the remote paths, checked before anything starts. */
function resolveRemote(args: ParsedArgs, names: readonly string[], r: ResolveEnv): RemotePlan | undefined {
  const lists = list(args.host);
  const files = list(args['hosts-file']);
  const fanout = count(args, 'fanout', '--fanout') ?? DEFAULT_FANOUT;
  if (lists.length === 0 && files.length === 0) {
    if (args.fanout !== undefined) throw new UsageError('--fanout needs -H or --hosts-file');
    return undefined;
  }
  if (fanout < 1) throw new UsageError('--fanout: expected a whole number >= 1');
  const hosts = resolveHosts(lists, files);
  if (hosts.length === 0) throw new UsageError('-H: no hosts named');
  if (names.length === 0) throw new UsageError('-H: name the PATHs to read on the hosts');
  if (names.includes('-')) throw new UsageError('-H: standard input (-) cannot be read on a host');
  let ssh: string[] = ['ssh'];
  const custom = r.env.CHAINSAW_SSH;
  if (custom !== undefined && custom.trim() !== '') {
    try {
      ssh = splitWords(custom);
    } catch (e) {
      throw new UsageError(`CHAINSAW_SSH: ${(e as Error).message.replace(/^CHAINSAW_OPTIONS: /, '')}`, { cause: e });
    }
  }
  return { hosts, paths: names, ssh, fanout, posixOnly: r.env.CHAINSAW_REMOTE === 'posix', customAliases: Object.keys(r.aliases ?? {}).length > 0, labels: [] };
}

export interface ResolveEnv {
  readonly env: NodeJS.ProcessEnv;
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  readonly stdoutIsTTY: boolean;
  readonly stdoutColumns: number | undefined;
  readonly aliases: { [field: string]: string[] } | undefined;
  readonly now: number;
}

function count(args: ParsedArgs, name: string, flag: string): number | undefined {
  const v = args[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
    throw new UsageError(`${flag}: expected a whole number >= 0, got '${String(args[name])}'`);
  }
  return v;
}

/** The default --max-line-bytes: 64 MiB. */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;

/** The largest --max-line-bytes: a kept line becomes one string when it is parsed or shown (V8's limit is 512 MiB). */
const MAX_LINE_BYTES_LIMIT = 256 * 1024 * 1024;

function maxLineBytes(args: ParsedArgs): number {
  const n = args['max-line-bytes'];
  if (n === undefined) return MAX_LINE_BYTES;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_LINE_BYTES_LIMIT) {
    throw new UsageError(`--max-line-bytes: expected a whole number from 1 to ${MAX_LINE_BYTES_LIMIT} (256 MiB), got '${String(n)}'`);
  }
  return n;
}

function list(v: unknown): string[] {
  return v === undefined ? [] : (Array.isArray(v) ? v : [v]).map(String);
}

function facilityExpr(name: string): Expr {
  if (!name.includes('*')) {
    return or([
      { kind: 'compare', op: '==', left: field(['facility']), right: str(name), span: { start: 0, end: 0 } },
      { kind: 'compare', op: 'startswith', left: field(['facility']), right: str(`${name}.`), span: { start: 0, end: 0 } },
    ]);
  }
  const source = `^${name.split('*').map(escapeRegex).join('.*')}(?:\\.|$)`;
  return { kind: 'compare', op: '~', left: field(['facility']), right: { kind: 'regex', source, flags: '', span: { start: 0, end: 0 } }, span: { start: 0, end: 0 } };
}

/** `-k a,headers.user-agent,["log.level"]`: split on commas outside brackets and quotes. */
export function parseFieldList(text: string): FieldSpec[] {
  const names: string[] = [];
  let cur = '';
  let depth = 0;
  let quote = '';
  for (const c of text) {
    if (quote) { if (c === quote) quote = ''; }
    else if (c === '"' || c === "'") quote = c;
    else if (c === '[') depth++;
    else if (c === ']') depth--;
    else if (c === ',' && depth === 0) { names.push(cur.trim()); cur = ''; continue; }
    cur += c;
  }
  names.push(cur.trim());
  return names.map((name) => {
    if (name === '') throw new UsageError(`-k: empty field name in '${text}'`);
    let e: Expr;
    try {
      e = parseExpr(name);
    } catch (err) {
      if (err instanceof QuerySyntaxError) throw new UsageError(`-k: '${name}' is not a field name (${err.message})`);
      throw err;
    }
    if (e.kind !== 'lone' || e.operand.kind !== 'field') throw new UsageError(`-k: '${name}' is not a field name`);
    return { name, path: e.operand.path };
  });
}

function decideColor(args: ParsedArgs, r: ResolveEnv): boolean {
  const when = (args.color as string | undefined) ?? 'auto';
  if (when === 'always') return true;
  if (when === 'never') return false;
  const force = r.env.FORCE_COLOR;
  if (force === '0' || force === 'false') return false;
  if (force !== undefined) return true;
  if (r.env.NO_COLOR) return false;
  return r.stdoutIsTTY && r.env.TERM !== 'dumb';
}

function uniqueLabels(inputs: readonly InputSpec[]): string[] {
  const base = inputs.map((i) => (i.stdin ? '-' : basename(i.name.replace(/\/+$/, '')) || i.name));
  return new Set(base).size === base.length ? base : inputs.map((i) => (i.stdin ? '-' : i.name));
}

/** Runs a parse, marking its syntax error with the option it came with. */
function labelled<T>(label: string, parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if (e instanceof QuerySyntaxError) e.label = label;
    throw e;
  }
}

interface FilterPart { readonly label: string; readonly source: string; readonly expr: Expr }

export async function resolvePlan(args: ParsedArgs, r: ResolveEnv): Promise<Plan> {
  const now = r.now;
  const local = args.local === true;
  const parts: FilterPart[] = [];

  for (const q of list(args.query)) parts.push({ label: '-q', source: q, expr: parseExpr(q) });
  for (const g of list(args.graylog)) parts.push({ label: '-g', source: g, expr: labelled('-g', () => graylogExpr(g)) });
  const txns = list(args.txn);
  if (txns.length) {
    parts.push({ label: '-t', source: '', expr: or(txns.map((t) => ({ kind: 'compare', op: '==', left: field(['txnId']), right: str(t), span: { start: 0, end: 0 } }))) });
  }
  if (args.level !== undefined) {
    const text = String(args.level);
    // A number is a syslog severity 0..8 (a bunyan 40 is not what -l means).
    if (levelOf(text) === undefined || (/^\s*[\d.]+\s*$/.test(text) && !/^\s*[0-8]\s*$/.test(text))) {
      const guess = closest(text, ['err', ...LEVEL_NAMES.map((n) => n.toLowerCase())]);
      throw new UsageError(`-l: unknown level '${text}' (${guess ? `did you mean ${guess}?` : 'emerg alert crit err warn notice info debug trace, or 0-8'})`);
    }
    parts.push({ label: '-l', source: '', expr: { kind: 'compare', op: '<=', left: field(['level']), right: str(text), span: { start: 0, end: 0 } } });
  }
  const facilities = list(args.facility);
  if (facilities.length) parts.push({ label: '--facility', source: '', expr: or(facilities.map(facilityExpr)) });
  const window: { [flag: string]: number } = {};
  for (const [flag, op] of [['since', '>='], ['until', '<']] as const) {
    if (args[flag] === undefined) continue;
    const text = String(args[flag]);
    const t = parseUserTime(text, now, local);
    if (t === undefined) throw new UsageError(`--${flag}: invalid time '${text}'`);
    window[flag] = t;
    parts.push({ label: `--${flag}`, source: '', expr: { kind: 'compare', op, left: field(['time']), right: str(text), span: { start: 0, end: 0 } } });
  }
  if (window.since !== undefined && window.until !== undefined && window.since >= window.until) {
    throw new UsageError(`--since ${String(args.since)} is not before --until ${String(args.until)}: no record could match`);
  }

  const predicates = parts.map((p) => {
    try {
      return compileExpr(p.expr, { source: p.source, now, local });
    } catch (e) {
      if (e instanceof QuerySyntaxError && p.label === '-g') e.label = '-g';
      else if (e instanceof QuerySyntaxError && p.label !== '-q') throw new UsageError(`${p.label}: ${e.message}`);
      throw e;
    }
  });
  const all: Predicate | undefined = predicates.length === 0 ? undefined
    : predicates.length === 1 ? predicates[0] : (rec) => predicates.every((p) => p(rec));
  const invert = args['invert-match'] === true;
  if (invert && !all) throw new UsageError('-v: nothing to invert: give a filter (-q, -t, -l, --facility, --since, --until)');
  const predicate: Predicate | undefined = invert ? (rec) => !all!(rec) : all;

  const names = args._.map(String);
  const remote = resolveRemote(args, names, r);
  const inputs: InputSpec[] = remote ? [] : names.length === 0 ? [{ name: '-', stdin: r.stdin }]
    : names.map((n) => (n === '-' ? { name: '-', stdin: r.stdin } : { name: n }));
  if (inputs.some((i) => i.stdin) && r.stdin.isTTY && args.explain !== true) {
    throw new UsageError('no input: name a FILE or DIR, or pipe logs to standard input (see --help)');
  }
  if (inputs.filter((i) => i.stdin).length > 1) throw new UsageError('standard input (-) named more than once');

  let zone: Intl.DateTimeFormat | undefined;
  if (args.tz !== undefined) {
    try {
      zone = zoneFormatter(String(args.tz));
    } catch {
      throw new UsageError(`--tz: unknown time zone '${String(args.tz)}'`);
    }
  } else if (local) {
    zone = zoneFormatter(undefined);
  }

  const contextBoth = count(args, 'context', '-C');
  const color = decideColor(args, r);
  const follow = args.follow === true;
  const output = ((args.output as string | undefined) ?? 'human') as OutputMode;
  const fields = args.fields !== undefined ? parseFieldList(String(args.fields)) : undefined;

  return {
    inputs,
    // Inverted, the expression stays sound for every byte prefilter derived from it: `not` gives none.
    expr: parts.length ? (invert ? { kind: 'not', item: and(parts.map((p) => p.expr)) } : and(parts.map((p) => p.expr))) : undefined,
    predicate,
    // -v keeps what the filters reject, and lines that are not records are rejected by every filter.
    invalid: (args.invalid as 'show' | 'hide' | undefined) ?? (invert ? 'show' : 'hide'),
    strict: args.strict === true,
    output,
    render: {
      color,
      theme: await makeTheme(color),
      zone,
      fields,
      // Remote records are labelled by host in human and table output only.
      labels: remote ? (output === 'human' || output === 'table' ? remote.labels : undefined)
        : inputs.length > 1 ? uniqueLabels(inputs) : undefined,
      terminal: r.stdoutIsTTY,
      width: terminalWidth(r),
    },
    count: args.count === true,
    stats: args.stats === true,
    maxCount: count(args, 'max-count', '-m'),
    tail: count(args, 'tail', '-n') ?? (follow ? 10 : undefined),
    before: count(args, 'before-context', '-B') ?? contextBoth ?? 0,
    after: count(args, 'after-context', '-A') ?? contextBoth ?? 0,
    context: contextBoth !== undefined || args['before-context'] !== undefined || args['after-context'] !== undefined,
    invert,
    follow,
    merge: args.merge !== false,
    maxLineBytes: maxLineBytes(args),
    aliases: withAliases(r.aliases),
    fastPaths: r.env.CHAINSAW_NO_FASTPATH !== '1',
    now,
    local,
    pager: decidePager(args, r, { output, follow, summary: args.count === true || args.stats === true }),
    threads: threadsOf(args.threads),
    remote,
  };
}

/** `-j N` or `-j auto`. */
function threadsOf(v: unknown): number | 'auto' {
  if (v === undefined || v === 'auto') return 'auto';
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new UsageError(`-j: expected a number of threads from 1 to 256, or auto, got '${String(v)}'`);
  return n;
}

/** The width table output fits: the terminal's, else $COLUMNS, else none (a pipe is not cut). */
function terminalWidth(r: ResolveEnv): number | undefined {
  if (r.stdoutIsTTY && r.stdoutColumns) return r.stdoutColumns;
  const env = Number(r.env.COLUMNS);
  return Number.isInteger(env) && env > 0 ? env : undefined;
}

/**
 * Paging, as git and bunyan do it: only on a terminal and never while following; by default for
 * human and table output of records; --pager for any output, --no-pager (or "pager": false in
 * the config file) never.
 */
function decidePager(args: ParsedArgs, r: ResolveEnv, run: { output: OutputMode; follow: boolean; summary: boolean }): boolean {
  if (!r.stdoutIsTTY || run.follow || args.pager === false) return false;
  if (args.pager === true) return true;
  return (run.output === 'human' || run.output === 'table') && !run.summary;
}
