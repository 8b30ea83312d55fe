import { levelName } from '../record/levels.js';
import type { LogRecord } from '../record/record.js';
import { formatTime } from '../record/time.js';
import { safeStringify } from './escape.js';
import type { FieldSpec } from './renderer.js';

export const DEFAULT_COLUMNS: readonly FieldSpec[] = ['time', 'level', 'facility', 'host', 'message'].map((n) => ({ name: n, path: [n] }));

/** A value as text: strings as they are, other scalars printed, objects as compact JSON. */
export function valueText(v: unknown): string {
  if (v === undefined) return '';
  if (typeof v === 'string') return v;
  if (v === null || typeof v !== 'object') return String(v);
  return safeStringify(v) ?? '[too deeply nested]';
}

/** A column's text: `time` as ISO 8601 (UTC unless a zone is given), `level` as its lowercase name. */
export function columnText(rec: LogRecord, spec: FieldSpec, zone?: Intl.DateTimeFormat): string {
  const v = rec.field(spec.path);
  if (spec.path.length === 1 && typeof v === 'number') {
    if (spec.path[0] === 'time') return formatTime(v, zone);
    if (spec.path[0] === 'level') return levelName(v).toLowerCase();
  }
  return valueText(v);
}

/** The projection of a record on -k fields, for JSON output. */
export function project(rec: LogRecord, fields: readonly FieldSpec[]): { [name: string]: unknown } {
  const out: { [name: string]: unknown } = {};
  for (const f of fields) {
    const v = rec.field(f.path);
    const canonicalNumber = f.path.length === 1 && typeof v === 'number';
    const shown = canonicalNumber && f.path[0] === 'time' ? formatTime(v)
      : canonicalNumber && f.path[0] === 'level' ? levelName(v).toLowerCase() : v === undefined ? null : v;
    // defineProperty: a field named `__proto__` must become a key, not a prototype.
    Object.defineProperty(out, f.name, { value: shown, enumerable: true, writable: true, configurable: true });
  }
  return out;
}
