import { Entry } from './entry.js';
import { ChainsawError, InputError } from './errors.js';
import { contentEnd, forEachLine, lineBlocks } from './input/lines.js';
import { inputChunks, type ChunkOptions, type InputSpec } from './input/source.js';
import { backwardBlocks } from './input/tail.js';
import { whyNotRecord } from './record/parse.js';
import { hitFinder } from './query/needles.js';
import { derivePrefilter, type LineTest } from './query/prefilter.js';
import type { Plan } from './cli/resolve.js';

const NL = 0x0a;

/** What each input's reader needs, fixed for the run. */
export interface MatchContext {
  readonly plan: Plan;
  readonly needles: readonly Buffer[] | undefined;
  readonly test: LineTest | undefined;
  /** Keep lines that do not match (as context), marked matched = false. */
  readonly keepAll: boolean;
  /** Parse every kept line to learn its time (for the merge). */
  readonly needTime: boolean;
}

/**
 * Calls `each` for every line of the block that contains one of the needles: the block is
 * searched for the needles directly, and lines between hits are never looked at.
 */
function forEachCandidate(block: Buffer, needles: readonly Buffer[], each: (s: number, e: number, next: number) => boolean | void): void {
  const hits = hitFinder(block, needles);
  let pos = 0;
  for (;;) {
    const hit = hits.next(pos);
    if (hit < 0) return;
    const start = hit === 0 ? 0 : block.lastIndexOf(NL, hit - 1) + 1;
    let nl = block.indexOf(NL, hit);
    const next = nl < 0 ? block.length : nl + 1;
    if (nl < 0) nl = block.length;
    if (each(start, contentEnd(block, start, nl), next) === false) return;
    pos = next;
  }
}

/** Reads one input and keeps the lines that match: forwards in blocks, or backwards for -n. */
export class InputReader {
  private lineNo = 0;
  private lastTime = -Infinity;
  /** The --strict error, raised after the lines before it have been passed on. */
  private failed: ChainsawError | undefined;

  constructor(private readonly spec: InputSpec, private readonly index: number, private readonly ctx: MatchContext) {}

  /**
   * The entries of one block that match (and, with keepAll, those that do not). Blocks come in
   * file order; --strict counts every line, so its errors can name the line.
   */
  matchBlock(block: Buffer): Entry[] {
    const { plan, test, keepAll, needTime } = this.ctx;
    const countLines = plan.strict;
    const out: Entry[] = [];
    const filtering = plan.predicate !== undefined;
    const keepInvalid = !filtering || plan.invalid === 'show';
    const visit = (s: number, e: number, next: number): boolean | void => {
      if (this.failed) return false;
      if (countLines) this.lineNo++;
      if (test && !test(block, s, e)) {
        if (keepAll) {
          const skipped = new Entry(block, s, e, next, this.index, plan.aliases);
          skipped.matched = false;
          this.stamp(skipped);
          out.push(skipped);
        }
        return;
      }
      const entry = new Entry(block, s, e, next, this.index, plan.aliases);
      if (filtering || plan.strict) {
        const rec = entry.record;
        if (!rec) {
          if (plan.strict) {
            // The lines before it are still shown: the error is raised once they are out.
            this.failed = new ChainsawError(`${this.spec.name}:${this.lineNo}: ${whyNotRecord(block, s, e)}`, 'STRICT');
            return false;
          }
          entry.matched = keepInvalid;
        } else {
          entry.matched = !filtering || plan.predicate!(rec);
        }
      }
      if (needTime) this.stamp(entry);
      if (entry.matched || keepAll) out.push(entry);
    };
    if (this.ctx.needles && !countLines && !keepAll) forEachCandidate(block, this.ctx.needles, visit);
    else forEachLine(block, visit);
    return out;
  }

  private stamp(entry: Entry): void {
    const t = entry.record?.time;
    entry.sortTime = t ?? this.lastTime;
    this.lastTime = entry.sortTime;
  }

  /** Batches of entries, one per block that has any: blocks with none pass without a yield. */
  async *entries(opts: ChunkOptions): AsyncGenerator<Entry[]> {
    for await (const blocks of lineBlocks(inputChunks(this.spec, opts))) {
      for (const block of blocks) {
        const out = this.matchBlock(block);
        if (out.length) yield out;
        if (this.failed) throw this.failed;
      }
    }
  }

  /**
   * The last `n` matches of a seekable file, read from its end; undefined when the input cannot be
   * read backwards (stdin, gzip, a directory).
   */
  async lastMatches(n: number, endAt?: number): Promise<Entry[] | undefined> {
    if (this.spec.stdin) return undefined;
    let blocks: AsyncGenerator<Buffer> | undefined;
    try {
      blocks = await backwardBlocks(this.spec.name, endAt);
    } catch {
      return undefined;
    }
    if (!blocks) return undefined;
    const found: Entry[][] = [];
    let total = 0;
    try {
      for await (const block of blocks) {
        const m = this.matchBlock(block);
        found.unshift(m);
        total += m.length;
        if (total >= n) break;
      }
    } catch (e) {
      throw new InputError(`${this.spec.name}: ${(e as Error).message}`, { cause: e });
    } finally {
      await blocks.return(undefined);
    }
    const all = found.flat();
    if (this.ctx.needTime) {
      // Times were stamped newest block first; restamp in file order.
      this.lastTime = -Infinity;
      for (const e of all) this.stamp(e);
    }
    return all.slice(Math.max(0, all.length - n));
  }
}

/** The reader context for a plan: its byte prefilter, and whether context and merge need every line's record. */
export function matchContext(plan: Plan, opts: { keepAll: boolean; needTime: boolean }): MatchContext {
  const prefilter = plan.fastPaths && plan.invalid !== 'show' ? derivePrefilter(plan.expr, plan) : { needles: undefined, test: undefined };
  return { plan, needles: prefilter.needles, test: prefilter.test, ...opts };
}

