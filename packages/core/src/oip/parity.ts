/**
 * Prediction parity: the outputs the server returned against the local model's for the same
 * inputs. `values`: numpy.allclose per element, |served - local| <= atol + rtol × |local| (the
 * local model is the reference). `class`: the same argmax over the last axis in every row. An
 * output of one column ([N] or [N, 1]) has no argmax: integer values are class ids, compared as
 * they are; other values are binary scores, class 1 above a threshold: 0.5 when every value of
 * both tensors lies in [0, 1] (probabilities), else 0 (logits).
 */
import { formatNumber } from '../util/format.js';

export type ParityMode = 'values' | 'class';

export interface ParityTensor {
  name: string;
  shape: number[];
  data: ArrayLike<number>;
}

export interface ParityOptions {
  mode: ParityMode;
  atol: number;
  rtol: number;
}

export interface OutputParity {
  name: string;
  shape: number[];
  passed: boolean;
  elements: number;
  /** values mode: elements outside the tolerance; class mode: rows whose class differs. */
  mismatches: number;
  /** class mode: rows where the served output holds NaN or ±Infinity (no class; each a mismatch). */
  nonFiniteRows?: number;
  maxAbsDiff: number;
  /** max |served - local| / |local| over elements where local is not 0. */
  maxRelDiff: number;
  rows?: number;
  first?: { index: number; served: number; local: number };
  problem?: string;
}

export interface ParityResult {
  passed: boolean;
  mode: ParityMode;
  atol: number;
  rtol: number;
  outputs: OutputParity[];
}

/** Index of the largest value of each row (the last axis); the first one on ties, like numpy. */
export function argmaxRows(data: ArrayLike<number>, shape: readonly number[]): number[] {
  const width = shape.length >= 2 ? shape[shape.length - 1] : 1;
  const rows = width === 0 ? 0 : data.length / width;
  const out: number[] = [];
  for (let r = 0; r < rows; r++) {
    if (width === 1) {
      out.push(data[r]);
      continue;
    }
    let best = 0;
    for (let j = 1; j < width; j++) if (data[r * width + j] > data[r * width + best]) best = j;
    out.push(best);
  }
  return out;
}

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/** Counts a mismatch at `index`, keeping the first one. */
function mismatch(result: OutputParity, index: number, served: number, local: number): void {
  if (result.mismatches === 0) result.first = { index, served, local };
  result.mismatches++;
}

/** The differences of every element; in values mode, the elements outside atol + rtol × |local| (NaN never matches). */
function compareValues(served: ParityTensor, local: ParityTensor, o: ParityOptions, result: OutputParity): void {
  for (let i = 0; i < local.data.length; i++) {
    const s = served.data[i];
    const l = local.data[i];
    const diff = Math.abs(s - l);
    if (diff > result.maxAbsDiff || Number.isNaN(diff)) result.maxAbsDiff = Number.isNaN(diff) ? NaN : Math.max(result.maxAbsDiff, diff);
    if (l !== 0 && Number.isFinite(diff)) result.maxRelDiff = Math.max(result.maxRelDiff, diff / Math.abs(l));
    if (o.mode === 'values' && !(diff <= o.atol + o.rtol * Math.abs(l)) && !(s === l)) mismatch(result, i, s, l);
  }
}

const rowWidth = (shape: readonly number[]) => (shape.length >= 2 ? shape[shape.length - 1] : 1);

/**
 * The class of each row: the argmax, or for one column of scores, the side of the threshold. Only
 * finite values choose between ids and scores and the threshold (a served NaN row is a mismatch anyway).
 */
function rowClasses(served: ParityTensor, local: ParityTensor): [number[], number[]] {
  const width = rowWidth(local.shape);
  const all = width === 1 ? [...Array.from(served.data), ...Array.from(local.data)].filter((v) => Number.isFinite(v)) : [];
  if (width !== 1 || all.every((v) => Number.isInteger(v)))
    return [argmaxRows(served.data, served.shape), argmaxRows(local.data, local.shape)];
  const threshold = all.every((v) => v >= 0 && v <= 1) ? 0.5 : 0;
  const binary = (d: ArrayLike<number>) => Array.from(d, (v) => (v > threshold ? 1 : 0));
  return [binary(served.data), binary(local.data)];
}

