import { z } from 'zod';
import { deriveFlags, type Flag, type FlagMeta } from './flags.js';
import { natsLogOptions, relayOptions, SERVE_LIBRARIES, withoutHooks } from './library-options.js';
import {
  listenOptions,
  logLevel,
  natsServers,
  refuseOpenListen,
  restartEverySeconds,
  seed,
  socket,
} from './own-options.js';

/*
 * One zod schema per command: its flags, variables, defaults, checks and
 * `--help` all come from it (flags.ts), and its options' type is its output.
 */

const serveSchema = z
  .strictObject({
    socket,
    nats: natsServers.optional().meta({
      arg: 'urls',
      description:
        'read events from NATS JetStream instead of the socket (nats://host:port, comma-separated); ids are stream sequences',
    } satisfies FlagMeta),
    natsLog: natsLogOptions,
    ...listenOptions,
    logLevel: logLevel.default('info'),
    ...SERVE_LIBRARIES,
  })
  .transform(({ socket, nats, natsLog, daemon, bridge, gateway, server, ...listen }, ctx) => ({
    ...refuseOpenListen(listen, ctx),
    socket,
    nats: nats === undefined ? undefined : { servers: nats, ...withoutHooks(natsLog) },
    daemon: withoutHooks(daemon),
    bridge: withoutHooks(bridge),
    gateway: withoutHooks(gateway),
    server,
  }));

const demoSchema = z
  .strictObject({
    restartEverySeconds,
    seed,
    ...listenOptions,
    // The demo's terminal stays quiet unless something goes wrong; --log-level info shows it all.
    logLevel: logLevel.default('warn'),
  })
  .transform(({ restartEverySeconds, seed, ...listen }, ctx) => ({
    ...refuseOpenListen(listen, ctx),
    restartEverySeconds,
    seed,
  }));

const relaySchema = z
  .strictObject({
    socket,
    nats: natsServers.meta({
      arg: 'urls',
      description: 'NATS servers, nats://host:port, comma-separated (required)',
    } satisfies FlagMeta),
    relay: relayOptions,
    logLevel: logLevel.default('info'),
  })
  .transform(({ relay, ...rest }) => ({ ...rest, relay: withoutHooks(relay) }));

/** The schema of each command. */
export const COMMAND_SCHEMAS = { serve: serveSchema, demo: demoSchema, relay: relaySchema };

/** The CLI's commands. */
export type Command = keyof typeof COMMAND_SCHEMAS;

/** The options of each command, defaults applied. */
export type CommandOptions = { [C in Command]: z.output<(typeof COMMAND_SCHEMAS)[C]> };

/** The options of `serve`: the CLI's own, and the library options of {@link SERVE_LIBRARIES}. */
export type ServeOptions = CommandOptions['serve'];
/** Where `serve --nats` reads events. */
export type NatsLogOptions = NonNullable<ServeOptions['nats']>;
/** The options of `demo`. */
export type DemoOptions = CommandOptions['demo'];
/** The options of `relay`. */
export type RelayOptions = CommandOptions['relay'];

const derived = new Map<Command, readonly Flag[]>();

/** The flags of a command, derived once from its schema. */
export function commandFlags(command: Command): readonly Flag[] {
  let flags = derived.get(command);
  if (flags === undefined) {
    flags = deriveFlags(COMMAND_SCHEMAS[command]).flags;
    derived.set(command, flags);
  }
  return flags;
}
