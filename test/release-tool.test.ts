// The release tool driven for real: the `changeset` CLI (@changesets/cli, run with this Node from
// its JS entry) and scripts/release-tags.mjs on a temporary git repository shaped like ours (the root
// package.json's workspaces, the core, two actions, the CLI, our .changeset/config.json and the
// committed first-release change file). Nothing is pushed: the repository has no remote.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changelogSection as section } from '../scripts/release-tags.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
// bin.js calls module.enableCompileCache (Node 22.11+); the entry it imports runs on Node 20 too
const CHANGESET = join(ROOT, 'node_modules/@changesets/cli/dist/index.mjs');
const RELEASE_TAGS = join(ROOT, 'scripts/release-tags.mjs');
const ACTIONS = ['evaluate-baseline', 'rollback'] as const;

let repo: string;

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: repo, encoding: 'utf8' });
}

function changeset(...args: string[]): string {
  try {
    return execFileSync(process.execPath, [CHANGESET, ...args], { cwd: repo, encoding: 'utf8', stdio: 'pipe' });
  } catch (e: any) {
    throw new Error(`changeset ${args.join(' ')} failed:\n${e.stdout}\n${e.stderr}`);
  }
}

function releaseTags(...args: string[]): unknown {
  return JSON.parse(execFileSync(process.execPath, [RELEASE_TAGS, '--root', repo, ...args], { encoding: 'utf8' }));
}

function writeJson(path: string, value: unknown): void {
  mkdirSync(join(repo, path, '..'), { recursive: true });
  writeFileSync(join(repo, path), `${JSON.stringify(value, null, 2)}\n`);
}

function readJson(path: string): any {
  return JSON.parse(readFileSync(join(repo, path), 'utf8'));
}

function read(path: string): string {
  return readFileSync(join(repo, path), 'utf8');
}

/** Versions of the four packages, by folder. */
function versions(): Record<string, string> {
  return {
    core: readJson('packages/core/package.json').version,
    cli: readJson('packages/cli/package.json').version,
    'evaluate-baseline': readJson('actions/evaluate-baseline/package.json').version,
    rollback: readJson('actions/rollback/package.json').version,
  };
}

function commitAll(message: string): void {
  git('add', '-A');
  git('commit', '-q', '-m', message);
}

function writeChangeset(name: string, bumps: Record<string, string>, summary: string): void {
  const header = Object.entries(bumps).map(([pkg, bump]) => `'${pkg}': ${bump}`);
  writeFileSync(join(repo, '.changeset', `${name}.md`), ['---', ...header, '---', '', summary, ''].join('\n'));
  commitAll(`changeset: ${name}`);
}

/** The CHANGELOG section of a package for one version. */
function changelogSection(path: string, version: string): string {
  return section(read(path), version);
}

/** The tags that exist, each with the commit it points at. */
function tagsAt(): Record<string, string> {
  const lines = git('tag', '-l', '--format=%(refname:short) %(*objectname)').trim().split('\n').filter(Boolean);
  return Object.fromEntries(lines.map((l) => l.split(' ') as [string, string]));
}