/** The first value of row `r` that is NaN or ±Infinity, if any. */
function nonFiniteIn(data: ArrayLike<number>, width: number, r: number): number | undefined {
  for (let j = r * width; j < (r + 1) * width; j++) if (!Number.isFinite(data[j])) return data[j];
  return undefined;
}

/**
 * Row by row: a served row holding NaN or ±Infinity has no class and is a mismatch (argmax would
 * read an all-NaN row as class 0, and the threshold a NaN score as class 0: a broken server passed
 * for rows of class 0); any other row, the same class or a mismatch.
 */
function compareClasses(served: ParityTensor, local: ParityTensor, result: OutputParity): void {
  const [a, b] = rowClasses(served, local);
  const width = rowWidth(served.shape);
  result.rows = b.length;
  for (let r = 0; r < b.length; r++) {
    const bad = nonFiniteIn(served.data, width, r);
    if (bad !== undefined) {
      result.nonFiniteRows = (result.nonFiniteRows ?? 0) + 1;
      mismatch(result, r, bad, b[r]);
    } else if (a[r] !== b[r]) mismatch(result, r, a[r], b[r]);
  }
}

export function compareOutput(served: ParityTensor, local: ParityTensor, o: ParityOptions): OutputParity {
  const result: OutputParity = {
    name: local.name,
    shape: [...local.shape],
    passed: false,
    elements: local.data.length,
    mismatches: 0,
    maxAbsDiff: 0,
    maxRelDiff: 0,
  };
  if (!sameShape(served.shape, local.shape)) {
    result.problem = `the server returned shape [${served.shape.join(', ')}], the local model [${local.shape.join(', ')}]`;
    return result;
  }
  compareValues(served, local, o, result);
  if (o.mode === 'class') compareClasses(served, local, result);
  result.passed = result.mismatches === 0;
  return result;
}

/** Compares every output of the local model with the served output of the same name. */
export function compareOutputs(served: readonly ParityTensor[], local: readonly ParityTensor[], o: ParityOptions): ParityResult {
  const outputs = local.map((l) => {
    const s = served.find((x) => x.name === l.name) ?? (served.length === 1 && local.length === 1 ? served[0] : undefined);
    if (!s) {
      return {
        name: l.name,
        shape: [...l.shape],
        passed: false,
        elements: l.data.length,
        mismatches: 0,
        maxAbsDiff: NaN,
        maxRelDiff: NaN,
        problem: `the server returned no output '${l.name}' (it returned ${served.map((x) => `'${x.name}'`).join(', ') || 'none'})`,
      } satisfies OutputParity;
    }
    return compareOutput(s, l, o);
  });
  return { passed: outputs.every((x) => x.passed), mode: o.mode, atol: o.atol, rtol: o.rtol, outputs };
}

/** The tolerance as a reader sees it: "atol 1e-4 + rtol 0.001". */
export function describeTolerance(p: ParityOptions): string {
  return `atol ${formatNumber(p.atol)} + rtol ${formatNumber(p.rtol)}`;
}

/** One output's verdict, for messages. */
function describeOutputParity(x: OutputParity, p: ParityResult): string {
  if (x.problem) return `${x.name}: ${x.problem}`;
  const diffs = `max |served - local| ${formatNumber(x.maxAbsDiff)}, max relative ${formatNumber(x.maxRelDiff)}`;
  if (x.passed)
    return `${x.name}: ${p.mode === 'class' ? `same class in all ${x.rows} rows` : `all ${x.elements} values within ${describeTolerance(p)}`} (${diffs})`;
  const f = x.first!;
  // six digits: a value outside the tolerance differs from the local one within them unless rtol is below 1e-6
  const served = formatNumber(f.served, 6);
  const local = formatNumber(f.local, 6);
  const nonFinite = x.nonFiniteRows
    ? `; ${x.nonFiniteRows} of them hold NaN or ±Infinity in the served output, which has no class there`
    : '';
  return p.mode === 'class'
    ? `${x.name}: ${x.mismatches} of ${x.rows} rows get another class (first: row ${f.index}, served ${served}, local ${local}; ${diffs})${nonFinite}`
    : `${x.name}: ${x.mismatches} of ${x.elements} values differ beyond ${describeTolerance(p)} × |local| (first: element ${f.index}, served ${served}, local ${local}; ${diffs})`;
}

/** One line per output, for messages. */
export function describeParity(p: ParityResult): string {
  return p.outputs.map((x) => describeOutputParity(x, p)).join('; ');
}
