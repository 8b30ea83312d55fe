import { parseLine } from './record/parse.js';
import type { LogRecord } from './record/record.js';
import type { AliasTable } from './record/shapes.js';

/**
 * One line of one input on its way through the pipeline: its bytes as a range of the block it
 * was read in (no string is made until something needs one), and its record, parsed on demand.
 */
export class Entry {
  private parsed: LogRecord | null | undefined = undefined;
  /** Set after the filter ran: false for a context line. */
  matched = true;
  /** Merge key: the record's time, or the time of the previous record of the same input. */
  sortTime = 0;
  /** A piece of a line longer than --max-line-bytes, passed through whole: the line goes on in the next entry. */
  continues = false;
  /**
   * Whole lines of printable ASCII, none a record, taken as one entry where each would be shown
   * as it is (human output without color): the block's lines, [start, next).
   */
  plainRun = false;
  /** How many lines the entry stands for: a block counted whole (-c of every line) stands for all of its lines. */
  lines = 1;
  /** The first --max-line-bytes of a longer line: never a record, whatever those bytes are. */
  private cut = false;

  constructor(
    readonly block: Buffer,
    /** Content [start, end); the line's terminator runs to `next`. */
    readonly start: number,
    readonly end: number,
    readonly next: number,
    readonly input: number,
    private readonly aliases: AliasTable,
  ) {}

  /** The record, or undefined when the line is not a JSON object. */
  get record(): LogRecord | undefined {
    if (this.parsed === undefined) this.parsed = this.cut ? null : parseLine(this.block, this.start, this.end, this.aliases) ?? null;
    return this.parsed ?? undefined;
  }

  /** Marks the line as cut at --max-line-bytes: a non-JSON line. */
  markCut(): void {
    this.cut = true;
  }

  /** Drops the parsed record (it is parsed again if asked for). */
  forget(): void {
    this.parsed = undefined;
  }

  /** The line's content without its terminator, decoded. */
  text(): string {
    return this.block.toString('utf8', this.start, this.end);
  }

  /** The bytes exactly as read, terminator included (none on a last line without one). */
  raw(): Buffer {
    return this.block.subarray(this.start, this.next);
  }

  get hasNewline(): boolean {
    return this.next > this.end;
  }
}
