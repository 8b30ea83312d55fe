/**
 * The examples of the man page and README. Each names the file a user would give and the fixture
 * the test suite runs it on instead, so every example is executed (test/cli/examples.test.ts).
 */
export interface Example {
  readonly what: string;
  /** Arguments before the file, as the user types them (shell-quoted in the docs). */
  readonly args: readonly string[];
  /** The file or directory shown in the docs. */
  readonly shownInput: string;
  /** What the tests read instead (relative to the repository). */
  readonly fixtures: readonly string[];
  /** A piece of text the output must contain when run on the fixture. */
  readonly expect: string;
}

export const EXAMPLES: readonly Example[] = [
  { what: 'Read a service log as colored text.', args: [], shownInput: '/var/log/api/current', fixtures: ['fixtures/svlogd/api/current'], expect: 'INFO' },
  { what: 'One transaction\'s story, untouched, for the incident ticket.', args: ['-t', '.rh-3dT5.h-product-api0', '-o', 'raw'], shownInput: '/var/log/api/current', fixtures: ['fixtures/shapes/gelf.log'], expect: '"_txnId":".rh-3dT5.h-product-api0"' },
  { what: 'Warnings and worse from every service, merged in time order.', args: ['-l', 'warn'], shownInput: '/var/log/*/current', fixtures: ['fixtures/svlogd/api/current', 'fixtures/svlogd/db/current'], expect: 'WARN' },
  { what: 'Errors of the database layer since a day (also: 2h, 15m, 09:14, yesterday).', args: ['-l', 'err', '--facility', 'myapp.db', '--since', '2011-12-26'], shownInput: '/var/log/api/', fixtures: ['fixtures/shapes/gelf.log'], expect: 'ECONNREFUSED' },
  { what: 'A filter expression: a slow client or a server error.', args: ['-q', 'headers.user-agent contains "curl" or status >= 500'], shownInput: 'current', fixtures: ['fixtures/shapes/gelf.log'], expect: 'curl' },
  { what: 'How many 5xx answers?', args: ['-c', '-q', 'status >= 500'], shownInput: 'current', fixtures: ['fixtures/shapes/gelf.log'], expect: '1' },
  { what: 'The last 20 errors of a big file, read from its end.', args: ['-n', '20', '-l', 'err'], shownInput: 'current', fixtures: ['fixtures/shapes/gelf.log'], expect: 'ERROR' },
  { what: 'Records around each error, grep-style context.', args: ['-C', '1', '-l', 'err'], shownInput: 'current', fixtures: ['fixtures/shapes/gelf.log'], expect: 'LOCAL_QUORUM' },
  { what: 'A spreadsheet of one field set, for a post-mortem.', args: ['-o', 'csv', '-k', 'time,level,txnId,message'], shownInput: 'current', fixtures: ['fixtures/shapes/gelf.log'], expect: 'time,level,txnId,message' },
  { what: 'What happened today, summarised with a histogram.', args: ['--stats'], shownInput: '/var/log/api/', fixtures: ['fixtures/svlogd/api'], expect: 'levels' },
  { what: 'JSON for the next tool: only the fields it needs.', args: ['-o', 'json', '-k', 'time,level,message', '-l', 'warn'], shownInput: 'current', fixtures: ['fixtures/shapes/zap.log'], expect: '"level":"warn"' },
  { what: 'Search a rotated, compressed log by a field\'s regex.', args: ['-q', 'message ~ /ECONN(REFUSED|RESET)/'], shownInput: 'api.log.1.gz', fixtures: ['fixtures/bad/gelf.log.gz'], expect: 'ECONNREFUSED' },
];

/** An argument as a user types it in a POSIX shell. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./*-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function exampleCommand(e: Example): string {
  return ['chainsaw', ...e.args.map(shellQuote), e.shownInput].join(' ');
}
