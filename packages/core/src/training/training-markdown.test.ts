// The job summary: the checks table, and the loss chart as a Mermaid xychart that GitHub can
// render: the block's syntax checked line by line against Mermaid's xychart grammar (quoted
// texts, plain-decimal numbers, one value per point), downsampled for long runs without losing a
// spike, with the failed checks' epochs marked.
import { describe, expect, it } from 'vitest';

import { trainingChart, MAX_CHART_POINTS } from './chart.js';
import { mermaidNumber, renderMermaidChart } from './chart-mermaid.js';
import { DEFAULT_TRAINING_SETTINGS } from './check-result.js';
import { runTrainingChecks } from './checks.js';
import { chooseColumns } from './columns.js';
import { trainingCurves } from './curves.js';
import type { TrainingLog } from './log.js';
import { decideTraining, newTrainingReport, summarizeCurves, type TrainingReport } from './training-report.js';
import { renderTrainingMarkdown } from './training-markdown.js';

const MERMAID_NUMBER = /^-?\d+(\.\d+)?$/;

function reportOf(cols: Record<string, (number | null)[]>): TrainingReport {
  const columns = Object.keys(cols);
  const n = cols[columns[0]].length;
  const log: TrainingLog = {
    path: 'logs/metrics.csv',
    format: 'csv',
    columns,
    rows: Array.from({ length: n }, (_, i) => ({ line: i + 2, cells: columns.map((c) => cols[c][i]) })),
  };
  const curves = trainingCurves(log, chooseColumns(log));
  const r = newTrainingReport();
  r.log = { path: log.path, format: 'csv', rows: n, columns, epochs: curves.epochs.length };
  r.settings = { ...DEFAULT_TRAINING_SETTINGS, bounds: [] };
  r.checks = runTrainingChecks(curves, DEFAULT_TRAINING_SETTINGS);
  r.summary = summarizeCurves(curves);
  r.chart = trainingChart(curves, r.checks);
  decideTraining(r);
  return r;
}

/** The mermaid block of a summary, parsed: its statements, checked against the xychart grammar. */
function mermaidOf(markdown: string): { title: string; x: [number, number]; y: [number, number]; lines: number[][]; bars: number[][] } {
  const m = /```mermaid\n([\s\S]*?)\n```/.exec(markdown);
  expect(m, 'a mermaid block').not.toBeNull();
  const [init, kind, ...body] = m![1].split('\n');
  expect(init).toMatch(/^%%\{init: \{"themeVariables": \{"xyChart": \{"plotColorPalette": "(#[0-9a-f]{6}(, )?)+"\}\}\}\}%%$/);
  expect(JSON.parse(init.slice('%%{init: '.length, -'}%%'.length))).toHaveProperty('themeVariables.xyChart.plotColorPalette'); // JSON
  expect(kind).toBe('xychart-beta');
  const out = { title: '', x: [0, 0] as [number, number], y: [0, 0] as [number, number], lines: [] as number[][], bars: [] as number[][] };
  const numbers = (list: string) =>
    list.split(', ').map((v) => {
      expect(v).toMatch(MERMAID_NUMBER);
      return Number(v);
    });
  for (const statement of body) {
    let s: RegExpExecArray | null;
    if ((s = /^ {4}title "([^"]*)"$/.exec(statement))) out.title = s[1];
    else if ((s = /^ {4}x-axis "epoch" (\S+) --> (\S+)$/.exec(statement))) out.x = [Number(s[1]), Number(s[2])];
    else if ((s = /^ {4}y-axis "loss" (\S+) --> (\S+)$/.exec(statement))) out.y = [Number(s[1]), Number(s[2])];
    else if ((s = /^ {4}line \[(.*)\]$/.exec(statement))) out.lines.push(numbers(s[1]));
    else if ((s = /^ {4}bar \[(.*)\]$/.exec(statement))) out.bars.push(numbers(s[1]));
    else throw new Error(`not an xychart statement: ${statement}`);
  }
  for (const [k, v] of [...out.x, ...out.y].entries()) expect(Number.isFinite(v), String(k)).toBe(true);
  return out;
}

