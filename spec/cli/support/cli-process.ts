import { join } from 'node:path';
import { processUrl, startProcess, stopProcess, type TestProcess } from '../../support/child-process';

export { buildSrc as buildCli, removeBuild as removeCliBuild } from '../../support/build-src';

/** A CLI child process with its output collected. */
export type CliProcess = TestProcess;

/** Starts `node <build>/cli/main.js ...args`. Kill it with {@link stopCli} in afterEach. */
export function startCli(build: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): CliProcess {
  return startProcess(process.execPath, [join(build, 'cli', 'main.js'), ...args], env);
}

/** Runs the CLI to completion; kills it (and reports `timeout`) if it runs longer than `timeoutMs`. */
export async function runCli(
  build: string,
  args: readonly string[],
  env?: NodeJS.ProcessEnv,
  timeoutMs = 15_000,
): Promise<{ code: number | string; stdout: string; stderr: string }> {
  const cli = startCli(build, args, env);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    cli.child.kill('SIGKILL');
  }, timeoutMs);
  const code = await cli.exited;
  clearTimeout(timer);
  return { code: timedOut ? 'timeout' : code, stdout: cli.stdout(), stderr: cli.stderr() };
}

/** Waits until the CLI prints its URL on stdout, and returns it; rejects if it exits first. */
export const cliUrl = processUrl;

/**
 * Stops the process if it still runs: SIGTERM (so the demo removes its
 * private socket dir), then SIGKILL if it has not exited within `graceMs`.
 */
export const stopCli = stopProcess;
