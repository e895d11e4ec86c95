#!/usr/bin/env node
// The release workflow's version step (changesets/action's `version-script`): `changeset version`
// (versions, CHANGELOGs and internal dependency ranges from the change files in .changeset/), then
// package-lock.json brought in line with the new versions, without which `npm ci` refuses the
// "Version packages" pull request.
//
//   node scripts/release-version.mjs
//
// The changeset CLI is run from its JS entry with this Node: its bin.js needs Node 22.11+.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHANGESET = fileURLToPath(new URL('../node_modules/@changesets/cli/dist/index.mjs', import.meta.url));

execFileSync(process.execPath, [CHANGESET, 'version'], { cwd: ROOT, stdio: 'inherit' });
execFileSync('npm', ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund'], {
  cwd: ROOT,
  stdio: 'inherit',
});
