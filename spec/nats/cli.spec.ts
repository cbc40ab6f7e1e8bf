import { startFakeDaemon, type FakeDaemon } from '../../src/testing/fake-daemon';
import {
  buildCli,
  cliUrl,
  removeCliBuild,
  runCli,
  startCli,
  stopCli,
  type CliProcess,
} from '../cli/support/cli-process';
import { describeNats, startNatsServer, type NatsServer } from '../support/nats-server';
import { openSse } from '../support/sse-client';
import { waitUntil } from '../support/wait-until';

/** `relay` and `serve --nats` as child processes, around a real nats-server and the fake daemon. */
describeNats('daemon-event-bridge relay and serve --nats', () => {
  let build: string;
  let nats: NatsServer;
  let daemon: FakeDaemon;
  const processes: CliProcess[] = [];

  beforeAll(async () => {
    build = buildCli();
    nats = await startNatsServer();
    daemon = await startFakeDaemon();
  });
  afterAll(async () => {
    for (const cli of processes) await stopCli(cli);
    await daemon.stop();
    await nats.dispose();
    removeCliBuild(build);
  });

  it('relays a conductor into JetStream and serves it with stream sequences as ids and the conductor named', async () => {
    const relay = startCli(build, [
      'relay',
      '--socket',
      daemon.socketPath,
      '--nats',
      nats.url,
      '--conductor',
      'host-a',
    ]);
    processes.push(relay);
    await daemon.waitFor((counters) => counters.openStreams === 1);
    const serve = startCli(build, ['serve', '--nats', nats.url, '--port', '0']);
    processes.push(serve);
    const url = await cliUrl(serve);
    const stream = await openSse(`${url}api/jobs/night.ly/events`);
    try {
      await waitUntil(() => relay.stderr().includes('relay started'), 'the relay to create the stream');
      daemon.publish({ job_id: 'night.ly', sheet_num: 1, event: 'sheet.started', data: null, timestamp: 1 });
      await waitUntil(() => stream.events.some((e) => e.id !== undefined), 'the event through NATS', 15_000);
      const event = stream.events.find((e) => e.id !== undefined)!;
      expect(event.id).toBe('1');
      expect(JSON.parse(event.data)).toEqual({
        job_id: 'night.ly',
        sheet_num: 1,
        event: 'sheet.started',
        data: null,
        timestamp: 1,
        conductor: 'host-a',
      });
    } finally {
      stream.close();
    }
    relay.child.kill('SIGTERM');
    expect(await relay.exited).toBe(0);
  });

  it('refuses a relay without --conductor, and a bad --nats URL, with a usage error', async () => {
    const missing = await runCli(build, ['relay', '--nats', nats.url]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--conductor');
    const bad = await runCli(build, ['relay', '--nats', 'http://x', '--conductor', 'a']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--nats: expected nats://host:port');
  });
});
