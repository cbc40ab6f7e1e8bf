/**
 * Runs every fan-out figure for every system, `repeat` times, and keeps the
 * median of each figure (and of each within-run ratio).
 */
import { ClientProcess } from './clients';
import { dispatchInFreshProcess, type Dispatch, type DispatchSize, type DispatchSystem } from './dispatch';
import {
  idleMemory,
  latency,
  throughput,
  type Delivery,
  type IdleMemory,
  type Latency,
  type Throughput,
  type Topology,
} from './scenarios';
import { FANOUT_SYSTEMS, gatewayViaDaemon, type SystemSpec } from './systems';

export interface FanoutSizes {
  readonly broadcast: { readonly topology: Topology; readonly events: number };
  readonly mixed: { readonly topology: Topology; readonly events: number };
  readonly latency: { readonly topology: Topology; readonly rate: number; readonly seconds: number };
  readonly memoryClients: number;
  readonly dispatch: DispatchSize;
}

export const FULL: FanoutSizes = {
  broadcast: { topology: { jobClients: 0, jobs: 1, globalClients: 50 }, events: 20_000 },
  mixed: { topology: { jobClients: 1_000, jobs: 100, globalClients: 10 }, events: 20_000 },
  latency: { topology: { jobClients: 1_000, jobs: 100, globalClients: 10 }, rate: 1_000, seconds: 5 },
  memoryClients: 5_000,
  dispatch: { events: 20_000, jobs: 10_000, globalConsumers: 10 },
};

export const QUICK: FanoutSizes = {
  broadcast: { topology: { jobClients: 0, jobs: 1, globalClients: 10 }, events: 1_000 },
  mixed: { topology: { jobClients: 100, jobs: 10, globalClients: 10 }, events: 1_000 },
  latency: { topology: { jobClients: 100, jobs: 10, globalClients: 10 }, rate: 1_000, seconds: 0.5 },
  memoryClients: 200,
  dispatch: { events: 2_000, jobs: 1_000, globalConsumers: 10 },
};

/** One run's figures: per system key. */
export interface FanoutRun {
  readonly broadcast: Record<string, Throughput>;
  readonly mixed: Record<string, Throughput>;
  readonly latency: Record<string, Latency>;
  readonly memory: Record<string, IdleMemory>;
  readonly dispatch: Record<DispatchSystem, Dispatch>;
}

export interface FanoutResults {
  readonly sizes: FanoutSizes;
  readonly systems: readonly { key: string; label: string }[];
  readonly runs: readonly FanoutRun[];
}

async function each<T>(systems: readonly SystemSpec[], run: (spec: SystemSpec) => Promise<T>) {
  const out: Record<string, T> = {};
  for (const spec of systems) out[spec.key] = await run(spec);
  return out;
}

/** Every figure, `repeat` times; `log` hears progress. */
export async function runFanout(
  sizes: FanoutSizes,
  repeat: number,
  log: (line: string) => void = () => undefined,
): Promise<FanoutResults> {
  const clients = ClientProcess.start();
  const runs: FanoutRun[] = [];
  try {
    for (let r = 0; r < repeat; r++) {
      log(`run ${r + 1}/${repeat}: broadcast`);
      const broadcast = await each(FANOUT_SYSTEMS, (spec) =>
        throughput(spec, clients, sizes.broadcast.topology, sizes.broadcast.events),
      );
      log(`run ${r + 1}/${repeat}: mixed`);
      const mixed = await each(FANOUT_SYSTEMS, (spec) =>
        throughput(spec, clients, sizes.mixed.topology, sizes.mixed.events),
      );
      log(`run ${r + 1}/${repeat}: latency`);
      const { topology, rate, seconds } = sizes.latency;
      const latencies = await each([...FANOUT_SYSTEMS, gatewayViaDaemon], (spec) =>
        latency(spec, clients, topology, rate, seconds),
      );
      log(`run ${r + 1}/${repeat}: idle memory`);
      const memory = await each(FANOUT_SYSTEMS, (spec) => idleMemory(spec, clients, sizes.memoryClients));
      log(`run ${r + 1}/${repeat}: dispatch`);
      const dispatch = {
        router: await dispatchInFreshProcess('router', sizes.dispatch),
        bridge: await dispatchInFreshProcess('bridge', sizes.dispatch),
        naive: await dispatchInFreshProcess('naive', sizes.dispatch),
        selective: await dispatchInFreshProcess('selective', sizes.dispatch),
        unselected: await dispatchInFreshProcess('unselected', sizes.dispatch),
      };
      runs.push({ broadcast, mixed, latency: latencies, memory, dispatch });
    }
  } finally {
    await clients.stop();
  }
  return {
    sizes,
    systems: [...FANOUT_SYSTEMS, gatewayViaDaemon].map(({ key, label }) => ({ key, label })),
    runs,
  };
}

/** Every delivery of every run that lost or duplicated a frame, as readable lines. */
export function losses(results: FanoutResults): string[] {
  const out: string[] = [];
  const check = (where: string, d: Delivery) => {
    if (d.receivedFrames !== d.expectedFrames || d.clientsShort !== 0 || d.clientErrors !== 0) {
      out.push(
        `${where}: ${d.receivedFrames} of ${d.expectedFrames} frames, ${d.clientsShort} clients off, ${d.clientErrors} client errors`,
      );
    }
  };
  results.runs.forEach((run, r) => {
    for (const [key, t] of Object.entries(run.broadcast)) check(`run ${r + 1} broadcast ${key}`, t);
    for (const [key, t] of Object.entries(run.mixed)) check(`run ${r + 1} mixed ${key}`, t);
    for (const [key, t] of Object.entries(run.latency)) check(`run ${r + 1} latency ${key}`, t);
    for (const [key, d] of Object.entries(run.dispatch)) {
      if (d.deliveries !== d.expectedDeliveries) {
        out.push(`run ${r + 1} dispatch ${key}: ${d.deliveries} of ${d.expectedDeliveries} deliveries`);
      }
    }
  });
  return out;
}

/** The median of `pick` over the runs. */
export function median(results: FanoutResults, pick: (run: FanoutRun) => number): number {
  const values = results.runs.map(pick).sort((a, b) => a - b);
  const mid = Math.floor(values.length / 2);
  return values.length % 2 === 1 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
}
