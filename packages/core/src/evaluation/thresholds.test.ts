import { describe, expect, it } from 'vitest';

import { UserError } from '../errors.js';
import type { MetricComparison } from './comparison.js';
import { checkThresholds, parseThresholds, type Threshold } from './thresholds.js';

function parse(text: string): Threshold[] {
  const r = parseThresholds(text);
  if (!r.ok) throw new Error(`unexpected parse error: ${r.error}`);
  return r.value;
}

function parseFails(text: string): string {
  const r = parseThresholds(text);
  if (r.ok) throw new Error(`expected a parse error for ${JSON.stringify(text)}`);
  return r.error;
}

describe('parseThresholds: the forms', () => {
  it('reads value, per-class, improvement, relative and regression bounds, one per line', () => {
    const text = [
      '# release bar',
      'accuracy >= 0.90                 # the new model',
      '',
      'log-loss <= 0.45',
      'recall[3] >= 0.90',
      'accuracy improvement >= 0.01',
      'f1-macro improvement >= 2%',
      'log-loss regression <= 0.01',
      'brier regression <= 5%',
      'mcc improvement >= -0.02',
    ].join('\n');
    const rows = parse(text).map(({ line, metric, name, classId, kind, op, bound, relative }) => ({
      line,
      metric,
      name,
      classId,
      kind,
      op,
      bound,
      relative,
    }));
    expect(rows).toEqual([
      { line: 2, metric: 'accuracy', name: 'accuracy', classId: undefined, kind: 'value', op: '>=', bound: 0.9, relative: false },
      { line: 4, metric: 'log-loss', name: 'log-loss', classId: undefined, kind: 'value', op: '<=', bound: 0.45, relative: false },
      { line: 5, metric: 'recall[3]', name: 'recall', classId: 3, kind: 'value', op: '>=', bound: 0.9, relative: false },
      { line: 6, metric: 'accuracy', name: 'accuracy', classId: undefined, kind: 'improvement', op: '>=', bound: 0.01, relative: false },
      { line: 7, metric: 'f1-macro', name: 'f1-macro', classId: undefined, kind: 'improvement', op: '>=', bound: 0.02, relative: true },
      { line: 8, metric: 'log-loss', name: 'log-loss', classId: undefined, kind: 'regression', op: '<=', bound: 0.01, relative: false },
      { line: 9, metric: 'brier', name: 'brier', classId: undefined, kind: 'regression', op: '<=', bound: 0.05, relative: true },
      { line: 10, metric: 'mcc', name: 'mcc', classId: undefined, kind: 'improvement', op: '>=', bound: -0.02, relative: false },
    ]);
    expect(parse(text)[0].text).toBe('accuracy >= 0.90');
  });
  it('is case-insensitive and lenient about blanks, CRLF and number forms', () => {
    const rows = parse('  ACCURACY>=.9 \r\nRecall [ 12 ]   >=   9e-1\r\nF1-Macro Improvement>=+2.5 %\r\n   # only a comment\r\n');
    expect(rows.map((t) => [t.metric, t.kind, t.op, t.bound, t.relative, t.line])).toEqual([
      ['accuracy', 'value', '>=', 0.9, false, 1],
      ['recall[12]', 'value', '>=', 0.9, false, 2],
      ['f1-macro', 'improvement', '>=', 0.025, true, 3],
    ]);
    expect(rows[1].text).toBe('Recall [ 12 ]   >=   9e-1');
  });
  it('an empty input, or only comments, is no threshold', () => {
    expect(parse('')).toEqual([]);
    expect(parse('\n# nothing yet\n   \n')).toEqual([]);
  });
});

