// What ROC-AUC, average precision and their paired inference need from the scores, in one sorted
// pass per class and model: the AUC (Mann–Whitney, ties halved), DeLong's structural components
// (folded into each row's influence on the macro AUC difference), the average precision, and the
// average precision with each jackknife group left out.

import { KeySorter } from './rank-order.js';
import type { RankScores } from './rank-scores.js';

/** The grouped jackknife's groups: row index mod JACKKNIFE_GROUPS. */
export const JACKKNIFE_GROUPS = 20;

/** One class ranked one-vs-rest: its label, the score column, and its positives / negatives. */
export interface RankedClass {
  label: number;
  column: number;
  positives: number;
  negatives: number;
}

/**
 * The classes ROC-AUC and average precision average over: binary — class 1 against 0, scored by
 * the one column; multiclass — every class present in the labels, scored by its own column
 * (one-vs-rest). A class absent from the labels has no AUC and is left out of the macro
 * (scikit-learn refuses the labels then). Also the rows per label, for DeLong's strata.
 */
export function rankedClasses(scores: RankScores): { classes: RankedClass[]; rowsPerLabel: Float64Array } {
  const labels = scores.labels();
  const rowsPerLabel = new Float64Array(scores.classes);
  for (let i = 0; i < labels.length; i++) rowsPerLabel[labels[i]]++;
  const n = labels.length;
  const classes: RankedClass[] = [];
  if (scores.width === 1) classes.push({ label: 1, column: 0, positives: rowsPerLabel[1], negatives: rowsPerLabel[0] });
  else
    for (let c = 0; c < scores.classes; c++)
      if (rowsPerLabel[c] > 0) classes.push({ label: c, column: c, positives: rowsPerLabel[c], negatives: n - rowsPerLabel[c] });
  return { classes, rowsPerLabel };
}

/** Buffers for ranking one column of n rows, reused column after column. */
export class RankWorkspace {
  readonly sorter: KeySorter;
  /** Per jackknife group: positives / negatives above the current block, in it, the group's positives, and the sums. */
  readonly above = new Float64Array(2 * JACKKNIFE_GROUPS);
  readonly inBlock = new Float64Array(2 * JACKKNIFE_GROUPS);
  readonly groupPositives = new Float64Array(JACKKNIFE_GROUPS);
  readonly groupSums = new Float64Array(JACKKNIFE_GROUPS);

  constructor(rows: number) {
    this.sorter = new KeySorter(rows);
  }
}

/** One model's ranking of one class. */
export interface ColumnRanking {
  /** Mann–Whitney AUC: mean over positives of V10 = P(negative < it) + P(tie)/2. */
  auc: number;
  /** scikit-learn's average precision: Σ over distinct thresholds (ΔTP/m)·precision. */
  averagePrecision: number;
}

/**
 * Ranks class `k` of one model: sorts the column (radix, rank-order.ts) and walks the tied blocks
 * from the highest score down. For a positive row V10 = (#negatives below + #tied/2)/n, for a
 * negative V01 = (#positives above + #tied/2)/m (DeLong's structural components, computed in
 * O(n) after the sort as Sun & Xu 2014 do with midranks); each is added to the row's influence
 * times `weight`/m or `weight`/n (when `influence` is given). Average precision adds, at each
 * block holding positives, (positives in it)·TP/(TP + FP) over m. With `jackknife`, the same sum
 * with each group's rows left out goes to ws.groupSums (divided by the positives left in).
 */
export function rankColumn(
  ws: RankWorkspace,
  scores: RankScores,
  model: 'new' | 'baseline',
  k: RankedClass,
  influence: { values: Float64Array; weight: number } | undefined,
  jackknife: boolean,
): ColumnRanking {
  const n = scores.rows;
  const labels = scores.labels();
  const { high, low, rows } = ws.sorter.sort(scores.scores(model), k.column, scores.width, n);
  if (jackknife) startGroups(ws, labels, k.label);
  const { label, positives: m, negatives } = k;
  const values = influence?.values;
  const positiveWeight = influence ? influence.weight / m : 0;
  const negativeWeight = influence ? influence.weight / negatives : 0;
  let positivesAbove = 0;
  let negativesAbove = 0;
  let v10Sum = 0;
  let apSum = 0;
  for (let i = n - 1; i >= 0;) {
    let j = i;
    while (j > 0 && high[j - 1] === high[i] && low[j - 1] === low[i]) j--;
    let positivesIn = 0;
    for (let t = j; t <= i; t++) if (labels[rows[t]] === label) positivesIn++;
    const negativesIn = i - j + 1 - positivesIn;
    const v10 = (negatives - negativesAbove - 0.5 * negativesIn) / negatives;
    const v01 = (positivesAbove + 0.5 * positivesIn) / m;
    v10Sum += positivesIn * v10;
    if (values !== undefined) {
      for (let t = j; t <= i; t++) values[rows[t]] += labels[rows[t]] === label ? positiveWeight * v10 : negativeWeight * v01;
    }
    const tp = positivesAbove + positivesIn;
    const fp = negativesAbove + negativesIn;
    if (positivesIn > 0) apSum += (positivesIn * tp) / (tp + fp);
    if (jackknife && i === j) groupRow(ws, rows[i] % JACKKNIFE_GROUPS, positivesIn === 1, tp, fp);
    else if (jackknife) groupBlock(ws, rows, labels, j, i, label, tp, fp);
    positivesAbove = tp;
    negativesAbove = fp;
    i = j - 1;
  }
  if (jackknife) for (let g = 0; g < JACKKNIFE_GROUPS; g++) ws.groupSums[g] /= m - ws.groupPositives[g];
  return { auc: v10Sum / m, averagePrecision: apSum / m };
}

