/**
 * Polls `condition` (sync or async) every few milliseconds until it is true;
 * rejects with `what` after `timeoutMs`. For waiting on real I/O, never for
 * timing.
 */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  what: string | (() => string),
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * Reads a value until `done(value)` holds, and returns it; the timeout message
 * shows the last value read.
 */
export async function pollUntil<T>(
  read: () => T | Promise<T>,
  done: (value: T) => boolean,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  let last: T | undefined;
  await waitUntil(
    async () => done((last = await read())),
    () => `${what}; last: ${JSON.stringify(last)}`,
    timeoutMs,
  );
  return last as T;
}
