// The example pipeline end to end, as a user runs it (`npm run example`): every stage's committed
// bundle on examples/project's files, training with the machine's Python and PyTorch, the example
// model server as staging, the rollback ledger on the loopback GitHub Deployments stand-in. The
// day a stage stops working with the others (an input renamed, a report changed, the baseline no
// longer beaten, deploy.sh and rollback no longer agreeing on versions), this fails.
//
// Needs Python 3 with numpy and torch (Debian: python3-torch python3-numpy; .ci/run installs them),
// PYTHON or /usr/bin/python3. The accuracies asserted come from outside the actions: the baseline's
// 473 of 540 is scikit-learn's accuracy_score on PyTorch's predictions (scripts/make_baseline.py
// prints it), and the onnxruntime outputs are checked against PyTorch's by validate-onnx.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PYTHON = process.env.PYTHON || '/usr/bin/python3';

let out: string;
let run: { code: number | null; output: string; seconds: number };
let summary: any;

const report = async (name: string): Promise<any> => JSON.parse(await readFile(join(out, 'reports', name), 'utf8'));
const stage = (name: string): any => summary.stages.find((s: any) => s.stage === name);

beforeAll(async () => {
  const python = spawnSync(PYTHON, ['-c', 'import numpy, torch'], { encoding: 'utf8' });
  if (python.status !== 0) {
    throw new Error(
      `The example pipeline trains with PyTorch: ${PYTHON} cannot import numpy and torch (${(python.stderr || String(python.error)).trim().split('\n').pop()}). ` +
        'On Debian or Ubuntu: apt-get install python3-torch python3-numpy (.ci/run does), or set PYTHON.',
    );
  }
  out = await mkdtemp(join(tmpdir(), 'example-run-'));
  const t0 = Date.now();
  run = await new Promise((done, fail) => {
    const child = spawn(process.execPath, ['examples/project/run-pipeline.mjs', '--out', out, '--python', PYTHON], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => chunks.push(b));
    child.stderr.on('data', (b: Buffer) => chunks.push(b));
    child.once('error', fail);
    child.once('close', (code) => done({ code, output: Buffer.concat(chunks).toString('utf8'), seconds: (Date.now() - t0) / 1000 }));
  });
  console.log(run.output);
  summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));
}, 300_000);

afterAll(async () => {
  if (out) await rm(out, { recursive: true, force: true });
});

