import { daemonSource, type BridgeSource } from '../../src/bridge/event-source';
import { eventNumbering } from '../../src/bridge/event-numbering';
import { MemoryDaemonClient } from '../support/memory-daemon-client';
import { EMPTY } from 'rxjs';

const daemon = daemonSource(new MemoryDaemonClient(() => EMPTY));
const log: BridgeSource = { numbering: 'log', events: () => EMPTY, observerEvents: () => [] };

describe('eventNumbering', () => {
  describe('of the daemon: the bridge counts', () => {
    const numbering = eventNumbering(daemon, 'abc');

    it('numbers each event after the newest and names it <instanceId>-<seq>', () => {
      expect(numbering.next({ raw: {}, seq: 99 }, 7)).toBe(8);
      expect(numbering.id(8)).toBe('abc-8');
    });

    it('reads back only its own ids', () => {
      expect(numbering.parse('abc-8')).toBe(8);
      expect(numbering.parse('xyz-8')).toBeUndefined();
      expect(numbering.parse('8')).toBeUndefined();
      expect(numbering.parse('abc-')).toBeUndefined();
      expect(numbering.parse('abc-1234567890123456')).toBeUndefined();
    });

    it('reconnects live only, replays from the ring only, and lists no conductors', () => {
      expect(numbering.resumeAfter(5)).toBeUndefined();
      expect(numbering.replaysFromSource).toBe(false);
      expect(numbering.countsConductors).toBe(false);
    });
  });

  describe('of a log: the log counts', () => {
    const numbering = eventNumbering(log, 'abc');

    it("keeps the log's sequence, drops what is not newer, and names it by the plain integer", () => {
      expect(numbering.next({ raw: {}, seq: 12 }, 7)).toBe(12);
      expect(numbering.next({ raw: {}, seq: 7 }, 7)).toBeUndefined();
      expect(numbering.next({ raw: {} }, 7)).toBeUndefined();
      expect(numbering.id(12)).toBe('12');
      expect(numbering.parse('12')).toBe(12);
      expect(numbering.parse('abc-12')).toBeUndefined();
    });

    it('reconnects after the newest seen, replays from the log, and lists conductors', () => {
      expect(numbering.resumeAfter(0)).toBeUndefined();
      expect(numbering.resumeAfter(5)).toBe(5);
      expect(numbering.replaysFromSource).toBe(true);
      expect(numbering.countsConductors).toBe(true);
    });
  });
});
