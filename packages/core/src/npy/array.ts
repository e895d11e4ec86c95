import { mkdtemp, open, rm } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';

import { UserError, fileProblem, messageOf } from '../errors.js';
import { statRegularFile } from '../util/files.js';
import { decodeInto, type DType, type TargetArray } from './dtype.js';
import { readNpyHeader } from './header.js';
import { FileSource, StreamSource, type ByteSource } from './source.js';
import { rowElementCount } from '../util/shape.js';

/** The largest row read (1 GiB): batches hold whole rows. */
export const MAX_ROW_BYTES = 2 ** 30;

/**
 * One array of a `.npy` file or `.npz` member, read a batch of rows at a time: memory holds one
 * batch, never the whole array. Rows are the first axis; a row is everything after it, in C order
 * whatever the file's order.
 */
export class NpyArray {
  readonly rows: number;
  /** Elements per row (the product of the shape after the first axis). */
  readonly rowLength: number;
  private scratch = new Uint8Array(0);
  private transposed = new Uint8Array(0);
  /** For Fortran order: where each in-row element's column starts, in elements from the data start. */
  private readonly columnStarts?: Float64Array;

  private constructor(
    private readonly source: ByteSource,
    readonly dtype: DType,
    readonly shape: readonly number[],
    readonly fortranOrder: boolean,
    private readonly dataOffset: number,
    private readonly onClose: () => Promise<void>,
  ) {
    if (shape.length === 0) {
      throw new UserError(`${source.label} holds a single scalar; expected an array with one row per example.`, {
        file: source.label,
      });
    }
    this.rows = shape[0];
    this.rowLength = rowElementCount(shape);
    // A row is read whole: bound it before anything is allocated for it (with no rows, the header
    // alone could otherwise describe rows of any size).
    // (a Fortran-order row also keeps one 8-byte column offset per element)
    if (this.rowLength * (dtype.size + (fortranOrder ? 8 : 0)) > MAX_ROW_BYTES) {
      throw new UserError(
        `${source.label} has rows of ${this.rowLength} elements (shape (${shape.join(', ')})${fortranOrder ? ', Fortran order' : ''}), ${this.rowLength * (dtype.size + (fortranOrder ? 8 : 0))} bytes each to read; rows of at most ${MAX_ROW_BYTES} bytes are read.`,
        { file: source.label, hint: 'The first axis is the examples; each example must fit in memory.' },
      );
    }
    if (fortranOrder && this.rowLength > 1 && this.rows > 0) {
      // Element (r, j1..jk) of a Fortran-order array lives at r + N*(j1 + d1*(j2 + d2*(...))).
      const inner = shape.slice(1);
      const starts = new Float64Array(this.rowLength);
      const index = new Array<number>(inner.length).fill(0);
      for (let j = 0; j < this.rowLength; j++) {
        let f = 0;
        for (let a = inner.length - 1; a >= 0; a--) f = f * inner[a] + index[a];
        starts[j] = this.rows * f;
        for (let a = inner.length - 1; a >= 0; a--) {
          if (++index[a] < inner[a]) break;
          index[a] = 0;
        }
      }
      this.columnStarts = starts;
    }
  }

  get label(): string {
    return this.source.label;
  }

  /** Whether rows can be read again (a file); an .npz member's stream reads forward only, once. */
  get randomAccess(): boolean {
    return this.source.randomAccess;
  }

  /** Opens a source; a forward-only source holding a Fortran-order array is first spilled to disk. */
  static async fromSource(source: ByteSource, onClose: () => Promise<void> = async () => {}): Promise<NpyArray> {
    const header = await readNpyHeader(source);
    return new NpyArray(source, header.dtype, header.shape, header.fortranOrder, header.dataOffset, async () => {
      await source.close();
      await onClose();
    });
  }

  /** Decodes rows [start, start + count) into `out` (row-major), converting like numpy's astype (`asBool`: to a bool tensor). */
  async readRows(start: number, count: number, out: TargetArray, outOffset = 0, asBool = false): Promise<void> {
    if (start < 0 || start + count > this.rows) throw new Error(`readRows(${start}, ${count}) outside ${this.rows} rows`);
    const size = this.dtype.size;
    const elements = count * this.rowLength;
    const nbytes = elements * size;
    if (this.scratch.byteLength < nbytes) this.scratch = new Uint8Array(nbytes);
    const bytes = this.scratch.subarray(0, nbytes);
    if (!this.columnStarts) {
      await this.source.read(this.dataOffset + start * this.rowLength * size, bytes);
      decodeInto(this.dtype, bytes, elements, out, outOffset, asBool);
      return;
    }
    // Fortran order: one contiguous run per column, then a byte-level transpose to row-major.
    const columnBytes = count * size;
    for (let j = 0; j < this.rowLength; j++) {
      await this.source.read(
        this.dataOffset + (this.columnStarts[j] + start) * size,
        bytes.subarray(j * columnBytes, (j + 1) * columnBytes),
      );
    }
    if (this.transposed.byteLength < nbytes) this.transposed = new Uint8Array(nbytes);
    const t = this.transposed;
    const rowBytes = this.rowLength * size;
    for (let j = 0; j < this.rowLength; j++) {
      const col = j * columnBytes;
      for (let i = 0; i < count; i++) {
        const from = col + i * size;
        const to = i * rowBytes + j * size;
        for (let b = 0; b < size; b++) t[to + b] = bytes[from + b];
      }
    }
    decodeInto(this.dtype, t.subarray(0, nbytes), elements, out, outOffset, asBool);
  }