describe('parseThresholds: the errors name the line, quote it and say what is expected', () => {
  it('an unknown metric lists the metrics', () => {
    expect(parseFails('accuracy >= 0.9\nacuracy >= 0.9')).toBe(
      "line 2 ('acuracy >= 0.9'): unknown metric acuracy; the metrics are accuracy, balanced-accuracy, f1-macro, precision-macro, recall-macro, " +
        'mcc, top-k-accuracy, log-loss, brier, ece, roc-auc, average-precision, rmse, mse, mae, r2, and per class precision[C], recall[C], f1[C]',
    );
    expect(parseFails('log_loss <= 0.5')).toMatch(/^line 1 \('log_loss <= 0\.5'\): unknown metric log_loss; the metrics are accuracy, /);
  });
  it('a per-class metric needs its class, and only per-class metrics take one', () => {
    expect(parseFails('recall >= 0.9')).toBe(
      "line 1 ('recall >= 0.9'): recall is a per-class metric: name the class, as in recall[3], or use recall-macro",
    );
    expect(parseFails('accuracy[2] >= 0.9')).toBe(
      "line 1 ('accuracy[2] >= 0.9'): accuracy is not a per-class metric; only precision, recall, f1 take a class, as in recall[3]",
    );
    expect(parseFails('f1[cat] >= 0.9')).toBe("line 1 ('f1[cat] >= 0.9'): the class in f1[cat] is not a class id (0, 1, 2, ...)");
    expect(parseFails('f1[-1] >= 0.9')).toBe("line 1 ('f1[-1] >= 0.9'): the class in f1[-1] is not a class id (0, 1, 2, ...)");
  });
  it('the comparison: >= or <=, and the one that fits the kind', () => {
    expect(parseFails('accuracy 0.9')).toBe("line 1 ('accuracy 0.9'): expected >= or <= after accuracy");
    expect(parseFails('accuracy improvement')).toBe("line 1 ('accuracy improvement'): expected >= or <= after accuracy improvement");
    expect(parseFails('accuracy > 0.9')).toBe(
      "line 1 ('accuracy > 0.9'): '>' is not a comparison here: use >= or <= (bounds are inclusive)",
    );
    expect(parseFails('accuracy == 0.9')).toBe("line 1 ('accuracy == 0.9'): '==' is not a comparison here: use >= or <=");
    expect(parseFails('accuracy => 0.9')).toBe("line 1 ('accuracy => 0.9'): '=>' is not a comparison here: use >= or <=");
    expect(parseFails('log-loss improvement <= 0.01')).toBe(
      "line 1 ('log-loss improvement <= 0.01'): an improvement takes >= (the least improvement required); " +
        "to tolerate a worsening of at most X write 'log-loss regression <= X'",
    );
    expect(parseFails('accuracy regression >= 0.01')).toBe(
      "line 1 ('accuracy regression >= 0.01'): a regression takes <= (the largest worsening tolerated); " +
        "to require a gain of at least X write 'accuracy improvement >= X'",
    );
    expect(parseFails('accuracy improvment >= 0.01')).toBe(
      "line 1 ('accuracy improvment >= 0.01'): expected improvement, regression, >= or <= after accuracy, found 'improvment'",
    );
  });
  it('the number: present, alone, % only on a change, a regression not negative', () => {
    expect(parseFails('accuracy >=')).toBe("line 1 ('accuracy >='): expected a number after the comparison, found nothing");
    expect(parseFails('accuracy >= high')).toBe("line 1 ('accuracy >= high'): expected a number after the comparison, found 'high'");
    expect(parseFails('accuracy >= 0.9 0.95')).toBe(
      "line 1 ('accuracy >= 0.9 0.95'): expected a number after the comparison, found '0.9 0.95'",
    );
    expect(parseFails('accuracy >= 1e999')).toBe("line 1 ('accuracy >= 1e999'): 1e999 is not a finite number");
    expect(parseFails('accuracy >= 90%')).toBe(
      "line 1 ('accuracy >= 90%'): a value bound is in the metric's own units (accuracy >= 0.9); % is for a relative change (accuracy improvement >= 2%)",
    );
    expect(parseFails('log-loss regression <= -0.01')).toBe(
      "line 1 ('log-loss regression <= -0.01'): a tolerated regression is 0 or more; to require a gain write 'log-loss improvement >= 0.01'",
    );
    expect(parseFails('log-loss regression <= -3%')).toMatch(/write 'log-loss improvement >= 3%'$/);
  });
  it('a line repeated identically is refused, naming both', () => {
    expect(parseFails('accuracy >= 0.90\nlog-loss <= 0.5\nAccuracy>=0.9')).toBe(
      "line 3 ('Accuracy>=0.9') repeats line 1 ('accuracy >= 0.90'); remove one of them",
    );
    expect(parseFails('f1-macro improvement >= 2%\nf1-macro improvement >= 2 %')).toMatch(/^line 2 .* repeats line 1/);
    // different bounds on the same metric are two thresholds, both applied
    expect(parse('accuracy >= 0.9\naccuracy >= 0.95\naccuracy improvement >= 0.9')).toHaveLength(3);
    // 2% relative and 0.02 absolute differ
    expect(parse('accuracy improvement >= 2%\naccuracy improvement >= 0.02')).toHaveLength(2);
  });
});

/** A comparison: improvement positive when the new model is better. */
function cmp(
  metric: string,
  higherIsBetter: boolean,
  n: number | null,
  b: number | null,
  extra: Partial<MetricComparison> = {},
): MetricComparison {
  const improvement = n === null || b === null ? null : higherIsBetter ? n - b : b - n;
  return { metric, higherIsBetter, new: n, baseline: b, improvement, ...extra };
}

