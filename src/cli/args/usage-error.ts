import { DaemonEventBridgeError } from '../../errors.js';

/**
 * A bad command line: an unknown command or flag, a missing or malformed
 * value, or a combination the CLI refuses (a public `--host` without
 * `--token` or `--insecure`). The message is one line; the CLI prints it and
 * exits with code 2.
 */
export class UsageError extends DaemonEventBridgeError {
  override readonly name = 'UsageError';
  readonly code = 'ERR_USAGE';
}
