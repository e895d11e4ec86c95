/**
 * Great Expectations' column aggregate expectations: a statistic of the column's non-missing
 * values (pandas' skipna) checked against bounds. The statistics are pandas': min, max, sum (0 for
 * no values), mean, std (ddof = 1), median and quantiles (exact, over more passes when the column
 * is large: aggregate-order.ts), and GE's KL divergence from a partition (aggregate-kl.ts).
 *
 * A column holding text fails the entry with an exception naming the value (pandas raises; see
 * NumericColumn). A statistic pandas gives as NaN (no values; one value for std) is GE's observed
 * value null, and the entry fails.
 */
import { jsonValue } from '../values.js';
import type { Expectation, ExpectationBatch, ExpectationDefinition, ExpectationOutcome } from './expectation.js';
import type { Kwargs } from './kwargs.js';
import { BETWEEN_KWARGS, NumericColumn, betweenOutcome, readBounds } from './aggregate-numeric.js';
import { Moments, type MomentsNeeded } from './aggregate-moments.js';
import { OrderStatistics } from './aggregate-order.js';
import { INTERPOLATIONS, type Interpolation, lerp, medianOf, medianRanks, quantilePosition } from './aggregate-quantiles.js';
import { BinCounts, categoricalKl, continuousKl, readKlConfig } from './aggregate-kl.js';
import { ValueCounts } from './distinct-counts.js';

/** A between-bounds expectation on one streaming statistic of Moments. */
function momentDefinition(type: string, needed: MomentsNeeded, statistic: (m: Moments) => number): ExpectationDefinition {
  return {
    type,
    kwargs: BETWEEN_KWARGS,
    build(kwargs: Kwargs): Expectation {
      const column = kwargs.column();
      const bounds = readBounds(kwargs);
      const reader = new NumericColumn(column, type);
      const moments = new Moments(needed);
      return {
        columns: [column],
        observe(batch: ExpectationBatch) {
          moments.add(reader.numbers(batch.values[0], batch.rows, batch.pass), batch.rows);
        },
        finish() {
          reader.check();
          return betweenOutcome(statistic(moments), bounds);
        },
      };
    },
  };
}

const MIN_MAX: MomentsNeeded = { sum: false, squares: false };
const SUM: MomentsNeeded = { sum: true, squares: false };

/** An expectation whose statistic is read from exact order statistics (median, quantiles). */
function orderExpectation(
  type: string,
  column: string,
  ranksFor: (n: number) => number[],
  outcome: (order: OrderStatistics) => ExpectationOutcome,
): Expectation {
  const reader = new NumericColumn(column, type);
  const order = new OrderStatistics(ranksFor);
  return {
    columns: [column],
    observe(batch: ExpectationBatch) {
      const xs = reader.numbers(batch.values[0], batch.rows, batch.pass);
      if (batch.pass === 1) order.addFirstPass(xs, batch.rows);
      else order.addLaterPass(xs, batch.rows);
    },
    // text fails the entry anyway: no pass more for it
    wantsAnotherPass: (pass: number) => order.afterPass(pass),
    finish() {
      reader.check();
      return outcome(order);
    },
  };
}

const medianDefinition: ExpectationDefinition = {
  type: 'expect_column_median_to_be_between',
  kwargs: BETWEEN_KWARGS,
  build(kwargs: Kwargs): Expectation {
    const bounds = readBounds(kwargs);
    return orderExpectation(kwargs.config.type, kwargs.column(), medianRanks, (order) => {
      const n = order.count;
      const [a, b] = medianRanks(n);
      return betweenOutcome(n === 0 ? null : medianOf(order.at(a), order.at(b), n), bounds);
    });
  },
};

interface QuantileRanges {
  quantiles: number[];
  ranges: [number | null, number | null][];
}

function readQuantileRanges(kwargs: Kwargs): QuantileRanges {
  const raw = kwargs.raw('quantile_ranges');
  const fail = (problem: string) => kwargs.error('quantile_ranges', problem);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw fail('expected an object {quantiles, value_ranges}');
  const { quantiles, value_ranges: ranges } = raw as Record<string, unknown>;
  if (!Array.isArray(quantiles) || !quantiles.every((q) => typeof q === 'number' && q >= 0 && q <= 1)) {
    throw fail('quantiles must be a list of numbers from 0 to 1');
  }
  if (!Array.isArray(ranges) || ranges.length !== quantiles.length)
    throw fail('value_ranges must be a list of as many ranges as quantiles');
  const pairs = ranges.map((r, i) => {
    const ok = Array.isArray(r) && r.length === 2 && r.every((v) => v === null || (typeof v === 'number' && Number.isFinite(v)));
    if (!ok) throw fail(`value_ranges[${i}] must be a pair [min, max] of numbers or null`);
    const [lo, hi] = r as [number | null, number | null];
    if (lo !== null && hi !== null && lo > hi) throw fail(`value_ranges[${i}] must be an ordered pair`);
    return [lo, hi] as [number | null, number | null];
  });
  return { quantiles: quantiles as number[], ranges: pairs };
}