const comparisons: Record<string, MetricComparison> = {
  accuracy: cmp('accuracy', true, 0.912, 0.897, { lowerBound: { level: 0.95, value: 0.004 } }),
  'log-loss': cmp('log-loss', false, 0.606, 0.566, { lowerBound: { level: 0.95, value: -0.052 } }),
  'f1-macro': cmp('f1-macro', true, 0.83, 0.8, { lowerBound: { level: 0.95, value: 0.01 } }),
  'recall[3]': cmp('recall[3]', true, 0.88, 0.92),
  brier: cmp('brier', false, 0.1, 0.0),
  'roc-auc': cmp('roc-auc', true, null, null, { unavailable: 'the output holds predicted labels, not scores' }),
  mcc: cmp('mcc', true, 0.6, null, { unavailable: 'no baseline' }),
  'balanced-accuracy': cmp('balanced-accuracy', true, 0.8, 0.7, { unavailable: 'the bootstrap failed' }),
};
const lookup = (t: { metric: string }) => comparisons[t.metric];
const check = (text: string, options: { confidence?: number; classes?: number } = {}) => checkThresholds(parse(text), lookup, options);

describe('checkThresholds', () => {
  it('value bounds judge the new model’s value', () => {
    const [fail, pass] = check('accuracy >= 0.95\nlog-loss <= 0.61');
    expect(pass).toMatchObject({ line: 2, kind: 'value', basis: 'value', actual: 0.606, op: '<=', bound: 0.61, passed: true });
    expect(pass.reason).toBe("the new model's log-loss is 0.6060, at most 0.61");
    expect(fail).toMatchObject({ line: 1, metric: 'accuracy', text: 'accuracy >= 0.95', actual: 0.912, passed: false });
    expect(fail.reason).toBe("the new model's accuracy is 0.9120, not at least 0.95");
    expect(check('recall[3] >= 0.88')[0]).toMatchObject({ metric: 'recall[3]', actual: 0.88, passed: true });
  });
  it('improvement bounds judge the improvement, positive when better by the metric’s direction', () => {
    const [r] = check('accuracy improvement >= 0.015');
    // 0.912 - 0.897 is 0.015000000000000013; the bound is absorbed either way
    expect(r).toMatchObject({ kind: 'improvement', basis: 'improvement', passed: true });
    expect(r.actual).toBeCloseTo(0.015, 12);
    expect(r.reason).toBe('the improvement of accuracy is 0.0150 (0.9120 vs baseline 0.8970), at least 0.015');
    const [ll] = check('log-loss improvement >= -0.05');
    expect(ll.actual).toBeCloseTo(-0.04, 12);
    expect(ll.passed).toBe(true);
    expect(check('log-loss improvement >= -0.03')[0].passed).toBe(false);
  });
  it('regression bounds judge the worsening (-improvement)', () => {
    const [r] = check('log-loss regression <= 0.01');
    expect(r).toMatchObject({ kind: 'regression', basis: 'improvement', op: '<=', bound: 0.01, passed: false });
    expect(r.actual).toBeCloseTo(0.04, 12);
    expect(r.reason).toBe('the worsening of log-loss is 0.0400 (0.6060 vs baseline 0.5660), not at most 0.01');
    expect(check('log-loss regression <= 0.04')[0].passed).toBe(true);
    // an improvement is a negative worsening
    const [better] = check('accuracy regression <= 0');
    expect(better.actual).toBeCloseTo(-0.015, 12);
    expect(better.passed).toBe(true);
  });
  it('relative bounds divide by |baseline|', () => {
    const [r] = check('f1-macro improvement >= 3.5%');
    // (0.83 - 0.80) / 0.80 = 0.0375
    expect(r.actual).toBeCloseTo(0.0375, 12);
    expect(r).toMatchObject({ relative: true, bound: 0.035, passed: true });
    expect(r.reason).toBe(
      'the improvement of f1-macro relative to the baseline is 3.75% (0.0300 / |baseline| 0.8000; 0.8300 vs baseline 0.8000), at least 3.5%',
    );
    expect(check('f1-macro improvement >= 4%')[0].passed).toBe(false);
    // (0.606 - 0.566) / 0.566 = 0.07067...
    const [ll] = check('log-loss regression <= 7%');
    expect(ll.actual).toBeCloseTo(0.04 / 0.566, 12);
    expect(ll.passed).toBe(false);
    expect(check('log-loss regression <= 7.1%')[0].passed).toBe(true);
  });
  it('with confidence, change bounds judge the lower confidence bound (basis lower-bound); value bounds stay on the value', () => {
    const rows = check('accuracy improvement >= 0.01\nlog-loss regression <= 0.05\nf1-macro improvement >= 1%\naccuracy >= 0.9', {
      confidence: 0.95,
    });
    const byLine = (line: number) => rows.find((r) => r.line === line);
    expect(byLine(1)).toMatchObject({ basis: 'lower-bound', actual: 0.004, passed: false });
    expect(byLine(1)?.reason).toBe(
      'the 95% lower confidence bound of the improvement of accuracy is 0.0040 (improvement 0.0150, 0.9120 vs baseline 0.8970), not at least 0.01',
    );
    // the worsening's upper confidence bound is -lowerBound = 0.052 > 0.05 although the worsening itself is 0.04
    expect(byLine(2)).toMatchObject({ basis: 'lower-bound', actual: 0.052, passed: false });
    expect(byLine(2)?.reason).toBe(
      'the 95% upper confidence bound of the worsening of log-loss is 0.0520 (worsening 0.0400, 0.6060 vs baseline 0.5660), not at most 0.05',
    );
    // relative: 0.01 / 0.80 = 1.25%
    expect(byLine(3)).toMatchObject({ basis: 'lower-bound', passed: true });
    expect(byLine(3)?.actual).toBeCloseTo(0.0125, 12);
    expect(byLine(4)).toMatchObject({ basis: 'value', actual: 0.912, passed: true });
  });
  it('what cannot be computed fails, saying why', () => {
    const rows = check(
      [
        'roc-auc >= 0.8',
        'mcc improvement >= 0',
        'r2 >= 0.5',
        'brier regression <= 10%',
        'mcc >= 0.5',
        'balanced-accuracy improvement >= 0.01',
      ].join('\n'),
    );
    const reasons = Object.fromEntries(rows.map((r) => [r.line, [r.passed, r.actual, r.reason]]));
    expect(reasons).toEqual({
      1: [false, null, "the new model's roc-auc cannot be computed: the output holds predicted labels, not scores"],
      2: [false, null, 'no baseline value of mcc to compare with: no baseline'],
      3: [false, null, 'r2 was not computed in this evaluation'],
      4: [false, null, 'the worsening of brier relative to the baseline is undefined: the baseline value is 0'],
      5: [true, 0.6, "the new model's mcc is 0.6000, at least 0.5"],
      6: [true, expect.closeTo(0.1, 12), 'the improvement of balanced-accuracy is 0.1000 (0.8000 vs baseline 0.7000), at least 0.01'],
    });
    const [noBound] = check('balanced-accuracy improvement >= 0.01', { confidence: 0.9 });
    expect(noBound).toMatchObject({ passed: false, actual: null, basis: 'lower-bound' });
    expect(noBound.reason).toBe('the improvement of balanced-accuracy has no 90% lower confidence bound');
  });
  it('sorts failed rows first, each part in line order', () => {
    const rows = check('accuracy >= 0.9\naccuracy >= 0.95\nlog-loss <= 0.7\nlog-loss <= 0.5\nf1-macro >= 0.8\nr2 >= 0');
    expect(rows.map((r) => [r.line, r.passed])).toEqual([
      [2, false],
      [4, false],
      [6, false],
      [1, true],
      [3, true],
      [5, true],
    ]);
  });
  it('a class the task does not have, or a metric of the other task, is a UserError naming thresholds and the line', () => {
    const thrown = (f: () => unknown): UserError => {
      try {
        f();
      } catch (e) {
        return e as UserError;
      }
      throw new Error('nothing thrown');
    };
    const e = thrown(() => check('accuracy >= 0.5\n\nrecall[3] >= 0.9', { classes: 3 }));
    expect(e).toBeInstanceOf(UserError);
    expect(e.input).toBe('thresholds');
    expect(e.message).toBe(
      "Input thresholds: line 3 ('recall[3] >= 0.9'): there is no class 3; the labels and model have 3 classes (0 to 2).",
    );
    expect(check('recall[3] >= 0.88', { classes: 4 })[0].passed).toBe(true);
    const task = thrown(() => checkThresholds(parse('rmse <= 3'), lookup, { task: 'classification' }));
    expect(task.message).toBe("Input thresholds: line 1 ('rmse <= 3'): rmse is a regression metric, and this is a classification task.");
    expect(task.hint).toBe('Remove the line, or use a metric of a classification task.');
    expect(thrown(() => checkThresholds(parse('f1[0] >= 0.5'), lookup, { task: 'regression' })).message).toBe(
      "Input thresholds: line 1 ('f1[0] >= 0.5'): f1 is a classification metric, and this is a regression task.",
    );
  });
});
