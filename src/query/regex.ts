import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import type { RE2JS as RE2JSType } from 're2js';

/**
 * Every regular expression a user writes (`-q ~`, a field's text on the right of `~`, --facility
 * globs) runs in time linear in the text it is tested on, whatever the text holds: a log line is
 * written by whoever reaches the service, and `/(a+)+$/` on 34 `a`s and a `!` would otherwise
 * run for hours.
 *
 * - Node's own engine, for the patterns V8's linear-time engine can also run (no `i` or `u` flag,
 *   no lookaround, no backreference): V8 then switches a match to that engine after too many
 *   backtracks (the flag below), so ordinary patterns keep irregexp's speed. Measured on Node 20:
 *   `/(a+)+$/` on 34 `a`s and `!` 1 ms with the flag, over a minute without.
 * - re2js (RE2 ported to JavaScript, linear by construction) for the patterns V8's linear engine
 *   refuses in Node 20: every pattern with the `i` or `u` flag (`/(a+)+$/i` ran 18 s with the flag
 *   set). It is about 20 times slower than irregexp on a simple pattern (166 ms against 7 ms over
 *   200,000 short lines for `/worker-3/i`), so it is used only there, and loaded only then.
 * - Refused, with the reason, when neither can run it (lookaround, backreferences, repeats
 *   over 1000): no engine runs those in linear time.
 * - A --facility glob (`^a.*b.*c(?:\.|$)`, as resolve.ts writes it) is matched by `starGlob`.
 */
setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');
// Allows the `l` flag, used only to ask V8 whether its linear engine can run a pattern.
setFlagsFromString('--enable-experimental-regexp-engine');

/** Text as a regex that matches it literally (only syntax characters escaped: the u flag refuses others). */
export function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** What a compiled user pattern offers: RegExp, the RE2 wrapper and the glob matcher alike. */
export interface TextMatcher {
  test(text: string): boolean;
}

/** A pattern that is valid JavaScript but cannot be run in linear time. */
export class UnsafeRegexError extends Error {}

let re2Module: typeof RE2JSType | undefined;

function loadRe2(): typeof RE2JSType {
  re2Module ??= (createRequire(import.meta.url)('re2js') as { RE2JS: typeof RE2JSType }).RE2JS;
  return re2Module;
}

function v8Linear(source: string, flags: string): boolean {
  if (flags.includes('i') || flags.includes('u')) return false;
  try {
    new RegExp(source, `${flags}l`);
    return true;
  } catch {
    return false;
  }
}

function re2Matcher(source: string, flags: string): TextMatcher {
  const RE2JS = loadRe2();
  let f = 0;
  if (flags.includes('i')) f |= RE2JS.CASE_INSENSITIVE;
  if (flags.includes('s')) f |= RE2JS.DOTALL;
  if (flags.includes('m')) f |= RE2JS.MULTILINE;
  try {
    const re = RE2JS.compile(RE2JS.translateRegExp(source), f);
    return { test: (text) => re.test(text) };
  } catch (e) {
    const why = String((e as Error).message).replace(/^error parsing regexp: /, '');
    throw new UnsafeRegexError(`cannot be run in linear time (${why}); lookaround, backreferences and repeats over 1000 are not supported`);
  }
}

const LITERAL_RUN = /^(?:[^\\.*+?()[\]{}|^$]|\\[.*+?^${}()|[\]\\/])*$/;
const LINE_TERMINATOR = /[\n\r\u2028\u2029]/;
const unescape = (s: string): string => s.replace(/\\(.)/g, '$1');

/**
 * `^L1.*L2.*…Ln(?:\.|$)` with plain literals: what a --facility glob compiles to. Matched without
 * backtracking: L1 a prefix, each middle literal at its leftmost place after the previous (as
 * early as possible leaves the most room for the rest), the last at any later place that ends the
 * text or is followed by a dot. Undefined for any other pattern.
 */
export function starGlob(source: string, flags: string): TextMatcher | undefined {
  if (flags !== '' || !source.startsWith('^') || !source.endsWith('(?:\\.|$)')) return undefined;
  const pieces = source.slice(1, -'(?:\\.|$)'.length).split('.*');
  if (pieces.length < 2 || !pieces.every((p) => LITERAL_RUN.test(p))) return undefined;
  const lits = pieces.map(unescape);
  const first = lits[0]!;
  const last = lits[lits.length - 1]!;
  const middle = lits.slice(1, -1);
  const native = new RegExp(source);
  return {
    test(text: string): boolean {
      // `.` stops at line terminators; such a text is left to the regex (linear too, see above).
      if (LINE_TERMINATOR.test(text)) return native.test(text);
      if (!text.startsWith(first)) return false;
      let pos = first.length;
      for (const lit of middle) {
        const at = text.indexOf(lit, pos);
        if (at < 0) return false;
        pos = at + lit.length;
      }
      // The last literal: any place at or after pos that the end or a dot follows.
      for (let at = text.indexOf(last, pos); at >= 0; at = text.indexOf(last, at + 1)) {
        const end = at + last.length;
        if (end === text.length || text.charCodeAt(end) === 0x2e) return true;
      }
      return false;
    },
  };
}

/**
 * A user's pattern, compiled to run in linear time. Throws SyntaxError for an invalid pattern
 * (with JavaScript's message) and UnsafeRegexError for one no linear engine can run.
 */
export function compileUserRegex(source: string, flags: string): TextMatcher {
  const native = new RegExp(source, flags);
  const glob = starGlob(source, flags);
  if (glob) return glob;
  if (v8Linear(source, flags)) return native;
  return re2Matcher(source, flags);
}

/** The reason shown at the column for a pattern compileUserRegex refused. */
export function regexError(e: unknown): string {
  const message = (e as Error).message;
  return e instanceof UnsafeRegexError ? `regex ${message}` : `invalid regex: ${message.replace(/^Invalid regular expression: /, '')}`;
}
