/**
 * Feeds a DaemonEventBridge from an in-memory source and prints the SSE
 * frames two browsers would receive: one watching every event, one watching
 * a single job that reconnects with Last-Event-ID halfway through.
 *
 *   npm run example
 */
import { concat, concatMap, delay, from, NEVER, of, type Observable } from 'rxjs';
import { DaemonEventBridge, encodeSse, type DaemonClient, type JsonObject } from '../src/index';

const events: JsonObject[] = [
  {
    job_id: 'nightly-refactor',
    sheet_num: 1,
    event: 'sheet.started',
    data: { instrument: 'claude-code', attempt: 1 },
    timestamp: 1764000003.8,
  },
  {
    job_id: 'docs-sweep',
    sheet_num: 1,
    event: 'sheet.started',
    data: { instrument: 'gemini-cli', attempt: 1 },
    timestamp: 1764000004.1,
  },
  {
    job_id: 'nightly-refactor',
    sheet_num: 1,
    event: 'sheet.completed',
    data: { success: true, cost_usd: 0.0383 },
    timestamp: 1764000005.4,
  },
  {
    event_type: 'monitor.anomaly',
    data: { kind: 'slow_sheet', detail: 'multi-line\nnote' },
    timestamp: 1764000006.0,
  },
  {
    job_id: 'nightly-refactor',
    sheet_num: 2,
    event: 'sheet.failed',
    data: { error_classification: 'validation_failed' },
    timestamp: 1764000007.2,
  },
  {
    job_id: 'nightly-refactor',
    sheet_num: 2,
    event: 'sheet.retrying',
    data: { attempt: 2, delay_seconds: 30 },
    timestamp: 1764000008.9,
  },
];

/** A daemon client whose stream plays the events above, 20 ms apart, then stays open. */
const client: DaemonClient = {
  stream: (): Observable<JsonObject> =>
    concat(from(events).pipe(concatMap((event) => of(event).pipe(delay(20)))), NEVER),
  call: () => Promise.resolve({ events: events.filter((e) => e['job_id'] === 'nightly-refactor') }),
};

const bridge = new DaemonEventBridge(client, { heartbeatMs: 100 });
bridge.start();

const print = (who: string) => (message: Parameters<typeof encodeSse>[0]) =>
  process.stdout.write(`--- to ${who}\n${encodeSse(message)}`);

bridge.allEvents(0).subscribe(print('the dashboard timeline'));

let lastSeen: string | undefined;
const job = bridge.jobEvents('nightly-refactor').subscribe((message) => {
  lastSeen = message.id ?? lastSeen;
  print('the nightly-refactor panel')(message);
});

// The job panel's browser drops after 50 ms and comes back 40 ms later with Last-Event-ID.
setTimeout(() => job.unsubscribe(), 50);
setTimeout(() => {
  process.stdout.write(`--- (nightly-refactor panel reconnects with Last-Event-ID: ${lastSeen ?? 'none'})\n`);
  bridge
    .jobEvents('nightly-refactor', { lastEventId: lastSeen })
    .subscribe(print('the nightly-refactor panel'));
}, 90);

bridge
  .observerEvents('nightly-refactor', 20)
  .subscribe((history) =>
    process.stdout.write(`--- observer history of nightly-refactor: ${history.length} events\n\n`),
  );

setTimeout(() => bridge.stop(), 300);
