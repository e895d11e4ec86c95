/**
 * A byte-level CSV tokenizer: RFC 4180 as csv-parse 7 reads it with `bom: true` and
 * `skip_empty_lines: true` (csv-parse is the specification; csv.property.test.ts holds the two
 * to the same records). It reads the file in chunks through one FileHandle and hands out one
 * field at a time as a byte range of its buffer, so a number is parsed from the bytes and only
 * text becomes a string.
 *
 * The rules, as csv-parse has them:
 * - The record delimiter is the first of CRLF, LF or CR met outside quotes; from then on only it
 *   ends a record (another newline is an ordinary character of a field).
 * - A quote opens a quoted field only as the field's first byte; inside, a doubled quote is a
 *   literal quote, and the closing quote must be followed by the delimiter, the record delimiter
 *   or the end of the file. A quote later in an unquoted field, a character after a closing
 *   quote, a quote still open at the end of the file: errors.
 * - A line with nothing on it is skipped; a final record needs no newline; a UTF-8 BOM is skipped.
 *
 * A field or blank line that runs past the end of the buffer is scanned again after a refill that
 * keeps its bytes (a record longer than the buffer grows it): scanning methods change nothing until
 * they succeed, and say NEED_MORE instead.
 */
import type { FileHandle } from 'node:fs/promises';

import { UserError } from '../../errors.js';

/** What ended the field just scanned (or that there is none yet). */
export const DELIMITER = 0;
export const RECORD_END = 1;
export const FILE_END = 2;
export const NEED_MORE = 3;
export type ScanResult = typeof DELIMITER | typeof RECORD_END | typeof FILE_END | typeof NEED_MORE;

const LF = 10;
const CR = 13;

/** The record delimiter: not seen yet, LF, CRLF, CR. */
const UNKNOWN = 0;
const MODE_LF = 1;
const MODE_CRLF = 2;
const MODE_CR = 3;

/** Bytes read per chunk (4 MiB: measured no faster at 16 MiB, slower below 1 MiB). */
export const DEFAULT_CHUNK_BYTES = 4 * 1024 * 1024;

export interface ScannerOptions {
  /** The file as the user named it, for messages. */
  label: string;
  delimiter: number;
  quote: number;
  chunkBytes?: number;
}

export class CsvScanner {
  buf: Buffer;
  /** The next byte to scan, and the end of the bytes read. */
  pos = 0;
  len = 0;
  eof = false;
  /** The physical line (1-based) at `pos`: CRLF, LF and CR each end one. */
  line = 1;
  /** The last field: its bytes [start, end), whether quoted, whether it holds doubled quotes. */
  start = 0;
  end = 0;
  quoted = false;
  escaped = false;
  private mode = UNKNOWN;
  private filePos = 0;
  private readonly chunkBytes: number;
  private readonly delimiter: number;
  private readonly quote: number;
  readonly label: string;

  constructor(
    private readonly file: FileHandle,
    options: ScannerOptions,
  ) {
    this.label = options.label;
    this.delimiter = options.delimiter;
    this.quote = options.quote;
    this.chunkBytes = Math.max(1, options.chunkBytes ?? DEFAULT_CHUNK_BYTES);
    this.buf = Buffer.allocUnsafe(Math.max(this.chunkBytes, 4));
  }

  /** Reads the first chunk and skips a UTF-8 BOM (reading until 3 bytes are there or the file ends). */
  async begin(): Promise<void> {
    while (this.len < 3 && !this.eof) await this.refill();
    if (this.len >= 3 && this.buf[0] === 0xef && this.buf[1] === 0xbb && this.buf[2] === 0xbf) this.pos = 3;
  }

