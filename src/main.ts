import { readFileSync } from 'node:fs';
import { ChainsawError, InputError, QuerySyntaxError, describeSystemError } from './errors.js';
import { loadConfig } from './cli/config.js';
import { renderHelp } from './cli/flags.js';
import { parseArgs } from './cli/parse.js';
import { resolvePlan } from './cli/resolve.js';
import { Output } from './output.js';
import { parallelizable, runParallel, workerCount, type PlanInput } from './parallel.js';
import { runPipeline } from './pipeline.js';
import { levelName } from './record/levels.js';
import { makeRenderer } from './render/index.js';
import { renderStatsJson, renderStatsText } from './render/stats.js';
import { StatsCollector } from './stats.js';

export interface Io {
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly stderr: NodeJS.WritableStream;
  readonly env: NodeJS.ProcessEnv;
  /** Follow mode calls this: SIGINT/SIGTERM then abort the signal instead of ending the process. */
  readonly trapInterrupts?: () => AbortSignal;
}

export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function describe(e: unknown): string {
  if (e instanceof QuerySyntaxError) return e.describe('chainsaw: -q');
  if (e instanceof ChainsawError) return `chainsaw: ${e.message}`;
  const err = e as Error;
  return `chainsaw: internal error: ${err?.message ?? String(e)}`;
}

/** Runs chainsaw; returns the exit status (0 matched, 1 nothing matched, 2 error). Never exits. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  const say = (s: string) => io.stderr.write(s.endsWith('\n') ? s : `${s}\n`);
  let output: Output | undefined;
  try {
    const useConfig = !argv.includes('--no-config');
    const config = useConfig ? loadConfig(io.env) : { words: [], aliases: undefined };
    const words = [...config.words, ...argv];
    const args = parseArgs(words);
    if (args.help) {
      io.stdout.write(renderHelp());
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

    output = new Output(io.stdout);
    let failed = false;
    const report = (e: InputError) => {
      failed = true;
      say(`chainsaw: ${e.message}`);
    };
    const stats = plan.stats ? new StatsCollector(levelName) : undefined;
    const renderer = plan.count || stats ? undefined : makeRenderer(plan.output, plan.render);
    if (renderer?.begin) output.write(renderer.begin());
    let result;
    if (plan.follow && plan.remote) {
      const { followHosts } = await import('./remote/follow.js');
      result = await followHosts(plan, plan.remote, { output, renderer, stats }, report, (m) => say(`chainsaw: ${m}`), io.trapInterrupts?.() ?? new AbortController().signal);
    } else if (plan.follow) {
      const { runFollow } = await import('./follow/follow.js');
      result = await runFollow(plan, { output, renderer, stats }, report, io.trapInterrupts?.() ?? new AbortController().signal, (m) => say(`chainsaw: ${m}`));
    } else if (await parallelizable(plan, workerCount(io.env))) {
      result = await runParallel(plan, planInput, workerCount(io.env), { output, renderer, stats }, report);
    } else {
      result = await runPipeline(plan, { output, renderer, stats }, report, (m) => say(`chainsaw: ${m}`));
    }
    if (renderer?.end) output.write(renderer.end());
    if (plan.count) output.write(`${result.matched}\n`);
    if (stats) {
      const summary = stats.summary();
      output.write(plan.output === 'json' ? renderStatsJson(summary) : renderStatsText(summary, plan.render));
    }
    await output.flush(true);
    if (output.failure) throw new ChainsawError(`write error: ${describeSystemError(output.failure)}`);
    if (output.closed) return 0;
    if (failed) return 2;
    return result.matched > 0 ? 0 : 1;
  } catch (e) {
    // What was found before the error is still written (grep prints the lines before a failure).
    await output?.flush(true).catch(() => undefined);
    say(describe(e));
    if (io.env.CHAINSAW_DEBUG && e instanceof Error && e.stack) say(e.stack);
    return e instanceof ChainsawError ? e.exitCode : 2;
  }
}
