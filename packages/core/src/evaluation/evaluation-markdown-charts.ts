// The two pictures of the evaluation summary, drawn in forms GitHub renders in a job summary and a
// PR comment:
//
// 1. The gating metric's improvement interval against 0 and min-improvement, as a line of text in a
//    code block: monospace text renders everywhere (summary, comment, e-mail, the log), and
//    an interval on a ruler is one line.
//
// 2. The per-class changes, as a Mermaid `xychart-beta` chart. What GitHub's renderer supports,
//    as found (2026):
//    - GitHub renders ```mermaid blocks in every markdown field (issues, PR comments, files;
//      github/roadmap#372) with the Mermaid release it bundles, which lags upstream (a v10.x line
//      per the guide "Embedding Mermaid in a GitHub README", mermaid.aidalabs.kr, 2026-05).
//    - XY charts exist since Mermaid 10.6.0 (SeptemberHX/joplin-plugin-enhancement#60), under the
//      keyword `xychart-beta`; the bare `xychart` is newer (open-webui/open-webui#17117), and
//      upstream's detector still accepts both (xychartDetector.ts: /^\s*xychart(-beta)?/). So:
//      `xychart-beta`, and no frontmatter config or theme directives.
//    - Public READMEs and generated reports on GitHub use `xychart-beta` with `bar` and `line`.
//    - Two limits of the grammar and renderer (mermaid-js/mermaid, xychart.jison and barPlot.ts):
//      numbers are plain decimals, `[+-]?(\d+(\.\d+)?|\.\d+)`: no exponent, so they are written with
//      toFixed; and a bar is drawn from the bottom of the plot, not from 0 (mermaid#6517, open),
//      so a bar of a negative change would read as a positive one. The changes are therefore a
//      `line`, with flat lines at 0 and at the guard's tolerance, and no bars. The chart has no
//      legend: the caption under it says what each line is.
//    - Colours come from the theme's plotColorPalette by plot order (themes/theme-*.js): the first
//      is a near-white lavender in the default (light) theme, so the zero line goes first, the
//      changes second (slate; green in the dark theme) and the tolerance third (peach; red).
//    Checked by rendering the output with Mermaid 10.9.8's and 11.17.2's own bundles in headless
//    Chromium, in the default (light) and dark themes.

import { formatMetric } from '../util/format.js';

/** A number with its sign: +0.0120, -0.0400, 0.0000. */
export function signedMetric(v: number): string {
  return `${v > 0 ? '+' : ''}${formatMetric(v)}`;
}

/** What the interval picture shows: the improvement of the gating metric (positive = better). */
export interface IntervalPictureInput {
  metric: string;
  improvement: number | null;
  interval: { level: number; lower: number; upper: number };
  minImprovement: number;
  /** The one-sided lower confidence bound the confidence rule compares with min-improvement. */
  lowerBound?: { level: number; value: number };
}

const RULER_WIDTH = 49;
// Only ASCII and the box-drawing block (U+2500-257F) in the ruler: monospace code fonts carry
// both at cell width, so the marker row under it stays aligned (a glyph from a fallback font may
// be wider and shift everything after it).
const LEFT = 'worse < ';
const RIGHT = ' > better';

/** The column of value v on a ruler of RULER_WIDTH cells spanning [lo, hi]. */
function column(v: number, lo: number, hi: number): number {
  return Math.min(RULER_WIDTH - 1, Math.max(0, Math.round(((v - lo) / (hi - lo)) * (RULER_WIDTH - 1))));
}

/** The span the ruler covers: every value shown, with a tenth of the span as margin each side. */
function rulerSpan(values: number[]): [number, number] {
  const min = Math.min(...values);
  const max = Math.max(...values);
  const pad = max > min ? (max - min) / 10 : Math.max(Math.abs(max), 0.01) / 10;
  return [min - pad, max + pad];
}

/** The ruler line: ─ outside the interval, ├━━━┿━━┤ inside it, ┿ at the improvement. */
function rulerLine(p: IntervalPictureInput, lo: number, hi: number): string {
  const cells: string[] = Array.from({ length: RULER_WIDTH }, () => '─');
  const a = column(p.interval.lower, lo, hi);
  const b = column(p.interval.upper, lo, hi);
  for (let i = a; i <= b; i++) cells[i] = '━';
  cells[a] = '├';
  cells[b] = '┤';
  if (p.improvement !== null && Number.isFinite(p.improvement)) cells[column(p.improvement, lo, hi)] = '┿';
  else if (a === b) cells[a] = '┃';
  return LEFT + cells.join('') + RIGHT;
}

/** Marker characters under the ruler, a second row where two would fall on the same cell. */
function markerLines(markers: { char: string; col: number }[]): string[] {
  const rows: string[][] = [];
  for (const m of markers) {
    let row = rows.find((r) => r[m.col] === ' ');
    if (!row) rows.push((row = Array.from({ length: RULER_WIDTH }, () => ' ')));
    row[m.col] = m.char;
  }
  return rows.map((r) => (' '.repeat(LEFT.length) + r.join('')).trimEnd());
}

