import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listenUnix } from '../../src/testing/unix-listener';

describe('listenUnix', () => {
  let dir: string;
  const servers: Server[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'unix-listener-'));
  });

  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
    rmSync(dir, { recursive: true, force: true });
  });

  function server(): Server {
    const created = createServer();
    servers.push(created);
    return created;
  }

  it('listens at the path with mode 0600', async () => {
    const path = join(dir, 'a.sock');
    const listening = server();
    await listenUnix(listening, path);
    expect(listening.listening).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('refuses a path another server listens on', async () => {
    const path = join(dir, 'b.sock');
    await listenUnix(server(), path);
    await expect(listenUnix(server(), path)).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });
});
