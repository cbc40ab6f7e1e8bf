#!/usr/bin/env node
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describeError, errorMessage } from '../errors.js';
import { importOptionalPeer, OptionalPeerMissingError } from '../optional-peer.js';
import { usage } from './args/help.js';
import { parseCli, type CliCommand } from './args/parse-cli.js';
import { UsageError } from './args/usage-error.js';
import type { RunningCommand } from './commands/command.js';
import { runDemo } from './commands/demo.js';
import { createJsonLogger } from './logger.js';
import { runServe } from './commands/serve.js';
import { defaultDashboardDir } from './server/static-files.js';

/** The longest a graceful shutdown may take before the process exits anyway. */
const SHUTDOWN_DEADLINE_MS = 1_800;

const PROGRAM = 'daemon-event-bridge';

async function main(): Promise<void> {
  let command: CliCommand;
  try {
    command = parseCli(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    const topic = ['serve', 'demo', 'relay'].includes(process.argv[2] ?? '') ? ` ${process.argv[2]}` : '';
    process.stderr.write(`${PROGRAM}: ${error.message} (see ${PROGRAM}${topic} --help)\n`);
    process.exitCode = 2;
    return;
  }
  if (command.command === 'help') {
    process.stdout.write(`${usage(command.topic)}\n`);
    return;
  }
  if (command.command === 'version') {
    process.stdout.write(`${packageVersion()}\n`);
    return;
  }
  if (command.command === 'print-config') {
    process.stdout.write(`${JSON.stringify(command.config, null, 2)}\n`);
    return;
  }

  const logger = createJsonLogger({ level: command.options.logLevel, fields: { cmd: command.command } });
  let running: Pick<RunningCommand, 'stop'> & { url?: string };
  try {
    running = await start(command, logger);
  } catch (error) {
    if (error instanceof OptionalPeerMissingError) {
      // Not a failure of the run: a setup step is missing. One line, and 2 like a usage error.
      process.stderr.write(`${PROGRAM}: ${error.message}\n`);
      process.exit(2);
    }
    const message = errorMessage(error);
    logger.error('failed to start', { error: message });
    process.stderr.write(`${PROGRAM}: ${message}\n`);
    process.exit(1);
  }

  process.stdout.write(
    command.command === 'relay' || running.url === undefined
      ? `${PROGRAM} relay: conductor ${command.command === 'relay' ? command.options.relay.conductor : ''} relaying into NATS\n`
      : banner(command, running.url),
  );

  let shuttingDown = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (shuttingDown) {
      logger.warn('second signal: exiting now', { signal });
      process.exit(1);
    }
    shuttingDown = true;
    logger.info('shutting down', { signal });
    const deadline = setTimeout(() => {
      logger.warn('graceful shutdown took too long: exiting', { deadlineMs: SHUTDOWN_DEADLINE_MS });
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS);
    running.stop().then(
      () => {
        clearTimeout(deadline);
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error('shutdown failed', { error: describeError(error) });
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

/** The optional peers the NATS commands need. */
const NATS_PACKAGES = ['@nats-io/transport-node', '@nats-io/jetstream'];

/**
 * Starts a command. The NATS commands (`relay`, `serve --nats`) are loaded
 * only when asked for, so `serve --socket` and `demo` never load the NATS
 * packages; without them, those two fail with {@link OptionalPeerMissingError}.
 */
async function start(
  command: CliCommand & { command: 'serve' | 'demo' | 'relay' },
  logger: ReturnType<typeof createJsonLogger>,
): Promise<Pick<RunningCommand, 'stop'> & { url?: string }> {
  const natsCommands = (feature: string) =>
    importOptionalPeer(feature, NATS_PACKAGES, () => import('./commands/nats.js'));
  if (command.command === 'relay') return (await natsCommands('relay')).runRelay(command.options, logger);
  if (command.command === 'demo') {
    return runDemo(command.options, logger, (line) => process.stdout.write(`${line}\n`));
  }
  const { nats } = command.options;
  if (nats === undefined) return runServe(command.options, logger);
  return (await natsCommands('serve --nats')).runServeNats({ ...command.options, nats }, logger);
}

/** What the user reads on stdout once the server listens: the URL first. */
function banner(command: CliCommand & { command: 'serve' | 'demo' }, url: string): string {
  const lines =
    command.command === 'demo'
      ? [
          `${PROGRAM} demo: open ${url}`,
          '',
          `  dashboard   ${url}`,
          `  events      ${url}api/events/stream`,
          `  health      ${url}healthz`,
          '',
          '  A simulated conductor (4 jobs) runs on a private Unix socket;',
          command.options.restartEverySeconds > 0
            ? `  the daemon restarts every ${command.options.restartEverySeconds} s to show reconnection.`
            : '  daemon restarts are off (--restart-every 0).',
        ]
      : [
          `${PROGRAM} serve: listening on ${url} (daemon socket ${command.options.socket})`,
          '',
          `  dashboard   ${url}`,
          `  events      ${url}api/events/stream`,
          `  health      ${url}healthz`,
        ];
  if (command.options.token !== undefined) {
    lines.push(
      '',
      '  /api and /healthz need "Authorization: Bearer <token>" or ?token=<token>; open the dashboard as /?token=<token>.',
    );
  }
  lines.push('', '  Press Ctrl+C to stop.', '');
  return lines.join('\n');
}

/** The version in the package.json above this file (src/cli or dist/<format>/cli). */
function packageVersion(): string {
  let dir = dirname(defaultDashboardDir());
  for (let depth = 0; depth < 4; depth++, dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const json = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
    if (json.name === PROGRAM && typeof json.version === 'string') return json.version;
  }
  return 'unknown';
}

main().catch((error: unknown) => {
  process.stderr.write(`${PROGRAM}: ${errorMessage(error)}\n`);
  process.exit(1);
});
