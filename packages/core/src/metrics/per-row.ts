// Per-row values of a classifier's scores that the evaluation's hot loop averages or counts: the
// Brier score and whether the label is among the top k. Tiny, allocation-free, monomorphic: called
// once per row on millions of rows.

/**
 * The Brier score of one row from two sums over the K classes' probabilities p_c:
 * `sumOfSquares` = Σ_c p_c² and `labelProbability` = p_y. Multiclass (K > 2):
 * Σ_c (p_c − [c = y])² = Σ_c p_c² − 2·p_y + 1. Binary (K = 2): half of it, (p_1 − y)², which is
 * scikit-learn 1.7's brier_score_loss (scale_by_half='auto': the binary score is halved so that it
 * stays the classic (p − y)²). From logits z, with e_c = exp(z_c − max z) and S = Σ e_c as the
 * log-loss loop already has them: sumOfSquares = Σ e_c² / S², labelProbability = e_y / S — the
 * loop adds e_c² beside e_c, nothing else. Rounding: the expansion loses nothing relative to
 * the scores' own precision above ~1e-15 (absolute error a few ulp of 1); a slightly negative
 * result of a perfect row is 0.
 */
export function brierFromSums(sumOfSquares: number, labelProbability: number, classes: number): number {
  const sum = sumOfSquares - 2 * labelProbability + 1;
  const v = sum > 0 ? sum : 0;
  return classes === 2 ? v / 2 : v;
}

/**
 * Whether the label is among the k highest of `width` scores from `offset`: a hit iff fewer than
 * k classes score strictly higher than the label, #{c : s_c > s_y} < k. Ties count in the label's
 * favour (a label tied with others at the k-th place is a hit; scikit-learn's
 * top_k_accuracy_score breaks ties by its sort instead, so they agree on scores without ties). A
 * NaN label score is a miss; a NaN elsewhere never scores higher. Stops at the k-th higher score.
 */
export function topKHit(scores: ArrayLike<number>, offset: number, width: number, label: number, k: number): boolean {
  const labelScore = scores[offset + label];
  if (labelScore !== labelScore) return false;
  let higher = 0;
  for (let c = 0; c < width; c++) if (scores[offset + c] > labelScore && ++higher >= k) return false;
  return true;
}
