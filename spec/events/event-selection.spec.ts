import { parseEventSelection, selects, type EventSelection } from '../../src/events/event-selection';

function parsed(selectors: string[]): EventSelection {
  const selection = parseEventSelection(selectors);
  if (typeof selection === 'string') throw new Error(selection);
  return selection;
}

describe('parseEventSelection', () => {
  it('splits names and patterns, and drops what a pattern already covers', () => {
    expect(
      parsed(['sheet.*', 'job.cost_update', 'sheet.failed', 'baton.*', 'baton.job.*', 'job.cost_update']),
    ).toEqual({
      names: new Set(['job.cost_update']),
      prefixes: ['sheet.', 'baton.'],
    });
  });

  it.each([
    [[], 'at least one'],
    [['sheet*'], 'bad event selector "sheet*"'],
    [['*'], 'bad event selector "*"'],
    [['*.failed'], 'bad'],
    [['sheet.'], 'bad'],
    [['.sheet'], 'bad'],
    [['sheet..failed'], 'bad'],
    [['sheet.*.x'], 'bad'],
    [['sheet failed'], 'bad'],
    [['x'.repeat(129)], 'bad'],
    [Array.from({ length: 65 }, (_, i) => `e${i}`), 'at most 64'],
  ])('rejects %j with a message', (selectors, message) => {
    expect(parseEventSelection(selectors)).toEqual(expect.stringContaining(message));
  });
});

describe('selects', () => {
  const selection = parsed(['sheet.*', 'job.cost_update']);

  it.each([
    ['sheet.failed', true],
    ['sheet.a.b', true],
    ['job.cost_update', true],
    ['sheets.failed', false],
    ['sheet', false],
    ['job.cost_update2', false],
    ['daemon_event', false],
  ])('%s → %s', (name, expected) => {
    expect(selects(selection, name)).toBe(expected);
  });

  it('selects everything without a selection', () => {
    expect(selects(undefined, 'anything')).toBe(true);
  });
});
