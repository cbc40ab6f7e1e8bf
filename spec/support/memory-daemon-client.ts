import { Observable, type ObservableInput } from 'rxjs';
import type { DaemonClient, StreamHooks } from '../../src/daemon/daemon-client';
import type { JsonObject } from '../../src/json';

/** One recorded call of a {@link MemoryDaemonClient}. */
export interface RecordedCall {
  method: string;
  params: JsonObject | undefined;
}

/**
 * A DaemonClient seam for bridge tests: `stream()` returns whatever the test
 * hands out (a cold or hot marble, a Subject…), one source per subscription;
 * `call()` answers with the test's function. It records every request.
 */
export class MemoryDaemonClient implements DaemonClient {
  readonly streams: RecordedCall[] = [];
  readonly calls: RecordedCall[] = [];
  /** When true, the client reports the socket open (hooks.onOpen) as soon as a stream is subscribed. */
  reportOpen = false;

  constructor(
    private readonly nextStream: (attempt: number) => Observable<unknown>,
    private readonly answer: (
      method: string,
      params: JsonObject | undefined,
    ) => ObservableInput<unknown> = () => Promise.resolve([]),
  ) {}

  stream(method: string, params?: JsonObject, hooks?: StreamHooks): Observable<JsonObject> {
    const attempt = this.streams.length;
    this.streams.push({ method, params });
    const source = this.nextStream(attempt) as Observable<JsonObject>;
    return new Observable<JsonObject>((subscriber) => {
      if (this.reportOpen) hooks?.onOpen?.();
      return source.subscribe(subscriber);
    });
  }

  call(method: string, params?: JsonObject): ObservableInput<unknown> {
    this.calls.push({ method, params });
    return this.answer(method, params);
  }
}
