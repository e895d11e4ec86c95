// @ml-gate/core as a user gets it from npm: built afresh from packages/core/src (into a temporary
// folder, so that the shared packages/core/dist and whatever stale files it holds are neither used
// nor touched), packed with `npm pack` from packages/core's own package.json, README.md and
// LICENSE, and installed from the tarball into an empty ESM project (`npm install <tarball>`:
// the dependencies come from the npm registry, onnxruntime-node's install script skipped).
//
// What it proves:
// - the tarball holds the compiled library, its types, README and LICENSE, and no test file, no
//   source map and no src/;
// - each entry point of "exports" (., /npy, /onnx, /evaluation, /validation, /smoke, /release,
//   /github, /data, /training) resolves from the installed package under Node and does real work there, and a whole
//   evaluation runs on the onnxruntime-node the package installed (the fixtures' known accuracies);
// - the declarations resolve under `moduleResolution: nodenext` and type-check (skipLibCheck off),
//   and they are the real types, not `any` (a wrong call is an error); the README's examples
//   compile against them.
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { fixture } from './fixtures.js';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const CORE = join(REPO, 'packages', 'core');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const ENTRY_POINTS = ['', '/npy', '/onnx', '/evaluation', '/validation', '/smoke', '/release', '/github', '/data', '/training'];

let work: string;
let tarball: string;
let app: string;

/** Runs a command to completion; throws with its output when it fails. */
function run(command: string, args: string[], cwd: string, timeout = 180_000): SpawnSyncReturns<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip', npm_config_fund: 'false', npm_config_audit: 'false' };
  // the installed package's own onnxruntime-node is what this test loads, not the repository's
  delete env.ONNXRUNTIME_NODE_PATH;
  const r = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} (in ${cwd}) failed: ${r.status ?? r.signal}\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** packages/core compiled from its sources into `dir` (dist/) with its package.json, README.md and LICENSE. */
function freshPackage(dir: string): void {
  const tsc = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
  const args = ['-p', join(CORE, 'tsconfig.json'), '--outDir', join(dir, 'dist'), '--tsBuildInfoFile', join(work, 'core.tsbuildinfo')];
  run(process.execPath, [tsc, ...args], REPO);
  for (const file of ['package.json', 'README.md', 'LICENSE']) copyFileSync(join(CORE, file), join(dir, file));
}

/** `npm pack` of `dir` into `work`; the tarball's path. */
function pack(dir: string): string {
  const r = run(NPM, ['pack', '--json', '--pack-destination', work], dir);
  const [{ filename }] = JSON.parse(r.stdout) as { filename: string }[];
  return join(work, filename);
}

/** An empty ESM project with the tarball installed from the registry (install scripts not run). */
function installInEmptyProject(dir: string): void {
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'core-consumer', private: true, type: 'module' }));
  run(NPM, ['install', tarball, '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], dir);
}

/** Runs an ES module in the consumer project; its stdout parsed as JSON. */
function runScript<T>(name: string, source: string): T {
  writeFileSync(join(app, name), source);
  return JSON.parse(run(process.execPath, [name], app, 120_000).stdout) as T;
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'ml-gate-core-package-'));
  freshPackage(join(work, 'package'));
  tarball = pack(join(work, 'package'));
  app = join(work, 'app');
  installInEmptyProject(app);
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('@ml-gate/core packed and installed into an empty project', () => {
  it('the tarball holds dist, README.md and LICENSE, and no tests, source maps or sources', () => {
    const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).trim().split('\n');
    expect(files).toEqual(expect.arrayContaining(['package/package.json', 'package/README.md', 'package/LICENSE']));
    expect(files.filter((f) => /\.test\.|\.map$|\.tsbuildinfo$/.test(f))).toEqual([]);
    expect(files.filter((f) => !/^package\/(dist\/|package\.json$|README\.md$|LICENSE$)/.test(f))).toEqual([]);
    for (const entry of ENTRY_POINTS) {
      const dir = entry ? `dist${entry}/` : 'dist/';
      expect(files).toEqual(expect.arrayContaining([`package/${dir}index.js`, `package/${dir}index.d.ts`]));
    }
  });

  it('each entry point imports under Node and works', () => {
    const results = runScript<Record<string, unknown>>('entry-points.mjs', ENTRY_POINTS_SCRIPT(fixture('binary')));
    expect(results).toEqual({
      formatted: '0.123',
      userError: 'eval-data: a hint',
      npy: { rows: 600, shape: [600, 8], firstRow: FIRST_FEATURES_ROW },
      onnx: { input: 'features', output: 'scores', runtime: 'path', version: '1.30.0' },
      shard: { index: 2, count: 4 },
      mismatches: 1,
      status: [true, false],
      image: { repository: 'ghcr.io/acme/model', tag: '1.2.3' },
      artifactName: [true, false],
      // pandas reads this CSV as id int64, score float64 (the empty cell is NaN); CSV dtypes are final after a full pass
      table: { format: 'csv', columns: ['id:int64', 'score:float64'], rows: 3 },
      suite: { format: 'gx1', entries: 1 },
      // Python's json.dump writes NaN bare: read as a number, which the finite check fails on
      training: {
        format: 'json',
        columns: ['loss', 'val_loss'],
        checks: ['finite:failed', 'converged:failed', 'not-diverging:failed', 'grad-norm:skipped', 'val-loss-rising:passed'],
      },
    });
  });

  it('a whole evaluation runs on the onnxruntime-node the package installed', () => {
    const report = runScript<{ status: string; passed: boolean; primary: { new: number; baseline: number } }>(
      'evaluate.mjs',
      EVALUATE_SCRIPT(fixture('binary')),
    );
    // test/fixtures/binary/expected.json: the accuracies computed by scikit-learn
    expect(report.primary.new).toBeCloseTo(0.87, 12);
    expect(report.primary.baseline).toBeCloseTo(0.83, 12);
    expect(report.status).toBe('passed');
  });

  it('the types resolve under moduleResolution nodenext and type-check, are not any, and the README examples compile', () => {
    const files = [
      'types.ts',
      ...readmeExamples().map((example, i) => {
        writeFileSync(join(app, `readme-${i + 1}.ts`), example);
        return `readme-${i + 1}.ts`;
      }),
    ];
    expect(files.length).toBeGreaterThan(5);
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({ ...CONSUMER_TSCONFIG, files }));
    writeFileSync(join(app, 'types.ts'), TYPES_SOURCE);
    const tsc = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
    const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: app, encoding: 'utf8', timeout: 120_000 });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

