/** Above this many cells (K³ > 2^22, K > 161) the table is a Map of its non-empty cells. */
const DENSE_CELLS_LIMIT = 2 ** 22;

/** Keys (y·K + a)·K + b must fit an Int32Array: K³ <= 2^31 − 1. */
export const MAX_PAIRED_CLASSES = 1290;

/** One non-empty cell of a PairedConfusion: label, new model's class, baseline's class, rows. */
export type PairedCell = [label: number, newClass: number, baselineClass: number, count: number];

/** What PairedConfusion.toJSON writes: the number of classes and the non-empty cells in key order. */
export interface PairedConfusionJson {
  classes: number;
  cells: PairedCell[];
}

/**
 * The sufficient statistic of every confusion-derived metric of two models on the same rows: the
 * count of rows per (label y, new model's class a, baseline's class b), K classes. Each model's
 * confusion matrix is a margin of it, and a paired bootstrap is a multinomial resample of its
 * cells (compare-confusion.ts). Without a baseline, b is always 0 and the table is the new model's
 * confusion.
 *
 * Storage: a dense Float64Array of K³ counts indexed by the key (y·K + a)·K + b while K³ <= 2^22
 * (32 MiB at most, K <= 161), else a Map from key to count holding only the non-empty cells (at
 * most one per row). Counts are integers held in doubles, exact up to 2^53 rows; merging is adding
 * counts, so the table does not depend on the order rows arrive or shards are merged.
 */
export class PairedConfusion {
  private readonly dense?: Float64Array;
  private readonly sparse?: Map<number, number>;
  private total = 0;

  constructor(readonly classes: number) {
    if (!Number.isInteger(classes) || classes < 1 || classes > MAX_PAIRED_CLASSES) {
      throw new RangeError(`PairedConfusion: the number of classes must be an integer in [1, ${MAX_PAIRED_CLASSES}], got ${classes}`);
    }
    const cells = classes ** 3;
    if (cells <= DENSE_CELLS_LIMIT) this.dense = new Float64Array(cells);
    else this.sparse = new Map();
  }

  /**
   * Adds `n` rows: row i has label labels[i], the new model's class predictedNew[i] and the
   * baseline's predictedBaseline[i] (0 without a baseline). Every id must be an integer in
   * [0, K); anything else throws a RangeError (a bug upstream, not user input). The hot path:
   * no allocation, one increment per row.
   */
  addRows(labels: ArrayLike<number>, predictedNew: Int32Array, predictedBaseline: Int32Array | undefined, n: number): void {
    const k = this.classes;
    const dense = this.dense;
    for (let i = 0; i < n; i++) {
      const y = labels[i];
      const a = predictedNew[i];
      const b = predictedBaseline === undefined ? 0 : predictedBaseline[i];
      // `>>> 0` maps negatives far above K; the `| 0` test refuses fractions and NaN
      if ((y | 0) !== y || y >>> 0 >= k || a >>> 0 >= k || b >>> 0 >= k) this.refuse(y, a, b);
      const key = (y * k + a) * k + b;
      if (dense !== undefined) dense[key]++;
      else this.addSparse(key, 1);
    }
    this.total += n;
  }

  private refuse(y: number, a: number, b: number): never {
    throw new RangeError(`PairedConfusion: class ids must be integers in [0, ${this.classes}): label ${y}, new ${a}, baseline ${b}`);
  }

  private addSparse(key: number, count: number): void {
    const map = this.sparse as Map<number, number>;
    map.set(key, (map.get(key) ?? 0) + count);
  }

  /** Adds another table's counts (same number of classes) to this one. */
  merge(other: PairedConfusion): void {
    if (other.classes !== this.classes) throw new RangeError(`PairedConfusion.merge: ${other.classes} classes into ${this.classes}`);
    const { keys, counts } = other.cells();
    for (let i = 0; i < keys.length; i++) this.addCount(keys[i], counts[i]);
  }

  private addCount(key: number, count: number): void {
    this.total += count;
    if (this.dense !== undefined) this.dense[key] += count;
    else this.addSparse(key, count);
  }

  /** The non-empty cells, keys (y·K + a)·K + b in increasing order with their counts: deterministic. */
  cells(): { keys: Int32Array; counts: Float64Array } {
    if (this.dense !== undefined) {
      const dense = this.dense;
      let filled = 0;
      for (let key = 0; key < dense.length; key++) if (dense[key] !== 0) filled++;
      const keys = new Int32Array(filled);
      const counts = new Float64Array(filled);
      for (let key = 0, i = 0; key < dense.length; key++) {
        if (dense[key] === 0) continue;
        keys[i] = key;
        counts[i++] = dense[key];
      }
      return { keys, counts };
    }
    const map = this.sparse as Map<number, number>;
    const keys = Int32Array.from(map.keys()).sort();
    const counts = new Float64Array(keys.length);
    for (let i = 0; i < keys.length; i++) counts[i] = map.get(keys[i]) as number;
    return { keys, counts };
  }

  /** Number of rows added. */
  rows(): number {
    return this.total;
  }

  /** One model's K x K confusion matrix, [true * K + predicted], as scikit-learn's confusion_matrix. */
  confusion(model: 'new' | 'baseline'): Float64Array {
    const k = this.classes;
    const out = new Float64Array(k * k);
    const { keys, counts } = this.cells();
    const { label, newClass, baselineClass } = decodeCells(keys, k);
    const predicted = model === 'new' ? newClass : baselineClass;
    for (let i = 0; i < keys.length; i++) out[label[i] * k + predicted[i]] += counts[i];
    return out;
  }

  /** The non-empty cells as [label, new class, baseline class, count], in key order. */
  toJSON(): PairedConfusionJson {
    const k = this.classes;
    const { keys, counts } = this.cells();
    const { label, newClass, baselineClass } = decodeCells(keys, k);
    const cells: PairedCell[] = [];
    for (let i = 0; i < keys.length; i++) cells.push([label[i], newClass[i], baselineClass[i], counts[i]]);
    return { classes: k, cells };
  }

  /** The table toJSON wrote; ids out of range or counts that are not non-negative integers throw a RangeError. */
  static fromJSON(json: PairedConfusionJson): PairedConfusion {
    const table = new PairedConfusion(json.classes);
    const k = json.classes;
    for (const [y, a, b, count] of json.cells) {
      const ids = [y, a, b];
      if (ids.some((id) => !Number.isInteger(id) || id < 0 || id >= k) || !Number.isInteger(count) || count < 0) {
        throw new RangeError(`PairedConfusion.fromJSON: bad cell [${y}, ${a}, ${b}, ${count}] for ${k} classes`);
      }
      table.addCount((y * k + a) * k + b, count);
    }
    return table;
  }
}

/** Decodes cell keys (y·K + a)·K + b into their label, new model's class and baseline's class. */
export function decodeCells(keys: Int32Array, classes: number): { label: Int32Array; newClass: Int32Array; baselineClass: Int32Array } {
  const n = keys.length;
  const label = new Int32Array(n);
  const newClass = new Int32Array(n);
  const baselineClass = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const key = keys[i];
    label[i] = Math.floor(key / (classes * classes));
    newClass[i] = Math.floor(key / classes) % classes;
    baselineClass[i] = key % classes;
  }
  return { label, newClass, baselineClass };
}
