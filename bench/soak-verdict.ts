/**
 * The soak's rules, kept apart from its processes so a spec can check them on
 * made-up series: what a sample holds, when a series "keeps growing", and the
 * verdict of a run.
 */

/** One sample of the gateway process (and the clients' view), taken every `sampleSeconds`. */
export interface SoakSample {
  /** Seconds since the load started. */
  readonly t: number;
  readonly rssMiB: number;
  /** `heapUsed` after a forced GC (the retained heap, not the garbage of the last 10 s). */
  readonly heapMiB: number;
  /** Entries of /proc/self/fd. */
  readonly fds: number;
  /** Event-loop delay p99 over the last interval, in ms (`monitorEventLoopDelay`). */
  readonly eldP99Ms: number;
  /** SSE responses open in the gateway. */
  readonly clients: number;
}

/** The series the growth rule watches, with its tolerance. */
interface GrowthRule {
  readonly metric: keyof Omit<SoakSample, 't'>;
  /** Growth allowed over the post-warm-up window, in the metric's unit... */
  readonly absolute: number;
  /** ...plus this fraction of the window's median. */
  readonly relative: number;
}

/**
 * A series keeps growing when its {@link slope} over the post-warm-up
 * samples, times the window's length, exceeds `absolute + relative × median`.
 * One robust slope over every sample, not first-versus-last, so one GC or one
 * burst of reconnects does not decide the verdict. The event-loop delay gets a
 * wide band: on a shared machine it follows the neighbours' load.
 */
const GROWTH_RULES: readonly GrowthRule[] = [
  { metric: 'rssMiB', absolute: 16, relative: 0.05 },
  { metric: 'heapMiB', absolute: 8, relative: 0.1 },
  { metric: 'fds', absolute: 25, relative: 0.05 },
  { metric: 'eldP99Ms', absolute: 100, relative: 1 },
  { metric: 'clients', absolute: 25, relative: 0.05 },
];

/** What the clients saw, summed over every client and connection. */
export interface DeliveryReport {
  /** Events the daemon wrote to an open stream (numbered 1..published). */
  readonly published: number;
  /** Daemon events received by all clients. */
  readonly delivered: number;
  /** Events missing between two consecutive events of one client (resumes included) with no `stream_reset` between. */
  readonly missed: number;
  /** Events received twice by one client. */
  readonly duplicates: number;
  /** Clients still connected at the end that never received the last event published. */
  readonly missingTail: number;
  /** `stream_reset` messages: the gateway said a resume could not be served (a loss it announced). */
  readonly resets: number;
  /** Reconnections: churn plus drops. */
  readonly reconnects: number;
  /** Connections the server ended (slow client, shutdown...), each followed by a resume. */
  readonly dropped: number;
}

/** The growth of one metric over the post-warm-up window. */
export interface Growth {
  readonly metric: GrowthRule['metric'];
  readonly growth: number;
  readonly tolerance: number;
  readonly median: number;
  readonly growing: boolean;
}

/** The verdict of a run. */
export interface SoakVerdict {
  readonly ok: boolean;
  readonly growth: readonly Growth[];
  /** Why it failed, one line each (empty when ok). */
  readonly failures: readonly string[];
}

/**
 * The Theil–Sen slope of `y` over `x`: the median of the slopes of every pair
 * of points. Unlike least squares, one spike (a GC, a burst of reconnects, a
 * neighbour's load) cannot tilt it. 0 with fewer than two distinct x.
 */
export function slope(x: readonly number[], y: readonly number[]): number {
  const slopes: number[] = [];
  for (let i = 0; i < x.length; i++) {
    for (let j = i + 1; j < x.length; j++) {
      if (x[j] !== x[i]) slopes.push((y[j]! - y[i]!) / (x[j]! - x[i]!));
    }
  }
  return median(slopes);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length === 0 ? 0 : sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Applies {@link GROWTH_RULES} to the samples taken after `warmupSeconds`. */
export function growthOf(samples: readonly SoakSample[], warmupSeconds: number): Growth[] {
  const window = samples.filter((sample) => sample.t > warmupSeconds);
  const t = window.map((sample) => sample.t);
  const span = t.length > 1 ? t[t.length - 1]! - t[0]! : 0;
  return GROWTH_RULES.map(({ metric, absolute, relative }) => {
    const values = window.map((sample) => sample[metric]);
    const mid = median(values);
    const growth = slope(t, values) * span;
    const tolerance = absolute + relative * Math.abs(mid);
    return { metric, growth, tolerance, median: mid, growing: growth > tolerance };
  });
}

/**
 * The verdict: fails when a metric keeps growing after warm-up, when any event
 * the daemon wrote missed a connected client (a gap, a duplicate, or a client
 * that never got the last event), when fewer than 3 samples follow the
 * warm-up, or when fewer than 90 % of the clients were connected at the end.
 */
export function soakVerdict(
  samples: readonly SoakSample[],
  delivery: DeliveryReport,
  options: { warmupSeconds: number; clients: number },
): SoakVerdict {
  const growth = growthOf(samples, options.warmupSeconds);
  const failures: string[] = [];
  const after = samples.filter((sample) => sample.t > options.warmupSeconds);
  if (after.length < 3) failures.push(`only ${after.length} samples after the warm-up (need 3)`);
  for (const g of growth) {
    if (g.growing)
      failures.push(
        `${g.metric} keeps growing: +${g.growth.toFixed(1)} over the window (tolerance ${g.tolerance.toFixed(1)})`,
      );
  }
  if (delivery.published === 0) failures.push('the daemon published nothing');
  if (delivery.missed > 0) failures.push(`${delivery.missed} events missed a connected client`);
  if (delivery.duplicates > 0) failures.push(`${delivery.duplicates} events delivered twice`);
  if (delivery.missingTail > 0) failures.push(`${delivery.missingTail} clients never got the last event`);
  const last = samples[samples.length - 1];
  if (last !== undefined && last.clients < 0.9 * options.clients)
    failures.push(`only ${last.clients} of ${options.clients} clients connected at the end`);
  return { ok: failures.length === 0, growth, failures };
}
