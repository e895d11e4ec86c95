import { UserError, parseError, parsed, type ParseResult } from '../errors.js';
import { formatNumber } from '../util/format.js';

/**
 * How far an output is from its reference. `numpy`: an element mismatches when
 * |a - b| > atol + rtol * |b| (numpy.isclose, b the reference). `either` (Polygraphy's default):
 * only when |a - b| > atol AND |a - b| / |b| > rtol. NaN never matches, as numpy's equal_nan=False.
 */
export type ToleranceMode = 'numpy' | 'either';

export interface Tolerance {
  atol: number;
  rtol: number;
  mode: ToleranceMode;
  /**
   * NaN matches NaN (numpy's equal_nan=True): for comparing the model with itself (two runs, a
   * row alone and in its batch), never with a reference.
   */
  equalNan?: boolean;
}

/** The tolerance inputs: defaults, overrides by output name, and the share of elements allowed outside. */
export interface ToleranceSettings {
  atol: number;
  rtol: number;
  perOutputAtol: Record<string, number>;
  perOutputRtol: Record<string, number>;
  mode: ToleranceMode;
  maxMismatchRatio: number;
}

/** The tolerance output `name` is held to. */
export function toleranceFor(settings: ToleranceSettings, name: string): Tolerance {
  // own properties only: an output named 'constructor' or 'toString' must not find Object's
  const own = (m: Record<string, number>) => (Object.hasOwn(m, name) ? m[name] : undefined);
  return { atol: own(settings.perOutputAtol) ?? settings.atol, rtol: own(settings.perOutputRtol) ?? settings.rtol, mode: settings.mode };
}

/**
 * An element of an output or a reference, as a message shows it: seven significant digits, what
 * float32 holds, so that an element and its reference that differ visibly print differently.
 */
export function formatElement(v: number): string {
  return formatNumber(v, 7);
}

export interface Difference {
  elements: number;
  mismatches: number;
  mismatchRatio: number;
  maxAbsError: number;
  /** Largest |a - b| / |b| over elements whose reference is not 0 (an exact 0 match counts 0). */
  maxRelError: number;
  /** The element with the largest absolute error. */
  worst?: { index: number[]; actual: number; expected: number; absError: number };
}

export function unravelIndex(flat: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length).fill(0);
  for (let a = shape.length - 1; a >= 0; a--) {
    index[a] = flat % shape[a];
    flat = Math.floor(flat / shape[a]);
  }
  return index;
}

/** Equal values, equal infinities, and two NaN where the tolerance says NaN matches NaN. */
function same(a: number, b: number, t: Tolerance): boolean {
  return a === b || (t.equalNan === true && Number.isNaN(a) && Number.isNaN(b));
}

/**
 * Whether `a` (the model's) is outside the tolerance of `b` (the reference). Infinities match only
 * an equal infinity, as numpy's isclose has it (`Inf <= atol + rtol * Inf` would admit anything).
 */
export function isMismatch(a: number, b: number, t: Tolerance): boolean {
  if (same(a, b, t)) return false;
  if (Number.isNaN(a) || Number.isNaN(b)) return true;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return true;
  const abs = Math.abs(a - b);
  if (t.mode === 'numpy') return !(abs <= t.atol + t.rtol * Math.abs(b));
  return abs > t.atol && abs / Math.abs(b) > t.rtol;
}

/** Compares `actual` with `expected` element by element (both row-major, same length). */
export function compareArrays(actual: ArrayLike<number>, expected: ArrayLike<number>, shape: readonly number[], t: Tolerance): Difference {
  const n = expected.length;
  let mismatches = 0;
  let maxAbs = 0;
  let maxRel = 0;
  let worstAt = -1;
  for (let i = 0; i < n; i++) {
    const a = Number(actual[i]);
    const b = Number(expected[i]);
    if (isMismatch(a, b, t)) mismatches++;
    const abs = same(a, b, t) ? 0 : Math.abs(a - b);
    const absOrNaN = Number.isNaN(abs) ? Infinity : abs;
    if (absOrNaN > maxAbs || (worstAt < 0 && absOrNaN >= maxAbs)) {
      maxAbs = absOrNaN;
      worstAt = i;
    }
    if (b !== 0 && abs / Math.abs(b) > maxRel) maxRel = abs / Math.abs(b);
  }
  return {
    elements: n,
    mismatches,
    mismatchRatio: n ? mismatches / n : 0,
    maxAbsError: maxAbs,
    maxRelError: maxRel,
    worst:
      worstAt >= 0
        ? { index: unravelIndex(worstAt, shape), actual: Number(actual[worstAt]), expected: Number(expected[worstAt]), absError: maxAbs }
        : undefined,
  };
}

/** A tolerance input: the default, and overrides by output name. */
export interface PerOutput {
  value: number;
  perOutput: Record<string, number>;
}

/**
 * Parses a tolerance input: a default and per-output overrides, separated by commas, spaces or
 * lines: `1e-5`, `1e-5, logits:1e-4`. The error is the first part that is not a number >= 0 or
 * `output:number`, quoted.
 */
export function parsePerOutput(text: string, fallback: number): ParseResult<PerOutput> {
  let value = fallback;
  // no prototype: an output named '__proto__' or 'constructor' is a key like any other
  const perOutput = Object.create(null) as Record<string, number>;
  for (const part of text.split(/[\s,]+/).filter(Boolean)) {
    const at = part.lastIndexOf(':');
    const name = at >= 0 ? part.slice(0, at) : undefined;
    const raw = at >= 0 ? part.slice(at + 1) : part;
    const v = Number(raw);
    if (raw === '' || !Number.isFinite(v) || v < 0 || name === '') return parseError(`'${part}'`);
    if (name === undefined) value = v;
    else perOutput[name] = v;
  }
  return parsed({ value, perOutput });
}

/**
 * Per-output tolerances name outputs of the model: an override for an output it does not have (a
 * typo: `logit:1e-3`) would otherwise be ignored and hold `logits` to the default silently.
 */
export function checkToleranceNames(settings: ToleranceSettings, outputs: string[]): void {
  for (const [input, perOutput] of [
    ['atol', settings.perOutputAtol],
    ['rtol', settings.perOutputRtol],
  ] as const) {
    const unknown = Object.keys(perOutput).filter((name) => !outputs.includes(name));
    if (unknown.length) {
      throw new UserError(
        `Input ${input} names ${unknown.map((n) => `'${n}'`).join(', ')}, which the model does not have; its outputs are ${outputs.join(', ') || 'none'}.`,
        { input },
      );
    }
  }
}
