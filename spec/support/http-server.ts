import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A real HTTP server on 127.0.0.1 and an ephemeral port, with its open sockets. */
export interface TestServer {
  readonly server: Server;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly sockets: ReadonlySet<Socket>;
  /** Destroys every open connection from the server side (a network drop, as the client sees it). */
  dropConnections(): void;
  /** Destroys every connection and closes the server. */
  close(): Promise<void>;
}

/** Starts `listener` on 127.0.0.1:0; `prepare` sees the server before it listens. */
export async function startServer(
  listener: RequestListener,
  prepare: (server: Server) => void = () => {},
): Promise<TestServer> {
  const server = createServer(listener);
  prepare(server);
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const dropConnections = () => {
    for (const socket of sockets) socket.destroy();
  };
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    sockets,
    dropConnections,
    close: () =>
      new Promise<void>((resolve) => {
        dropConnections();
        server.close(() => resolve());
      }),
  };
}
