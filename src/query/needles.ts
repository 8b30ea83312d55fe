import { escapeRegex } from './regex.js';

/**
 * Where the next line that can match starts: the first place at or after a position where any of
 * the prefilter's needles occurs in a block.
 */
export interface HitFinder {
  next(from: number): number;
}

/**
 * Above this many needles one pass of a regex over the block beats a native search per needle:
 * 4,000 ORed `contains` (a list of transaction ids) searched needle by needle took 107 s over 354
 * MB; V8 runs an alternation of literals over the block decoded as latin1 (one character per
 * byte, so offsets are byte offsets) at ~400 MB/s whatever their number.
 */
const MANY = 8;

const NL = 0x0a;
/** The most of a block decoded for the alternation at once. */
const PIECE = 48 * 1024;

/** Each needle searched natively, remembering its next occurrence so a block is scanned once per needle. */
function nativeFinder(block: Buffer, needles: readonly Buffer[]): HitFinder {
  const nextHit = needles.map((n) => block.indexOf(n));
  return {
    next(from) {
      let hit = -1;
      for (let k = 0; k < needles.length; k++) {
        let p = nextHit[k]!;
        if (p !== -1 && p < from) nextHit[k] = p = block.indexOf(needles[k]!, from);
        if (p !== -1 && (hit === -1 || p < hit)) hit = p;
      }
      return hit;
    },
  };
}

/**
 * The needles as one pattern that branches only where they differ (`\.rh-(?:Z[0-9a-z]|Qx…)`):
 * V8 then tests the common start once, not once per needle (4,000 transaction ids, 354 MB:
 * 0.54 s as a flat alternation, 0.42 s so). Only where a match starts is used, so a needle that
 * another one extends ends the branch.
 */
export function triePattern(words: readonly string[]): string {
  type Node = Map<string, Node | null>;
  const root: Node = new Map();
  for (const w of words) {
    let node = root;
    for (const ch of w) {
      let next = node.get(ch);
      if (!next) node.set(ch, (next = new Map()));
      node = next;
    }
    node.set('', null);
  }
  const emit = (node: Node): string => {
    if (node.has('')) return '';
    const leaves: string[] = [];
    const branches: string[] = [];
    for (const [ch, child] of node) {
      const rest = emit(child!);
      if (rest === '') leaves.push(escapeRegex(ch));
      else branches.push(escapeRegex(ch) + rest);
    }
    const leafClass = leaves.length > 1 ? `[${leaves.map((c) => (c === ']' || c === '^' || c === '-' ? `\\${c}` : c)).join('')}]` : leaves[0];
    const alts = leafClass === undefined ? branches : [leafClass, ...branches];
    return alts.length === 1 ? alts[0]! : `(?:${alts.join('|')})`;
  };
  return emit(root);
}

function alternationFinder(block: Buffer, alt: RegExp): HitFinder {
  // The block is decoded a piece at a time, cut at line ends (no needle holds a newline, so no
  // match is cut): a string of a whole 128 KB block is a large object, and those cost a tenth
  // of the run in garbage collection.
  let base = 0;
  let text = '';
  let last = -2;
  return {
    next(from) {
      if (last >= from) return last;
      for (;;) {
        if (from >= block.length) return (last = -1);
        if (from < base || from >= base + text.length) {
          let end = Math.min(block.length, from + PIECE);
          if (end < block.length) {
            const nl = block.lastIndexOf(NL, end - 1);
            end = nl >= from ? nl + 1 : block.indexOf(NL, end) + 1 || block.length;
          }
          base = from;
          text = block.toString('latin1', from, end);
        }
        alt.lastIndex = from - base;
        const m = alt.exec(text);
        if (m) return (last = base + m.index);
        from = base + text.length;
      }
    },
  };
}

/**
 * Many needles, prepared once: the short ones (the `\u` every text needle brings) searched
 * natively, since in the pattern they would be one more branch at its root, where V8 skips
 * ahead by the common start (the ids' regex ran 160 ms with `|\\u`, 92 ms without); the rest
 * as one pattern, or none when all are short.
 */
interface ManyNeedles {
  readonly short: readonly Buffer[];
  readonly pattern: RegExp | undefined;
}

const prepared = new WeakMap<readonly Buffer[], ManyNeedles>();

function prepare(needles: readonly Buffer[]): ManyNeedles {
  let many = prepared.get(needles);
  if (!many) {
    const long = needles.filter((n) => n.length >= 3).map((n) => n.toString('latin1'));
    many = { short: needles.filter((n) => n.length < 3), pattern: long.length ? new RegExp(triePattern(long), 'g') : undefined };
    prepared.set(needles, many);
  }
  return many;
}

/** The finder for a block: native searches for a few needles, one pattern for many. */
export function hitFinder(block: Buffer, needles: readonly Buffer[]): HitFinder {
  if (needles.length <= MANY) return nativeFinder(block, needles);
  const { short, pattern } = prepare(needles);
  if (!pattern) return nativeFinder(block, short);
  const long = alternationFinder(block, pattern);
  if (short.length === 0) return long;
  const native = nativeFinder(block, short);
  return {
    next(from) {
      const a = native.next(from);
      const b = long.next(from);
      return a < 0 ? b : b < 0 ? a : Math.min(a, b);
    },
  };
}
