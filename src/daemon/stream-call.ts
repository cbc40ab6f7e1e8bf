import type { Subscriber } from 'rxjs';
import { isJsonObject, type JsonObject } from '../json.js';
import type { BridgeLogger } from '../logger.js';
import type { StreamHooks } from './daemon-client.js';
import type { JsonRpcConnection, JsonRpcConnectionHandler } from './json-rpc-connection.js';
import { answers, isNotification, rpcError, type JsonRpcIncoming } from './json-rpc.js';
import type { SkipCounters } from './skip-counters.js';

/** What one {@link StreamCall} needs. */
export interface StreamRequest {
  readonly method: string;
  readonly id: number;
  /** The serialised request. */
  readonly line: string;
  readonly hooks: StreamHooks;
}

const ignore = (): void => {};

/**
 * One streaming request on a dedicated connection, for one subscriber: sends
 * the request once connected (then calls `hooks.onOpen`), emits the `params`
 * of each notification, completes on the final result or a clean close by
 * the daemon, errors on an error response or a broken connection. Other
 * lines are counted as skipped.
 */
export class StreamCall {
  private readonly connection: JsonRpcConnection;

  constructor(
    private readonly request: StreamRequest,
    private readonly subscriber: Subscriber<JsonObject>,
    open: (handler: JsonRpcConnectionHandler) => JsonRpcConnection,
    private readonly skips: SkipCounters,
    private readonly logger: BridgeLogger,
  ) {
    this.connection = open(this.handler());
    this.connection.closed.then(
      () => logger.debug('daemon stream closed', { method: request.method }),
      ignore,
    );
  }

  /** Settles once the socket is fully closed. */
  get closed(): Promise<void> {
    return this.connection.closed;
  }

  /** Closes the connection at once; the subscriber hears nothing more from it. */
  end(): void {
    this.connection.destroy();
  }

  /** Ends the stream with `error`. */
  fail(error: Error): void {
    this.end();
    this.subscriber.error(error);
  }

  private handler(): JsonRpcConnectionHandler {
    return {
      connect: () => this.opened(),
      message: (message) => this.receive(message),
      skip: (line) => this.skips.line(line, this.request.method),
      close: (error) => (error === undefined ? this.complete() : this.fail(error)),
    };
  }

  private opened(): void {
    const { method, line, hooks } = this.request;
    this.connection.send(line);
    this.logger.debug('daemon stream open', { method });
    try {
      hooks.onOpen?.();
    } catch (error) {
      // A throwing hook must not become an uncaught exception in a socket event.
      this.fail(error as Error);
    }
  }

  private receive(message: JsonRpcIncoming): void {
    const { method, id } = this.request;
    if (isNotification(message)) {
      if (isJsonObject(message.params)) this.subscriber.next(message.params);
      else
        this.skips.line({ reason: 'not_json_rpc', sample: 'notification params is not an object' }, method);
    } else if (answers(message, id)) {
      const error = rpcError(message, method);
      if (error === undefined) this.complete();
      else this.fail(error);
    } else {
      this.skips.unknownResponse(message, method);
    }
  }

  private complete(): void {
    this.end();
    this.subscriber.complete();
  }
}
