import { spawn, type ChildProcess, type ChildProcessWithoutNullStreams } from 'node:child_process';

/** Resolves with the first line `child` prints on stdout; rejects if it exits first. */
export function firstLine(child: ChildProcessWithoutNullStreams): Promise<string> {
  return new Promise((resolveLine, reject) => {
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      if (text.includes('\n')) resolveLine(text.slice(0, text.indexOf('\n')));
    });
    child.once('exit', (code) => reject(new Error(`exited with ${String(code)} before printing a line`)));
  });
}

/** Resolves with the exit code once `child` has exited (null when a signal ended it). */
export function exited(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolveExit) => child.once('exit', (code) => resolveExit(code)));
}

/** Kills `child` with SIGKILL unless it has exited, and waits for its exit. */
export async function killChild(child: ChildProcessWithoutNullStreams | undefined): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGKILL');
  await exited(child);
}

/** A child process with its output collected. */
export interface TestProcess {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal's name) once the process has exited. */
  readonly exited: Promise<number | string>;
}

/**
 * Starts `command ...args` with `env` added to this process's (`stdin: 'pipe'`
 * to write to it). Stop it with {@link stopProcess} in afterEach.
 */
export function startProcess(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  cwd?: string,
  stdin: 'ignore' | 'pipe' = 'ignore',
): TestProcess {
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: [stdin, 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<number | string>((resolve) =>
    child.once('close', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  return { child, stdout: () => out, stderr: () => err, exited };
}

/**
 * Waits until the process prints a URL (`http://host:port/`) on stdout, and
 * returns it; rejects if it exits first or prints none within `timeoutMs`.
 */
export async function processUrl(proc: TestProcess, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = /(http:\/\/[^\s/]+\/)/.exec(proc.stdout());
    if (match) return match[1]!;
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) {
      throw new Error(
        `the process exited (${proc.child.exitCode ?? proc.child.signalCode}) before printing a URL:\n${proc.stderr()}`,
      );
    }
    if (Date.now() > deadline)
      throw new Error(`the process printed no URL within ${timeoutMs} ms:\n${proc.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Stops the process if it still runs: SIGTERM (so it can clean up), then
 * SIGKILL if it has not exited within `graceMs`.
 */
export async function stopProcess(proc: TestProcess | undefined, graceMs = 3_000): Promise<void> {
  if (proc === undefined) return;
  if (proc.child.exitCode === null && proc.child.signalCode === null) {
    proc.child.kill('SIGTERM');
    const timer = setTimeout(() => proc.child.kill('SIGKILL'), graceMs);
    await proc.exited;
    clearTimeout(timer);
  }
  await proc.exited;
}
