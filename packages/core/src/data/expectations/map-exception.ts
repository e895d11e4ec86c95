/**
 * An expectation that could not be evaluated on this data, where Great Expectations' pandas engine
 * raises inside the metric (a text value against a numeric `min_value`: Python's TypeError) and
 * reports the entry as failed with `exception_info` instead of counts. Thrown by an Expectation's
 * finish(); the engine turns it into GE's `exception_info` (`raised_exception: true`,
 * `exception_message`) with `success: false`. It is not a UserError: the suite and the data are
 * both readable, they just do not fit together, and the other entries still run.
 */
export class ExpectationException extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExpectationException';
  }
}

export function isExpectationException(e: unknown): e is ExpectationException {
  return e instanceof ExpectationException;
}
