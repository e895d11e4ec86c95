/**
 * validate-data's annotations: one per failed expectation, on its entry's line of the suite file
 * (where the fix goes when the data is right and the suite wrong); on the data file, one when it
 * has no rows, one per drifted column and one for leakage; on the reference, one when no column's
 * drift could be measured.
 */
import type { DataValidationReport } from './data-report.js';
import { formatNumber } from '../util/format.js';
import { describeEntry, observedOf } from './data-markdown.js';
import type { ColumnDrift } from './drift/drift.js';

export interface Annotation {
  title: string;
  message: string;
  file?: string;
  line?: number;
}

/** "income drifted: psi 0.41 > 0.2, js 0.19 > 0.1" — the statistics that crossed their thresholds. */
function driftMessage(c: ColumnDrift): string {
  const crossed = (
    [
      ['psi', c.psi],
      ['js', c.js],
      ['ks-p', c.ks && { value: c.ks.pValue, threshold: c.ks.threshold, drifted: c.ks.drifted, below: true }],
      ['chi2-p', c.chiSquare && { value: c.chiSquare.pValue, threshold: c.chiSquare.threshold, drifted: c.chiSquare.drifted, below: true }],
    ] as const
  )
    .filter(([, s]) => s?.drifted)
    .map(([name, s]) => `${name} ${formatNumber(s!.value)} ${s && 'below' in s ? '<' : '>'} ${formatNumber(s!.threshold ?? 0)}`);
  return `${c.column} drifted from the reference: ${crossed.join(', ')}.`;
}

export function failedExpectationAnnotations(r: DataValidationReport): Annotation[] {
  const annotations: Annotation[] = [];
  if (r.data?.rows === 0)
    annotations.push({
      title: 'no rows',
      message: `The data ${r.data.path} has no rows: the suite's column expectations pass on no rows, the gate does not.`,
      file: r.data.path,
    });
  r.validation?.results.forEach((result, i) => {
    if (result.success) return;
    const config = result.expectation_config;
    annotations.push({
      title: String(config.type ?? config.expectation_type),
      message: `${describeEntry(result)} failed: ${observedOf(result)}`,
      file: r.suite?.path,
      line: r.suite?.lines[i],
    });
  });
  if (r.drift?.failOnDrift && r.drift.notMeasured.length === r.drift.columns.length)
    annotations.push({
      title: 'drift not measured',
      message: `Drift was measured on none of the ${r.drift.columns.length} columns: ${r.drift.notMeasured.join(', ')}.`,
      file: r.drift.reference.path,
    });
  if (r.drift?.failOnDrift) {
    for (const c of r.drift.columns.filter((x) => x.drifted)) {
      annotations.push({ title: `drift in ${c.column}`, message: driftMessage(c), file: r.data?.path });
    }
  }
  if (r.leakage && !r.leakage.passed) annotations.push({ title: 'leakage', message: r.leakage.summary, file: r.data?.path });
  return annotations;
}
