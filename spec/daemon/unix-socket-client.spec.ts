import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom, lastValueFrom, take, toArray, type Subscription } from 'rxjs';
import { InvalidArgumentError, InvalidOptionsError } from '../../src/errors';
import {
  DaemonClientClosedError,
  DaemonConnectionError,
  DaemonNotRunningError,
  DaemonPoolTimeoutError,
  DaemonProtocolError,
  DaemonRpcError,
  DaemonTimeoutError,
  DaemonUnresponsiveError,
} from '../../src/daemon/errors';
import {
  UnixSocketDaemonClient,
  type UnixSocketDaemonClientOptions,
} from '../../src/daemon/unix-socket-client';
import type { JsonObject } from '../../src/json';
import { startFakeDaemon, type FakeDaemon, type FakeReply } from '../../src/testing/fake-daemon';
import { ManualScheduler } from '../support/manual-scheduler';
import { waitUntil } from '../support/wait-until';

const STREAM = 'daemon.monitor.stream';
const event = (n: number, jobId = 'job-a'): JsonObject => ({
  job_id: jobId,
  sheet_num: n,
  event: 'sheet.started',
  data: null,
  timestamp: 1_764_000_000 + n,
});
const notification = (params: unknown) => JSON.stringify({ jsonrpc: '2.0', method: 'monitor.event', params });

/** Records what a stream does. */
function record(source: ReturnType<UnixSocketDaemonClient['stream']>) {
  const seen = { events: [] as JsonObject[], completed: false, error: undefined as unknown };
  const subscription = source.subscribe({
    next: (value) => seen.events.push(value),
    complete: () => (seen.completed = true),
    error: (error: unknown) => (seen.error = error),
  });
  return { seen, subscription };
}

