import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32 } from 'node:zlib';
import yauzl from 'yauzl';

import { messageOf, UserError } from '../errors.js';

/**
 * Whether a zip entry's name stays inside the folder it is extracted to: not absolute (`/x`,
 * `C:x`), no `..` part, no backslash (a separator on Windows), no NUL. yauzl refuses these too;
 * this is checked again so that no archive can write outside the folder, whatever yauzl does.
 */
export function isSafeEntryName(name: string): boolean {
  if (!name || name.startsWith('/') || /^[a-zA-Z]:/.test(name) || /[\\\0]/.test(name)) return false;
  return !name.split('/').includes('..');
}

/** The file names in a zip, read from its central directory; a folder entry (`dir/`) is left out. */
export interface ZipContents {
  files: string[];
}

/** What the archive is, for messages: "artifact 'model' of run 42 (https://...)". */
type Label = string;

function openZip(zipPath: string, label: Label): Promise<yauzl.ZipFile> {
  return new Promise<yauzl.ZipFile>((done, fail) =>
    yauzl.open(zipPath, { lazyEntries: true, autoClose: false }, (err, zip) => (err ? fail(err) : done(zip))),
  ).catch((e: unknown) => {
    throw corrupt(label, e);
  });
}

function corrupt(label: Label, e: unknown): UserError {
  return new UserError(`${label} is not a zip archive that can be read safely: ${messageOf(e)}.`, {
    input: 'baseline-model',
    hint: 'Upload it again (actions/upload-artifact); an archive whose names leave its folder (.., absolute paths) is refused.',
    cause: e,
  });
}

/** Every entry of an open zip, in archive order; an unsafe name is an error naming the entry. */
function readEntries(zip: yauzl.ZipFile, label: Label): Promise<yauzl.Entry[]> {
  const entries: yauzl.Entry[] = [];
  return new Promise<yauzl.Entry[]>((done, fail) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      if (!isSafeEntryName(entry.fileName)) {
        fail(corrupt(label, new Error(`the entry '${entry.fileName}' would be written outside the folder it is extracted to`)));
        return;
      }
      entries.push(entry);
      zip.readEntry();
    });
    zip.on('end', () => done(entries));
    zip.on('error', (e: unknown) => fail(corrupt(label, e)));
    zip.readEntry();
  });
}

/** Inflates one entry to `file`, checking its size and CRC-32 against the archive's records. */
async function extractEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, file: string, label: Label): Promise<void> {
  const stream = await new Promise<Readable>((done, fail) => zip.openReadStream(entry, (err, s) => (err ? fail(err) : done(s))));
  let crc = 0;
  let size = 0;
  await mkdir(dirname(file), { recursive: true });
  await pipeline(
    stream,
    async function* (chunks: AsyncIterable<Buffer>) {
      for await (const chunk of chunks) {
        crc = crc32(chunk, crc);
        size += chunk.byteLength;
        yield chunk;
      }
    },
    createWriteStream(file, { mode: 0o600 }),
  );
  if (size !== entry.uncompressedSize || crc >>> 0 !== entry.crc32 >>> 0) {
    throw corrupt(
      label,
      new Error(
        `'${entry.fileName}' inflates to ${size} bytes with CRC-32 ${(crc >>> 0).toString(16)}, the archive records ${entry.uncompressedSize} and ${(entry.crc32 >>> 0).toString(16)}`,
      ),
    );
  }
}

/**
 * Extracts every file of the zip at `zipPath` into `folder` (the whole archive, so that an ONNX
 * model's external data files are found beside it), after `choose` has picked the file wanted from
 * the listing (it throws when there is none). Names that would leave `folder` are refused before
 * anything is written; each file's size and CRC-32 are checked. Returns the chosen file's path.
 */
export async function extractZip(
  zipPath: string,
  folder: string,
  label: Label,
  choose: (contents: ZipContents) => string,
): Promise<string> {
  const zip = await openZip(zipPath, label);
  try {
    const entries = (await readEntries(zip, label)).filter((e) => !e.fileName.endsWith('/'));
    const chosen = choose({ files: entries.map((e) => e.fileName) });
    const root = resolve(folder);
    for (const entry of entries) {
      const file = join(root, ...entry.fileName.split('/'));
      if (!file.startsWith(root + sep)) throw corrupt(label, new Error(`the entry '${entry.fileName}' leaves the folder`));
      await extractEntry(zip, entry, file, label).catch((e: unknown) => {
        if (e instanceof UserError) throw e;
        // the disk's errors (ENOSPC, EACCES) are not the archive's
        if ((e as NodeJS.ErrnoException).syscall) {
          throw new UserError(`${file} cannot be written: ${messageOf(e)}.`, { input: 'baseline-model', cause: e });
        }
        throw corrupt(label, e);
      });
    }
    return join(root, ...chosen.split('/'));
  } finally {
    zip.close();
  }
}
