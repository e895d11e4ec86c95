// The setup shared by the rollback action's tests, in process (main.test.ts) and of the committed
// bundle (e2e.test.ts): a temporary root with a HOME for kubectl's discovery cache, the stand-ins
// (test/kubernetes-api-stub.ts, test/github-deployments-stub.ts) closed after each test, the
// hand-written ledger entries and the checks of a run that succeeded or failed.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';

import { GitHubDeploymentsStub } from '../../../test/github-deployments-stub.js';
import { KubernetesApiStub } from '../../../test/kubernetes-api-stub.js';
import { expectErrorAnnotation, expectNoStackTrace, readReport, type ActionRun } from '../../../test/run-action.js';

export const REPO = 'registry.example.com/ml/server';
export const NS = 'ml';
export const CM = 'ml-gate-releases';
export const SCHEMA = 'ml-gate/release-ledger/v1';
export const SHA = '0123456789abcdef0123456789abcdef01234567'; // GITHUB_SHA of every run (test/run-action.ts)
export const RUN_URL = 'https://github.com/owner/repo/actions/runs/1';
export const K8S = {
  environment: 'production',
  ledger: 'configmap',
  namespace: NS,
  deployment: 'model-server',
  container: 'server',
  'rollout-timeout': '20s',
};

export interface World {
  /** The temporary folder of this test file (made in beforeAll, removed in afterAll). */
  readonly root: string;
  /** HOME of every run: kubectl's discovery cache goes here, not in the real HOME. */
  readonly home: string;
  /** A Kubernetes API stand-in with deployment ml/model-server (containers server + proxy) at `image`. */
  cluster: (
    image?: string,
    options?: Parameters<typeof KubernetesApiStub.start>[0],
  ) => Promise<{ kube: KubernetesApiStub; kubeconfig: string }>;
  /** A GitHub Deployments API stand-in, closed after the test. */
  github: (options?: Parameters<typeof GitHubDeploymentsStub.start>[0]) => Promise<GitHubDeploymentsStub>;
}

/** Registers the hooks of a test file and returns its world; `prepare` runs once the root exists. */
export function world(prefix: string, prepare?: (root: string) => Promise<void>): World {
  let root = '';
  let home = '';
  const stubs: { close(): Promise<void> }[] = [];

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), prefix));
    home = join(root, 'home');
    await mkdir(home);
    await prepare?.(root);
  });

  afterEach(async () => {
    await Promise.all(stubs.splice(0).map((s) => s.close()));
  });

  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  return {
    get root() {
      return root;
    },
    get home() {
      return home;
    },
    cluster: async (image = `${REPO}:v3`, options = {}) => {
      const kube = await KubernetesApiStub.start({ rolloutDelayMs: 100, ...options });
      stubs.push(kube);
      kube.addDeployment({
        namespace: NS,
        name: 'model-server',
        containers: { server: image, proxy: 'envoyproxy/envoy:v1.31.0' },
        replicas: 2,
      });
      const kubeconfig = await kube.kubeconfig(join(await mkdtemp(join(root, 'kc-')), 'config'), { namespace: 'default' });
      return { kube, kubeconfig };
    },
    github: async (options = {}) => {
      const gh = await GitHubDeploymentsStub.start(options);
      stubs.push(gh);
      return gh;
    },
  };
}

/** A release entry of the ledger, written by hand: id n at 2026-01-0n 10:00 UTC. */
export function rel(id: number, version: string, verified = true) {
  return { type: 'release', id: String(id), version, at: `2026-01-0${id}T10:00:00.000Z`, verified, commit: `c0mm1t${id}` };
}

/** Seeds the ConfigMap ledger with hand-written events. */
export function seedLedger(kube: KubernetesApiStub, events: unknown[], environment = 'production') {
  kube.addConfigMap(CM, { [`${environment}.json`]: JSON.stringify({ schema: SCHEMA, environment, events }) }, NS);
}

export function ledgerEvents(kube: KubernetesApiStub, environment = 'production'): any[] {
  const data = kube.configMapData(CM, NS);
  if (!data) return [];
  const ledger = JSON.parse(data[`${environment}.json`]) as { events: any[] };
  return ledger.events;
}

