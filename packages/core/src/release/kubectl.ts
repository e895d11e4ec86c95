/**
 * Runs the kubectl binary: arguments as an array (never a shell string), the connection flags
 * (--kubeconfig, --context, --namespace) in front, stdin for documents, and a UserError that
 * says what failed and what kubectl said.
 */
import { spawn } from 'node:child_process';

import { messageOf, UserError } from '../errors.js';

export interface KubectlOptions {
  /** The executable, looked up on PATH when it has no slash. Default: kubectl. */
  binary?: string;
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  env?: NodeJS.ProcessEnv;
  /** Called with each command line before it runs. */
  log?: (commandLine: string) => void;
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A word as a POSIX shell would need it quoted, for showing command lines (never for running them). */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export class Kubectl {
  readonly binary: string;

  constructor(readonly options: KubectlOptions = {}) {
    this.binary = options.binary || 'kubectl';
  }

  /** The full argument list: connection flags, then the command's own. */
  argv(args: readonly string[]): string[] {
    const o = this.options;
    return [
      ...(o.kubeconfig ? ['--kubeconfig', o.kubeconfig] : []),
      ...(o.context ? ['--context', o.context] : []),
      ...(o.namespace ? ['--namespace', o.namespace] : []),
      ...args,
    ];
  }

  /** The command line as a person would type it (for logs, dry runs and the report). */
  commandLine(args: readonly string[]): string {
    return ['kubectl', ...this.argv(args)].map(shellQuote).join(' ');
  }

  /** Runs kubectl; a non-zero exit is returned, not thrown. A missing binary is a UserError. */
  run(args: readonly string[], options: { input?: string } = {}): Promise<KubectlResult> {
    this.options.log?.(this.commandLine(args));
    return new Promise((resolve, reject) => {
      const child = spawn(this.binary, this.argv(args), { env: this.options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.stderr.on('data', (b: Buffer) => err.push(b));
      child.stdin.on('error', () => {}); // kubectl may exit before reading stdin; its exit code tells
      child.once('error', (e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT') {
          reject(
            new UserError(`kubectl was not found (looked for '${this.binary}' on PATH).`, {
              hint: "Install kubectl on the runner (GitHub's Ubuntu runners have it; on Debian: apt-get install kubernetes-client), or use target: command.",
            }),
          );
        } else reject(new UserError(`kubectl could not be started: ${messageOf(e)}.`));
      });
      child.once('close', (code) =>
        resolve({ code: code ?? 1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }),
      );
      child.stdin.end(options.input ?? '');
    });
  }
}

/** kubectl's own explanation of a failure: its last non-empty stderr lines. */
export function kubectlMessage(r: KubectlResult): string {
  const lines = r.stderr
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.slice(-3).join(' ') || r.stdout.trim().split(/\r?\n/).slice(-1)[0] || '(no message)';
}

/** True when kubectl failed because the object does not exist. */
export function isNotFound(r: KubectlResult): boolean {
  return r.code !== 0 && /\(NotFound\)/.test(r.stderr);
}

/** True when a write lost an optimistic-concurrency race (resourceVersion changed). */
export function isConflict(r: KubectlResult): boolean {
  return r.code !== 0 && /\((Conflict|AlreadyExists)\)/.test(r.stderr);
}
