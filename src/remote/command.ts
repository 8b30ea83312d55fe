import type { Plan, RemotePlan } from '../cli/resolve.js';
import type { Expr, Operand } from '../query/ast.js';
import { derivePrefilter } from '../query/prefilter.js';
import { printExpr } from '../query/print.js';
import { parseUserTime } from '../record/time.js';

/**
 * The commands run on a host. Each is one line of POSIX sh, run as `exec sh -c '…'` so that a
 * login shell of any family (bash, zsh, csh, fish) hands it to sh unchanged. Every word that
 * comes from the user reaches sh single-quoted; only the glob characters of a PATH are left
 * bare, for the remote sh to expand.
 */

/** One word for sh, single-quoted: nothing in it is expanded or run. */
export function shQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A PATH for sh: single-quoted except for its glob characters `* ? [ ]`, which sh expands. */
export function quotePath(path: string): string {
  return path.split(/([*?[\]]+)/).map((part, i) => (i % 2 === 1 ? part : part === '' ? '' : shQuote(part))).join('');
}

export function hasGlob(path: string): boolean {
  return /[*?[\]]/.test(path);
}

/** The line as a host's login shell receives it. */
export function remoteLine(script: string): string {
  return `exec sh -c ${shQuote(script)}`;
}

/**
 * Ends the script's process group when the ssh connection goes away: sshd does not signal the
 * commands of a session without a terminal, so a `cat` of a FIFO, or a remote chainsaw scanning a
 * big file, would otherwise outlive the run. sshd is the parent of this sh (the login shell
 * exec'd it); when sshd is gone, so is the client. A parent of 1 means it went before sh started.
 */
const WATCHDOG = 'p=$PPID; [ $p != 1 ] || exit 1; ( while kill -0 $p 2>/dev/null; do sleep 1; done; kill -TERM 0 ) </dev/null >/dev/null 2>&1 & w=$!';
const END = 'kill $w 2>/dev/null; exit $s';

/**
 * The first command on each host: whether chainsaw is on its PATH (its `--version`), and the
 * files each PATH names there (globs expanded by the remote sh). The answer is NUL-separated:
 * `V<version>`, then `F<path>` per file, in argument order.
 */
export function listCommand(paths: readonly string[]): string {
  const loops = paths.map((p) => `for f in ${quotePath(p)}; do printf 'F%s\\0' "$f"; done`);
  return remoteLine(['v=$(chainsaw --version </dev/null 2>/dev/null)', `printf 'V%s\\0' "$v"`, ...loops].join('; '));
}

export interface Listing {
  /** The remote chainsaw's version, when one answered `chainsaw X.Y.Z`. */
  readonly version: string | undefined;
  readonly files: readonly string[];
}

export function parseListing(out: Buffer): Listing {
  let version: string | undefined;
  const files: string[] = [];
  for (const item of out.toString('utf8').split('\0')) {
    if (item.startsWith('V')) {
      const m = /^chainsaw (\d+\.\d+\.\d+\S*)$/.exec(item.slice(1).trim());
      if (m) version = m[1];
    } else if (item.startsWith('F')) files.push(item.slice(1));
  }
  return { version, files };
}

export function majorOf(version: string): string {
  return version.split('.')[0]!;
}

/**
 * A time operand as the instant this run means by it: `15m`, `09:14` and `today` depend on the
 * clock and the zone, and the host's are not ours. Integer milliseconds since the epoch read back
 * exactly; anything else is left as written (an epoch with a fraction is absolute already).
 */
function absoluteTimes(e: Expr, plan: Plan): Expr {
  const fix = (o: Operand): Operand => {
    if (o.kind === 'list') return { ...o, items: o.items.map(fix) };
    if (o.kind !== 'string') return o;
    const ms = parseUserTime(o.value, plan.now, plan.local);
    return ms !== undefined && Number.isInteger(ms) ? { ...o, value: String(ms) } : o;
  };
  const isTime = (o: Operand) => o.kind === 'field' && o.path.length === 1 && o.path[0] === 'time';
  switch (e.kind) {
    case 'and': case 'or': return { ...e, items: e.items.map((x) => absoluteTimes(x, plan)) };
    case 'not': return { ...e, item: absoluteTimes(e.item, plan) };
    case 'compare':
      if (isTime(e.left)) return { ...e, right: fix(e.right) };
      if (isTime(e.right)) return { ...e, left: fix(e.left) };
      return e;
    default: return e;
  }
}

