import { DaemonEventBridgeError } from './errors.js';

/**
 * An optional peer dependency that a feature needs is not installed. Thrown
 * by {@link importOptionalPeer}; its message names the feature and the
 * install command.
 */
export class OptionalPeerMissingError extends DaemonEventBridgeError {
  override readonly name = 'OptionalPeerMissingError';
  readonly code = 'ERR_OPTIONAL_PEER_MISSING';
  /** The command that installs what is missing, e.g. `npm i prom-client`. */
  readonly install: string;

  constructor(
    feature: string,
    /** The packages the feature needs (the whole set, not only the missing one). */
    readonly packages: readonly string[],
    options?: { cause?: unknown },
  ) {
    const install = `npm i ${packages.join(' ')}`;
    super(`${feature} needs ${packages.join(' and ')}, not installed: ${install}`, options);
    this.install = install;
  }
}

/**
 * Loads the modules of a feature that needs optional peer dependencies.
 * `load` is the feature's own dynamic `import()`; when it fails because one of
 * `peers` itself cannot be found, this throws {@link OptionalPeerMissingError}.
 * Any other failure (a peer that is installed but broken, a dependency of a
 * peer missing, an error while a module runs) is rethrown as it is, so
 * "not installed" is never confused with "installed but broken".
 */
export async function importOptionalPeer<T>(
  feature: string,
  peers: readonly string[],
  load: () => Promise<T>,
): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const missing = missingPackage(error);
    if (missing !== undefined && peers.includes(missing)) {
      throw new OptionalPeerMissingError(feature, peers, { cause: error });
    }
    throw error;
  }
}

/**
 * The package a module-not-found error says is missing: `import()` fails with
 * `ERR_MODULE_NOT_FOUND` ("Cannot find package 'x' imported from …"),
 * `require()` with `MODULE_NOT_FOUND` ("Cannot find module 'x'"). A missing
 * file inside an installed package (an absolute or relative path) is no
 * missing package: `undefined`.
 */
function missingPackage(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return undefined;
  const specifier = /Cannot find (?:package|module) '([^']+)'/.exec((error as Error).message)?.[1];
  if (specifier === undefined || /^[./]/.test(specifier)) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}
