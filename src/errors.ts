/** Every error a user can cause carries its exit status; main() is the only place it becomes one. */
export class ChainsawError extends Error {
  readonly exitCode: number;
  readonly code: string;
  constructor(message: string, code = 'ERROR', exitCode = 2, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ChainsawError';
    this.code = code;
    this.exitCode = exitCode;
  }
}

export class UsageError extends ChainsawError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'USAGE', 2, options);
    this.name = 'UsageError';
  }
}

/** A syntax error in a filter expression, with the span it points at (0-based columns). */
export class QuerySyntaxError extends ChainsawError {
  readonly source: string;
  readonly start: number;
  /** The option the expression came with: -q, -g. */
  label = '-q';
  constructor(reason: string, source: string, start: number) {
    super(reason, 'QUERY', 2);
    this.name = 'QuerySyntaxError';
    this.source = source;
    this.start = start;
  }

  /**
   * `reason at column N`, the source echoed, and a caret under the column. A long source is shown
   * as the 72 characters around the column, cut with `…`.
   */
  describe(prefix: string): string {
    const col = this.start + 1;
    const WINDOW = 72;
    let from = 0;
    let to = this.source.length;
    if (to > WINDOW) {
      from = Math.max(0, Math.min(this.start - WINDOW / 2, to - WINDOW));
      to = from + WINDOW;
    }
    const shown = `${from > 0 ? '…' : ''}${this.source.slice(from, to).replace(/[\x00-\x1f\x7f-\x9f]/g, ' ')}${to < this.source.length ? '…' : ''}`;
    const caret = this.start - from + (from > 0 ? 1 : 0);
    return `${prefix}: ${this.message} at column ${col}\n    ${shown}\n    ${' '.repeat(caret)}^`;
  }
}

export class InputError extends ChainsawError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'INPUT', 2, options);
    this.name = 'InputError';
  }
}

/** Reports an input that could not be read; the run goes on with the others and ends with status 2. */
export type ErrorReporter = (err: InputError) => void;

/** The items of an input, its read error reported instead of thrown: what was read before it is kept. */
export async function* reportingErrors<T>(items: AsyncIterable<T>, report: ErrorReporter): AsyncGenerator<T> {
  try {
    yield* items;
  } catch (e) {
    if (e instanceof InputError) report(e);
    else throw e;
  }
}

/** A short reason for a Node system error, without the stack: `No such file or directory`. */
export function describeSystemError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e?.code) {
    case 'ENOENT': return 'No such file or directory';
    case 'EACCES': return 'Permission denied';
    case 'EPERM': return 'Operation not permitted';
    case 'EISDIR': return 'Is a directory';
    case 'ENOTDIR': return 'Not a directory';
    case 'EMFILE': return 'Too many open files';
    case 'ELOOP': return 'Too many levels of symbolic links';
    case 'ENFILE': return 'Too many open files in system';
    case 'EBADF': return 'Bad file descriptor';
    case 'ENOSPC': return 'No space left on device';
    case 'EIO': return 'Input/output error';
    case 'ENXIO': return 'No such device or address';
    case 'Z_BUF_ERROR': return 'unexpected end of gzip data (truncated file?)';
    case 'Z_DATA_ERROR': return 'corrupt gzip data';
    default: return e?.message ? String(e.message).split('\n')[0]! : String(err);
  }
}
