// npm run bench [-- --runs N]
//
// Measures the evaluate-baseline action as the runner runs it (a fresh `node dist/index.js` with
// INPUT_* variables and the runner's files) against bench/bare-loop.mjs, a bare onnxruntime-node
// loop over the same models and rows. Each variant runs N times, alternately. For each run: wall
// time (spawn to exit), rows/s, peak RSS and CPU time (getrusage of the child, via
// bench/child-usage.mjs), and the CPU other processes took meanwhile (/proc/stat; a busy machine
// makes the times unreliable, and is flagged). Prints a table and writes .bench/results.json.
// Exits 1 if a run fails or the action's accuracies differ from the bare loop's; a missed target
// is reported, not an error. See docs/benchmarks.md.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, '.bench');
const DATA = join(OUT, 'data');
const NEW_MODEL = join(OUT, 'models', 'new.onnx');
const BASELINE_MODEL = join(OUT, 'models', 'baseline.onnx');
const ORT_PATH = join(ROOT, 'node_modules', 'onnxruntime-node');
const ACTION_DIR = join(ROOT, 'actions', 'evaluate-baseline');
const PYTHON = '/usr/bin/python3'; // Debian's, with numpy and torch
const TARGETS = { wallRatio: 1.3, peakRssMB: 400, warmCacheRatio: 0.55, shardRatio: 0.3 };
/** Rows per batch: evaluate-baseline's default batch-size, given to the action and the bare loop alike. */
const BATCH_SIZE = 4096;
/** The shard measured: one of SHARDS, as one job of a four-job matrix runs it. */
const SHARDS = 4;
const MB = 1e6;
const CLOCK_TICKS = 100; // USER_HZ of /proc/stat (getconf CLK_TCK), 100 on Linux
const DISTURBED_CORES = 0.1; // other processes' average CPU during a run above which it is flagged

