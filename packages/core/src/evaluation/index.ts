// The evaluation domain (evaluate-baseline): the eval set, the paired comparison of two models,
// the metrics, the gate and its report.
export * from '../metrics/index.js';
export * from '../stats/index.js';
export * from './comparison.js';
export * from './statistics.js';
export * from './metric-comparisons.js';
export * from './thresholds.js';
export * from './guards.js';
export * from './eval-set.js';
export * from './compare.js';
export * from './task.js';
export * from './gate.js';
export * from './evaluation-report.js';
export * from './evaluation-markdown.js';
export * from './evaluate.js';
export * from './accumulators.js';
export * from './partial-result.js';
export * from './merge-partials.js';
export * from './baseline-cache.js';
export { RowCacheReader, RowCacheWriter } from './row-cache.js';
export type { CacheKey, ColumnArray, ColumnSpec, ColumnType } from './row-cache.js';
