import { matchRoute } from '../../src/http/routes';

describe('matchRoute', () => {
  it('matches each route at the root', () => {
    expect(matchRoute('/api/events/stream', '')).toEqual({ kind: 'stream' });
    expect(matchRoute('/healthz', '')).toEqual({ kind: 'healthz' });
    expect(matchRoute('/api/jobs/nightly/events', '')).toEqual({
      kind: 'jobEvents',
      jobIdSegment: 'nightly',
    });
    expect(matchRoute('/api/jobs/a%2Fb/observer', '')).toEqual({ kind: 'observer', jobIdSegment: 'a%2Fb' });
    expect(matchRoute('/api/jobs/nightly/state', '')).toEqual({ kind: 'jobState', jobIdSegment: 'nightly' });
  });

  it('matches under a base path and nowhere else', () => {
    expect(matchRoute('/bridge/healthz', '/bridge')).toEqual({ kind: 'healthz' });
    expect(matchRoute('/healthz', '/bridge')).toBeUndefined();
    expect(matchRoute('/bridgehealthz', '/bridge')).toBeUndefined();
    expect(matchRoute('/bridge', '/bridge')).toBeUndefined();
  });

  it('refuses near misses', () => {
    for (const path of [
      '/',
      '/api/events/stream/',
      '/api/jobs//events',
      '/api/jobs/a/b/events',
      '/api/jobs/nightly/history',
      '/HEALTHZ',
    ]) {
      expect(matchRoute(path, '')).toBeUndefined();
    }
  });
});
