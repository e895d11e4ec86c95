/** The number of elements of a tensor of this shape (1 for a scalar's empty shape). */
export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** The number of elements of one row: every dimension but the first. */
export function rowElementCount(shape: readonly number[]): number {
  return elementCount(shape.slice(1));
}
