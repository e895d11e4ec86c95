/**
 * A verified columnar store of per-row results, the storage of `baseline-cache: DIR`: the baseline
 * model's per-row values kept so that the next run with the same model, eval set and settings skips
 * the baseline's inference. The numbers read back feed exact sums, so an entry is trusted only when
 * it is bit for bit what was written: a stale or corrupt entry is a miss (with its reason), and a
 * corrupt one is removed so that the caller rebuilds it.
 *
 * Layout: DIR/<SHA-256 of the key's canonical JSON>/ holds one raw little-endian binary per column
 * (`<name>.bin`, rows × width values) and `manifest.json` (format and version, the full key, rows,
 * each column's type, width, byte length and SHA-256, and the caller's `extra`).
 *
 * - Streamed: appends and reads are positional reads and writes of the caller's typed arrays
 *   through open FileHandles; memory does not grow with the rows.
 * - Atomic: an entry is written in a temporary folder of DIR and renamed into place, so two
 *   concurrent writers or a killed run never leave a half entry visible. Leftover temporary folders
 *   of dead processes of this host are swept by the next writer.
 * - Verified: opening an entry hashes every needed file once through the handle that later reads
 *   it; committed files are never modified in place (a replacement is a new folder renamed over
 *   the old), so what is read is what was verified.
 * - Byte order: the files are little-endian and the typed arrays are the machine's order; on a
 *   big-endian machine (no GitHub runner is one) the cache is refused instead of byte-swapped.
 */
import { createHash, randomBytes, type Hash } from 'node:crypto';
import { mkdir, mkdtemp, open, readdir, rename, rm, stat, writeFile, type FileHandle } from 'node:fs/promises';
import { endianness, hostname } from 'node:os';
import { join } from 'node:path';

import { fileProblem, messageOf, type ParseResult } from '../errors.js';
import { readRegularFile } from '../util/files.js';
import { canonicalJson } from '../util/canonical-json.js';
import { sha256Hex } from '../util/hash.js';
import { inputError } from './input-error.js';

/** The element types a column may hold. */
export type ColumnType = 'int32' | 'float64' | 'uint8';

/** One column of the store: `width` values of `type` per row. */
export interface ColumnSpec {
  name: string;
  type: ColumnType;
  /** values per row (default 1) */
  width?: number;
}

/** Everything the entry depends on; canonical JSON of it (sorted keys) is hashed (SHA-256) into the entry's directory name. */
export type CacheKey = Record<string, string | number | boolean | null>;

/** The typed array of each column type, as append and read take them. */
export type ColumnArray = Int32Array | Float64Array | Uint8Array;

/** The `format` of every manifest of this store. */
export const ROW_CACHE_FORMAT = 'ml-gate/row-cache';
/** The version of the layout; an entry of another version is a miss (and is replaced by the next commit). */
export const ROW_CACHE_VERSION = 1;

const CACHE_INPUT = 'baseline-cache';
const MANIFEST = 'manifest.json';
const MANIFEST_MAX_BYTES = 1 << 20;
const HASH_CHUNK_BYTES = 1 << 20;
const INSTALL_ATTEMPTS = 10;

const TYPES: Record<ColumnType, { bytes: number; array: typeof Int32Array | typeof Float64Array | typeof Uint8Array }> = {
  int32: { bytes: 4, array: Int32Array },
  float64: { bytes: 8, array: Float64Array },
  uint8: { bytes: 1, array: Uint8Array },
};

type Column = Required<ColumnSpec>;

interface ManifestColumn extends Column {
  bytes: number;
  sha256: string;
}

