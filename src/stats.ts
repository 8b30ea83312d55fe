import type { LogRecord } from './record/record.js';

/** The --stats summary of the matching records. */
export interface Summary {
  records: number;
  invalid: number;
  levels: { [level: string]: number };
  facilities: { [facility: string]: number };
  hosts: { [host: string]: number };
  /** With -H: records per ssh host (the host they were read on, not their host field). */
  sshHosts?: { [host: string]: number };
  topTxnIds: { txnId: string; count: number }[];
  first: number | undefined;
  last: number | undefined;
  /** Bucket start (ms) and count; empty without times. */
  histogram: { start: number; count: number }[];
  bucketMs: number;
}

const BUCKETS = [1, 10, 100, 1e3, 5e3, 10e3, 30e3, 60e3, 300e3, 600e3, 1800e3, 3600e3, 3 * 3600e3, 6 * 3600e3, 12 * 3600e3, 86400e3, 7 * 86400e3, 30 * 86400e3];
const MAX_TIMES = 1 << 22;

function bump(m: Map<string, number>, k: string): void {
  m.set(k, (m.get(k) ?? 0) + 1);
}

/** Collects counts in one pass; times are kept in a compact array to bucket once the span is known. */
export class StatsCollector {
  private records = 0;
  private invalid = 0;
  private levels = new Map<string, number>();
  private facilities = new Map<string, number>();
  private hosts = new Map<string, number>();
  private txns = new Map<string, number>();
  private sshHosts = new Map<string, number>();
  private times: Float64Array = new Float64Array(1024);
  private nTimes = 0;
  private coarse: Map<number, number> | undefined; // minute buckets once too many times were seen

  constructor(private readonly levelName: (l: number) => string) {}

  /** Counts one record against the ssh host it was read on (-H). */
  addSshHost(host: string): void {
    bump(this.sshHosts, host);
  }

  addInvalid(): void {
    this.invalid++;
  }

  add(rec: LogRecord): void {
    this.records++;
    const level = rec.level;
    bump(this.levels, level === undefined ? '-' : this.levelName(level));
    const f = rec.canonical('facility');
    if (f !== undefined) bump(this.facilities, String(f));
    const h = rec.canonical('host');
    if (h !== undefined) bump(this.hosts, String(h));
    const t = rec.canonical('txnId');
    if (t !== undefined) bump(this.txns, String(t));
    const time = rec.time;
    if (time !== undefined) this.addTime(time);
  }

  private addTime(time: number): void {
    if (this.coarse) {
      const k = Math.floor(time / 60e3) * 60e3;
      this.coarse.set(k, (this.coarse.get(k) ?? 0) + 1);
      return;
    }
    if (this.nTimes === this.times.length) {
      if (this.times.length >= MAX_TIMES) {
        this.coarse = new Map();
        for (let i = 0; i < this.nTimes; i++) this.addTime(this.times[i]!);
        this.times = new Float64Array(0);
        this.addTime(time);
        return;
      }
      const grown = new Float64Array(this.times.length * 2);
      grown.set(this.times);
      this.times = grown;
    }
    this.times[this.nTimes++] = time;
  }

  summary(): Summary {
    const points: [number, number][] = this.coarse ? [...this.coarse.entries()]
      : Array.from(this.times.subarray(0, this.nTimes), (t) => [t, 1] as [number, number]);
    let first: number | undefined;
    let last: number | undefined;
    for (const [t] of points) {
      if (first === undefined || t < first) first = t;
      if (last === undefined || t > last) last = t;
    }
    const span = first === undefined ? 0 : last! - first;
    const bucketMs = BUCKETS.find((b) => span / b <= 60) ?? 365 * 86400e3;
    const histogram: Summary['histogram'] = [];
    if (first !== undefined) {
      const base = Math.floor(first / bucketMs) * bucketMs;
      const n = Math.floor((last! - base) / bucketMs) + 1;
      for (let i = 0; i < n; i++) histogram.push({ start: base + i * bucketMs, count: 0 });
      for (const [t, c] of points) histogram[Math.floor((t - base) / bucketMs)]!.count += c;
    }
    const sorted = (m: Map<string, number>) => Object.fromEntries([...m.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)));
    const topTxnIds = [...this.txns.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 10)
      .map(([txnId, count]) => ({ txnId, count }));
    return {
      records: this.records, invalid: this.invalid, levels: sorted(this.levels), facilities: sorted(this.facilities),
      hosts: sorted(this.hosts), topTxnIds, first, last, histogram, bucketMs,
      ...(this.sshHosts.size ? { sshHosts: sorted(this.sshHosts) } : {}),
    };
  }
}
