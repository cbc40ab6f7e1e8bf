import { jetstream } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { UnixSocketDaemonClient } from '../src/daemon/unix-socket-client';
import { NatsRelay } from '../src/nats/relay';
import { exited, firstLine } from '../spec/support/child-process';
import { pollUntil, waitUntil } from '../spec/support/wait-until';
import { natsServerInstalled, startNatsCluster, startNatsServer } from '../spec/support/nats-server';
import { startConductor, startReplica } from '../spec/nats/support/scale-out';
import type { Result } from './result';

const QUICK = process.argv.includes('--quick');
const RELAY_EVENTS = QUICK ? 5_000 : 30_000;
const UNTIL_MS = 20_000;
const E2E_SECONDS = QUICK ? 2 : 5;
const E2E_RATE = 1_000;
const RESUMES = QUICK ? 5 : 20;

const now = () => performance.timeOrigin + performance.now();
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** The fake daemon in a process of its own (as the conductor is), queueing a whole burst per client. */
async function daemonProcess(
  queueSize: number,
): Promise<{ child: ChildProcessWithoutNullStreams; socketPath: string }> {
  const cli = join(__dirname, '..', 'src', 'testing', 'fake-daemon-cli.ts');
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register', cli, '--stream-queue-size', String(queueSize)],
    {
      env: { ...process.env, TS_NODE_PROJECT: join(__dirname, 'tsconfig.json') },
    },
  );
  child.stderr.pipe(process.stderr);
  return { child, socketPath: await firstLine(child) };
}

/** Throws unless `stream` holds exactly `count` events whose `sheet_num`s are 0, 1, 2… in stream order. */
async function checkStored(nc: NatsConnection, stream: string, count: number): Promise<void> {
  const consumer = await jetstream(nc).consumers.get(stream);
  let next = 0;
  for await (const msg of await consumer.fetch({ max_messages: count, expires: 10_000 })) {
    const num = msg.json<{ sheet_num: number }>().sheet_num;
    if (num !== next) throw new Error(`${stream}: event ${num} stored where ${next} was due`);
    if (++next === count) break;
  }
  const { state } = await (await jetstream(nc).jetstreamManager()).streams.info(stream);
  if (next !== count || state.messages !== count)
    throw new Error(`${stream}: ${state.messages} events stored, ${next} read in order, ${count} sent`);
}

/**
 * Relay throughput: a burst written to the daemon (another process) until
 * JetStream acknowledged it all; CPU is the relay's process alone.
 */
async function relayThroughput(
  servers: string[],
  label: string,
  replicas: number,
  target?: number,
): Promise<Result> {
  // the queue holds the whole burst (the real conductor's holds 100; it never produces this fast)
  const daemon = await daemonProcess(RELAY_EVENTS);
  const client = new UnixSocketDaemonClient(daemon.socketPath);
  const nc = await connect({ servers, maxReconnectAttempts: -1 });
  const relay = new NatsRelay(client, nc, { conductor: 'bench', stream: `BENCH_R${replicas}`, replicas });
  await relay.start();
  // the daemon counts the relay's stream once it has answered it
  await pollUntil(
    () => client.call('daemon.health') as Promise<{ streams: number }>,
    (health) => health.streams === 1,
    "the daemon to register the relay's stream",
  );
  const burst: string[] = [];
  for (let i = 0; i < RELAY_EVENTS; i++) {
    burst.push(
      JSON.stringify({
        job_id: `job-${i % 20}`,
        sheet_num: i,
        event: 'sheet.progress',
        data: { i },
        timestamp: i,
      }),
    );
  }
  const cpu = process.cpuUsage();
  const started = performance.now();
  daemon.child.stdin.write(`${burst.join('\n')}\n`);
  await waitUntil(
    () => relay.stats().counters.published >= RELAY_EVENTS,
    () => `relay publishes ${JSON.stringify(relay.stats())}`,
    UNTIL_MS,
  );
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  await relay.stop();
  // nothing lost, duplicated or reordered
  await checkStored(nc, `BENCH_R${replicas}`, RELAY_EVENTS);
  await nc.close();
  await client.close();
  daemon.child.stdin.end();
  await exited(daemon.child);
  return {
    name: `relay into JetStream, ${label}`,
    value: Math.round(RELAY_EVENTS / seconds),
    unit: 'events/s',
    better: 'higher',
    ...(target === undefined ? {} : { target }),
    note: `${RELAY_EVENTS} events; daemon in another process; ${round((used.user + used.system) / RELAY_EVENTS, 1)} µs relay CPU per event`,
  };
}