interface Manifest {
  format: string;
  version: number;
  byteOrder: 'little-endian';
  key: CacheKey;
  rows: number;
  columns: ManifestColumn[];
  extra: Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------
// keys, columns and names

/**
 * The canonical JSON of a key: its entries sorted by name, each value as JSON.stringify writes it.
 * Two keys with the same entries give the same text whatever their order; a value that JSON cannot
 * carry exactly (NaN, Infinity, an object) is a bug of the caller and throws.
 */
export function canonicalKeyJson(key: CacheKey): string {
  for (const [name, value] of Object.entries(key)) {
    if (!isKeyValue(value)) {
      const shown = typeof value === 'number' ? String(value) : `a value of type ${typeof value}`;
      throw new Error(`Cache key ${name} is ${shown}; expected a string, a finite number, a boolean or null`);
    }
  }
  return canonicalJson(key);
}

function isKeyValue(value: unknown): value is string | number | boolean | null {
  if (typeof value === 'number') return Number.isFinite(value);
  return value === null || typeof value === 'string' || typeof value === 'boolean';
}

/** The name of the key's entry folder in DIR: the SHA-256 (hex) of its canonical JSON. */
export function rowCacheEntryName(key: CacheKey): string {
  return sha256Hex(canonicalKeyJson(key));
}

/** The columns with their widths, checked: names safe as file names and unique, widths positive integers. */
function checkedColumns(specs: readonly ColumnSpec[]): Column[] {
  const seen = new Set<string>();
  return specs.map(({ name, type, width = 1 }) => {
    if (!/^[A-Za-z][A-Za-z0-9_-]{0,63}$/.test(name)) throw new Error(`Column name '${name}' is not a plain name`);
    if (seen.has(name)) throw new Error(`Column ${name} is named twice`);
    if (!(type in TYPES)) throw new Error(`Column ${name} has type ${String(type)}; expected int32, float64 or uint8`);
    if (!Number.isSafeInteger(width) || width < 1) throw new Error(`Column ${name} has width ${width}; expected a positive integer`);
    seen.add(name);
    return { name, type, width };
  });
}

function bytesPerRow(column: Column): number {
  return column.width * TYPES[column.type].bytes;
}

/** The bytes of the first n rows of a column's values, checked against the column (no copy). */
function rowBytes(column: Column, values: ColumnArray | undefined, n: number): Uint8Array {
  if (values === undefined) throw new Error(`No values given for column ${column.name}`);
  if (!(values instanceof TYPES[column.type].array)) throw new Error(`Column ${column.name} takes a ${TYPES[column.type].array.name}`);
  if (values.length < n * column.width) {
    throw new Error(`Column ${column.name}: ${values.length} values given for ${n} rows of ${column.width}`);
  }
  return new Uint8Array(values.buffer, values.byteOffset, n * bytesPerRow(column));
}

function errnoCode(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}

/** The UserError of a cache directory that cannot be written (or read): it names the input. */
function cacheDirError(dir: string, e: unknown): Error {
  if (errnoCode(e) === undefined) return e instanceof Error ? e : new Error(String(e));
  return inputError(CACHE_INPUT, `the cache directory ${dir} cannot be used: ${messageOf(e)}.`, {
    hint: 'Give baseline-cache a directory this job can create and write, or leave it empty to score the baseline on every run.',
    cause: e,
  });
}

function refuseBigEndian(): string | undefined {
  return endianness() === 'LE' ? undefined : 'this machine is big-endian; the cache holds little-endian numbers';
}

// ---------------------------------------------------------------------------------------------
// leftovers: temporary folders and entries moved aside, named after the host and process that made them

const LEFTOVER = /^\.rowcache-(tmp|old|bad)-([0-9a-f]{8})-(\d+)-/;

function hostTag(): string {
  return sha256Hex(hostname()).slice(0, 8);
}

/** The prefix of a leftover folder of this process: `.rowcache-KIND-HOST-PID-`. */
function leftoverPrefix(kind: 'tmp' | 'old' | 'bad'): string {
  return `.rowcache-${kind}-${hostTag()}-${process.pid}-`;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errnoCode(e) === 'EPERM';
  }
}

/** Removes the leftovers of processes of this host that are no longer running (a killed run's). */
async function sweepLeftovers(dir: string): Promise<void> {
  const host = hostTag();
  for (const name of await readdir(dir)) {
    const match = LEFTOVER.exec(name);
    if (!match || match[2] !== host || processAlive(Number(match[3]))) continue;
    await rm(join(dir, name), { recursive: true, force: true });
  }
}

/** Renames `entryDir` out of the way (if it is still there) and deletes it. */
async function moveAside(dir: string, entryDir: string, kind: 'old' | 'bad'): Promise<void> {
  const aside = join(dir, leftoverPrefix(kind) + randomBytes(6).toString('hex'));
  try {
    await rename(entryDir, aside);
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return;
    throw e;
  }
  await rm(aside, { recursive: true, force: true });
}

/**
 * Renames the finished temporary folder to the entry's name. A folder already there (a stale entry,
 * or a concurrent writer's) is moved aside first; the loop ends when ours is in place. Between the
 * two renames a reader sees no entry (a miss), never a half one.
 */
