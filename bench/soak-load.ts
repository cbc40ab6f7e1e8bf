/**
 * The soak's load, in a process of its own (forked by bench/soak.ts): the
 * fake daemon publishing numbered events and restarting on a period, and the
 * SSE clients with churn, each checking that it sees every event in order.
 *
 * Event `n` (in `data.n`) is numbered only when the daemon has an open stream
 * to write it to, so 1..published are exactly the events the daemon wrote;
 * `data.jn` numbers the events of one job the same way. A tenth of the clients
 * read every event (`/api/events/stream`), the others one job's
 * (`/api/jobs/:id/events`, 8 jobs), as dashboards do. Every client resumes
 * with `Last-Event-ID` (after churn or a drop), so its `n` (or `jn`) must go
 * up by exactly one from its first event to its last, across connections; a
 * `stream_reset` (a loss the gateway announces) starts over.
 */
import { get, type ClientRequest } from 'node:http';
import type { Server, Socket } from 'node:net';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { startFakeDaemon, type FakeDaemon } from '../src/testing/fake-daemon';
import type { DeliveryReport } from './soak-verdict';

/** What the parent sends. */
export type LoadCommand =
  | {
      type: 'start';
      url: string;
      rate: number;
      clients: number;
      churnPerSecond: number;
      restartSeconds: number;
    }
  | { type: 'stats' }
  | { type: 'finish' };

/** What the load process answers. */
export type LoadReply =
  | { type: 'ready'; socketPath: string }
  | { type: 'stats'; connected: number; report: DeliveryReport; restarts: number }
  | { type: 'report'; report: DeliveryReport; restarts: number };

const TICK_MS = 10;
const JOBS = 8;
const PAD = 'x'.repeat(120);
const N = /"n":(\d+)/;
const JN = /"jn":(\d+)/;

class Client {
  lastId: string | undefined;
  lastN: number | undefined;
  request: ClientRequest | undefined;
  connected = false;
  private stopped = false;

  constructor(
    private readonly url: string,
    /** `null` for every event (checks `n`), else a job's index (checks `jn`). */
    readonly job: number | null,
    private readonly totals: { -readonly [K in keyof DeliveryReport]: number },
  ) {}

  connect(): void {
    if (this.stopped) return;
    const headers: Record<string, string> = { Accept: 'text/event-stream' };
    if (this.lastId !== undefined) headers['Last-Event-ID'] = this.lastId;
    const parser = createParser({ onEvent: (event) => this.onEvent(event) });
    const path = this.job === null ? 'api/events/stream?limit=1' : `api/jobs/job-${this.job}/events`;
    const request = get(`${this.url}${path}`, { headers, agent: false }, (res) => {
      this.connected = res.statusCode === 200;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => parser.feed(chunk));
      res.once('close', () => this.closed(request));
    });
    request.once('error', () => this.closed(request));
    this.request = request;
  }

  /** Churn: leave and come back at once, resuming. */
  churn(): void {
    const request = this.request;
    this.request = undefined;
    this.connected = false;
    request?.destroy();
    this.totals.reconnects++;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.request?.destroy();
  }

  private closed(request: ClientRequest): void {
    if (this.request !== request || this.stopped) return;
    // The server ended it (a slow client, a restart of ours): resume shortly.
    this.connected = false;
    this.request = undefined;
    this.totals.dropped++;
    this.totals.reconnects++;
    setTimeout(() => this.connect(), 100);
  }

  private onEvent(event: EventSourceMessage): void {
    if (event.event === 'stream_reset') {
      this.totals.resets++;
      this.lastN = undefined;
      return;
    }
    if (event.id === undefined) return; // heartbeat, bridge_stopped
    // A regular expression, not JSON.parse: the clients' process must keep up with 500 streams.
    const match = (this.job === null ? N : JN).exec(event.data);
    this.check(Number(match?.[1] ?? NaN), event.id);
  }

  /** `n` must follow the last one by exactly one. */
  private check(n: number, id: string): void {
    this.totals.delivered++;
    if (this.lastN !== undefined) {
      if (n <= this.lastN) this.totals.duplicates++;
      else if (n > this.lastN + 1) this.totals.missed += n - this.lastN - 1;
    }
    if (this.lastN === undefined || n > this.lastN) this.lastN = n;
    this.lastId = id;
  }
}

