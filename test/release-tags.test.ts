// scripts/release-tags.mjs's logic: which tags a release creates, and the release notes.
import { describe, expect, it } from 'vitest';
import { changelogSection, parseVersion, planReleaseTags } from '../scripts/release-tags.mjs';

describe('parseVersion', () => {
  it('reads MAJOR.MINOR.PATCH with an optional pre-release and build', () => {
    expect(parseVersion('1.2.3')).toEqual({ major: 1, minor: 2, patch: 3, prerelease: null });
    expect(parseVersion('2.0.0-rc.1+build.5')).toEqual({ major: 2, minor: 0, patch: 0, prerelease: 'rc.1' });
  });

  it.each(['1.2', 'v1.2.3', '01.2.3', '1.2.3-', '1.2.3 ', ''])('refuses %j', (v) => {
    expect(() => parseVersion(v)).toThrow(/not a semantic version/);
  });
});

describe('planReleaseTags', () => {
  const rollback = (version: string) => [{ action: 'rollback', version }];

  it('a version without its tag gets it and the moving major tag', () => {
    expect(planReleaseTags(rollback('1.2.0'), ['rollback/v1.1.0', 'rollback/v1'])).toEqual([
      { action: 'rollback', version: '1.2.0', tag: 'rollback/v1.2.0', majorTag: 'rollback/v1', prerelease: false },
    ]);
  });

  it("a version already tagged gets nothing; other actions' tags do not count", () => {
    expect(planReleaseTags(rollback('1.2.0'), ['rollback/v1.2.0'])).toEqual([]);
    expect(planReleaseTags(rollback('1.2.0'), ['smoke-test/v1.2.0']).map((p) => p.tag)).toEqual(['rollback/v1.2.0']);
  });

  it('a pre-release is tagged but does not move the major tag', () => {
    expect(planReleaseTags(rollback('2.0.0-rc.1'), ['rollback/v1.4.0'])).toEqual([
      { action: 'rollback', version: '2.0.0-rc.1', tag: 'rollback/v2.0.0-rc.1', majorTag: null, prerelease: true },
    ]);
  });

  it('a new major starts its own moving tag; the old one stays', () => {
    expect(planReleaseTags(rollback('2.0.0'), ['rollback/v1.4.0', 'rollback/v1', 'rollback/v2.0.0-rc.1'])[0]?.majorTag).toBe('rollback/v2');
  });

  it('an older version tagged late does not move the major tag backwards', () => {
    expect(planReleaseTags(rollback('1.3.1'), ['rollback/v1.4.0', 'rollback/v1'])[0]?.majorTag).toBeNull();
    expect(planReleaseTags(rollback('1.4.1'), ['rollback/v1.4.0', 'rollback/v1'])[0]?.majorTag).toBe('rollback/v1');
  });

  it('0.x is never released: the first release of an action is 1.0.0', () => {
    expect(planReleaseTags(rollback('0.1.0'), [])).toEqual([]);
  });

  it('a malformed version is an error, not a silently skipped action', () => {
    expect(() => planReleaseTags(rollback('1.0'), [])).toThrow(/not a semantic version/);
  });
});

describe('changelogSection', () => {
  const changelog = [
    '# @ml-gate/rollback',
    '',
    '## 1.1.0',
    '',
    '### Minor Changes',
    '',
    '- abc1234: Rollback to a named version.',
    '',
    '## 1.0.0',
    '',
    '### Major Changes',
    '',
    '- def5678: First release.',
    '',
  ].join('\n');

  it('is the text under the version heading up to the next one', () => {
    expect(changelogSection(changelog, '1.1.0')).toBe('### Minor Changes\n\n- abc1234: Rollback to a named version.');
    expect(changelogSection(changelog, '1.0.0')).toBe('### Major Changes\n\n- def5678: First release.');
  });

  it('a version without a section is an error (1.0.0 is not 1.0.0-rc.1 nor 11.0.0)', () => {
    expect(() => changelogSection(changelog, '1.2.0')).toThrow(/no "## 1.2.0" section/);
    expect(() => changelogSection('## 11.0.0\n\nx\n', '1.0.0')).toThrow(/no "## 1.0.0" section/);
  });
});
