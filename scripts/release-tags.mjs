#!/usr/bin/env node
// The git tags that release the actions: for each actions/<name> whose package.json version has no
// `<name>/v<version>` tag yet, that tag and the moving major tag `<name>/v<major>` (not moved for a
// pre-release, nor backwards). Changesets versions the actions (private packages) but does not tag
// them: its `name@version` tags cannot be named in `uses: owner/repo/path@ref` (the runner splits
// the ref at the '@'). See docs/releasing.md.
//
//   node scripts/release-tags.mjs [--root DIR]             print the plan (JSON), change nothing
//   node scripts/release-tags.mjs --apply [--root DIR]     also create the annotated tags at HEAD
//   node scripts/release-tags.mjs notes ACTION VERSION     print ACTION's CHANGELOG section for VERSION
//
// Pushing the tags is the release workflow's job (.github/workflows/release.yml), not this script's.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const VERSION = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

/**
 * Parses a semantic version (MAJOR.MINOR.PATCH, optional -pre-release and +build).
 * Throws on anything else: a tag made from a malformed version would be one nobody can depend on.
 * @param {string} version
 * @returns {{ major: number, minor: number, patch: number, prerelease: string | null }}
 */
export function parseVersion(version) {
  const m = VERSION.exec(version);
  if (!m) throw new Error(`not a semantic version (MAJOR.MINOR.PATCH[-pre]): ${JSON.stringify(version)}`);
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), prerelease: m[4] ?? null };
}

/** Compares two parsed release versions (no pre-releases) by major, minor, patch. */
function compareReleases(a, b) {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

/**
 * The released (non-pre-release) versions of one action among the existing tags `<action>/vX.Y.Z`.
 * @param {string} action
 * @param {readonly string[]} tags
 */
function releasedVersions(action, tags) {
  const prefix = `${action}/v`;
  return tags
    .filter((t) => t.startsWith(prefix))
    .map((t) => VERSION.exec(t.slice(prefix.length)) && parseVersion(t.slice(prefix.length)))
    .filter((v) => v !== null && v.prerelease === null);
}

/**
 * The tags to create for the actions at their current versions, given the tags that exist.
 * An action whose `<action>/v<version>` tag exists is released already and gets nothing, nor does
 * one at 0.x: the first release of each action is 1.0.0 (.changeset/first-release.md). Otherwise
 * it gets that tag, and the moving `<action>/v<major>` unless the version is a pre-release (users of
 * `@<action>/v1` must not get a release candidate) or an earlier version than one already released
 * in that major (a tag made late must not move v1 backwards).
 * @param {readonly { action: string, version: string }[]} actions
 * @param {readonly string[]} existingTags
 * @returns {{ action: string, version: string, tag: string, majorTag: string | null, prerelease: boolean }[]}
 */
export function planReleaseTags(actions, existingTags) {
  const existing = new Set(existingTags);
  const plan = [];
  for (const { action, version } of actions) {
    const parsed = parseVersion(version);
    const tag = `${action}/v${version}`;
    if (existing.has(tag) || parsed.major === 0) continue;
    const prerelease = parsed.prerelease !== null;
    const newest = releasedVersions(action, existingTags)
      .filter((v) => v.major === parsed.major)
      .every((v) => compareReleases(v, parsed) < 0);
    const majorTag = !prerelease && newest ? `${action}/v${parsed.major}` : null;
    plan.push({ action, version, tag, majorTag, prerelease });
  }
  return plan;
}

/**
 * The section of a Changesets CHANGELOG.md for one version: the lines under `## <version>` up to
 * the next `## ` heading, trimmed. It is the body of the action's GitHub release.
 * Throws when the version has no section (the version was set by hand, not by `changeset version`).
 * @param {string} changelog
 * @param {string} version
 */
export function changelogSection(changelog, version) {
  const lines = changelog.split(/\r?\n/);
  const start = lines.findIndex((l) => l.trim() === `## ${version}`);
  if (start < 0) throw new Error(`the changelog has no "## ${version}" section`);
  const rest = lines.slice(start + 1);
  const end = rest.findIndex((l) => /^##\s/.test(l));
  return (end < 0 ? rest : rest.slice(0, end)).join('\n').trim();
}

/**
 * The actions of a checkout (every actions/<name>/package.json) with their versions.
 * @param {string} root
 * @returns {{ action: string, version: string }[]}
 */
export function readActions(root) {
  const dir = join(root, 'actions');
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, 'package.json')))
    .map((e) => ({
      action: e.name,
      version: String(JSON.parse(readFileSync(join(dir, e.name, 'package.json'), 'utf8')).version),
    }))
    .sort((a, b) => a.action.localeCompare(b.action));
}

function git(root, args) {
  return execFileSync('git', args, { cwd: root, encoding: 'utf8' });
}

/**
 * Creates the planned annotated tags at HEAD in the repository at root; a major tag is moved
 * (`git tag -f`). Nothing is pushed.
 * @param {string} root
 * @param {ReturnType<typeof planReleaseTags>} plan
 */
export function applyReleaseTags(root, plan) {
  for (const { action, version, tag, majorTag } of plan) {
    git(root, ['tag', '-a', tag, '-m', `${action} v${version}`]);
    if (majorTag) git(root, ['tag', '-f', '-a', majorTag, '-m', `${action} v${version}`]);
  }
}

function option(args, name) {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function main(args) {
  const root = resolve(option(args, '--root') ?? fileURLToPath(new URL('..', import.meta.url)));
  if (args[0] === 'notes') {
    const [, action, version] = args;
    const changelog = readFileSync(join(root, 'actions', action, 'CHANGELOG.md'), 'utf8');
    process.stdout.write(`${changelogSection(changelog, version)}\n`);
    return;
  }
  const tags = git(root, ['tag', '-l']).split('\n').filter(Boolean);
  const plan = planReleaseTags(readActions(root), tags);
  if (args.includes('--apply')) applyReleaseTags(root, plan);
  process.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main(process.argv.slice(2));
  } catch (e) {
    console.error(`release-tags: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}