/**
 * What a remote chainsaw is asked for: the run's whole filter as one -q expression, and -n/-m
 * when the remote selection is exactly the local one. With context (-A/-B/-C apply to the merged
 * timeline, whose neighbours can come from any host), --strict (line numbers are the host's),
 * --invalid show, or field aliases from this machine's config (the host's chainsaw does not know
 * them), every line is sent and the filter runs here only. Whatever a host sends, the full filter runs again here.
 */
export function remoteChainsawArgs(plan: Plan, remote: RemotePlan): string[] {
  const args = ['--no-config', '-o', 'raw'];
  const context = plan.before > 0 || plan.after > 0;
  // --invalid show: a line without a time is placed by the record before it, which must come too.
  if (context || plan.strict || remote.customAliases || plan.invalid === 'show') return args;
  if (plan.expr) args.push('-q', printExpr(absoluteTimes(plan.expr, plan)));
  if (plan.tail !== undefined) args.push('-n', String(plan.tail));
  if (plan.maxCount !== undefined) args.push('-m', String(plan.maxCount));
  return args;
}

/**
 * The literal needles of the fallback's `grep -F`: every line that can match holds one of them
 * (the same needles the local reader searches for). None with context, --strict or --invalid
 * show, which need the lines that do not match too.
 */
export function grepNeedles(plan: Plan): string[] | undefined {
  if (!plan.fastPaths || plan.invalid === 'show' || plan.strict || plan.before > 0 || plan.after > 0) return undefined;
  const needles = derivePrefilter(plan.expr, plan).needles;
  if (!needles) return undefined;
  const words = needles.map((n) => n.toString('utf8'));
  // A NUL cannot be passed to grep, and a needle that is not text would not survive as one.
  if (words.some((w, i) => w.includes('\0') || !Buffer.from(w, 'utf8').equals(needles[i]!))) return undefined;
  return words;
}

/** An error line as chainsaw itself words it, so both routes report alike. */
const complain = (reason: string) => `printf 'chainsaw: %s: ${reason}\\n' "$f" >&2; s=2`;

/**
 * Reads one file or svlogd directory with POSIX tools: the rotated `@*.s`/`@*.u` in name order
 * then `current`, gzip through `gzip -dc` (found by its magic, as chainsaw does), narrowed by
 * `grep -F` when the filter implies literal needles. Errors are worded as chainsaw words them.
 */
function fallbackScript(path: string, needles: readonly string[] | undefined): string {
  const narrow = needles ? `LC_ALL=C grep -aF ${needles.map((n) => `-e ${shQuote(n)}`).join(' ')}` : 'cat';
  return [
    `f=${shQuote(path)}`,
    's=0',
    'LC_ALL=C; export LC_ALL',
    // One file, decompressed when it starts with the gzip magic (a FIFO is not peeked at).
    `r() { if [ -f "$1" ] && [ "$(od -An -tx1 -N2 "$1" 2>/dev/null | tr -d ' \\n')" = 1f8b ]; then gzip -dc <"$1"; else cat <"$1"; fi; }`,
    'if [ -d "$f" ]; then n=0; for g in "$f"/@*.[su] "$f"/current; do [ -f "$g" ] && n=1; done; '
      + `[ $n = 1 ] || { ${complain('Is a directory (not an svlogd log directory: no current, no @*.s)')}; }; `
      + `elif [ ! -e "$f" ]; then ${complain('No such file or directory')}; `
      + `elif [ ! -r "$f" ]; then ${complain('Permission denied')}; fi`,
    `if [ $s = 0 ]; then if [ -d "$f" ]; then for g in "$f"/@*.[su] "$f"/current; do if [ -f "$g" ]; then r "$g"; fi; done; else r "$f"; fi | ${narrow}; fi`,
  ].join('; ');
}

