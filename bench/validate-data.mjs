// npm run bench:data [-- --runs N --rows N] [-- --prepare-only]
//
// Measures the validate-data action as the runner runs it (a fresh `node dist/index.js` with
// INPUT_* variables and the runner's files) on a table of --rows rows (default 10,000,000) x 20
// columns, as CSV and as Parquet, with bench/data-suite.json (20 expectations) and drift against a
// 1,000,000-row reference, against bench/pandas_validate.py: the script a user would otherwise write
// (pandas reads the file, numpy/pandas compute the same checks, scipy the drift). pandas cannot read
// Parquet on this machine (no pyarrow, no fastparquet), so the Parquet runs are compared with pandas
// loading the same rows from raw .npy columns, a cheaper load than any Parquet reader's: see
// docs/benchmarks.md. Each variant runs N times, alternately (the order reversed every round). Per
// run: wall time (spawn to exit), rows/s, peak RSS and CPU time of the child (getrusage: for node via
// bench/child-usage.mjs, for Python written by the script itself), and the CPU other processes took
// meanwhile (/proc/stat; a busy machine is flagged). Prints a table and writes .bench/data-results.json.
// Exits 1 if a run fails, or the action and pandas disagree on an expectation (success, or a count);
// a missed target is reported, not an error.
//
// The tables are made once and cached (.bench/tables/): bench/make_tables.py writes the CSVs and the
// .npy columns; DuckDB (@duckdb/node-api) writes the Parquet files from the CSVs. --prepare-only
// makes them and exits.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, '.bench');
const TABLES = join(OUT, 'tables');
const ACTION_DIR = join(ROOT, 'actions', 'validate-data');
const SUITE = join(ROOT, 'bench', 'data-suite.json');
const PYTHON = '/usr/bin/python3'; // Debian's, with numpy, pandas and scipy
const TARGETS = { peakRssMB: 300 }; // and: faster than pandas on both formats
/** Columns left out of drift on both sides: an id drifts by construction (0..N-1 against 0..999,999). */
const DRIFT_EXCLUDE = ['id'];
/** The action input that takes DRIFT_EXCLUDE, if action.yml declares it (see driftInputs). */
const DRIFT_EXCLUDE_INPUT = 'drift-ignore';
/**
 * The drift decision, given to the action explicitly and mirrored in bench/pandas_validate.py
 * (THRESHOLDS): validate-data's defaults, KS and chi-square computed and reported but not deciding.
 */
const DRIFT_THRESHOLDS = 'psi=0.2, js=0.1, ks-p=off, chi2-p=off';
const MB = 1e6;
const CLOCK_TICKS = 100; // USER_HZ of /proc/stat (getconf CLK_TCK), 100 on Linux
const DISTURBED_CORES = 0.1; // other processes' average CPU during a run above which it is flagged
const RELATIVE_TOLERANCE = 1e-9; // for observed values (means, stdevs): both should be exact to ~1e-12

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    rows: { type: 'string', default: '10000000' },
    'prepare-only': { type: 'boolean', default: false },
  },
});
const runs = Number(args.runs);
const rows = Number(args.rows);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer, got ${args.runs}`);
if (!Number.isInteger(rows) || rows < 1) throw new Error(`--rows must be a positive integer, got ${args.rows}`);

const FILES = {
  csv: join(TABLES, `data-${rows}.csv`),
  parquet: join(TABLES, `data-${rows}.parquet`),
  npy: join(TABLES, `data-${rows}.npy`),
  referenceCsv: join(TABLES, 'reference.csv'),
  referenceParquet: join(TABLES, 'reference.parquet'),
  referenceNpy: join(TABLES, 'reference.npy'),
};

/** The inputs of action.yml and their defaults, as the runner passes them (INPUT_<NAME>). */
function actionInputs() {
  const inputs = {};
  let inInputs = false;
  let name;
  for (const line of readFileSync(join(ACTION_DIR, 'action.yml'), 'utf8').split('\n')) {
    if (/^\S/.test(line)) inInputs = line.startsWith('inputs:');
    if (!inInputs) continue;
    const input = line.match(/^ {2}([\w-]+):\s*$/);
    if (input) inputs[(name = input[1])] = '';
    const value = line.match(/^ {4}default:\s*'(.*)'\s*$/) ?? line.match(/^ {4}default:\s*"?([^"']*)"?\s*$/);
    if (value && name) inputs[name] = value[1].replace(/''/g, "'");
  }
  return inputs;
}

function sizeOf(path) {
  const s = statSync(path);
  return s.isDirectory() ? readdirSync(path).reduce((sum, f) => sum + statSync(join(path, f)).size, 0) : s.size;
}

/** CSVs and .npy columns by bench/make_tables.py (it skips what exists with its recorded size). */
function makeTables() {
  const r = spawnSync(PYTHON, [join(ROOT, 'bench', 'make_tables.py'), '--rows', String(rows)], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`bench/make_tables.py failed (${r.error?.message ?? `exit ${r.status}`})`);
  return JSON.parse(readFileSync(join(TABLES, `manifest-${rows}.json`), 'utf8'));
}

/**
 * A CSV as Parquet, by DuckDB: every column typed as the manifest says (no sniffing), empty fields
 * null, snappy, row groups of 122,880 rows (DuckDB's default). Skipped when the Parquet file is newer
 * than the CSV. Written under a temporary name, renamed when complete.
 */
async function toParquet(csv, parquet, schema) {
  if (existsSync(parquet) && statSync(parquet).mtimeMs > statSync(csv).mtimeMs) return;
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const t0 = performance.now();
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const quote = (s) => `'${s.replace(/'/g, "''")}'`;
  const columns = schema.map((c) => `${quote(c.name)}: ${quote(c.duckdb)}`).join(', ');
  const tmp = `${parquet}.tmp`;
  await connection.run(
    `COPY (SELECT * FROM read_csv(${quote(csv)}, header = true, delim = ',', quote = '"', nullstr = '', columns = {${columns}})) ` +
      `TO ${quote(tmp)} (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 122880)`,
  );
  connection.closeSync();
  instance.closeSync();
  renameSync(tmp, parquet);
  console.log(
    `${parquet}: written by DuckDB in ${((performance.now() - t0) / 1000).toFixed(1)} s (${(sizeOf(parquet) / MB).toFixed(0)} MB)`,
  );
}

