import { createConnection, type Socket } from 'node:net';
import { DaemonConnectionError, DaemonNotRunningError } from './errors.js';
import { parseIncoming, type JsonRpcIncoming } from './json-rpc.js';
import { NdjsonSplitter } from './ndjson.js';

/**
 * Why a line from the daemon was skipped: not UTF-8 (`invalid_utf8`), holding
 * a NUL character (`nul`, binary garbage: JSON text never does), otherwise not
 * JSON (`not_json`, an empty line included), JSON but not a JSON-RPC message
 * (`not_json_rpc`), or longer than `maxMessageBytes` (`oversize`).
 */
export type SkipReason = 'invalid_utf8' | 'nul' | 'not_json' | 'not_json_rpc' | 'oversize';

/** A skipped line: why, a short sample of it, and its parsed JSON when it was JSON. */
export interface SkippedLine {
  readonly reason: SkipReason;
  readonly sample: string;
  readonly value?: unknown;
}

/** What a {@link JsonRpcConnection} reports to its owner. */
export interface JsonRpcConnectionHandler {
  /** The socket is connected; requests may be sent. */
  connect(): void;
  /** One valid JSON-RPC response or notification. */
  message(message: JsonRpcIncoming): void;
  /** A line that was skipped, and why. */
  skip(line: SkippedLine): void;
  /**
   * The connection is gone, by the daemon's doing: `undefined` when it closed
   * the socket cleanly, {@link DaemonNotRunningError} when connecting failed,
   * {@link DaemonConnectionError} when an open socket broke. Not called after
   * {@link JsonRpcConnection.destroy} (but the owner may call it itself, e.g.
   * with a `DaemonClientClosedError`).
   */
  close(error: Error | undefined): void;
}

/** Options of {@link JsonRpcConnection}. */
export interface JsonRpcConnectionOptions {
  readonly connectTimeoutMs: number;
  readonly maxMessageBytes: number;
}

const SAMPLE_CHARS = 120;

/** Plain words for the usual reasons a connect fails. */
const CONNECT_FAILURES: Readonly<Record<string, string>> = {
  ENOENT: 'no socket at this path',
  ECONNREFUSED: 'connection refused',
  ENOTSOCK: 'not a socket',
};

/**
 * One Unix socket connection to the daemon that speaks NDJSON JSON-RPC:
 * connects with a timeout, writes requests as lines, and reports each line it
 * reads as a validated message or a skipped line. The owner decides what the
 * messages mean (a pooled call, or a stream) through a swappable handler.
 */
export class JsonRpcConnection {
  private readonly socket: Socket;
  private readonly splitter: NdjsonSplitter;
  private connectTimer: NodeJS.Timeout | undefined;
  private state: 'connecting' | 'open' | 'closed' = 'connecting';
  private socketError: NodeJS.ErrnoException | undefined;
  private received = 0;
  private ended = false;

  /** Settles once the socket is fully closed, however it closed. */
  readonly closed: Promise<void>;

  constructor(
    readonly socketPath: string,
    options: JsonRpcConnectionOptions,
    /** Receives this connection's events; may be replaced at any time. */
    public handler: JsonRpcConnectionHandler,
  ) {
    this.splitter = new NdjsonSplitter(options.maxMessageBytes, { rejectInvalidUtf8: true });
    this.socket = createConnection({ path: socketPath });
    this.closed = new Promise((resolve) => this.socket.once('close', () => resolve()));
    this.connectTimer = setTimeout(() => {
      this.finish(
        new DaemonNotRunningError(socketPath, `connect timed out after ${options.connectTimeoutMs} ms`),
      );
    }, options.connectTimeoutMs);
    this.connectTimer.unref();
    this.socket.on('connect', () => {
      this.clearConnectTimer();
      this.state = 'open';
      this.handler.connect();
    });
    this.socket.on('data', (chunk: Buffer) => this.read(this.splitter.push(chunk), chunk.length));
    this.socket.on('end', () => {
      this.ended = true;
      this.read(this.splitter.end(), 0);
    });
    this.socket.on('timeout', () => this.finish(undefined));
    this.socket.on('error', (error) => {
      this.socketError = error;
    });
    this.socket.on('close', () => this.finish(this.closeError()));
  }

  /** True while the socket is connected and the daemon has not ended it. */
  get isOpen(): boolean {
    return this.state === 'open' && !this.ended;
  }

  /** Bytes read since the last {@link send}. */
  get receivedSinceSend(): number {
    return this.received;
  }

  /** Bytes the line splitter holds for an unterminated line (bounded by `maxMessageBytes`). */
  get bufferedBytes(): number {
    return this.splitter.bufferedBytes;
  }

  /** Writes one serialised message (JSON without newlines) as one line. Ignored once closed. */
  send(json: string): void {
    if (this.state !== 'open') return;
    this.received = 0;
    this.socket.write(`${json}\n`);
  }

  /**
   * Parks or unparks the connection: while idle, the socket does not keep the
   * process alive and closes itself (reporting a clean close) after `idleMs`.
   */
  setIdle(idleMs: number | undefined): void {
    if (this.state === 'closed') return;
    if (idleMs === undefined) {
      this.socket.setTimeout(0);
      this.socket.ref();
    } else {
      this.socket.setTimeout(idleMs);
      this.socket.unref();
    }
  }

  /** Closes the socket at once. The handler hears nothing more. */
  destroy(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.clearConnectTimer();
    this.socket.destroy();
  }

  private read(items: ReturnType<NdjsonSplitter['push']>, bytes: number): void {
    this.received += bytes;
    for (const item of items) {
      if (this.state === 'closed') return;
      if (item.type === 'oversize') this.handler.skip({ reason: 'oversize', sample: `${item.bytes}+ bytes` });
      else if (item.type === 'invalid_utf8')
        this.handler.skip({ reason: 'invalid_utf8', sample: `${item.bytes} bytes` });
      else this.readLine(item.line);
    }
  }

  private readLine(line: string): void {
    const parsed = parseIncoming(line);
    if (parsed.ok) this.handler.message(parsed.message);
    else if (parsed.reason === 'not_json_rpc')
      this.handler.skip({ reason: 'not_json_rpc', sample: sample(line), value: parsed.value });
    else this.handler.skip({ reason: line.includes('\u0000') ? 'nul' : 'not_json', sample: sample(line) });
  }

  private closeError(): DaemonNotRunningError | DaemonConnectionError | undefined {
    const error = this.socketError;
    if (this.state === 'connecting') {
      const code = error?.code;
      if (code === 'EACCES' || code === 'EPERM') {
        return new DaemonConnectionError(this.socketPath, `permission denied (${code})`, { cause: error });
      }
      const reason = (code !== undefined && CONNECT_FAILURES[code]) || code || 'connection closed';
      return new DaemonNotRunningError(this.socketPath, reason, { cause: error });
    }
    if (error === undefined) return undefined;
    return new DaemonConnectionError(this.socketPath, error.code ?? error.message, { cause: error });
  }

  private finish(error: DaemonNotRunningError | DaemonConnectionError | undefined): void {
    if (this.state === 'closed') return;
    this.destroy();
    this.handler.close(error);
  }

  private clearConnectTimer(): void {
    if (this.connectTimer !== undefined) clearTimeout(this.connectTimer);
    this.connectTimer = undefined;
  }
}

function sample(line: string): string {
  return line.length > SAMPLE_CHARS ? `${line.slice(0, SAMPLE_CHARS)}…` : line;
}
