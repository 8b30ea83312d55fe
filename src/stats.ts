import type { LogRecord } from './record/record.js';
import { validTime } from './record/time.js';

/** The counts of one distinct-value table: the values kept, and how many other values were seen. */
export interface ValueCounts {
  /** Value and count, most frequent first. */
  readonly rows: [string, number][];
  /** Distinct values not in rows (approximate once more than MAX_VALUES were seen). */
  readonly more: number;
}

/** The --stats summary of the matching records. */
export interface Summary {
  records: number;
  invalid: number;
  /** Records without a time, or with one no date can hold. */
  noTime: number;
  levels: { [level: string]: number };
  facilities: ValueCounts;
  hosts: ValueCounts;
  txnIds: ValueCounts;
  /** With -H: records per ssh host (the host they were read on, not their host field). */
  sshHosts?: ValueCounts;
  first: number | undefined;
  last: number | undefined;
  /** Bucket start (ms) and count; empty without times; never more than MAX_BUCKETS. */
  histogram: { start: number; count: number }[];
  bucketMs: number;
}

export const MAX_BUCKETS = 60;
const DAY = 86400e3;
const YEAR = 365 * DAY;
const BUCKETS = [1, 10, 100, 1e3, 5e3, 10e3, 30e3, 60e3, 300e3, 600e3, 1800e3, 3600e3, 3 * 3600e3, 6 * 3600e3, 12 * 3600e3, DAY, 7 * DAY, 30 * DAY];
/** Exact times kept (8 MB); past that, counts per coarse bucket. */
const MAX_TIMES = 1 << 20;
/** Coarse buckets kept before they are merged into wider ones: minute, hour, day, year, then years. */
const MAX_COARSE = 100_000;
const COARSE_WIDTHS = [60e3, 3600e3, DAY, YEAR, 100 * YEAR];
/** Distinct values counted per table; past twice this, the least frequent are dropped. */
const MAX_VALUES = 500;
/** Values are counted by their first characters: a 50 MB facility must not be kept whole. */
const MAX_VALUE_LENGTH = 200;

/**
 * Counts of distinct values in a fixed memory budget: exact until 2 × MAX_VALUES values were
 * seen, then the table is cut back to the MAX_VALUES most frequent. A frequent value stays; the
 * values dropped are counted as "more" (a value dropped twice counts twice).
 */
class TopValues {
  private counts = new Map<string, number>();
  private dropped = 0;

  add(value: string): void {
    const key = value.length > MAX_VALUE_LENGTH ? `${value.slice(0, MAX_VALUE_LENGTH)}…` : value;
    const n = this.counts.get(key);
    if (n !== undefined) {
      this.counts.set(key, n + 1);
      return;
    }
    if (this.counts.size >= 2 * MAX_VALUES) this.cut();
    this.counts.set(key, 1);
  }

  private cut(): void {
    const kept = this.sorted().slice(0, MAX_VALUES);
    this.dropped += this.counts.size - kept.length;
    this.counts = new Map(kept);
  }

  private sorted(): [string, number][] {
    return [...this.counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  }

  get size(): number {
    return this.counts.size;
  }

  /** The `limit` most frequent values, and how many others there were. */
  top(limit: number): ValueCounts {
    const rows = this.sorted();
    return { rows: rows.slice(0, limit), more: Math.max(0, rows.length - limit) + this.dropped };
  }
}


/** The bucket width for the span: a round width from the list, else whole years, at most MAX_BUCKETS buckets. */
function bucketWidth(first: number, last: number, unit: number): number {
  const fits = (b: number) => Math.floor(last / b) - Math.floor(first / b) + 1 <= MAX_BUCKETS;
  const round = BUCKETS.find((b) => b >= unit && b % unit === 0 && fits(b));
  if (round !== undefined) return round;
  const step = unit > YEAR ? unit / YEAR : 1;
  let years = Math.ceil(Math.max(1, (last - first) / ((MAX_BUCKETS - 1) * YEAR)) / step) * step;
  while (!fits(years * YEAR)) years += step;
  return years * YEAR;
}

/** Collects counts in one pass; times are kept in a compact array to bucket once the span is known. */
export class StatsCollector {
  private records = 0;
  private invalid = 0;
  private noTime = 0;
  private levels = new Map<string, number>();
  private facilities = new TopValues();
  private hosts = new TopValues();
  private txns = new TopValues();
  private sshHosts = new TopValues();
  private times: Float64Array = new Float64Array(1024);
  private nTimes = 0;
  private first: number | undefined;
  private last: number | undefined;
  /** Counts per coarse bucket (key: bucket index at `coarseWidth`) once too many times were seen. */
  private coarse: Map<number, number> | undefined;
  private coarseLevel = 0;

