/**
 * Literal text every match of a regular expression must contain, read from its source: for
 * `/timeout after \d+ ms/` it is "timeout after ". Only plain characters in sequence count;
 * classes, groups, escapes other than escaped punctuation, `.` and anchors end a run, and a
 * character made optional by `?`, `*` or `{0,…}` is dropped. With alternatives at the top level
 * (`/a|b/`) each must give one. Undefined whenever unsure: the caller then has no needle.
 */

const META = new Set(['.', '^', '$', '|', '(', ')', '[', ']', '{', '}', '*', '+', '?', '\\']);
/** Escaped characters that stand for themselves. */
const ESCAPED_SELF = /^[\^$\\.*+?()[\]{}|/\-,:;=!<>'"#%&@~`_ ]$/;
const MIN_LENGTH = 3;

/** The index just past a `[...]` class starting at `i`, or -1 when it does not close. */
function skipClass(src: string, i: number): number {
  let j = i + 1;
  if (src[j] === '^') j++;
  for (; j < src.length; j++) {
    if (src[j] === '\\') j++;
    else if (src[j] === ']') return j + 1;
  }
  return -1;
}

/** The index just past a `(...)` group starting at `i`, or -1 when it does not close. */
function skipGroup(src: string, i: number): number {
  let depth = 0;
  for (let j = i; j < src.length; j++) {
    const c = src[j];
    if (c === '\\') j++;
    else if (c === '[') {
      const end = skipClass(src, j);
      if (end < 0) return -1;
      j = end - 1;
    } else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return j + 1;
  }
  return -1;
}

/**
 * The index just past an escape sequence at `i` that stands for something else than its own
 * character: `\x41`, `\u0041`, `\u{1F600}`, `\cJ`, `\p{L}`, `\k<name>`, `\12`, `\d`.
 */
function skipEscape(src: string, i: number): number {
  const e = src[i + 1];
  const closing = (open: string, close: string): number => {
    if (src[i + 2] !== open) return i + 2;
    const end = src.indexOf(close, i + 3);
    return end < 0 ? src.length : end + 1;
  };
  switch (e) {
    case 'x': return i + 4;
    case 'u': return src[i + 2] === '{' ? closing('{', '}') : i + 6;
    case 'c': return i + 3;
    case 'p': case 'P': return closing('{', '}');
    case 'k': return closing('<', '>');
    default: {
      let j = i + 1;
      while (j < src.length && src[j]! >= '0' && src[j]! <= '9') j++;
      return j > i + 1 ? j : i + 2;
    }
  }
}

/** The alternatives at the top level: `a|b(c|d)` → `a`, `b(c|d)`; undefined if unbalanced. */
function topAlternatives(src: string): string[] | undefined {
  const out: string[] = [];
  let from = 0;
  for (let j = 0; j < src.length; j++) {
    const c = src[j];
    if (c === '\\') j++;
    else if (c === '[' || c === '(') {
      const end = c === '[' ? skipClass(src, j) : skipGroup(src, j);
      if (end < 0) return undefined;
      j = end - 1;
    } else if (c === '|') {
      out.push(src.slice(from, j));
      from = j + 1;
    }
  }
  out.push(src.slice(from));
  return out;
}

/** A quantifier at `i`: its length and whether it allows zero repetitions, or undefined. */
function quantifierAt(src: string, i: number): { length: number; optional: boolean } | undefined {
  const c = src[i];
  let length = 0;
  let optional = false;
  if (c === '*' || c === '?') [length, optional] = [1, true];
  else if (c === '+') length = 1;
  else if (c === '{') {
    const m = /^\{(\d+)(,\d*)?\}/.exec(src.slice(i));
    if (!m) return undefined;
    [length, optional] = [m[0].length, Number(m[1]) === 0];
  } else {
    return undefined;
  }
  if (src[i + length] === '?') length++;
  return { length, optional };
}

/** The longest run of required plain characters in one alternative, or undefined. */
function longestRun(src: string): string | undefined {
  let best = '';
  let run = '';
  const end = () => {
    if (run.length > best.length) best = run;
    run = '';
  };
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    let atom: string | undefined;
    if (c === '\\') {
      const e = src[i + 1];
      if (e === undefined) return undefined;
      atom = ESCAPED_SELF.test(e) ? e : undefined;
      i = atom === undefined ? skipEscape(src, i) : i + 2;
    } else if (c === '[') {
      i = skipClass(src, i);
      if (i < 0) return undefined;
    } else if (c === '(') {
      i = skipGroup(src, i);
      if (i < 0) return undefined;
    } else if (c === '{' && quantifierAt(src, i) === undefined) {
      // A `{` that is no quantifier: literal in old-style patterns; not worth the doubt.
      i++;
    } else if (META.has(c)) {
      i++;
    } else {
      // One UTF-16 unit at a time: a quantifier after an astral character applies to all of it.
      const cp = src.codePointAt(i)!;
      atom = String.fromCodePoint(cp);
      i += atom.length;
    }
    const q = quantifierAt(src, i);
    if (q) {
      i += q.length;
      if (q.optional || atom === undefined) {
        end();
        continue;
      }
      // Required at least once: it ends the run, repeated characters follow.
      run += atom;
      end();
      continue;
    }
    if (atom === undefined) end();
    else run += atom;
  }
  end();
  return best.length >= MIN_LENGTH ? best : undefined;
}

/**
 * One literal per top-level alternative, each of which every match of that alternative
 * contains; undefined when any alternative gives none or the flags make literals unreliable
 * (`i` folds case, `v` has another class syntax).
 */
export function requiredLiterals(source: string, flags = ''): string[] | undefined {
  if (flags.includes('i') || flags.includes('v')) return undefined;
  const alternatives = topAlternatives(source);
  if (!alternatives) return undefined;
  const out: string[] = [];
  for (const alt of alternatives) {
    const lit = longestRun(alt);
    if (lit === undefined) return undefined;
    out.push(lit);
  }
  return out;
}
