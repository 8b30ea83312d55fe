/**
 * Severity on the syslog scale: 0 emerg … 7 debug, plus 8 for trace. Lower is more severe,
 * so `level <= 4` means "warn or worse", exactly as `.level <= 4` in jq on GELF records.
 */
export const LEVEL_NAMES = ['EMERG', 'ALERT', 'CRIT', 'ERROR', 'WARN', 'NOTICE', 'INFO', 'DEBUG', 'TRACE'] as const;

const BY_NAME: ReadonlyMap<string, number> = new Map([
  ['emerg', 0], ['emergency', 0], ['panic', 0],
  ['alert', 1],
  ['crit', 2], ['critical', 2], ['fatal', 2],
  ['err', 3], ['error', 3], ['eror', 3],
  ['warn', 4], ['warning', 4], ['wrn', 4],
  ['notice', 5],
  ['info', 6], ['informational', 6], ['information', 6], ['inf', 6],
  ['debug', 7], ['dbg', 7], ['verbose', 8],
  ['trace', 8], ['trc', 8],
]);

/** A bunyan/pino level (10..60) on the syslog scale; anything in between rounds down in severity. */
function fromBunyan(n: number): number {
  if (n >= 60) return 2;
  if (n >= 50) return 3;
  if (n >= 40) return 4;
  if (n >= 30) return 6;
  if (n >= 20) return 7;
  return 8;
}

/** Severity from a number (syslog 0..8 or bunyan/pino 10..60). */
export function levelFromNumber(n: number): number | undefined {
  if (!Number.isFinite(n) || n < 0) return undefined;
  if (n <= 8) return Number.isInteger(n) ? n : undefined;
  return fromBunyan(n);
}

/** Severity from a level name in any case, or a number written as a string (journald PRIORITY). */
export function levelFromName(s: string): number | undefined {
  const known = BY_NAME.get(s.toLowerCase());
  if (known !== undefined) return known;
  const t = s.trim();
  if (t !== '' && /^\d+(\.\d+)?$/.test(t)) return levelFromNumber(Number(t));
  return undefined;
}

/** Severity of any JSON value a logger may have written, or undefined when it is not a level. */
export function levelOf(value: unknown): number | undefined {
  if (typeof value === 'number') return levelFromNumber(value);
  if (typeof value === 'string') return levelFromName(value);
  return undefined;
}

export function levelName(level: number): string {
  return LEVEL_NAMES[level] ?? String(level);
}
