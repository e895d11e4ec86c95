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
