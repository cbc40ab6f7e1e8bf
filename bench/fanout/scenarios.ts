/**
 * The fan-out measurements: one function per figure, each run against one
 * {@link SystemSpec} with the clients in the {@link ClientProcess}.
 */
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setImmediate as turn, setTimeout as sleep } from 'node:timers/promises';
import type { JsonObject } from '../../src/json';
import type { ClientProcess, ClientReport } from './clients';
import type { MemoryCommand, MemoryReply, MemorySample } from './memory-server';
import type { RunningSystem, SystemSpec } from './systems';

/** A topology: how many clients on how many jobs, and how many on every event. */
export interface Topology {
  readonly jobClients: number;
  readonly jobs: number;
  readonly globalClients: number;
}

/** Events published per event-loop turn (a daemon socket read holds about as many). */
const EVENTS_PER_TURN = 250;
/** Above this many bytes queued across responses the publisher waits for the clients. */
const MAX_QUEUED = 64 * 1024 * 1024;

/** A benchmark event of job `job-(i % jobs)`; `stamp` is the number the clients find after `"bench":`. */
export function benchEvent(i: number, jobs: number, stamp: number): JsonObject {
  return {
    job_id: `job-${i % jobs}`,
    sheet_num: i % 9,
    event: 'sheet.completed',
    data: { bench: stamp, success: true, cost_usd: 0.04, duration_seconds: 12.5 },
    timestamp: 1764000000 + i,
  };
}

/** The path of every client, and how many frames each gets from `events` events of job `i % jobs`. */
export function plan(system: RunningSystem, topology: Topology, events: number) {
  const { jobClients, jobs, globalClients } = topology;
  const paths: string[] = [];
  const expect: number[] = [];
  for (let i = 0; i < jobClients; i++) {
    const job = i % jobs;
    paths.push(system.path(`job-${job}`));
    expect.push(Math.floor(events / jobs) + (job < events % jobs ? 1 : 0));
  }
  for (let i = 0; i < globalClients; i++) {
    paths.push(system.path(undefined));
    expect.push(events);
  }
  return { paths, expect, frames: expect.reduce((sum, n) => sum + n, 0) };
}

async function connectAll(
  system: RunningSystem,
  clients: ClientProcess,
  paths: string[],
  expect: number[],
  latency = false,
) {
  await clients.open(system.port, paths, expect, latency);
  for (let waited = 0; system.connected() < paths.length; waited += 5) {
    if (waited > 30_000) throw new Error(`only ${system.connected()} of ${paths.length} clients registered`);
    await sleep(5);
  }
}

/** The frames each client got, checked against what it should have got (nothing lost, nothing extra). */
export interface Delivery {
  readonly expectedFrames: number;
  readonly receivedFrames: number;
  readonly clientsShort: number;
  readonly clientErrors: number;
}

function delivery(expect: number[], report: ClientReport): Delivery {
  let received = 0;
  let short = 0;
  expect.forEach((n, i) => {
    received += report.counts[i] ?? 0;
    if ((report.counts[i] ?? 0) !== n) short++;
  });
  return {
    expectedFrames: expect.reduce((sum, n) => sum + n, 0),
    receivedFrames: received,
    clientsShort: short,
    clientErrors: report.errors,
  };
}

async function withSystem<T>(
  spec: SystemSpec,
  clients: ClientProcess,
  run: (s: RunningSystem) => Promise<T>,
) {
  const system = await spec.start();
  try {
    return await run(system);
  } finally {
    await clients.closeClients();
    await system.close();
  }
}

export interface Throughput extends Delivery {
  /** Frames delivered per second of server CPU (user + system). */
  readonly framesPerCpuSecond: number;
  readonly cpuSeconds: number;
  readonly wallSeconds: number;
}

/** Frames per server-CPU-second: `events` events fanned out over `topology`. */
export function throughput(spec: SystemSpec, clients: ClientProcess, topology: Topology, events: number) {
  return withSystem(spec, clients, async (system): Promise<Throughput> => {
    const { paths, expect, frames } = plan(system, topology, events);
    await connectAll(system, clients, paths, expect);
    const done = clients.done();
    const start = performance.now();
    const cpu = process.cpuUsage();
    for (let i = 0; i < events; i++) {
      system.publish(benchEvent(i, topology.jobs, 1764000000000.5));
      if (i % EVENTS_PER_TURN === EVENTS_PER_TURN - 1) {
        await turn();
        while (system.buffered() > MAX_QUEUED) await sleep(1);
      }
    }
    await done;
    const used = process.cpuUsage(cpu);
    const wallSeconds = (performance.now() - start) / 1e3;
    await sleep(50); // anything extra would arrive now
    const cpuSeconds = (used.user + used.system) / 1e6;
    return {
      ...delivery(expect, await clients.report()),
      framesPerCpuSecond: Math.round(frames / cpuSeconds),
      cpuSeconds,
      wallSeconds,
    };
  });
}

export interface Latency extends Delivery {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly samples: number;
}

