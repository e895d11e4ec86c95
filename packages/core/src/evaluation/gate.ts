import { higherIsBetter, type MetricName } from '../metrics/definitions.js';
import { formatMetric } from '../util/format.js';

export type MissingBaselinePolicy = 'pass' | 'warn' | 'fail';

export interface GateConfig {
  metric: MetricName;
  /** How much better (absolute, in the metric's own units) the new model must be. */
  minImprovement: number;
  /** When set, the new model's accuracy gain must also be significant at this level (McNemar). */
  significanceLevel?: number;
}

export interface GateDecision {
  passed: boolean;
  reason: string;
  improvement: number | null;
  /** The value the new model had to reach. */
  required: number | null;
}

/** Absorbs rounding in `baseline + margin` (0.79 + 0.01 must admit 0.80). */
const ROUNDING = 1e-12;

/**
 * The promotion rule (TFMA's change threshold with an absolute margin): for a higher-is-better
 * metric, pass when new - baseline >= margin; for lower-is-better, when baseline - new >= margin.
 * A negative margin tolerates that much regression.
 */
export function decideGate(
  config: GateConfig,
  newValue: number,
  baselineValue: number,
  pValue?: number,
): GateDecision {
  const { metric, minImprovement } = config;
  const up = higherIsBetter(metric);
  const improvement = up ? newValue - baselineValue : baselineValue - newValue;
  const required = up ? baselineValue + minImprovement : baselineValue - minImprovement;
  const sign = up ? '>=' : '<=';
  const values = `${metric} ${formatMetric(newValue)} vs baseline ${formatMetric(baselineValue)}`;
  // written so that NaN fails: a model whose metric is not a number is not better
  if (!(improvement + ROUNDING >= minImprovement)) {
    return {
      passed: false,
      improvement,
      required,
      reason:
        `${values}: the new model must reach ${sign} ${formatMetric(required)} (baseline ${up ? '+' : '-'} min-improvement ${minImprovement}), ` +
        `its improvement is ${formatMetric(improvement)}.`,
    };
  }
  if (config.significanceLevel !== undefined && pValue !== undefined && !(pValue < config.significanceLevel)) {
    return {
      passed: false,
      improvement,
      required,
      reason: `${values} clears the margin, but McNemar's test gives p = ${formatMetric(pValue)}, not below significance-level ${config.significanceLevel}: the gain may be noise.`,
    };
  }
  return {
    passed: true,
    improvement,
    required,
    reason: `${values}: improvement ${formatMetric(improvement)} meets min-improvement ${minImprovement}.`,
  };
}