/** The host's own chainsaw on one file or directory. */
function chainsawScript(path: string, args: readonly string[]): string {
  return `chainsaw ${args.map(shQuote).join(' ')} -- ${shQuote(path)} </dev/null; s=$?`;
}

export function fallbackCommand(path: string, needles: readonly string[] | undefined): string {
  return remoteLine([WATCHDOG, fallbackScript(path, needles), END].join('; '));
}

export function chainsawCommand(path: string, args: readonly string[]): string {
  return remoteLine([WATCHDOG, chainsawScript(path, args), END].join('; '));
}

/**
 * Probes and reads in one connection, for a PATH without globs (nothing to list first): the
 * host's chainsaw when it answers with our major version, else the POSIX tools, saying why
 * when a chainsaw of another version is there.
 */
export function probingCommand(path: string, major: string, args: readonly string[], needles: readonly string[] | undefined): string {
  const other = `[ -z "$v" ] || printf '%s there is not version ${major}: reading with POSIX tools, filtering here\\n' "$v" >&2`;
  const script = [
    WATCHDOG,
    'v=$(chainsaw --version </dev/null 2>/dev/null)',
    `case "$v" in "chainsaw ${major}."*) ${chainsawScript(path, args)};; *) ${other}; ${fallbackScript(path, needles)};; esac`,
    END,
  ];
  return remoteLine(script.join('; '));
}

/** Where a POSIX follower resumes: the file's inode and the offset after the last whole line received. */
export interface FollowPoint {
  readonly inode: string;
  readonly offset: number;
}

/**
 * Follows one file or svlogd directory (its `current`) by name through rotation with
 * `tail -c +OFFSET -F`. The first line sent is a header, `start|resumed|lost INODE OFFSET`:
 * from its last `n` lines at first; on a reconnection from `from` when the file is the same
 * one (inode) and not shorter, else from its end (`lost`: what was written meanwhile is gone).
 */
function tailFollowScript(path: string, n: number, from: FollowPoint | undefined): string {
  const where = from && /^\d+$/.test(from.inode)
    ? `if [ "$i" = ${from.inode} ] && [ $z -ge ${from.offset} ]; then k=resumed; o=${from.offset}; else k=lost; o=$z; fi`
    : from ? 'k=lost; o=$z' : `k=start; o=$((z - $(tail -n ${n} "$f" 2>/dev/null | wc -c)))`;
  return [
    `f=${shQuote(path)}`, 'if [ -d "$f" ]; then f="$f/current"; fi',
    'i=-; z=0; if [ -f "$f" ]; then set -f; set -- $(ls -di "$f"); i=$1; set +f; z=$(wc -c <"$f"); z=$((z)); fi',
    where,
    `printf '%s %s %s\\n' $k $i $o`,
    'tail -c +$((o + 1)) -F "$f" </dev/null; s=$?',
  ].join('; ');
}

/**
 * Follows one file or svlogd directory: the host's chainsaw -F where it has ours (with the
 * filter; it gives no header: the first line is already a record), else tail -F with a header
 * (see tailFollowScript). A reconnection (`from`) always takes the tail -F way, which can resume.
 */
export function followCommand(path: string, n: number, major: string, args: readonly string[], posixOnly: boolean, from?: FollowPoint): string {
  const tail = tailFollowScript(path, n, from);
  if (posixOnly || from) return remoteLine([WATCHDOG, tail, END].join('; '));
  const chainsaw = `echo chainsaw; chainsaw ${['-F', '-n', String(n), ...args].map(shQuote).join(' ')} -- ${shQuote(path)} </dev/null; s=$?`;
  const script = [
    WATCHDOG,
    'v=$(chainsaw --version </dev/null 2>/dev/null)',
    `case "$v" in "chainsaw ${major}."*) ${chainsaw};; *) ${tail};; esac`,
    END,
  ];
  return remoteLine(script.join('; '));
}
