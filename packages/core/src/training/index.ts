// check-training's domain: training logs (JSON, JSON lines, CSV, Lightning's and Keras' CSV
// loggers) read into curves per epoch, the checks of the loss curve, gradient norms and bounds,
// the report, its job summary with a Mermaid chart, and its annotations.
export { readTrainingLog, csvFlavour, TRAINING_LOG_FORMATS } from './log.js';
export type { LogRow, ReadLogOptions, TrainingLog, TrainingLogFormat } from './log.js';
export { parseLogCell, jsonLogCell } from './log-values.js';
export type { LogCell } from './log-values.js';
export { parsePythonJson } from './python-json.js';
export type { ParsedJson } from './python-json.js';
export { chooseColumns, COLUMN_CANDIDATES, COLUMN_INPUTS } from './columns.js';
export type { ChosenColumns, ColumnRole, NamedColumns } from './columns.js';
export { trainingCurves, finitePoints } from './curves.js';
export type { EpochColumn, RawColumn, TrainingCurves } from './curves.js';
export { parseBounds, withinBound, BOUNDS_EXPECTED, BOUND_OPERATORS } from './bounds.js';
export type { Bound, BoundOperator } from './bounds.js';
export { CHECK_IDS, DEFAULT_TRAINING_SETTINGS } from './check-result.js';
export type { CheckId, CheckStatus, TrainingCheckResult, TrainingCheckSettings, ValLossRisingMode } from './check-result.js';
export { runTrainingChecks, finiteCheck, gradNormCheck, boundChecks } from './checks.js';
export { convergedCheck, notDivergingCheck, valLossRisingCheck, slope } from './loss-checks.js';
export { trainingChart, MAX_CHART_POINTS } from './chart.js';
export type { ChartSeries, TrainingChart } from './chart.js';
export { renderMermaidChart, mermaidNumber } from './chart-mermaid.js';
export * from './training-report.js';
export { renderTrainingMarkdown } from './training-markdown.js';
export { trainingAnnotations } from './training-annotations.js';
export type { TrainingAnnotation } from './training-annotations.js';
export { checkTraining } from './check-training.js';
export type { CheckTrainingOptions } from './check-training.js';
