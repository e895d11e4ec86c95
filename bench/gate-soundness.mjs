// npm run bench:gate [-- --quick] [--out docs/gate-soundness.md] [--gates G] [--replicates B]
//                    [--workers W] [--seed S] [--metrics accuracy,rmse] [--sizes 500,10000]
//
// How often does the evaluate-baseline gate promote a model that is not better? Simulates paired
// predictions of two models with a KNOWN true (population) improvement (bench/gate-processes.json,
// made and derived by bench/gate-processes.py), decides each simulated eval set with the action's
// own code (the built core: the same sufficient statistics, comparisons and decideGate; see
// bench/gate-core.mjs) under each decision rule, and reports per point (metric x N x true
// improvement) the promotion rate, its Monte Carlo standard error and 95% Wilson interval:
//   - significance-level 0.05 when the true improvement is 0 (at most 5% within MC error),
//   - confidence 0.95 when it equals min-improvement (at most 5% within MC error),
//   - the seed's rule (improvement >= min-improvement) at both, for contrast,
//   - the power of each rule at a true +0.02 with N = 10,000.
// Every gate has its own data stream and bootstrap seed, derived from (--seed, point, gate), so a
// run's figures do not depend on the number of workers or the order the gates ran in.
// --out rewrites the results between the markers of docs/gate-soundness.md; the raw results go to
// .bench/gate-soundness.json. See docs/gate-soundness.md.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { checkBuild, comparatorOf, decide, loadCore } from './gate-core.mjs';
import { checkReferenceVector, streamKey, Xoshiro128 } from './gate-random.mjs';
import { checkSampler, samplerOf } from './gate-samplers.mjs';
import { renderReport, replaceBetweenMarkers } from './gate-report.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PROCESSES = JSON.parse(readFileSync(join(ROOT, 'bench', 'gate-processes.json'), 'utf8')).processes;
const METRICS = ['accuracy', 'f1-macro', 'log-loss', 'rmse', 'roc-auc'];
const SIZES = [500, 5000, 50000];
const POWER = { n: 10000, improvement: 0.02 };
/** min-improvement of every metric, in its own units (docs/gate-soundness.md says why 0.01 for log-loss and rmse too). */
const MARGIN = 0.01;
const ALPHA = 0.05;
const CONFIDENCE = 0.95;
/** The decision rules, as the action's inputs set them (decideGate's config without the metric). */
const RULES = [
  { id: 'seed', label: 'min-improvement 0.01 (the seed rule)', config: { minImprovement: MARGIN } },
  {
    id: 'significance',
    label: 'significance-level 0.05, min-improvement 0.01',
    config: { minImprovement: MARGIN, significanceLevel: ALPHA },
  },
  { id: 'test', label: 'significance-level 0.05, min-improvement 0', config: { minImprovement: 0, significanceLevel: ALPHA } },
  { id: 'confidence', label: 'confidence 0.95, min-improvement 0.01', config: { minImprovement: MARGIN, confidence: CONFIDENCE } },
];
const CHUNK = 50; // gates per task handed to a worker

function processOf(metric, target) {
  const found = PROCESSES.find((p) => p.metric === metric && Math.abs(p.target - target) < 1e-12);
  if (!found) throw new Error(`bench/gate-processes.json has no process for ${metric} at ${target}`);
  return found;
}

/**
 * Every (metric, N, true improvement) point, with a stable id (the key of its random streams); only
 * the sizes asked for (the power point is N = 10,000).
 */
function pointsOf(metrics, sizes) {
  const points = [];
  for (const metric of metrics) {
    for (const n of SIZES.filter((s) => sizes.includes(s))) for (const target of [0, MARGIN]) points.push({ metric, n, target });
    if (sizes.includes(POWER.n)) points.push({ metric, n: POWER.n, target: POWER.improvement });
  }
  return points.map((p) => {
    const processIndex = PROCESSES.indexOf(processOf(p.metric, p.target));
    return { ...p, processIndex, id: processIndex * 1_000_000 + p.n };
  });
}

// ---------------------------------------------------------------- worker: simulates gates

function emptyTally() {
  return {
    gates: 0,
    promotions: Object.fromEntries(RULES.map((r) => [r.id, 0])),
    improvementSum: 0,
    improvementSquares: 0,
    halfWidthSum: 0,
    covered: 0,
    boundAboveTruth: 0,
    incomplete: 0,
    errors: 0,
    firstError: undefined,
    millis: 0,
  };
}