function makeRepository(): void {
  repo = mkdtempSync(join(tmpdir(), 'ml-gate-release-'));
  // the changelog generator is resolved from the repository's node_modules
  symlinkSync(join(ROOT, 'node_modules'), join(repo, 'node_modules'), 'dir');
  writeFileSync(join(repo, '.gitignore'), 'node_modules\n');
  const rootPackage = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  writeJson('package.json', { name: rootPackage.name, private: true, type: 'module', workspaces: rootPackage.workspaces });
  // how Changesets (@manypkg/get-packages) knows the workspaces are npm's
  writeJson('package-lock.json', { name: rootPackage.name, lockfileVersion: 3, requires: true, packages: {} });
  writeJson('packages/core/package.json', { name: '@ml-gate/core', version: '0.1.0', type: 'module' });
  for (const action of ACTIONS) {
    // an action bundles the core into its committed dist/: any core version of the same major builds it
    writeJson(`actions/${action}/package.json`, {
      name: `@ml-gate/${action}`,
      version: '0.1.0',
      private: true,
      dependencies: { '@ml-gate/core': '^0.1.0' },
    });
  }
  // the CLI is built from the core and the actions at publish time: it pins what it was built from
  writeJson('packages/cli/package.json', {
    name: '@ml-gate/cli',
    version: '0.1.0',
    dependencies: { '@ml-gate/core': '0.1.0', '@ml-gate/evaluate-baseline': '0.1.0', '@ml-gate/rollback': '0.1.0' },
  });
  mkdirSync(join(repo, '.changeset'));
  copyFileSync(join(ROOT, '.changeset/config.json'), join(repo, '.changeset/config.json'));
  // our first-release change file, restricted to the packages this repository has
  const firstRelease = readFileSync(join(ROOT, '.changeset/first-release.md'), 'utf8')
    .split('\n')
    .filter((l) => !/^'@ml-gate\/(validate-onnx|smoke-test)'/.test(l))
    .join('\n');
  writeFileSync(join(repo, '.changeset/first-release.md'), firstRelease);
  git('init', '-q', '-b', 'main');
  git('config', 'user.name', 'Release Test');
  git('config', 'user.email', 'release-test@example.invalid');
  git('config', 'tag.gpgSign', 'false');
  git('config', 'commit.gpgSign', 'false');
  commitAll('initial');
}

