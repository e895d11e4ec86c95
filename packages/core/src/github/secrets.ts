import * as core from '@actions/core';

import { registerSecret } from '../util/secrets.js';

/**
 * Masks `value` in the log (the runner's add-mask) and registers it for the redaction of every
 * file the action writes (util/secrets.ts). Every secret goes through here, never core.setSecret
 * alone. Multi-line values are masked line by line, as the runner matches a log line at a time.
 */
export function maskSecret(value: string): void {
  if (!value) return;
  core.setSecret(value);
  for (const line of value.split(/\r?\n/)) if (line && line !== value) core.setSecret(line);
  registerSecret(value);
}
