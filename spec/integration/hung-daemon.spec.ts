import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Subscription } from 'rxjs';
import { DaemonEventBridge, type BridgeState } from '../../src/bridge/bridge';
import { UnixSocketDaemonClient } from '../../src/daemon/unix-socket-client';
import type { JsonObject } from '../../src/json';
import { buildSrc, removeBuild } from '../support/build-src';
import { firstLine, killChild } from '../support/child-process';
import { waitUntil } from '../support/wait-until';

/**
 * A real daemon process (the fake daemon's CLI) stopped with SIGSTOP: its
 * sockets stay open and connections are still accepted by the kernel, but
 * nothing answers. The client's health probes notice, the bridge reconnects
 * with its backoff, and after SIGCONT events flow again.
 */
describe('the bridge over a daemon process that hangs (SIGSTOP) and comes back (SIGCONT)', () => {
  let build: string;
  let child: ChildProcessWithoutNullStreams | undefined;
  let client: UnixSocketDaemonClient | undefined;
  let bridge: DaemonEventBridge | undefined;
  const subscriptions: Subscription[] = [];

  beforeAll(() => {
    build = buildSrc();
  });

  afterAll(() => removeBuild(build));

  afterEach(async () => {
    for (const subscription of subscriptions.splice(0)) subscription.unsubscribe();
    bridge?.stop();
    await client?.close();
    if (child !== undefined && child.signalCode === null) child.kill('SIGCONT');
    await killChild(child);
  });

  it('goes reconnecting after the unanswered probes, and delivers events again after SIGCONT', async () => {
    const daemon = spawn(process.execPath, [join(build, 'testing', 'fake-daemon-cli.js')]);
    child = daemon;
    const socketPath = await firstLine(daemon);
    client = new UnixSocketDaemonClient(socketPath, {
      healthIntervalMs: 100,
      healthTimeoutMs: 100,
      healthMaxMisses: 3,
    });
    const interruptions: string[] = [];
    bridge = new DaemonEventBridge(client, {
      reconnect: { initialDelayMs: 50, maxDelayMs: 400 },
      logger: {
        debug() {},
        info() {},
        warn: (message, fields) => {
          if (message.includes('reconnecting')) interruptions.push(String(fields?.['error']));
        },
        error() {},
      },
    });
    const states: BridgeState[] = [];
    const events: string[] = [];
    subscriptions.push(bridge.state$.subscribe((state) => states.push(state)));
    bridge.start();
    subscriptions.push(bridge.allEvents(0).subscribe((message) => events.push(message.event)));

    /** Publishes `name` through the daemon's stdin until the bridge delivers it (the stream may still be registering). */
    const deliver = async (name: string) => {
      const event: JsonObject = { job_id: 'nightly', event: name, timestamp: 1_764_000_000 };
      await waitUntil(async () => {
        daemon.stdin.write(`${JSON.stringify(event)}\n`);
        await new Promise((resolve) => setTimeout(resolve, 50));
        return events.includes(name);
      }, `event ${name}`);
    };

    await deliver('before');
    expect(states.at(-1)).toBe('connected');

    const stoppedAt = performance.now();
    daemon.kill('SIGSTOP');
    await waitUntil(() => interruptions.length > 0, 'the stream to fail');
    const detectedAt = performance.now();
    expect(interruptions[0]).toMatch(/^DaemonUnresponsiveError: .*3 health probes in a row/);
    expect(states).toContain('reconnecting');
    expect(client.stats().counters.unresponsive).toBeGreaterThanOrEqual(1);

    const continuedAt = performance.now();
    daemon.kill('SIGCONT');
    await deliver('after');
    // A measurement for the record, not an assertion.
    console.info(
      `hung daemon: detected ${(detectedAt - stoppedAt).toFixed(0)} ms after SIGSTOP ` +
        `(probes every 100 ms, 100 ms timeout, 3 misses); events again ` +
        `${(performance.now() - continuedAt).toFixed(0)} ms after SIGCONT`,
    );
    await waitUntil(() => bridge!.stats().state === 'connected', 'connected again');
    expect(events.filter((name) => name === 'before' || name === 'after').at(-1)).toBe('after');
  });
});