async function installEntry(dir: string, tempDir: string, entryDir: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await rename(tempDir, entryDir);
      return;
    } catch (e) {
      // ENOTEMPTY/EEXIST: a folder is there (POSIX); EPERM: the same on Windows
      if (!['ENOTEMPTY', 'EEXIST', 'EPERM'].includes(errnoCode(e) ?? '') || attempt >= INSTALL_ATTEMPTS) throw e;
    }
    await moveAside(dir, entryDir, 'old');
  }
}

// ---------------------------------------------------------------------------------------------
// positional I/O

/** Writes all of `bytes` at `position`. */
async function writeFully(handle: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, done, bytes.length - done, position + done);
    done += bytesWritten;
  }
}

/** Reads into all of `into` from `position`, short only at the end of the file; the bytes read. */
async function readFully(handle: FileHandle, into: Uint8Array, position: number): Promise<number> {
  let done = 0;
  while (done < into.length) {
    const { bytesRead } = await handle.read(into, done, into.length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done;
}

/** Two chunks to hash files with: one is read into while the other is hashed. */
type HashBuffers = [Buffer, Buffer];

/**
 * SHA-256 (hex) of the first `size` bytes of an open file, reading the next chunk while hashing
 * this one (1.1 to 1.5 GB/s on a 200 MB entry in the page cache, against 1.8 GB/s for SHA-256 of a buffer).
 */
async function sha256OfHandle(handle: FileHandle, size: number, buffers: HashBuffers): Promise<string> {
  const hash = createHash('sha256');
  const chunk = buffers[0].length;
  const readAt = (i: number, position: number) => readFully(handle, buffers[i].subarray(0, Math.min(chunk, size - position)), position);
  let position = 0;
  let current = 0;
  let pending = size > 0 ? readAt(0, 0) : Promise.resolve(0);
  while (position < size) {
    const got = await pending;
    if (got === 0) break; // shorter than its size: the hash differs
    const next = position + got;
    pending = next < size ? readAt(1 - current, next) : Promise.resolve(0);
    hash.update(buffers[current].subarray(0, got));
    position = next;
    current = 1 - current;
  }
  return hash.digest('hex');
}

async function closeQuietly(handles: readonly FileHandle[]): Promise<void> {
  await Promise.all(handles.map((h) => h.close().catch(() => undefined)));
}

// ---------------------------------------------------------------------------------------------
// the writer

interface WriteColumn {
  column: Column;
  path: string;
  handle: FileHandle;
  hash: Hash;
}

/** Creates DIR and a temporary folder in it (sweeping dead processes' leftovers), with an empty file per column. */
async function startEntry(dir: string, columns: readonly Column[]): Promise<{ tempDir: string; files: WriteColumn[] }> {
  let tempDir: string | undefined;
  const files: WriteColumn[] = [];
  try {
    await mkdir(dir, { recursive: true });
    await sweepLeftovers(dir);
    tempDir = await mkdtemp(join(dir, leftoverPrefix('tmp')));
    for (const column of columns) {
      const path = join(tempDir, `${column.name}.bin`);
      files.push({ column, path, handle: await open(path, 'wx'), hash: createHash('sha256') });
    }
    return { tempDir, files };
  } catch (e) {
    await closeQuietly(files.map((f) => f.handle));
    if (tempDir !== undefined) await rm(tempDir, { recursive: true, force: true }).catch(() => undefined);
    throw cacheDirError(dir, e);
  }
}

/** Writes one entry of the store; nothing of it is visible before `commit`. */
export class RowCacheWriter {
  private appended = 0;
  private finished = false;

  private constructor(
    private readonly dir: string,
    private readonly key: CacheKey,
    private readonly entryDir: string,
    private readonly tempDir: string,
    private readonly files: readonly WriteColumn[],
    /** The rows announced: commit refuses fewer. */
    readonly rows: number,
  ) {}

  /** Starts a new entry for `key` under `dir` (created if missing) in a temporary folder; nothing is visible until commit. */
  static async create(dir: string, key: CacheKey, columns: readonly ColumnSpec[], rows: number): Promise<RowCacheWriter> {
    const bigEndian = refuseBigEndian();
    if (bigEndian) throw inputError(CACHE_INPUT, `${bigEndian}.`, { hint: 'Leave baseline-cache empty on this machine.' });
    const name = rowCacheEntryName(key);
    const checked = checkedColumns(columns);
    if (!Number.isSafeInteger(rows) || rows < 0) throw new Error(`A cache entry of ${rows} rows`);
    const canonical = JSON.parse(canonicalKeyJson(key)) as CacheKey;
    const { tempDir, files } = await startEntry(dir, checked);
    return new RowCacheWriter(dir, canonical, join(dir, name), tempDir, files, rows);
  }

  /**
   * Appends the first n rows of each column (typed arrays by column name; every column every call).
   * The rows are reserved and hashed when called, so appends need not be awaited one by one; the
   * arrays must stay unchanged until the returned promise settles.
   */
  async append(values: Record<string, ColumnArray>, n: number): Promise<void> {
    this.checkOpen();
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`Append of ${n} rows`);
    if (this.appended + n > this.rows) throw new Error(`Append of ${n} rows after ${this.appended}: more than the ${this.rows} announced`);
    const writes = this.files.map((f) => ({ f, bytes: rowBytes(f.column, values[f.column.name], n) }));
    const firstRow = this.appended;
    this.appended += n;
    for (const { f, bytes } of writes) f.hash.update(bytes);
    try {
      await Promise.all(writes.map(({ f, bytes }) => writeFully(f.handle, bytes, firstRow * bytesPerRow(f.column))));
    } catch (e) {
      throw cacheDirError(this.dir, e);
    }
  }

  /**
   * Keeps only `keep` columns (others deleted), records `extra` (small JSON) and the SHA-256 of each
   * file, and renames the entry into place atomically (replacing a stale one). Throws if fewer rows
   * than announced were appended. On any failure the temporary folder is removed.
   */
  async commit(keep: readonly string[], extra: Record<string, unknown>): Promise<void> {
    this.checkOpen();
    try {
      if (this.appended !== this.rows) throw new Error(`${this.appended} rows appended of the ${this.rows} announced`);
      const unknown = keep.filter((name) => !this.files.some((f) => f.column.name === name));
      if (unknown.length > 0) throw new Error(`Cannot keep ${unknown.join(', ')}: not a column of this entry`);
      const manifest = this.manifest(keep, JSON.parse(JSON.stringify(extra)) as Record<string, unknown>);
      await this.install(keep, manifest);
      this.finished = true;
    } catch (e) {
      await this.abort().catch(() => undefined); // the first error is the one to tell
      throw e;
    }
  }

  /** Removes the temporary folder (after an error). Does nothing once committed or aborted. */
  async abort(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    await closeQuietly(this.files.map((f) => f.handle));
    await rm(this.tempDir, { recursive: true, force: true });
  }

  private checkOpen(): void {
    if (this.finished) throw new Error('This cache entry was committed or aborted already');
  }

  private manifest(keep: readonly string[], extra: Record<string, unknown>): Manifest {
    const columns = this.files
      .filter((f) => keep.includes(f.column.name))
      .map(({ column, hash }) => ({ ...column, bytes: this.rows * bytesPerRow(column), sha256: hash.digest('hex') }));
    const { key, rows } = this;
    return { format: ROW_CACHE_FORMAT, version: ROW_CACHE_VERSION, byteOrder: 'little-endian', key, rows, columns, extra };
  }

  private async install(keep: readonly string[], manifest: Manifest): Promise<void> {
    try {
      await Promise.all(this.files.map((f) => f.handle.close()));
      await Promise.all(this.files.filter((f) => !keep.includes(f.column.name)).map((f) => rm(f.path)));
      await writeFile(join(this.tempDir, MANIFEST), `${JSON.stringify(manifest, null, 1)}\n`, { flag: 'wx' });
      await installEntry(this.dir, this.tempDir, this.entryDir);
    } catch (e) {
      throw cacheDirError(this.dir, e);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// the manifest

const unreadable = (why: string): ParseResult<never> => ({ ok: false, error: `manifest unreadable: ${why}` });

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A manifest's column, or why it is not one. */
function manifestColumn(value: unknown, rows: number): ParseResult<ManifestColumn> {
  if (!isRecord(value)) return unreadable('a column is not an object');
  const { name, type, width, bytes, sha256 } = value;
  let column: Column;
  try {
    [column] = checkedColumns([{ name: name as string, type: type as ColumnType, width: width as number }]);
  } catch (e) {
    return unreadable(messageOf(e));
  }
  if (typeof width !== 'number') return unreadable(`column ${column.name} has no width`);
  if (bytes !== rows * bytesPerRow(column)) return unreadable(`column ${column.name} is ${String(bytes)} bytes for ${rows} rows`);
  if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256)) return unreadable(`column ${column.name} has no SHA-256`);
  return { ok: true, value: { ...column, bytes, sha256 } };
}

/** The manifest of an entry; a manifest of another format version is an error of its own wording. */
function parseManifest(text: string): ParseResult<Manifest> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return unreadable(messageOf(e));
  }
  if (!isRecord(json) || json.format !== ROW_CACHE_FORMAT) return unreadable(`not a ${ROW_CACHE_FORMAT} manifest`);
  const { version, byteOrder, key, rows, columns, extra } = json;
  if (version !== ROW_CACHE_VERSION)
    return { ok: false, error: `cache format ${String(version)}, this action reads format ${ROW_CACHE_VERSION}` };
  if (byteOrder !== 'little-endian') return unreadable(`byte order ${String(byteOrder)}`);
  if (!isRecord(key) || !Object.values(key).every(isKeyValue)) return unreadable('the key is not an object of plain values');
  if (typeof rows !== 'number' || !Number.isSafeInteger(rows) || rows < 0) return unreadable(`rows is ${String(rows)}`);
  if (!Array.isArray(columns)) return unreadable('columns is not a list');
  if (!isRecord(extra)) return unreadable('extra is not an object');
  const parsedColumns: ManifestColumn[] = [];
  for (const value of columns) {
    const column = manifestColumn(value, rows);
    if (!column.ok) return column;
    parsedColumns.push(column.value);
  }
  return { ok: true, value: { format: ROW_CACHE_FORMAT, version, byteOrder, key: key as CacheKey, rows, columns: parsedColumns, extra } };
}

