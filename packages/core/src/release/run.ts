/**
 * One run of the rollback action, from its parsed inputs to a filled report: the kubeconfig
 * input written to a file only this job reads (and removed at the end), the ledger and the
 * target made, then a record or a rollback. What only the runner can do (log, annotate, mask a
 * secret) comes in as callbacks, so this module does not import @actions/*.
 */
import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { RunInfo } from '../util/run-info.js';
import { CommandTarget } from './command.js';
import { ConfigMapLedger } from './configmap-ledger.js';
import { GitHubDeploymentsLedger } from './github-deployments-ledger.js';
import { kubeconfigSecrets } from './kubeconfig-secrets.js';
import { Kubectl } from './kubectl.js';
import { KubernetesTarget } from './kubernetes.js';
import type { Ledger, LedgerKind } from './ledger.js';
import { recordRelease } from './record.js';
import { rollBack } from './rollback.js';
import type { RollbackReport } from './rollback-report.js';
import type { Target } from './target.js';

/** The inputs of the rollback action, parsed and validated. */
export interface ReleaseConfig {
  mode: 'record' | 'rollback';
  environment: string;
  /** record: the version recorded; rollback: the explicit target ('' = the newest verified older one). */
  version: string;
  expectedCurrent: string;
  reason: string;
  trigger: string;
  verified: boolean;
  /** Image repository, without tag. */
  image: string;
  model: string;
  commit: string;
  ledger: LedgerKind;
  ledgerConfigMap: string;
  /** How long a ledger read or write keeps retrying (lost races, transient API errors). */
  ledgerTimeoutSeconds: number;
  target: 'kubernetes' | 'command';
  deployment: string;
  container: string;
  namespace: string;
  context: string;
  /** The contents of a kubeconfig (a secret), or ''. */
  kubeconfig: string;
  rolloutTimeoutSeconds: number;
  command: string;
  dryRun: boolean;
  token: string;
}

/** What a run needs from the runner it is a step of. */
export interface ReleaseRunner {
  /** A line of the step's log. */
  info(line: string): void;
  /** A warning annotation. */
  warning(message: string): void;
  /** Registers a secret with the runner, so that it never shows in the log. */
  setSecret(secret: string): void;
  /** owner/name (GITHUB_REPOSITORY). */
  repository: string;
  /** The REST API's base URL (GITHUB_API_URL); undefined: api.github.com. */
  apiUrl?: string;
  /** A folder only this job reads (RUNNER_TEMP): the kubeconfig input is written there. */
  tempDir: string;
  /** The commit and the workflow run: recorded with every ledger entry. */
  run: RunInfo;
}

export async function runRelease(config: ReleaseConfig, report: RollbackReport, runner: ReleaseRunner): Promise<void> {
  if (config.token) runner.setSecret(config.token);
  describeRequest(config, report);
  const kubeconfig = await writeKubeconfig(config.kubeconfig, runner);
  try {
    const kubectl = new Kubectl({
      kubeconfig,
      context: config.context,
      namespace: config.namespace,
      log: (line) => runner.info(`$ ${line}`),
    });
    const ledger = makeLedger(config, kubectl, runner);
    if (config.mode === 'record') await recordRelease(config, ledger, report, runner);
    else await rollBack(config, ledger, makeTarget(config, kubectl, runner), report, runner);
  } finally {
    if (kubeconfig) await rm(kubeconfig, { force: true });
  }
}

/** What was asked, in the report before anything is read (a failure later still shows it). */
function describeRequest(config: ReleaseConfig, report: RollbackReport): void {
  report.mode = config.mode;
  report.environment = config.environment;
  report.dryRun = config.dryRun;
  report.request = {
    ...(config.version ? { version: config.version } : {}),
    ...(config.mode === 'rollback'
      ? {
          reason: config.reason || '(no reason given)',
          trigger: config.trigger,
          ...(config.expectedCurrent ? { expectedCurrent: config.expectedCurrent } : {}),
        }
      : {}),
  };
}

/** The kubeconfig input, its secrets masked, written where only this job reads it; undefined when not given. */
async function writeKubeconfig(kubeconfig: string, runner: ReleaseRunner): Promise<string | undefined> {
  if (!kubeconfig.trim()) return undefined;
  for (const secret of kubeconfigSecrets(kubeconfig)) runner.setSecret(secret);
  const path = join(runner.tempDir, `ml-gate-kubeconfig-${randomBytes(6).toString('hex')}`);
  await writeFile(path, kubeconfig, { mode: 0o600 });
  return path;
}

function makeLedger(config: ReleaseConfig, kubectl: Kubectl, runner: ReleaseRunner): Ledger {
  const retry = { deadlineMs: config.ledgerTimeoutSeconds * 1000 };
  if (config.ledger === 'configmap')
    return new ConfigMapLedger(kubectl, { name: config.ledgerConfigMap, environment: config.environment, retry });
  return new GitHubDeploymentsLedger({
    token: config.token,
    repository: runner.repository,
    environment: config.environment,
    defaultRef: runner.run.commit || config.commit,
    apiUrl: runner.apiUrl,
    retry,
  });
}

function makeTarget(config: ReleaseConfig, kubectl: Kubectl, runner: ReleaseRunner): Target {
  if (config.target === 'command') return new CommandTarget(config.command, config.environment, (line) => runner.info(line));
  return new KubernetesTarget(kubectl, {
    deployment: config.deployment,
    container: config.container,
    imageRepository: config.image,
    rolloutTimeoutSeconds: config.rolloutTimeoutSeconds,
  });
}
