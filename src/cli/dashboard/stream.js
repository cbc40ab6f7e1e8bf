// A gateway stream followed for as long as the page wants it, on the package's browser client.
import { gatewayEvents } from './lib/browser/index.js';
import { Subject, repeat, startWith, switchMap, tap, timer } from './lib/rxjs.js';

/**
 * Calls `onEvent` with every event of `gatewayEvents(url)` (unnamed: every
 * daemon event arrives whatever its name). The browser reconnects by itself
 * after a lost connection (resuming with Last-Event-ID); when it gives up
 * (state `closed`: an HTTP error such as 401 or 503) the stream is opened
 * again after `retryMs`, doubling up to `maxRetryMs` until it opens.
 * `restart()` opens a fresh stream at once (no Last-Event-ID); `stop()` closes it.
 */
export function followStream(url, onEvent, { retryMs = 1000, maxRetryMs = 15000 } = {}) {
  const restarts = new Subject();
  let delay = retryMs;
  const nextDelay = () => {
    const current = delay;
    delay = Math.min(delay * 2, maxRetryMs);
    return timer(current);
  };
  const subscription = restarts
    .pipe(
      startWith(undefined),
      switchMap(() =>
        gatewayEvents(url).pipe(
          tap((event) => {
            if (event.type === 'state' && event.state === 'open') delay = retryMs;
          }),
          repeat({ delay: nextDelay }),
        ),
      ),
    )
    .subscribe(onEvent);
  return { restart: () => restarts.next(), stop: () => subscription.unsubscribe() };
}
