/**
 * Extracting a zip archive that came from outside (an artifact of a workflow run) into a folder,
 * safely: every entry's name is checked before a byte is written (none may leave the folder, none
 * may come twice), files are created new ('wx', mode 0o600: never over a file already there, never
 * readable by other users), and each file's size and CRC-32 are checked against the archive's
 * records (yauzl checks neither the CRC nor, for every method, the size). A bad archive and a disk
 * that cannot take the files are told apart in the UserErrors.
 */
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { crc32 } from 'node:zlib';
import yauzl from 'yauzl';

import { messageOf, UserError } from '../errors.js';
import { pathInside } from './files.js';

/** How extractZip words its errors, and the file wanted from the archive. */
export interface ZipExtraction {
  /** What the archive is, to start a message: "Artifact 'partial-1-of-2' (id 7)". */
  label: string;
  /** The action input the archive comes from (UserError.input). */
  input: string;
  /** What the user can do about an archive that cannot be extracted. */
  hint: string;
  /**
   * Picks the file wanted from the archive's file names (folders left out, archive order) before
   * anything is written; throws (a UserError) when there is none.
   */
  choose?: (files: readonly string[]) => string;
}

/** What extractZip wrote. */
export interface ExtractedZip {
  /** The archive's files, names as in the archive (`/` between folders), in archive order. */
  files: string[];
  /** The full path of the file `choose` picked (when given). */
  chosen?: string;
}

/**
 * Whether a zip entry's name stays inside the folder it is extracted to: not absolute (`/x`,
 * `C:x`), no `..` part, no backslash (a separator on Windows), no NUL. yauzl refuses these too;
 * checked again so that no archive can write outside the folder, whatever yauzl does.
 */
export function isSafeEntryName(name: string): boolean {
  if (!name || name.startsWith('/') || /^[a-zA-Z]:/.test(name) || /[\\\0]/.test(name)) return false;
  return !name.split('/').includes('..');
}

/** A problem of the archive itself (not of the disk): its message follows "cannot be unpacked: ". */
class ArchiveProblem extends Error {}

/** Where each entry goes; throws an ArchiveProblem for a name that leaves `root`, comes twice, or is a file and a folder. */
function destinations(entries: readonly yauzl.Entry[], root: string): string[] {
  const seen = new Set<string>();
  const folders = new Set<string>();
  const paths = entries.map(({ fileName }) => {
    const path = isSafeEntryName(fileName) ? pathInside(root, fileName) : undefined;
    if (!path) throw new ArchiveProblem(`the entry '${fileName}' would be written outside the folder it is extracted to`);
    if (seen.has(path)) throw new ArchiveProblem(`the archive holds '${fileName}' twice`);
    seen.add(path);
    if (fileName.endsWith('/')) folders.add(path);
    for (let up = dirname(path); up.length > root.length; up = dirname(up)) folders.add(up);
    return path;
  });
  const clash = entries.find((entry, i) => !entry.fileName.endsWith('/') && folders.has(paths[i]));
  if (clash) throw new ArchiveProblem(`the archive holds '${clash.fileName}' as a file and as a folder`);
  return paths;
}

/** Inflates `entry` into the new file `path`, checking its size and CRC-32 against the archive's records. */
async function extractEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  let crc = 0;
  let size = 0;
  await pipeline(
    await zip.openReadStreamPromise(entry),
    async function* (chunks: AsyncIterable<Buffer>) {
      for await (const chunk of chunks) {
        crc = crc32(chunk, crc);
        size += chunk.byteLength;
        yield chunk;
      }
    },
    createWriteStream(path, { flags: 'wx', mode: 0o600 }),
  );
  if (size !== entry.uncompressedSize || crc >>> 0 !== entry.crc32 >>> 0) {
    const hex = (n: number) => (n >>> 0).toString(16).padStart(8, '0');
    throw new ArchiveProblem(
      `'${entry.fileName}' inflates to ${size} bytes with CRC-32 ${hex(crc)}, the archive records ${entry.uncompressedSize} bytes and ${hex(entry.crc32)}`,
    );
  }
}

/** The UserError of a failed extraction: the disk's errors (ENOSPC, EACCES, EEXIST: they have a syscall) are not the archive's. */
function extractionError(e: unknown, folder: string, how: ZipExtraction): UserError {
  if (e instanceof UserError) return e;
  if (!(e instanceof ArchiveProblem) && (e as NodeJS.ErrnoException).syscall !== undefined) {
    return new UserError(`${how.label} cannot be unpacked into ${folder}: ${messageOf(e)}.`, { input: how.input, cause: e });
  }
  return new UserError(`${how.label} cannot be unpacked: ${messageOf(e).replace(/\.+$/, '')}.`, {
    input: how.input,
    hint: how.hint,
    cause: e,
  });
}

/** The archive's entries (read from its central directory) and where each goes, every name checked. */
async function listEntries(zip: yauzl.ZipFile, root: string): Promise<{ entries: yauzl.Entry[]; paths: string[] }> {
  const entries: yauzl.Entry[] = [];
  for await (const entry of zip.eachEntry()) entries.push(entry);
  return { entries, paths: destinations(entries, root) };
}

/**
 * Extracts the whole zip at `zipPath` into `folder` (created when needed; an ONNX model's external
 * data stays beside it): names are checked and `how.choose` picks its file before anything is
 * written, folder entries are made, files are created new with mode 0o600 and their size and
 * CRC-32 checked. Throws a UserError naming `how.input`: with `how.hint` for a bad archive (not a
 * zip, an entry that leaves the folder or comes twice, a corrupt entry), without for a disk error.
 * What was written before a failure is left for the caller to remove.
 */
export async function extractZip(zipPath: string, folder: string, how: ZipExtraction): Promise<ExtractedZip> {
  const root = resolve(folder);
  const failed = (e: unknown) => {
    throw extractionError(e, root, how);
  };
  const zip = await yauzl.openPromise(zipPath, { lazyEntries: true, autoClose: false }).catch(failed);
  try {
    const { entries, paths } = await listEntries(zip, root).catch(failed);
    const files = entries.filter((entry) => !entry.fileName.endsWith('/')).map((entry) => entry.fileName);
    const chosen = how.choose?.(files);
    const chosenAt = chosen === undefined ? -1 : entries.findIndex((entry) => entry.fileName === chosen);
    if (chosen !== undefined && (chosenAt < 0 || chosen.endsWith('/')))
      throw new Error(`choose picked '${chosen}', not a file of the archive`);
    await mkdir(root, { recursive: true }).catch(failed);
    for (const [i, entry] of entries.entries()) {
      const written = entry.fileName.endsWith('/') ? mkdir(paths[i], { recursive: true }) : extractEntry(zip, entry, paths[i]);
      await written.catch(failed);
    }
    return { files, ...(chosen === undefined ? {} : { chosen: paths[chosenAt] }) };
  } finally {
    zip.close();
  }
}
