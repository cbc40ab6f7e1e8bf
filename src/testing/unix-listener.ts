import { chmodSync, lstatSync, rmSync } from 'node:fs';
import { createConnection, type Server } from 'node:net';

/**
 * Makes `server` listen at `socketPath` (mode 0600). A socket file nobody
 * listens on (the leftover of a killed process) is removed and the listen
 * retried; a socket in use fails with `EADDRINUSE`. Resolves too when the
 * server is closed before it listens.
 */
export function listenUnix(server: Server, socketPath: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // Closed before it was listening (a stop() during a restart): nothing to wait for.
    server.once('close', resolve);
    server.listen(socketPath, () => {
      server.off('error', reject);
      server.off('close', resolve);
      chmodSync(socketPath, 0o600);
      resolve();
    });
  }).catch(async (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EADDRINUSE' || !(await isStaleSocket(socketPath))) throw error;
    // A socket file nobody listens on: the leftover of a killed daemon.
    rmSync(socketPath, { force: true });
    return listenUnix(server, socketPath);
  });
}

/** True when a socket file exists but nobody listens on it (a leftover of a killed process). */
function isStaleSocket(path: string): Promise<boolean> {
  if (!lstatSync(path, { throwIfNoEntry: false })?.isSocket()) return Promise.resolve(false);
  return new Promise((resolve) => {
    const probe = createConnection({ path });
    probe.once('connect', () => {
      probe.destroy();
      resolve(false);
    });
    probe.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}
