/**
 * expect_column_kl_divergence_to_be_less_than, as GE 1.2's `_validate` computes it for pandas: the
 * column's histogram on the partition's bins (np.histogram: [b0, b1), ..., [bk-1, bk] closed),
 * the values below and above the partition as tails, the expected weights scaled for the
 * holdouts, and scipy.stats.entropy(observed, expected) — or, for a categorical partition
 * ({values, weights}), the value counts against the expected weights.
 *
 * Not supported: no partition_object (GE then partitions the column itself and compares it with
 * its own histogram): the entry is an error asking for one. min_value / max_value are accepted
 * and, as in GE, not used.
 */
import type { Cell } from '../table.js';
import { jsonValue, suiteValueAsCell, valueKey } from '../values.js';
import type { ExpectationOutcome } from './expectation.js';
import type { Kwargs } from './kwargs.js';
import { ValueCounts, compareCells } from './distinct-counts.js';

export type Partition =
  | { kind: 'continuous'; bins: number[]; weights: number[]; tailWeights?: [number, number] }
  | { kind: 'categorical'; values: Exclude<Cell, null>[]; weights: number[] };

export interface KlConfig {
  partition: Partition;
  threshold?: number;
  tailHoldout: number;
  internalHoldout: number;
}

/** np.allclose(x, 1): |x − 1| <= 1e-8 + 1e-5. */
const closeToOne = (x: number): boolean => Math.abs(x - 1) <= 1e-8 + 1e-5;
const sum = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0);

function numberList(kwargs: Kwargs, key: string, list: unknown): number[] {
  if (!Array.isArray(list)) throw kwargs.error(key, 'expected a list of numbers');
  return list.map((v, i) => {
    if (typeof v === 'number') return v;
    // JSON has no infinities: GE writes them as -Infinity / Infinity, accepted here as text too
    if (typeof v === 'string' && /^[-+]?(inf|infinity)$/i.test(v)) return v.startsWith('-') ? -Infinity : Infinity;
    throw kwargs.error(`${key}[${i}]`, `expected a number, got ${JSON.stringify(v)}`);
  });
}

function readPartition(kwargs: Kwargs): Partition {
  const raw = kwargs.raw('partition_object');
  if (raw === undefined || raw === null) {
    throw kwargs.error('partition_object', 'is required (a partition computed from the column itself is not supported)');
  }
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw kwargs.error('partition_object', 'expected an object with bins or values, and weights');
  const p = raw as Record<string, unknown>;
  const weights = numberList(kwargs, 'partition_object.weights', p.weights);
  if ('values' in p) {
    if (!Array.isArray(p.values)) throw kwargs.error('partition_object.values', 'expected a list');
    const values = p.values.map((v, i) => {
      const cell = suiteValueAsCell(v);
      if (cell === undefined)
        throw kwargs.error(`partition_object.values[${i}]`, `expected a number, text or boolean, got ${JSON.stringify(v)}`);
      return cell;
    });
    if (values.length !== weights.length || !closeToOne(sum(weights))) {
      throw kwargs.error('partition_object', 'values and weights must be as many, and the weights must sum to 1');
    }
    return { kind: 'categorical', values, weights };
  }
  const bins = numberList(kwargs, 'partition_object.bins', p.bins);
  const tails = p.tail_weights === undefined ? undefined : numberList(kwargs, 'partition_object.tail_weights', p.tail_weights);
  if (tails !== undefined && tails.length !== 2) throw kwargs.error('partition_object.tail_weights', 'expected two weights');
  const increasing = bins.every((b, i) => i === 0 || b > bins[i - 1]);
  if (bins.length !== weights.length + 1 || !increasing || !closeToOne(sum(weights) + sum(tails ?? []))) {
    throw kwargs.error(
      'partition_object',
      'expected one more bin edge than weights, increasing bin edges, and weights (with tail_weights) summing to 1',
    );
  }
  return { kind: 'continuous', bins, weights, tailWeights: tails as [number, number] | undefined };
}

