/**
 * The loss chart as a Mermaid `xychart-beta` line chart in a ```mermaid block, which GitHub renders
 * in markdown (job summaries included). What Mermaid's xychart cannot do, and what is done instead:
 * - no legend: the colours are set (blue, orange, red) with an init directive and named under it;
 * - no gaps: a validation loss missing at some epochs is drawn interpolated between its neighbours;
 * - no NaN: a value that is not finite is drawn at the top of the y axis, and said so;
 * - exponent notation (1e-5) is not in its number grammar: values are written in plain decimals;
 * - labels with spaces or non-ASCII text need quotes: every text is quoted (a quote in it dropped).
 * The failed checks' epochs are red bars reaching the top of the chart.
 */
import type { TrainingChart } from './chart.js';

const COLOURS = ['#2563eb', '#f97316', '#dc2626'];
const COLOUR_NAMES = ['blue', 'orange', 'red'];

/** A number as Mermaid's grammar reads it: plain decimals (no exponent), about 4 significant digits. */
export function mermaidNumber(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return '0';
  if (Math.abs(v) >= 1e15) return BigInt(Math.round(Number(v.toPrecision(4)))).toString();
  const digits = Math.min(20, Math.max(0, 3 - Math.floor(Math.log10(Math.abs(v)))));
  const fixed = v.toFixed(digits);
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}

const quoted = (text: string): string => `"${text.replace(/"/g, "'")}"`;

/** Missing values filled: linear between logged neighbours, held at the ends; null when none is logged. */
function filled(values: readonly (number | null)[]): (number | null)[] | null {
  const known = values.flatMap((v, i) => (v === null ? [] : [i]));
  if (known.length === 0) return null;
  return values.map((v, i) => {
    if (v !== null) return v;
    const after = known.find((k) => k > i);
    const before = [...known].reverse().find((k) => k < i);
    if (before === undefined) return values[after!];
    if (after === undefined) return values[before];
    const a = values[before]!;
    const b = values[after]!;
    return Number.isFinite(a) && Number.isFinite(b) ? a + ((b - a) * (i - before)) / (after - before) : a;
  });
}

export interface MermaidChart {
  /** The ```mermaid block. */
  block: string;
  /** What the colours are, and what was drawn differently. */
  notes: string[];
}

/** The chart, or undefined when there is nothing to draw (fewer than two points). */
export function renderMermaidChart(chart: TrainingChart, title: string): MermaidChart | undefined {
  if (chart.epochs.length < 2) return undefined;
  const series = chart.series.map((s) => ({ column: s.column, values: filled(s.values) })).filter((s) => s.values !== null);
  if (series.length === 0) return undefined;
  const finite = series.flatMap((s) => s.values!.filter((v): v is number => v !== null && Number.isFinite(v)));
  if (finite.length === 0) return undefined;
  const lo = Math.min(0, ...finite);
  const hi = Math.max(...finite) > lo ? Math.max(...finite) : lo + 1;
  const nonFinite = series.some((s) => s.values!.some((v) => v !== null && !Number.isFinite(v)));
  const lines = series.map(
    (s) => `    line [${s.values!.map((v) => mermaidNumber(v !== null && Number.isFinite(v) ? v : hi)).join(', ')}]`,
  );
  const marked = new Set(chart.marks.map((m) => m.point));
  if (marked.size) lines.push(`    bar [${chart.epochs.map((_, p) => mermaidNumber(marked.has(p) ? hi : lo)).join(', ')}]`);
  const palette = COLOURS.slice(0, series.length).concat(marked.size ? [COLOURS[2]] : []);
  const block = [
    '```mermaid',
    `%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "${palette.join(', ')}"}}}}%%`,
    'xychart-beta',
    `    title ${quoted(title)}`,
    `    x-axis "epoch" ${mermaidNumber(chart.epochs[0])} --> ${mermaidNumber(chart.epochs[chart.epochs.length - 1])}`,
    `    y-axis "loss" ${mermaidNumber(lo)} --> ${mermaidNumber(hi)}`,
    ...lines,
    '```',
  ].join('\n');
  const notes = [
    series.map((s, i) => `${COLOUR_NAMES[i]}: \`${s.column}\``).join(' · ') +
      (marked.size ? ` · red bars: the epochs of ${[...new Set(chart.marks.map((m) => m.check))].join(', ')}` : ''),
  ];
  if (chart.span > 1) notes.push(`Each point is the highest value of ${chart.span} epochs, from the epoch on the axis.`);
  if (nonFinite) notes.push('Values that are not finite (NaN, Infinity) are drawn at the top of the chart.');
  if (chart.series.some((s) => s.values.includes(null))) notes.push('Epochs without a logged value are drawn interpolated.');
  return { block, notes };
}
