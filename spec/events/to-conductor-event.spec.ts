import { toConductorEvent } from '../../src/events/to-conductor-event';

describe('toConductorEvent', () => {
  it('wraps the daemon object with its name, id and job, keeping every field', () => {
    const raw = { job_id: 'nightly', event: 'job.cost_update', data: { total_cost_usd: 1.2 }, extra: [1] };
    expect(toConductorEvent('job.cost_update', raw, 'k-7')).toStrictEqual({
      type: 'event',
      name: 'job.cost_update',
      id: 'k-7',
      jobId: 'nightly',
      event: raw,
    });
  });

  it('has no job for daemon-wide events (absent, null or empty job_id) and no id when not given', () => {
    for (const job_id of [undefined, null, '']) {
      expect(toConductorEvent('monitor.anomaly', { job_id, event: 'monitor.anomaly' })).toMatchObject({
        jobId: undefined,
        id: undefined,
      });
    }
  });

  it('freezes the result, the object and its data, so consumers can share them', () => {
    const event = toConductorEvent('sheet.started', { event: 'sheet.started', data: { attempt: 1 } });
    expect(Object.isFrozen(event)).toBe(true);
    expect(Object.isFrozen(event.event)).toBe(true);
    expect(Object.isFrozen(event.event.data)).toBe(true);
  });
});