/** Resets the per-group counters and counts each group's positives. */
function startGroups(ws: RankWorkspace, labels: Int32Array, label: number): void {
  ws.above.fill(0);
  ws.inBlock.fill(0);
  ws.groupPositives.fill(0);
  ws.groupSums.fill(0);
  for (let r = 0; r < labels.length; r++) if (labels[r] === label) ws.groupPositives[r % JACKKNIFE_GROUPS]++;
}

/**
 * A block of one row (of group `group`; the common case, scores rarely tie) for every
 * leave-one-group-out average precision: a positive adds TP_g/(TP_g + FP_g) to every other group's
 * sum (see groupBlock), then the row joins its group's counts above.
 */
function groupRow(ws: RankWorkspace, group: number, positive: boolean, tp: number, fp: number): void {
  const G = JACKKNIFE_GROUPS;
  const { above, groupSums } = ws;
  if (positive) {
    for (let g = 0; g < G; g++) {
      if (g === group) continue;
      const tpOut = tp - above[g];
      groupSums[g] += tpOut / (tpOut + fp - above[G + g]);
    }
    above[group]++;
  } else {
    above[G + group]++;
  }
}

/**
 * One tied block for every leave-one-group-out average precision: with group g left out, the
 * block adds (its positives outside g)·TP_g/(TP_g + FP_g), TP_g and FP_g the counts down to this
 * block outside g. `tp`, `fp`: the counts down to this block over all rows. O(G) per block holding
 * positives, O(block) otherwise.
 */
function groupBlock(
  ws: RankWorkspace,
  order: Uint32Array,
  labels: Int32Array,
  from: number,
  to: number,
  label: number,
  tp: number,
  fp: number,
): void {
  const G = JACKKNIFE_GROUPS;
  const { above, inBlock, groupSums } = ws;
  let positivesIn = 0;
  for (let t = from; t <= to; t++) {
    const r = order[t];
    const positive = labels[r] === label;
    if (positive) positivesIn++;
    inBlock[(positive ? 0 : G) + (r % G)]++;
  }
  if (positivesIn > 0) {
    for (let g = 0; g < G; g++) {
      const left = positivesIn - inBlock[g];
      if (left === 0) continue;
      const tpOut = tp - above[g] - inBlock[g];
      const fpOut = fp - above[G + g] - inBlock[G + g];
      groupSums[g] += (left * tpOut) / (tpOut + fpOut);
    }
  }
  for (let t = from; t <= to; t++) {
    const g = order[t] % G;
    above[g] += inBlock[g];
    above[G + g] += inBlock[G + g];
    inBlock[g] = 0;
    inBlock[G + g] = 0;
  }
}

/**
 * DeLong's variance of the (macro) AUC difference from the rows' influences: the sum over labels l
 * of m_l/(m_l − 1)·Σ_{rows of l} (ψ_r − mean_l ψ)², the rows of each label being one sample as
 * DeLong's positives and negatives are (their sample covariances divide by m − 1). NaN when a
 * label has a single row.
 */
export function stratifiedVariance(influence: Float64Array, labels: Int32Array, rowsPerLabel: Float64Array): number {
  const K = rowsPerLabel.length;
  const sums = new Float64Array(K);
  for (let r = 0; r < labels.length; r++) sums[labels[r]] += influence[r];
  const squares = new Float64Array(K);
  for (let r = 0; r < labels.length; r++) {
    const d = influence[r] - sums[labels[r]] / rowsPerLabel[labels[r]];
    squares[labels[r]] += d * d;
  }
  let variance = 0;
  for (let l = 0; l < K; l++) {
    const m = rowsPerLabel[l];
    if (m === 0) continue;
    if (m < 2) return NaN;
    variance += (m / (m - 1)) * squares[l];
  }
  return variance;
}
