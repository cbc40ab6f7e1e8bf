import type { BridgeLogger } from '../../logger.js';
import { importOptionalPeer } from '../../optional-peer.js';
import type { RunCommand } from '../args/parse-cli.js';
import type { RunningCommand } from './command.js';
import { runDemo } from './demo.js';
import { runServe } from './serve.js';

/** The CLI's name, as its messages start. */
export const PROGRAM = 'daemon-event-bridge';

/** The optional peers the NATS commands need. */
const NATS_PACKAGES = ['@nats-io/transport-node', '@nats-io/jetstream'];

/** A started command; the relay serves no URL. */
type Started = Pick<RunningCommand, 'stop'> & { readonly url?: string };

/**
 * Starts a command. The NATS commands (`relay`, `serve --nats`) are loaded
 * only when asked for, so `serve --socket` and `demo` never load the NATS
 * packages; without them, those two fail with `OptionalPeerMissingError`.
 */
export async function startCommand(command: RunCommand, logger: BridgeLogger): Promise<Started> {
  const natsCommands = (feature: string) =>
    importOptionalPeer(feature, NATS_PACKAGES, () => import('./nats.js'));
  if (command.command === 'relay') return (await natsCommands('relay')).runRelay(command.options, logger);
  if (command.command === 'demo') {
    return runDemo(command.options, logger, (line) => process.stdout.write(`${line}\n`));
  }
  const { nats } = command.options;
  if (nats === undefined) return runServe(command.options, logger);
  return (await natsCommands('serve --nats')).runServeNats({ ...command.options, nats }, logger);
}

/** What the user reads on stdout once the command runs: the URL first. */
export function banner(command: RunCommand, url: string | undefined): string {
  if (command.command === 'relay' || url === undefined) {
    const conductor = command.command === 'relay' ? command.options.relay.conductor : '';
    return `${PROGRAM} relay: conductor ${conductor} relaying into NATS\n`;
  }
  const lines = [
    command.command === 'demo'
      ? `${PROGRAM} demo: open ${url}`
      : `${PROGRAM} serve: listening on ${url} (daemon socket ${command.options.socket})`,
    '',
    `  dashboard   ${url}`,
    `  events      ${url}api/events/stream`,
    `  health      ${url}healthz`,
  ];
  if (command.command === 'demo') {
    const every = command.options.restartEverySeconds;
    lines.push(
      '',
      '  A simulated conductor (4 jobs) runs on a private Unix socket;',
      every > 0
        ? `  the daemon restarts every ${every} s to show reconnection.`
        : '  daemon restarts are off (--restart-every 0).',
    );
  }
  if (command.options.token !== undefined) {
    lines.push(
      '',
      '  /api and /healthz need "Authorization: Bearer <token>" or ?token=<token>; open the dashboard as /?token=<token>.',
    );
  }
  lines.push('', '  Press Ctrl+C to stop.', '');
  return lines.join('\n');
}