// ---------------------------------------------------------------------------------------------
// the reader

interface ReadColumn {
  column: Column;
  handle: FileHandle;
}

/** A miss: why, and whether the entry is corrupt (removed) rather than made for other columns or another version. */
interface Miss {
  miss: string;
  corrupt: boolean;
}

type Inspection = { manifest: Manifest; files: ReadColumn[] } | Miss;

/** The entry's manifest, checked against the key and the columns needed. */
async function readManifest(entryDir: string, keyJson: string, need: readonly Column[]): Promise<Manifest | Miss> {
  let text: string;
  try {
    text = (await readRegularFile(join(entryDir, MANIFEST), MANIFEST_MAX_BYTES)).toString('utf8');
  } catch (e) {
    return { miss: `manifest unreadable: ${MANIFEST} ${fileProblem(e)}`, corrupt: true };
  }
  const manifest = parseManifest(text);
  if (!manifest.ok) return { miss: manifest.error, corrupt: !manifest.error.startsWith('cache format') };
  if (canonicalKeyJson(manifest.value.key) !== keyJson) return { miss: 'entry made for another key', corrupt: true };
  for (const column of need) {
    const kept = manifest.value.columns.find((c) => c.name === column.name);
    if (!kept) return { miss: `column ${column.name} is missing`, corrupt: false };
    if (kept.type !== column.type || kept.width !== column.width) {
      const needed = `${column.type} × ${column.width}`;
      return { miss: `column ${column.name} is ${kept.type} × ${kept.width}, needed ${needed}`, corrupt: false };
    }
  }
  return manifest.value;
}

