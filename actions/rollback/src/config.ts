import { existsSync, statSync } from 'node:fs';
import { UserError } from '@ml-gate/core';
import { booleanInput, choiceInput, stringInput } from '@ml-gate/core/github';
import { parseDuration } from '@ml-gate/core';
import { isValidVersion, parseImage } from '@ml-gate/core/release';
import type { LedgerKind } from '@ml-gate/core/release';

/** The inputs of action.yml, parsed once and validated. */
export interface Config {
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
  reportPath: string;
  token: string;
}

/** The report path first, so that a bad value elsewhere still gets its report written. */
export function readReportPath(): string {
  return stringInput('report') || 'rollback_report.json';
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

function matching(name: string, value: string, pattern: RegExp, what: string): string {
  if (value !== '' && !pattern.test(value)) throw new UserError(`Input ${name} is '${value}'; expected ${what}.`, { input: name });
  return value;
}

function versionInput(name: string): string {
  const v = stringInput(name).trim();
  if (v !== '' && !isValidVersion(v)) {
    throw new UserError(`Input ${name} is '${v}'; expected an image tag (letters, digits, '.', '_', '-'; at most 128) or a digest sha256:<64 hex digits>.`, { input: name });
  }
  return v;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const modeRaw = stringInput('mode', { required: true });
  const mode = choiceInput('mode', ['record', 'rollback'] as const, modeRaw as 'record');
  const ledger = choiceInput('ledger', ['github-deployments', 'configmap'] as const, 'github-deployments');
  const target = choiceInput('target', ['kubernetes', 'command'] as const, 'kubernetes');

  const environment = stringInput('environment', { required: true }).trim();
  if (ledger === 'configmap') {
    matching('environment', environment, /^[A-Za-z0-9._-]{1,200}$/, "letters, digits, '.', '_' and '-' (it names the ConfigMap key <environment>.json)");
  } else if (environment.length > 255) {
    throw new UserError(`Input environment is ${environment.length} characters long; GitHub allows 255.`, { input: 'environment' });
  }

  const version = versionInput('version');
  if (mode === 'record' && version === '') {
    throw new UserError('Input version is required with mode: record (the image tag or digest that was promoted).', { input: 'version' });
  }
  const expectedCurrent = versionInput('expected-current');

  const image = stringInput('image').trim();
  if (image !== '') {
    const ref = parseImage(image);
    if (ref.tag || ref.digest || !/^[a-z0-9]/.test(ref.repository)) {
      throw new UserError(`Input image is '${image}'; expected an image repository without tag or digest (e.g. ghcr.io/org/model-server).`, { input: 'image' });
    }
  }

  const model = stringInput('model').trim();
  if (mode === 'record' && model !== '') {
    if (!existsSync(model)) throw new UserError(`Input model is '${model}', which does not exist.`, { input: 'model', file: model });
    if (!statSync(model).isFile()) {
      throw new UserError(`Input model is '${model}', which is not a file.`, { input: 'model', file: model, hint: 'Give the path of the promoted model file (e.g. model.onnx), not its folder.' });
    }
  }

  const timeoutRaw = stringInput('rollout-timeout').trim() || '5m';
  const timeoutMs = parseDuration(timeoutRaw);
  const rolloutTimeoutSeconds = timeoutMs === undefined ? undefined : timeoutMs / 1000;
  if (rolloutTimeoutSeconds === undefined || rolloutTimeoutSeconds < 1 || rolloutTimeoutSeconds > 6 * 3600) {
    throw new UserError(`Input rollout-timeout is '${timeoutRaw}'; expected a duration from 1s to 6h such as 90s, 5m or 1h (a plain number is seconds).`, {
      input: 'rollout-timeout',
    });
  }

  const deployment = matching('deployment', stringInput('deployment').trim(), DNS_SUBDOMAIN, 'a Kubernetes deployment name (lower-case letters, digits, - and .)');
  const command = stringInput('command').trim();
  if (mode === 'rollback' && target === 'kubernetes' && deployment === '') {
    throw new UserError('Input deployment is required with target: kubernetes (the deployment that serves the model).', { input: 'deployment' });
  }
  if (mode === 'rollback' && target === 'command' && command === '') {
    throw new UserError('Input command is required with target: command (the command that deploys the version in $ML_GATE_VERSION).', { input: 'command' });
  }

  const commit = stringInput('commit').trim() || env.GITHUB_SHA || '';
  matching('commit', commit, /^[A-Za-z0-9._/-]{1,255}$/, 'a commit SHA or ref');

  return {
    mode,
    environment,
    version,
    expectedCurrent,
    reason: stringInput('reason').trim(),
    trigger: stringInput('trigger').trim() || [env.GITHUB_EVENT_NAME, env.GITHUB_ACTOR ? `by ${env.GITHUB_ACTOR}` : ''].filter(Boolean).join(' '),
    verified: booleanInput('verified', true),
    image,
    model,
    commit,
    ledger,
    ledgerConfigMap: matching('ledger-configmap', stringInput('ledger-configmap').trim() || 'ml-gate-releases', DNS_SUBDOMAIN, 'a ConfigMap name (lower-case letters, digits, - and .)'),
    target,
    deployment,
    container: matching('container', stringInput('container').trim(), DNS_LABEL, 'a container name (lower-case letters, digits and -)'),
    namespace: matching('namespace', stringInput('namespace').trim(), DNS_LABEL, 'a namespace name (lower-case letters, digits and -)'),
    context: stringInput('context').trim(),
    kubeconfig: stringInput('kubeconfig'),
    rolloutTimeoutSeconds,
    command,
    dryRun: booleanInput('dry-run', false),
    reportPath: readReportPath(),
    token: stringInput('github-token'),
  };
}
