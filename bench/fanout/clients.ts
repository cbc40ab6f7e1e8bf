import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { ClientCommand, ClientReply, LatencySummary } from './client-process';

/** What the client process saw once asked for its report. */
export interface ClientReport {
  readonly counts: number[];
  readonly latency: LatencySummary | undefined;
  readonly errors: number;
}

/**
 * The parent's handle on the client process: SSE clients over loopback in a
 * separate process (`child_process.fork`), so the server's
 * `process.cpuUsage()` counts the server alone.
 */
export class ClientProcess {
  private readonly child: ChildProcess;
  private readonly waiting = new Map<ClientReply['type'], (reply: ClientReply) => void>();
  private failure: Error | undefined;

  private constructor(child: ChildProcess) {
    this.child = child;
    child.on('message', (reply: ClientReply) => {
      if (reply.type === 'failed') this.failure = new Error(`client process: ${reply.error}`);
      const resolve = this.waiting.get(reply.type);
      this.waiting.delete(reply.type);
      resolve?.(reply);
    });
    child.on('exit', (code) => {
      this.failure ??= new Error(`client process exited (${code})`);
      for (const resolve of this.waiting.values()) resolve({ type: 'failed', error: this.failure.message });
      this.waiting.clear();
    });
  }

  /** Forks the client process (TypeScript through ts-node, transpile only). */
  static start(): ClientProcess {
    const child = fork(join(__dirname, 'client-process.ts'), [], {
      execArgv: ['-r', 'ts-node/register'],
      env: { ...process.env, TS_NODE_PROJECT: join(__dirname, '..', 'tsconfig.json') },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new ClientProcess(child);
  }

  /**
   * Opens one client per path (in waves of 200) and resolves once each has
   * received its first bytes. `expect[i]` is the number of benchmark frames
   * client i must see before {@link done} resolves (0: none awaited). The
   * clients of earlier calls stay connected (until {@link closeClients}); the
   * counts and reports are of this call's clients.
   */
  async open(port: number, paths: string[], expect: number[], latency = false): Promise<void> {
    await this.ask({ type: 'open', port, paths, expect, latency }, 'opened');
  }

  /** Resolves once every client has seen its expected number of frames. */
  done(): Promise<void> {
    return this.next('done').then(() => undefined);
  }

  async report(): Promise<ClientReport> {
    const reply = await this.ask({ type: 'report' }, 'report');
    if (reply.type !== 'report') throw this.failure ?? new Error('no report');
    return reply;
  }

  /** Closes every client socket. */
  async closeClients(): Promise<void> {
    await this.ask({ type: 'close' }, 'closed');
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) return resolve();
      this.child.once('exit', () => resolve());
      this.child.kill();
    });
  }

  private next(type: ClientReply['type']): Promise<ClientReply> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting.set(type, (reply) =>
        reply.type === 'failed' ? reject(this.failure ?? new Error(reply.error)) : resolve(reply),
      );
    });
  }

  private ask(command: ClientCommand, answer: ClientReply['type']): Promise<ClientReply> {
    const reply = this.next(answer);
    this.child.send(command);
    return reply;
  }
}