/**
 * The improvement's interval on a ruler with 0 and min-improvement marked (and the lower confidence
 * bound, when the confidence rule is set), as a text block and its key: whether the interval clears
 * the margin, includes 0, or lies below it is seen at a glance.
 */
export function intervalPicture(p: IntervalPictureInput): string[] {
  const values = [p.interval.lower, p.interval.upper, 0, p.minImprovement];
  if (p.lowerBound) values.push(p.lowerBound.value);
  if (p.improvement !== null && Number.isFinite(p.improvement)) values.push(p.improvement);
  if (!values.every(Number.isFinite)) return [];
  const [lo, hi] = rulerSpan(values);
  const markers = [
    { char: '0', col: column(0, lo, hi) },
    { char: 'm', col: column(p.minImprovement, lo, hi) },
  ];
  if (p.lowerBound) markers.push({ char: 'L', col: column(p.lowerBound.value, lo, hi) });
  const pct = `${Math.round(p.interval.level * 1000) / 10}%`;
  const key = [
    p.improvement !== null ? `┿ the improvement ${signedMetric(p.improvement)}` : '',
    `├━┤ its ${pct} interval [${signedMetric(p.interval.lower)}, ${signedMetric(p.interval.upper)}]`,
    '0 no change',
    `m min-improvement ${signedMetric(p.minImprovement)}`,
    p.lowerBound ? `L the ${p.lowerBound.level} lower confidence bound ${signedMetric(p.lowerBound.value)}` : '',
  ].filter(Boolean);
  return [
    '```text',
    rulerLine(p, lo, hi),
    ...markerLines(markers),
    '```',
    `Improvement of ${p.metric} (positive = the new model is better): ${key.join('; ')}.`,
    '',
  ];
}

/** A number as Mermaid's xychart grammar reads it: plain decimal, never exponent notation. */
export function mermaidNumber(v: number): string {
  const text = v.toFixed(4);
  return text === '-0.0000' ? '0.0000' : text;
}

/** The per-class chart's data: each class's change of the guarded metric (positive = better). */
export interface ClassChangeChartInput {
  metric: string;
  /** Each class: its axis label, its change, and whether the guard failed it (its label gets a ✗). */
  classes: { label: string; change: number; failed?: boolean }[];
  /** The largest drop the class guard tolerates (drawn as a flat line at -tolerance). */
  tolerance?: number;
  /** Said after the caption (e.g. which classes are left out). */
  note?: string;
}

/**
 * The y-axis range: every change, 0 and -tolerance, with a tenth of the span as margin, rounded
 * outwards to the 4 decimals written (ignoring float noise: 0.05 + 0.023 is 0.07300000000000001).
 */
function axisRange(values: number[]): [string, string] {
  const [lo, hi] = rulerSpan(values);
  return [mermaidNumber(Math.floor(lo * 1e4 + 1e-6) / 1e4), mermaidNumber(Math.ceil(hi * 1e4 - 1e-6) / 1e4)];
}

/**
 * A Mermaid xychart-beta of the per-class changes of the guarded metric, a flat line at 0 and one
 * at -tolerance (see the note at the top of this file for why lines, not bars), and its caption.
 * Empty with fewer than two classes (a line needs two points).
 */
export function classChangeChart(c: ClassChangeChartInput): string[] {
  if (c.classes.length < 2 || !c.classes.every((k) => Number.isFinite(k.change))) return [];
  const same = (v: number) => `[${c.classes.map(() => mermaidNumber(v)).join(', ')}]`;
  const values = [0, ...c.classes.map((k) => k.change)];
  if (c.tolerance !== undefined) values.push(-c.tolerance);
  const [lo, hi] = axisRange(values);
  const name = c.metric.replace(/"/g, "'");
  const lines = [
    '```mermaid',
    'xychart-beta',
    `    title "Change of ${name} per class (new - baseline)"`,
    `    x-axis "class" [${c.classes.map((k) => `"${k.label.replace(/"/g, "'")}${k.failed ? ' ✗' : ''}"`).join(', ')}]`,
    `    y-axis "${name} change" ${lo} --> ${hi}`,
    `    line ${same(0)}`,
    `    line [${c.classes.map((k) => mermaidNumber(k.change)).join(', ')}]`,
  ];
  if (c.tolerance !== undefined) lines.push(`    line ${same(-c.tolerance)}`);
  lines.push('```');
  const flat =
    c.tolerance !== undefined
      ? `Flat lines: 0, and ${signedMetric(-c.tolerance)}, the largest drop max-class-regression tolerates; ✗ marks a class the guard failed.`
      : 'Flat line: 0.';
  const caption = `The line: each class's change of ${c.metric}, new - baseline (above 0 = better). ${flat}${c.note ? ` ${c.note}` : ''}`;
  return [...lines, caption, ''];
}
