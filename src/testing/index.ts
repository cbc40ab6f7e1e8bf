export {
  FakeDaemon,
  startFakeDaemon,
  type FakeDaemonCounters,
  type FakeDaemonOptions,
  type FakeMethodHandler,
} from './fake-daemon.js';