async function main(): Promise<void> {
  // A queue large enough that the daemon never drops an event for a slow reader:
  // a loss must be the gateway's to count.
  const daemon: FakeDaemon = await startFakeDaemon({ streamQueueSize: 1_000_000 });
  const totals = {
    published: 0,
    delivered: 0,
    missed: 0,
    duplicates: 0,
    missingTail: 0,
    resets: 0,
    reconnects: 0,
    dropped: 0,
  };
  let restarts = 0;
  let paused = false;
  // The daemon's sockets, to know when what it wrote has left its buffers.
  const sockets = new Set<Socket>();
  const track = (server: Server) =>
    server.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    });
  track(daemon.server);
  /**
   * A daemon restart: publishing pauses and what was written reaches the
   * socket first, however long the bridge takes to read it. (Node drops what a destroyed socket still buffers: such an
   * event was never written, and the soak must not count it.)
   */
  const restart = async () => {
    if (paused) return; // the last one still waits for its flush
    paused = true;
    while ([...sockets].some((socket) => socket.writableLength > 0))
      await new Promise((resolve) => setTimeout(resolve, 10));
    restarts++;
    await daemon.restart({ downMs: 200 });
    track(daemon.server);
    paused = false;
  };
  let clients: Client[] = [];
  const timers: NodeJS.Timeout[] = [];
  const send = (reply: LoadReply) => process.send!(reply);

  const jobSeq = new Array<number>(JOBS).fill(0);
  const publish = (count: number) => {
    for (let i = 0; i < count; i++) {
      if (daemon.counters.openStreams === 0) return; // nobody to write to: not an event the daemon wrote
      const n = ++totals.published;
      const jn = ++jobSeq[n % JOBS]!;
      daemon.publish({
        job_id: `job-${n % JOBS}`,
        sheet_num: n,
        event: 'sheet.started',
        data: { n, jn, pad: PAD },
        timestamp: Date.now() / 1000,
      });
    }
  };

  const start = (command: Extract<LoadCommand, { type: 'start' }>) => {
    clients = Array.from(
      { length: command.clients },
      (_, i) => new Client(command.url, i % 10 === 0 ? null : i % JOBS, totals),
    );
    clients.forEach((client, i) => setTimeout(() => client.connect(), i * 2));
    // The rate follows the clock: a late tick publishes what is due.
    const since = Date.now();
    let due = 0;
    timers.push(
      setInterval(() => {
        const target = Math.floor(((Date.now() - since) * command.rate) / 1000);
        if (!paused) publish(target - due);
        due = target;
      }, TICK_MS),
      setInterval(() => {
        for (let i = 0; i < command.churnPerSecond; i++) {
          clients[Math.floor(Math.random() * clients.length)]!.churn();
        }
      }, 1000),
      setInterval(() => void restart(), command.restartSeconds * 1000),
    );
  };

  const finish = async () => {
    for (const timer of timers) clearInterval(timer);
    // Let the last events through, then every connected client must have the last one.
    const deadline = Date.now() + 10_000;
    const last = (c: Client) => (c.job === null ? totals.published : jobSeq[c.job]);
    const behind = () =>
      clients.filter((c) => c.connected && c.lastN !== undefined && c.lastN !== last(c)).length;
    while (behind() > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    totals.missingTail = behind();
    for (const client of clients) client.stop();
    send({ type: 'report', report: { ...totals }, restarts });
    await daemon.stop();
    process.disconnect();
  };

  process.on('message', (command: LoadCommand) => {
    if (command.type === 'start') start(command);
    else if (command.type === 'stats')
      send({
        type: 'stats',
        connected: clients.filter((c) => c.connected).length,
        report: { ...totals },
        restarts,
      });
    else void finish();
  });
  send({ type: 'ready', socketPath: daemon.socketPath });
}

void main();
