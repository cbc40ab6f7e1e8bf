import {
  AngularNodeAppEngine,
  createNodeRequestHandler,
  isMainModule,
  writeResponseToNodeResponse,
} from '@angular/ssr/node';
import { DaemonEventBridge, UnixSocketDaemonClient, type SseMessage } from 'daemon-event-bridge';
import { createGateway } from 'daemon-event-bridge/http';
import express from 'express';
import { join } from 'node:path';
import {
  GATEWAY_PATH,
  toJobEvent,
  type JobEvent,
  type JobEventsRequestContext,
} from './app/job-event';

const browserDistFolder = join(import.meta.dirname, '../browser');
/** How many recent events the server renders into the first paint. */
const SSR_EVENTS = Number(process.env['SSR_EVENTS'] ?? 20);

/**
 * One bridge for the whole server, on the daemon socket `DAEMON_SOCKET`
 * (default: the conductor's). It connects now and reconnects by itself.
 */
const bridge = new DaemonEventBridge(
  new UnixSocketDaemonClient(process.env['DAEMON_SOCKET'] || undefined),
);
bridge.start();
const gateway = createGateway(bridge);

const app = express();
const angularApp = new AngularNodeAppEngine();

/** The gateway's SSE and JSON routes, e.g. `/bridge/api/events/stream`. */
app.use(GATEWAY_PATH, gateway);

app.use(express.static(browserDistFolder, { maxAge: '1y', index: false, redirect: false }));

/** Every other request: the Angular app, rendered with the recent events. */
app.use((req, res, next) => {
  const context: JobEventsRequestContext = { recentEvents: recentEvents(SSR_EVENTS) };
  angularApp
    .handle(req, context)
    .then((response) => (response ? writeResponseToNodeResponse(response, res) : next()))
    .catch(next);
});

/**
 * The `limit` most recent daemon events the bridge holds: `allEvents(limit)`
 * replays them synchronously on subscription, so subscribing and
 * unsubscribing at once takes exactly those (and no live ones).
 */
function recentEvents(limit: number): JobEvent[] {
  const messages: SseMessage[] = [];
  bridge
    .allEvents(limit)
    .subscribe((message) => messages.push(message))
    .unsubscribe();
  return messages.flatMap((message) =>
    message.id === undefined
      ? []
      : [toJobEvent(message.id, message.event, parseJson(message.data))],
  );
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

if (isMainModule(import.meta.url) || process.env['pm_id']) {
  const port = Number(process.env['PORT'] || 4000);
  const host = process.env['HOST'] || 'localhost';
  const server = app.listen(port, host, (error) => {
    if (error) throw error;
    const address = server.address();
    const bound = typeof address === 'object' && address ? address.port : port;
    console.log(`Node Express server listening on http://${host}:${bound}/`);
  });
  const shutdown = () => {
    gateway.close();
    bridge.stop();
    server.close(() => process.exit(0));
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

/** Request handler used by the Angular CLI (dev-server and build). */
export const reqHandler = createNodeRequestHandler(app);
