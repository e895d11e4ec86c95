/** check-training's annotations: one per failed check (an error) or warning, on the log file at the line it points at. */
import type { TrainingReport } from './training-report.js';

export interface TrainingAnnotation {
  level: 'error' | 'warning';
  title: string;
  message: string;
  file?: string;
  line?: number;
}

export function trainingAnnotations(r: TrainingReport): TrainingAnnotation[] {
  return r.checks
    .filter((c) => c.status === 'failed' || c.status === 'warning')
    .map((c) => ({
      level: c.status === 'failed' ? 'error' : 'warning',
      title: c.name,
      message: c.message,
      file: r.log?.path,
      line: c.line,
    }));
}
