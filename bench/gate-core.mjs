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
  const entry = join(DIST, 'evaluation', 'index.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: build the core first (node scripts/build.mjs)`);
  const source = newest(SRC, (n) => n.endsWith('.ts') && !n.endsWith('.test.ts'));
  const built = newest(DIST, (n) => n.endsWith('.js'));
  return source > built
    ? 'packages/core/src has changes newer than packages/core/dist: rebuild (node scripts/build.mjs) to measure them'
    : undefined;
}

/** The core's modules, loaded once. */
export async function loadCore() {
  const load = (path) => import(pathToFileURL(join(DIST, path)).href);
  const [evaluation, metrics, stats, gate] = await Promise.all([
    load('evaluation/index.js'),
    load('metrics/index.js'),
    load('stats/index.js'),
    load('evaluation/gate.js'),
  ]);
  return { ...stats, ...metrics, ...gate, ...evaluation };
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

/** log-loss: the per-row losses of both models streamed into PairedMeanStats, the normal (CLT) comparison. */
function logLossComparator(core) {
  return (sampler, settings) => {
    const stats = new core.PairedMeanStats();
    for (let i = 0; i < sampler.n; i++) stats.add(sampler.lossNew[i], sampler.lossBase[i]);
    return core.compareMeanMetric('log-loss', stats, settings);
  };
}

/** rmse: squared and absolute errors of both models and the targets, compared by the delta method. */
function rmseComparator(core) {
  return (sampler, settings) => {
    const squared = new core.PairedMeanStats();
    const absolute = new core.PairedMeanStats();
    const targets = new core.MeanStats();
    for (let i = 0; i < sampler.n; i++) {
      const en = sampler.errorNew[i];
      const eb = sampler.errorBase[i];
      squared.add(en * en, eb * eb);
      absolute.add(Math.abs(en), Math.abs(eb));
      targets.add(0);
    }
    return pick(core.compareRegression({ squared, absolute, targets }, settings), 'rmse');
  };
}

/** roc-auc: labels and both models' scores kept as RankScores, DeLong's paired comparison. */
function aucComparator(core) {
  return (sampler, settings) => {
    const scores = new core.RankScores(2);
    scores.addBinary(sampler.labels, sampler.scoreNew, sampler.scoreBase, sampler.n);
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
