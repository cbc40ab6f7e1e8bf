export {
  FakeDaemon,
  startFakeDaemon,
  type FakeDaemonCounters,
  type FakeDaemonOptions,
  type FakeMethodHandler,
  type FakeReply,
} from './fake-daemon.js';
