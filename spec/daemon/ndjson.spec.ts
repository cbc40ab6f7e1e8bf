import fc from 'fast-check';
import { NdjsonSplitter, type NdjsonItem } from '../../src/daemon/ndjson';

/** Feeds `chunks` then ends; returns every item. */
function split(chunks: readonly Uint8Array[], maxLineBytes = 1024): NdjsonItem[] {
  const splitter = new NdjsonSplitter(maxLineBytes);
  return [...chunks.flatMap((chunk) => splitter.push(chunk)), ...splitter.end()];
}

const lines = (items: NdjsonItem[]) => items.map((item) => (item.type === 'line' ? item.line : item));

/** Cuts `bytes` at the given offsets (any order, duplicates allowed). */
function cut(bytes: Buffer, offsets: readonly number[]): Buffer[] {
  const points = [...new Set(offsets.map((offset) => offset % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let start = 0;
  for (const point of points) {
    chunks.push(bytes.subarray(start, point));
    start = point;
  }
  chunks.push(bytes.subarray(start));
  return chunks;
}

describe('NdjsonSplitter', () => {
  it('splits many lines in one chunk and a line across chunks', () => {
    const items = split([Buffer.from('{"a":1}\n{"b":2}\n{"c"'), Buffer.from(':3}\n')]);
    expect(lines(items)).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
  });

  it('keeps a multi-byte character split across chunks whole', () => {
    const bytes = Buffer.from('{"name":"é€😀"}\n');
    const euro = bytes.indexOf(Buffer.from('€'));
    const items = split([
      bytes.subarray(0, euro + 1),
      bytes.subarray(euro + 1, euro + 2),
      bytes.subarray(euro + 2),
    ]);
    expect(lines(items)).toEqual(['{"name":"é€😀"}']);
  });

  it('drops the CR of a CRLF terminator but keeps a CR inside a line', () => {
    expect(lines(split([Buffer.from('one\r\ntw\ro\r'), Buffer.from('\nthree\n')]))).toEqual([
      'one',
      'tw\ro',
      'three',
    ]);
  });

  it('yields empty lines as empty strings', () => {
    expect(lines(split([Buffer.from('\n\r\nx\n')]))).toEqual(['', '', 'x']);
  });

  it('returns an unterminated last line on end()', () => {
    const splitter = new NdjsonSplitter(100);
    expect(splitter.push(Buffer.from('{"a":1}\n{"b"'))).toEqual([{ type: 'line', line: '{"a":1}' }]);
    expect(splitter.end()).toEqual([{ type: 'line', line: '{"b"' }]);
    expect(splitter.end()).toEqual([]);
    expect(splitter.bufferedBytes).toBe(0);
  });

  it('accepts a plain Uint8Array as well as a Buffer', () => {
    const bytes = new TextEncoder().encode('xyz\n');
    expect(lines(split([bytes.subarray(1)]))).toEqual(['yz']);
  });

  it('rejects a maxLineBytes that is not a positive integer', () => {
    expect(() => new NdjsonSplitter(0)).toThrow(RangeError);
    expect(() => new NdjsonSplitter(1.5)).toThrow(RangeError);
  });

  describe('an oversize line', () => {
    it('is reported once and skipped, and the next line goes on', () => {
      const items = split([Buffer.from(`ok1\n${'x'.repeat(50)}\nok2\n`)], 10);
      expect(items).toEqual([
        { type: 'line', line: 'ok1' },
        { type: 'oversize', bytes: 50 },
        { type: 'line', line: 'ok2' },
      ]);
    });

    it('accepts a line of exactly maxLineBytes and rejects one byte more', () => {
      expect(lines(split([Buffer.from('0123456789\n01234567890\n')], 10))).toEqual([
        '0123456789',
        { type: 'oversize', bytes: 11 },
      ]);
    });

    it('is reported as soon as it passes the limit, before its end arrives', () => {
      const splitter = new NdjsonSplitter(10);
      expect(splitter.push(Buffer.from('ok\n012345'))).toEqual([{ type: 'line', line: 'ok' }]);
      expect(splitter.push(Buffer.from('6789ab'))).toEqual([{ type: 'oversize', bytes: 12 }]);
      expect(splitter.push(Buffer.from('cdef'.repeat(100)))).toEqual([]);
      expect(splitter.push(Buffer.from('gh\nnext\n'))).toEqual([{ type: 'line', line: 'next' }]);
    });

    it('is dropped at end() when still unterminated', () => {
      const splitter = new NdjsonSplitter(4);
      expect(splitter.push(Buffer.from('abcdefgh'))).toEqual([{ type: 'oversize', bytes: 8 }]);
      expect(splitter.end()).toEqual([]);
      expect(lines([...splitter.push(Buffer.from('ok\n'))])).toEqual(['ok']);
    });

    it('never makes the splitter hold more than maxLineBytes, whatever the chunking', () => {
      const max = 64;
      const splitter = new NdjsonSplitter(max);
      const huge = Buffer.from(`{"a":1}\n{"big":"${'€'.repeat(100_000)}"}\n{"b":2}\n`);
      let peak = 0;
      const items: NdjsonItem[] = [];
      for (let start = 0, size = 1; start < huge.length; start += size, size = (size * 7) % 997 || 1) {
        items.push(...splitter.push(huge.subarray(start, start + size)));
        peak = Math.max(peak, splitter.bufferedBytes);
      }
      expect(peak).toBeLessThanOrEqual(max);
      expect(peak).toBeGreaterThan(0);
      expect(lines(items)).toEqual([
        '{"a":1}',
        { type: 'oversize', bytes: expect.any(Number) as number },
        '{"b":2}',
      ]);
    });
  });

  describe('properties', () => {
    // Lines without a newline; any unicode, CRs inside, possibly empty.
    const char = fc.oneof(
      fc.constantFrom('\r', 'é', '€', '😀', '{', 'a'),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
    );
    const line = fc
      .string({ unit: char, maxLength: 30 })
      .map((text) => text.replace(/\n/g, ''))
      .filter((text) => !text.endsWith('\r'));
    const document = fc.record({
      lines: fc.array(line, { maxLength: 20 }),
      crlf: fc.array(fc.boolean(), { maxLength: 20 }),
      cuts: fc.array(fc.nat(), { maxLength: 30 }),
    });

    it('any chunking of any lines (multi-byte, CRLF) yields exactly those lines', () => {
      fc.assert(
        fc.property(document, ({ lines: input, crlf, cuts }) => {
          const text = input.map((text, index) => `${text}${crlf[index] === true ? '\r\n' : '\n'}`).join('');
          const chunks = cut(Buffer.from(text), cuts);
          expect(lines(split(chunks, 1 << 20))).toEqual(input);
        }),
      );
    });

    it('any chunking gives the same items as one chunk, oversize lines included, with bounded memory', () => {
      fc.assert(
        fc.property(document, fc.integer({ min: 1, max: 40 }), ({ lines: input, cuts }, max) => {
          const bytes = Buffer.from(input.map((text) => `${text}\n`).join(''));
          const whole = split([bytes], max);
          const splitter = new NdjsonSplitter(max);
          const items: NdjsonItem[] = [];
          for (const chunk of cut(bytes, cuts)) {
            items.push(...splitter.push(chunk));
            expect(splitter.bufferedBytes).toBeLessThanOrEqual(max);
          }
          items.push(...splitter.end());
          // Oversize reports may carry a smaller byte count when the line arrives in pieces.
          const shape = (list: NdjsonItem[]) =>
            list.map((item) => (item.type === 'line' ? item.line : 'oversize'));
          expect(shape(items)).toEqual(shape(whole));
          expect(shape(whole)).toEqual(
            input.map((text) => (Buffer.byteLength(text) > max ? 'oversize' : text)),
          );
        }),
      );
    });
  });
});