export const deploymentPatches = (kube: KubernetesApiStub) =>
  kube.writes().filter((r) => r.path === `/apis/apps/v1/namespaces/${NS}/deployments/model-server`);

export function expectOk(r: ActionRun): void {
  expect(r.exitCode, r.stdout + r.stderr).toBe(0);
  expect(r.errors, r.stdout).toEqual([]);
  expectNoStackTrace(r);
}

/**
 * One error annotation titled rollback with these words (a string is contained, a RegExp matched),
 * exit 1, no stack trace, nothing rolled back; the report and the message.
 */
export async function expectFailure(
  r: ActionRun,
  status: 'error' | 'failed',
  ...words: (string | RegExp)[]
): Promise<{ report: Record<string, any>; message: string }> {
  const error = expectErrorAnnotation(r, 'rollback', ...words);
  const report = (await readReport(r)) as Record<string, any>;
  expect(report.status).toBe(status);
  expect(report.rolledBack).toBe(false);
  expect(r.outputs['rolled-back']).toBe('false');
  expect(r.outputs.status).toBe(status);
  return { report, message: error.message };
}

/** The inputs of a rollback in production (ledger and target left to their defaults), `extra` on top: for the tables of bad inputs. */
export const rollbackIn = (extra: Record<string, string> = {}) => ({ mode: 'rollback', environment: 'production', ...extra });
/** The inputs of a rollback in production of deployment x, `extra` on top. */
export const rollbackX = (extra: Record<string, string> = {}) => rollbackIn({ deployment: 'x', ...extra });
/** The inputs of a record of v1 in production, `extra` on top. */
export const recordV1 = (extra: Record<string, string> = {}) => ({ mode: 'record', environment: 'production', version: 'v1', ...extra });

/** How a test file runs the action: the bundle (e2e.test.ts) or run() in process (main.test.ts). */
export type RunRollback = (
  inputs: Record<string, string>,
  options: { env: Record<string, string | undefined>; workspace: string },
) => Promise<ActionRun>;

/**
 * The first scenario of both test files: a cluster at v3, and v1, v2 (with model.onnx, whose
 * bytes are 'model bytes of v2') and v3 recorded in its ConfigMap ledger, each record checked.
 */
export async function recordThreeReleases(w: World, run: RunRollback) {
  const { kube, kubeconfig } = await w.cluster();
  const env = { KUBECONFIG: kubeconfig };
  const workspace = await mkdtemp(join(w.root, 'ws-'));
  await writeFile(join(workspace, 'model.onnx'), 'model bytes of v2');
  for (const v of ['v1', 'v2', 'v3']) {
    const r = await run(
      { ...K8S, mode: 'record', version: v, image: REPO, ...(v === 'v2' ? { model: 'model.onnx' } : {}) },
      { env, workspace },
    );
    expectOk(r);
    expect(r.outputs).toMatchObject({ status: 'recorded', version: v, 'rolled-back': 'false' });
  }
  return { kube, env, workspace };
}

/** Then an alert rolls back from v3 to v2: the outputs, the images and the rollback entry checked; the run. */
export async function rollBackForAlert(
  kube: KubernetesApiStub,
  run: RunRollback,
  options: { env: Record<string, string | undefined>; workspace: string },
): Promise<ActionRun> {
  const r = await run({ ...K8S, mode: 'rollback', reason: 'error rate above 2%', trigger: 'alert HighErrorRate' }, options);
  expectOk(r);
  expect(r.outputs).toMatchObject({
    status: 'rolled-back',
    'from-version': 'v3',
    'to-version': 'v2',
    'rolled-back': 'true',
    version: 'v2',
  });
  expect(kube.image('model-server', 'server', NS)).toBe(`${REPO}:v2`);
  expect(kube.image('model-server', 'proxy', NS)).toBe('envoyproxy/envoy:v1.31.0');
  expect(ledgerEvents(kube)[3]).toMatchObject({
    type: 'rollback',
    id: '4',
    from: 'v3',
    to: 'v2',
    reason: 'error rate above 2%',
    trigger: 'alert HighErrorRate',
    outcome: 'succeeded',
    runUrl: RUN_URL,
  });
  return r;
}
