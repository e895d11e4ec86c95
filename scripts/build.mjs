// Type-checks and compiles packages/core and every action (TypeScript project references);
// the actions' bundles are then built from packages/core/dist by ncc (npm run bundle).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

const projects = ['packages/core', ...readdirSync('actions').map((a) => `actions/${a}`)].filter((p) => existsSync(`${p}/tsconfig.json`));
const tsc = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-b', ...projects], { stdio: 'inherit' });
process.exit(tsc.status ?? 1);
