import { asyncScheduler } from 'rxjs';
import { InvalidOptionsError } from '../../src/errors';
import { resolveBridgeOptions, type BridgeOptions } from '../../src/bridge/bridge-options';

describe('resolveBridgeOptions', () => {
  it('applies the contract defaults', () => {
    expect(resolveBridgeOptions(undefined)).toEqual({
      heartbeatMs: 30_000,
      reconnect: { initialDelayMs: 1_000, maxDelayMs: 30_000 },
      replaySize: 1_000,
      scheduler: asyncScheduler,
      streamMethod: 'daemon.monitor.stream',
      observerMethod: 'daemon.observer_events',
      connectOnDemand: false,
      disconnectGraceMs: 5_000,
    });
    expect(resolveBridgeOptions({ reconnect: { maxDelayMs: 5_000 } }).reconnect).toEqual({
      initialDelayMs: 1_000,
      maxDelayMs: 5_000,
    });
  });

  it('accepts the ends of every range', () => {
    expect(() => resolveBridgeOptions({ heartbeatMs: 1 })).not.toThrow();
    expect(() => resolveBridgeOptions({ heartbeatMs: 2 ** 31 - 1 })).not.toThrow();
    expect(() => resolveBridgeOptions({ replaySize: 0 })).not.toThrow();
  });

  it.each<[string, BridgeOptions | Record<string, unknown>, string, RegExp]>([
    [
      'heartbeatMs 0',
      { heartbeatMs: 0 },
      'heartbeatMs',
      /"heartbeatMs": expected an integer from 1 to 2147483647, got 0/,
    ],
    ['heartbeatMs 2**31', { heartbeatMs: 2 ** 31 }, 'heartbeatMs', /from 1 to 2147483647, got 2147483648/],
    ['heartbeatMs 1.5', { heartbeatMs: 1.5 }, 'heartbeatMs', /got 1\.5/],
    ['heartbeatMs "30"', { heartbeatMs: '30' }, 'heartbeatMs', /got "30"/],
    ['replaySize -1', { replaySize: -1 }, 'replaySize', /from 0 to 1000000/],
    [
      'reconnect.initialDelayMs 0',
      { reconnect: { initialDelayMs: 0 } },
      'reconnect.initialDelayMs',
      /from 1/,
    ],
    [
      'maxDelayMs below initialDelayMs',
      { reconnect: { initialDelayMs: 10, maxDelayMs: 5 } },
      'reconnect.maxDelayMs',
      /at least initialDelayMs/,
    ],
    ['an empty streamMethod', { streamMethod: '' }, 'streamMethod', /non-empty string/],
    ['a scheduler without schedule()', { scheduler: { now: () => 0 } }, 'scheduler', /SchedulerLike/],
    ['a logger without warn()', { logger: { debug() {}, info() {}, error() {} } }, 'logger', /warn/],
    ['a bad instanceId', { instanceId: 'has-dash' }, 'instanceId', /A-Za-z0-9_/],
    ['an unknown option', { heartbeat: 5 }, 'heartbeat', /Unknown bridge option "heartbeat"/],
    [
      'an unknown nested option',
      { reconnect: { maxDelay: 5 } },
      'reconnect.maxDelay',
      /"reconnect.maxDelay"/,
    ],
  ])('rejects %s with InvalidOptionsError naming the option', (_label, options, option, message) => {
    let thrown: unknown;
    try {
      resolveBridgeOptions(options);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidOptionsError);
    expect(thrown).toMatchObject({ name: 'InvalidOptionsError', code: 'ERR_INVALID_OPTIONS', option });
    expect((thrown as Error).message).toMatch(message);
  });
});