/** The README's TypeScript examples, each a module of its own. */
function readmeExamples(): string[] {
  const readme = readFileSync(join(CORE, 'README.md'), 'utf8');
  return [...readme.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => `${m[1]}export {};\n`);
}

/** The first row of test/fixtures/binary/features.npy, as numpy prints it with repr(). */
const FIRST_FEATURES_ROW = [
  -0.576417110050969, 0.6205471396121999, -0.49087492533674715, 1.5024994561080918, 2.526982704022209, -0.5040878314413738,
  0.5880304455495735, 1.05460082938391,
];

/** One function of each entry point, used for real; the results printed as JSON. */
const ENTRY_POINTS_SCRIPT = (dir: string) => `
import { formatNumber, UserError } from '@ml-gate/core';
import { openNpy } from '@ml-gate/core/npy';
import { loadModel, loadOnnxRuntime } from '@ml-gate/core/onnx';
import { parseShard } from '@ml-gate/core/evaluation';
import { compareArrays } from '@ml-gate/core/validation';
import { parseStatusRanges, statusMatches } from '@ml-gate/core/smoke';
import { parseImage } from '@ml-gate/core/release';
import { parseArtifactName } from '@ml-gate/core/github';
import { openTable, parseSuite } from '@ml-gate/core/data';
import { chooseColumns, readTrainingLog, runTrainingChecks, trainingCurves, DEFAULT_TRAINING_SETTINGS } from '@ml-gate/core/training';
import { writeFileSync } from 'node:fs';

const dir = ${JSON.stringify(dir)};
writeFileSync('table.csv', 'id,score\\n1,0.5\\n2,\\n3,1.5\\n');
const table = await openTable('table.csv');
let tableRows = 0;
for await (const batch of table.batches()) tableRows += batch.rows;
await table.close();
writeFileSync('history.json', '{"loss": [2, 1, 0.5, 0.5, 0.5, 0.5, NaN], "val_loss": [2, 1, 0.6, 0.6, 0.6, 0.6, 0.6]}');
const log = await readTrainingLog('history.json');
const checks = runTrainingChecks(trainingCurves(log, chooseColumns(log)), DEFAULT_TRAINING_SETTINGS);
const suite = parseSuite(JSON.stringify({ name: 's', expectations: [{ type: 'expect_column_values_to_not_be_null', kwargs: { column: 'score' } }] }), 'suite.json');
const array = await openNpy(dir + '/features.npy');
const rows = new Float64Array(array.rowLength);
await array.readRows(0, 1, rows);
await array.close();
const { ort, runtime } = await loadOnnxRuntime({ path: 'node_modules/onnxruntime-node' });
const model = await loadModel(ort, dir + '/new.onnx', { role: 'new model', inputOfPath: 'new-model' });
const ranges = parseStatusRanges('2xx').value;
console.log(JSON.stringify({
  formatted: formatNumber(0.123456789, 3),
  userError: new UserError('bad', { input: 'eval-data', hint: 'a hint' }) instanceof Error ? 'eval-data: a hint' : 'not an Error',
  npy: { rows: array.rows, shape: array.shape, firstRow: Array.from(rows) },
  onnx: { input: model.input.name, output: model.output.name, runtime: runtime.source, version: runtime.version },
  shard: parseShard('2/4').value,
  mismatches: compareArrays([1, 2, 3], [1, 2, 3.5], [3], { atol: 0.1, rtol: 0, mode: 'numpy' }).mismatches,
  status: [statusMatches(204, ranges), statusMatches(500, ranges)],
  image: parseImage('ghcr.io/acme/model:1.2.3'),
  artifactName: [parseArtifactName('evaluation-partial').ok, parseArtifactName('a/b').ok],
  table: { format: table.format, columns: table.columns.map((c) => c.name + ':' + c.dtype), rows: tableRows },
  suite: { format: suite.format, entries: suite.entries.length },
  training: { format: log.format, columns: log.columns, checks: checks.map((c) => c.id + ':' + c.status) },
}));
`;

