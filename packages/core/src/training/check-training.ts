/**
 * check-training's work, outside any runner: read the log, choose its columns, build the curves
 * per epoch, run the checks, summarize and chart. The report is filled as each step ends, so a
 * bad column later on still leaves what was read.
 */
import { UserError } from '../errors.js';
import { trainingChart } from './chart.js';
import { runTrainingChecks } from './checks.js';
import type { TrainingCheckSettings } from './check-result.js';
import { chooseColumns, columnList, type NamedColumns } from './columns.js';
import { trainingCurves } from './curves.js';
import { readTrainingLog, type TrainingLog, type TrainingLogFormat } from './log.js';
import { decideTraining, summarizeCurves, type TrainingReport } from './training-report.js';

export interface CheckTrainingOptions {
  log: { path: string; format?: TrainingLogFormat; input: string };
  columns: NamedColumns;
  settings: TrainingCheckSettings;
}

function checkBoundColumns(log: TrainingLog, settings: TrainingCheckSettings): void {
  for (const b of settings.bounds) {
    if (!log.columns.includes(b.column)) {
      throw new UserError(
        `Input bounds line ${b.line} ('${b.text}') names column ${b.column}, which ${log.path} does not have; its columns: ${columnList(log)}.`,
        {
          input: 'bounds',
          file: log.path,
        },
      );
    }
  }
}

/** Runs every check and records it in `report`, which ends passed or failed. */
export async function checkTraining(o: CheckTrainingOptions, report: TrainingReport): Promise<void> {
  report.settings = { ...o.settings, bounds: o.settings.bounds.map((b) => b.text) };
  const log = await readTrainingLog(o.log.path, { format: o.log.format, input: o.log.input });
  report.log = { path: log.path, format: log.format, rows: log.rows.length, columns: log.columns };
  const columns = chooseColumns(log, o.columns);
  checkBoundColumns(log, o.settings);
  const curves = trainingCurves(
    log,
    columns,
    o.settings.bounds.map((b) => b.column),
  );
  report.log.epochs = curves.epochs.length;
  report.log.used = {
    loss: columns.loss,
    valLoss: columns.valLoss ?? null,
    gradNorm: columns.gradNorm ?? null,
    epoch: columns.epoch ?? null,
  };
  report.checks = runTrainingChecks(curves, o.settings);
  report.summary = summarizeCurves(curves);
  report.chart = trainingChart(curves, report.checks);
  decideTraining(report);
}
