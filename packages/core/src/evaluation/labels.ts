import type { UserError } from '../errors.js';
import type { Task } from '../metrics/definitions.js';
import type { NpyArray } from '../npy/array.js';
import { describeDType } from '../npy/dtype.js';
import { formatNumber } from '../util/format.js';
import { inputError } from './input-error.js';

/** One label and the row of the eval set it is on. */
export interface LabelAt {
  row: number;
  value: number;
}

/**
 * What every label of the eval set is, from one pass over them before any model runs on the whole
 * set: the task is chosen and the labels checked against it from this, with the first offending
 * row of each kind to name.
 */
export interface LabelSurvey {
  /** The labels' file, as messages name it. */
  label: string;
  /** Their dtype, as describeDType words it. */
  dtype: string;
  isFloat: boolean;
  /** The first NaN or infinite label. */
  nonFinite?: LabelAt;
  /** The first finite label that is not a whole number. */
  fraction?: LabelAt;
  /** The first label below 0. */
  negative?: LabelAt;
  /** The first label other than 0 and 1. */
  notBinary?: LabelAt;
  /** The first label at or above the classes the models score (classLimit). */
  tooLarge?: LabelAt;
  /** Whether every label lies in [0, 1]. */
  withinUnit: boolean;
  /** The largest label (-Infinity for none). */
  max: number;
}

/** Records `value` at `row` as the first of its kind. */
function firstOf(at: LabelAt | undefined, row: number, value: number): LabelAt {
  return at ?? { row, value };
}

function surveyOne(s: LabelSurvey, y: number, row: number, classLimit: number | undefined): void {
  if (!Number.isFinite(y)) {
    s.nonFinite = firstOf(s.nonFinite, row, y);
    return;
  }
  if (!Number.isInteger(y)) s.fraction = firstOf(s.fraction, row, y);
  if (y < 0) s.negative = firstOf(s.negative, row, y);
  if (y !== 0 && y !== 1) s.notBinary = firstOf(s.notBinary, row, y);
  if (classLimit !== undefined && y >= classLimit) s.tooLarge = firstOf(s.tooLarge, row, y);
  if (y < 0 || y > 1) s.withinUnit = false;
  if (y > s.max) s.max = y;
}

/**
 * Reads every label once, in batches of `batchRows` (memory holds one batch), and closes
 * `labels`. `classLimit`: the number of classes the models score, when any model gives scores.
 */
export async function surveyLabels(labels: NpyArray, batchRows: number, classLimit?: number): Promise<LabelSurvey> {
  const survey: LabelSurvey = {
    label: labels.label,
    dtype: describeDType(labels.dtype),
    isFloat: labels.dtype.kind === 'f',
    withinUnit: true,
    max: -Infinity,
  };
  const buffer = new Float64Array(batchRows);
  try {
    for (let start = 0; start < labels.rows; start += batchRows) {
      const n = Math.min(batchRows, labels.rows - start);
      await labels.readRows(start, n, buffer);
      for (let i = 0; i < n; i++) surveyOne(survey, buffer[i], start + i, classLimit);
    }
  } finally {
    await labels.close();
  }
  return survey;
}

/** "Input labels: the labels in FILE hold VALUE at row ROW; expected WHAT." */
function badLabel(s: LabelSurvey, at: LabelAt, expected: string, hint?: string): UserError {
  return inputError('labels', `the labels in ${s.label} hold ${formatNumber(at.value, 7)} at row ${at.row}; expected ${expected}.`, {
    file: s.label,
    hint,
  });
}

/** The earliest of the given rows (undefined ones left out). */
function earliest(...ats: (LabelAt | undefined)[]): LabelAt | undefined {
  return ats.reduce<LabelAt | undefined>((a, b) => (b && (!a || b.row < a.row) ? b : a), undefined);
}

/** What a classifier's labels must be: class ids from 0 (below `limit`, the classes the `scorer` scores). */
function checkClassIds(s: LabelSurvey, limit: number | undefined, scorer: string, oneColumn: boolean): void {
  const bad = earliest(s.nonFinite, s.fraction, s.negative, limit === undefined ? undefined : s.tooLarge);
  if (!bad) return;
  const expected = limit !== undefined ? `a class id from 0 to ${limit - 1} (the ${scorer} scores ${limit} classes)` : 'a class id >= 0';
  // only one column can be read as a regression's prediction, and only a finite label is a target
  const hint = s.isFloat && oneColumn && bad !== s.nonFinite ? `They are ${s.dtype}; for a regression set task: regression.` : undefined;
  throw badLabel(s, bad, expected, hint);
}

/**
 * Checks every label against the task: a regression target must be a finite number, a class label
 * a class id the models score. Returns the number of classes (classification).
 */
export function checkLabelsFit(
  s: LabelSurvey,
  task: Task,
  scores: { limit?: number; scorer: string; oneColumn: boolean },
): number | undefined {
  if (task === 'regression') {
    if (s.nonFinite) throw badLabel(s, s.nonFinite, 'a finite number (a regression target)');
    return undefined;
  }
  checkClassIds(s, scores.limit, scores.scorer, scores.oneColumn);
  return Math.max(scores.limit ?? s.max + 1, 2);
}
