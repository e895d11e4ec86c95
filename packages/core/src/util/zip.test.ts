// extractZip on archives made in the test (test/zip.ts writes entry names and records as given, so
// hostile and lying archives can be made) and written to a temporary folder; no mocks.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { zipOf, type ZipEntrySpec } from '../../../../test/zip.js';
import { UserError } from '../errors.js';
import { extractZip, isSafeEntryName, type ZipExtraction } from './zip.js';

const HOW: ZipExtraction = { label: "Artifact 'a' (id 1)", input: 'partials', hint: 'Upload it again.' };
const text = (s: string) => Buffer.from(s);

let work: string;
let out: string;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'zip-test-'));
  out = join(work, 'out');
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

async function archive(entries: ZipEntrySpec[]): Promise<string> {
  const path = join(work, `${Math.random().toString(36).slice(2)}.zip`);
  await writeFile(path, zipOf(entries));
  return path;
}

async function refusal(work: Promise<unknown>): Promise<UserError> {
  const e = await work.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(UserError);
  return e as UserError;
}

describe('extractZip', () => {
  it('extracts folders and files (deflated and stored), files new with mode 0600; choose picks before writing', async () => {
    const big = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7) & 0xff));
    const zip = await archive([
      { name: 'export/' },
      { name: 'export/empty/' },
      { name: 'export/model.onnx', data: big },
      { name: 'export/README.md', data: text('# model'), stored: true },
      { name: 'top.txt', data: text('') },
    ]);
    let listed: readonly string[] = [];
    const got = await extractZip(zip, out, {
      ...HOW,
      choose: (files) => ((listed = files), 'export/model.onnx'),
    });
    expect(listed).toEqual(['export/model.onnx', 'export/README.md', 'top.txt']);
    expect(got).toEqual({ files: listed, chosen: join(out, 'export', 'model.onnx') });
    expect(await readFile(join(out, 'export', 'model.onnx'))).toEqual(big);
    expect(await readFile(join(out, 'export', 'README.md'), 'utf8')).toBe('# model');
    expect(await readdir(join(out, 'export', 'empty'))).toEqual([]);
    expect((await stat(join(out, 'top.txt'))).size).toBe(0);
    expect((await stat(join(out, 'export', 'model.onnx'))).mode & 0o777).toBe(0o600);
  });

  it.each([
    ['../evil.json', 'invalid relative path: ../evil.json'],
    ['a/../../evil.json', 'invalid relative path: a/../../evil.json'],
    ['/tmp/evil-zip-test.json', 'absolute path: /tmp/evil-zip-test.json'],
    ['C:evil.json', 'absolute path: C:evil.json'],
    ['..\\evil.json', 'invalid relative path: ../evil.json'],
  ])('an entry that leaves the folder (%j) is refused before anything is written', async (name, problem) => {
    const zip = await archive([
      { name: 'good.json', data: text('{}') },
      { name, data: text('{"evil":true}') },
    ]);
    const e = await refusal(extractZip(zip, out, HOW));
    expect(e.message).toBe(`Artifact 'a' (id 1) cannot be unpacked: ${problem}.`);
    expect([e.input, e.hint]).toEqual(['partials', 'Upload it again.']);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(join(work, 'evil.json'))).toBe(false);
    expect(existsSync('/tmp/evil-zip-test.json')).toBe(false);
  });

  it('a name twice, or a file and a folder of one name, is refused before anything is written', async () => {
    const twice = await refusal(
      extractZip(
        await archive([
          { name: 'p.json', data: text('1') },
          { name: './p.json', data: text('2') },
        ]),
        out,
        HOW,
      ),
    );
    expect(twice.message).toBe("Artifact 'a' (id 1) cannot be unpacked: the archive holds './p.json' twice.");
    const clash = await refusal(
      extractZip(
        await archive([
          { name: 'm', data: text('file') },
          { name: 'm/x', data: text('in a folder') },
        ]),
        out,
        HOW,
      ),
    );
    expect(clash.message).toBe("Artifact 'a' (id 1) cannot be unpacked: the archive holds 'm' as a file and as a folder.");
    expect(existsSync(out)).toBe(false);
  });

  it('an entry whose CRC-32 or size is not what the archive records is corrupt (with the hint)', async () => {
    const crc = await refusal(extractZip(await archive([{ name: 'p.json', data: text('{"a":1}'), recordedCrc32: 0x12345678 }]), out, HOW));
    expect(crc.message).toMatch(
      /^Artifact 'a' \(id 1\) cannot be unpacked: 'p\.json' inflates to 7 bytes with CRC-32 [0-9a-f]{8}, the archive records 7 bytes and 12345678\.$/,
    );
    expect(crc.hint).toBe('Upload it again.');
    const size = await refusal(
      extractZip(await archive([{ name: 'q.json', data: text('{"a":1}'), recordedSize: 5 }]), join(work, 'o2'), HOW),
    );
    expect(size.message).toBe("Artifact 'a' (id 1) cannot be unpacked: too many bytes in the stream. expected 5. got at least 7.");
    expect(size.hint).toBe('Upload it again.');
  });

  it('not a zip: corrupt, with the hint', async () => {
    const path = join(work, 'not.zip');
    await writeFile(path, 'just text');
    const e = await refusal(extractZip(path, out, HOW));
    expect(e.message).toMatch(/^Artifact 'a' \(id 1\) cannot be unpacked: End of central directory record signature not found/);
    expect(e.hint).toBe('Upload it again.');
  });

  it("a file already on disk is the disk's problem, not the archive's: refused ('wx'), kept, no archive hint", async () => {
    await mkdir(out);
    await writeFile(join(out, 'p.json'), 'mine');
    const e = await refusal(extractZip(await archive([{ name: 'p.json', data: text('theirs') }]), out, HOW));
    expect(e.message).toMatch(new RegExp(`^Artifact 'a' \\(id 1\\) cannot be unpacked into ${out}: EEXIST: file already exists`));
    expect(e.hint).toBeUndefined();
    expect(await readFile(join(out, 'p.json'), 'utf8')).toBe('mine');
  });

  it("choose's UserError is thrown as it is, before anything is written", async () => {
    const mine = new UserError('no model in it', { input: 'baseline-model' });
    const e = await refusal(
      extractZip(await archive([{ name: 'x.txt', data: text('x') }]), out, {
        ...HOW,
        choose: () => {
          throw mine;
        },
      }),
    );
    expect(e).toBe(mine);
    expect(existsSync(out)).toBe(false);
  });
});

describe('isSafeEntryName', () => {
  it.each([
    ['a.json', true],
    ['a/b/c.onnx', true],
    ['a/', true],
    ['..a', true],
    ['', false],
    ['/a', false],
    ['C:a', false],
    ['a\\b', false],
    ['a\0b', false],
    ['..', false],
    ['a/../b', false],
  ])('%j: %s', (name, safe) => {
    expect(isSafeEntryName(name)).toBe(safe);
  });
});