/** Opens one column's file and checks its size and SHA-256 against the manifest: the handle, or why not. */
async function verifiedColumn(entryDir: string, kept: ManifestColumn, buffers: HashBuffers): Promise<FileHandle | Miss> {
  const file = `${kept.name}.bin`;
  let handle: FileHandle;
  try {
    handle = await open(join(entryDir, file), 'r');
  } catch (e) {
    const why = errnoCode(e) === 'ENOENT' ? `column ${kept.name} is missing (${file} does not exist)` : `${file} ${fileProblem(e)}`;
    return { miss: why, corrupt: true };
  }
  try {
    const { size } = await handle.stat();
    if (size !== kept.bytes) return await closed(handle, { miss: `${file}: ${size} bytes, expected ${kept.bytes}`, corrupt: true });
    if ((await sha256OfHandle(handle, size, buffers)) !== kept.sha256) {
      return await closed(handle, { miss: `${file}: SHA-256 differs from the manifest`, corrupt: true });
    }
    return handle;
  } catch (e) {
    return await closed(handle, { miss: `${file} ${fileProblem(e)}`, corrupt: true });
  }
}

async function closed(handle: FileHandle, miss: Miss): Promise<Miss> {
  await closeQuietly([handle]);
  return miss;
}

/** The entry's manifest and a verified handle on each needed column, or why the entry is a miss. */
async function inspectEntry(entryDir: string, keyJson: string, need: readonly Column[]): Promise<Inspection> {
  const manifest = await readManifest(entryDir, keyJson, need);
  if ('miss' in manifest) return manifest;
  const files: ReadColumn[] = [];
  const chunk = Math.min(HASH_CHUNK_BYTES, Math.max(1, ...manifest.columns.map((c) => c.bytes)));
  const buffers: HashBuffers = [Buffer.allocUnsafe(chunk), Buffer.allocUnsafe(chunk)];
  for (const column of need) {
    const kept = manifest.columns.find((c) => c.name === column.name) as ManifestColumn;
    const handle = await verifiedColumn(entryDir, kept, buffers);
    if ('miss' in handle) {
      await closeQuietly(files.map((f) => f.handle));
      return handle;
    }
    files.push({ column, handle });
  }
  return { manifest, files };
}

