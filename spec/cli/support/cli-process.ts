import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export { buildSrc as buildCli, removeBuild as removeCliBuild } from '../../support/build-src';

/** A CLI child process with its output collected. */
export interface CliProcess {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal's name) once the process has exited. */
  readonly exited: Promise<number | string>;
}

/** Starts `node <build>/cli/main.js ...args`. Kill it with {@link stopCli} in afterEach. */
export function startCli(build: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): CliProcess {
  const child = spawn(process.execPath, [join(build, 'cli', 'main.js'), ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<number | string>((resolve) =>
    child.once('close', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  return { child, stdout: () => out, stderr: () => err, exited };
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
export async function cliUrl(cli: CliProcess, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = /(http:\/\/[^\s/]+\/)/.exec(cli.stdout());
    if (match) return match[1]!;
    if (cli.child.exitCode !== null || cli.child.signalCode !== null) {
      throw new Error(
        `the CLI exited (${cli.child.exitCode ?? cli.child.signalCode}) before printing a URL:\n${cli.stderr()}`,
      );
    }
    if (Date.now() > deadline)
      throw new Error(`the CLI printed no URL within ${timeoutMs} ms:\n${cli.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Stops the process if it still runs: SIGTERM (so the demo removes its
 * private socket dir), then SIGKILL if it has not exited within `graceMs`.
 */
export async function stopCli(cli: CliProcess | undefined, graceMs = 3_000): Promise<void> {
  if (cli === undefined) return;
  if (cli.child.exitCode === null && cli.child.signalCode === null) {
    cli.child.kill('SIGTERM');
    const timer = setTimeout(() => cli.child.kill('SIGKILL'), graceMs);
    await cli.exited;
    clearTimeout(timer);
  }
  await cli.exited;
}