/** GE's allow_relative_error on pandas: false → 'nearest', else one of numpy's interpolations. */
function readInterpolation(kwargs: Kwargs): Interpolation {
  const v = kwargs.raw('allow_relative_error');
  if (v === undefined || v === null || v === false) return 'nearest';
  if (typeof v === 'string' && (INTERPOLATIONS as readonly string[]).includes(v)) return v as Interpolation;
  throw kwargs.error('allow_relative_error', `for pandas, expected false or one of ${INTERPOLATIONS.join(', ')}, got ${JSON.stringify(v)}`);
}

/** np.isclose(a, b, rtol=1e-4, atol=1e-8), as GE's isclose compares a quantile with a bound. */
function isClose(a: number, b: number): boolean {
  if (a === b) return true;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  return Math.abs(a - b) <= 1e-8 + 1e-4 * Math.abs(b);
}

function quantileOutcome(spec: QuantileRanges, values: number[]): ExpectationOutcome {
  const details = values.map((v, i) => {
    const lo = spec.ranges[i][0] ?? -Infinity;
    const hi = spec.ranges[i][1] ?? Infinity;
    return isClose(v, lo) || isClose(v, hi) || (lo <= v && v <= hi);
  });
  return {
    success: details.every(Boolean),
    result: {
      observed_value: { quantiles: spec.quantiles, values: values.map((v) => jsonValue(v)) },
      details: { success_details: details },
    },
  };
}

const quantileDefinition: ExpectationDefinition = {
  type: 'expect_column_quantile_values_to_be_between',
  kwargs: ['column', 'quantile_ranges', 'allow_relative_error'],
  build(kwargs: Kwargs): Expectation {
    const spec = readQuantileRanges(kwargs);
    const method = readInterpolation(kwargs);
    const ranksFor = (n: number): number[] =>
      spec.quantiles.flatMap((q) => {
        const p = quantilePosition(q, n, method);
        return [p.prev, p.next];
      });
    return orderExpectation(kwargs.config.type, kwargs.column(), ranksFor, (order) => {
      const n = order.count;
      const values = spec.quantiles.map((q) => {
        if (n === 0) return NaN;
        const p = quantilePosition(q, n, method);
        return p.prev === p.next && p.gamma === 0 ? order.at(p.prev) : lerp(order.at(p.prev), order.at(p.next), p.gamma);
      });
      return quantileOutcome(spec, values);
    });
  },
};

const klDefinition: ExpectationDefinition = {
  type: 'expect_column_kl_divergence_to_be_less_than',
  kwargs: [
    'column',
    'partition_object',
    'threshold',
    'internal_weight_holdout',
    'tail_weight_holdout',
    'bucketize_data',
    'min_value',
    'max_value',
  ],
  build(kwargs: Kwargs): Expectation {
    const column = kwargs.column();
    const config = readKlConfig(kwargs);
    const partition = config.partition;
    if (partition.kind === 'categorical') {
      const counts = new ValueCounts();
      return {
        columns: [column],
        observe: (batch) => counts.add(batch.values[0], batch.rows),
        finish: () => categoricalKl(config, counts),
      };
    }
    const reader = new NumericColumn(column, kwargs.config.type);
    const hist = new BinCounts(partition.bins);
    return {
      columns: [column],
      observe: (batch) => hist.add(reader.numbers(batch.values[0], batch.rows, batch.pass), batch.rows),
      finish() {
        reader.check();
        return continuousKl(config, hist);
      },
    };
  },
};

export const AGGREGATE_EXPECTATIONS: readonly ExpectationDefinition[] = [
  momentDefinition('expect_column_min_to_be_between', MIN_MAX, (m) => (m.count === 0 ? NaN : m.min)),
  momentDefinition('expect_column_max_to_be_between', MIN_MAX, (m) => (m.count === 0 ? NaN : m.max)),
  momentDefinition('expect_column_sum_to_be_between', SUM, (m) => m.sum()),
  momentDefinition('expect_column_mean_to_be_between', SUM, (m) => m.mean()),
  momentDefinition('expect_column_stdev_to_be_between', { sum: true, squares: true }, (m) => m.stdev()),
  medianDefinition,
  quantileDefinition,
  klDefinition,
];
