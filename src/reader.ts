import { Entry } from './entry.js';
import { ChainsawError, InputError, type ErrorReporter } from './errors.js';
import { contentEnd, forEachLine, LineSplitter, type BlockKind } from './input/lines.js';
import { inputFiles, type ChunkOptions, type InputSpec } from './input/source.js';
import { backwardBlocks, type BackwardBlock } from './input/tail.js';
import { whyNotRecord } from './record/parse.js';
import { hitFinder } from './query/needles.js';
import { derivePrefilter, type LineTest } from './query/prefilter.js';
import type { Plan } from './cli/resolve.js';

const NL = 0x0a, OPEN = 0x7b;

/** What each input's reader needs, fixed for the run. */
export interface MatchContext {
  readonly plan: Plan;
  readonly needles: readonly Buffer[] | undefined;
  readonly test: LineTest | undefined;
  /** Keep lines that do not match (as context), marked matched = false. */
  readonly keepAll: boolean;
  /** Parse every kept line to learn its time (for the merge). */
  readonly needTime: boolean;
  /**
   * Pass a line longer than --max-line-bytes on whole, in pieces as it is read, instead of its
   * first bytes: raw output of every line in input order, where nothing else looks at it.
   */
  readonly passLong: boolean;
  /**
   * Every line is shown, and one that is not a record is shown as it is when it is printable
   * ASCII: a block of such lines may go on as one entry (see plainRun).
   */
  readonly passPlain: boolean;
  /** Every line is counted and nothing else is asked of it (-c without a filter): a block goes as one entry of its line count. */
  readonly countAll: boolean;
  /** Where a line longer than --max-line-bytes is reported (once per input), and a directory's unreadable files. */
  readonly report: ErrorReporter | undefined;
}

/** The longest line human output shows whole (render/human.ts). */
const SHOWN_LINE = 64 * 1024;

/**
 * Whether a block is whole lines of printable ASCII (no control character, so nothing to
 * escape; no `{`, so no record), none longer than human output shows whole.
 */
