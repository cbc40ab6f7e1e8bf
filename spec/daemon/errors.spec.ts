import {
  DaemonClientClosedError,
  DaemonConnectionError,
  DaemonNotRunningError,
  DaemonProtocolError,
  DaemonRpcError,
  DaemonTimeoutError,
} from '../../src/daemon/errors';
import { DaemonEventBridgeError } from '../../src/errors';

describe('daemon errors', () => {
  it.each([
    [
      new DaemonNotRunningError('/tmp/d.sock', 'no socket at this path'),
      'DaemonNotRunningError',
      'ERR_DAEMON_NOT_RUNNING',
    ],
    [new DaemonRpcError(-32601, 'Method not found', { m: 'x' }, 'x'), 'DaemonRpcError', -32601],
    [new DaemonProtocolError('bad answer'), 'DaemonProtocolError', 'ERR_DAEMON_PROTOCOL'],
    [new DaemonTimeoutError('daemon.health', 30_000), 'DaemonTimeoutError', 'ERR_DAEMON_TIMEOUT'],
    [new DaemonClientClosedError(), 'DaemonClientClosedError', 'ERR_DAEMON_CLIENT_CLOSED'],
    [
      new DaemonConnectionError('/tmp/d.sock', 'ECONNRESET'),
      'DaemonConnectionError',
      'ERR_DAEMON_CONNECTION',
    ],
  ])('%s has a stable name and code', (error, name, code) => {
    expect(error).toBeInstanceOf(DaemonEventBridgeError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe(name);
    expect(error.code).toBe(code);
  });

  it('say what happened, naming the socket path, method or timeout', () => {
    const cause = new Error('ENOENT');
    const notRunning = new DaemonNotRunningError('/tmp/d.sock', 'no socket at this path', { cause });
    expect(notRunning).toMatchObject({
      message: 'daemon not running at /tmp/d.sock: no socket at this path',
      socketPath: '/tmp/d.sock',
      cause,
    });
    expect(new DaemonConnectionError('/tmp/d.sock', 'ECONNRESET').message).toBe(
      'connection to daemon at /tmp/d.sock broke: ECONNRESET',
    );
    expect(new DaemonTimeoutError('daemon.health', 50)).toMatchObject({
      message: 'daemon call daemon.health timed out after 50 ms',
      method: 'daemon.health',
      timeoutMs: 50,
    });
    expect(new DaemonRpcError(-32000, 'Job not found', { job_id: 'x' }, 'job.status')).toMatchObject({
      message: 'Job not found',
      data: { job_id: 'x' },
      method: 'job.status',
    });
    expect(new DaemonClientClosedError().message).toBe('the daemon client is closed');
  });
});
