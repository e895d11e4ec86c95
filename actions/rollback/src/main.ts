import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@actions/core';
import { UserError } from '@ml-gate/core';
import { runReportedAction } from '@ml-gate/core/github';
import { CommandTarget } from '@ml-gate/core/release';
import { ConfigMapLedger } from '@ml-gate/core/release';
import { GitHubDeploymentsLedger } from '@ml-gate/core/release';
import { imageFor } from '@ml-gate/core/release';
import { Kubectl, kubeconfigSecrets } from '@ml-gate/core/release';
import { KubernetesTarget } from '@ml-gate/core/release';
import { type Ledger, type LedgerEvent, type NewRelease, type NewRollback } from '@ml-gate/core/release';
import { renderRollbackMarkdown, type RollbackReport } from '@ml-gate/core/release';
import { liveFromLedger, planRecord, planRollback, resolveLive } from '@ml-gate/core/release';
import { TargetFailure, type Target } from '@ml-gate/core/release';
import { sha256Files } from '@ml-gate/core';

import { readConfig, readReportPath, type Config } from './config.js';

const TITLE = 'rollback';

function newReport(): RollbackReport {
  return {
    schema: 'ml-gate/rollback/v1',
    createdAt: new Date().toISOString(),
    mode: null,
    environment: null,
    status: 'error',
    dryRun: false,
    rolledBack: false,
    explanation: 'The action did not run.',
    fromVersion: null,
    toVersion: null,
    version: null,
    request: {},
    warnings: [],
  };
}

function runUrl(env = process.env): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: id } = env;
  return server && repo && id ? `${server}/${repo}/actions/runs/${id}` : undefined;
}

/** Registers the secrets in a kubeconfig (YAML or JSON) with the runner, so they never show in the log. */
function maskKubeconfig(text: string): void {
  for (const secret of kubeconfigSecrets(text)) core.setSecret(secret);
}

/** A kubeconfig given as input, written where only this job reads it; removed at the end. */
async function writeKubeconfig(config: Config): Promise<string | undefined> {
  if (!config.kubeconfig.trim()) return undefined;
  maskKubeconfig(config.kubeconfig);
  const dir = process.env.RUNNER_TEMP || tmpdir();
  const path = join(dir, `ml-gate-kubeconfig-${randomBytes(6).toString('hex')}`);
  await writeFile(path, config.kubeconfig, { mode: 0o600 });
  return path;
}

function makeLedger(config: Config, kubectl: Kubectl): Ledger {
  if (config.ledger === 'configmap') return new ConfigMapLedger(kubectl, config.ledgerConfigMap, config.environment);
  return new GitHubDeploymentsLedger({
    token: config.token,
    repository: process.env.GITHUB_REPOSITORY ?? '',
    environment: config.environment,
    defaultRef: process.env.GITHUB_SHA || config.commit,
  });
}

function makeTarget(config: Config, kubectl: Kubectl): Target {
  if (config.target === 'command') return new CommandTarget(config.command, config.environment, (line) => core.info(line));
  return new KubernetesTarget(kubectl, {
    deployment: config.deployment,
    container: config.container,
    imageRepository: config.image,
    rolloutTimeoutSeconds: config.rolloutTimeoutSeconds,
  });
}

function ledgerInfo(ledger: Ledger, events: LedgerEvent[]): NonNullable<RollbackReport['ledger']> {
  return { kind: ledger.kind, location: ledger.location, events, entryWritten: false };
}

async function record(config: Config, ledger: Ledger, report: RollbackReport): Promise<void> {
  const events = await ledger.read();
  report.ledger = ledgerInfo(ledger, events);
  report.version = config.version;
  const plan = planRecord(events, { version: config.version, verified: config.verified });
  report.warnings.push(...plan.warnings);
  for (const w of plan.warnings) core.warning(w, { title: TITLE });
  if (plan.action === 'none') {
    report.status = 'no-op';
    report.explanation = plan.explanation;
    return;
  }
  if (plan.action === 'verify') {
    report.ledger.entry = { ...plan.release, verified: true };
    if (config.dryRun) {
      report.status = 'dry-run';
      report.explanation = `Dry run: ${plan.explanation.replace(/it is now marked/, 'it would be marked')} Nothing was written.`;
      return;
    }
    report.ledger.entry = { ...(await ledger.markVerified(plan.release, runUrl())) };
    report.ledger.entryWritten = true;
    report.status = 'recorded';
    report.explanation = plan.explanation;
    return;
  }
  const release: NewRelease = {
    version: config.version,
    ...(config.image ? { image: imageFor(config.image, config.version) } : {}),
    ...(config.model ? { modelSha256: await sha256Files(config.model) } : {}),
    ...(config.commit ? { commit: config.commit } : {}),
    at: new Date().toISOString(),
    ...(runUrl() ? { runUrl: runUrl() } : {}),
    verified: config.verified,
  };
  report.ledger.entry = { type: 'release', ...release };
  if (config.dryRun) {
    report.status = 'dry-run';
    report.explanation = `Dry run: ${config.version} would be recorded${config.verified ? ' as verified' : ''} in ${ledger.location}. Nothing was written.`;
    return;
  }
  report.ledger.entry = { ...(await ledger.addRelease(release)) };
  report.ledger.entryWritten = true;
  report.status = 'recorded';
  report.explanation = `${plan.explanation} Ledger: ${ledger.location}.`;
}

