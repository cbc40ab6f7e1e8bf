/**
 * What a writer exposes to the {@link SseBudget}: the bytes it holds and a
 * way to drop its client.
 */
export interface BudgetedClient {
  /** Bytes held in memory for this client (queued and not yet taken by the kernel). */
  readonly heldBytes: number;
  /** Ends the client at once (the budget calls it on the clients holding the most). */
  dropForBudget(): void;
}

/**
 * One bound on the bytes held for every SSE client that is **behind** (whose
 * previous write the kernel has not yet taken when the next frame comes):
 * past `limitBytes`, the clients holding the most are dropped first, until the
 * total is back under 7/8 of the limit (so a budget held at its edge does not
 * sort its clients on every frame). Clients that keep up are never counted:
 * what they are sent within one event-loop turn is written in that turn.
 *
 * Shared by every `serveSse` of a gateway (see `maxTotalBufferedBytes`).
 *
 * @example
 * ```ts
 * import { serveSse, SseBudget } from 'daemon-event-bridge/http';
 *
 * const budget = new SseBudget(64 * 1024 * 1024);
 * http.createServer((req, res) => serveSse(req, res, source, { budget }));
 * setInterval(() => console.log(budget.heldBytes, budget.clientsDropped), 10_000);
 * ```
 */
export class SseBudget {
  private held = 0;
  private dropped = 0;
  private readonly behind = new Map<BudgetedClient, number>();

  /** @param limitBytes - The most bytes held for clients that are behind, all together. */
  constructor(
    /** The most bytes held for clients that are behind, all together. */
    readonly limitBytes: number,
  ) {}

  /** Bytes held now for clients that are behind. */
  get heldBytes(): number {
    return this.held;
  }

  /** Clients behind now. */
  get clientsBehind(): number {
    return this.behind.size;
  }

  /** Clients dropped so far because the budget was exceeded. */
  get clientsDropped(): number {
    return this.dropped;
  }

  /**
   * Counts `bytes` as what `client` holds while behind (0: caught up or gone).
   * Past the limit, drops the clients holding the most.
   */
  count(client: BudgetedClient, bytes: number): void {
    const before = this.behind.get(client) ?? 0;
    if (bytes === 0) this.behind.delete(client);
    else this.behind.set(client, bytes);
    this.held += bytes - before;
    if (bytes > before && this.held > this.limitBytes) this.shed();
  }

  private shed(): void {
    const target = this.limitBytes - this.limitBytes / 8;
    const largestFirst = [...this.behind.keys()].sort((a, b) => b.heldBytes - a.heldBytes);
    for (const client of largestFirst) {
      if (this.held <= target) return;
      this.dropped++;
      client.dropForBudget(); // counts it as 0
    }
  }
}
