// Top-k accuracy of two models on the same rows: a 2 x 2 table of paired hits, McNemar's exact
// test and Newcombe's interval of its improvement.

import type { InferenceSettings, MetricComparison } from '../evaluation/comparison.js';
import { pairedProportionComparison, withoutBaseline } from './metric-comparison.js';
import { mcnemarTest } from './compare-confusion.js';

/** What PairedHits.toJSON writes: rows per (new hit, baseline hit), cell newHit·2 + baselineHit. */
export interface PairedHitsJson {
  /** [neither, baseline only, new only, both] */
  counts: [number, number, number, number];
}

/**
 * The sufficient statistic of a paired hit-rate metric (top-k accuracy, topKHit in per-row.ts):
 * rows counted by (new model hits, baseline hits), cell newHit·2 + baselineHit. Counts are
 * integers in doubles (exact to 2^53); merging adds them. Without a baseline, add with
 * `baselineHit` false and compare with `paired: false`.
 */
export class PairedHits {
  private readonly counts = new Float64Array(4);

  /** One row. */
  add(newHit: boolean, baselineHit: boolean): void {
    this.counts[(newHit ? 2 : 0) + (baselineHit ? 1 : 0)]++;
  }

  /** Adds another table's counts. */
  merge(other: PairedHits): void {
    for (let i = 0; i < 4; i++) this.counts[i] += other.counts[i];
  }

  /** The four counts: [neither, baseline only, new only, both]. */
  cells(): Float64Array {
    return this.counts.slice();
  }

  toJSON(): PairedHitsJson {
    const [a, b, c, d] = this.counts;
    return { counts: [a, b, c, d] };
  }

  /** The table toJSON wrote; counts that are not four non-negative integers throw a RangeError. */
  static fromJSON(json: PairedHitsJson): PairedHits {
    if (json.counts.length !== 4 || json.counts.some((x) => !Number.isInteger(x) || x < 0)) {
      throw new RangeError(`PairedHits.fromJSON: bad counts ${JSON.stringify(json.counts)}`);
    }
    const hits = new PairedHits();
    hits.counts.set(json.counts);
    return hits;
  }
}

/**
 * Compares the two models' hit rates as `metric` (default 'top-k-accuracy'): values
 * (new-model hits)/N and (baseline hits)/N; improvement their difference; p-values McNemar's
 * exact one-sided tests on the rows where exactly one model hits; interval Newcombe's hybrid score
 * interval of a paired difference (paired-proportions.ts; `options.stream` is unused). Without a
 * baseline (`options.paired` false) only the new model's rate is given.
 */
export function compareHits(
  hits: PairedHits,
  s: InferenceSettings,
  options: { paired: boolean; stream: number; metric?: string },
): MetricComparison {
  const metric = options.metric ?? 'top-k-accuracy';
  const [neither, baselineOnly, newOnly, both] = hits.cells();
  const rows = neither + baselineOnly + newOnly + both;
  if (rows === 0) return withoutBaseline(metric, true, null, 'no rows');
  const values = { metric, higherIsBetter: true, new: (newOnly + both) / rows, baseline: (baselineOnly + both) / rows };
  if (!options.paired) return withoutBaseline(metric, true, values.new);
  return pairedProportionComparison(values, { newOnly, baselineOnly, both, neither }, s, mcnemarTest(newOnly, baselineOnly));
}
