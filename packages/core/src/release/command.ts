/**
 * The command target: a user's command (a script, a helm call...) run without a shell, with the
 * version to put in place in environment variables. Its arguments are fixed by the workflow
 * author; nothing from the ledger or the event is spliced into them.
 */
import { spawn } from 'node:child_process';

import { inputValue, messageOf, parseError, parsed, UserError, type ParseResult } from '../errors.js';
import type { ReleaseEvent } from './ledger.js';
import { shellQuote } from './kubectl.js';
import { TargetFailure, type Target } from './target.js';

/**
 * Splits a command line into words (pure): whitespace separates, '...' and "..." group (no
 * escapes inside '...', \" and \\ inside "..."), nothing else is special: no variables, globs,
 * pipes or redirections, because no shell runs it.
 */
export function splitCommandLine(line: string): ParseResult<string[]> {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote === "'") {
      if (ch === "'") quote = undefined;
      else word += ch;
    } else if (quote === '"') {
      if (ch === '"') quote = undefined;
      else if (ch === '\\' && (line[i + 1] === '"' || line[i + 1] === '\\')) word += line[++i];
      else word += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (quote) return parseError(`it has an unterminated ${quote} quote`);
  if (inWord) words.push(word);
  return parsed(words);
}

/** The environment the command sees, beyond the step's own. */
export function commandEnvironment(to: ReleaseEvent, from: string, environment: string): Record<string, string> {
  return {
    ML_GATE_VERSION: to.version,
    ML_GATE_FROM_VERSION: from,
    ML_GATE_IMAGE: to.image ?? '',
    ML_GATE_MODEL_SHA256: to.modelSha256 ?? '',
    ML_GATE_COMMIT: to.commit ?? '',
    ML_GATE_ENVIRONMENT: environment,
  };
}

export class CommandTarget implements Target {
  readonly kind = 'command' as const;
  readonly description: string;
  private readonly argv: string[];

  constructor(
    commandLine: string,
    private readonly environment: string,
    private readonly log: (line: string) => void = () => {},
  ) {
    this.argv = inputValue('command', splitCommandLine(commandLine), { shown: commandLine });
    if (this.argv.length === 0)
      throw new UserError('Input command is empty; target command needs the command that deploys a version.', { input: 'command' });
    this.description = `command ${this.argv.map(shellQuote).join(' ')}`;
  }

  live(): Promise<undefined> {
    return Promise.resolve(undefined);
  }

  plan(to: ReleaseEvent, from: string): string[] {
    const env = Object.entries(commandEnvironment(to, from, this.environment))
      .filter(([, v]) => v !== '')
      .map(([k, v]) => `${k}=${shellQuote(v)}`);
    return [[...env, ...this.argv.map(shellQuote)].join(' ')];
  }

  apply(to: ReleaseEvent, from: string): Promise<void> {
    const [file, ...args] = this.argv;
    return new Promise((resolve, reject) => {
      const child = spawn(file, args, {
        env: { ...process.env, ...commandEnvironment(to, from, this.environment) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let tail = '';
      const take = (b: Buffer) => {
        const text = b.toString('utf8');
        tail = (tail + text).slice(-2000);
        for (const line of text.split(/\r?\n/)) if (line) this.log(line);
      };
      child.stdout.on('data', take);
      child.stderr.on('data', take);
      child.once('error', (e: NodeJS.ErrnoException) =>
        reject(
          new TargetFailure(
            `Input command could not be started: ${e.code === 'ENOENT' ? `'${file}' was not found` : messageOf(e)}. Nothing was changed.`,
            false,
            {
              input: 'command',
            },
          ),
        ),
      );
      child.once('close', (code, signal) => {
        if (code === 0) return resolve();
        const last = tail.trim().split(/\r?\n/).slice(-3).join(' ');
        reject(
          new TargetFailure(
            `The command that deploys ${to.version} failed (${signal ? `signal ${signal}` : `exit code ${code}`})${last ? `: ${last}` : ''}. What it changed is unknown; it was not run again for ${from}.`,
            true,
            { input: 'command' },
          ),
        );
      });
    });
  }
}
