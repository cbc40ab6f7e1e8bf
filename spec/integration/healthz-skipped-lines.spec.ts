import { filter, firstValueFrom } from 'rxjs';
import { DaemonEventBridge } from '../../src/bridge/bridge';
import { UnixSocketDaemonClient } from '../../src/daemon/unix-socket-client';
import { createGateway } from '../../src/http/gateway';
import { startFakeDaemon, type FakeDaemon } from '../../src/testing/fake-daemon';
import { startServer, type TestServer } from '../support/http-server';

/**
 * A flood of malformed daemon lines, every cause of it, through a real Unix
 * socket: each cause is counted apart and shows up in the gateway's `/healthz`.
 */
describe('/healthz counts the daemon lines the client skipped, per cause', () => {
  let daemon: FakeDaemon;
  let client: UnixSocketDaemonClient;
  let bridge: DaemonEventBridge;
  let server: TestServer;

  beforeEach(async () => {
    // A queue deep enough that the daemon drops nothing of the flood.
    daemon = await startFakeDaemon({ streamQueueSize: 100_000 });
    client = new UnixSocketDaemonClient(daemon.socketPath, { maxMessageBytes: 1_024 });
    bridge = new DaemonEventBridge(client);
    server = await startServer(createGateway(bridge));
    bridge.start();
    await daemon.waitFor((counters) => counters.openStreams === 1);
  });

  afterEach(async () => {
    bridge.stop();
    await server.close();
    await client.close();
    await daemon.stop();
  });

  it('after 1,000 lines of each cause, and events the bridge rejects', async () => {
    const notUtf8 = Buffer.from('{"jsonrpc":"2.0","method":"monitor.event","params":{"x":"\u0001"}}');
    notUtf8[notUtf8.indexOf(1)] = 0xfe;
    const lines: Array<string | Buffer> = [
      notUtf8,
      'binary\u0000garbage',
      'Traceback (most recent call last):',
      '{"jsonrpc":"1.0","method":"monitor.event","params":{}}',
      JSON.stringify({ jsonrpc: '2.0', result: 'late', id: 424_242 }),
      `{"padding":"${'x'.repeat(2_000)}"}`,
    ];
    for (let n = 0; n < 1_000; n++) for (const line of lines) daemon.publishRaw(line);
    // Well-formed notifications whose event the bridge rejects (a job_id that is not a string).
    for (let n = 0; n < 10; n++) daemon.publish({ job_id: n, event: 'sheet.started' });
    const marker = firstValueFrom(bridge.allEvents(0).pipe(filter((message) => message.event === 'marker')));
    daemon.publish({ job_id: 'nightly', event: 'marker' });
    await marker;

    const answer = await fetch(`${server.url}/healthz`);
    expect(answer.status).toBe(200);
    const health = (await answer.json()) as Record<string, unknown>;
    expect(health['daemon']).toEqual({
      skipped: {
        invalidUtf8: 1_000,
        nul: 1_000,
        notJson: 1_000,
        notJsonRpc: 1_000,
        unknownId: 1_000,
        oversize: 1_000,
      },
    });
    expect(health['counters']).toMatchObject({ eventsIn: 1, invalidEvents: 10 });
    expect(bridge.stats().daemon).toEqual(health['daemon']);
  });

  it('counts every line of a flood of 95,001, the 19,030 with NUL bytes among them', async () => {
    const event = (name: string) =>
      JSON.stringify({ jsonrpc: '2.0', method: 'monitor.event', params: { job_id: 'j', event: name } });
    const withNul = [
      event('a\u0000b').replace('\\u0000', '\u0000'), // raw NUL in a string of an otherwise valid event
      '\u0000'.repeat(3),
      `${event('sheet.started')}\u0000`,
    ];
    const others = [
      'Traceback (most recent call last):',
      '{"jsonrpc":"1.0","method":"monitor.event","params":{}}',
      '',
    ];
    for (let n = 0; n < 19_030; n++) daemon.publishRaw(withNul[n % withNul.length]!);
    for (let n = 0; n < 75_971; n++) daemon.publishRaw(others[n % others.length]!);
    const marker = firstValueFrom(bridge.allEvents(0).pipe(filter((message) => message.event === 'marker')));
    daemon.publish({ job_id: 'nightly', event: 'marker' });
    await marker;

    const health = (await (await fetch(`${server.url}/healthz`)).json()) as {
      daemon: { skipped: Record<string, number> };
    };
    const { skipped } = health.daemon;
    expect(skipped['nul']).toBe(19_030);
    expect(Object.values(skipped).reduce((sum, n) => sum + n, 0)).toBe(95_001);
  });
});
