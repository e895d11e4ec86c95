import { describe, expect, it } from 'vitest';

import { renderRunFooter, runInfoFromEnv } from './run-info.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const runner = {
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_REPOSITORY: 'acme/models',
  GITHUB_RUN_ID: '4242',
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_SHA: SHA,
};

describe('runInfoFromEnv', () => {
  it('links the commit and the workflow run', () => {
    expect(runInfoFromEnv(runner)).toEqual({
      commit: SHA,
      commitUrl: `https://github.com/acme/models/commit/${SHA}`,
      runUrl: 'https://github.com/acme/models/actions/runs/4242',
    });
  });
  it('links the attempt of a re-run, and drops trailing slashes of a GitHub Enterprise server', () => {
    expect(runInfoFromEnv({ ...runner, GITHUB_SERVER_URL: 'https://ghe.example.com//', GITHUB_RUN_ATTEMPT: '2' })).toEqual({
      commit: SHA,
      commitUrl: `https://ghe.example.com/acme/models/commit/${SHA}`,
      runUrl: 'https://ghe.example.com/acme/models/actions/runs/4242/attempts/2',
    });
  });
  it('keeps the full 64-digit SHA of a SHA-256 repository', () => {
    const sha256 = 'ab'.repeat(32);
    expect(runInfoFromEnv({ ...runner, GITHUB_SHA: sha256 }).commit).toBe(sha256);
  });
  it('leaves out what the environment does not tell', () => {
    expect(runInfoFromEnv({})).toEqual({});
    expect(runInfoFromEnv({ GITHUB_SHA: SHA })).toEqual({ commit: SHA });
    expect(runInfoFromEnv({ ...runner, GITHUB_REPOSITORY: undefined })).toEqual({ commit: SHA });
    expect(runInfoFromEnv({ ...runner, GITHUB_SHA: undefined })).toEqual({ runUrl: 'https://github.com/acme/models/actions/runs/4242' });
    expect(runInfoFromEnv({ ...runner, GITHUB_RUN_ID: undefined, GITHUB_RUN_ATTEMPT: undefined })).toEqual({
      commit: SHA,
      commitUrl: `https://github.com/acme/models/commit/${SHA}`,
    });
  });
  it('reads process.env by default', () => {
    expect(runInfoFromEnv()).toEqual(runInfoFromEnv(process.env));
  });
});

describe('renderRunFooter', () => {
  it('shows the commit shortened to 12 digits, linked, and the run', () => {
    expect(renderRunFooter(runInfoFromEnv(runner))).toBe(
      `<sub>Commit [\`0123456789ab\`](https://github.com/acme/models/commit/${SHA}) · [workflow run](https://github.com/acme/models/actions/runs/4242)</sub>`,
    );
  });
  it('shows what it has', () => {
    expect(renderRunFooter({ commit: SHA })).toBe('<sub>Commit `0123456789ab`</sub>');
    expect(renderRunFooter({ runUrl: 'https://github.com/a/b/actions/runs/1' })).toBe(
      '<sub>[workflow run](https://github.com/a/b/actions/runs/1)</sub>',
    );
  });
  it('is empty when nothing is known', () => {
    expect(renderRunFooter(undefined)).toBe('');
    expect(renderRunFooter({})).toBe('');
  });
});
