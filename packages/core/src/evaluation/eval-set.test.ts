// openEvalSet (eval-set.ts): what eval-data may be, and which input each error names.
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { fixture } from '../../../../test/fixtures.js';
import { UserError } from '../errors.js';
import { openEvalSet } from './eval-set.js';

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
