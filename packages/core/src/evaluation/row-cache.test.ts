// RowCacheWriter / RowCacheReader (row-cache.ts), the store of `baseline-cache`. No stand-ins: real
// files in a temporary directory, checked independently (raw bytes, node:crypto's SHA-256 of the
// files) and corrupted the ways a disk, a cache restore or a person corrupts them.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, chown, mkdir, mkdtemp, readFile, readdir, rm, truncate, unlink, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { UserError } from '../errors.js';
import {
  RowCacheReader,
  RowCacheWriter,
  canonicalKeyJson,
  rowCacheEntryName,
  type CacheKey,
  type ColumnArray,
  type ColumnSpec,
} from './row-cache.js';

let root: string;
let serial = 0;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'row-cache-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});
/** A fresh cache directory (not yet created). */
const cacheDir = () => join(root, `cache-${++serial}`);

const KEY: CacheKey = { baseline: 'ab'.repeat(32), evalSet: 'cd'.repeat(32), topK: 5, labelsFrom: null, calibrated: true };
const COLUMNS: ColumnSpec[] = [
  { name: 'predicted0', type: 'int32' },
  { name: 'loss1', type: 'float64' },
  { name: 'topKHit', type: 'uint8' },
  { name: 'rank', type: 'float64', width: 3 },
];
const ROWS = 1001;
// float64 values whose bits a store could lose: signed zero, subnormals, the extremes, infinities, NaN
const SPECIAL = [-0, 0, 5e-324, -5e-324, 2.2250738585072009e-308, 2.2250738585072014e-308, 1e308, -1.7976931348623157e308];
const SPECIAL_TOO = [Infinity, -Infinity, NaN, 0.1 + 0.2, Math.PI, -1 / 3];

/** The rows of every column, made up but covering each type's range. */
function makeData(rows = ROWS, seed = 1): Record<string, ColumnArray> {
  const specials = [...SPECIAL, ...SPECIAL_TOO];
  const predicted0 = Int32Array.from({ length: rows }, (_, i) => ((i * 2654435761 + seed) | 0) ^ (i % 3 === 0 ? -2147483648 : 0));
  const loss1 = Float64Array.from({ length: rows }, (_, i) =>
    i < specials.length ? specials[i] : Math.sin(i * seed) * 10 ** ((i % 600) - 300),
  );
  const topKHit = Uint8Array.from({ length: rows }, (_, i) => (i * 37 + seed) & 255);
  const rank = Float64Array.from({ length: rows * 3 }, (_, i) => (i % 7 === 0 ? SPECIAL[i % SPECIAL.length] : i / 7 + seed));
  return { predicted0, loss1, topKHit, rank };
}

const widthOf = (name: string) => COLUMNS.find((c) => c.name === name)?.width ?? 1;

/** A copy of rows [start, start + n) of each column, in an array larger than needed (a batch buffer). */
function slice(data: Record<string, ColumnArray>, start: number, n: number): Record<string, ColumnArray> {
  return Object.fromEntries(
    Object.entries(data).map(([name, values]) => {
      const w = widthOf(name);
      const buffer = new (values.constructor as new (n: number) => ColumnArray)((n + 5) * w).fill(99);
      buffer.set(values.subarray(start * w, (start + n) * w));
      return [name, buffer];
    }),
  );
}

/** Writes and commits `data` as the entry of `key`, appended in batches of the given sizes. */
async function writeEntry(
  dir: string,
  key: CacheKey,
  data: Record<string, ColumnArray>,
  batches: number[],
  keep?: string[],
): Promise<void> {
  const rows = data.predicted0.length;
  const writer = await RowCacheWriter.create(dir, key, COLUMNS, rows);
  let start = 0;
  for (const n of batches) {
    await writer.append(slice(data, start, n), n);
    start += n;
  }
  expect(start).toBe(rows);
  await writer.commit(keep ?? COLUMNS.map((c) => c.name), { model: 'baseline.onnx', batches: batches.length });
}

/** An empty array of each needed column for n rows. */
function buffersFor(need: readonly ColumnSpec[], n: number): Record<string, ColumnArray> {
  const make = { int32: Int32Array, float64: Float64Array, uint8: Uint8Array };
  return Object.fromEntries(need.map((c) => [c.name, new make[c.type](n * (c.width ?? 1))]));
}