describe('the job summary of a passing run', () => {
  const loss = [2.5, 1.5, 1.1, 1.02, 1.01, 1.005, 1.004, 1.003, 1.002, 1.001];
  const r = reportOf({ epoch: loss.map((_, i) => i), train_loss: loss, val_loss: loss.map((v) => v + 0.25) });
  const md = renderTrainingMarkdown(r);

  it('the verdict, the checks, the chart and the values table', () => {
    expect(md).toMatch(/^## ✅ Training checks passed: `logs\/metrics.csv`/);
    expect(md).toContain('| ✅ | converged |');
    expect(md).toContain('| ➖ | grad-norm |');
    const chart = mermaidOf(md);
    expect(chart.title).toBe('Loss per epoch');
    expect(chart.x).toEqual([0, 9]);
    expect(chart.y).toEqual([0, 2.75]);
    expect(chart.lines).toEqual([loss.map((v) => Number(mermaidNumber(v))), loss.map((v) => Number(mermaidNumber(v + 0.25)))]);
    expect(chart.bars).toEqual([]);
    expect(md).toContain('blue: `train_loss` · orange: `val_loss`');
    expect(md).toContain('| `train_loss` | 2.5 (epoch 0) | 1.001 (epoch 9) | 1.001 (epoch 9) |');
  });
});

describe('the chart of a failing run', () => {
  it('a long run: at most 100 points, each the highest of its span, so a spike stays; the failed check is marked', () => {
    const n = 250;
    const loss = Array.from({ length: n }, (_, i) => 3 / (1 + i / 10));
    loss[137] = 40; // a spike in the middle
    loss[n - 1] = 5; // a spike at the end: not-diverging fails
    const r = reportOf({ epoch: loss.map((_, i) => i), loss });
    expect(r.failedChecks).toContain('not-diverging');
    const chart = mermaidOf(renderTrainingMarkdown(r));
    expect(chart.lines[0].length).toBeLessThanOrEqual(MAX_CHART_POINTS);
    expect(r.chart!.span).toBe(3); // ceil(250 / 100)
    expect(chart.lines[0]).toHaveLength(84); // ceil(250 / 3)
    expect(chart.x).toEqual([0, 249]);
    expect(chart.lines[0][Math.floor(137 / 3)]).toBe(40);
    expect(chart.lines[0][83]).toBe(5);
    // the failed check's epoch: a bar at its point reaching the top of the chart
    expect(chart.bars).toHaveLength(1);
    expect(chart.bars[0][83]).toBe(chart.y[1]);
    expect(chart.bars[0].filter((v) => v === chart.y[1])).toHaveLength(1);
    expect(chart.title).toBe('Loss per epoch - failed: converged (epoch 249), not-diverging (epoch 249)');
  });

  it('NaN and Infinity are drawn at the top and said so; a validation loss logged every other epoch is interpolated', () => {
    const r = reportOf({ epoch: [0, 1, 2, 3, 4, 5], loss: [4, 3, 2, 1, NaN, NaN], val_loss: [4, null, 2, null, 1, null] });
    const md = renderTrainingMarkdown(r);
    const chart = mermaidOf(md);
    expect(chart.lines[0]).toEqual([4, 3, 2, 1, 4, 4]);
    expect(chart.lines[1]).toEqual([4, 3, 2, 1.5, 1, 1]);
    expect(md).toContain('Values that are not finite (NaN, Infinity) are drawn at the top of the chart.');
    expect(md).toContain('Epochs without a logged value are drawn interpolated.');
    expect(chart.title).toContain('finite (epoch 4)');
    expect(md).toMatch(/^## ❌ Training checks failed/);
    expect(md).toContain('| ❌ | finite | 4 | 6 | loss is NaN at epoch 4 (line 6), the first value that is not finite');
  });

  it('no chart for a single epoch, and a report that ended in an error still renders', () => {
    expect(renderMermaidChart({ epochs: [0], span: 1, series: [{ column: 'loss', values: [1] }], marks: [] }, 't')).toBeUndefined();
    const r = newTrainingReport();
    r.reason = 'The training log x.csv does not exist.';
    expect(renderTrainingMarkdown(r)).toMatch(
      /^## ⚠️ Training checks could not finish: the training log\n\nThe training log x.csv does not exist./,
    );
  });
});

describe('mermaidNumber: what the xychart grammar reads (no exponent)', () => {
  it.each([
    [0.1386, '0.1386'],
    [2.2427843734196253, '2.243'],
    [3030.77, '3031'],
    [1.5e-7, '0.00000015'],
    [-3.4, '-3.4'],
    [1.23456e20, '123500000000000000000'],
    [0, '0'],
  ])('%s -> %s', (v, text) => {
    expect(mermaidNumber(v)).toBe(text);
    expect(text).toMatch(MERMAID_NUMBER);
  });
});