/** A plain-JS SSE client in a worker: records `now - data.sent` per event; posts the latencies on 'stop'. */
const LATENCY_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { request } = require('node:http');
const { performance } = require('node:perf_hooks');
const latencies = [];
let carry = '';
const req = request(workerData.url, (res) => {
  parentPort.postMessage({ open: true });
  res.setEncoding('utf8');
  res.on('data', (chunk) => {
    const text = carry + chunk;
    const lines = text.split('\\n');
    carry = lines.pop();
    const t = performance.timeOrigin + performance.now();
    for (const line of lines) {
      const m = /"sent":([0-9.]+)/.exec(line);
      if (line.startsWith('data:') && m) latencies.push(t - Number(m[1]));
    }
  });
});
req.end();
parentPort.on('message', () => { req.destroy(); parentPort.postMessage({ latencies }); });
`;

/** End to end at 1,000 events/s: daemon → relay → JetStream → gateway → SSE client (another thread). */
async function endToEndLatency(url: string): Promise<Result[]> {
  const conductor = await startConductor(url, 'e2e', { stream: 'BENCH_E2E', prefix: 'e2e' });
  const replica = await startReplica(url, { stream: 'BENCH_E2E', prefix: 'e2e' });
  const worker = new Worker(LATENCY_WORKER, {
    eval: true,
    workerData: { url: `${replica.server.url}/api/jobs/lat/events` },
  });
  await new Promise((resolve) => worker.once('message', resolve));
  await pause(200);
  const total = E2E_RATE * E2E_SECONDS;
  const started = performance.now();
  for (let sent = 0; sent < total;) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * E2E_RATE));
    for (; sent < due; sent++) conductor.publish('lat', { sent: now() });
    await pause(1);
  }
  await waitUntil(() => replica.bridge.stats().counters.eventsIn >= total, 'gateway ingest', 60_000);
  await pause(200);
  const latencies = await new Promise<number[]>((resolve) => {
    worker.once('message', (m: { latencies: number[] }) => resolve(m.latencies));
    worker.postMessage('stop');
  });
  await worker.terminate();
  await replica.stop();
  await conductor.stop();
  const sorted = latencies.sort((a, b) => a - b);
  const note = `${sorted.length} of ${total} events received, ${E2E_SECONDS} s at ${E2E_RATE}/s`;
  return [
    {
      name: 'end to end p50 at 1,000 events/s',
      value: round(percentile(sorted, 50), 2),
      unit: 'ms',
      better: 'lower',
      note,
    },
    {
      name: 'end to end p99 at 1,000 events/s',
      value: round(percentile(sorted, 99), 2),
      unit: 'ms',
      better: 'lower',
      target: 25,
    },
  ];
}

/** A client cut from replica 1 resumes on replica 2: time from the request to the last missed event. */
async function resumeOnAnotherReplica(url: string): Promise<Result[]> {
  const conductor = await startConductor(url, 'resume', { stream: 'BENCH_RESUME', prefix: 'resume' });
  const out: Result[] = [];
  for (const [label, replaySize] of [
    ['from the ring', 1_000],
    ['from the log', 10],
  ] as const) {
    const one = await startReplica(url, { stream: 'BENCH_RESUME', prefix: 'resume' });
    const two = await startReplica(url, { stream: 'BENCH_RESUME', prefix: 'resume', replaySize });
    const times: number[] = [];
    for (let r = 0; r < RESUMES; r++) {
      conductor.publish('r');
      const expected = one.bridge.stats().counters.eventsIn + 1;
      await waitUntil(() => one.bridge.stats().counters.eventsIn >= expected, 'replica 1', 60_000);
      const lastEventId = one.bridge.stats().lastEventId!;
      for (let i = 0; i < 100; i++) conductor.publish('r', { i });
      const target = Number(lastEventId) + 100;
      await waitUntil(
        () => Number(two.bridge.stats().lastEventId ?? 0) >= target,
        'replica 2 caught up',
        60_000,
      );
      const started = performance.now();
      const got = await new Promise<number>((resolve, reject) => {
        const req = request(
          `${two.server.url}/api/jobs/r/events`,
          { headers: { 'Last-Event-ID': lastEventId } },
          (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => {
              text += chunk;
              if (text.includes(`id: ${target}\n`)) {
                resolve(performance.now() - started);
                req.destroy();
              }
            });
          },
        );
        req.on('error', reject);
        req.end();
      });
      times.push(got);
    }
    await one.stop();
    await two.stop();
    const sorted = times.sort((a, b) => a - b);
    out.push({
      name: `resume on another replica, 100 missed events ${label} (p50 of ${RESUMES})`,
      value: round(percentile(sorted, 50), 2),
      unit: 'ms',
      better: 'lower',
      target: 50,
      note: `max ${round(sorted.at(-1)!, 2)} ms`,
    });
  }
  await conductor.stop();
  return out;
}

/** The NATS figures: relay throughput (1 and 3 nodes), end-to-end latency, resume on another replica. */
export async function natsFigures(): Promise<Result[]> {
  if (!natsServerInstalled) {
    return [{ name: 'NATS figures skipped: no nats-server', value: 0, unit: '', better: 'higher' }];
  }
  const results: Result[] = [];
  const single = await startNatsServer();
  try {
    results.push(await relayThroughput([single.url], '1 node', 1, 25_000));
    results.push(...(await endToEndLatency(single.url)));
    results.push(...(await resumeOnAnotherReplica(single.url)));
  } finally {
    await single.dispose();
  }
  const cluster = await startNatsCluster(3);
  try {
    await pause(3_000); // the JetStream meta leader election
    results.push(await relayThroughput(cluster.urls, '3 nodes (R3 stream)', 3, 20_000));
  } finally {
    await cluster.dispose();
  }
  return results;
}
