// node bench/stats-primitives.mjs
//
// Micro-benchmark of the per-row statistics of packages/core/src/stats (issue 10): the cost of
// ExactSum.add, MeanStats.add and PairedMeanStats.add per call, and of bootstrapCells per
// replicate and cell. Compiles the stats sources with the repository's tsc into .bench/stats-build
// (git-ignored), then measures CPU time (process.cpuUsage: less disturbed than wall time on a
// shared machine) over 2,000,000 calls on a cache-resident array of per-row log-losses, after a
// warm-up run, best of 5. Prints a table; not a test (no thresholds).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, '.bench', 'stats-build');
const CALLS = 2_000_000;
const RUNS = 5;

const tsc = spawnSync(
  process.execPath,
  [
    join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'),
    ...['--outDir', OUT, '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--strict'],
    join(ROOT, 'packages', 'core', 'src', 'stats', 'index.ts'),
  ],
  { stdio: 'inherit' },
);
if (tsc.status !== 0) throw new Error(`tsc failed (exit ${tsc.status})`);
const { ExactSum, MeanStats, PairedMeanStats, SeededRandom, bootstrapCells } = await import(pathToFileURL(join(OUT, 'index.js')).href);

// per-row log-losses of two models, 2^16 of them (cache-resident: the cost measured is the add's)
const MASK = 0xffff;
const random = new SeededRandom(1, 0);
const newLoss = new Float64Array(MASK + 1);
const baselineLoss = new Float64Array(MASK + 1);
for (let i = 0; i <= MASK; i++) {
  newLoss[i] = -Math.log(1 - random.uniform());
  baselineLoss[i] = random.uniform() < 0.3 ? newLoss[i] : -Math.log(1 - random.uniform());
}

/** Best CPU time in ns per call of `run` (which makes CALLS calls) over RUNS runs, after a warm-up. */
function nsPerCall(run) {
  run();
  let best = Infinity;
  for (let r = 0; r < RUNS; r++) {
    const start = process.cpuUsage();
    run();
    const used = process.cpuUsage(start);
    best = Math.min(best, ((used.user + used.system) * 1000) / CALLS);
  }
  return best;
}

let sink = 0;
const rows = [
  [
    'ExactSum.add',
    nsPerCall(() => {
      const s = new ExactSum();
      for (let i = 0; i < CALLS; i++) s.add(newLoss[i & MASK]);
      sink += s.value();
    }),
  ],
  [
    'MeanStats.add',
    nsPerCall(() => {
      const s = new MeanStats();
      for (let i = 0; i < CALLS; i++) s.add(newLoss[i & MASK]);
      sink += s.variance();
    }),
  ],
  [
    'PairedMeanStats.add (per row: 3 MeanStats)',
    nsPerCall(() => {
      const s = new PairedMeanStats();
      for (let i = 0; i < CALLS; i++) s.add(newLoss[i & MASK], baselineLoss[i & MASK]);
      sink += s.diff.variance();
    }),
  ],
  [
    'plain double sum (reference)',
    nsPerCall(() => {
      let s = 0;
      for (let i = 0; i < CALLS; i++) s += newLoss[i & MASK];
      sink += s;
    }),
  ],
];
for (const [name, ns] of rows) console.log(`${name.padEnd(44)} ${ns.toFixed(1).padStart(6)} ns per call`);

for (const cells of [27, 1000]) {
  const counts = new Float64Array(cells);
  for (let i = 0; i < cells; i++) counts[i] = Math.round(2e6 * (i % 37 === 0 ? 0.05 : 0.0005) * (1 + (i % 7)));
  const replicates = 2000;
  const start = process.cpuUsage();
  bootstrapCells(counts, 1, (resampled, out) => (out[0] = resampled[0]), { replicates, seed: 1, stream: 0 });
  const used = process.cpuUsage(start);
  const ms = (used.user + used.system) / 1000;
  console.log(
    `bootstrapCells, ${cells} cells, ${replicates} replicates: ${ms.toFixed(0)} ms CPU (${((ms * 1e6) / replicates / cells).toFixed(0)} ns per cell)`,
  );
}
if (Number.isNaN(sink)) console.log('');
