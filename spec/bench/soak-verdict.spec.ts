import { growthOf, slope, soakVerdict, type DeliveryReport, type SoakSample } from '../../bench/soak-verdict';

const clean: DeliveryReport = {
  published: 30_000,
  delivered: 3_000_000,
  missed: 0,
  duplicates: 0,
  missingTail: 0,
  resets: 3,
  reconnects: 300,
  dropped: 0,
};

/** Samples every 10 s for `seconds`, flat at typical values, with `tweak` applied. */
function series(
  seconds: number,
  tweak: (t: number, sample: SoakSample) => Partial<SoakSample> = () => ({}),
): SoakSample[] {
  const samples: SoakSample[] = [];
  for (let t = 10; t <= seconds; t += 10) {
    // A deterministic wobble, as GC and load give.
    const wobble = ((t * 7919) % 13) - 6;
    const sample = {
      t,
      rssMiB: 180 + wobble,
      heapMiB: 40 + wobble / 4,
      fds: 520 + wobble,
      eldP99Ms: 30 + wobble,
      clients: 500,
    };
    samples.push({ ...sample, ...tweak(t, sample) });
  }
  return samples;
}

describe('soakVerdict', () => {
  it('passes flat series with noise and a clean delivery', () => {
    const verdict = soakVerdict(series(1_800), clean, { warmupSeconds: 300, clients: 500 });
    expect(verdict.failures).toEqual([]);
    expect(verdict.ok).toBe(true);
  });

  it('fails a leak: RSS growing 2 MiB a minute after warm-up', () => {
    const verdict = soakVerdict(
      series(1_800, (t, s) => ({ rssMiB: s.rssMiB + t / 30 })),
      clean,
      {
        warmupSeconds: 300,
        clients: 500,
      },
    );
    expect(verdict.ok).toBe(false);
    expect(verdict.failures).toEqual([
      expect.stringMatching(/^rssMiB keeps growing: \+49\.\d over the window/),
    ]);
  });

  it('fails leaking descriptors and a growing heap, each named', () => {
    const verdict = soakVerdict(
      series(1_800, (t, s) => ({ fds: s.fds + t / 20, heapMiB: s.heapMiB + t / 100 })),
      clean,
      { warmupSeconds: 300, clients: 500 },
    );
    expect(verdict.failures.map((failure) => failure.split(' ')[0])).toEqual(['heapMiB', 'fds']);
  });

  it('ignores growth during the warm-up and a single spike after it', () => {
    const samples = series(1_800, (t, s) => ({
      rssMiB: t <= 300 ? 50 + t / 2 : s.rssMiB,
      eldP99Ms: t === 1_790 ? 5_000 : s.eldP99Ms,
    }));
    expect(soakVerdict(samples, clean, { warmupSeconds: 300, clients: 500 }).ok).toBe(true);
  });

  it('fails when an event missed a connected client, was duplicated or never reached a client', () => {
    const options = { warmupSeconds: 300, clients: 500 };
    expect(soakVerdict(series(1_800), { ...clean, missed: 1 }, options).failures).toEqual([
      '1 events missed a connected client',
    ]);
    expect(soakVerdict(series(1_800), { ...clean, duplicates: 2 }, options).failures).toEqual([
      '2 events delivered twice',
    ]);
    expect(soakVerdict(series(1_800), { ...clean, missingTail: 4 }, options).failures).toEqual([
      '4 clients never got the last event',
    ]);
    expect(soakVerdict(series(1_800), { ...clean, published: 0 }, options).ok).toBe(false);
  });

  it('fails with clients gone or too few samples after the warm-up', () => {
    expect(
      soakVerdict(
        series(1_800, () => ({ clients: 300 })),
        clean,
        { warmupSeconds: 300, clients: 500 },
      ).failures,
    ).toEqual(['only 300 of 500 clients connected at the end']);
    expect(soakVerdict(series(60), clean, { warmupSeconds: 50, clients: 500 }).failures).toEqual([
      'only 1 samples after the warm-up (need 3)',
    ]);
  });

  it('measures growth with a robust slope', () => {
    expect(slope([0, 1, 2, 3], [0, 2, 4, 6])).toBe(2);
    expect(slope([0, 1, 2, 3, 4], [0, 1, 2, 100, 4])).toBe(1);
    expect(
      growthOf(
        series(100, (t) => ({ fds: t })),
        0,
      ).find((g) => g.metric === 'fds'),
    ).toMatchObject({
      growth: 90,
      median: 55,
    });
  });
});
