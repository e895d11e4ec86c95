/**
 * Every row's label and both models' scores, for the rank metrics (ROC-AUC, average precision),
 * which — unlike the others — have no sufficient statistic smaller than the rows.
 *
 * Binary (2 classes): one score per row per model, any score increasing with P(class 1) (the
 * probability of class 1, its logit, or the margin of two logits). Multiclass (K >= 3): the K
 * class probabilities per row per model, as scikit-learn ranks them (one-vs-rest); logits must be
 * softmaxed by the caller, since the order of a class's logits across rows is not the order of its
 * probabilities. Memory: 4 + 8·w bytes a row for the label and each model's scores (w = 1 or K),
 * grown by doubling (so up to twice that) unless `expectedRows` reserves it all at once; bytes()
 * says how much, for a memory budget. compareRank needs 32 bytes a row more while it runs.
 * Merging is concatenation: row order matters only to the jackknife's groups (row index mod 20),
 * so merge shards in a fixed order.
 */
/** What RankScores.toJSON writes: the rows' labels and each model's scores as little-endian bytes in base64 (exact to the bit). */
export interface RankScoresJson {
  classes: number;
  paired: boolean;
  rows: number;
  /** Int32 labels. */
  labels: string;
  /** Float64 scores, `width` per row. */
  new: string;
  baseline: string | null;
}

function base64Of(values: Int32Array | Float64Array): string {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
}

/** The typed array base64Of wrote, checked to hold `length` elements. */
function fromBase64<T extends Int32Array | Float64Array>(text: string, make: (n: number) => T, length: number, what: string): T {
  const bytes = Buffer.from(text, 'base64');
  const out = make(length);
  if (bytes.length !== out.byteLength)
    throw new RangeError(`RankScores.fromJSON: ${what} hold ${bytes.length} bytes, expected ${out.byteLength}`);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

export class RankScores {
  /** Scores per row per model: 1 (binary) or K. */
  readonly width: number;
  private labelsBuffer: Int32Array;
  private newBuffer: Float64Array;
  private baselineBuffer?: Float64Array;
  private count = 0;
  private nan = false;

  /** `expectedRows`: the rows to reserve room for at once (1,024 by default, then doubling). */
  constructor(
    readonly classes: number,
    readonly paired: boolean,
    expectedRows = 1024,
  ) {
    if (!Number.isInteger(classes) || classes < 2)
      throw new RangeError(`RankScores: the number of classes must be an integer >= 2, got ${classes}`);
    this.width = classes === 2 ? 1 : classes;
    const rows = Math.max(1, Math.floor(expectedRows));
    this.labelsBuffer = new Int32Array(rows);
    this.newBuffer = new Float64Array(rows * this.width);
    if (paired) this.baselineBuffer = new Float64Array(rows * this.width);
  }

  /** Rows held. */
  get rows(): number {
    return this.count;
  }

  /** Whether some score is NaN (the rank metrics are then unavailable). */
  get hasNaN(): boolean {
    return this.nan;
  }

  /**
   * Adds `n` rows: labels (class ids in [0, K), checked), and `width` scores per row of each model
   * (the baseline's only when paired; ignored otherwise).
   */
  addRows(labels: ArrayLike<number>, scoresNew: ArrayLike<number>, scoresBaseline: ArrayLike<number> | undefined, n: number): void {
    if (this.paired && scoresBaseline === undefined) throw new RangeError('RankScores.addRows: paired scores need the baseline scores');
    this.reserve(this.count + n);
    const w = this.width;
    const start = this.count;
    for (let i = 0; i < n; i++) {
      const y = labels[i];
      if ((y | 0) !== y || y >>> 0 >= this.classes)
        throw new RangeError(`RankScores.addRows: label ${y} is not a class id in [0, ${this.classes})`);
      this.labelsBuffer[start + i] = y;
    }
    this.copyScores(this.newBuffer, scoresNew, start * w, n * w);
    if (this.baselineBuffer && scoresBaseline) this.copyScores(this.baselineBuffer, scoresBaseline, start * w, n * w);
    this.count += n;
  }

  private copyScores(into: Float64Array, from: ArrayLike<number>, at: number, length: number): void {
    for (let i = 0; i < length; i++) {
      const v = from[i];
      if (v !== v) this.nan = true;
      into[at + i] = v;
    }
  }

  /** Grows the buffers (doubling) to hold `rows` rows. */
  private reserve(rows: number): void {
    if (rows <= this.labelsBuffer.length) return;
    const size = Math.max(rows, this.labelsBuffer.length * 2);
    const grow = <T extends Int32Array | Float64Array>(old: T, make: (n: number) => T, perRow: number): T => {
      const bigger = make(size * perRow);
      bigger.set(old.subarray(0, this.count * perRow));
      return bigger;
    };
    this.labelsBuffer = grow(this.labelsBuffer, (k) => new Int32Array(k), 1);
    this.newBuffer = grow(this.newBuffer, (k) => new Float64Array(k), this.width);
    if (this.baselineBuffer) this.baselineBuffer = grow(this.baselineBuffer, (k) => new Float64Array(k), this.width);
  }

  /** Appends another set's rows after these (same classes and pairing). */
  merge(other: RankScores): void {
    if (other.classes !== this.classes || other.paired !== this.paired)
      throw new RangeError('RankScores.merge: different classes or pairing');
    this.addRows(other.labels(), other.scores('new'), other.paired ? other.scores('baseline') : undefined, other.rows);
  }

  toJSON(): RankScoresJson {
    return {
      classes: this.classes,
      paired: this.paired,
      rows: this.count,
      labels: base64Of(this.labels()),
      new: base64Of(this.scores('new')),
      baseline: this.paired ? base64Of(this.scores('baseline')) : null,
    };
  }

  /** What toJSON wrote (labels are checked again as they are added). */
  static fromJSON(json: RankScoresJson): RankScores {
    if (!Number.isInteger(json.rows) || json.rows < 0) throw new RangeError(`RankScores.fromJSON: bad rows ${json.rows}`);
    const scores = new RankScores(json.classes, json.paired === true, json.rows);
    const w = scores.width;
    const labels = fromBase64(json.labels, (n) => new Int32Array(n), json.rows, 'labels');
    const scoresNew = fromBase64(json.new, (n) => new Float64Array(n), json.rows * w, 'new scores');
    const scoresBaseline = json.paired
      ? fromBase64(json.baseline ?? '', (n) => new Float64Array(n), json.rows * w, 'baseline scores')
      : undefined;
    scores.addRows(labels, scoresNew, scoresBaseline, json.rows);
    return scores;
  }

  /** Bytes held by the buffers (their capacity, not only the rows in use). */
  bytes(): number {
    return this.labelsBuffer.byteLength + this.newBuffer.byteLength + (this.baselineBuffer?.byteLength ?? 0);
  }

  /** The labels of the rows held (a view, valid until the next add). */
  labels(): Int32Array {
    return this.labelsBuffer.subarray(0, this.count);
  }

  /** One model's scores, `width` per row (a view, valid until the next add). */
  scores(model: 'new' | 'baseline'): Float64Array {
    const buffer = model === 'new' ? this.newBuffer : this.baselineBuffer;
    if (!buffer) throw new RangeError('RankScores.scores: no baseline scores in an unpaired set');
    return buffer.subarray(0, this.count * this.width);
  }
}
