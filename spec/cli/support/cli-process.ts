import { spawn, type ChildProcess } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';

const ROOT = join(__dirname, '..', '..', '..');

/**
 * Compiles src/ to CommonJS in a private temp dir, file by file (the project
 * sets isolatedModules, so this is what tsc emits, without the type check the
 * lint step already does), with the dashboard beside cli/ and node_modules
 * linked. Private, so concurrent test files and a concurrent `npm run build`
 * never see each other's half-written output. Returns the dir; remove it with
 * {@link removeCliBuild}.
 */
export function buildCli(): string {
  const out = mkdtempSync(join(tmpdir(), 'deb-cli-'));
  const src = join(ROOT, 'src');
  const compilerOptions: ts.CompilerOptions = {
    module: ts.ModuleKind.CommonJS,
    target: ts.ScriptTarget.ES2022,
    esModuleInterop: true,
    sourceMap: false,
  };
  for (const file of walk(src)) {
    const target = join(out, relative(src, file));
    mkdirSync(dirname(target), { recursive: true });
    if (file.endsWith('.ts') && !file.endsWith('.d.ts')) {
      const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
        compilerOptions,
        fileName: file,
      });
      writeFileSync(target.replace(/\.ts$/, '.js'), outputText);
    }
  }
  cpSync(join(src, 'cli', 'dashboard'), join(out, 'cli', 'dashboard'), { recursive: true });
  const { name, version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<
    string,
    string
  >;
  writeFileSync(join(out, 'package.json'), JSON.stringify({ name, version, type: 'commonjs' }));
  symlinkSync(join(ROOT, 'node_modules'), join(out, 'node_modules'), 'dir');
  return out;
}

/** Removes a dir made by {@link buildCli}. */
export function removeCliBuild(dir: string | undefined): void {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
}

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'dashboard') yield* walk(path);
    } else yield path;
  }
}

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