describe('releases with Changesets and scripts/release-tags.mjs (temporary repository)', () => {
  beforeAll(makeRepository);
  afterAll(() => rmSync(repo, { recursive: true, force: true }));

  it('nothing is tagged while every package is at 0.x', () => {
    expect(releaseTags()).toEqual([]);
  });

  it('the first release: every package 0.1.0 -> 1.0.0, each action tagged v1.0.0 and v1', () => {
    changeset('version');
    expect(versions()).toEqual({ core: '1.0.0', cli: '1.0.0', 'evaluate-baseline': '1.0.0', rollback: '1.0.0' });
    // the ranges follow the new versions, each keeping its kind (caret for actions, exact for the CLI)
    expect(readJson('actions/rollback/package.json').dependencies).toEqual({ '@ml-gate/core': '^1.0.0' });
    expect(readJson('packages/cli/package.json').dependencies['@ml-gate/core']).toBe('1.0.0');
    expect(read('actions/rollback/CHANGELOG.md')).toMatch(
      /^# @ml-gate\/rollback\n\n## 1\.0\.0\n\n### Major Changes\n\n- [0-9a-f]{7}: First release\./,
    );
    commitAll('Version packages');
    const head = git('rev-parse', 'HEAD').trim();

    expect(releaseTags('--apply')).toEqual([
      {
        action: 'evaluate-baseline',
        version: '1.0.0',
        tag: 'evaluate-baseline/v1.0.0',
        majorTag: 'evaluate-baseline/v1',
        prerelease: false,
      },
      { action: 'rollback', version: '1.0.0', tag: 'rollback/v1.0.0', majorTag: 'rollback/v1', prerelease: false },
    ]);
    expect(tagsAt()).toEqual({
      'evaluate-baseline/v1': head,
      'evaluate-baseline/v1.0.0': head,
      'rollback/v1': head,
      'rollback/v1.0.0': head,
    });
    // tagged already: a second run plans nothing
    expect(releaseTags()).toEqual([]);
  });

  it('(a) a change file for one action bumps exactly that action (and the CLI that bundles it)', () => {
    const before = tagsAt();
    writeChangeset('fix-rollback', { '@ml-gate/rollback': 'patch' }, 'Rollback waits for the rollout.');
    changeset('version');
    expect(versions()).toEqual({ core: '1.0.0', cli: '1.0.1', 'evaluate-baseline': '1.0.0', rollback: '1.0.1' });
    expect(changelogSection('actions/rollback/CHANGELOG.md', '1.0.1')).toMatch(
      /^### Patch Changes\n\n- [0-9a-f]{7}: Rollback waits for the rollout\.$/,
    );
    // the CLI pins the action it was built from: out of range, so it is released with the fix
    expect(changelogSection('packages/cli/CHANGELOG.md', '1.0.1')).toContain('@ml-gate/rollback@1.0.1');
    expect(read('actions/evaluate-baseline/CHANGELOG.md')).not.toContain('1.0.1');
    commitAll('Version packages');
    const head = git('rev-parse', 'HEAD').trim();

    expect(releaseTags('--apply')).toEqual([
      { action: 'rollback', version: '1.0.1', tag: 'rollback/v1.0.1', majorTag: 'rollback/v1', prerelease: false },
    ]);
    expect(tagsAt()).toEqual({ ...before, 'rollback/v1': head, 'rollback/v1.0.1': head });
  });

  it('(b) a change file for the core bumps the core and the CLI, not the actions whose dist/ it did not change', () => {
    const before = tagsAt();
    writeChangeset('core-minor', { '@ml-gate/core': 'minor' }, 'Core reads .npz files with big-endian arrays.');
    changeset('version');
    // The actions' ^1.0.0 still holds 1.1.0, so Changesets leaves them alone: an action ships its
    // committed dist/, and one whose dist/ did not change has nothing new to release. The author of
    // a core change names the actions whose dist/ it changes in the change file (docs/releasing.md).
    // The CLI pins the exact core (it is built from it at publish time), so it follows the core.
    expect(versions()).toEqual({ core: '1.1.0', cli: '1.0.2', 'evaluate-baseline': '1.0.0', rollback: '1.0.1' });
    expect(readJson('actions/rollback/package.json').dependencies).toEqual({ '@ml-gate/core': '^1.0.0' });
    expect(readJson('packages/cli/package.json').dependencies['@ml-gate/core']).toBe('1.1.0');
    expect(changelogSection('packages/core/CHANGELOG.md', '1.1.0')).toMatch(/^### Minor Changes\n\n- [0-9a-f]{7}: Core reads/);
    commitAll('Version packages');
    expect(releaseTags('--apply')).toEqual([]);
    expect(tagsAt()).toEqual(before);

    // the same change, naming the action whose dist/ it changed: that action is released too
    writeChangeset('core-and-action', { '@ml-gate/core': 'patch', '@ml-gate/evaluate-baseline': 'patch' }, 'Faster scoring.');
    changeset('version');
    expect(versions()).toEqual({ core: '1.1.1', cli: '1.0.3', 'evaluate-baseline': '1.0.1', rollback: '1.0.1' });
    // a package released anyway gets its range raised to what it was built with (updateInternalDependencies: patch)
    expect(readJson('actions/evaluate-baseline/package.json').dependencies).toEqual({ '@ml-gate/core': '^1.1.1' });
    commitAll('Version packages');
    expect(releaseTags('--apply')).toEqual([
      {
        action: 'evaluate-baseline',
        version: '1.0.1',
        tag: 'evaluate-baseline/v1.0.1',
        majorTag: 'evaluate-baseline/v1',
        prerelease: false,
      },
    ]);
    expect(Object.keys(tagsAt()).sort()).toEqual([...Object.keys(before), 'evaluate-baseline/v1.0.1'].sort());
  });

  it('a major bump of the core releases every action: their ranges no longer hold it', () => {
    writeChangeset('core-major', { '@ml-gate/core': 'major' }, 'Report schema ml-gate/evaluate-baseline/v2.');
    changeset('version');
    expect(versions()).toMatchObject({ core: '2.0.0', 'evaluate-baseline': '1.0.2', rollback: '1.0.2' });
    expect(readJson('actions/rollback/package.json').dependencies).toEqual({ '@ml-gate/core': '^2.0.0' });
  });

  it('notes: the CHANGELOG section of an action version, the body of its GitHub release', () => {
    const out = execFileSync(process.execPath, [RELEASE_TAGS, 'notes', 'rollback', '1.0.1', '--root', repo], { encoding: 'utf8' });
    expect(out).toMatch(/^### Patch Changes\n\n- [0-9a-f]{7}: Rollback waits for the rollout\.\n$/);
  });
});