async function rollback(config: Config, ledger: Ledger, target: Target, report: RollbackReport): Promise<void> {
  const events = await ledger.read();
  report.ledger = ledgerInfo(ledger, events);
  const reading = await target.live();
  // a command target cannot be asked: the ledger says what serves, unless its last rollback failed
  const live = reading
    ? resolveLive(events, reading.aliases, reading.source)
    : (liveFromLedger(events, {
        version: config.version,
        expectedCurrent: config.expectedCurrent,
        location: ledger.location,
        source: `the ledger's last entry (${target.kind} targets cannot be asked)`,
      }) ?? { version: '(unknown)', aliases: [], source: 'the ledger is empty' });
  report.live = live;
  report.version = live.aliases.length ? live.version : null;
  report.target = { kind: target.kind, description: target.description, commands: [], ran: false };

  const plan = planRollback(events, { live, expectedCurrent: config.expectedCurrent, version: config.version, location: ledger.location });
  report.skipped = plan.skipped;
  report.explanation = plan.explanation;
  if (plan.action === 'none') {
    report.status = 'no-op';
    report.fromVersion = plan.live;
    return;
  }
  const to = plan.to;
  report.fromVersion = plan.from;
  report.toVersion = to.version;
  report.target.commands = target.plan(to, plan.from);
  const entry = (outcome: NewRollback['outcome'], detail?: string): NewRollback => ({
    from: plan.from,
    to: to.version,
    reason: config.reason || '(no reason given)',
    trigger: config.trigger || 'unknown',
    at: new Date().toISOString(),
    ...(runUrl() ? { runUrl: runUrl() } : {}),
    outcome,
    ...(detail ? { detail } : {}),
  });
  if (config.dryRun) {
    report.status = 'dry-run';
    report.ledger.entry = { type: 'rollback', ...entry('succeeded') };
    report.explanation = `Dry run: ${plan.explanation} Nothing was changed; the commands and the ledger entry below are what a real run would do.`;
    return;
  }

  core.info(plan.explanation);
  report.target.ran = true;
  try {
    await target.apply(to, plan.from);
  } catch (e) {
    report.status = 'failed';
    if (e instanceof TargetFailure && e.changed) {
      report.version = to.version;
      try {
        report.ledger.entry = { ...(await ledger.addRollback(entry('failed', e.message))) };
        report.ledger.entryWritten = true;
      } catch (le) {
        report.warnings.push(`The failed rollback could not be recorded in the ledger: ${le instanceof Error ? le.message : String(le)}`);
      }
    }
    throw e;
  }
  report.status = 'rolled-back';
  report.rolledBack = true;
  report.version = to.version;
  try {
    report.ledger.entry = { ...(await ledger.addRollback(entry('succeeded'))) };
    report.ledger.entryWritten = true;
  } catch (e) {
    report.status = 'failed';
    throw new UserError(
      `${target.description} now runs ${to.version}, but the rollback could not be recorded in the ledger: ${e instanceof UserError ? e.describe() : String(e)} ` +
        `Record it by hand, or ${plan.from} is not known to be bad.`,
      { input: e instanceof UserError ? e.input : undefined },
    );
  }
}

export async function run(): Promise<void> {
  const report = newReport();
  let kubeconfig: string | undefined;
  await runReportedAction({
    title: TITLE,
    reportPath: readReportPath(),
    report,
    body: async () => {
      try {
        const config = readConfig();
        if (config.token) core.setSecret(config.token);
        report.mode = config.mode;
        report.environment = config.environment;
        report.dryRun = config.dryRun;
        report.request = {
          ...(config.version ? { version: config.version } : {}),
          ...(config.mode === 'rollback'
            ? { reason: config.reason || '(no reason given)', trigger: config.trigger, ...(config.expectedCurrent ? { expectedCurrent: config.expectedCurrent } : {}) }
            : {}),
        };
        kubeconfig = await writeKubeconfig(config);
        const kubectl = new Kubectl({
          kubeconfig,
          context: config.context,
          namespace: config.namespace,
          log: (line) => core.info(`$ ${line}`),
        });
        const ledger = makeLedger(config, kubectl);
        if (config.mode === 'record') await record(config, ledger, report);
        else await rollback(config, ledger, makeTarget(config, kubectl), report);
      } finally {
        if (kubeconfig) await rm(kubeconfig, { force: true });
      }
    },
    recordError: (r, message) => {
      // a rollout that failed after the change keeps status failed, with what happened before the error
      if (r.status !== 'failed') r.status = 'error';
      r.explanation = r.status === 'failed' && r.explanation !== 'The action did not run.' ? `${r.explanation} ${message}` : message;
    },
    outputs: (r) => ({
      status: r.status,
      'from-version': r.fromVersion ?? '',
      'to-version': r.toVersion ?? '',
      'rolled-back': String(r.rolledBack),
      version: r.version ?? '',
    }),
    markdown: renderRollbackMarkdown,
    verdict: (r) => core.info(`${r.status.toUpperCase()}: ${r.explanation}`),
  });
}