async function ensureTables() {
  const manifest = makeTables();
  await toParquet(FILES.csv, FILES.parquet, manifest.schema);
  await toParquet(FILES.referenceCsv, FILES.referenceParquet, manifest.schema);
  const sizes = Object.fromEntries(Object.entries(FILES).map(([k, f]) => [k, sizeOf(f)]));
  return { manifest, sizes };
}

/** Reads a file (or a folder's files) once so that no variant's first run pays for the disk. */
async function warm(path) {
  const files = statSync(path).isDirectory() ? readdirSync(path).map((f) => join(path, f)) : [path];
  for (const f of files) for await (const chunk of createReadStream(f, { highWaterMark: 1 << 22 })) void chunk;
}

/** Busy CPU seconds of the whole machine so far (all cores), or undefined without /proc/stat. */
function machineBusySeconds() {
  try {
    const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
    const [user, nice, system, , , irq, softirq, steal] = ticks;
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

/**
 * Runs `command argv` to completion with BENCH_USAGE_FILE set (node children preload
 * child-usage.mjs; the Python script writes the file itself); wall time from spawn to exit.
 */
function measure(command, argv, env, dir) {
  const usageFile = join(dir, 'usage.json');
  return new Promise((resolve, reject) => {
    const busy0 = machineBusySeconds();
    const t0 = performance.now();
    const child = spawn(command, argv, { cwd: ROOT, env: { ...env, BENCH_USAGE_FILE: usageFile }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const wallMs = performance.now() - t0;
      const busy1 = machineBusySeconds();
      writeFileSync(join(dir, 'stdout.log'), stdout);
      writeFileSync(join(dir, 'stderr.log'), stderr);
      const usage = existsSync(usageFile) ? JSON.parse(readFileSync(usageFile, 'utf8')) : { maxRssKiB: NaN, cpuUs: NaN };
      const otherCores = busy0 === undefined ? null : Math.max(0, busy1 - busy0 - usage.cpuUs / 1e6) / (wallMs / 1000);
      resolve({ code, signal, wallMs, peakRssMB: (usage.maxRssKiB * 1024) / MB, cpuS: usage.cpuUs / 1e6, otherCores, stdout, stderr });
    });
  });
}

function freshDir(name) {
  const dir = join(OUT, 'data-runs', name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** The environment every run starts from: this one, less anything a runner would set. */
function baseEnv() {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(INPUT_|GITHUB_|RUNNER_|ACTIONS_)/.test(k)) env[k] = v;
  return env;
}

/** GITHUB_OUTPUT as @actions/core writes it: `name<<delimiter` ... `delimiter`, or `name=value`. */
function parseOutputs(text) {
  const outputs = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const heredoc = lines[i].match(/^([^=<]+)<<(.+)$/);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2], i + 1);
      outputs[heredoc[1]] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (lines[i].includes('=')) {
      const at = lines[i].indexOf('=');
      outputs[lines[i].slice(0, at)] = lines[i].slice(at + 1);
    }
  }
  return outputs;
}