function fraction(kwargs: Kwargs, key: string): number {
  const v = kwargs.optionalNumber(key) ?? 0;
  if (v < 0 || v > 1) throw kwargs.error(key, `expected a number from 0 to 1, got ${v}`);
  return v;
}

/** The kwargs checked as GE's `_validate` checks them (here, before any row is read). */
export function readKlConfig(kwargs: Kwargs): KlConfig {
  const partition = readPartition(kwargs);
  const threshold = kwargs.optionalNumber('threshold');
  if (threshold !== undefined && threshold < 0) throw kwargs.error('threshold', 'expected a number >= 0');
  const tailHoldout = fraction(kwargs, 'tail_weight_holdout');
  const internalHoldout = fraction(kwargs, 'internal_weight_holdout');
  const bucketize = kwargs.boolean('bucketize_data', true);
  if (partition.kind === 'categorical') {
    if (internalHoldout > 0) throw kwargs.error('internal_weight_holdout', 'cannot be used with a categorical partition (values)');
  } else {
    const { bins, tailWeights } = partition;
    if (tailHoldout !== 0 && tailWeights) throw kwargs.error('tail_weight_holdout', 'must be 0 when the partition has tail_weights');
    if (!bucketize) throw kwargs.error('bucketize_data', 'cannot be false with a continuous partition (bins)');
    const infinite = bins[0] === -Infinity || bins[bins.length - 1] === Infinity;
    if (infinite && tailWeights) throw kwargs.error('partition_object.tail_weights', 'cannot be given when an end of the bins is infinite');
    if (bins[0] === -Infinity && bins[bins.length - 1] === Infinity && tailHoldout > 0) {
      throw kwargs.error('tail_weight_holdout', 'cannot be used when both ends of the bins are infinite');
    }
  }
  return { partition, threshold, tailHoldout, internalHoldout };
}

/** The column's histogram on the bins (np.histogram), and the values below and above them. */
export class BinCounts {
  readonly counts: Float64Array;
  below = 0;
  above = 0;
  nonMissing = 0;

  constructor(private readonly bins: readonly number[]) {
    this.counts = new Float64Array(bins.length - 1);
  }

  add(xs: Float64Array, rows: number): void {
    const { bins, counts } = this;
    const last = bins.length - 1;
    const first = bins[0];
    const end = bins[last];
    for (let i = 0; i < rows; i++) {
      const x = xs[i];
      if (x !== x) continue;
      this.nonMissing++;
      if (x < first) this.below++;
      else if (x > end) this.above++;
      else if (x === end) counts[last - 1]++;
      else {
        // the last edge <= x: bins[lo] <= x < bins[hi]
        let lo = 0;
        let hi = last;
        while (hi - lo > 1) {
          const mid = (lo + hi) >>> 1;
          if (bins[mid] <= x) lo = mid;
          else hi = mid;
        }
        counts[lo]++;
      }
    }
  }
}

/** scipy.special.rel_entr */
function relEntr(x: number, y: number): number {
  if (Number.isNaN(x) || Number.isNaN(y)) return NaN;
  if (x > 0 && y > 0) return x * Math.log(x / y);
  if (x === 0 && y >= 0) return 0;
  return Infinity;
}

/** scipy.stats.entropy(pk, qk): both normalized to sum 1, then Σ rel_entr. */
export function entropy(pk: readonly number[], qk: readonly number[]): number {
  const sp = sum(pk);
  const sq = sum(qk);
  let s = 0;
  for (let i = 0; i < pk.length; i++) s += relEntr(pk[i] / sp, qk[i] / sq);
  return s;
}

function outcome(kl: number, threshold: number | undefined, details: Record<string, unknown>): ExpectationOutcome {
  const observed = Number.isFinite(kl) ? kl : null;
  return { success: threshold === undefined ? true : kl <= threshold, result: { observed_value: observed, details } };
}

const json = (xs: readonly number[]): unknown[] => xs.map((x) => jsonValue(x));

