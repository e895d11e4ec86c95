// The code under test in `npm run bench:gate`: the built core (packages/core/dist, from
// `node scripts/build.mjs`), the same functions evaluate-baseline decides with. For each gating
// metric, compare(sampler, settings) turns one simulated sample into the MetricComparison the
// action would compute from the same rows (through the same sufficient statistics), and decide()
// is the action's decideGate.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(ROOT, 'packages', 'core', 'dist');
const SRC = join(ROOT, 'packages', 'core', 'src');

/**
 * The modules the action decides with, from the domain dist files (not every one is re-exported
 * from an index yet): the statistics, the comparisons and the decision.
 */
const MODULES = [
  'stats/index.js',
  'metrics/paired-confusion.js',
  'metrics/compare-confusion.js',
  'metrics/rank-scores.js',
  'metrics/compare-rank.js',
  'metrics/regression-comparison.js',
  'evaluation/metric-comparisons.js',
  'evaluation/gate.js',
];

/** Newest modification time (ms) of the files under dir whose names pass keep. */
function newest(dir, keep) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && keep(entry.name)) latest = Math.max(latest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return latest;
}

/** Throws when the core is not built; returns a warning when its sources are newer than the build. */
export function checkBuild() {
  for (const path of MODULES) {
    if (!existsSync(join(DIST, path)))
      throw new Error(`packages/core/dist/${path} is missing: build the core first (node scripts/build.mjs)`);
  }
  const source = newest(SRC, (n) => n.endsWith('.ts') && !n.endsWith('.test.ts'));
  const built = newest(DIST, (n) => n.endsWith('.js'));
  return source > built
    ? 'packages/core/src has changes newer than packages/core/dist: rebuild (node scripts/build.mjs) to measure them'
    : undefined;
}

/** The core's modules, loaded once, as one namespace. */
export async function loadCore() {
  const modules = await Promise.all(MODULES.map((path) => import(pathToFileURL(join(DIST, path)).href)));
  return Object.assign({}, ...modules);
}

function pick(comparisons, metric) {
  const found = comparisons.find((c) => c.metric === metric);
  if (!found) throw new Error(`the core's comparison has no ${metric} (it has ${comparisons.map((c) => c.metric).join(', ')})`);
  return found;
}

/** accuracy and f1-macro: the sampled cell counts as the action's PairedConfusion, compared as the action compares it. */
function confusionComparator(core, metric) {
  return (sampler, settings) => {
    const rows = [];
    sampler.cells.forEach(([y, a, b], i) => {
      if (sampler.counts[i] > 0) rows.push([y, a, b, sampler.counts[i]]);
    });
    const table = core.PairedConfusion.fromJSON({ classes: sampler.classes, cells: rows });
    return pick(core.compareConfusion(table, sampler.classes, settings, { paired: true, stream: 0 }).metrics, metric);
  };
}

/** log-loss: the per-row losses of both models streamed into PairedMeanStats, the action's meanComparison (normal interval of the mean paired difference). */
function logLossComparator(core) {
  return (sampler, settings) => {
    const stats = new core.PairedMeanStats();
    for (let i = 0; i < sampler.n; i++) stats.add(sampler.lossNew[i], sampler.lossBase[i]);
    return core.meanComparison('log-loss', stats, settings);
  };
}

/** rmse: squared and absolute errors of both models and the targets, compared by the delta method. */
function rmseComparator(core) {
  return (sampler, settings) => {
    const squaredError = new core.PairedMeanStats();
    const absoluteError = new core.PairedMeanStats();
    const target = new core.MeanStats();
    for (let i = 0; i < sampler.n; i++) {
      const en = sampler.errorNew[i];
      const eb = sampler.errorBase[i];
      squaredError.add(en * en, eb * eb);
      absoluteError.add(Math.abs(en), Math.abs(eb));
      target.add(0); // the targets only set r2's scale; rmse does not read them
    }
    return pick(core.compareRegression({ squaredError, absoluteError, target }, settings, { paired: true }), 'rmse');
  };
}

/** roc-auc: labels and both models' scores kept as RankScores, DeLong's paired comparison. */
function aucComparator(core) {
  return (sampler, settings) => {
    const scores = new core.RankScores(2, true);
    scores.addRows(sampler.labels, sampler.scoreNew, sampler.scoreBase, sampler.n);
    return pick(core.compareRank(scores, settings), 'roc-auc');
  };
}

/** compare(sampler, settings) -> MetricComparison of the gating metric, as the core computes it. */
export function comparatorOf(core, metric) {
  switch (metric) {
    case 'accuracy':
    case 'f1-macro':
      return confusionComparator(core, metric);
    case 'log-loss':
      return logLossComparator(core);
    case 'rmse':
      return rmseComparator(core);
    case 'roc-auc':
      return aucComparator(core);
  }
  throw new Error(`no simulation for metric ${metric}`);
}

/** The action's decision on one comparison under one rule's inputs. */
export function decide(core, metric, rule, comparison) {
  return core.decideGate({ metric, ...rule }, comparison).passed;
}
