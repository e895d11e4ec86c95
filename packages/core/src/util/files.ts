import { constants, type Stats } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';

/**
 * File inputs are regular files. A FIFO would block a read forever (past every deadline), a
 * device would stream without end, a directory is not data: they are refused before a byte is
 * read, with an error `fileProblem` (errors.ts) words.
 */
export class NotRegularFileError extends Error {
  readonly code = 'ENOTREG';
  constructor(
    readonly path: string,
    /** What it is instead: 'a FIFO', 'a socket', 'a character device', ... */
    readonly kind: string,
  ) {
    super(`${path} is ${kind}, not a regular file`);
    this.name = 'NotRegularFileError';
  }
}

function kindOf(s: Stats): string {
  if (s.isFIFO()) return 'a FIFO (named pipe)';
  if (s.isSocket()) return 'a socket';
  if (s.isCharacterDevice()) return 'a character device';
  if (s.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

function check(path: string, s: Stats): void {
  if (s.isFile()) return;
  if (s.isDirectory()) throw Object.assign(new Error(`${path} is a directory`), { code: 'EISDIR', path });
  throw new NotRegularFileError(path, kindOf(s));
}

/** The stats of `path` (links followed) when it is a regular file; throws otherwise. */
export async function statRegularFile(path: string): Promise<Stats> {
  const s = await stat(path);
  check(path, s);
  return s;
}

/**
 * Opens `path` for reading when it is a regular file. Opened without blocking (a FIFO with no
 * writer would block the open itself), then checked on the open handle, so that what is read is
 * what was checked.
 */
export async function openRegularFile(path: string): Promise<FileHandle> {
  const handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    check(path, await handle.stat());
    return handle;
  } catch (e) {
    await handle.close();
    throw e;
  }
}
