// Draws N iid rows from one data-generating process of bench/gate-processes.json (derived in that
// script's docstring and in docs/gate-soundness.md). A sampler owns its buffers and reuses them
// gate after gate: no allocation per row. The numbers come from bench/gate-random.mjs, never from
// the core under test. checkSampler() compares a large sample with the process's exact population
// metrics, so a sampler that drifted from the process it claims to draw is caught before a table is
// printed.
import { AliasTable } from './gate-random.mjs';

/** log(1 + exp(x)) without overflow: the log-loss -log sigmoid(l) of a logit l is softplus(-l). */
function softplus(x) {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/** (y, a, b) rows over the 27 cells: the sample is the table of cell counts (sufficient for every confusion metric). */
class ConfusionSampler {
  constructor(params) {
    this.classes = params.classes;
    this.cells = params.cells.map(([y, a, b]) => [y, a, b]);
    this.table = new AliasTable(params.cells.map((c) => c[3]));
    this.counts = new Float64Array(this.cells.length);
  }

  sample(rng, n) {
    const counts = this.counts;
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[this.table.draw(rng)]++;
    this.n = n;
  }
}

function grown(buffer, n) {
  return buffer.length >= n ? buffer : new Float64Array(Math.max(n, 2 * buffer.length));
}

/** Per-row log-loss of both models: logits mu + sigma (sqrt(r) Z + sqrt(1 - r) E_model). */
class LogitNormalSampler {
  constructor(p) {
    this.p = p;
    this.lossNew = new Float64Array(0);
    this.lossBase = new Float64Array(0);
  }

  sample(rng, n) {
    const { muNew, sigmaNew, muBase, sigmaBase, correlation } = this.p;
    const shared = Math.sqrt(correlation);
    const own = Math.sqrt(1 - correlation);
    this.lossNew = grown(this.lossNew, n);
    this.lossBase = grown(this.lossBase, n);
    for (let i = 0; i < n; i++) {
      const z = shared * rng.normal();
      this.lossNew[i] = softplus(-(muNew + sigmaNew * (z + own * rng.normal())));
      this.lossBase[i] = softplus(-(muBase + sigmaBase * (z + own * rng.normal())));
    }
    this.n = n;
  }
}

/** Per-row errors of both models, bivariate normal with mean 0. */
class BivariateNormalSampler {
  constructor(p) {
    this.p = p;
    this.errorNew = new Float64Array(0);
    this.errorBase = new Float64Array(0);
  }

  sample(rng, n) {
    const { sigmaNew, sigmaBase, correlation } = this.p;
    const own = Math.sqrt(1 - correlation * correlation);
    this.errorNew = grown(this.errorNew, n);
    this.errorBase = grown(this.errorBase, n);
    for (let i = 0; i < n; i++) {
      const zBase = rng.normal();
      this.errorBase[i] = sigmaBase * zBase;
      this.errorNew[i] = sigmaNew * (correlation * zBase + own * rng.normal());
    }
    this.n = n;
  }
}

/** Binary labels and both models' scores: negatives N(0, 1), positives N(mu, sd^2), correlated within a class. */
class BinormalSampler {
  constructor(p) {
    this.p = p;
    this.labels = new Float64Array(0);
    this.scoreNew = new Float64Array(0);
    this.scoreBase = new Float64Array(0);
  }

  sample(rng, n) {
    const { positiveRate, muNew, sdNew, muBase, sdBase, correlation } = this.p;
    const shared = Math.sqrt(correlation);
    const own = Math.sqrt(1 - correlation);
    this.labels = grown(this.labels, n);
    this.scoreNew = grown(this.scoreNew, n);
    this.scoreBase = grown(this.scoreBase, n);
    for (let i = 0; i < n; i++) {
      const positive = rng.uniform() < positiveRate;
      const z = shared * rng.normal();
      const zNew = z + own * rng.normal();
      const zBase = z + own * rng.normal();
      this.labels[i] = positive ? 1 : 0;
      this.scoreNew[i] = positive ? muNew + sdNew * zNew : zNew;
      this.scoreBase[i] = positive ? muBase + sdBase * zBase : zBase;
    }
    this.n = n;
  }
}

const SAMPLERS = {
  confusion: ConfusionSampler,
  'logit-normal': LogitNormalSampler,
  'bivariate-normal': BivariateNormalSampler,
  binormal: BinormalSampler,
};

/** The sampler of one process of bench/gate-processes.json. */
export function samplerOf(process) {
  return new SAMPLERS[process.kind](process.params);
}

/** z of an observed mean against its expectation; se from the sample. */
function zScore(values, expected) {
  let sum = 0;
  let sumSq = 0;
  for (const v of values) {
    sum += v;
    sumSq += v * v;
  }
  const n = values.length;
  const mean = sum / n;
  const se = Math.sqrt((sumSq / n - mean * mean) / (n - 1));
  return { mean, z: (mean - expected) / se };
}

/**
 * Checks a sampler against its process's exact population values on `rows` rows: returns the
 * statistics compared, each with its z (|z| > 5 is a sampler that is not the process).
 * confusion: Pearson chi-square of the cell counts (26 df, as z = (chi2 - df) / sqrt(2 df));
 * log-loss and rmse: the mean loss / mean squared error of each model; roc-auc: P(S_pos > S_neg)
 * for each model from independent (positive, negative) pairs (a Bernoulli mean).
 */
export function checkSampler(process, rng, rows) {
  const sampler = samplerOf(process);
  sampler.sample(rng, rows);
  switch (process.kind) {
    case 'confusion': {
      let chi2 = 0;
      process.params.cells.forEach((c, i) => (chi2 += (sampler.counts[i] - rows * c[3]) ** 2 / (rows * c[3])));
      const df = process.params.cells.length - 1;
      return [{ what: `chi-square of the ${df + 1} cell counts`, value: chi2, expected: df, z: (chi2 - df) / Math.sqrt(2 * df) }];
    }
    case 'logit-normal':
      return [
        { what: 'mean log-loss, new', expected: process.new, ...valueOf(zScore(sampler.lossNew.subarray(0, rows), process.new)) },
        {
          what: 'mean log-loss, baseline',
          expected: process.baseline,
          ...valueOf(zScore(sampler.lossBase.subarray(0, rows), process.baseline)),
        },
      ];
    case 'bivariate-normal':
      return [
        {
          what: 'mean squared error, new',
          expected: process.new ** 2,
          ...valueOf(zScore(squares(sampler.errorNew, rows), process.new ** 2)),
        },
        {
          what: 'mean squared error, baseline',
          expected: process.baseline ** 2,
          ...valueOf(zScore(squares(sampler.errorBase, rows), process.baseline ** 2)),
        },
      ];
    case 'binormal':
      return [
        { what: 'P(S+ > S-), new', expected: process.new, ...valueOf(zScore(pairWins(sampler, 'scoreNew', rows), process.new)) },
        {
          what: 'P(S+ > S-), baseline',
          expected: process.baseline,
          ...valueOf(zScore(pairWins(sampler, 'scoreBase', rows), process.baseline)),
        },
      ];
  }
  throw new Error(`unknown process kind ${process.kind}`);
}

function valueOf({ mean, z }) {
  return { value: mean, z };
}

function squares(values, rows) {
  return Float64Array.from(values.subarray(0, rows), (v) => v * v);
}

/** 1 where the i-th positive outscores the i-th negative (disjoint pairs: independent Bernoulli trials). */
function pairWins(sampler, scores, rows) {
  const positives = [];
  const negatives = [];
  for (let i = 0; i < rows; i++) (sampler.labels[i] === 1 ? positives : negatives).push(sampler[scores][i]);
  const pairs = Math.min(positives.length, negatives.length);
  return Float64Array.from({ length: pairs }, (_, i) => (positives[i] > negatives[i] ? 1 : 0));
}
