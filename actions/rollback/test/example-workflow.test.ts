// Checks of examples/workflows/ml-rollback.yml that actionlint cannot make: the rollback job has
// the files its smoke test reads, and the `resolve` step's script (run here with bash, exactly as
// written in the workflow) refuses an alert that lacks the version or the environment.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const WORKFLOW = join(ROOT, 'examples/workflows/ml-rollback.yml');

let text: string;
let dir: string;

beforeAll(async () => {
  text = await readFile(WORKFLOW, 'utf8');
  dir = await mkdtemp(join(tmpdir(), 'ml-rollback-wf-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The workflow's PROJECT (the example project's folder). */
function project(): string {
  const m = /^ {2}PROJECT: (\S+)/m.exec(text);
  expect(m, 'env PROJECT').not.toBeNull();
  return m![1];
}

/** The lines of job `name` (from `  name:` to the next job at the same indentation). */
function job(name: string): string {
  const lines = text.split('\n');
  const start = lines.indexOf(`  ${name}:`);
  expect(start, `job ${name}`).toBeGreaterThanOrEqual(0);
  let end = start + 1;
  while (end < lines.length && !/^ {2}[A-Za-z0-9_-]+:\s*$/.test(lines[end]) && !/^\S/.test(lines[end])) end++;
  return lines.slice(start, end).join('\n');
}

/** The `run: |` block of the step with this id, unindented. */
function runScript(jobText: string, stepId: string): string {
  const lines = jobText.split('\n');
  const idLine = lines.findIndex((l) => l.trim() === `id: ${stepId}`);
  expect(idLine).toBeGreaterThanOrEqual(0);
  const runLine = lines.findIndex((l, i) => i > idLine && l.trim() === 'run: |');
  const indent = /^(\s*)/.exec(lines[runLine + 1])![1].length;
  const body: string[] = [];
  for (let i = runLine + 1; i < lines.length; i++) {
    if (lines[i].trim() !== '' && /^(\s*)/.exec(lines[i])![1].length < indent) break;
    body.push(lines[i].slice(indent));
  }
  return body.join('\n');
}

describe('examples/workflows/ml-rollback.yml', () => {
  it('the rollback job checks out the repository (without keeping the token) before the smoke test reads the project’s smoke/sample_request.json', () => {
    const rollback = job('rollback');
    const checkout = rollback.indexOf('uses: actions/checkout@');
    const smoke = rollback.indexOf('uses: OWNER/REPO/actions/smoke-test@smoke-test/v1');
    expect(checkout).toBeGreaterThan(0);
    expect(smoke).toBeGreaterThan(checkout);
    expect(rollback.slice(checkout, smoke)).toMatch(/with:\s*\n\s*persist-credentials: false/);
    expect(rollback.slice(smoke)).toContain('sample: ${{ env.PROJECT }}/smoke/sample_request.json');
    expect(existsSync(join(ROOT, project(), 'smoke', 'sample_request.json'))).toBe(true);
  });

  it('rolls back with the deploy.sh ml-pipeline.yml deploys with (target: command), which exists and is executable', async () => {
    const rollback = job('rollback');
    expect(rollback).toMatch(/^\s+target: command$/m);
    expect(rollback).toContain('command: ${{ env.PROJECT }}/scripts/deploy.sh ${{ needs.resolve.outputs.environment }}');
    const pipeline = await readFile(join(ROOT, 'examples/workflows/ml-pipeline.yml'), 'utf8');
    expect(pipeline).toContain(`PROJECT: ${project()} `);
    expect(pipeline).toContain('"$PROJECT/scripts/deploy.sh" staging "$MODEL_VERSION"');
    expect(pipeline).toContain('"$PROJECT/scripts/deploy.sh" production "$MODEL_VERSION"');
    expect((await stat(join(ROOT, project(), 'scripts', 'deploy.sh'))).mode & 0o111).not.toBe(0);
  });

  describe('the resolve step', () => {
    async function resolveStep(env: Record<string, string>) {
      const script = runScript(job('resolve'), 'resolve');
      expect(script).not.toContain('${{');
      const output = join(dir, `out-${Math.random().toString(16).slice(2)}`);
      const summary = `${output}.md`;
      await writeFile(output, '');
      await writeFile(summary, '');
      const r = spawnSync('bash', ['-e', '-c', script], {
        env: { PATH: process.env.PATH, GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: summary, ACTOR: 'octocat', ...env },
        encoding: 'utf8',
      });
      return { status: r.status, stdout: r.stdout, outputs: await readFile(output, 'utf8') };
    }
    const alert = { EVENT_NAME: 'repository_dispatch', ALERT_NAME: 'HighErrorRate', ALERT_SUMMARY: 'errors > 5%' };

    it('an alert with environment and model_version: compare-and-rollback against that version', async () => {
      const r = await resolveStep({ ...alert, ALERT_ENVIRONMENT: 'staging', ALERT_MODEL_VERSION: 'v3' });
      expect(r.status, r.stdout).toBe(0);
      expect(r.outputs).toBe('environment=staging\ntarget-version=\nexpected-current=v3\ndry-run=false\n');
    });
    it('an alert without model_version fails (no unguarded rollback of one more version)', async () => {
      const r = await resolveStep({ ...alert, ALERT_ENVIRONMENT: 'production' });
      expect(r.status).toBe(1);
      expect(r.stdout).toContain('::error::');
      expect(r.stdout).toContain('client_payload.model_version');
      expect(r.outputs).toBe('');
    });
    it('an alert without environment fails (no default to production)', async () => {
      const r = await resolveStep({ ...alert, ALERT_MODEL_VERSION: 'v3' });
      expect(r.status).toBe(1);
      expect(r.stdout).toContain('client_payload.environment');
      expect(r.outputs).toBe('');
    });
    it('an alert with a model_version that is not a version fails', async () => {
      const r = await resolveStep({ ...alert, ALERT_ENVIRONMENT: 'production', ALERT_MODEL_VERSION: 'v3; rm -rf /' });
      expect(r.status).toBe(1);
      expect(r.outputs).toBe('');
    });
    it('a person (workflow_dispatch) still needs no version', async () => {
      const r = await resolveStep({
        EVENT_NAME: 'workflow_dispatch',
        INPUT_ENVIRONMENT: 'production',
        INPUT_REASON: 'bad answers',
        INPUT_DRY_RUN: 'true',
      });
      expect(r.status, r.stdout).toBe(0);
      expect(r.outputs).toBe('environment=production\ntarget-version=\nexpected-current=\ndry-run=true\n');
    });
  });
});
