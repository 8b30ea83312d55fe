/**
 * Where each canonical field is found in the common log shapes, first present wins. Data, not
 * code: a new shape is a new entry here plus a fixture. A dotted alias is tried as a literal key
 * first (`"log.level"`), then as a nested path (`log: {level}`).
 */
export const CANONICAL_FIELDS = ['time', 'level', 'message', 'facility', 'host', 'txnId'] as const;
export type CanonicalField = (typeof CANONICAL_FIELDS)[number];

export const CANONICAL_INDEX: { readonly [F in CanonicalField]: number } = { time: 0, level: 1, message: 2, facility: 3, host: 4, txnId: 5 };

export type AliasTable = { readonly [F in CanonicalField]: readonly string[] };

export const BUILTIN_ALIASES: AliasTable = {
  // GELF, bunyan/pino/winston, ECS/logstash, zap/structlog, CLEF, journald, generic
  time: ['timestamp', 'time', '@timestamp', 'ts', '@t', '__REALTIME_TIMESTAMP', 'date'],
  // GELF/bunyan/pino/zap/slog/winston/structlog, CLEF, journald, ECS, stackdriver, python-json-logger
  level: ['level', '@l', 'PRIORITY', 'log.level', 'severity', 'levelname', 'lvl'],
  message: ['short_message', 'msg', 'message', '@m', 'MESSAGE', 'event', 'log', '@mt'],
  facility: ['facility', '_facility', 'name', 'logger', 'logger_name', 'log.logger', '_SYSTEMD_UNIT', 'SYSLOG_IDENTIFIER', 'SourceContext'],
  host: ['host', 'hostname', '_HOSTNAME', 'host.name'],
  // the SPEC's list, then bunyan's and pino's request-id conventions
  txnId: ['txnId', '_txnId', 'txn_id', '_txn_id', 'transaction.id', 'trace_id', 'traceId', 'req_id', 'reqId', '@tr'],
};

export function isCanonical(name: string): name is CanonicalField {
  return Object.hasOwn(CANONICAL_INDEX, name);
}

/** The built-in table with configured aliases appended (`{"txnId": ["requestId"]}`). */
export function withAliases(extra: { readonly [field: string]: readonly string[] } | undefined): AliasTable {
  if (!extra) return BUILTIN_ALIASES;
  const table = { ...BUILTIN_ALIASES } as { [F in CanonicalField]: readonly string[] };
  for (const field of CANONICAL_FIELDS) {
    const more = extra[field];
    if (more) table[field] = [...table[field], ...more.filter((a) => !table[field].includes(a))];
  }
  return table;
}
