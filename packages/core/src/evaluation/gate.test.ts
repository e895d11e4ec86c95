import { describe, expect, it } from 'vitest';

import { decideGate } from './gate.js';

describe('decideGate', () => {
  it('passes a higher-is-better metric that gains at least the margin, absorbing rounding', () => {
    // 0.80 - 0.79 is 0.010000000000000009 in floating point; 0.3 - 0.29 is 0.009999999999999953
    expect(decideGate({ metric: 'accuracy', minImprovement: 0.01 }, 0.3, 0.29).passed).toBe(true);
    expect(decideGate({ metric: 'accuracy', minImprovement: 0.01 }, 0.8, 0.79).passed).toBe(true);
    const d = decideGate({ metric: 'accuracy', minImprovement: 0.01 }, 0.795, 0.79);
    expect(d.passed).toBe(false);
    expect(d.required).toBeCloseTo(0.8, 12);
    expect(d.reason).toMatch(/accuracy 0\.7950 vs baseline 0\.7900: the new model must reach >= 0\.8000/);
  });
  it('mirrors the rule for lower-is-better metrics', () => {
    const d = decideGate({ metric: 'rmse', minImprovement: 0.5 }, 9.4, 10);
    expect(d.passed).toBe(true);
    expect(d.improvement).toBeCloseTo(0.6, 12);
    expect(decideGate({ metric: 'log-loss', minImprovement: 0.01 }, 0.606, 0.566).passed).toBe(false);
    expect(decideGate({ metric: 'log-loss', minImprovement: 0.01 }, 0.606, 0.566).reason).toMatch(/<= 0\.5560/);
  });
  it('fails a NaN metric, whichever side', () => {
    expect(decideGate({ metric: 'rmse', minImprovement: 0.01 }, NaN, 0.5).passed).toBe(false);
    expect(decideGate({ metric: 'accuracy', minImprovement: 0.01 }, 0.9, NaN).passed).toBe(false);
  });
  it('tolerates a regression up to a negative margin', () => {
    expect(decideGate({ metric: 'accuracy', minImprovement: -0.02 }, 0.89, 0.9).passed).toBe(true);
    expect(decideGate({ metric: 'accuracy', minImprovement: -0.02 }, 0.87, 0.9).passed).toBe(false);
  });
  it('fails a gain that is not significant when a level is set', () => {
    const d = decideGate({ metric: 'accuracy', minImprovement: 0.01, significanceLevel: 0.05 }, 0.9, 0.85, 0.2);
    expect(d.passed).toBe(false);
    expect(d.reason).toMatch(/p = 0\.2000, not below significance-level 0\.05/);
    expect(decideGate({ metric: 'accuracy', minImprovement: 0.01, significanceLevel: 0.05 }, 0.9, 0.85, 0.01).passed).toBe(true);
  });
});
