// Rebuilds every action's bundle and fails if actions/*/dist differs from what is committed:
// the runner executes dist/, so a stale bundle means users run code nobody reviewed.
import { execFileSync, spawnSync } from 'node:child_process';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const build = spawnSync(npm, ['run', 'bundle'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const git = (...args) => execFileSync('git', args, { encoding: 'utf8' });
// every changed or new file under an action's dist/ (a plain 'actions/*/dist' pathspec would not
// match the files inside those folders)
const changed = git('status', '--porcelain', '--untracked-files=all', '--', 'actions')
  .split('\n')
  .filter((line) => /^.. actions\/[^/]+\/dist\//.test(line))
  .join('\n');
if (changed) {
  console.error('dist/ is stale: rebuild with `npm run bundle` and commit the result.\n' + changed);
  console.error(git('diff', '--stat', '--', ':(glob)actions/*/dist/**'));
  process.exit(1);
}
console.log('dist/ matches its sources.');
