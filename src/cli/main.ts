#!/usr/bin/env node
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describeError, errorMessage } from '../errors.js';
import { OptionalPeerMissingError } from '../optional-peer.js';
import { usage } from './args/help.js';
import { parseCli, type CliCommand } from './args/parse-cli.js';
import { UsageError } from './args/usage-error.js';
import { banner, PROGRAM, startCommand } from './commands/start.js';
import { createJsonLogger } from './logger.js';
import { defaultDashboardDir } from './server/static-files.js';

/** The longest a graceful shutdown may take before the process exits anyway. */
const SHUTDOWN_DEADLINE_MS = 1_800;

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
  let running: Awaited<ReturnType<typeof startCommand>>;
  try {
    running = await startCommand(command, logger);
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

  process.stdout.write(banner(command, running.url));

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
