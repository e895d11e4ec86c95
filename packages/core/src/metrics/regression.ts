import type { MetricValues } from './definitions.js';

export interface RegressionResult {
  metrics: MetricValues;
  unavailable: Record<string, string>;
  rows: number;
}

/** Streams predictions and targets into rmse, mae and r2 (r2 by Welford's running variance). */
export class RegressionAccumulator {
  private rows = 0;
  private squaredError = 0;
  private absoluteError = 0;
  private mean = 0;
  private m2 = 0;

  add(predictions: ArrayLike<number>, targets: ArrayLike<number>, n: number): void {
    for (let i = 0; i < n; i++) {
      const y = targets[i];
      const e = predictions[i] - y;
      this.squaredError += e * e;
      this.absoluteError += Math.abs(e);
      this.rows++;
      const d = y - this.mean;
      this.mean += d / this.rows;
      this.m2 += d * (y - this.mean);
    }
  }

  result(): RegressionResult {
    const n = this.rows;
    const unavailable: Record<string, string> = {};
    // constant targets: scikit-learn's r2_score (force_finite) gives 1 for a perfect fit, else 0
    let r2: number | null = this.m2 > 0 ? 1 - this.squaredError / this.m2 : this.squaredError === 0 ? 1 : 0;
    if (n < 2) {
      r2 = null;
      unavailable.r2 = 'r2 needs at least two rows';
    }
    return {
      metrics: { rmse: Math.sqrt(this.squaredError / n), mae: this.absoluteError / n, r2 },
      unavailable,
      rows: n,
    };
  }
}