const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
const runs = Number(args.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer, got ${args.runs}`);

/** The inputs of action.yml and their defaults, as the runner passes them (INPUT_<NAME>). */
function actionDefaults() {
  const defaults = {};
  let inInputs = false;
  let name;
  for (const line of readFileSync(join(ACTION_DIR, 'action.yml'), 'utf8').split('\n')) {
    if (/^\S/.test(line)) inInputs = line.startsWith('inputs:');
    if (!inInputs) continue;
    const input = line.match(/^ {2}([\w-]+):\s*$/);
    if (input) name = input[1];
    const value = line.match(/^ {4}default:\s*'(.*)'\s*$/);
    if (value && name) defaults[name] = value[1].replace(/''/g, "'");
  }
  return defaults;
}

function ensureData() {
  const files = [join(DATA, 'features.npy'), join(DATA, 'labels.npy'), NEW_MODEL, BASELINE_MODEL];
  if (files.every((f) => existsSync(f))) return;
  console.log(`Generating the eval set and models in ${OUT} (${PYTHON} bench/make_data.py) ...`);
  const r = spawnSync(PYTHON, [join(ROOT, 'bench', 'make_data.py')], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`bench/make_data.py failed (${r.error?.message ?? `exit ${r.status}`})`);
}

/** Reads a file once so that neither variant's first run pays for the disk. */
async function warm(path) {
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 22 })) void chunk;
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

/** Runs `node --import child-usage.mjs <argv>` to completion; wall time from spawn to exit. */
function measure(argv, env, dir) {
  const usageFile = join(dir, 'usage.json');
  const preload = pathToFileURL(join(ROOT, 'bench', 'child-usage.mjs')).href;
  return new Promise((resolve, reject) => {
    const busy0 = machineBusySeconds();
    const t0 = performance.now();
    const child = spawn(process.execPath, ['--import', preload, ...argv], {
      cwd: ROOT,
      env: { ...env, BENCH_USAGE_FILE: usageFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
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
      // CPU the rest of the machine used meanwhile, in cores (the bench itself takes next to none)
      const otherCores = busy0 === undefined ? null : Math.max(0, busy1 - busy0 - usage.cpuUs / 1e6) / (wallMs / 1000);
      resolve({ code, signal, wallMs, peakRssMB: (usage.maxRssKiB * 1024) / MB, cpuS: usage.cpuUs / 1e6, otherCores, stdout, stderr });
    });
  });
}

function freshDir(name) {
  const dir = join(OUT, 'runs', name);
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

/**
 * One run of the action: `variant` names it ('action'; 'cache-cold' and 'cache-warm' with a
 * baseline-cache folder, empty before the cold run; 'shard' as shard 1 of SHARDS), `extra` its inputs.
 */
async function runAction(i, defaults, variant = 'action', extra = {}) {
  const dir = freshDir(`${variant}-${i}`);
  const report = join(dir, 'eval_report.json');
  const inputs = { ...defaults, 'new-model': NEW_MODEL, 'baseline-model': BASELINE_MODEL, 'eval-data': DATA, report, ...extra };
  const env = baseEnv();
  // the runner sets every declared input, defaults included ('${{ github.token }}' would be a token)
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value.includes('${{') ? '' : value;
  const runnerTemp = join(dir, 'runner-temp');
  mkdirSync(runnerTemp);
  for (const f of ['github_output', 'step_summary']) writeFileSync(join(dir, f), '');
  Object.assign(env, {
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_OUTPUT: join(dir, 'github_output'),
    GITHUB_STEP_SUMMARY: join(dir, 'step_summary'),
    RUNNER_TEMP: runnerTemp,
    RUNNER_TOOL_CACHE: join(dir, 'tool-cache'),
    ONNXRUNTIME_NODE_PATH: ORT_PATH,
  });
  const r = await measure([join(ACTION_DIR, 'dist', 'index.js')], env, dir);
  if (!existsSync(report)) throw new Error(`action run ${i + 1} wrote no report (exit ${r.code}); see ${dir}/stdout.log`);
  const json = JSON.parse(readFileSync(report, 'utf8'));
  // exit 1 with status 'failed' is a gate that said no: still a complete measurement
  if (json.status === 'error' || (r.code !== 0 && json.status !== 'failed')) {
    throw new Error(`action run ${i + 1} failed (exit ${r.code}, ${r.signal ?? 'no signal'}): ${json.reason}; see ${dir}`);
  }
  const source = json.settings?.onnxruntime?.source;
  if (source !== 'path') throw new Error(`action run ${i + 1} took onnxruntime-node from '${source}', not ONNXRUNTIME_NODE_PATH`);
  const m = json.models;
  const cache = m.baseline.cache?.status;
  const expectedCache = { 'cache-cold': 'miss', 'cache-warm': 'hit' }[variant];
  if (expectedCache && cache !== expectedCache)
    throw new Error(`${variant} run ${i + 1}: baseline-cache ${cache}, expected ${expectedCache}; see ${dir}`);
  if (variant === 'shard' && json.status !== 'partial') throw new Error(`shard run ${i + 1} ended ${json.status}, not partial; see ${dir}`);
  return {
    ...pick(r),
    // a shard's rows are its own, counted for rows/s
    rows: json.shard ? json.shard.rows.end - json.shard.rows.start : json.evalSet.rows,
    totalRows: json.evalSet.rows,
    status: json.status,
    accuracy: json.shard ? null : { new: m.new.metrics.accuracy, baseline: m.baseline.metrics.accuracy },
    inferenceMs: m.new.timing.inferenceMs + m.baseline.timing.inferenceMs,
  };
}

async function runBare(i, batchSize) {
  const dir = freshDir(`bare-${i}`);
  const argv = [join(ROOT, 'bench', 'bare-loop.mjs'), DATA, NEW_MODEL, BASELINE_MODEL, String(batchSize)];
  const r = await measure(argv, baseEnv(), dir);
  if (r.code !== 0) throw new Error(`bare loop run ${i + 1} failed (exit ${r.code}, ${r.signal ?? 'no signal'}):\n${r.stderr}`);
  const out = JSON.parse(r.stdout);
  return {
    ...pick(r),
    rows: out.rows,
    features: out.features,
    accuracy: { new: out.new.accuracy, baseline: out.baseline.accuracy },
    correct: { new: out.new.correct, baseline: out.baseline.correct },
    inferenceMs: out.new.inferenceMs + out.baseline.inferenceMs,
  };
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
  const rows = list[0].rows;
  for (const r of list) r.rowsPerSecond = rows / (r.wallMs / 1000);
  return {
    wallMs: median(list.map((r) => r.wallMs)),
    rowsPerSecond: median(list.map((r) => r.rowsPerSecond)),
    peakRssMB: median(list.map((r) => r.peakRssMB)),
    maxPeakRssMB: Math.max(...list.map((r) => r.peakRssMB)),
    cpuS: median(list.map((r) => r.cpuS)),
    inferenceMs: median(list.map((r) => r.inferenceMs)),
    outsideRunMs: median(list.map((r) => r.wallMs - r.inferenceMs)),
    runs: list,
  };
}

/** Which bundle is measured: the commit, whether dist/ differs from it, and the bundle's hash. */
function bundleInfo() {
  const git = (...a) => {
    const r = spawnSync('git', a, { cwd: ROOT, encoding: 'utf8' });
    return r.status === 0 ? r.stdout.trim() : null;
  };
  const bundle = join(ACTION_DIR, 'dist', 'index.js');
  const status = git('status', '--porcelain', '--', join(ACTION_DIR, 'dist'));
  return {
    commit: git('rev-parse', 'HEAD'),
    distModified: status === null ? null : status !== '',
    sha256: createHash('sha256').update(readFileSync(bundle)).digest('hex'),
  };
}

function cpuModel() {
  try {
    return readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.*)$/m)?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

const pad = (s, n) => String(s).padStart(n);
const secs = (ms) => (ms / 1000).toFixed(2);
const perSec = (x) => Math.round(x).toLocaleString('en-US');

async function main() {
  ensureData();
  const defaults = actionDefaults();
  // the action's default (its action.yml leaves it empty: config.ts fills it), given to both variants
  const batchSize = BATCH_SIZE;
  defaults['batch-size'] = String(batchSize);
  for (const f of [join(DATA, 'features.npy'), join(DATA, 'labels.npy'), NEW_MODEL, BASELINE_MODEL]) await warm(f);
  const ortVersion = JSON.parse(readFileSync(join(ORT_PATH, 'package.json'), 'utf8')).version;
  const machine = {
    cpus: availableParallelism(),
    cpuModel: cpuModel(),
    memoryGB: +(totalmem() / 1e9).toFixed(1),
    node: process.version,
    onnxruntimeNode: ortVersion,
  };
  console.log(`evaluate-baseline benchmark: ${runs} run(s) per variant, batch size ${batchSize}`);
  const bundle = bundleInfo();
  console.log(
    `bundle: dist/index.js sha256 ${bundle.sha256.slice(0, 12)}, commit ${bundle.commit?.slice(0, 12) ?? 'unknown'}${bundle.distModified ? ' (dist/ modified)' : ''}`,
  );
  console.log(
    `machine: ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGB} GB, node ${machine.node}, onnxruntime-node ${ortVersion}`,
  );

  const action = [];
  const bare = [];
  const cacheCold = [];
  const cacheWarm = [];
  const shard = [];
  const cacheDir = join(OUT, 'runs', 'baseline-cache');
  const variants = {
    action: [action, (i) => runAction(i, defaults)],
    bare: [bare, (i) => runBare(i, batchSize)],
    // the cold run starts from an empty cache and fills it; the warm run reads it
    'cache-cold': [
      cacheCold,
      (i) => {
        rmSync(cacheDir, { recursive: true, force: true });
        return runAction(i, defaults, 'cache-cold', { 'baseline-cache': cacheDir });
      },
    ],
    'cache-warm': [cacheWarm, (i) => runAction(i, defaults, 'cache-warm', { 'baseline-cache': cacheDir })],
    shard: [shard, (i) => runAction(i, defaults, 'shard', { shard: `1/${SHARDS}`, partials: join(OUT, 'runs', `partials-${i}`) })],
  };
  for (let i = 0; i < runs; i++) {
    // alternate the order too, so neither of the two compared always runs first (the warm run follows its cold one)
    const order =
      i % 2 === 0 ? ['action', 'bare', 'cache-cold', 'cache-warm', 'shard'] : ['shard', 'cache-cold', 'cache-warm', 'bare', 'action'];
    for (const v of order) {
      const [list, go] = variants[v];
      const r = await go(i);
      list.push(r);
      const other = r.otherCores === null ? '' : `, other processes ${r.otherCores.toFixed(2)} cores`;
      console.log(`  run ${i + 1}/${runs} ${v.padEnd(10)} ${secs(r.wallMs)} s, peak RSS ${r.peakRssMB.toFixed(0)} MB${other}`);
    }
  }

  // the action's report and the bare loop must agree: same rows, same models, same accuracies
  const disagreements = [];
  const reference = bare[0];
  for (const [name, list] of [
    ['action', action],
    ['bare loop', bare],
    ['cache-cold', cacheCold],
    ['cache-warm', cacheWarm],
  ]) {
    list.forEach((r, i) => {
      if (r.rows !== reference.rows) disagreements.push(`${name} run ${i + 1}: ${r.rows} rows, bare loop ${reference.rows}`);
      for (const model of ['new', 'baseline']) {
        const correct = Math.round(r.accuracy[model] * r.rows);
        if (correct !== reference.correct[model]) {
          disagreements.push(
            `${name} run ${i + 1}: ${model} model accuracy ${r.accuracy[model]} (${correct} rows right), ` +
              `bare loop ${reference.accuracy[model]} (${reference.correct[model]} rows right)`,
          );
        }
      }
    });
  }

  const a = summarize(action);
  const b = summarize(bare);
  const cold = summarize(cacheCold);
  const warmRun = summarize(cacheWarm);
  const oneShard = summarize(shard);
  const ratio = a.wallMs / b.wallMs;
  const warmRatio = warmRun.wallMs / cold.wallMs;
  const shardRatio = oneShard.wallMs / a.wallMs;
  const targets = {
    wallRatio: { target: TARGETS.wallRatio, measured: ratio, met: ratio <= TARGETS.wallRatio },
    peakRssMB: { target: TARGETS.peakRssMB, measured: a.maxPeakRssMB, met: a.maxPeakRssMB < TARGETS.peakRssMB },
    warmCacheRatio: { target: TARGETS.warmCacheRatio, measured: warmRatio, met: warmRatio <= TARGETS.warmCacheRatio },
    shardRatio: { target: TARGETS.shardRatio, measured: shardRatio, met: shardRatio <= TARGETS.shardRatio },
  };

  console.log('');
  console.log(`${reference.rows.toLocaleString('en-US')} rows x ${reference.features} features; medians of ${runs} run(s)`);
  const header = `${'variant'.padEnd(10)}${pad('wall s', 9)}${pad('rows/s', 11)}${pad('peak RSS MB', 13)}${pad('CPU s', 8)}${pad('in run() s', 12)}${pad('other s', 9)}   wall s of each run`;
  console.log(header);
  console.log('-'.repeat(header.length));
  for (const [name, s] of [
    ['action', a],
    ['bare loop', b],
    ['cache-cold', cold],
    ['cache-warm', warmRun],
    [`shard 1/${SHARDS}`, oneShard],
  ]) {
    console.log(
      `${name.padEnd(10)}${pad(secs(s.wallMs), 9)}${pad(perSec(s.rowsPerSecond), 11)}${pad(s.peakRssMB.toFixed(0), 13)}${pad(s.cpuS.toFixed(1), 8)}` +
        `${pad(secs(s.inferenceMs), 12)}${pad(secs(s.outsideRunMs), 9)}   ${s.runs.map((r) => secs(r.wallMs)).join(', ')}`,
    );
  }
  console.log('(CPU: user + system time of the process; in run(): time inside session.run, both models; other: wall less in run())');
  console.log('');
  console.log(
    `action / bare loop wall time: ${ratio.toFixed(3)}x (target <= ${TARGETS.wallRatio}x): ${targets.wallRatio.met ? 'MET' : 'NOT MET'}`,
  );
  console.log(
    `action peak RSS: ${a.maxPeakRssMB.toFixed(0)} MB at most (target < ${TARGETS.peakRssMB} MB): ${targets.peakRssMB.met ? 'MET' : 'NOT MET'}`,
  );
  console.log(
    `warm baseline-cache / cold run wall time: ${warmRatio.toFixed(3)}x (target <= ${TARGETS.warmCacheRatio}x): ${targets.warmCacheRatio.met ? 'MET' : 'NOT MET'}` +
      ` (warm / action without a cache: ${(warmRun.wallMs / a.wallMs).toFixed(3)}x)`,
  );
  console.log(
    `shard 1 of ${SHARDS} (${oneShard.runs[0].rows.toLocaleString('en-US')} rows) / unsharded wall time: ${shardRatio.toFixed(3)}x (target <= ${TARGETS.shardRatio}x): ${targets.shardRatio.met ? 'MET' : 'NOT MET'}`,
  );
  const disturbed = [...action, ...bare, ...cacheCold, ...cacheWarm, ...shard].filter(
    (r) => r.otherCores !== null && r.otherCores > DISTURBED_CORES,
  ).length;
  if (disturbed) {
    console.log(
      `WARNING: in ${disturbed} of ${5 * runs} runs other processes used over ${DISTURBED_CORES} of a core on average: ` +
        'the times are not reliable; run again on a quiet machine.',
    );
  }
  console.log(
    `accuracy: new ${reference.accuracy.new}, baseline ${reference.accuracy.baseline}: ` +
      (disagreements.length ? 'the action and the bare loop DISAGREE' : 'the action and the bare loop agree on every run'),
  );

  const results = {
    createdAt: new Date().toISOString(),
    machine,
    bundle,
    workload: {
      rows: reference.rows,
      features: reference.features,
      classes: 10,
      model: 'MLP 20-512-512-10 (PyTorch, opset 13)',
      batchSize,
    },
    runs,
    action: a,
    bareLoop: b,
    cacheCold: cold,
    cacheWarm: warmRun,
    shard: { ...oneShard, shard: `1/${SHARDS}` },
    ratio,
    warmCacheRatio: warmRatio,
    shardRatio,
    targets,
    disturbedRuns: disturbed,
    accuracy: { ...reference.accuracy, agree: disagreements.length === 0, disagreements },
  };
  writeFileSync(join(OUT, 'results.json'), JSON.stringify(results, null, 2) + '\n');
  console.log(`results: ${join(OUT, 'results.json')}`);

  if (disagreements.length) {
    for (const d of disagreements) console.error(`error: ${d}`);
    process.exitCode = 1;
  }
}

try {
  await main();
} catch (e) {
  console.error(`bench failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
}
