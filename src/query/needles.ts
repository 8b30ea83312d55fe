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

const alternations = new WeakMap<readonly Buffer[], RegExp>();

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

function alternationFinder(block: Buffer, needles: readonly Buffer[]): HitFinder {
  let re = alternations.get(needles);
  if (!re) {
    // Of two needles at one place either is a hit: only where a match starts is used.
    const sources = [...new Set(needles.map((n) => n.toString('latin1')))].map(escapeRegex);
    re = new RegExp(sources.join('|'), 'g');
    alternations.set(needles, re);
  }
  const text = block.toString('latin1');
  const alt = re;
  let last = -2;
  return {
    next(from) {
      if (last >= from) return last;
      alt.lastIndex = from;
      const m = alt.exec(text);
      last = m ? m.index : -1;
      return last;
    },
  };
}

/** The finder for a block: native searches for a few needles, one alternation for many. */
export function hitFinder(block: Buffer, needles: readonly Buffer[]): HitFinder {
  return needles.length > MANY ? alternationFinder(block, needles) : nativeFinder(block, needles);
}