  close(): Promise<void> {
    return this.onClose();
  }
}

function notReadable(path: string, e: unknown, what: string): UserError {
  return new UserError(`${what} ${path} ${fileProblem(e)}.`, { file: path, cause: e });
}

/** Opens a `.npy` file. */
export async function openNpy(path: string): Promise<NpyArray> {
  let source: FileSource;
  try {
    source = await FileSource.open(path);
  } catch (e) {
    throw notReadable(path, e, 'The .npy file');
  }
  try {
    return await NpyArray.fromSource(source);
  } catch (e) {
    await source.close();
    throw e;
  }
}

/**
 * Inflates a member to `file`, checking its CRC-32 and its size against the archive's records as
 * it goes (the random-access copy of a Fortran-order member is read from disk, past the point
 * where a stream would check them).
 */
async function spillMember(stream: Readable, file: string, entry: yauzl.Entry, label: string): Promise<void> {
  const out = await open(file, 'w', 0o600);
  let crc = 0;
  let size = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      crc = crc32(chunk, crc);
      size += chunk.byteLength;
      await out.write(chunk);
    }
  } finally {
    await out.close();
  }
  if (size !== entry.uncompressedSize || crc >>> 0 !== entry.crc32 >>> 0) {
    throw new UserError(
      `${label} is corrupt: it inflates to ${size} bytes with CRC-32 ${(crc >>> 0).toString(16)}, the archive records ${entry.uncompressedSize} bytes and ${(entry.crc32 >>> 0).toString(16)}.`,
      {
        file: label,
        hint: 'Write the archive again with numpy.savez or numpy.savez_compressed.',
      },
    );
  }
}

interface ZipEntry {
  entry: yauzl.Entry;
  key: string;
}

/** An `.npz` archive (numpy.savez or savez_compressed); members are opened as streams. */
export class NpzArchive {
  private constructor(
    readonly path: string,
    private readonly zip: yauzl.ZipFile,
    private readonly entries: Map<string, ZipEntry>,
  ) {}

  static async open(path: string): Promise<NpzArchive> {
    try {
      await statRegularFile(path);
    } catch (e) {
      throw notReadable(path, e, 'The .npz file');
    }
    const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
      yauzl.open(path, { lazyEntries: true, autoClose: false }, (err, z) => (err ? reject(err) : resolve(z))),
    ).catch((e: unknown) => {
      throw new UserError(`${path} is not a valid .npz (zip) archive: ${messageOf(e)}.`, {
        file: path,
        hint: 'Write it with numpy.savez or numpy.savez_compressed.',
      });
    });
    const entries = new Map<string, ZipEntry>();
    await new Promise<void>((resolve, reject) => {
      zip.on('entry', (entry: yauzl.Entry) => {
        const key = entry.fileName.replace(/\.npy$/, '');
        entries.set(key, { entry, key });
        zip.readEntry();
      });
      zip.on('end', () => resolve());
      zip.on('error', (e: unknown) => reject(new UserError(`${path} is not a valid .npz (zip) archive: ${messageOf(e)}.`, { file: path })));
      zip.readEntry();
    });
    return new NpzArchive(path, zip, entries);
  }

  get keys(): string[] {
    return [...this.entries.keys()];
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Opens member `key` (with or without `.npy`); `input` names the action input that chose it. */
  async array(key: string, input?: string): Promise<NpyArray> {
    const found = this.entries.get(key.replace(/\.npy$/, ''));
    if (!found) {
      throw new UserError(`${this.path} has no array '${key}'; it holds: ${this.keys.join(', ') || 'nothing'}.`, {
        file: this.path,
        input,
      });
    }
    const label = `${this.path}:${found.entry.fileName}`;
    const stream = await this.openStream(found.entry, label);
    const source = new StreamSource(label, stream, found.entry.uncompressedSize, found.entry.crc32);
    const array = await NpyArray.fromSource(source).catch(async (e: unknown) => {
      await source.close();
      throw e;
    });
    if (!array.fortranOrder || array.rowLength <= 1) return array;
    // Fortran order needs random access: inflate the member once to a temporary file.
    await array.close();
    const dir = await mkdtemp(join(tmpdir(), 'npz-'));
    const cleanUp = () => rm(dir, { recursive: true, force: true });
    try {
      const file = join(dir, 'member.npy');
      await spillMember(await this.openStream(found.entry, label), file, found.entry, label);
      return await NpyArray.fromSource(await FileSource.open(file, label), cleanUp);
    } catch (e) {
      await cleanUp();
      if (e instanceof UserError) throw e;
      throw new UserError(`${label} cannot be decompressed to a temporary file: ${messageOf(e)}.`, { file: this.path, input, cause: e });
    }
  }

  private openStream(entry: yauzl.Entry, label: string): Promise<Readable> {
    return new Promise<Readable>((resolve, reject) => this.zip.openReadStream(entry, (err, s) => (err ? reject(err) : resolve(s)))).catch(
      (e: unknown) => {
        throw new UserError(`${label} cannot be read from the archive: ${messageOf(e)}.`, { file: this.path, cause: e });
      },
    );
  }

  close(): void {
    this.zip.close();
  }
}