/** What is under the entry's name: its identity (device and inode) and whether it is a folder; undefined when nothing. */
async function entryIdentity(entryDir: string): Promise<{ id: string; isDirectory: boolean } | undefined> {
  try {
    const s = await stat(entryDir);
    return { id: `${s.dev}:${s.ino}`, isDirectory: s.isDirectory() };
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * Removes a corrupt entry, unless a writer has replaced it meanwhile (another folder under the
 * name): a fresh entry is left alone.
 */
async function removeCorrupt(dir: string, entryDir: string, id: string): Promise<void> {
  if ((await entryIdentity(entryDir))?.id !== id) return;
  await moveAside(dir, entryDir, 'bad');
}

/** Reads one entry of the store, verified when opened. */
export class RowCacheReader {
  private closed = false;

  private constructor(
    /** The rows of the entry. */
    readonly rows: number,
    /** What the writer recorded beside the columns. */
    readonly extra: Record<string, unknown>,
    private readonly files: readonly ReadColumn[],
  ) {}

  /**
   * Opens the entry of `key` with the columns `need`: {reader} on a verified hit, {miss: reason} otherwise
   * ("no entry", "entry made for another key", "column loss1 is missing", "loss1.bin: 1234 bytes, expected 5678",
   * "loss1.bin: SHA-256 differs from the manifest", "manifest unreadable: ..."). A corrupt entry is removed
   * (so the caller rebuilds it). Verification reads every needed file once (SHA-256 of each) before returning.
   */
  static async open(dir: string, key: CacheKey, need: readonly ColumnSpec[]): Promise<{ reader: RowCacheReader } | { miss: string }> {
    const bigEndian = refuseBigEndian();
    if (bigEndian) return { miss: bigEndian };
    const keyJson = canonicalKeyJson(key);
    const columns = checkedColumns(need);
    const entryDir = join(dir, rowCacheEntryName(key));
    try {
      const identity = await entryIdentity(entryDir);
      if (identity === undefined) return { miss: 'no entry' };
      if (!identity.isDirectory) {
        await removeCorrupt(dir, entryDir, identity.id);
        return { miss: 'manifest unreadable: the entry is not a directory' };
      }
      const found = await inspectEntry(entryDir, keyJson, columns);
      if ('miss' in found) {
        if (found.corrupt) await removeCorrupt(dir, entryDir, identity.id);
        return { miss: found.miss };
      }
      return { reader: new RowCacheReader(found.manifest.rows, found.manifest.extra, found.files) };
    } catch (e) {
      throw cacheDirError(dir, e);
    }
  }

  /** Reads rows [start, start + n) of each needed column into `into` (typed arrays by name; offset 0). */
  async read(start: number, n: number, into: Record<string, ColumnArray>): Promise<void> {
    if (this.closed) throw new Error('This cache entry was closed');
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(n) || start < 0 || n < 0 || start + n > this.rows) {
      throw new Error(`Rows ${start} to ${start + n} of a cache entry of ${this.rows}`);
    }
    const reads = this.files.map((f) => ({ f, bytes: rowBytes(f.column, into[f.column.name], n) }));
    await Promise.all(
      reads.map(async ({ f, bytes }) => {
        const got = await readFully(f.handle, bytes, start * bytesPerRow(f.column));
        if (got !== bytes.length) throw new Error(`${f.column.name}.bin ended at ${got} of ${bytes.length} bytes after verification`);
      }),
    );
  }

  /** Closes the files. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await closeQuietly(this.files.map((f) => f.handle));
  }
}