  constructor(private readonly levelName: (l: number) => string) {}

  /** Counts one record against the ssh host it was read on (-H). */
  addSshHost(host: string): void {
    this.sshHosts.add(host);
  }

  addInvalid(): void {
    this.invalid++;
  }

  add(rec: LogRecord): void {
    this.records++;
    const level = rec.level;
    const name = level === undefined ? '-' : this.levelName(level);
    this.levels.set(name, (this.levels.get(name) ?? 0) + 1);
    const f = rec.canonical('facility');
    if (f !== undefined) this.facilities.add(String(f));
    const h = rec.canonical('host');
    if (h !== undefined) this.hosts.add(String(h));
    const t = rec.canonical('txnId');
    if (t !== undefined) this.txns.add(String(t));
    const time = validTime(rec.time);
    if (time === undefined) this.noTime++;
    else this.addTime(time);
  }

  private addTime(time: number): void {
    if (this.first === undefined || time < this.first) this.first = time;
    if (this.last === undefined || time > this.last) this.last = time;
    if (this.coarse) {
      this.addCoarse(time, 1);
      return;
    }
    if (this.nTimes === this.times.length) {
      if (this.times.length >= MAX_TIMES) {
        this.coarse = new Map();
        for (let i = 0; i < this.nTimes; i++) this.addCoarse(this.times[i]!, 1);
        this.times = new Float64Array(0);
        this.nTimes = 0;
        this.addCoarse(time, 1);
        return;
      }
      const grown = new Float64Array(this.times.length * 2);
      grown.set(this.times);
      this.times = grown;
    }
    this.times[this.nTimes++] = time;
  }

  private addCoarse(time: number, count: number): void {
    const coarse = this.coarse!;
    const k = Math.floor(time / COARSE_WIDTHS[this.coarseLevel]!) * COARSE_WIDTHS[this.coarseLevel]!;
    coarse.set(k, (coarse.get(k) ?? 0) + count);
    if (coarse.size > MAX_COARSE && this.coarseLevel < COARSE_WIDTHS.length - 1) {
      // Wider buckets: each coarse width is a multiple of the one before, so counts merge exactly.
      this.coarseLevel++;
      this.coarse = new Map();
      for (const [start, c] of coarse) this.addCoarse(start, c);
    }
  }

  summary(): Summary {
    const first = this.first;
    const last = this.last;
    const histogram: Summary['histogram'] = [];
    let bucketMs = 1;
    if (first !== undefined && last !== undefined) {
      bucketMs = bucketWidth(first, last, this.coarse ? COARSE_WIDTHS[this.coarseLevel]! : 1);
      const base = Math.floor(first / bucketMs) * bucketMs;
      const n = Math.floor((last - base) / bucketMs) + 1;
      for (let i = 0; i < n; i++) histogram.push({ start: base + i * bucketMs, count: 0 });
      const put = (t: number, c: number) => { histogram[Math.min(n - 1, Math.floor((t - base) / bucketMs))]!.count += c; };
      if (this.coarse) for (const [t, c] of this.coarse) put(t, c);
      else for (let i = 0; i < this.nTimes; i++) put(this.times[i]!, 1);
    }
    const levels = Object.fromEntries([...this.levels.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)));
    return {
      records: this.records, invalid: this.invalid, noTime: this.noTime, levels,
      facilities: this.facilities.top(MAX_VALUES), hosts: this.hosts.top(MAX_VALUES), txnIds: this.txns.top(10),
      first, last, histogram, bucketMs,
      ...(this.sshHosts.size ? { sshHosts: this.sshHosts.top(MAX_VALUES) } : {}),
    };
  }
}
