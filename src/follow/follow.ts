import { UsageError } from '../errors.js';
import type { Plan } from '../cli/resolve.js';
import type { ErrorReporter, RunResult, Sink } from '../pipeline.js';

export async function runFollow(_plan: Plan, _sink: Sink, _report: ErrorReporter): Promise<RunResult> {
  throw new UsageError('--follow is not implemented yet');
}
