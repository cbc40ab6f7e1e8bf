import { createJsonLogger, LOG_LEVELS, type LogLevel } from '../../src/cli/logger';

function capture(level?: LogLevel, fields?: Record<string, unknown>) {
  const lines: string[] = [];
  const logger = createJsonLogger({
    level,
    fields,
    sink: { write: (line: string) => lines.push(line) },
    clock: () => new Date('2025-11-24T17:00:00.000Z'),
  });
  return { logger, lines, parsed: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('createJsonLogger', () => {
  it('writes one JSON object per line with time, level, msg and the fields', () => {
    const { logger, lines, parsed } = capture('debug', { cmd: 'serve' });
    logger.info('listening', { url: 'http://127.0.0.1:8787/', port: 8787 });
    expect(lines).toEqual([
      '{"time":"2025-11-24T17:00:00.000Z","level":"info","msg":"listening","cmd":"serve","url":"http://127.0.0.1:8787/","port":8787}\n',
    ]);
    logger.error('boom');
    expect(parsed()[1]).toEqual({
      time: '2025-11-24T17:00:00.000Z',
      level: 'error',
      msg: 'boom',
      cmd: 'serve',
    });
  });

  it.each([
    ['debug', ['debug', 'info', 'warn', 'error']],
    ['info', ['info', 'warn', 'error']],
    ['warn', ['warn', 'error']],
    ['error', ['error']],
    ['silent', []],
  ] as const)('at level %s writes %j', (level, written) => {
    const { logger, parsed } = capture(level);
    for (const method of ['debug', 'info', 'warn', 'error'] as const) logger[method](method);
    expect(parsed().map((line) => line['level'])).toEqual(written);
  });

  it('defaults to info', () => {
    const { logger, parsed } = capture();
    logger.debug('hidden');
    logger.info('shown');
    expect(parsed().map((line) => line['msg'])).toEqual(['shown']);
    expect(LOG_LEVELS).toEqual(['debug', 'info', 'warn', 'error', 'silent']);
  });

  it('keeps each entry on one line, whatever the message holds', () => {
    const { logger, lines, parsed } = capture();
    logger.warn('line one\nline two\r\n', { sample: '{"a":\n1}' });
    expect(lines).toHaveLength(1);
    expect(lines[0]!.slice(0, -1)).not.toMatch(/[\r\n]/);
    expect(parsed()[0]).toMatchObject({ msg: 'line one\nline two\r\n', sample: '{"a":\n1}' });
  });

  it('never throws on fields JSON cannot hold, and never lets a field overwrite time, level or msg', () => {
    const { logger, parsed } = capture();
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic['self'] = cyclic;
    expect(() =>
      logger.info('odd fields', {
        cyclic,
        big: 10n ** 20n,
        fn: () => 1,
        error: new TypeError('bad'),
        level: 'forged',
        msg: 'forged',
        time: 'forged',
      }),
    ).not.toThrow();
    expect(parsed()[0]).toEqual({
      time: '2025-11-24T17:00:00.000Z',
      level: 'info',
      msg: 'odd fields',
      cyclic: { name: 'loop', self: '[Circular]' },
      big: '100000000000000000000',
      fn: '() => 1',
      error: { name: 'TypeError', message: 'bad' },
      field_level: 'forged',
      field_msg: 'forged',
      field_time: 'forged',
    });
  });
});
