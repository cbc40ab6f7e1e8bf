// The gateway's shared types: a leaf that the gateway's parts import, so none imports the gateway.

/** Which stream an SSE client reads: every event (`all`) or one job's (`job`). */
export type SseStreamKind = 'all' | 'job';

/** The gateway's own counters, beside the bridge's. */
export interface GatewayStats {
  /** SSE responses open now. */
  readonly clients: number;
  /** The `maxClients` bound. */
  readonly maxClients: number;
  /** SSE clients dropped because they did not read (see `maxBufferedBytes`). */
  readonly slowClientsDropped: number;
  /** SSE requests answered 503 because `maxClients` were open. */
  readonly clientsRejected: number;
  /** Bytes held now for SSE clients that are behind (see `maxTotalBufferedBytes`). */
  readonly bufferedBytes: number;
  /** The `maxTotalBufferedBytes` bound. */
  readonly maxTotalBufferedBytes: number;
  /** SSE clients behind now (their previous write not yet taken by the kernel). */
  readonly clientsBehind: number;
  /** Of `slowClientsDropped`, those dropped because all clients together held too much. */
  readonly clientsDroppedByBudget: number;
  /** SSE responses open now, by stream: `all` (`/api/events/stream`) and `job` (`/api/jobs/:jobId/events`). */
  readonly clientsByStream: Readonly<Record<SseStreamKind, number>>;
}
