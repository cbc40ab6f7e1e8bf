import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { openSse } from '../support/sse-client';
import { waitUntil } from '../support/wait-until';

const fixture = join(__dirname, 'fixtures', 'nest-app.ts');
const bootstrap = `require('ts-node').register({ transpileOnly: true, experimentalResolver: true }); require(${JSON.stringify(fixture)});`;

describe('NestJS interop: @Sse() with toMessageEvent()', () => {
  let app: ChildProcess;
  let url: string;

  beforeAll(async () => {
    app = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', '-e', bootstrap], {
      cwd: join(__dirname, '..', '..'),
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const port = await new Promise<number>((resolve, reject) => {
      app.once('message', (message: { ready?: number }) =>
        message.ready ? resolve(message.ready) : reject(new Error('unexpected message')),
      );
      app.once('exit', (code) => reject(new Error(`the NestJS app exited with ${String(code)}`)));
    });
    url = `http://127.0.0.1:${port}`;
  }, 60_000);

  afterAll(async () => {
    if (app.exitCode !== null) return;
    const exited = new Promise((resolve) => app.once('exit', resolve));
    app.disconnect();
    await exited;
  });

  const publish = (event: Record<string, unknown>) => app.send({ publish: event });
  const consumers = async () =>
    (await (await fetch(`${url}/consumers`)).json()) as { global: number; job: number };

  it('streams bridge events as NestJS MessageEvents: names, ids and data intact, unsafe names sanitised', async () => {
    const client = await openSse(`${url}/events`);
    await waitUntil(async () => (await consumers()).global === 1, 'the subscription');
    publish({ job_id: 'job-a', event: 'sheet.started', sheet_num: 1, data: { text: 'two\nlines' } });
    publish({ job_id: 'job-a', event: 'evil\u0000\nid: 666\n\ndata: spoofed', sheet_num: 2 });
    await waitUntil(() => client.events.length === 2, 'two events');

    expect(client.headers['content-type']).toMatch(/^text\/event-stream/);
    const [first, second] = client.events;
    expect(first?.event).toBe('sheet.started');
    expect(first?.id).toMatch(/^t-\d+$/);
    expect(JSON.parse(first!.data)).toEqual({
      job_id: 'job-a',
      event: 'sheet.started',
      sheet_num: 1,
      data: { text: 'two\nlines' },
      timestamp: expect.any(Number) as number,
    });
    expect(second?.event).toBe('evilid: 666data: spoofed');
    expect(JSON.parse(second!.data)).toEqual(expect.objectContaining({ sheet_num: 2 }));
    client.close();
  });

  it('resumes a job stream from Last-Event-ID and lets go of the bridge when the client leaves', async () => {
    const watcher = await openSse(`${url}/jobs/job-r/events`);
    await waitUntil(async () => (await consumers()).job === 1, 'the watcher');
    publish({ job_id: 'job-r', event: 'sheet.started', sheet_num: 10 });
    publish({ job_id: 'job-x', event: 'sheet.started', sheet_num: 11 });
    publish({ job_id: 'job-r', event: 'sheet.completed', sheet_num: 12 });
    await waitUntil(() => watcher.events.length === 2, 'the watcher to see the job’s two events');
    watcher.close();
    await waitUntil(async () => (await consumers()).job === 0, 'the watcher to go');
    const firstId = watcher.events[0]!.id!;

    const resumed = await openSse(`${url}/jobs/job-r/events`, { headers: { 'Last-Event-ID': firstId } });
    await waitUntil(() => resumed.events.length === 1, 'the missed event');
    publish({ job_id: 'job-r', event: 'sheet.failed', sheet_num: 13 });
    await waitUntil(() => resumed.events.length === 2, 'the live event');
    expect(
      resumed.events.map((e) => [e.event, (JSON.parse(e.data) as { sheet_num: number }).sheet_num]),
    ).toEqual([
      ['sheet.completed', 12],
      ['sheet.failed', 13],
    ]);
    expect((await consumers()).job).toBe(1);
    resumed.close();
    await waitUntil(async () => {
      const { global, job } = await consumers();
      return global === 0 && job === 0;
    }, 'NestJS to unsubscribe from the bridge');
  });

  it('keeps the browser’s Last-Event-ID on id-less messages (NestJS would number them 1, 2, …)', async () => {
    const client = await openSse(`${url}/jobs/job-z/events`, { headers: { 'Last-Event-ID': 'other-5' } });
    await waitUntil(() => client.events.length === 1, 'the stream_reset');
    publish({ job_id: 'job-z', event: 'sheet.started', sheet_num: 1 });
    await waitUntil(() => client.events.length === 2, 'the live event');
    expect(client.events.map((e) => [e.event, e.id])).toEqual([
      ['stream_reset', 'other-5'],
      ['sheet.started', expect.stringMatching(/^t-\d+$/) as string],
    ]);
    client.close();
    await waitUntil(async () => (await consumers()).job === 0, 'NestJS to unsubscribe');
  });
});
