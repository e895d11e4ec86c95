import { formatBytes } from './util/format.js';

/**
 * The one user-facing error type. Anything thrown that is not a UserError is a bug in this
 * project: the action shell prints its stack trace to the debug log; a UserError becomes an
 * error annotation (on `file` when there is one) and a failed step, with no stack trace.
 */
export interface UserErrorDetails {
  /** The file at fault, as the user named it. */
  file?: string;
  /** The action input at fault (its name in action.yml). */
  input?: string;
  /** What the user can do about it. */
  hint?: string;
  cause?: unknown;
}

export class UserError extends Error {
  readonly file?: string;
  readonly input?: string;
  readonly hint?: string;

  constructor(message: string, details: UserErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'UserError';
    this.file = details.file;
    this.input = details.input;
    this.hint = details.hint;
  }

  /** The message with the hint, as shown to the user. */
  describe(): string {
    return this.hint ? `${this.message} ${this.hint}` : this.message;
  }
}

export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}

/** The message of any thrown value, for embedding in a UserError. */
export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** What every action's report records of the error that ended it. */
export interface ReportError {
  message: string;
  file?: string;
  input?: string;
}

/**
 * The result of every parser of user text (an input, a file, a server's answer): the value, or
 * what is wrong with the text, worded to follow "Input NAME is ...; " or "FILE: ".
 */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

export const parsed = <T>(value: T): ParseResult<T> => ({ ok: true, value });
export const parseError = <T = never>(error: string): ParseResult<T> => ({ ok: false, error });

/** How inputValue words a bad input: the text to show (never for a secret) and what was expected. */
export interface InputProblemWording {
  /** The value as given, quoted in the message; leave out for values that may hold a secret. */
  shown?: string;
  /** What the input accepts: "codes, ranges or classes such as 200, 2xx". */
  expected?: string;
  hint?: string;
}

/** "Input NAME is 'SHOWN'; expected WHAT IT ACCEPTS." — the one wording of a value of the wrong form. */
export function badInputValue(input: string, shown: string, expected: string, hint?: string): UserError {
  return new UserError(`Input ${input} is '${shown}'; expected ${expected}.`, { input, hint });
}

/**
 * The value of a parse of input `input`, or a UserError naming the input:
 * "Input NAME is 'TEXT': WHAT IS WRONG; expected WHAT IT ACCEPTS."
 */
export function inputValue<T>(input: string, result: ParseResult<T>, wording: InputProblemWording = {}): T {
  if (result.ok) return result.value;
  const shown = wording.shown === undefined ? '' : ` is '${wording.shown}'`;
  const expected = wording.expected ? `; expected ${wording.expected}` : '';
  throw new UserError(`Input ${input}${shown}: ${result.error}${expected}.`, { input, hint: wording.hint });
}

/**
 * Why a file could not be opened or read, from the error Node gave: "does not exist",
 * "cannot be read (permission denied)", "is a directory, expected a file", ... — so that a
 * missing file and an unreadable one are never told apart wrongly.
 */
export function fileProblem(e: unknown, expected = 'a file'): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ETOOLARGE': {
      const { size, limit } = e as { size: number; limit: number };
      return `is ${formatBytes(size)}, more than the ${formatBytes(limit)} read of ${expected}`;
    }
    case 'ENOTREG':
      return `is ${(e as { kind?: string }).kind ?? 'not a regular file'}, expected ${expected}`;
    case 'ENOENT':
      return 'does not exist';
    case 'ENOTDIR':
      return 'does not exist (a part of its path is not a directory)';
    case 'EACCES':
    case 'EPERM':
      return 'cannot be read (permission denied)';
    case 'EISDIR':
      return `is a directory, expected ${expected}`;
    case 'ELOOP':
      return 'cannot be read (too many symbolic links)';
    case 'ENAMETOOLONG':
      return 'cannot be read (the path is too long)';
    default:
      return `cannot be read: ${messageOf(e)}`;
  }
}
