import { isAbsolute, relative } from 'node:path';
import * as core from '@actions/core';

import { UserError, messageOf } from '../errors.js';

/** The file an annotation points at: repository-relative, an .npz member's archive. */
export function annotationFile(file: string | undefined, workspace = process.env.GITHUB_WORKSPACE): string | undefined {
  if (!file) return undefined;
  const path = file.replace(/:[^:/\\]+\.npy$/, '');
  if (workspace && isAbsolute(path)) {
    const rel = relative(workspace, path);
    return rel.startsWith('..') || isAbsolute(rel) ? path : rel.split('\\').join('/');
  }
  return path;
}

/**
 * The message of a UserError's annotation: it names the input at fault — "Input NAME ...",
 * "NAME: ...", "NAME file ..." — or gets "(input NAME)" at its end.
 */
export function annotationMessage(e: UserError): string {
  const text = e.describe();
  const input = e.input;
  if (!input) return text;
  const named =
    text.startsWith(`${input} `) ||
    [`nput ${input}`, `nputs ${input}`, `${input}: `, `input ${input})`].some((form) => text.includes(form));
  return named ? text : `${text} (input ${input})`;
}

/**
 * Runs an action's body the way every action here ends: a UserError becomes one error
 * annotation (on its file when it names one) and exit code 1, without a stack trace; any other
 * error is a bug, reported with its stack in the debug log.
 */
export async function runAction(title: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (e) {
    process.exitCode = 1;
    if (e instanceof UserError) {
      core.error(annotationMessage(e), { title, file: annotationFile(e.file) });
      return;
    }
    core.debug((e instanceof Error && e.stack) || messageOf(e));
    core.error(`Internal error in ${title}: ${messageOf(e)}. Please report it with the debug log (ACTIONS_STEP_DEBUG=true).`, { title });
  }
}
