#!/usr/bin/env node
/**
 * The fake daemon as a standalone process, for tests written in other
 * languages:
 *
 *     node dist/cjs/testing/fake-daemon-cli.js [--socket PATH] [--stream-queue-size N]
 *
 * Prints the socket path on the first line of stdout once it listens, then
 * publishes each line read from stdin: a JSON object as an event (recorded in
 * its job's history), anything else verbatim as a raw line. It stops, removing
 * its socket, when stdin closes or on SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import { NdjsonSplitter } from '../daemon/ndjson.js';
import { DEFAULT_MAX_MESSAGE_BYTES } from '../daemon/protocol.js';
import { errorMessage } from '../errors.js';
import { isJsonObject } from '../json.js';
import { startFakeDaemon, type FakeDaemon } from './fake-daemon.js';

const USAGE = `usage: fake-daemon [--socket PATH] [--stream-queue-size N]

Runs a fake conductor daemon on a Unix socket (default: a fresh temp dir).
Prints the socket path, then publishes each NDJSON line read from stdin.
Stops when stdin closes or on SIGINT/SIGTERM.

  --stream-queue-size N  events queued per stream client that does not read
                         before new ones are dropped (default 100, as the
                         real conductor)
`;

function publishLine(daemon: FakeDaemon, line: string): void {
  if (line.trim() === '') return;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    value = undefined;
  }
  if (isJsonObject(value)) daemon.publish(value);
  else daemon.publishRaw(line);
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      socket: { type: 'string' },
      'stream-queue-size': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help === true) {
    process.stdout.write(USAGE);
    return;
  }
  const queueSize = values['stream-queue-size'];
  const daemon = await startFakeDaemon({
    ...(values.socket === undefined ? {} : { socketPath: values.socket }),
    ...(queueSize === undefined ? {} : { streamQueueSize: Number(queueSize) }),
  });
  process.stdout.write(`${daemon.socketPath}\n`);

  const splitter = new NdjsonSplitter(DEFAULT_MAX_MESSAGE_BYTES);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    process.stdin.destroy();
    daemon.stop().catch((error: unknown) => {
      process.stderr.write(`fake-daemon: ${String(error)}\n`);
      process.exitCode = 1;
    });
  };
  process.stdin.on('data', (chunk: Buffer) => {
    for (const item of splitter.push(chunk)) if (item.type === 'line') publishLine(daemon, item.line);
  });
  process.stdin.on('end', () => {
    for (const item of splitter.end()) if (item.type === 'line') publishLine(daemon, item.line);
    stop();
  });
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`fake-daemon: ${errorMessage(error)}\n${USAGE}`);
  process.exitCode = 1;
});