describe('npm run example (examples/project/run-pipeline.mjs)', () => {
  it('runs every stage, in order, and passes', () => {
    expect(run.code, run.output).toBe(0);
    expect(summary.passed).toBe(true);
    expect(summary.stages.map((s: any) => s.stage)).toEqual([
      'validate-train',
      'validate-holdout',
      'prepare-data',
      'train',
      'check-training',
      'evaluate-baseline',
      'validate-onnx',
      'deploy-previous',
      'record-previous',
      'deploy-candidate',
      'smoke-test',
      'record-candidate',
      'rollback-dry-run',
      'rollback',
      'smoke-test-restored',
    ]);
    for (const s of summary.stages) expect(`${s.stage}: ${s.status}`).toBe(`${s.stage}: passed`);
    // the stage table it prints
    expect(run.output).toMatch(/^\| evaluate-baseline \| passed \|/m);
    expect(run.output).toContain('The example pipeline passed');
  });

  it('data validation: the suite passes on both sets, no drift against the baseline’s data, no shared rows', async () => {
    const train = await report('train_data_report.json');
    expect(train.status).toBe('passed');
    expect(train.validation.statistics).toMatchObject({ evaluated_expectations: 202, unsuccessful_expectations: 0 });
    expect(train.data.rows).toBe(1257);
    expect(train.drift.drifted).toEqual([]);
    expect(train.drift.columns).toHaveLength(65); // 64 pixels and the label; id ignored
    const holdout = await report('holdout_data_report.json');
    expect(holdout.status).toBe('passed');
    expect(holdout.data.rows).toBe(540);
    expect(holdout.leakage.ignored).toEqual(['id']);
    expect(holdout.leakage.overlap.rows).toBe(0);
    expect(holdout.leakage.passed).toBe(true);
    // the Great Expectations validation result is written beside it
    expect((await report('holdout_data_result.json')).success).toBe(true);
  });

  it('training: metrics.csv has the columns check-training reads, one row per epoch, and check-training passes', async () => {
    const csv = (await readFile(join(out, 'model', 'metrics.csv'), 'utf8')).trim().split('\n');
    expect(csv[0]).toBe('epoch,train_loss,val_loss,grad_norm,val_accuracy');
    expect(csv).toHaveLength(31);
    const rows = csv.slice(1).map((l) => l.split(',').map(Number));
    expect(rows.every((r) => r.length === 5 && r.every(Number.isFinite))).toBe(true);
    expect(rows.at(-1)![1]).toBeLessThan(rows[0][1]); // the training loss went down
    for (const f of ['model.onnx', 'reference_inputs.npy', 'reference_outputs.npy']) expect(existsSync(join(out, 'model', f))).toBe(true);
    expect(stage('check-training').status).toBe('passed');
    expect(stage('check-training').outputs).toMatchObject({ passed: 'true', epochs: '30', 'failed-checks': '' });
  });

  it('evaluation: the candidate beats the committed baseline by at least one point, confidently (95% lower bound)', async () => {
    const r = await report('eval_report.json');
    expect(r.status).toBe('passed');
    expect(r.primary.metric).toBe('accuracy');
    expect(r.evalSet.rows).toBe(540);
    // scikit-learn's accuracy_score of the baseline on the held-out set: 473/540
    expect(r.primary.baseline).toBeCloseTo(473 / 540, 12);
    expect(r.primary.improvement).toBeGreaterThanOrEqual(0.01);
    const outputs = stage('evaluate-baseline').outputs;
    expect(outputs.passed).toBe('true');
    expect(Number(outputs['improvement-lower'])).toBeGreaterThanOrEqual(0.01);
  });

  it('packaging: validate-onnx finds the export computing what PyTorch computed', async () => {
    const r = await report('onnx_validation_report.json');
    expect(r.status).toBe('passed');
    expect(r.model.inputs).toEqual([{ name: 'pixels', type: 'float32', shape: ['batch', 64] }]);
    expect(r.summary.mismatchRatio).toBe(0);
  });

  it('staging: the smoke test passes against the served candidate (version 2), with prediction parity', async () => {
    const r = await report('smoke_test_report.json');
    expect(r.status).toBe('passed');
    expect(r.request.expectedModelVersion).toBe('2');
    expect(r.parity.passed).toBe(true);
  });

  it('rollback: both versions recorded; the dry run names version 1 and changes nothing; the rollback restores it through deploy.sh', async () => {
    expect((await report('record_previous.json')).status).toBe('recorded');
    expect((await report('record_candidate.json')).status).toBe('recorded');
    const dry = await report('rollback_dry_run_report.json');
    expect(dry).toMatchObject({ status: 'dry-run', fromVersion: '2', toVersion: '1', rolledBack: false });
    expect(dry.target).toMatchObject({ kind: 'command', ran: false });
    expect(dry.target.commands[0]).toMatch(/^ML_GATE_VERSION=1 .*examples\/project\/scripts\/deploy\.sh staging$/);
    const real = await report('rollback_report.json');
    expect(real).toMatchObject({ status: 'rolled-back', fromVersion: '2', toVersion: '1', version: '1', rolledBack: true });
    const restored = await report('smoke_test_restored_report.json');
    expect(restored.status).toBe('passed');
    expect(restored.request.expectedModelVersion).toBe('1');
    expect(restored.parity.passed).toBe(true);
  });

  it('leaves no server running and fits the CI budget', async () => {
    const pid = await readFile(join(out, 'deploy', 'staging', 'server.pid'), 'utf8').catch(() => '');
    expect(pid).toBe('');
    expect(run.seconds).toBeLessThan(90);
  });
});
