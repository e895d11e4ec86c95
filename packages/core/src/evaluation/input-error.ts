import { UserError, type UserErrorDetails } from '../errors.js';

/**
 * The errors of an evaluation name the action input at fault, in the annotation as in the report:
 * "Input NAME: WHAT IS WRONG". The input is the one whose value the user changes to fix it.
 */
export function inputError(input: string, message: string, details: Omit<UserErrorDetails, 'input'> = {}): UserError {
  return new UserError(`Input ${input}: ${message}`, { ...details, input });
}

/**
 * An error of a reader that knows files, not inputs (the .npy/.npz reader), naming the input that
 * chose the file (or the one it named itself). Anything but a UserError is passed on as it is.
 */
export function namingInput(e: unknown, input: string): unknown {
  if (!(e instanceof UserError)) return e;
  return inputError(e.input ?? input, e.message, { file: e.file, hint: e.hint, cause: e.cause });
}
