import { constants, type Stats } from 'node:fs';
import { access, mkdtemp, open, stat, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';

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

/** A regular file larger than the reader takes; `fileProblem` words it with the size and the limit. */
export class FileTooLargeError extends Error {
  readonly code = 'ETOOLARGE';
  constructor(
    readonly path: string,
    readonly size: number,
    readonly limit: number,
  ) {
    super(`${path} is ${size} bytes, more than ${limit}`);
    this.name = 'FileTooLargeError';
  }
}

/**
 * The whole of a regular file, at most `maxBytes` (checked on the open handle before a byte is
 * read). Errors carry a code for `fileProblem`: ENOENT, EISDIR, ENOTREG, ETOOLARGE, ...
 */
export async function readRegularFile(path: string, maxBytes: number): Promise<Buffer> {
  const handle = await openRegularFile(path);
  try {
    const { size } = await handle.stat();
    if (size > maxBytes) throw new FileTooLargeError(path, size, maxBytes);
    // exactly the size checked: a file that grows meanwhile is not read past the bound
    const bytes = Buffer.alloc(size);
    let done = 0;
    while (done < size) {
      const { bytesRead } = await handle.read(bytes, done, size - done, done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return bytes.subarray(0, done);
  } finally {
    await handle.close();
  }
}

/** Throws unless `path` is a regular file this process may read (no byte of it is read). */
export async function checkReadableRegularFile(path: string): Promise<void> {
  await statRegularFile(path);
  await access(path, constants.R_OK);
}

/**
 * `root/rel` resolved, when it lies strictly inside `root` (not `root` itself); undefined when it
 * would leave it (`..` parts, an absolute `rel`). The one containment check for paths that come
 * from outside (a zip entry's name, a name GitHub lists): symbolic links are not followed.
 */
export function pathInside(root: string, rel: string): string | undefined {
  const base = resolve(root);
  const full = resolve(base, rel);
  const inside = relative(base, full);
  if (!inside || isAbsolute(inside) || inside === '..' || inside.startsWith(`..${sep}`)) return undefined;
  return full;
}

/**
 * Whether `name` can be used as one file name inside a folder as it is: not empty, not `.` or
 * `..`, without a separator (`/`, `\`) or NUL. For names that come from outside (an artifact's,
 * a release asset's) and become one part of a path.
 */
export function isPlainFileName(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !/[/\\\0]/.test(name);
}

/**
 * The runner's temporary folder: RUNNER_TEMP (emptied at the start and end of every job, so what
 * is left there leaks into no other job), else the OS's (outside GitHub Actions, in tests).
 */
export function runnerTemp(env: NodeJS.ProcessEnv = process.env): string {
  return env.RUNNER_TEMP || tmpdir();
}

/** A new, empty folder `<prefix>XXXXXX` (mode 0o700) in runnerTemp: for downloads, partials, unpacked archives. */
export function runnerTempDir(prefix: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return mkdtemp(join(runnerTemp(env), prefix));
}