/** Everything the reader gives back, read in batches of the given sizes. */
async function readAll(reader: RowCacheReader, need: readonly ColumnSpec[], batches: number[]): Promise<Record<string, ColumnArray>> {
  const all = buffersFor(need, reader.rows);
  let start = 0;
  for (const n of batches) {
    const into = buffersFor(need, n + 3);
    await reader.read(start, n, into);
    for (const c of need) all[c.name].set(into[c.name].subarray(0, n * (c.width ?? 1)), start * (c.width ?? 1));
    start += n;
  }
  return all;
}

/** The bytes of a typed array (bit-identity, NaN payloads and signed zeros included). */
const bytesOf = (a: ColumnArray) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

async function hit(dir: string, key: CacheKey, need: readonly ColumnSpec[] = COLUMNS): Promise<RowCacheReader> {
  const opened = await RowCacheReader.open(dir, key, need);
  if ('miss' in opened) throw new Error(`expected a hit, got a miss: ${opened.miss}`);
  return opened.reader;
}

async function miss(dir: string, key: CacheKey, need: readonly ColumnSpec[] = COLUMNS): Promise<string> {
  const opened = await RowCacheReader.open(dir, key, need);
  if ('reader' in opened) {
    await opened.reader.close();
    throw new Error('expected a miss, got a hit');
  }
  return opened.miss;
}

const entryDir = (dir: string, key: CacheKey = KEY) => join(dir, rowCacheEntryName(key));

