// openEvalSet (eval-set.ts): what eval-data may be, its slice columns, and which input each error names.
import { execFileSync } from 'node:child_process';
import { readdirSync, readlinkSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { fixture, readJson } from '../../../../test/fixtures.js';
import { UserError } from '../errors.js';
import { SLICE_CODE_LIMIT, openEvalSet, type EvalSetOptions, type SliceColumn } from './eval-set.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'eval-set-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The UserError openEvalSet rejects with. */
async function refused(...args: Parameters<typeof openEvalSet>): Promise<UserError> {
  const e: unknown = await openEvalSet(...args).then(
    async (set) => {
      await set.close();
      return new Error('opened');
    },
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(UserError);
  return e as UserError;
}

/** A directory holding the binary set's labels.npy and, as features.npy, what `make` creates there. */
async function setWithFeatures(name: string, make: (path: string) => Promise<void> | void): Promise<string> {
  const d = join(dir, name);
  await mkdir(d);
  await copyFile(fixture('binary', 'labels.npy'), join(d, 'labels.npy'));
  await make(join(d, 'features.npy'));
  return d;
}

describe('openEvalSet: where the set is (input eval-data)', () => {
  it('opens a directory of two .npy files and an .npz', async () => {
    for (const path of [fixture('binary'), fixture('binary', 'eval.npz')]) {
      const set = await openEvalSet(path);
      expect(set.features.rows).toBe(600);
      expect(set.labels.rows).toBe(600);
      await set.close();
    }
  });

  it('a FIFO as eval-data is refused at once, never read', async () => {
    for (const name of ['data.npz', 'data']) {
      const fifo = join(dir, `fifo-${name}`);
      execFileSync('mkfifo', [fifo]);
      const t0 = performance.now();
      const e = await refused(fifo);
      expect(performance.now() - t0).toBeLessThan(2000);
      expect(e.message).toBe(`Input eval-data: ${fifo} is a FIFO (named pipe), expected a directory or an .npz file.`);
      expect(e).toMatchObject({ input: 'eval-data', file: fifo });
    }
  });

  it('a device, a missing path, a file of another kind', async () => {
    expect((await refused('/dev/zero')).message).toContain('/dev/zero is a character device, expected a directory or an .npz file');
    const missing = await refused(join(dir, 'none'));
    expect(missing.message).toBe(`Input eval-data: ${join(dir, 'none')} does not exist.`);
    const csv = join(dir, 'data.csv');
    await writeFile(csv, '1,2\n');
    expect(await refused(csv)).toMatchObject({ input: 'eval-data', message: `Input eval-data: ${csv} is a file but not an .npz archive.` });
    const notZip = join(dir, 'not-zip.npz');
    await writeFile(notZip, 'hello');
    expect(await refused(notZip)).toMatchObject({ input: 'eval-data', file: notZip });
  });

  it('a directory, a FIFO, nothing where features.npy should be: the file and eval-data named', async () => {
    const cases: [string, (p: string) => Promise<void> | void, string][] = [
      ['a-directory', (p) => mkdir(p).then(() => undefined), 'is a directory, expected an .npy file'],
      ['a-fifo', (p) => void execFileSync('mkfifo', [p]), 'is a FIFO (named pipe), expected an .npy file'],
      ['nothing', () => undefined, 'does not exist'],
    ];
    for (const [name, make, problem] of cases) {
      const d = await setWithFeatures(name, make);
      const features = join(d, 'features.npy');
      const e = await refused(d);
      expect(e.message, name).toBe(`Input eval-data: the features file ${features} ${problem}.`);
      expect(e).toMatchObject({ input: 'eval-data', file: features });
    }
  });
});

describe('openEvalSet: the arrays (inputs features and labels)', () => {
  it('a name the features input chose that is not there names that input', async () => {
    const e = await refused(fixture('binary'), 'nope');
    expect(e).toMatchObject({
      input: 'features',
      message: `Input features: the features file ${fixture('binary', 'nope.npy')} does not exist.`,
    });
    const npz = await refused(fixture('binary', 'eval.npz'), 'features', 'nope');
    expect(npz).toMatchObject({ input: 'labels', file: fixture('binary', 'eval.npz') });
    expect(npz.message).toBe(`Input labels: ${fixture('binary', 'eval.npz')} has no array 'nope'; it holds: features, labels.`);
  });

  it('what a file holds is the fault of the input that chose it', async () => {
    const d = await setWithFeatures('complex', (p) => copyFile(fixture('npy', 'complex.npy'), p));
    const e = await refused(d, 'labels', 'features');
    expect(e.input).toBe('labels');
    expect(e.message).toMatch(/^Input labels: .*features\.npy holds dtype '<c8'/);
  });
});

// ------------------------------------------------------------------------------------------------
// Slice columns (inputs slices and slice-names). Fixtures: test/fixtures/decide/make.py (numpy);
// columns/ is a 40-row set with one .npy per case, columns/eval.npz holds some of them.
// ------------------------------------------------------------------------------------------------

/** The codes numpy wrote for each column of columns/ (as doubles), and the columns eval.npz holds. */
const COLUMNS = readJson<Record<string, number[]> & { npz: string[] }>('decide', 'columns', 'expected.json');
const COLUMNS_DIR = fixture('decide', 'columns');
const COLUMNS_NPZ = fixture('decide', 'columns', 'eval.npz');

/** Every code of `column`, read `batch` rows at a time (increasing starts, as the scoring loop reads). */
async function allCodes(column: SliceColumn, batch: number): Promise<number[]> {
  const out = new Int32Array(batch);
  const codes: number[] = [];
  for (let start = 0; start < column.array.rows; start += batch) {
    const n = Math.min(batch, column.array.rows - start);
    await column.readCodes(start, n, out);
    codes.push(...out.subarray(0, n));
  }
  return codes;
}

/** The error readCodes rejects with when reading the whole column in batches of 8. */
async function badCodes(path: string, name: string): Promise<UserError> {
  const set = await openEvalSet(path, 'features', 'labels', { slices: [name] });
  try {
    const e: unknown = await allCodes(set.slices[0], 8).then(
      () => new Error('read'),
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(UserError);
    return e as UserError;
  } finally {
    await set.close();
  }
}

/** The open file descriptors of this process on a file of columns/ (each test file runs in its own process). */
function columnFilesOpen(): string[] {
  const open: string[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      if (target.startsWith(COLUMNS_DIR)) open.push(target);
    } catch {
      // the descriptor readdir itself used, closed meanwhile
    }
  }
  return open;
}

describe('openEvalSet: slice columns (input slices)', () => {
  it('reads integer and bool columns of [rows] and [rows, 1] in batches, as numpy wrote them, in both layouts', async () => {
    const dirColumns = [
      'region',
      'region_column',
      'region_big_endian',
      'region_uint8',
      'region_uint64',
      'region_big_endian_int64',
      'flag',
      'below_limit',
    ];
    const layouts: [string, string[]][] = [
      [COLUMNS_DIR, dirColumns],
      [COLUMNS_NPZ, ['region', 'flag']],
    ];
    for (const [path, names] of layouts) {
      const set = await openEvalSet(path, 'features', 'labels', { slices: names });
      expect(set.slices.map((s) => s.name)).toEqual(names);
      for (const column of set.slices) {
        // exact: integer codes; batches of 7 do not divide 40 rows, so the last one is partial
        expect(await allCodes(column, 7), `${path} ${column.name}`).toEqual(COLUMNS[column.name]);
        expect(column.names).toBeUndefined();
      }
      await set.close();
    }
    expect(COLUMNS.below_limit[3]).toBe(2 ** 20 - 1);
    expect(SLICE_CODE_LIMIT).toBe(2 ** 20);
  });

  it('the files of the set: each column file of the directory layout, the one .npz', async () => {
    const dir = await openEvalSet(COLUMNS_DIR, 'features', 'labels', { slices: ['region', 'flag'] });
    expect(dir.files).toEqual(['features', 'labels', 'region', 'flag'].map((f) => join(COLUMNS_DIR, `${f}.npy`)));
    expect(dir.slices.map((s) => s.file)).toEqual([join(COLUMNS_DIR, 'region.npy'), join(COLUMNS_DIR, 'flag.npy')]);
    await dir.close();
    const npz = await openEvalSet(COLUMNS_NPZ, 'features', 'labels', { slices: ['region'] });
    expect(npz.files).toEqual([COLUMNS_NPZ]);
    expect(npz.slices[0].file).toBe(COLUMNS_NPZ);
    expect(npz.slices[0].array.label).toBe(`${COLUMNS_NPZ}:region.npy`);
    await npz.close();
    const none = await openEvalSet(COLUMNS_DIR);
    expect(none.slices).toEqual([]);
    await none.close();
  });

  it('reopen reads a column again from its first row (an .npz member reads forward only)', async () => {
    for (const path of [COLUMNS_DIR, COLUMNS_NPZ]) {
      const set = await openEvalSet(path, 'features', 'labels', { slices: ['region'] });
      expect(await allCodes(set.slices[0], 16)).toEqual(COLUMNS.region);
      const again = await set.slices[0].reopen();
      expect(await allCodes(again, 40)).toEqual(COLUMNS.region);
      await again.close();
      await set.close();
    }
  });

  it('the slices eval set: codes and names, counted per code as numpy counted them', async () => {
    const expected = readJson<{ slices: { per_slice: { code: number; name: string | null; rows: number }[] } }>(
      'decide',
      'slices',
      'expected.json',
    );
    const set = await openEvalSet(fixture('decide', 'slices'), 'features', 'labels', {
      slices: ['region'],
      sliceNames: fixture('decide', 'slices', 'slice-names.json'),
    });
    const [region] = set.slices;
    expect(region.names).toEqual(
      new Map([
        [0, 'EU'],
        [1, 'US'],
        [2, 'APAC'],
      ]),
    );
    const counts = new Map<number, number>();
    for (const code of await allCodes(region, 1000)) counts.set(code, (counts.get(code) ?? 0) + 1);
    // exact: counts of integer codes
    expect([...counts.entries()].sort((a, b) => a[0] - b[0])).toEqual(expected.slices.per_slice.map((s) => [s.code, s.rows]));
    expect(expected.slices.per_slice.map((s) => s.name)).toEqual(['EU', 'US', 'APAC', null]);
    await set.close();
  });
});

describe('openEvalSet: slice columns that are refused when opened (input slices)', () => {
  it('a column that is not there lists the arrays that are', async () => {
    const dir = await refused(COLUMNS_DIR, 'features', 'labels', { slices: ['region', 'nope'] });
    const holds = readdirSync(COLUMNS_DIR)
      .filter((f) => f.endsWith('.npy'))
      .map((f) => f.slice(0, -4))
      .sort();
    expect(dir.message).toBe(
      `Input slices: the slice column 'nope' file ${join(COLUMNS_DIR, 'nope.npy')} does not exist; ${COLUMNS_DIR} holds: ${holds.join(', ')}.`,
    );
    expect(dir).toMatchObject({ input: 'slices', file: join(COLUMNS_DIR, 'nope.npy') });
    expect(holds).toContain('region_uint8');
    const npz = await refused(COLUMNS_NPZ, 'features', 'labels', { slices: ['nope'] });
    expect(npz.message).toBe(`Input slices: ${COLUMNS_NPZ} has no array 'nope'; it holds: features, labels, ${COLUMNS.npz.join(', ')}.`);
    expect(npz).toMatchObject({ input: 'slices', file: COLUMNS_NPZ });
  });

  it('a column of another length, shape or dtype, in both layouts', async () => {
    for (const path of [COLUMNS_DIR, COLUMNS_NPZ]) {
      const file = path === COLUMNS_NPZ ? COLUMNS_NPZ : undefined;
      const at = (name: string) => (file ? `${COLUMNS_NPZ}:${name}.npy` : join(COLUMNS_DIR, `${name}.npy`));
      const short = await refused(path, 'features', 'labels', { slices: ['short'] });
      expect(short.message).toBe(
        `Input slices: the slice column 'short' in ${at('short')} has 39 rows but the features in ${at('features')} have 40; each row needs one code.`,
      );
      expect(short).toMatchObject({ input: 'slices', file: file ?? at('short') });
      const wide = await refused(path, 'features', 'labels', { slices: ['wide'] });
      expect(wide.message).toBe(
        `Input slices: the slice column 'wide' in ${at('wide')} has shape [40, 2]; expected [rows] or [rows, 1], one code per row.`,
      );
      const float = await refused(path, 'features', 'labels', { slices: ['float'] });
      expect(float.message).toBe(
        `Input slices: the slice column 'float' in ${at('float')} holds float64 (little-endian); expected integer codes (or bools).`,
      );
      expect(float.hint).toContain('.cat.codes');
      expect(float).toMatchObject({ input: 'slices', file: file ?? at('float') });
    }
  });

  it('the slices set: region_short and region_float', async () => {
    const d = fixture('decide', 'slices');
    expect((await refused(d, 'features', 'labels', { slices: ['region_short'] })).message).toContain('has 3999 rows but the features');
    expect((await refused(d, 'features', 'labels', { slices: ['region', 'region_float'] })).message).toContain(
      `'region_float' in ${join(d, 'region_float.npy')} holds float64 (little-endian)`,
    );
  });

  it('a scalar, a directory where a column should be, an empty or repeated name', async () => {
    const scalar = await refused(COLUMNS_DIR, 'features', 'labels', { slices: ['scalar'] });
    expect(scalar).toMatchObject({
      input: 'slices',
      message: `Input slices: ${join(COLUMNS_DIR, 'scalar.npy')} holds a single scalar; expected an array with one row per example.`,
    });
    const d = await setWithFeatures('column-directory', (p) => copyFile(fixture('binary', 'features.npy'), p));
    await mkdir(join(d, 'region.npy'));
    const directory = await refused(d, 'features', 'labels', { slices: ['region'] });
    expect(directory.message).toBe(
      `Input slices: the slice column 'region' file ${join(d, 'region.npy')} is a directory, expected an .npy file.`,
    );
    expect((await refused(COLUMNS_DIR, 'features', 'labels', { slices: [''] })).message).toBe('Input slices: a column name is empty.');
    expect((await refused(COLUMNS_DIR, 'features', 'labels', { slices: ['region', 'region'] })).message).toBe(
      "Input slices: names column 'region' twice.",
    );
  });
});

describe('SliceColumn.readCodes: codes that are refused (input slices)', () => {
  it('a negative code, one at 2^20, one past 2^32, one at 2^64 - 1: the file, the row and the value exactly', async () => {
    const cases: [string, number, string][] = [
      ['negative', 17, '-1'],
      ['at_limit', 23, '1048576'],
      ['wraps', 5, '4294967297'],
      ['uint64_max', 9, '18446744073709551615'],
    ];
    for (const [name, row, value] of cases) {
      const file = join(COLUMNS_DIR, `${name}.npy`);
      const e = await badCodes(COLUMNS_DIR, name);
      expect(e.message).toBe(
        `Input slices: the slice column '${name}' in ${file} holds ${value} at row ${row}; expected a code from 0 to 1048575.`,
      );
      expect(e).toMatchObject({ input: 'slices', file });
      expect(e.hint).toContain('Codes index arrays');
    }
    const npz = await badCodes(COLUMNS_NPZ, 'negative');
    expect(npz.message).toBe(
      `Input slices: the slice column 'negative' in ${COLUMNS_NPZ}:negative.npy holds -1 at row 17; expected a code from 0 to 1048575.`,
    );
    expect(npz.file).toBe(COLUMNS_NPZ);
  });
});

describe('openEvalSet: slice-names', () => {
  /** A slice-names file holding `text`, and the error opening columns/ with slices `slices` and it gives. */
  async function namesRefused(text: string, slices = ['region']): Promise<[UserError, string]> {
    const file = join(dir, `names-${Math.random().toString(36).slice(2)}.json`);
    await writeFile(file, text);
    const e = await refused(COLUMNS_DIR, 'features', 'labels', { slices, sliceNames: file });
    expect(e).toMatchObject({ input: 'slice-names', file });
    return [e, file];
  }

  it('names the codes of each column; a column without names has none', async () => {
    const file = join(dir, 'names.json');
    await writeFile(file, JSON.stringify({ region: { '0': 'EU', '3': 'APAC', '1048575': 'last' } }));
    const set = await openEvalSet(COLUMNS_NPZ, 'features', 'labels', { slices: ['region', 'flag'], sliceNames: file });
    expect(set.slices[0].names).toEqual(
      new Map([
        [0, 'EU'],
        [3, 'APAC'],
        [1048575, 'last'],
      ]),
    );
    expect(set.slices[1].names).toBeUndefined();
    await set.close();
  });

  it('a missing file, bad JSON, not an object', async () => {
    const missing = join(dir, 'no-names.json');
    const e = await refused(COLUMNS_DIR, 'features', 'labels', { slices: ['region'], sliceNames: missing });
    expect(e).toMatchObject({
      input: 'slice-names',
      file: missing,
      message: `Input slice-names: the slice-names file ${missing} does not exist.`,
    });
    const [bad, badFile] = await namesRefused('{"region": {"0": "EU",}}');
    expect(bad.message).toMatch(new RegExp(`^Input slice-names: ${badFile} is not valid JSON \\(.+\\)\\.$`));
    const [array, arrayFile] = await namesRefused('[{"region": {}}]');
    expect(array.message).toBe(
      `Input slice-names: ${arrayFile} holds an array; expected an object of slice columns, e.g. {"region": {"0": "EU", "1": "US"}}.`,
    );
    expect((await namesRefused('null'))[0].message).toContain('holds null; expected an object');
    expect((await namesRefused('{"region": ["EU"]}'))[0].message).toBe(
      `Input slice-names: column 'region' holds an array; expected an object of code -> name, e.g. {"region": {"0": "EU", "1": "US"}}.`,
    );
  });

  it('a column input slices does not list', async () => {
    const [e, file] = await namesRefused('{"region": {}, "country": {"0": "FR"}}');
    expect(e.message).toBe(
      `Input slice-names: ${file} names codes of column 'country', which input slices does not list (it lists: region).`,
    );
    expect((await namesRefused('{"region": {}}', []))[0].message).toContain('which input slices does not list (it is empty)');
  });

  it('a code that is not an integer from 0 below 2^20, a name that is not a string', async () => {
    for (const code of ['-1', '1.5', 'EU', '01', '', '1048576', '1e3']) {
      const [e] = await namesRefused(JSON.stringify({ region: { [code]: 'x' } }));
      expect(e.message, code).toBe(
        `Input slice-names: column 'region' has code '${code}'; expected an integer from 0 to 1048575 (a code of the column, written without leading zeros).`,
      );
    }
    const [e] = await namesRefused('{"region": {"0": "EU", "1": 7}}');
    expect(e.message).toBe("Input slice-names: column 'region', code 1: the name is a number; expected a string.");
    expect((await namesRefused('{"region": {"0": null}}'))[0].message).toContain('the name is null; expected a string');
  });
});

describe('openEvalSet with slices closes what it opened', () => {
  it('on every error path and on close(), in both layouts', async () => {
    const names = join(dir, 'close-names.json');
    await writeFile(names, '{"region": {"0": 1}}');
    expect(columnFilesOpen()).toEqual([]);
    const failures: [string, EvalSetOptions][] = [
      [COLUMNS_DIR, { slices: ['region', 'flag', 'nope'] }],
      [COLUMNS_DIR, { slices: ['region', 'short'] }],
      [COLUMNS_DIR, { slices: ['region', 'float'] }],
      [COLUMNS_DIR, { slices: ['region'], sliceNames: names }],
      [COLUMNS_NPZ, { slices: ['region', 'nope'] }],
      [COLUMNS_NPZ, { slices: ['region', 'flag', 'wide'] }],
      [COLUMNS_NPZ, { slices: ['region'], sliceNames: names }],
    ];
    for (const [path, options] of failures) await refused(path, 'features', 'labels', options);
    for (const path of [COLUMNS_DIR, COLUMNS_NPZ]) {
      const set = await openEvalSet(path, 'features', 'labels', { slices: ['region', 'flag'] });
      expect(columnFilesOpen().length).toBeGreaterThan(0);
      await (await set.slices[0].reopen()).close();
      await set.close();
    }
    await badCodes(COLUMNS_NPZ, 'negative');
    // an .npz's descriptor is closed by yauzl's callback, a tick or more later (later under Node
    // 24): waited for, up to 2 s, so that only a descriptor that stays open fails
    await vi.waitFor(() => expect(columnFilesOpen()).toEqual([]), { timeout: 2000, interval: 20 });
  });
});
