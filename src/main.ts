import { readFileSync } from 'node:fs';
import { ChainsawError, InputError, QuerySyntaxError, describeSystemError } from './errors.js';
import { loadConfig, type Config } from './cli/config.js';
import type { Shell } from './cli/doc/completions.js';
import { renderHelp } from './cli/flags.js';
import { parseArgs, type ParsedArgs } from './cli/parse.js';
import { resolvePlan } from './cli/resolve.js';
import { Output } from './output.js';
import { pagerCommand, startPager, type Pager } from './pager.js';
import { parallelizable, runParallel, workerCount, type PlanInput } from './parallel.js';
import { runPipeline } from './pipeline.js';
import { printExpr } from './query/print.js';
import { levelName } from './record/levels.js';
import { makeRenderer } from './render/index.js';
import { escapeMessage } from './render/escape.js';
import { renderStatsJson, renderStatsText } from './render/stats.js';
import { StatsCollector } from './stats.js';

export interface Io {
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly stderr: NodeJS.WritableStream;
  readonly env: NodeJS.ProcessEnv;
  /** Follow mode calls this: SIGINT/SIGTERM then abort the signal instead of ending the process. */
  readonly trapInterrupts?: () => AbortSignal;
  /** While a pager runs, Ctrl-C is the pager's: chainsaw ends when the pager does. */
  readonly ignoreInterrupts?: () => void;
}

export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function describe(e: unknown): string {
  if (e instanceof QuerySyntaxError) return e.describe(`chainsaw: ${e.label}`);
  if (e instanceof ChainsawError) return `chainsaw: ${e.message}`;
  const err = e as Error;
  return `chainsaw: internal error: ${err?.message ?? String(e)}`;
}

/** The command line alone asks for --help. */
function asksHelp(argv: readonly string[]): boolean {
  try {
    return parseArgs(argv).help === true;
  } catch {
    return false;
  }
}

/** The pager, when one can be started; otherwise the output goes to the terminal, with one line saying why. */
async function openPager(io: Io, say: (s: string) => void): Promise<Pager | undefined> {
  const words = pagerCommand(io.env);
  if (!words) return undefined;
  try {
    const pager = await startPager(words, io.env);
    io.ignoreInterrupts?.();
    return pager;
  } catch (e) {
    say(`chainsaw: cannot start the pager '${words.join(' ')}': ${describeSystemError(e)}`);
    return undefined;
  }
}

/** Runs chainsaw; returns the exit status (0 matched, 1 nothing matched, 2 error). Never exits. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  // A message may name a file or quote a value from the logs: its unsafe characters are escaped.
  const say = (s: string) => io.stderr.write(`${escapeMessage(s.replace(/\n$/, ''))}\n`);
  let output: Output | undefined;
  let pager: Pager | undefined;
  try {
    const useConfig = !argv.includes('--no-config');
    let config: Config = { words: [], aliases: undefined };
    let args: ParsedArgs;
    try {
      if (useConfig) config = loadConfig(io.env);
      args = parseArgs([...config.words, ...argv]);
    } catch (e) {
      // A broken config file or CHAINSAW_OPTIONS must not break --help.
      if (!asksHelp(argv)) throw e;
      args = { _: [], help: true };
    }
    const words = [...config.words, ...argv];
    if (args.help) {
      io.stdout.write(renderHelp());
      return 0;
    }
    if (args.completions) {
      const { renderCompletions } = await import('./cli/doc/completions.js');
      io.stdout.write(renderCompletions(args.completions as Shell));
      return 0;
    }
    if (args.version) {
      io.stdout.write(`chainsaw ${version()}\n`);
      return 0;
    }
    const planInput: PlanInput = {
      words, env: { ...io.env }, stdoutIsTTY: io.stdout.isTTY === true, stdoutColumns: io.stdout.columns, aliases: config.aliases, now: Date.now(),
    };
    const plan = await resolvePlan(args, { ...planInput, stdin: io.stdin });
    if (args.explain) {
      if (plan.expr) io.stdout.write(`${printExpr(plan.expr)}\n`);
      return 0;
    }

    pager = plan.pager ? await openPager(io, say) : undefined;
    output = new Output(pager?.input ?? io.stdout);
    let failed = false;
    const report = (e: InputError) => {
      failed = true;
      say(`chainsaw: ${e.message}`);
    };
    const stats = plan.stats ? new StatsCollector(levelName) : undefined;
    const renderer = plan.count || stats ? undefined : makeRenderer(plan.output, plan.render);
    if (renderer?.begin) output.write(renderer.begin());
    let result;
    if (plan.follow) {
      const { runFollow } = await import('./follow/follow.js');
      result = await runFollow(plan, { output, renderer, stats }, report, io.trapInterrupts?.() ?? new AbortController().signal, (m) => say(`chainsaw: ${m}`));
    } else if (await parallelizable(plan, workerCount(io.env))) {
      result = await runParallel(plan, planInput, workerCount(io.env), { output, renderer, stats }, report);
    } else {
      result = await runPipeline(plan, { output, renderer, stats }, report);
    }
    if (renderer?.end) output.write(renderer.end());
    if (plan.count) output.write(`${result.matched}\n`);
    if (stats) {
      const summary = stats.summary();
      output.write(plan.output === 'json' ? renderStatsJson(summary, plan.render) : renderStatsText(summary, plan.render));
    }
    await output.flush(true);
    await pager?.close();
    if (output.failure) throw new ChainsawError(`write error: ${describeSystemError(output.failure)}`);
    if (output.closed) return 0;
    if (failed) return 2;
    return result.matched > 0 ? 0 : 1;
  } catch (e) {
    // What was found before the error is still written (grep prints the lines before a failure).
    await output?.flush(true).catch(() => undefined);
    await pager?.close();
    say(describe(e));
    if (io.env.CHAINSAW_DEBUG && e instanceof Error && e.stack) say(e.stack);
    return e instanceof ChainsawError ? e.exitCode : 2;
  }
}