describe('RowCacheWriter and RowCacheReader: a round trip', () => {
  it('reads back every value bit for bit, batches split unevenly on both sides', async () => {
    const dir = cacheDir();
    const data = makeData();
    await writeEntry(dir, KEY, data, [1, 0, 333, 7, 600, 60]);
    const reader = await hit(dir, KEY);
    expect(reader.rows).toBe(ROWS);
    expect(reader.extra).toEqual({ model: 'baseline.onnx', batches: 6 });
    const back = await readAll(reader, COLUMNS, [500, 1, 0, 499, 1]);
    await reader.close();
    for (const c of COLUMNS) expect(bytesOf(back[c.name]).equals(bytesOf(data[c.name])), c.name).toBe(true);
    // the special values themselves, element by element (Object.is tells -0 from 0)
    SPECIAL.forEach((v, i) => expect(Object.is(back.loss1[i], v), `loss1[${i}] = ${v}`).toBe(true));
    expect(back.loss1[SPECIAL.length + 2]).toBeNaN();
  });

  it('writes raw little-endian files and a manifest whose sizes and SHA-256 are those of the files', async () => {
    const dir = cacheDir();
    const data = makeData(40);
    await writeEntry(dir, KEY, data, [40]);
    const entry = entryDir(dir);
    expect(rowCacheEntryName(KEY)).toBe(createHash('sha256').update(canonicalKeyJson(KEY)).digest('hex'));
    const manifest = JSON.parse(await readFile(join(entry, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ format: 'ml-gate/row-cache', version: 1, byteOrder: 'little-endian', key: KEY, rows: 40 });
    for (const c of COLUMNS) {
      const file = await readFile(join(entry, `${c.name}.bin`));
      const column = manifest.columns.find((m: { name: string }) => m.name === c.name);
      expect(column).toEqual({
        name: c.name,
        type: c.type,
        width: c.width ?? 1,
        bytes: file.length,
        sha256: createHash('sha256').update(file).digest('hex'),
      });
      expect(file.equals(bytesOf(data[c.name])), c.name).toBe(true);
    }
    // little-endian on disk, whatever the typed array: the first int32 read with an explicit byte order
    expect((await readFile(join(entry, 'predicted0.bin'))).readInt32LE(0)).toBe(data.predicted0[0]);
    expect(await readdir(dir)).toEqual([rowCacheEntryName(KEY)]);
  });

  it('an entry of zero rows round-trips', async () => {
    const dir = cacheDir();
    await writeEntry(dir, KEY, makeData(0), []);
    const reader = await hit(dir, KEY);
    expect(reader.rows).toBe(0);
    await reader.read(0, 0, buffersFor(COLUMNS, 0));
    await reader.close();
  });

  it('opens with the columns needed only, in any order', async () => {
    const dir = cacheDir();
    const data = makeData();
    await writeEntry(dir, KEY, data, [ROWS]);
    const need = [COLUMNS[3], COLUMNS[0]];
    const reader = await hit(dir, KEY, need);
    const back = await readAll(reader, need, [ROWS]);
    await reader.close();
    expect(bytesOf(back.rank).equals(bytesOf(data.rank))).toBe(true);
    expect(bytesOf(back.predicted0).equals(bytesOf(data.predicted0))).toBe(true);
  });

  it('keys are compared by their entries, not their order; another value is another entry', async () => {
    const dir = cacheDir();
    await writeEntry(dir, { b: 2, a: 'x' }, makeData(10), [10]);
    await (await hit(dir, { a: 'x', b: 2 })).close();
    expect(await miss(dir, { a: 'x', b: 3 })).toBe('no entry');
    expect(await miss(dir, { a: 'x', b: '2' })).toBe('no entry');
    expect(() => canonicalKeyJson({ a: NaN })).toThrow('Cache key a is NaN');
  });

  it('a reader keeps reading what it verified while the entry is replaced', async () => {
    const dir = cacheDir();
    const first = makeData(100, 1);
    await writeEntry(dir, KEY, first, [100]);
    const reader = await hit(dir, KEY);
    await writeEntry(dir, KEY, makeData(100, 2), [100]);
    const back = await readAll(reader, COLUMNS, [100]);
    await reader.close();
    for (const c of COLUMNS) expect(bytesOf(back[c.name]).equals(bytesOf(first[c.name])), c.name).toBe(true);
  });
});

describe('RowCacheReader.open: every miss says why; a corrupt entry is removed and rebuilt', () => {
  /** A committed entry of KEY in a fresh directory, and its folder. */
  async function committed(): Promise<{ dir: string; entry: string }> {
    const dir = cacheDir();
    await writeEntry(dir, KEY, makeData(), [500, 501]);
    return { dir, entry: entryDir(dir) };
  }

  /** The entry is gone (nothing else left in DIR either), and writing it again makes a hit. */
  async function removedThenRebuilt(dir: string): Promise<void> {
    expect(await readdir(dir)).toEqual([]);
    expect(await miss(dir, KEY)).toBe('no entry');
    await writeEntry(dir, KEY, makeData(), [ROWS]);
    await (await hit(dir, KEY)).close();
  }

  it('no entry', async () => {
    expect(await miss(cacheDir(), KEY)).toBe('no entry');
  });

  it('a truncated column file', async () => {
    const { dir, entry } = await committed();
    await truncate(join(entry, 'loss1.bin'), 1234);
    expect(await miss(dir, KEY)).toBe(`loss1.bin: 1234 bytes, expected ${ROWS * 8}`);
    await removedThenRebuilt(dir);
  });

  it('a column file one byte longer', async () => {
    const { dir, entry } = await committed();
    await writeFile(join(entry, 'topKHit.bin'), Buffer.from([0]), { flag: 'a' });
    expect(await miss(dir, KEY)).toBe(`topKHit.bin: ${ROWS + 1} bytes, expected ${ROWS}`);
    await removedThenRebuilt(dir);
  });

  it('one byte flipped', async () => {
    const { dir, entry } = await committed();
    const path = join(entry, 'rank.bin');
    const bytes = await readFile(path);
    bytes[12345] ^= 0x01;
    await writeFile(path, bytes);
    expect(await miss(dir, KEY)).toBe('rank.bin: SHA-256 differs from the manifest');
    await removedThenRebuilt(dir);
  });

  it("the manifest's key edited", async () => {
    const { dir, entry } = await committed();
    const path = join(entry, 'manifest.json');
    const manifest = JSON.parse(await readFile(path, 'utf8'));
    manifest.key.topK = 10;
    await writeFile(path, JSON.stringify(manifest));
    expect(await miss(dir, KEY)).toBe('entry made for another key');
    await removedThenRebuilt(dir);
  });

  it('a column file deleted', async () => {
    const { dir, entry } = await committed();
    await unlink(join(entry, 'loss1.bin'));
    expect(await miss(dir, KEY)).toBe('column loss1 is missing (loss1.bin does not exist)');
    await removedThenRebuilt(dir);
  });

  it('a garbage manifest, a missing one, one of the wrong shape', async () => {
    const cases: [string | null, string][] = [
      ['{"format": "ml-gate/row-cache", "vers', 'manifest unreadable: '],
      [null, 'manifest unreadable: manifest.json does not exist'],
      ['[1, 2]', 'manifest unreadable: not a ml-gate/row-cache manifest'],
    ];
    for (const [text, reason] of cases) {
      const { dir, entry } = await committed();
      const path = join(entry, 'manifest.json');
      if (text === null) await unlink(path);
      else await writeFile(path, text);
      expect(await miss(dir, KEY)).toContain(reason);
      await removedThenRebuilt(dir);
    }
  });

  it('a manifest whose byte length does not match its rows', async () => {
    const { dir, entry } = await committed();
    const path = join(entry, 'manifest.json');
    const manifest = JSON.parse(await readFile(path, 'utf8'));
    manifest.rows = ROWS - 1;
    await writeFile(path, JSON.stringify(manifest));
    expect(await miss(dir, KEY)).toBe(`manifest unreadable: column predicted0 is ${ROWS * 4} bytes for ${ROWS - 1} rows`);
    await removedThenRebuilt(dir);
  });

  it('an entry of another format version is a miss, kept until a commit replaces it', async () => {
    const { dir, entry } = await committed();
    const path = join(entry, 'manifest.json');
    const manifest = JSON.parse(await readFile(path, 'utf8'));
    manifest.version = 0;
    await writeFile(path, JSON.stringify(manifest));
    expect(await miss(dir, KEY)).toBe('cache format 0, this action reads format 1');
    expect(await readdir(dir)).toEqual([rowCacheEntryName(KEY)]);
    await writeEntry(dir, KEY, makeData(), [ROWS]);
    await (await hit(dir, KEY)).close();
    expect(await readdir(dir)).toEqual([rowCacheEntryName(KEY)]);
  });

  it('a column that was not kept, or of another type or width, is a miss; the entry stays', async () => {
    const dir = cacheDir();
    await writeEntry(dir, KEY, makeData(), [ROWS], ['loss1', 'rank']);
    expect(await miss(dir, KEY)).toBe('column predicted0 is missing');
    expect(await miss(dir, KEY, [{ name: 'rank', type: 'float64', width: 5 }])).toBe('column rank is float64 × 3, needed float64 × 5');
    expect(await miss(dir, KEY, [{ name: 'loss1', type: 'int32' }])).toBe('column loss1 is float64 × 1, needed int32 × 1');
    // the columns kept are there, the others deleted
    expect((await readdir(entryDir(dir))).sort()).toEqual(['loss1.bin', 'manifest.json', 'rank.bin']);
    await (await hit(dir, KEY, [COLUMNS[1], COLUMNS[3]])).close();
  });
});

describe('RowCacheWriter: nothing half-made is ever visible', () => {
  it('abort leaves nothing', async () => {
    const dir = cacheDir();
    const writer = await RowCacheWriter.create(dir, KEY, COLUMNS, ROWS);
    await writer.append(slice(makeData(), 0, 10), 10);
    expect((await readdir(dir)).length).toBe(1); // the temporary folder
    expect(await miss(dir, KEY)).toBe('no entry');
    await writer.abort();
    expect(await readdir(dir)).toEqual([]);
  });

  it('commit refuses fewer rows than announced and leaves nothing; append refuses more', async () => {
    const dir = cacheDir();
    const writer = await RowCacheWriter.create(dir, KEY, COLUMNS, 20);
    await writer.append(slice(makeData(), 0, 19), 19);
    await expect(writer.append(slice(makeData(), 0, 2), 2)).rejects.toThrow('more than the 20 announced');
    await expect(writer.commit(['loss1'], {})).rejects.toThrow('19 rows appended of the 20 announced');
    expect(await readdir(dir)).toEqual([]);
  });

  it('append refuses a missing column or an array of the wrong type or length', async () => {
    const dir = cacheDir();
    const writer = await RowCacheWriter.create(dir, KEY, COLUMNS, 20);
    const good = slice(makeData(), 0, 4);
    await expect(writer.append({ ...good, topKHit: undefined as unknown as Uint8Array }, 4)).rejects.toThrow(
      'No values given for column topKHit',
    );
    await expect(writer.append({ ...good, loss1: new Float32Array(9) as unknown as Float64Array }, 4)).rejects.toThrow(
      'Column loss1 takes a Float64Array',
    );
    await expect(writer.append({ ...good, rank: new Float64Array(11) }, 4)).rejects.toThrow('Column rank: 11 values given for 4 rows of 3');
    await writer.abort();
    expect(await readdir(dir)).toEqual([]);
  });

  it('concurrent writers of the same key both commit, leaving one whole entry', async () => {
    const dir = cacheDir();
    await mkdir(dir);
    const versions = [1, 2, 3, 4].map((seed) => makeData(ROWS, seed));
    const writers = await Promise.all(versions.map(() => RowCacheWriter.create(dir, KEY, COLUMNS, ROWS)));
    await Promise.all(writers.map((w, i) => w.append(versions[i], ROWS)));
    await Promise.all(
      writers.map((w, i) =>
        w.commit(
          COLUMNS.map((c) => c.name),
          { writer: i },
        ),
      ),
    );
    expect(await readdir(dir)).toEqual([rowCacheEntryName(KEY)]);
    const reader = await hit(dir, KEY);
    const back = await readAll(reader, COLUMNS, [ROWS]);
    const { writer } = reader.extra as { writer: number };
    await reader.close();
    // whichever won, its columns are all its own
    for (const c of COLUMNS) expect(bytesOf(back[c.name]).equals(bytesOf(versions[writer][c.name])), c.name).toBe(true);
  });

  it("sweeps the leftovers of this host's dead processes, not of live ones", async () => {
    const dir = cacheDir();
    await mkdir(dir);
    const host = createHash('sha256').update(hostname()).digest('hex').slice(0, 8);
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    const leftovers = [`.rowcache-tmp-${host}-${dead}-abc123`, `.rowcache-old-${host}-${dead}-def456`];
    const kept = [`.rowcache-tmp-${host}-${process.pid}-live00`, `.rowcache-tmp-00000000-${dead}-other0`, 'unrelated'];
    for (const name of [...leftovers, ...kept]) await mkdir(join(dir, name, 'inner'), { recursive: true });
    await writeEntry(dir, KEY, makeData(5), [5]);
    expect((await readdir(dir)).sort()).toEqual([...kept, rowCacheEntryName(KEY)].sort());
  });
});

describe('baseline-cache: a directory that cannot be written', () => {
  /** The uid of the user nobody on Debian and Ubuntu. */
  const NOBODY = 65534;

  async function refused(dir: string): Promise<UserError> {
    const e: unknown = await RowCacheWriter.create(dir, KEY, COLUMNS, 3).then(
      async (w) => {
        await w.abort();
        return new Error('created');
      },
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(UserError);
    return e as UserError;
  }

  it('a DIR below a regular file is a UserError naming the input', async () => {
    const file = join(root, `file-${++serial}`);
    await writeFile(file, 'x');
    for (const dir of [join(file, 'cache'), file]) {
      const e = await refused(dir);
      expect(e.input).toBe('baseline-cache');
      expect(e.message).toMatch(new RegExp(`^Input baseline-cache: the cache directory ${dir} cannot be used: E(NOTDIR|EXIST)`));
      expect(e.hint).toContain('baseline-cache');
    }
  });

  // Root writes anywhere: where the tests run as root (CI's container), the attempt is made as the
  // user nobody (seteuid, then back: the tests run in forked processes, not worker threads).
  it('a DIR without write permission is a UserError naming the input', async () => {
    const dir = cacheDir();
    await mkdir(dir);
    await chmod(dir, 0o500);
    const asRoot = process.getuid?.() === 0;
    if (asRoot) {
      await chown(dir, NOBODY, NOBODY);
      await chmod(root, 0o755);
      process.seteuid!(NOBODY);
    }
    try {
      expect(process.geteuid?.()).not.toBe(0);
      const e = await refused(dir);
      expect(e.input).toBe('baseline-cache');
      expect(e.message).toContain('EACCES');
    } finally {
      if (asRoot) {
        process.seteuid!(0);
        await chmod(root, 0o700);
      }
      await chmod(dir, 0o700);
    }
  });
});
