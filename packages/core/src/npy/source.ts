import type { FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';

import { UserError, messageOf } from '../errors.js';
import { openRegularFile } from '../util/files.js';

/**
 * Where an array's bytes come from: a file (random access) or a decompressing stream
 * (forward only). `label` names it for error messages, e.g. `eval.npz:features.npy`.
 */
export interface ByteSource {
  readonly label: string;
  /** Total bytes, when known before reading. */
  readonly size: number;
  readonly randomAccess: boolean;
  /** Fills `into` with the bytes at `position`; a forward-only source needs non-decreasing positions. */
  read(position: number, into: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

function truncated(label: string, position: number, wanted: number, got: number): UserError {
  return new UserError(`${label} is truncated: expected ${wanted} bytes at offset ${position}, found ${got}.`, {
    file: label,
    hint: 'The file was probably cut short while being written or copied; write it again with numpy.',
  });
}

export class FileSource implements ByteSource {
  readonly randomAccess = true;

  private constructor(
    readonly label: string,
    private readonly handle: FileHandle,
    private readonly start: number,
    readonly size: number,
  ) {}

  /** A file, or the byte range [start, start + size) of it (a stored npz member). */
  static async open(path: string, label = path, start = 0, size?: number): Promise<FileSource> {
    const handle = await openRegularFile(path);
    const total = size ?? (await handle.stat()).size - start;
    return new FileSource(label, handle, start, total);
  }

  async read(position: number, into: Uint8Array): Promise<void> {
    let done = 0;
    const wanted = into.byteLength;
    const available = Math.max(0, Math.min(wanted, this.size - position));
    while (done < available) {
      const { bytesRead } = await this.handle.read(into, done, available - done, this.start + position + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    if (done < wanted) throw truncated(this.label, position, wanted, done);
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

/** A forward-only source over a stream (a deflated npz member); holds at most one chunk extra. */
export class StreamSource implements ByteSource {
  readonly randomAccess = false;
  private readonly chunks: AsyncIterator<Buffer>;
  private pending: Buffer = Buffer.alloc(0);
  private position = 0;

  private crc = 0;

  /** `expectedCrc`: the zip entry's CRC-32, checked once the last byte has been read. */
  constructor(
    readonly label: string,
    private readonly stream: Readable,
    readonly size: number,
    private readonly expectedCrc?: number,
  ) {
    this.chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }

  /** Moves past `n` pending bytes, folding them into the running CRC-32. */
  private consume(n: number): Buffer {
    const taken = this.pending.subarray(0, n);
    if (this.expectedCrc !== undefined) this.crc = crc32(taken, this.crc);
    this.pending = this.pending.subarray(n);
    this.position += n;
    if (this.position === this.size && this.expectedCrc !== undefined && this.crc >>> 0 !== this.expectedCrc >>> 0) {
      throw new UserError(
        `${this.label} is corrupt: its CRC-32 is ${(this.crc >>> 0).toString(16)}, the archive records ${(this.expectedCrc >>> 0).toString(16)}.`,
        {
          file: this.label,
          hint: 'Write the archive again with numpy.savez or numpy.savez_compressed.',
        },
      );
    }
    return taken;
  }

  async read(position: number, into: Uint8Array): Promise<void> {
    if (position < this.position) throw new Error(`${this.label}: backward read ${position} < ${this.position}`);
    let skip = position - this.position;
    let filled = 0;
    while (filled < into.byteLength) {
      if (this.pending.byteLength === 0) {
        let next: IteratorResult<Buffer>;
        try {
          next = await this.chunks.next();
        } catch (e) {
          throw new UserError(`${this.label} cannot be decompressed: ${messageOf(e)}.`, { file: this.label, cause: e });
        }
        if (next.done) throw truncated(this.label, position, into.byteLength, filled);
        this.pending = next.value;
      }
      if (skip > 0) {
        const n = Math.min(skip, this.pending.byteLength);
        this.consume(n);
        skip -= n;
        continue;
      }
      const n = Math.min(into.byteLength - filled, this.pending.byteLength);
      into.set(this.consume(n), filled);
      filled += n;
    }
  }

  close(): Promise<void> {
    this.stream.destroy();
    return Promise.resolve();
  }
}