describe('UnixSocketDaemonClient', () => {
  let daemon: FakeDaemon;
  let client: UnixSocketDaemonClient;
  const subscriptions: Subscription[] = [];
  const dirs: string[] = [];
  const servers: Server[] = [];

  const makeClient = (options: UnixSocketDaemonClientOptions = {}, path = daemon.socketPath) => {
    client = new UnixSocketDaemonClient(path, options);
    return client;
  };
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'client-spec-'));
    dirs.push(dir);
    return dir;
  };

  beforeEach(async () => {
    daemon = await startFakeDaemon();
    makeClient();
  });

  afterEach(async () => {
    for (const subscription of subscriptions.splice(0)) subscription.unsubscribe();
    await client.close();
    await daemon.stop();
    await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  describe('construction', () => {
    it('validates its options with clear errors', () => {
      expect(() => new UnixSocketDaemonClient('/tmp/x.sock', { poolSize: 0 })).toThrow(
        new InvalidOptionsError(
          'Invalid daemon client option "poolSize": expected an integer from 1 to 500, got 0',
          'poolSize',
        ),
      );
      expect(() => new UnixSocketDaemonClient('/tmp/x.sock', { timeoutMs: 1.5 })).toThrow(/"timeoutMs"/);
      expect(() => new UnixSocketDaemonClient('/tmp/x.sock', { retries: 3 } as never)).toThrow(
        /Unknown daemon client option "retries"/,
      );
      expect(() => new UnixSocketDaemonClient('')).toThrow(InvalidArgumentError);
    });

    it('defaults to the conductor socket path', () => {
      expect(new UnixSocketDaemonClient().socketPath).toBe('/tmp/marianne.sock');
    });
  });

  describe('call()', () => {
    it('sends one request and resolves with the result', async () => {
      await expect(client.call('daemon.health')).resolves.toEqual(expect.objectContaining({ status: 'ok' }));
    });

    it('passes params and returns the observer history, newest last, honouring limit', async () => {
      for (let n = 1; n <= 5; n++) daemon.publish(event(n));
      daemon.publish(event(9, 'job-b'));
      const result = await client.call('daemon.observer_events', { job_id: 'job-a', limit: 2 });
      expect(result).toEqual({ events: [event(4), event(5)] });
    });

    it('rejects an error response as DaemonRpcError with code, message, data and method', async () => {
      daemon.handle('job.status', (_params, reply) =>
        reply.error(-32000, 'Job not found', { job_id: 'nope' }),
      );
      const error = await client.call('job.status', { job_id: 'nope' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DaemonRpcError);
      expect(error).toMatchObject({
        name: 'DaemonRpcError',
        code: -32000,
        message: 'Job not found',
        data: { job_id: 'nope' },
        method: 'job.status',
      });
      await expect(client.call('no.such.method')).rejects.toMatchObject({ code: -32601 });
    });

    it('takes an error response with a null id as the answer to the one request in flight', async () => {
      daemon.handle('odd', (_params, reply) =>
        reply.raw('{"jsonrpc":"2.0","error":{"code":-32600,"message":"Invalid Request"},"id":null}\n'),
      );
      await expect(client.call('odd')).rejects.toMatchObject({ name: 'DaemonRpcError', code: -32600 });
    });

    it('rejects at once with DaemonNotRunningError naming the path when the socket is missing', async () => {
      const path = join(tempDir(), 'missing.sock');
      const error = await makeClient({}, path)
        .call('daemon.health')
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DaemonNotRunningError);
      expect(error).toMatchObject({ code: 'ERR_DAEMON_NOT_RUNNING', socketPath: path });
      expect((error as Error).message).toContain(path);
    });

    it('rejects with DaemonNotRunningError when the connection is refused', async () => {
      const path = join(tempDir(), 'not-a-socket');
      writeFileSync(path, '');
      await expect(makeClient({}, path).call('daemon.health')).rejects.toMatchObject({
        name: 'DaemonNotRunningError',
        socketPath: path,
      });
    });

    it('rejects params that cannot be serialised without touching the daemon', async () => {
      await expect(client.call('x', { n: 1n })).rejects.toBeInstanceOf(InvalidArgumentError);
      expect(daemon.counters.connections).toBe(0);
    });

    it('reuses its pooled connection for later calls', async () => {
      for (let n = 0; n < 5; n++) await client.call('daemon.health');
      expect(daemon.counters.connections).toBe(1);
      expect(client.stats().pool).toEqual({ open: 1, idle: 1, waiting: 0 });
    });

    it('reuses the most recently released connection first (LIFO)', async () => {
      const held: FakeReply[] = [];
      daemon.handle('hold', (_params, reply) => held.push(reply));
      const first = client.call('hold');
      const second = client.call('hold');
      await daemon.waitFor((counters) => counters.requests === 2);
      const [a, b] = held;
      b!.result('b');
      await second;
      a!.result('a');
      await first;
      const seen: number[] = [];
      daemon.handle('who', (_params, reply) => {
        seen.push(reply.connectionId);
        reply.result(reply.connectionId);
      });
      await client.call('who');
      expect(seen).toEqual([a!.connectionId]);
      expect(daemon.counters.connections).toBe(2);
    });

    it('closes pooled connections idle for longer than idleTimeoutMs', async () => {
      makeClient({ idleTimeoutMs: 30 });
      await client.call('daemon.health');
      await daemon.waitFor((counters) => counters.openConnections === 0);
      expect(client.stats().pool).toEqual({ open: 0, idle: 0, waiting: 0 });
      await client.call('daemon.health');
      expect(daemon.counters.connections).toBe(2);
    });

    it('runs 20 concurrent calls through a pool of 8: the rest wait their turn', async () => {
      // The daemon holds requests and answers them in batches once as many as can come are there.
      const held: Array<{ reply: FakeReply; n: unknown }> = [];
      const batches: number[] = [];
      let answered = 0;
      daemon.handle('work', (params, reply) => {
        held.push({ reply, n: (params as JsonObject)['n'] });
        if (held.length < Math.min(8, 20 - answered)) return;
        batches.push(held.length);
        for (const { reply: each, n } of held.splice(0)) {
          answered++;
          each.result(n);
        }
      });
      const calls = Array.from({ length: 20 }, (_, n) => client.call('work', { n }));
      expect(client.stats().pool).toEqual({ open: 8, idle: 0, waiting: 12 });
      await expect(Promise.all(calls)).resolves.toEqual(Array.from({ length: 20 }, (_, n) => n));
      expect(batches).toEqual([8, 8, 4]);
      expect(daemon.counters.connections).toBeLessThanOrEqual(8);
      expect(daemon.counters.peakConnections).toBe(8);
      expect(client.stats().pool).toEqual({ open: 8, idle: 8, waiting: 0 });
    });

    it('rejects with DaemonTimeoutError when the daemon never answers, and recovers', async () => {
      makeClient({ timeoutMs: 50 });
      daemon.handle('hang', () => {});
      const error = await client.call('hang').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DaemonTimeoutError);
      expect(error).toMatchObject({ code: 'ERR_DAEMON_TIMEOUT', method: 'hang', timeoutMs: 50 });
      await daemon.waitFor((counters) => counters.openConnections === 0);
      await expect(client.call('daemon.health')).resolves.toMatchObject({ status: 'ok' });
    });

    it('times out calls that queued for a connection too, and leaves no connection behind', async () => {
      makeClient({ timeoutMs: 50, poolSize: 1 });
      daemon.handle('hang', () => {});
      const hanging = client.call('hang').catch((e: unknown) => e);
      const queued = client.call('hang').catch((e: unknown) => e);
      expect(client.stats().pool.waiting).toBe(1);
      expect(await hanging).toBeInstanceOf(DaemonTimeoutError);
      expect(await queued).toBeInstanceOf(DaemonTimeoutError);
      expect(client.stats().pool).toEqual({ open: 0, idle: 0, waiting: 0 });
      await daemon.waitFor((counters) => counters.openConnections === 0);
    });

    it('retries once, transparently, when its pooled connection turns out closed by the daemon', async () => {
      await client.call('daemon.health');
      daemon.dropConnections();
      // Same tick: the client has not yet seen the close and picks the stale connection.
      await expect(client.call('daemon.health')).resolves.toMatchObject({ status: 'ok' });
      expect(client.stats().counters.staleRetries).toBe(1);
      expect(daemon.counters.connections).toBe(2);
    });

    it('does not retry when the daemon closes a fresh connection mid-line', async () => {
      daemon.handle('cut', (_params, reply) => {
        reply.raw('{"jsonrpc":"2.0","res');
        reply.close();
      });
      const error = await client.call('cut').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DaemonConnectionError);
      expect(error).toMatchObject({ code: 'ERR_DAEMON_CONNECTION', socketPath: daemon.socketPath });
      expect(client.stats().counters).toMatchObject({ notJsonLines: 1, staleRetries: 0 });
      expect(daemon.counters.requests).toBe(1);
    });

    it('skips garbage, invalid JSON-RPC, notifications and unknown ids, then takes the answer', async () => {
      daemon.handle('noisy', (_params, reply) => {
        reply.raw('this is not json\n');
        reply.raw('{"jsonrpc":"1.0","result":1,"id":"other"}\n[1,2,3]\n');
        reply.raw(`${notification({ job_id: 'x' })}\n`);
        reply.raw('{"jsonrpc":"2.0","result":"stale","id":987654}\n');
        reply.result('the answer');
      });
      await expect(client.call('noisy')).resolves.toBe('the answer');
      expect(client.stats().counters).toMatchObject({
        notJsonLines: 1,
        invalidMessages: 2,
        unknownResponses: 1,
      });
    });

    it('rejects with DaemonProtocolError when its answer is not valid JSON-RPC', async () => {
      daemon.handle('bad', (_params, reply) => reply.raw(`{"jsonrpc":"2.0","id":${String(reply.id)}}\n`));
      const error = await client.call('bad').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DaemonProtocolError);
      expect(error).toMatchObject({ code: 'ERR_DAEMON_PROTOCOL' });
    });

    it('rejects with DaemonProtocolError at once when its answer is longer than maxMessageBytes', async () => {
      makeClient({ maxMessageBytes: 256 });
      daemon.handle('huge', (_params, reply) => reply.result('x'.repeat(10_000)));
      const error = await client.call('huge').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DaemonProtocolError);
      expect(client.stats().counters.oversizeLines).toBe(1);
      await expect(client.call('daemon.health')).resolves.toMatchObject({ status: 'ok' });
    });

    it('does not pool a connection that holds part of an unfinished line', async () => {
      makeClient({ poolSize: 1, timeoutMs: 2_000 });
      daemon.handle('ragged', (_params, reply) => {
        reply.result('first');
        reply.raw('{"jsonrpc":"2.0","res'); // half a line, never finished
      });
      await expect(client.call('ragged')).resolves.toBe('first');
      await daemon.waitFor((counters) => counters.requests === 1);
      // Pooled, that connection would glue the next answer onto the half line and time out.
      await expect(client.call('daemon.health')).resolves.toMatchObject({ status: 'ok' });
      expect(client.stats().counters.connectionsOpened).toBe(2);
    });

    it('logs what it skips through the logger', async () => {
      const warnings: string[] = [];
      makeClient({
        logger: { debug() {}, info() {}, warn: (message) => warnings.push(message), error() {} },
      });
      daemon.handle('noisy', (_params, reply) => {
        reply.raw('garbage\n');
        reply.result(1);
      });
      await client.call('noisy');
      expect(warnings).toEqual(['daemon line skipped (not json)']);
    });
  });

  describe('timeouts', () => {
    // A virtual clock drives the client's timers and the daemon's answers; sockets are real.
    let clock: ManualScheduler;

    beforeEach(() => {
      clock = new ManualScheduler();
    });

    it('counts timeoutMs from the write: 20 calls through 8 connections to a daemon answering in 200 ms all succeed with timeoutMs 500', async () => {
      makeClient({ poolSize: 8, timeoutMs: 500, scheduler: clock, healthIntervalMs: 0 });
      const answeredAt: number[] = [];
      daemon.handle('work', (params, reply) => {
        clock.schedule(() => {
          answeredAt.push(clock.now());
          reply.result((params as JsonObject)['n']);
        }, 200);
      });
      const calls = Array.from({ length: 20 }, (_, n) => client.call('work', { n }));
      // Each round: the requests the free connections carry arrive, then 200 ms pass.
      for (const received of [8, 16, 20]) {
        await daemon.waitFor((counters) => counters.requests === received);
        clock.advance(200);
      }
      await expect(Promise.all(calls)).resolves.toEqual(Array.from({ length: 20 }, (_, n) => n));
      // The last calls waited 400 ms for a connection: 600 ms in all, more than timeoutMs.
      expect(Math.max(...answeredAt)).toBe(600);
    });

    it('fails a call that waits longer than acquireTimeoutMs for a connection with DaemonPoolTimeoutError, unsent', async () => {
      makeClient({
        poolSize: 1,
        timeoutMs: 1_000,
        acquireTimeoutMs: 100,
        scheduler: clock,
        healthIntervalMs: 0,
      });
      daemon.handle('hang', () => {});
      const hanging = client.call('hang').catch((e: unknown) => e);
      const queued = client.call('daemon.health').catch((e: unknown) => e);
      await daemon.waitFor((counters) => counters.requests === 1);
      clock.advance(100);
      const error = await queued;
      expect(error).toBeInstanceOf(DaemonPoolTimeoutError);
      expect(error).toBeInstanceOf(DaemonTimeoutError);
      expect(error).toMatchObject({
        name: 'DaemonPoolTimeoutError',
        code: 'ERR_DAEMON_POOL_TIMEOUT',
        method: 'daemon.health',
        timeoutMs: 100,
      });
      expect(client.stats().pool).toEqual({ open: 1, idle: 0, waiting: 0 });
      clock.advance(900);
      expect(await hanging).toMatchObject({ name: 'DaemonTimeoutError', timeoutMs: 1_000 });
      expect(daemon.counters.requests).toBe(1);
    });
  });

  describe('health probes', () => {
    let clock: ManualScheduler;
    const probing = { healthIntervalMs: 1_000, healthTimeoutMs: 500, healthMaxMisses: 3 };

    beforeEach(() => {
      clock = new ManualScheduler();
    });

    /** Moves the clock to the next probe, and waits for its answer when the daemon answers. */
    const probeOnce = async (answered: boolean) => {
      const before = daemon.counters.requests;
      clock.advance(1_000);
      if (!answered) return;
      await daemon.waitFor((counters) => counters.requests === before + 1);
      await waitUntil(() => client.stats().pool.idle === 1, 'the probe answer');
    };

    it('keeps a stream open while the daemon answers daemon.health on the pool', async () => {
      makeClient({ ...probing, scheduler: clock });
      const { seen, subscription } = record(client.stream(STREAM));
      subscriptions.push(subscription);
      await daemon.waitFor((counters) => counters.openStreams === 1);
      for (let n = 0; n < 5; n++) await probeOnce(true);
      expect(seen.error).toBeUndefined();
      expect(daemon.counters).toMatchObject({ requests: 6, connections: 2 });
      expect(client.stats().counters).toMatchObject({ healthMisses: 0, unresponsive: 0 });
    });

    it('errors the stream with DaemonUnresponsiveError after healthMaxMisses unanswered probes, closing its connection', async () => {
      makeClient({ ...probing, scheduler: clock });
      const { seen } = record(client.stream(STREAM));
      await daemon.waitFor((counters) => counters.openStreams === 1);
      await probeOnce(true);
      daemon.freeze();
      // Probes at 2, 3 and 4 s; each misses 500 ms later.
      await probeOnce(false);
      await probeOnce(false);
      await probeOnce(false);
      expect(seen.error).toBeUndefined();
      expect(client.stats().counters.healthMisses).toBe(2);
      clock.advance(500);
      expect(seen.error).toBeInstanceOf(DaemonUnresponsiveError);
      expect(seen.error).toBeInstanceOf(DaemonConnectionError);
      expect(seen.error).toMatchObject({
        name: 'DaemonUnresponsiveError',
        code: 'ERR_DAEMON_UNRESPONSIVE',
        socketPath: daemon.socketPath,
        misses: 3,
      });
      expect(client.stats()).toMatchObject({
        streams: 0,
        pool: { open: 0, waiting: 0 },
        counters: { healthMisses: 3, unresponsive: 1 },
      });
      daemon.thaw();
      await daemon.waitFor((counters) => counters.openConnections === 0);
      // The daemon is back: a new stream gets events.
      const events = firstValueFrom(client.stream(STREAM));
      await daemon.waitFor((counters) => counters.openStreams === 1);
      daemon.publish(event(1));
      await expect(events).resolves.toEqual(event(1));
    });

    it('takes an error response to the probe as a sign of life', async () => {
      makeClient({ ...probing, scheduler: clock });
      daemon.handle('daemon.health', (_params, reply) => reply.error(-32601, 'Method not found'));
      const { seen, subscription } = record(client.stream(STREAM));
      subscriptions.push(subscription);
      await daemon.waitFor((counters) => counters.openStreams === 1);
      for (let n = 0; n < 4; n++) await probeOnce(true);
      expect(seen.error).toBeUndefined();
      expect(client.stats().counters.healthMisses).toBe(0);
    });

    it('does not probe with healthIntervalMs 0', async () => {
      makeClient({ ...probing, healthIntervalMs: 0, scheduler: clock });
      const { subscription } = record(client.stream(STREAM));
      subscriptions.push(subscription);
      await daemon.waitFor((counters) => counters.openStreams === 1);
      clock.advance(60_000);
      await client.call('daemon.health');
      expect(daemon.counters.requests).toBe(2);
    });
  });

  describe('stats().skipped', () => {
    it('counts each skipped line under its cause', async () => {
      makeClient({ maxMessageBytes: 256 });
      const events = lastValueFrom(client.stream(STREAM).pipe(take(2), toArray()));
      await daemon.waitFor((counters) => counters.openStreams === 1);
      // JSON but for one byte that is not UTF-8 (it would decode to U+FFFD).
      daemon.publishRaw(
        Buffer.from(notification({ job_id: 'a', text: '\uFFFF' }).replace('\uFFFF', '\u0001')).map((byte) =>
          byte === 1 ? 0xff : byte,
        ),
      );
      daemon.publishRaw('not json');
      daemon.publishRaw('');
      daemon.publishRaw('\u0000\u0000');
      daemon.publishRaw('{"jsonrpc":"2.0"}');
      daemon.publishRaw(notification('not an object'));
      daemon.publishRaw(`{"jsonrpc":"2.0","result":1,"id":99}`);
      daemon.publishRaw(`"${'x'.repeat(300)}"`);
      const replacementCharacter = { ...event(2), data: { text: '\uFFFD' } };
      daemon.publish(event(1));
      daemon.publish(replacementCharacter);
      await expect(events).resolves.toEqual([event(1), replacementCharacter]);
      expect(client.stats().skipped).toEqual({
        invalidUtf8: 1,
        nul: 1,
        notJson: 2,
        notJsonRpc: 2,
        oversize: 1,
        unknownId: 1,
      });
    });
  });

  describe('stream()', () => {
    it('emits the params of each notification, after onOpen', async () => {
      const order: string[] = [];
      const events = lastValueFrom(
        client.stream(STREAM, {}, { onOpen: () => order.push('open') }).pipe(take(3), toArray()),
      );
      await daemon.waitFor((counters) => counters.openStreams === 1);
      expect(order).toEqual(['open']);
      [1, 2, 3].forEach((n) => daemon.publish(event(n)));
      await expect(events).resolves.toEqual([event(1), event(2), event(3)]);
    });

    it('errors with what an onOpen hook throws, and closes the connection', async () => {
      const boom = new Error('hook failed');
      const stream = client.stream(
        STREAM,
        {},
        {
          onOpen: () => {
            throw boom;
          },
        },
      );
      await expect(firstValueFrom(stream)).rejects.toBe(boom);
      expect(client.stats().streams).toBe(0);
      await daemon.waitFor((counters) => counters.openConnections === 0);
    });

    it('is cold: each subscription opens its own connection, and unsubscribing closes it at once', async () => {
      const stream = client.stream(STREAM);
      const a = record(stream);
      const b = record(stream);
      subscriptions.push(a.subscription, b.subscription);
      await daemon.waitFor((counters) => counters.openStreams === 2);
      expect(client.stats().streams).toBe(2);
      daemon.publish(event(1));
      await waitUntil(() => a.seen.events.length === 1 && b.seen.events.length === 1, 'both streams');
      a.subscription.unsubscribe();
      expect(client.stats().streams).toBe(1);
      await daemon.waitFor((counters) => counters.openStreams === 1);
      daemon.publish(event(2));
      await waitUntil(() => b.seen.events.length === 2, 'the second event');
      expect(a.seen.events).toEqual([event(1)]);
      expect(daemon.counters.connections).toBe(2);
    });

    it('completes when the daemon closes the socket', async () => {
      const { seen } = record(client.stream(STREAM));
      await daemon.waitFor((counters) => counters.openStreams === 1);
      daemon.publish(event(1));
      await waitUntil(() => seen.events.length === 1, 'the event');
      daemon.dropConnections();
      await waitUntil(() => seen.completed, 'completion');
      expect(seen.error).toBeUndefined();
      expect(client.stats().streams).toBe(0);
    });

    it('completes on the final result response', async () => {
      daemon.handle('job.follow', (_params, reply) => {
        reply.raw(`${notification(event(1))}\n${notification(event(2))}\n`);
        reply.result(null);
      });
      await expect(lastValueFrom(client.stream('job.follow').pipe(toArray()))).resolves.toEqual([
        event(1),
        event(2),
      ]);
    });

    it('errors with DaemonRpcError on an error response', async () => {
      const error = await lastValueFrom(client.stream('no.such.stream')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DaemonRpcError);
      expect(error).toMatchObject({ code: -32601, method: 'no.such.stream' });
    });

    it('errors with DaemonNotRunningError when the daemon is not there', async () => {
      const path = join(tempDir(), 'none.sock');
      const error = await firstValueFrom(makeClient({}, path).stream(STREAM)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DaemonNotRunningError);
      expect(error).toMatchObject({ socketPath: path });
    });

    it('skips garbage and invalid messages, counts them, and goes on', async () => {
      const events = lastValueFrom(client.stream(STREAM).pipe(take(2), toArray()));
      await daemon.waitFor((counters) => counters.openStreams === 1);
      daemon.publishRaw('}{ not json');
      daemon.publishRaw('{"no":"jsonrpc"}');
      daemon.publishRaw(notification([1, 2]));
      daemon.publishRaw('{"jsonrpc":"2.0","method":"monitor.event","params":{"x":1},"id":"both"}');
      daemon.publishRaw('{"jsonrpc":"2.0","result":"for someone else","id":424242}');
      daemon.publishRaw('');
      daemon.publish(event(1));
      daemon.publishRaw('\u0000\u0001 binary \uFFFD');
      daemon.publish(event(2));
      await expect(events).resolves.toEqual([event(1), event(2)]);
      expect(client.stats().counters).toMatchObject({
        notJsonLines: 3,
        invalidMessages: 3,
        unknownResponses: 1,
      });
    });

    it('skips an oversize line between two valid ones, and goes on after it', async () => {
      makeClient({ maxMessageBytes: 512 });
      const events = lastValueFrom(client.stream(STREAM).pipe(take(2), toArray()));
      await daemon.waitFor((counters) => counters.openStreams === 1);
      daemon.publish(event(1));
      daemon.publish({ ...event(99), data: { padding: 'x'.repeat(200_000) } });
      daemon.publish(event(2));
      await expect(events).resolves.toEqual([event(1), event(2)]);
      expect(client.stats().counters.oversizeLines).toBe(1);
    });

    it('keeps the events before a cut, skips the half line, and completes when the daemon closes mid-line', async () => {
      daemon.handle('job.follow', (_params, reply) => {
        reply.raw(`${notification(event(1))}\n{"jsonrpc":"2.0","method":"monitor.ev`);
        reply.close();
      });
      await expect(lastValueFrom(client.stream('job.follow').pipe(toArray()))).resolves.toEqual([event(1)]);
      expect(client.stats().counters.notJsonLines).toBe(1);
    });

    it('errors with DaemonConnectionError when the socket breaks', async () => {
      // The daemon dies with our request unread: the kernel resets the connection.
      const path = join(tempDir(), 'reset.sock');
      let accepted: Socket | undefined;
      const server = createServer({ pauseOnConnect: true }, (socket) => (accepted = socket));
      servers.push(server);
      await new Promise<void>((resolve) => server.listen(path, resolve));
      let opened = false;
      const { seen } = record(makeClient({}, path).stream(STREAM, {}, { onOpen: () => (opened = true) }));
      await waitUntil(() => opened && accepted !== undefined, 'the connection');
      accepted!.destroy();
      await waitUntil(() => seen.error !== undefined || seen.completed, 'the end of the stream');
      expect(seen.error).toBeInstanceOf(DaemonConnectionError);
      expect(seen.error).toMatchObject({ code: 'ERR_DAEMON_CONNECTION', socketPath: path });
    });
  });

  describe('close()', () => {
    it('rejects pending and queued calls, errors open streams, closes every socket, and refuses later work', async () => {
      makeClient({ poolSize: 1 });
      daemon.handle('hang', () => {});
      await client.call('daemon.health');
      const pending = client.call('hang').catch((e: unknown) => e);
      const queued = client.call('daemon.health').catch((e: unknown) => e);
      const { seen } = record(client.stream(STREAM));
      await daemon.waitFor((counters) => counters.openStreams === 1 && counters.requests === 3);
      expect(client.stats().pool.waiting).toBe(1);
      await client.close();
      expect(await pending).toBeInstanceOf(DaemonClientClosedError);
      expect(await queued).toBeInstanceOf(DaemonClientClosedError);
      expect(seen.error).toBeInstanceOf(DaemonClientClosedError);
      expect(client.stats()).toMatchObject({ pool: { open: 0, idle: 0, waiting: 0 }, streams: 0 });
      await daemon.waitFor((counters) => counters.openConnections === 0);
      await expect(client.call('daemon.health')).rejects.toMatchObject({ code: 'ERR_DAEMON_CLIENT_CLOSED' });
      await expect(firstValueFrom(client.stream(STREAM))).rejects.toBeInstanceOf(DaemonClientClosedError);
      await expect(client.close()).resolves.toBeUndefined();
    });

    it('returns one promise to every caller, settled once every socket is closed', async () => {
      await client.call('daemon.health');
      const first = client.close();
      expect(client.close()).toBe(first);
      await first;
      await daemon.waitFor((counters) => counters.openConnections === 0);
    });
  });
});
