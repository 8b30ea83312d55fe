import { readFileSync } from 'node:fs';
import { UsageError, describeSystemError } from '../errors.js';

/**
 * Expands one bracket range body, `1-3`, `01-12` (padding kept), `1,3,5-7`, into its values.
 * Returns undefined when the body is not a range list (the brackets are then a usage error).
 */
function expandRangeBody(body: string): string[] | undefined {
  const out: string[] = [];
  for (const part of body.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) return undefined;
    const lo = m[1]!, hi = m[2] ?? m[1]!;
    const from = Number(lo), to = Number(hi);
    if (to < from) return undefined;
    // pdsh and ClusterShell keep the width of the first bound when it has leading zeros.
    const width = lo.length > 1 && lo.startsWith('0') ? lo.length : 0;
    if (to - from > 100_000) return undefined;
    for (let i = from; i <= to; i++) out.push(String(i).padStart(width, '0'));
  }
  return out;
}

/** `web[01-02].dc[1,3]` → web01.dc1 web01.dc3 web02.dc1 web02.dc3 (each bracket expands in turn). */
function expandOne(pattern: string, whole: string): string[] {
  const open = pattern.indexOf('[');
  if (open < 0) {
    if (pattern.includes(']')) throw new UsageError(`-H: unbalanced ']' in '${printable(whole)}'`);
    return [pattern];
  }
  const close = pattern.indexOf(']', open);
  if (close < 0) throw new UsageError(`-H: unbalanced '[' in '${printable(whole)}'`);
  const values = expandRangeBody(pattern.slice(open + 1, close));
  if (!values) throw new UsageError(`-H: bad range '${printable(pattern.slice(open, close + 1))}' in '${printable(whole)}' (expected [1-3], [01-12] or [1,3,5-7])`);
  const head = pattern.slice(0, open);
  const tails = expandOne(pattern.slice(close + 1), whole);
  return values.flatMap((v) => tails.map((t) => head + v + t));
}

/** Splits on the commas that are outside brackets: `db[1,3],api1` → `db[1,3]`, `api1`. */
function splitTop(list: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const c of list) {
    if (c === '[') depth++;
    else if (c === ']') depth = Math.max(0, depth - 1);
    if (c === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  return parts;
}

/** A host name for an error message: control characters shown escaped, never sent raw. */
function printable(s: string): string {
  return s.replace(/[\x00-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/**
 * Refuses what ssh could take for an option, or what could not be one host: a name beginning with
 * `-` (`-oProxyCommand=...` would run a command), whitespace, control characters.
 */
export function checkHost(host: string): string {
  if (host === '') throw new UsageError('-H: empty host name');
  if (host.startsWith('-')) throw new UsageError(`-H: a host may not begin with '-': '${printable(host)}'`);
  if (/[\s\x00-\x1f\x7f-\x9f\u2028\u2029]/.test(host)) throw new UsageError(`-H: a host may not hold whitespace or control characters: '${printable(host)}'`);
  const at = host.lastIndexOf('@');
  if (at === 0 || at === host.length - 1) throw new UsageError(`-H: bad user@host '${printable(host)}'`);
  if (host.slice(at + 1).startsWith('-')) throw new UsageError(`-H: a host may not begin with '-': '${printable(host)}'`);
  return host;
}

/** One -H value: a comma list of hosts and ranges, `user@` allowed before each. */
export function expandHostList(list: string): string[] {
  const hosts: string[] = [];
  for (const part of splitTop(list)) {
    if (part === '') throw new UsageError(`-H: empty host name in '${printable(list)}'`);
    // Checked as written (a control character may look like a range), then each expanded name.
    checkHost(part);
    for (const h of expandOne(part, list)) hosts.push(checkHost(h));
  }
  return hosts;
}

/** A hosts file: one host (or list) a line, `#` comments, blank lines ignored. */
export function parseHostsFile(text: string, name: string): string[] {
  const hosts: string[] = [];
  for (const line of text.split('\n')) {
    const body = line.replace(/#.*$/, '').trim();
    if (body === '') continue;
    try {
      hosts.push(...expandHostList(body));
    } catch (e) {
      if (e instanceof UsageError) throw new UsageError(`--hosts-file ${name}: ${e.message.replace(/^-H: /, '')}`);
      throw e;
    }
  }
  return hosts;
}

/** Every host named by -H and --hosts-file, in order, each once. */
export function resolveHosts(lists: readonly string[], files: readonly string[]): string[] {
  const all: string[] = [];
  for (const l of lists) all.push(...expandHostList(l));
  for (const f of files) {
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch (e) {
      throw new UsageError(`--hosts-file: ${f}: ${describeSystemError(e)}`, { cause: e });
    }
    all.push(...parseHostsFile(text, f));
  }
  return [...new Set(all)];
}
