// Checks every actions/*/action.yml against action-validator's schema. @action-validator/core 0.6.0
// (the latest) allows runs.using node12/16/20 only, so node24 is checked as node20.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateAction } from '@action-validator/core';

const root = fileURLToPath(new URL('..', import.meta.url));
const files = readdirSync(join(root, 'actions'))
  .map((n) => join('actions', n, 'action.yml'))
  .filter((f) => existsSync(join(root, f)));
let failed = 0;
for (const file of files) {
  const text = readFileSync(join(root, file), 'utf8').replace(/^(\s*using:\s*['"]?)node24\b/m, '$1node20');
  const { errors } = validateAction(text);
  if (errors.length > 0) {
    failed++;
    console.error(`${file}:\n${JSON.stringify(errors, null, 2)}`);
  }
}
console.log(`action-validator: ${files.length} action.yml file(s), ${failed} with errors`);
process.exit(failed > 0 || files.length === 0 ? 1 : 0);