/** Publish → client read delay at a steady `rate` events/s for `seconds`, over `topology`. */
export function latency(
  spec: SystemSpec,
  clients: ClientProcess,
  topology: Topology,
  rate: number,
  seconds: number,
) {
  return withSystem(spec, clients, async (system): Promise<Latency> => {
    const events = Math.round(rate * seconds);
    const { paths, expect } = plan(system, topology, events);
    await connectAll(system, clients, paths, expect, true);
    const done = clients.done();
    const start = performance.now();
    let published = 0;
    while (published < events) {
      const due = Math.min(events, Math.floor(((performance.now() - start) / 1e3) * rate));
      for (; published < due; published++) {
        system.publish(benchEvent(published, topology.jobs, performance.timeOrigin + performance.now()));
      }
      await sleep(1);
    }
    await done;
    await sleep(50);
    const report = await clients.report();
    const summary = report.latency ?? { p50: NaN, p99: NaN, max: NaN, samples: 0 };
    return { ...delivery(expect, report), ...summary };
  });
}

export interface IdleMemory {
  readonly clients: number;
  /** JS heap + external memory per client, after gc. */
  readonly heapBytesPerClient: number;
  /** Resident set growth per client (includes allocator slack and native memory). */
  readonly rssBytesPerClient: number;
}

/** The steps in which the idle-memory clients connect (a sample after each). */
const MEMORY_STEPS = 5;

/** The least-squares slope of `value` over `clients`: bytes per client. */
function bytesPerClient(samples: readonly MemorySample[], value: (s: MemorySample) => number): number {
  const n = samples.length;
  const meanX = samples.reduce((sum, s) => sum + s.clients, 0) / n;
  const meanY = samples.reduce((sum, s) => sum + value(s), 0) / n;
  let covariance = 0;
  let variance = 0;
  for (const s of samples) {
    covariance += (s.clients - meanX) * (value(s) - meanY);
    variance += (s.clients - meanX) ** 2;
  }
  return Math.round(covariance / variance);
}

/**
 * Server memory held per idle connected SSE client: `count` clients on
 * `count / 10` jobs, the system in a fresh process (see memory-server.ts).
 *
 * A warm-up connects and closes `count` clients; then the clients connect
 * in {@link MEMORY_STEPS} steps of `count / 5`, each step on its own jobs,
 * with a sample after each; the figure is the slope of memory over clients.
 * Every system is measured alike. What made the RSS growth swing (by 2x,
 * from a 0-client baseline after 100 warm-up clients) is taken out:
 * - freed memory the new clients reuse: glibc keeps what the process freed
 *   before (start-up, warm-up) for reuse, an amount that varied from run to
 *   run; after a warm-up of as many clients, the native memory of node:http's
 *   sockets (~2.5 KB each, the same in every system) comes from that reuse in
 *   every run, so RSS grows with what each system holds;
 * - pages left sparse by garbage: V8 keeps them resident, which ones being up
 *   to its heuristics, so a system that makes more garbage per request had
 *   RSS steps from 2 to 11 KB per client while its heap grew 6 KB per client
 *   throughout. Each process compacts on every full collection
 *   (`--compact-on-every-full-gc`), as the memory reducer of an idle server
 *   does.
 */
export async function idleMemory(
  spec: SystemSpec,
  clients: ClientProcess,
  count: number,
): Promise<IdleMemory> {
  const child = fork(join(__dirname, 'memory-server.ts'), [spec.key, String(count)], {
    execArgv: ['--expose-gc', '--compact-on-every-full-gc', '-r', 'ts-node/register'],
    env: { ...process.env, TS_NODE_PROJECT: join(__dirname, '..', 'tsconfig.json') },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = () =>
    new Promise<MemoryReply>((resolve, reject) => {
      child.once('message', (reply: MemoryReply) =>
        reply.type === 'failed'
          ? reject(new Error(`${spec.key} memory server: ${reply.error}`))
          : resolve(reply),
      );
      child.once('exit', (code) => reject(new Error(`${spec.key} memory server exited (${code})`)));
    });
  const sample = async (command: MemoryCommand) => {
    const reply = next();
    child.send(command);
    const answer = await reply;
    if (answer.type !== 'sample') throw new Error('expected a sample');
    return answer.sample;
  };
  const open = (port: number, paths: string[]) =>
    clients.open(
      port,
      paths,
      paths.map(() => 0),
    );
  try {
    const ready = await next();
    if (ready.type !== 'ready') throw new Error('expected ready');
    await open(ready.port, ready.paths);
    await clients.closeClients();
    const samples: MemorySample[] = [];
    for (let step = 1; step <= MEMORY_STEPS; step++) {
      const [from, to] = [step - 1, step].map((s) => Math.round((s * count) / MEMORY_STEPS));
      await open(ready.port, ready.paths.slice(from, to));
      samples.push(await sample({ type: 'sample', clients: to! }));
    }
    return {
      clients: count,
      heapBytesPerClient: bytesPerClient(samples, (s) => s.heap),
      rssBytesPerClient: bytesPerClient(samples, (s) => s.rss),
    };
  } finally {
    await clients.closeClients();
    await new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.disconnect();
    });
  }
}
