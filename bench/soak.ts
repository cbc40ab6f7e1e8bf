/**
 * npm run soak -- --minutes N: the gateway under steady load for N minutes.
 *
 * This process runs what the CLI `serve` runs (UnixSocketDaemonClient →
 * DaemonEventBridge → startGatewayServer, hardened); bench/soak-load.ts, a
 * forked process, runs the fake daemon (500 events/s, restarted every minute)
 * and 500 SSE clients with churn. Every 10 s one line: RSS, retained heap,
 * open descriptors, event-loop delay p99, clients. At the end the verdict of
 * bench/soak-verdict.ts (exit 1 when it fails), and a CSV and an SVG chart.
 *
 * Flags: --minutes (1), --rate (500), --clients (500), --churn (5 clients per
 * second), --restart-seconds (60), --sample-seconds (10), --warmup-seconds
 * (a third of the run, at most 300), --out (.tmp/soak; docs for the committed
 * chart): soak.csv and soak.svg there.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { filter, firstValueFrom } from 'rxjs';
import { DaemonEventBridge } from '../src/bridge/bridge';
import { startGatewayServer } from '../src/cli/server/gateway-server';
import { UnixSocketDaemonClient } from '../src/daemon/unix-socket-client';
import type { BridgeLogger } from '../src/logger';
import type { LoadCommand, LoadReply } from './soak-load';
import { soakChart, soakCsv } from './soak-report';
import { soakVerdict, type SoakSample } from './soak-verdict';

const MiB = 1024 * 1024;
const silent: BridgeLogger = { debug() {}, info() {}, warn() {}, error() {} };

function options() {
  const { values } = parseArgs({
    options: {
      minutes: { type: 'string', default: '1' },
      rate: { type: 'string', default: '500' },
      clients: { type: 'string', default: '500' },
      churn: { type: 'string', default: '5' },
      'restart-seconds': { type: 'string', default: '60' },
      'sample-seconds': { type: 'string', default: '10' },
      'warmup-seconds': { type: 'string' },
      out: { type: 'string', default: '.tmp/soak' },
    },
  });
  const number = (name: keyof typeof values) => {
    const value = Number(values[name]);
    if (!Number.isFinite(value) || value < 0)
      throw new Error(`--${name} expects a number, got ${values[name]}`);
    return value;
  };
  const seconds = number('minutes') * 60;
  return {
    seconds,
    rate: number('rate'),
    clients: number('clients'),
    churn: number('churn'),
    restartSeconds: number('restart-seconds'),
    sampleSeconds: number('sample-seconds'),
    warmupSeconds:
      values['warmup-seconds'] === undefined ? Math.min(300, seconds / 3) : number('warmup-seconds'),
    out: values.out,
  };
}

/** Sends commands to the load process and waits for the reply of a given type. */
function channel(child: ChildProcess) {
  const next = <T extends LoadReply['type']>(type: T) =>
    new Promise<Extract<LoadReply, { type: T }>>((resolve, reject) => {
      const onMessage = (reply: LoadReply) => {
        if (reply.type !== type) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(reply as Extract<LoadReply, { type: T }>);
      };
      const onExit = (code: number | null) => reject(new Error(`the load process exited (${code})`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  const ask = <T extends LoadReply['type']>(command: LoadCommand, type: T) => {
    const reply = next(type);
    child.send(command);
    return reply;
  };
  return { next, ask };
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

async function main(): Promise<void> {
  const o = options();
  const child = fork(join(__dirname, 'soak-load.ts'), [], {
    execArgv: ['-r', 'ts-node/register'],
    env: { ...process.env, TS_NODE_PROJECT: join(__dirname, 'tsconfig.json') },
  });
  const load = channel(child);
  const { socketPath } = await load.next('ready');

  const client = new UnixSocketDaemonClient(socketPath);
  const bridge = new DaemonEventBridge(client, { logger: silent });
  bridge.start();
  await firstValueFrom(bridge.state$.pipe(filter((state) => state === 'connected')));
  const http = await startGatewayServer({ bridge, host: '127.0.0.1', port: 0, logger: silent });

  console.log(
    `soak: ${o.seconds / 60} min, ${o.rate} events/s, ${o.clients} clients (churn ${o.churn}/s), ` +
      `daemon restart every ${o.restartSeconds} s, warm-up ${o.warmupSeconds} s`,
  );
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const cpu0 = process.cpuUsage();
  child.send({
    type: 'start',
    url: http.url,
    rate: o.rate,
    clients: o.clients,
    churnPerSecond: o.churn,
    restartSeconds: o.restartSeconds,
  } satisfies LoadCommand);

  const samples: SoakSample[] = [];
  const started = Date.now();
  for (let t = o.sampleSeconds; t <= o.seconds + 1e-9; t += o.sampleSeconds) {
    // A sample that comes late (a starved loop) takes its slot; the next one keeps to the clock.
    if (started + t * 1000 < Date.now() - o.sampleSeconds * 500) continue;
    await new Promise((resolve) => setTimeout(resolve, started + t * 1000 - Date.now()));
    gc();
    const memory = process.memoryUsage();
    const sample: SoakSample = {
      t: Math.round((Date.now() - started) / 1000),
      rssMiB: memory.rss / MiB,
      heapMiB: memory.heapUsed / MiB,
      fds: readdirSync('/proc/self/fd').length,
      eldP99Ms: delay.percentile(99) / 1e6,
      clients: http.gateway.stats().clients,
    };
    delay.reset();
    samples.push(sample);
    const seen = await load.ask({ type: 'stats' }, 'stats');
    console.log(
      `t=${String(sample.t).padStart(5)}s rss=${sample.rssMiB.toFixed(1)}MiB heap=${sample.heapMiB.toFixed(1)}MiB ` +
        `fds=${sample.fds} eld_p99=${sample.eldP99Ms.toFixed(1)}ms clients=${sample.clients} ` +
        `published=${seen.report.published} missed=${seen.report.missed} resets=${seen.report.resets} ` +
        `reconnects=${seen.report.reconnects} restarts=${seen.restarts}`,
    );
  }

  const { report, restarts } = await load.ask({ type: 'finish' }, 'report');
  const cpu = process.cpuUsage(cpu0);
  bridge.stop();
  await http.close();
  await client.close();
  delay.disable();

  const verdict = soakVerdict(samples, report, { warmupSeconds: o.warmupSeconds, clients: o.clients });
  mkdirSync(o.out, { recursive: true });
  writeFileSync(join(o.out, 'soak.csv'), soakCsv(samples));
  writeFileSync(join(o.out, 'soak.svg'), soakChart(samples, { warmupSeconds: o.warmupSeconds, verdict }));
  const cpuPerEvent = ((cpu.user + cpu.system) / Math.max(1, report.delivered)).toFixed(2);
  console.log(
    `delivery: published=${report.published} delivered=${report.delivered} missed=${report.missed} ` +
      `duplicates=${report.duplicates} missingTail=${report.missingTail} resets=${report.resets} ` +
      `dropped=${report.dropped} reconnects=${report.reconnects} daemonRestarts=${restarts} ` +
      `serverCpu=${cpuPerEvent}µs/delivered event`,
  );
  for (const g of verdict.growth) {
    console.log(
      `growth ${g.metric}: ${g.growth >= 0 ? '+' : ''}${g.growth.toFixed(2)} over the window ` +
        `(median ${g.median.toFixed(1)}, tolerance ${g.tolerance.toFixed(1)})${g.growing ? ' GROWING' : ''}`,
    );
  }
  console.log(verdict.ok ? 'soak verdict: PASS' : `soak verdict: FAIL\n  ${verdict.failures.join('\n  ')}`);
  console.log(`wrote ${join(o.out, 'soak.csv')} and ${join(o.out, 'soak.svg')}`);
  process.exitCode = verdict.ok ? 0 : 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(2);
});
