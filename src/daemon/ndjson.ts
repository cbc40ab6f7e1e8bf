import { isUtf8 } from 'node:buffer';

/**
 * What {@link NdjsonSplitter} yields: a complete line (terminator removed);
 * the report of a line that grew past the limit and is discarded (`bytes`: its
 * length when it was found too long, a lower bound of its full length); or,
 * when the splitter rejects invalid UTF-8, the report of a line that is not
 * UTF-8 (`bytes`: its length).
 */
export type NdjsonItem =
  | { readonly type: 'line'; readonly line: string }
  | { readonly type: 'oversize'; readonly bytes: number }
  | { readonly type: 'invalid_utf8'; readonly bytes: number };

const LF = 0x0a;
const CR = 0x0d;

/**
 * Splits a byte stream into newline-delimited lines, with bounded memory.
 *
 * Splitting is done on bytes: a `\n` byte never occurs inside a multi-byte
 * UTF-8 sequence, so a character split across chunks is kept whole in the
 * pending bytes and decoded once its line is complete. Invalid UTF-8 decodes
 * to U+FFFD, as a `StringDecoder` would, unless `rejectInvalidUtf8` is set:
 * then such a line is reported as `invalid_utf8` instead. A `\r` before the
 * `\n` is dropped.
 *
 * A line longer than `maxLineBytes` (its `\r`, if any, counts; the `\n` does
 * not) is never buffered whole: as soon as it passes the limit its bytes are
 * dropped, one `oversize` item is reported, and everything up to the next
 * `\n` is skipped. {@link bufferedBytes} never exceeds `maxLineBytes`.
 */
export class NdjsonSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** True while the rest of an oversize line is being skipped. */
  private skipping = false;

  constructor(
    /** The longest line accepted, in bytes. */
    readonly maxLineBytes: number,
    private readonly options: { readonly rejectInvalidUtf8?: boolean } = {},
  ) {
    if (!Number.isSafeInteger(maxLineBytes) || maxLineBytes < 1) {
      throw new RangeError(`maxLineBytes must be a positive integer, got ${String(maxLineBytes)}`);
    }
  }

  /** Bytes held for the current, unterminated line; at most `maxLineBytes`. */
  get bufferedBytes(): number {
    return this.pendingBytes;
  }

  /** Feeds one chunk; returns the lines it completes, in order. */
  push(chunk: Uint8Array): NdjsonItem[] {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    const items: NdjsonItem[] = [];
    let start = 0;
    for (let newline = bytes.indexOf(LF, start); newline !== -1; newline = bytes.indexOf(LF, start)) {
      if (this.skipping) {
        this.skipping = false;
      } else if (this.pendingBytes + (newline - start) > this.maxLineBytes) {
        items.push({ type: 'oversize', bytes: this.pendingBytes + (newline - start) });
        this.reset();
      } else {
        this.pending.push(bytes.subarray(start, newline));
        items.push(this.takeLine());
      }
      start = newline + 1;
    }
    this.keep(bytes.subarray(start), items);
    return items;
  }

  /**
   * Ends the input: returns the last line if it had no terminator (a daemon
   * may close right after its last message), and resets the splitter.
   */
  end(): NdjsonItem[] {
    const skipping = this.skipping;
    this.skipping = false;
    if (skipping || this.pendingBytes === 0) {
      this.reset();
      return [];
    }
    return [this.takeLine()];
  }

  /** Holds the bytes after the last `\n` of a chunk, or starts/continues skipping them. */
  private keep(rest: Buffer, items: NdjsonItem[]): void {
    if (rest.length === 0) return;
    if (this.skipping) return;
    if (this.pendingBytes + rest.length > this.maxLineBytes) {
      this.skipping = true;
      items.push({ type: 'oversize', bytes: this.pendingBytes + rest.length });
      this.reset();
    } else {
      // Copy, so a small tail does not pin the caller's whole chunk in memory.
      this.pending.push(Buffer.from(rest));
      this.pendingBytes += rest.length;
    }
  }

  private takeLine(): NdjsonItem {
    let bytes = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
    this.reset();
    if (bytes.length > 0 && bytes[bytes.length - 1] === CR) bytes = bytes.subarray(0, bytes.length - 1);
    const line = bytes.toString('utf8');
    // U+FFFD is either in the text or stands for bytes that are not UTF-8: only then look closer.
    if (this.options.rejectInvalidUtf8 === true && line.includes('\uFFFD') && !isUtf8(bytes)) {
      return { type: 'invalid_utf8', bytes: bytes.length };
    }
    return { type: 'line', line };
  }

  private reset(): void {
    this.pending = [];
    this.pendingBytes = 0;
  }
}