  /** Keeps the bytes from `pos` on, moves them to the front and reads one more chunk after them. */
  async refill(): Promise<void> {
    const kept = this.len - this.pos;
    if (kept + this.chunkBytes > this.buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(kept + this.chunkBytes, 2 * this.buf.length));
      this.buf.copy(grown, 0, this.pos, this.len);
      this.buf = grown;
    } else if (this.pos > 0) {
      this.buf.copyWithin(0, this.pos, this.len);
    }
    this.pos = 0;
    this.len = kept;
    const { bytesRead } = await this.file.read(this.buf, kept, this.chunkBytes, this.filePos);
    this.filePos += bytesRead;
    this.len += bytesRead;
    if (bytesRead === 0) this.eof = true;
  }

  /**
   * The length of the record delimiter at byte i (0: none), discovering it at the first newline;
   * -1 when the byte after a CR is not read yet.
   */
  private recordEndAt(i: number): number {
    const c = this.buf[i];
    switch (this.mode) {
      case MODE_LF:
        return c === LF ? 1 : 0;
      case MODE_CR:
        return c === CR ? 1 : 0;
      case MODE_CRLF:
        if (c !== CR) return 0;
        if (i + 1 >= this.len) return this.eof ? 0 : -1;
        return this.buf[i + 1] === LF ? 2 : 0;
      default:
        return this.discover(i, c);
    }
  }

  private discover(i: number, c: number): number {
    if (c === LF) {
      this.mode = MODE_LF;
      return 1;
    }
    if (c !== CR) return 0;
    if (i + 1 >= this.len && !this.eof) return -1;
    if (i + 1 < this.len && this.buf[i + 1] === LF) {
      this.mode = MODE_CRLF;
      return 2;
    }
    this.mode = MODE_CR;
    return 1;
  }

  /**
   * Skips blank lines before a record: RECORD_END when a record starts at `pos`, FILE_END when
   * the file has no more, NEED_MORE when the buffer ends first.
   */
  startRecord(): ScanResult {
    for (;;) {
      if (this.pos >= this.len) return this.eof ? FILE_END : NEED_MORE;
      const n = this.recordEndAt(this.pos);
      if (n < 0) return NEED_MORE;
      if (n === 0) return RECORD_END;
      this.pos += n;
      this.line++;
    }
  }

  /** Scans the field at `pos`: what ended it; its bytes in start/end. */
  scanField(): ScanResult {
    const buf = this.buf;
    const len = this.len;
    const from = this.pos;
    if (from < len && buf[from] === this.quote) return this.scanQuoted(from);
    const delimiter = this.delimiter;
    for (let i = from; i < len; i++) {
      const c = buf[i];
      if (c === delimiter) return this.unquoted(from, i, i + 1, DELIMITER);
      if (c === LF || c === CR) {
        const n = this.recordEndAt(i);
        if (n < 0) return NEED_MORE;
        if (n > 0) {
          this.line++;
          return this.unquoted(from, i, i + n, RECORD_END);
        }
      } else if (c === this.quote) {
        throw this.syntaxError(`line ${this.line} has a quote inside the unquoted field '${this.buf.toString('utf8', from, i + 1)}'`);
      }
    }
    return this.eof ? this.unquoted(from, len, len, FILE_END) : NEED_MORE;
  }

  private unquoted(start: number, end: number, next: number, result: ScanResult): ScanResult {
    this.start = start;
    this.end = end;
    this.quoted = false;
    this.escaped = false;
    this.pos = next;
    return result;
  }

  private scanQuoted(from: number): ScanResult {
    const buf = this.buf;
    const len = this.len;
    const quote = this.quote;
    let lines = 0;
    let escaped = false;
    for (let i = from + 1; ; i++) {
      for (; i < len; i++) {
        const c = buf[i];
        if (c === quote) break;
        if (c === LF || (c === CR && (i + 1 >= len || buf[i + 1] !== LF))) lines++;
      }
      if (i >= len) {
        if (!this.eof) return NEED_MORE;
        throw this.syntaxError(`the quote opened on line ${this.line} is not closed by the end of the file`);
      }
      if (i + 1 >= len && !this.eof) return NEED_MORE;
      if (i + 1 < len && buf[i + 1] === quote) {
        escaped = true;
        i++;
        continue;
      }
      return this.closeQuoted(from, i, lines, escaped);
    }
  }

  /** After the closing quote at `close`: the delimiter, the record delimiter or the end of the file. */
  private closeQuoted(from: number, close: number, lines: number, escaped: boolean): ScanResult {
    const after = close + 1;
    let result: ScanResult;
    let next = after;
    if (after >= this.len) {
      result = FILE_END;
    } else if (this.buf[after] === this.delimiter) {
      result = DELIMITER;
      next = after + 1;
    } else {
      const n = this.recordEndAt(after);
      if (n < 0) return NEED_MORE;
      if (n === 0) {
        const shown = this.buf.toString('utf8', after, Math.min(after + 10, this.len));
        throw this.syntaxError(
          `line ${this.line + lines} has '${shown}' after the closing quote of a field, where a delimiter or the line end belongs`,
        );
      }
      result = RECORD_END;
      next = after + n;
      lines++;
    }
    this.start = from + 1;
    this.end = close;
    this.quoted = true;
    this.escaped = escaped;
    this.pos = next;
    this.line += lines;
    return result;
  }

  /** The last field as text: UTF-8, doubled quotes undone. */
  text(): string {
    const s = this.buf.toString('utf8', this.start, this.end);
    if (!this.escaped) return s;
    const q = String.fromCharCode(this.quote);
    return s.replaceAll(q + q, q);
  }

  syntaxError(what: string): UserError {
    return new UserError(`${this.label}: ${what}.`, {
      file: this.label,
      hint: 'A field holding the delimiter, a quote or a line break is quoted whole, with each quote inside doubled (RFC 4180).',
    });
  }
}