/** Simulates gates [start, end) of one point: sample, compare with the core, decide under each rule. */
function simulate(core, cache, { point, start, end, seed, replicates }) {
  const process = PROCESSES[point.processIndex];
  const key = `${point.processIndex}`;
  cache[key] ??= { sampler: samplerOf(process), compare: comparatorOf(core, point.metric) };
  const { sampler, compare } = cache[key];
  const tally = emptyTally();
  const began = performance.now();
  for (let gate = start; gate < end; gate++) {
    sampler.sample(new Xoshiro128(seed, point.id, gate), point.n);
    const settings = { level: CONFIDENCE, confidence: CONFIDENCE, replicates, seed: streamKey(seed ^ 0x5bd1e995, point.id, gate) };
    tally.gates++;
    try {
      tallyGate(core, tally, point, compare(sampler, settings));
    } catch (error) {
      tally.errors++;
      tally.firstError ??= error instanceof Error ? (error.stack ?? error.message) : String(error);
    }
  }
  tally.millis = performance.now() - began;
  return tally;
}

function tallyGate(core, tally, point, comparison) {
  for (const rule of RULES) if (decide(core, point.metric, rule.config, comparison)) tally.promotions[rule.id]++;
  const { improvement, interval, lowerBound } = comparison;
  if (improvement === null || interval === undefined || lowerBound === undefined || comparison.pNewBetter === undefined) {
    tally.incomplete++;
    return;
  }
  tally.improvementSum += improvement;
  tally.improvementSquares += improvement * improvement;
  tally.halfWidthSum += (interval.upper - interval.lower) / 2;
  if (interval.lower <= point.target && point.target <= interval.upper) tally.covered++;
  // by more than the rounding of a difference of two metric values (decideGate's ROUNDING): a bound on the truth is not above it
  if (lowerBound.value > point.target + 1e-12) tally.boundAboveTruth++;
}

async function workerMain() {
  const core = await loadCore();
  const cache = {};
  parentPort.on('message', (task) => parentPort.postMessage({ task, tally: simulate(core, cache, task) }));
  parentPort.postMessage({ ready: true });
}

// ---------------------------------------------------------------- main: the run and its report

function parseOptions() {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      out: { type: 'string' },
      gates: { type: 'string' },
      replicates: { type: 'string', default: '2000' },
      workers: { type: 'string', default: String(Math.min(2, availableParallelism())) },
      seed: { type: 'string', default: '20260610' },
      metrics: { type: 'string', default: METRICS.join(',') },
      sizes: { type: 'string', default: [...SIZES, POWER.n].join(',') },
    },
  });
  const integer = (name, text, min) => {
    const v = Number(text);
    if (!Number.isInteger(v) || v < min) throw new Error(`--${name} must be an integer >= ${min}, got ${text}`);
    return v;
  };
  const metrics = values.metrics.split(',').map((m) => m.trim());
  for (const m of metrics) if (!METRICS.includes(m)) throw new Error(`--metrics: unknown ${m} (simulated: ${METRICS.join(', ')})`);
  const sizes = values.sizes.split(',').map(Number);
  for (const n of sizes)
    if (![...SIZES, POWER.n].includes(n)) throw new Error(`--sizes: ${n} is not one of ${[...SIZES, POWER.n].join(', ')}`);
  return {
    quick: values.quick,
    out: values.out,
    gates: integer('gates', values.gates ?? (values.quick ? '100' : '2000'), 1),
    replicates: integer('replicates', values.replicates, 1),
    workers: integer('workers', values.workers, 1),
    seed: integer('seed', values.seed, 0) >>> 0,
    metrics,
    sizes,
  };
}

/** Each sampler against its process's exact population values; throws on |z| > 5. */
function checkSamplers(options) {
  const rows = options.quick ? 200_000 : 2_000_000;
  const checks = [];
  for (const [index, process] of PROCESSES.entries()) {
    if (!options.metrics.includes(process.metric)) continue;
    for (const c of checkSampler(process, new Xoshiro128(options.seed, 0xffff0000 + index, 0), rows)) {
      checks.push({ metric: process.metric, target: process.target, rows, ...c });
      if (!(Math.abs(c.z) <= 5))
        throw new Error(`the ${process.metric} sampler (target ${process.target}) is not its process: ${c.what} z = ${c.z}`);
    }
  }
  return checks;
}

function startWorkers(count) {
  return Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise((resolve, reject) => {
          const worker = new Worker(fileURLToPath(import.meta.url), { workerData: { worker: true } });
          worker.once('message', () => resolve(worker));
          worker.once('error', reject);
        }),
    ),
  );
}

