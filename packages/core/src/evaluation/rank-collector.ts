/**
 * Keeps the per-row scores that roc-auc and average-precision rank (metrics/rank-scores.ts): the
 * one part of the evaluation whose memory grows with the rows, so it is bounded. Within
 * RANK_SCORES_BUDGET the scores are always kept; beyond it only when the gate or a threshold names a
 * rank metric (then the memory is what it takes: 4 + 8·w bytes a row per model, w = 1 for two
 * classes, else the number of classes, and 32 bytes a row more while they are ranked), and
 * otherwise the metrics are reported unavailable with the reason.
 */
import { RankScores, type RankScoresJson } from '../metrics/rank-scores.js';
import { formatBytes } from '../util/format.js';
import { finalReading, type ReadingState, type ScoredBatch } from './row-values.js';

/** Per-row scores kept without being asked for: 64 MiB (a binary set of 1,000,000 rows takes 52 MB). */
export const RANK_SCORES_BUDGET = 64 * 2 ** 20;

/** What ranking the scores takes besides them, a row (compareRank's sort keys and order). */
const RANKING_BYTES_PER_ROW = 32;

/** The rank metrics' scores, or why there are none. */
export type RankData = { scores: RankScores } | { unavailable: string };

/** A RankCollector as JSON (a shard's partial result): the scores as read, logits not yet softmaxed. */
export type RankCollectorJson = { scores: RankScoresJson } | { unavailable: string };

export class RankCollector {
  private readonly margins: Float64Array[];

  private constructor(
    private readonly data: RankData,
    batchRows: number,
    models: number,
  ) {
    this.margins = Array.from({ length: models }, () => new Float64Array(batchRows));
  }

  /**
   * Decides, before the pass, whether the scores are kept (`needed`: the gate or a threshold ranks):
   * on the eval set's `rows`, so that every shard decides alike; room is made for the `scoredRows`.
   */
  static create(
    models: readonly ScoredBatch[],
    classes: number,
    { rows, scoredRows }: { rows: number; scoredRows: number },
    batchRows: number,
    needed: boolean,
  ): RankCollector {
    const skip = (unavailable: string) => new RankCollector({ unavailable }, 0, 0);
    const labels = models.find((m) => m.outputIsLabels);
    if (labels) return skip(`the ${labels === models[0] ? 'new' : 'baseline'} model outputs class ids, not scores to rank`);
    const width = classes === 2 ? 1 : classes;
    const bytes = rows * (4 + 8 * width * models.length + RANKING_BYTES_PER_ROW);
    if (!needed && bytes > RANK_SCORES_BUDGET) {
      return skip(
        `not computed: ranking needs every row's scores (${formatBytes(bytes)} for ${rows} rows), more than the ` +
          `${formatBytes(RANK_SCORES_BUDGET)} kept unasked; name it in metric or thresholds to compute it`,
      );
    }
    return new RankCollector({ scores: new RankScores(classes, models.length === 2, scoredRows) }, batchRows, models.length);
  }

  /** Whether the scores are kept (else the rank metrics are unavailable). */
  get keeps(): boolean {
    return 'scores' in this.data;
  }

  /** Adds a batch: each model's scores (binary: one increasing with P(class 1) per row; else every class's). */
  add(models: readonly ScoredBatch[], labels: Float64Array, n: number): void {
    if (!('scores' in this.data)) return;
    const ranks = this.data.scores;
    const perModel = models.map((m, i) => (ranks.width === 1 ? this.binaryScores(m, this.margins[i], n) : m.scores));
    ranks.addRows(labels, perModel[0], perModel[1], n);
  }

  /** One column as it is; two columns as the margin s1 - s0, which orders rows as P(class 1) does under either reading. */
  private binaryScores(m: ScoredBatch, out: Float64Array, n: number): Float64Array {
    if (m.width === 1) return m.scores;
    for (let i = 0; i < n; i++) out[i] = m.scores[2 * i + 1] - m.scores[2 * i];
    return out;
  }

  /**
   * The scores, as probabilities where the outputs turned out to be logits (several classes: softmax
   * per row; `readings` of the whole evaluation). Ends the collector: the scores are changed in place.
   */
  finish(readings: readonly ReadingState[]): RankData {
    if (!('scores' in this.data)) return this.data;
    const ranks = this.data.scores;
    if (ranks.width > 1) {
      readings.forEach((r, i) => {
        if (finalReading(r) === 1) softmaxRows(ranks.scores(i === 0 ? 'new' : 'baseline'), ranks.width);
      });
    }
    return this.data;
  }

  /** Appends the rows of the shard that follows this one's. */
  merge(other: RankCollector): void {
    if ('scores' in this.data && 'scores' in other.data) this.data.scores.merge(other.data.scores);
    else if ('scores' in this.data !== 'scores' in other.data) throw new RangeError('RankCollector.merge: scores kept in one shard only');
  }

  toJSON(): RankCollectorJson {
    return 'scores' in this.data ? { scores: this.data.scores.toJSON() } : { unavailable: this.data.unavailable };
  }

  static fromJSON(json: RankCollectorJson): RankCollector {
    const data: RankData = 'scores' in json ? { scores: RankScores.fromJSON(json.scores) } : { unavailable: String(json.unavailable) };
    return new RankCollector(data, 0, 0);
  }
}

/** Replaces each row of `width` logits by its softmax, in place. */
function softmaxRows(scores: Float64Array, width: number): void {
  for (let o = 0; o < scores.length; o += width) {
    let max = -Infinity;
    for (let c = 0; c < width; c++) if (scores[o + c] > max) max = scores[o + c];
    let sum = 0;
    for (let c = 0; c < width; c++) sum += scores[o + c] = Math.exp(scores[o + c] - max);
    for (let c = 0; c < width; c++) scores[o + c] /= sum;
  }
}
