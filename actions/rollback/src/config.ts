import { badInputValue, UserError } from '@ml-gate/core';
import { booleanInput, choiceInput, durationInput, stringInput } from '@ml-gate/core/github';
import { checkModelFile, isValidVersion, parseImage, type ReleaseConfig } from '@ml-gate/core/release';

/** The inputs of action.yml, parsed once and validated. */
export type Config = ReleaseConfig;

type Mode = Config['mode'];

/** The report path first, so that a bad value elsewhere still gets its report written. */
export function readReportPath(): string {
  return stringInput('report') || 'rollback_report.json';
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

function refuse(name: string, value: string, expected: string): never {
  throw badInputValue(name, value, expected);
}

function matching(name: string, value: string, pattern: RegExp, what: string): string {
  if (value !== '' && !pattern.test(value)) refuse(name, value, what);
  return value;
}

function versionInput(name: string): string {
  const v = stringInput(name).trim();
  if (v !== '' && !isValidVersion(v))
    refuse(name, v, "an image tag (letters, digits, '.', '_', '-'; at most 128) or a digest sha256:<64 hex digits>");
  return v;
}

/** A ConfigMap key is <environment>.json; GitHub allows 255 characters. */
function environmentInput(ledger: Config['ledger']): string {
  const environment = stringInput('environment', { required: true }).trim();
  if (ledger === 'configmap') {
    matching(
      'environment',
      environment,
      /^[A-Za-z0-9._-]{1,200}$/,
      "letters, digits, '.', '_' and '-' (it names the ConfigMap key <environment>.json)",
    );
  } else if (environment.length > 255) {
    throw new UserError(`Input environment is ${environment.length} characters long; GitHub allows 255.`, { input: 'environment' });
  }
  return environment;
}

function imageInput(): string {
  const image = stringInput('image').trim();
  if (image === '') return image;
  const ref = parseImage(image);
  if (ref.tag || ref.digest || !/^[a-z0-9]/.test(ref.repository)) {
    refuse('image', image, 'an image repository without tag or digest (e.g. ghcr.io/org/model-server)');
  }
  return image;
}

/** The promoted model file (record only: its SHA-256 goes into the ledger), checked now rather than failing mid-record. */
async function modelInput(mode: Mode): Promise<string> {
  const model = stringInput('model').trim();
  if (mode === 'record' && model !== '') await checkModelFile(model);
  return model;
}

/** A duration input in seconds, from 1 s to `max` (its words: '6h'). */
function secondsInput(name: string, fallback: string, max: { seconds: number; words: string }): number {
  const expected = `a duration from 1s to ${max.words} such as 90s, 5m or 1h (a plain number is seconds)`;
  return durationInput(name, fallback, { minMs: 1000, maxMs: max.seconds * 1000, expected }) / 1000;
}

/** What a rollback changes: the deployment (target kubernetes) or the command (target command), the one the target needs required. */
function targetInputs(mode: Mode, target: Config['target']): { deployment: string; command: string } {
  const deployment = matching(
    'deployment',
    stringInput('deployment').trim(),
    DNS_SUBDOMAIN,
    'a Kubernetes deployment name (lower-case letters, digits, - and .)',
  );
  const command = stringInput('command').trim();
  if (mode === 'rollback' && target === 'kubernetes' && deployment === '') {
    throw new UserError('Input deployment is required with target: kubernetes (the deployment that serves the model).', {
      input: 'deployment',
    });
  }
  if (mode === 'rollback' && target === 'command' && command === '') {
    throw new UserError('Input command is required with target: command (the command that deploys the version in $ML_GATE_VERSION).', {
      input: 'command',
    });
  }
  return { deployment, command };
}

function recordedVersionInput(mode: Mode): string {
  const version = versionInput('version');
  if (mode === 'record' && version === '') {
    throw new UserError('Input version is required with mode: record (the image tag or digest that was promoted).', { input: 'version' });
  }
  return version;
}

/** The inputs in the order they are checked: the first bad one is the one reported. */
export async function readConfig(env: NodeJS.ProcessEnv = process.env): Promise<Config> {
  const mode = choiceInput('mode', ['record', 'rollback'] as const, stringInput('mode', { required: true }) as Mode);
  const ledger = choiceInput('ledger', ['github-deployments', 'configmap'] as const, 'github-deployments');
  const target = choiceInput('target', ['kubernetes', 'command'] as const, 'kubernetes');
  const environment = environmentInput(ledger);
  const version = recordedVersionInput(mode);
  const expectedCurrent = versionInput('expected-current');
  const image = imageInput();
  const model = await modelInput(mode);
  const rolloutTimeoutSeconds = secondsInput('rollout-timeout', '5m', { seconds: 6 * 3600, words: '6h' });
  const { deployment, command } = targetInputs(mode, target);
  const commit = matching(
    'commit',
    stringInput('commit').trim() || env.GITHUB_SHA || '',
    /^[A-Za-z0-9._/-]{1,255}$/,
    'a commit SHA or ref',
  );
  return {
    mode,
    environment,
    version,
    expectedCurrent,
    reason: stringInput('reason').trim(),
    trigger:
      stringInput('trigger').trim() || [env.GITHUB_EVENT_NAME, env.GITHUB_ACTOR ? `by ${env.GITHUB_ACTOR}` : ''].filter(Boolean).join(' '),
    verified: booleanInput('verified', true),
    image,
    model,
    commit,
    ledger,
    ledgerConfigMap: matching(
      'ledger-configmap',
      stringInput('ledger-configmap').trim() || 'ml-gate-releases',
      DNS_SUBDOMAIN,
      'a ConfigMap name (lower-case letters, digits, - and .)',
    ),
    ledgerTimeoutSeconds: secondsInput('ledger-timeout', '60s', { seconds: 3600, words: '1h' }),
    target,
    deployment,
    container: matching('container', stringInput('container').trim(), DNS_LABEL, 'a container name (lower-case letters, digits and -)'),
    namespace: matching('namespace', stringInput('namespace').trim(), DNS_LABEL, 'a namespace name (lower-case letters, digits and -)'),
    context: stringInput('context').trim(),
    kubeconfig: stringInput('kubeconfig'),
    rolloutTimeoutSeconds,
    command,
    dryRun: booleanInput('dry-run', false),
    token: stringInput('github-token'),
  };
}
