import { defer, filter, map, type Observable, type SchedulerLike } from 'rxjs';
import type { StreamHooks } from '../daemon/daemon-client.js';
import { describeError } from '../errors.js';
import type { BridgeLogger } from '../logger.js';
import type { Backoff } from '../operators/backoff.js';
import { reconnect } from '../operators/reconnect.js';

/** Where a daemon subscription stands: its first attempt, open, or waiting for (or making) the next. */
export type SubscriptionState = 'connecting' | 'connected' | 'reconnecting';

/** What {@link daemonSubscription} needs of its owner (the bridge, the relay). */
export interface DaemonSubscriptionConfig<T, R> {
  /** Opens one attempt; the stream calls `hooks.onOpen` once it is open. */
  readonly open: (hooks: StreamHooks) => Observable<T>;
  /** The value to pass on, or undefined to skip it (the owner counts and logs what it skips). */
  readonly validate: (value: T) => R | undefined;
  readonly backoff: Backoff;
  readonly scheduler: SchedulerLike;
  readonly logger: BridgeLogger;
  readonly setState: (state: SubscriptionState) => void;
  /** Called once per failure or end of the stream, before the state turns `reconnecting`. */
  readonly onInterrupted: () => void;
}

/**
 * The daemon stream, validated, resubscribed after every failure or end
 * with {@link reconnect}'s backoff, reporting its state and logging each
 * interruption. Never completes or errors by itself. Each subscription
 * starts `connecting`; later attempts are `reconnecting`.
 */
export function daemonSubscription<T, R>(config: DaemonSubscriptionConfig<T, R>): Observable<R> {
  const { open, validate, backoff, scheduler, logger, setState, onInterrupted } = config;
  const hooks: StreamHooks = { onOpen: () => setState('connected') };
  return defer(() => {
    let attempts = 0;
    return defer(() => {
      setState(attempts++ === 0 ? 'connecting' : 'reconnecting');
      return open(hooks);
    }).pipe(
      map(validate),
      filter((value): value is R => value !== undefined),
      reconnect({
        initialDelayMs: backoff.initialDelayMs,
        maxDelayMs: backoff.maxDelayMs,
        scheduler,
        onRetry: (error, delayMs, attempt) => {
          onInterrupted();
          setState('reconnecting');
          logger.warn('daemon stream interrupted; reconnecting', {
            error: describeError(error),
            delayMs,
            attempt,
          });
        },
      }),
    );
  });
}