/** evaluateModels on test/fixtures/binary (new.onnx against baseline.onnx), the report printed. */
const EVALUATE_SCRIPT = (dir: string) => `
import { evaluateModels, newEvaluationReport } from '@ml-gate/core/evaluation';

const dir = ${JSON.stringify(dir)};
const report = newEvaluationReport();
await evaluateModels(
  {
    newModel: dir + '/new.onnx', baselineModel: dir + '/baseline.onnx', evalData: dir,
    features: 'features', labels: 'labels', metric: 'accuracy', minImprovement: 0.01,
    replicates: 1000, seed: 1, thresholds: [], topK: 5, slices: [], sliceNames: '', minSliceRows: 30,
    task: 'auto', inputName: '', outputName: '', missingBaseline: 'fail', batchSize: 256, threads: 1,
    onnxruntime: { path: 'node_modules/onnxruntime-node' },
  },
  report,
);
console.log(JSON.stringify(report));
`;

const CONSUMER_TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'nodenext',
    moduleResolution: 'nodenext',
    strict: true,
    noEmit: true,
    skipLibCheck: false,
    // no types or typeRoots: as in a project of its own, every @types package the install brought
    // is seen (@types/node and @types/long, which onnx-proto's types need, come with protobufjs)
  },
};

/** Imports each entry point; the @ts-expect-error lines fail the check if a declaration were missing (any). */
const TYPES_SOURCE = `
import { formatNumber, type ParseResult } from '@ml-gate/core';
import { openNpy, type NpyArray } from '@ml-gate/core/npy';
import { loadOnnxRuntime, type ProvisionedRuntime } from '@ml-gate/core/onnx';
import { parseShard, type EvaluationSettings } from '@ml-gate/core/evaluation';
import { compareArrays } from '@ml-gate/core/validation';
import { parseStatusRanges } from '@ml-gate/core/smoke';
import { parseImage } from '@ml-gate/core/release';
import { parseArtifactName } from '@ml-gate/core/github';
import { openTable, type TableSource } from '@ml-gate/core/data';
import { readTrainingLog, type TrainingLog } from '@ml-gate/core/training';

export const formatted: string = formatNumber(1.5);
// @ts-expect-error formatNumber takes a number
formatNumber('1.5');
export const opened: Promise<NpyArray> = openNpy('features.npy');
export const runtime: Promise<{ runtime: ProvisionedRuntime }> = loadOnnxRuntime({ path: 'node_modules/onnxruntime-node' });
export const shard: ParseResult<{ index: number; count: number }> = parseShard('1/2');
// @ts-expect-error there is no such setting
export const settings: Partial<EvaluationSettings> = { noSuchSetting: true };
export const mismatches: number = compareArrays([1], [1], [1], { atol: 0, rtol: 0, mode: 'numpy' }).mismatches;
export const ranges = parseStatusRanges('2xx');
export const tag: string | undefined = parseImage('ghcr.io/acme/model:1').tag;
// @ts-expect-error parseArtifactName returns a ParseResult, not a string
export const name: number = parseArtifactName('x');
export const table: Promise<TableSource> = openTable('table.csv');
// @ts-expect-error openTable's options have no such key
openTable('table.csv', { noSuchOption: 1 });
export const log: Promise<TrainingLog> = readTrainingLog('metrics.csv', { format: 'lightning' });
// @ts-expect-error not a format it reads
readTrainingLog('metrics.csv', { format: 'tensorboard' });
`;