/** GE's continuous branch: tails by the kind of ends the bins have. */
export function continuousKl(config: KlConfig, hist: BinCounts): ExpectationOutcome {
  const p = config.partition as Extract<Partition, { kind: 'continuous' }>;
  const { tailHoldout, internalHoldout } = config;
  const n = hist.nonMissing;
  let observed = Array.from(hist.counts, (c) => c / n);
  let expected = p.weights.map((w) => w * (1 - tailHoldout - internalHoldout));
  const zeros = expected.filter((w) => w === 0).length;
  if (internalHoldout > 0 && zeros > 0) expected = expected.map((w) => (w === 0 ? internalHoldout / zeros : w));
  const below = hist.below / n;
  const above = hist.above / n;
  const lowInf = p.bins[0] === -Infinity;
  const highInf = p.bins[p.bins.length - 1] === Infinity;
  let bins = p.bins;
  let combObserved: number[];
  let combExpected: number[];
  let observedTails: number[];
  let expectedTails: number[];
  if (lowInf && highInf) {
    bins = p.bins.slice(1, -1);
    [combObserved, combExpected] = [observed, expected];
    observedTails = [observed[0], observed[observed.length - 1]];
    expectedTails = [expected[0], expected[expected.length - 1]];
    observed = observed.slice(1, -1);
    expected = expected.slice(1, -1);
  } else if (lowInf) {
    bins = p.bins.slice(1);
    combExpected = [...expected, tailHoldout];
    combObserved = [...observed, above];
    expectedTails = [expected[0], tailHoldout];
    observedTails = [observed[0], above];
    observed = observed.slice(1);
    expected = expected.slice(1);
  } else if (highInf) {
    bins = p.bins.slice(0, -1);
    combExpected = [tailHoldout, ...expected];
    combObserved = [below, ...observed];
    expectedTails = [tailHoldout, expected[expected.length - 1]];
    observedTails = [below, observed[observed.length - 1]];
    observed = observed.slice(0, -1);
    expected = expected.slice(0, -1);
  } else {
    expectedTails = p.tailWeights ? [...p.tailWeights] : [tailHoldout / 2, tailHoldout / 2];
    combExpected = [expectedTails[0], ...expected, expectedTails[1]];
    combObserved = [below, ...observed, above];
    observedTails = [below, above];
  }
  return outcome(entropy(combObserved, combExpected), config.threshold, {
    observed_partition: { bins: json(bins), weights: json(observed), tail_weights: json(observedTails) },
    expected_partition: { bins: json(bins), weights: json(expected), tail_weights: json(expectedTails) },
  });
}

/**
 * GE's categorical branch: the expected values in the partition's order, then the observed values
 * the partition lacks (sorted by value, as value_counts(sort="value") lists them); observed weights
 * 0 where a value never occurs; the tail holdout shared among the unexpected values.
 */
export function categoricalKl(config: KlConfig, counts: ValueCounts): ExpectationOutcome {
  const p = config.partition as Extract<Partition, { kind: 'categorical' }>;
  const n = counts.nonMissing;
  const expectedKeys = new Set(p.values.map((v) => valueKey(v)));
  const extra = counts.entries().filter((e) => !expectedKeys.has(valueKey(e.value)));
  extra.sort((a, b) => compareCells(a.value, b.value));
  const values = [...p.values, ...extra.map((e) => e.value)];
  const observed = values.map((v) => (n === 0 ? 0 : counts.countOf(v) / n));
  const scale = extra.length > 0 ? 1 - config.tailHoldout : 1;
  const expected = [...p.weights.map((w) => w * scale), ...extra.map(() => config.tailHoldout / extra.length)];
  return outcome(entropy(observed, expected), config.threshold, {
    observed_partition: { values: values.map((v) => jsonValue(v)), weights: json(observed) },
    expected_partition: { values: values.map((v) => jsonValue(v)), weights: json(expected) },
  });
}