function listOutput(value) {
  if (!value) return [];
  try {
    const parsed = JSON.parse(value);
    if (Array.isArray(parsed)) return parsed.map(String).sort();
  } catch {
    // a comma- or newline-separated list
  }
  return value
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter(Boolean)
    .sort();
}

/** One run of the action on `format`'s files; the expectations' outcomes from its GE result file. */
async function runAction(i, format, inputs) {
  const dir = freshDir(`action-${format}-${i}`);
  const report = join(dir, 'report.json');
  const result = join(dir, 'result.json');
  const data = format === 'csv' ? FILES.csv : FILES.parquet;
  const reference = format === 'csv' ? FILES.referenceCsv : FILES.referenceParquet;
  const all = { ...inputs, data, suite: SUITE, reference, report, result };
  const env = baseEnv();
  // the runner sets every declared input, defaults included ('${{ github.token }}' would be a token)
  for (const [name, value] of Object.entries(all)) env[`INPUT_${name.toUpperCase()}`] = value.includes('${{') ? '' : value;
  const runnerTemp = join(dir, 'runner-temp');
  mkdirSync(runnerTemp);
  for (const f of ['github_output', 'step_summary']) writeFileSync(join(dir, f), '');
  Object.assign(env, {
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_WORKSPACE: ROOT,
    GITHUB_OUTPUT: join(dir, 'github_output'),
    GITHUB_STEP_SUMMARY: join(dir, 'step_summary'),
    RUNNER_TEMP: runnerTemp,
  });
  const preload = pathToFileURL(join(ROOT, 'bench', 'child-usage.mjs')).href;
  const r = await measure(process.execPath, ['--import', preload, join(ACTION_DIR, 'dist', 'index.js')], env, dir);
  if (!existsSync(result) || !existsSync(report)) {
    throw new Error(
      `action run ${i + 1} (${format}) wrote no ${existsSync(report) ? 'result' : 'report'} (exit ${r.code}); see ${dir}/stdout.log`,
    );
  }
  const json = JSON.parse(readFileSync(report, 'utf8'));
  // exit 1 with a failed gate (drift found, an expectation failed) is still a complete measurement
  if (json.status === 'error' || (r.code !== 0 && r.code !== 1)) {
    throw new Error(
      `action run ${i + 1} (${format}) failed (exit ${r.code}, ${r.signal ?? 'no signal'}): ${json.reason ?? ''}; see ${dir}`,
    );
  }
  if (json.data?.rows !== rows) throw new Error(`action run ${i + 1} (${format}) read ${json.data?.rows} rows, not ${rows}; see ${dir}`);
  const ge = JSON.parse(readFileSync(result, 'utf8'));
  const outputs = parseOutputs(readFileSync(join(dir, 'github_output'), 'utf8'));
  return {
    ...pick(r),
    exitCode: r.code,
    expectations: ge.results.map((x) => ({ success: x.success, ...x.result, exception: x.exception_info?.exception_message ?? null })),
    passed: outputs.passed,
    evaluated: Number(outputs['evaluated-expectations']),
    failed: Number(outputs['failed-expectations']),
    drifted: listOutput(outputs['drifted-columns']),
    reportDrifted: [...(json.drift?.drifted ?? [])].map(String).sort(),
    driftColumns: json.drift?.columns ?? null,
    reportTimings: json.timings ?? null,
  };
}

/** One run of bench/pandas_validate.py on `format`'s files ('csv', or 'npy' for the Parquet stand-in). */
async function runPandas(i, format) {
  const dir = freshDir(`pandas-${format}-${i}`);
  const data = format === 'csv' ? FILES.csv : FILES.npy;
  const reference = format === 'csv' ? FILES.referenceCsv : FILES.referenceNpy;
  const argv = [join(ROOT, 'bench', 'pandas_validate.py'), '--data', data, '--reference', reference, '--suite', SUITE];
  const r = await measure(PYTHON, argv, baseEnv(), dir);
  if (r.code !== 0) throw new Error(`pandas run ${i + 1} (${format}) failed (exit ${r.code}, ${r.signal ?? 'no signal'}):\n${r.stderr}`);
  const out = JSON.parse(r.stdout);
  if (out.rows !== rows) throw new Error(`pandas run ${i + 1} (${format}) read ${out.rows} rows, not ${rows}`);
  return { ...pick(r), expectations: out.results, drifted: [...out.drift.drifted].sort(), drift: out.drift, timings: out.timings };
}

