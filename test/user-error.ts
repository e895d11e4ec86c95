// The UserError a call throws, for the unit tests of packages/core that check error messages.
import { expect } from 'vitest';

import { UserError } from '../packages/core/src/errors.js';

/** The UserError `f` throws; fails the test when it throws something else or nothing. */
export function thrownUserError(f: () => unknown): UserError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return e as UserError;
  }
  throw new Error('expected a UserError, nothing was thrown');
}
