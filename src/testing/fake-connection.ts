import type { Socket } from 'node:net';
import type { JsonObject } from '../json.js';
import type { FakeReply } from './fake-daemon-types.js';

/** One client connection of a fake daemon. */
export interface FakeConnection {
  readonly id: number;
  readonly socket: Socket;
  /** Stream events written while the socket was over its high-water mark (the client is not reading). */
  backlog: number;
}

/** The {@link FakeReply} of request `id` on `connection`: nothing is answered to a notification (no id). */
export function replyOn(connection: FakeConnection, id: number | string | undefined): FakeReply {
  const { socket } = connection;
  return {
    id,
    connectionId: connection.id,
    result: (result) => {
      if (id !== undefined) writeTo(socket, JSON.stringify({ jsonrpc: '2.0', result, id }) + '\n');
    },
    error: (code, message, data) => {
      if (id !== undefined) sendError(connection, id, { code, message, data: data ?? null });
    },
    raw: (text) => writeTo(socket, text),
    close: () => {
      socket.end();
    },
  };
}

/** Writes a JSON-RPC error response. */
export function sendError(connection: FakeConnection, id: unknown, error: JsonObject): void {
  writeTo(connection.socket, JSON.stringify({ jsonrpc: '2.0', error, id }) + '\n');
}

/** Writes `text` unless the socket is closed. */
function writeTo(socket: Socket, text: string): void {
  if (!socket.destroyed && socket.writable) socket.write(text);
}