function pick(r) {
  return { wallMs: r.wallMs, peakRssMB: r.peakRssMB, cpuS: r.cpuS, otherCores: r.otherCores };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const h = Math.floor(s.length / 2);
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

function summarize(list) {
  for (const r of list) r.rowsPerSecond = rows / (r.wallMs / 1000);
  return {
    wallMs: median(list.map((r) => r.wallMs)),
    rowsPerSecond: median(list.map((r) => r.rowsPerSecond)),
    peakRssMB: median(list.map((r) => r.peakRssMB)),
    maxPeakRssMB: Math.max(...list.map((r) => r.peakRssMB)),
    cpuS: median(list.map((r) => r.cpuS)),
    runs: list,
  };
}

function sameValue(a, b) {
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) <= RELATIVE_TOLERANCE * Math.max(Math.abs(a), Math.abs(b));
  if (Array.isArray(a) && Array.isArray(b)) {
    const key = (xs) => JSON.stringify([...xs].map(String).sort());
    return key(a) === key(b);
  }
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Where `run` (the action's) and `expected` (pandas') differ: which expectations pass and the
 * counts are errors; an observed value beyond RELATIVE_TOLERANCE is a warning.
 */
function compare(name, run, expected, suite) {
  const errors = [];
  const warnings = [];
  if (run.expectations.length !== expected.length) errors.push(`${name}: ${run.expectations.length} results, pandas ${expected.length}`);
  expected.forEach((p, k) => {
    const a = run.expectations[k];
    if (!a) return;
    const entry = suite.expectations[k];
    const label = `${name}: expectation ${k + 1} (${entry.expectation_type}${entry.kwargs.column ? ` on ${entry.kwargs.column}` : ''})`;
    if (a.success !== p.success)
      errors.push(`${label}: success ${a.success}, pandas ${p.success}${a.exception ? ` (${a.exception})` : ''}`);
    for (const key of ['element_count', 'missing_count', 'unexpected_count']) {
      if (p[key] !== undefined && a[key] !== undefined && a[key] !== p[key]) errors.push(`${label}: ${key} ${a[key]}, pandas ${p[key]}`);
    }
    if (p.observed_value !== undefined && !sameValue(a.observed_value, p.observed_value)) {
      warnings.push(`${label}: observed_value ${JSON.stringify(a.observed_value)}, pandas ${JSON.stringify(p.observed_value)}`);
    }
  });
  if (run.evaluated !== expected.length)
    warnings.push(`${name}: output evaluated-expectations ${run.evaluated}, suite has ${expected.length}`);
  return { errors, warnings };
}

/** Which bundle is measured: the commit, whether dist/ differs from it, and the bundle's hash. */
function bundleInfo() {
  const git = (...a) => {
    const r = spawnSync('git', a, { cwd: ROOT, encoding: 'utf8' });
    return r.status === 0 ? r.stdout.trim() : null;
  };
  const status = git('status', '--porcelain', '--', join(ACTION_DIR, 'dist'));
  return {
    commit: git('rev-parse', 'HEAD'),
    distModified: status === null ? null : status !== '',
    sha256: createHash('sha256')
      .update(readFileSync(join(ACTION_DIR, 'dist', 'index.js')))
      .digest('hex'),
  };
}

function cpuModel() {
  try {
    return readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.*)$/m)?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function pythonVersions() {
  const code = 'import sys, numpy, pandas, scipy; print(sys.version.split()[0], numpy.__version__, pandas.__version__, scipy.__version__)';
  const r = spawnSync(PYTHON, ['-c', code], { encoding: 'utf8' });
  const [python, numpy, pandas, scipy] = r.stdout.trim().split(' ');
  return { python, numpy, pandas, scipy };
}

/**
 * The action's inputs: action.yml's defaults, plus the drift exclusion and thresholds. An input
 * action.yml does not declare is an error: the bench would measure something else than it says.
 */
function benchInputs(inputs) {
  for (const name of [DRIFT_EXCLUDE_INPUT, 'drift-thresholds', 'data', 'suite', 'reference', 'report', 'result']) {
    if (!(name in inputs)) throw new Error(`actions/validate-data/action.yml declares no '${name}' input; bench/validate-data.mjs sets it`);
  }
  return { ...inputs, [DRIFT_EXCLUDE_INPUT]: DRIFT_EXCLUDE.join(','), 'drift-thresholds': DRIFT_THRESHOLDS };
}

const pad = (s, n) => String(s).padStart(n);
const secs = (ms) => (ms / 1000).toFixed(2);
const perSec = (x) => Math.round(x).toLocaleString('en-US');

async function runAll(inputs) {
  const lists = { 'action-csv': [], 'action-parquet': [], 'pandas-csv': [], 'pandas-npy': [] };
  const go = {
    'action-csv': (i) => runAction(i, 'csv', inputs),
    'action-parquet': (i) => runAction(i, 'parquet', inputs),
    'pandas-csv': (i) => runPandas(i, 'csv'),
    'pandas-npy': (i) => runPandas(i, 'npy'),
  };
  const names = Object.keys(lists);
  for (let i = 0; i < runs; i++) {
    // the order reversed every other round, so no variant always runs first
    for (const v of i % 2 === 0 ? names : [...names].reverse()) {
      const r = await go[v](i);
      lists[v].push(r);
      const other = r.otherCores === null ? '' : `, other processes ${r.otherCores.toFixed(2)} cores`;
      console.log(`  run ${i + 1}/${runs} ${v.padEnd(15)} ${secs(r.wallMs)} s, peak RSS ${r.peakRssMB.toFixed(0)} MB${other}`);
    }
  }
  return lists;
}

function printTable(summaries) {
  const header = `${'variant'.padEnd(28)}${pad('wall s', 9)}${pad('rows/s', 12)}${pad('peak RSS MB', 13)}${pad('CPU s', 8)}   wall s of each run`;
  console.log(header);
  console.log('-'.repeat(header.length));
  const labels = {
    'action-csv': 'action, CSV',
    'action-parquet': 'action, Parquet',
    'pandas-csv': 'pandas, CSV (read_csv)',
    'pandas-npy': 'pandas, .npy (for Parquet)',
  };
  for (const [v, s] of Object.entries(summaries)) {
    console.log(
      `${labels[v].padEnd(28)}${pad(secs(s.wallMs), 9)}${pad(perSec(s.rowsPerSecond), 12)}${pad(s.peakRssMB.toFixed(0), 13)}${pad(s.cpuS.toFixed(1), 8)}` +
        `   ${s.runs.map((r) => secs(r.wallMs)).join(', ')}`,
    );
  }
}

function targetsOf(s) {
  const csvRatio = s['action-csv'].wallMs / s['pandas-csv'].wallMs;
  const parquetRatio = s['action-parquet'].wallMs / s['pandas-npy'].wallMs;
  const rss = Math.max(s['action-csv'].maxPeakRssMB, s['action-parquet'].maxPeakRssMB);
  return {
    csvFasterThanPandas: { measured: csvRatio, target: '< 1', met: csvRatio < 1 },
    parquetFasterThanPandas: { measured: parquetRatio, target: '< 1', met: parquetRatio < 1 },
    parquetFasterThanPandasCsv: { measured: s['action-parquet'].wallMs / s['pandas-csv'].wallMs, target: 'information', met: null },
    peakRssMB: { measured: rss, target: TARGETS.peakRssMB, met: rss < TARGETS.peakRssMB },
  };
}

function printTargets(t) {
  const met = (x) => (x.met ? 'MET' : 'NOT MET');
  console.log(
    `action CSV / pandas read_csv wall time: ${t.csvFasterThanPandas.measured.toFixed(3)}x (target < 1): ${met(t.csvFasterThanPandas)}`,
  );
  console.log(
    `action Parquet / pandas from .npy wall time: ${t.parquetFasterThanPandas.measured.toFixed(3)}x (target < 1): ${met(t.parquetFasterThanPandas)}` +
      ` (/ pandas read_csv: ${t.parquetFasterThanPandasCsv.measured.toFixed(3)}x)`,
  );
  console.log(`action peak RSS: ${t.peakRssMB.measured.toFixed(0)} MB at most (target < ${TARGETS.peakRssMB} MB): ${met(t.peakRssMB)}`);
}

/** Every action run against the first pandas run on CSV; drift lists compared as a warning. */
function agreement(lists, suite) {
  const expected = lists['pandas-csv'][0];
  const errors = [];
  const warnings = [];
  for (const v of ['action-csv', 'action-parquet']) {
    lists[v].forEach((run, i) => {
      const c = compare(`${v} run ${i + 1}`, run, expected.expectations, suite);
      errors.push(...c.errors);
      warnings.push(...c.warnings);
      if (JSON.stringify(run.drifted) !== JSON.stringify(run.reportDrifted)) {
        errors.push(`${v} run ${i + 1}: output drifted-columns [${run.drifted.join(', ')}], its report [${run.reportDrifted.join(', ')}]`);
      }
      if (JSON.stringify(run.drifted) !== JSON.stringify(expected.drifted)) {
        warnings.push(`${v} run ${i + 1}: drifted columns [${run.drifted.join(', ')}], pandas [${expected.drifted.join(', ')}]`);
      }
    });
  }
  lists['pandas-npy'].forEach((run, i) => {
    errors.push(
      ...compare(`pandas-npy run ${i + 1}`, { ...run, evaluated: expected.expectations.length }, expected.expectations, suite).errors,
    );
  });
  return { errors, warnings: [...new Set(warnings)] };
}

async function main() {
  const { manifest, sizes } = await ensureTables();
  console.log(
    `tables (${rows.toLocaleString('en-US')} rows x ${manifest.schema.length} columns, reference ${manifest.referenceRows.toLocaleString('en-US')} rows), MB: ` +
      Object.entries(sizes)
        .map(([k, b]) => `${k} ${(b / MB).toFixed(0)}`)
        .join(', '),
  );
  if (args['prepare-only']) return;
  const suite = JSON.parse(readFileSync(SUITE, 'utf8'));
  const inputs = benchInputs(actionInputs());
  for (const f of Object.values(FILES)) await warm(f);
  const bundle = bundleInfo();
  const machine = {
    cpus: availableParallelism(),
    cpuModel: cpuModel(),
    memoryGB: +(totalmem() / 1e9).toFixed(1),
    node: process.version,
    ...pythonVersions(),
  };
  console.log(`validate-data benchmark: ${runs} run(s) per variant, ${suite.expectations.length} expectations`);
  console.log(
    `bundle: dist/index.js sha256 ${bundle.sha256.slice(0, 12)}, commit ${bundle.commit?.slice(0, 12) ?? 'unknown'}${bundle.distModified ? ' (dist/ modified)' : ''}`,
  );
  console.log(
    `machine: ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGB} GB, node ${machine.node}, pandas ${machine.pandas}, numpy ${machine.numpy}, scipy ${machine.scipy}`,
  );

  const lists = await runAll(inputs);
  const summaries = Object.fromEntries(Object.entries(lists).map(([v, l]) => [v, summarize(l)]));
  const targets = targetsOf(summaries);
  const { errors, warnings } = agreement(lists, suite);
  console.log('');
  console.log(`${rows.toLocaleString('en-US')} rows x ${manifest.schema.length} columns; medians of ${runs} run(s)`);
  printTable(summaries);
  console.log('');
  printTargets(targets);
  const all = Object.values(lists).flat();
  const disturbed = all.filter((r) => r.otherCores !== null && r.otherCores > DISTURBED_CORES).length;
  if (disturbed) {
    console.log(
      `WARNING: in ${disturbed} of ${all.length} runs other processes used over ${DISTURBED_CORES} of a core on average: ` +
        'the times are not reliable; run again on a quiet machine.',
    );
  }
  const p = lists['pandas-csv'][0];
  console.log(
    `pandas: ${p.expectations.filter((x) => x.success).length} of ${p.expectations.length} expectations pass; drifted [${p.drifted.join(', ')}]`,
  );
  console.log(
    errors.length
      ? 'the action and pandas DISAGREE (below)'
      : 'the action and pandas agree on every expectation (success and counts) in every run',
  );
  for (const w of warnings) console.log(`warning: ${w}`);

  const results = {
    createdAt: new Date().toISOString(),
    machine,
    bundle,
    workload: {
      rows,
      columns: manifest.schema.length,
      referenceRows: manifest.referenceRows,
      expectations: suite.expectations.length,
      files: sizes,
    },
    runs,
    variants: summaries,
    targets,
    disturbedRuns: disturbed,
    agreement: { agree: errors.length === 0, errors, warnings },
  };
  writeFileSync(join(OUT, 'data-results.json'), JSON.stringify(results, null, 2) + '\n');
  console.log(`results: ${join(OUT, 'data-results.json')}`);
  if (errors.length) {
    for (const e of errors) console.error(`error: ${e}`);
    process.exitCode = 1;
  }
}

try {
  await main();
} catch (e) {
  console.error(`bench:data failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
}