function merge(into, tally) {
  for (const [key, value] of Object.entries(tally)) {
    if (key === 'promotions') for (const id of Object.keys(value)) into.promotions[id] += value[id];
    else if (key === 'firstError') into.firstError ??= value;
    else into[key] += value;
  }
}

/** Runs every point's gates on the workers, in chunks; prints each point when its last chunk is back. */
async function runPoints(points, options, onPointDone) {
  const tasks = [];
  for (const [index, point] of points.entries()) {
    for (let start = 0; start < options.gates; start += CHUNK) {
      tasks.push({ index, point, start, end: Math.min(options.gates, start + CHUNK), seed: options.seed, replicates: options.replicates });
    }
  }
  const tallies = points.map(() => emptyTally());
  const pending = points.map((_, i) => tasks.filter((t) => t.index === i).length);
  const workers = await startWorkers(options.workers);
  let next = 0;
  await Promise.all(
    workers.map(
      (worker) =>
        new Promise((resolve, reject) => {
          const feed = () => (next < tasks.length ? worker.postMessage(tasks[next++]) : resolve());
          worker.on('message', ({ task, tally }) => {
            merge(tallies[task.index], tally);
            if (--pending[task.index] === 0) onPointDone(points[task.index], tallies[task.index]);
            feed();
          });
          worker.on('error', reject);
          feed();
        }),
    ),
  );
  await Promise.all(workers.map((w) => w.terminate()));
  return tallies;
}

function gitDescription() {
  const git = (...args) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
  try {
    const dirty = git('status', '--porcelain', '--', 'packages/core/src', 'bench') !== '';
    return `${git('rev-parse', '--short', 'HEAD')}${dirty ? ' (packages/core/src or bench/ modified)' : ''}`;
  } catch {
    return 'unknown';
  }
}

async function main() {
  const options = parseOptions();
  checkReferenceVector();
  const stale = checkBuild();
  if (stale) console.warn(`warning: ${stale}`);
  const began = performance.now();
  const samplerChecks = checkSamplers(options);
  for (const c of samplerChecks)
    console.log(
      `sampler check ${c.metric} ${c.target}: ${c.what} ${c.value.toPrecision(7)} (expected ${c.expected.toPrecision(7)}), z = ${c.z.toFixed(2)}`,
    );
  const points = pointsOf(options.metrics, options.sizes);
  const meta = {
    seed: options.seed,
    gates: options.gates,
    replicates: options.replicates,
    workers: options.workers,
    commit: gitDescription(),
    node: process.version,
    cpu: `${cpus().length} x ${cpus()[0]?.model ?? 'unknown'}`,
    quick: options.quick,
  };
  console.log(
    `bench:gate: ${points.length} points x ${options.gates} gates, ${options.replicates} bootstrap replicates, seed ${options.seed}, ${options.workers} workers, commit ${meta.commit}`,
  );
  const tallies = await runPoints(points, options, (point, tally) => {
    const rates = RULES.map((r) => `${r.id} ${((100 * tally.promotions[r.id]) / tally.gates).toFixed(2)}%`).join(', ');
    const errors = tally.errors > 0 ? `, ${tally.errors} ERRORS (first: ${tally.firstError})` : '';
    console.log(
      `${point.metric} N=${point.n} true improvement ${point.target}: ${tally.gates} gates, ${(tally.millis / 1000).toFixed(1)} s of worker time; ${rates}${errors}`,
    );
  });
  meta.seconds = (performance.now() - began) / 1000;
  const results = points.map((point, i) => ({ ...point, ...tallies[i] }));
  const report = renderReport(results, {
    ...meta,
    rules: RULES,
    margin: MARGIN,
    alpha: ALPHA,
    confidence: CONFIDENCE,
    power: POWER,
    sizes: SIZES,
  });
  console.log(`\n${report}`);
  mkdirSync(join(ROOT, '.bench'), { recursive: true });
  writeFileSync(join(ROOT, '.bench', 'gate-soundness.json'), `${JSON.stringify({ meta, samplerChecks, results }, null, 1)}\n`);
  if (options.out) {
    writeFileSync(options.out, replaceBetweenMarkers(readFileSync(options.out, 'utf8'), report));
    console.log(`rewrote the results in ${options.out}`);
  }
  console.log(`total ${meta.seconds.toFixed(0)} s`);
  if (results.some((r) => r.errors > 0)) process.exitCode = 1;
}

if (isMainThread) await main();
else if (workerData?.worker) await workerMain();