function isPlainRun(block: Buffer): boolean {
  if (block.length === 0 || block[block.length - 1] !== NL || block.indexOf(OPEN) >= 0) return false;
  let lineStart = 0;
  for (let i = 0; i < block.length; i++) {
    const c = block[i]!;
    if (c === NL) {
      if (i - lineStart > SHOWN_LINE) return false;
      lineStart = i + 1;
    } else if (c < 0x20 || c > 0x7e) {
      return false;
    }
  }
  return true;
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
  /** A line longer than --max-line-bytes was reported: once per input. */
  private toldOverlong = false;

  constructor(private readonly spec: InputSpec, private readonly index: number, private readonly ctx: MatchContext) {}

  /**
   * The entries of one block that match (and, with keepAll, those that do not). Blocks come in
   * file order; --strict counts every line, so its errors can name the line.
   */
  matchBlock(block: Buffer, cut = false): Entry[] {
    const { plan, test, keepAll, needTime } = this.ctx;
    const countLines = plan.strict;
    const out: Entry[] = [];
    const filtering = plan.predicate !== undefined;
    const keepInvalid = !filtering || plan.invalid === 'show';
    // A line without a `{` is no record, and records are all that is kept here: a block without
    // one is passed over whole (2-byte lines went through one at a time at 16 MB/s).
    if (plan.fastPaths && !keepInvalid && !keepAll && !countLines && block.indexOf(OPEN) < 0) return out;
    const visit = (s: number, e: number, next: number): boolean | void => {
      if (this.failed) return false;
      if (countLines) this.lineNo++;
      if (test && !test(block, s, e)) {
        if (keepAll) {
          const skipped = new Entry(block, s, e, next, this.index, plan.aliases);
          if (cut) skipped.markCut();
          skipped.matched = false;
          this.stamp(skipped);
          out.push(skipped);
        }
        return;
      }
      const entry = new Entry(block, s, e, next, this.index, plan.aliases);
      if (cut) entry.markCut();
      if (filtering || plan.strict) {
        const rec = entry.record;
        if (!rec) {
          if (plan.strict) {
            // The lines before it are still shown: the error is raised once they are out.
            const why = cut ? `line longer than ${plan.maxLineBytes} bytes (--max-line-bytes)` : whyNotRecord(block, s, e);
            this.failed = new ChainsawError(`${this.spec.name}:${this.lineNo}: ${why}`, 'STRICT');
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

  /** The entries of a block of whole lines; plain text shown as it is goes as one entry (2-byte lines ran at 4 MB/s one by one). */
  lineEntries(block: Buffer): Entry[] {
    if (this.ctx.countAll && this.ctx.plan.fastPaths && block.length > 0) {
      let lines = block[block.length - 1] === NL ? 0 : 1;
      for (let p = block.indexOf(NL); p >= 0; p = block.indexOf(NL, p + 1)) lines++;
      const all = new Entry(block, 0, 0, block.length, this.index, this.ctx.plan.aliases);
      all.lines = lines;
      return [all];
    }
    if (this.ctx.passPlain && this.ctx.plan.fastPaths && isPlainRun(block)) {
      const run = new Entry(block, 0, block.length - 1, block.length, this.index, this.ctx.plan.aliases);
      run.plainRun = true;
      return [run];
    }
    return this.matchBlock(block);
  }

  private stamp(entry: Entry): void {
    const t = entry.record?.time;
    entry.sortTime = t ?? this.lastTime;
    this.lastTime = entry.sortTime;
  }

  /** Reports the first line of this input longer than --max-line-bytes. */
  private overlong(file: string, lineNumber: () => number): void {
    if (this.toldOverlong) return;
    this.toldOverlong = true;
    const max = this.ctx.plan.maxLineBytes;
    const what = this.ctx.passLong ? 'passed through whole' : `kept as a non-JSON line of its first ${max} bytes`;
    this.ctx.report?.(new InputError(`${file}:${lineNumber()}: line longer than ${max} bytes (--max-line-bytes): ${what}`));
  }

  /** The entries of a block of the kind the line splitter says it is. */
  private take(block: Buffer, kind: BlockKind): Entry[] {
    // Every line out as it is (raw, no filter, into a pipe or file): the block goes as one entry.
    // One entry a line cost 0.4 µs and most of a GC: 2-byte lines ran at 7 MB/s and 215 MB.
    if (kind === 'lines' && this.ctx.passLong && this.ctx.plan.fastPaths && !this.ctx.plan.render.terminal && block.length > 0) {
      const end = block[block.length - 1] === NL ? block.length - 1 : block.length;
      return [new Entry(block, 0, end, block.length, this.index, this.ctx.plan.aliases)];
    }
    if (kind === 'lines') return this.lineEntries(block);
    if (kind === 'cut') return this.matchBlock(block, true);
    // A piece of a line passed through whole: shown as it comes, never parsed.
    const nl = block.length > 0 && block[block.length - 1] === NL ? block.length - 1 : block.length;
    const piece = new Entry(block, 0, kind === 'piece' ? block.length : contentEnd(block, 0, nl), block.length, this.index, this.ctx.plan.aliases);
    piece.markCut();
    piece.continues = kind === 'piece';
    return [piece];
  }

  /** Batches of entries, one per block that has any: blocks with none pass without a yield. */
  async *entries(opts: ChunkOptions): AsyncGenerator<Entry[]> {
    // A directory's file that cannot be read is reported and the next one read; without a reporter, it ends the input.
    const report = this.ctx.report ?? ((e: InputError) => { throw e; });
    for await (const file of inputFiles(this.spec, opts, report)) {
      const lines = new LineSplitter({
        maxBytes: this.ctx.plan.maxLineBytes,
        passThrough: this.ctx.passLong,
        countLines: file.lineAt === undefined,
        onOverlong: (at, line) => this.overlong(file.name, () => line ?? file.lineAt!(at)),
      });
      for await (const run of file.runs) {
        for (const block of lines.blocks(run)) {
          const out = this.take(block, lines.kind);
          if (out.length) yield out;
          if (this.failed) throw this.failed;
        }
      }
      for (const block of lines.end()) {
        const out = this.take(block, lines.kind);
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
    let blocks: AsyncGenerator<BackwardBlock> | undefined;
    const limit = { maxBytes: this.ctx.plan.maxLineBytes, onOverlong: (line: () => number) => this.overlong(this.spec.name, line) };
    try {
      blocks = await backwardBlocks(this.spec.name, limit, endAt);
    } catch {
      return undefined;
    }
    if (!blocks) return undefined;
    const found: Entry[][] = [];
    let total = 0;
    try {
      for await (const { block, cut } of blocks) {
        const m = this.matchBlock(block, cut);
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

/** Every line of one input goes on as it is read: no filter, no window, nothing held back. */
function everyLineOfOne(plan: Plan): boolean {
  return !plan.predicate && !plan.strict && !plan.stats && plan.maxCount === undefined && !plan.context && plan.tail === undefined
    && plan.inputs.length === 1;
}

/** Human output of every line of one input, without color: a line that is not a record is shown as it is. */
export function showsPlainAsIs(plan: Plan): boolean {
  return plan.output === 'human' && !plan.render.color && !plan.render.labels && !plan.count && everyLineOfOne(plan);
}

/** -c of every line of one input: lines are counted, not looked at. */
export function countsEveryLine(plan: Plan): boolean {
  return plan.count && everyLineOfOne(plan);
}

/** The reader context for a plan: its byte prefilter, and whether context and merge need every line's record. */
export function matchContext(plan: Plan, opts: { keepAll: boolean; needTime: boolean; passLong?: boolean; passPlain?: boolean; countAll?: boolean; report?: ErrorReporter }): MatchContext {
  // --strict looks at every line: a prefilter would pass over the ones that are not records.
  const prefilter = plan.fastPaths && plan.invalid !== 'show' && !plan.strict ? derivePrefilter(plan.expr, plan) : { needles: undefined, test: undefined };
  return { plan, needles: prefilter.needles, test: prefilter.test, passLong: opts.passLong ?? false, passPlain: opts.passPlain ?? false, countAll: opts.countAll ?? false, report: opts.report, keepAll: opts.keepAll, needTime: opts.needTime };
}

