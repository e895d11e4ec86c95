// Statistics primitives of the paired comparison (issue 10): exact mergeable sums, seeded random
// variates, the normal and Student t distributions, Holm's correction, the cell bootstrap and the
// comparisons of mean metrics. Plain functions and classes, no I/O.
export { ExactSum } from './exact-sum.js';
export { SeededRandom } from './random.js';
export { normalCdf, normalQuantile, studentTCdf, studentTQuantile } from './normal.js';
export { holmAdjust } from './holm.js';
export { bootstrapCells, quantileOfSorted, summarizeBootstrap } from './bootstrap.js';
export type { BootstrapOptions, BootstrapSummary } from './bootstrap.js';
export { meanDifference, MeanStats, PairedMeanStats, sqrtMeanDifference } from './paired-mean.js';
export type { MeanDifference, MeanStatsJson, PairedMeanStatsJson } from './paired-mean.js';
