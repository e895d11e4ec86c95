// upsertPullRequestComment in this process, with the runner's environment of a step (runInProcess:
// GITHUB_EVENT_PATH, GITHUB_REPOSITORY, GITHUB_API_URL, ...). The GitHub API it talks to is the
// loopback stand-in test/github-api-stub.ts: the real API cannot be reached here, and a test
// must not post anywhere.
import { describe, expect, it, vi } from 'vitest';

import { BOT_LOGIN, gitHubApiStubs, pullRequestEvent, seedOthersComments, type GitHubApiStub } from '../../../../test/github-api-stub.js';
import { FAKE_TOKEN, runInProcess, type ActionRun } from '../../../../test/run-action.js';
import { upsertPullRequestComment, type StickyCommentResult } from './pr-comment.js';

vi.hoisted(() => {
  // @actions/github picks its proxy when it is imported, for api.github.com: a proxy of this
  // machine would be asked for the loopback stand-in too
  for (const name of ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY']) delete process.env[name];
});

const PR = 7;
const MARKER = '<!-- ml-gate:test e2e/test/model.onnx/eval.npz -->';
const start = gitHubApiStubs();

/** One step of evaluate-baseline (the action that comments) calling upsertPullRequestComment. */
async function upsert(
  stub: GitHubApiStub | undefined,
  body: string,
  { token = FAKE_TOKEN, event = pullRequestEvent(PR) }: { token?: string; event?: { name: string; payload: unknown } } = {},
): Promise<{ result: StickyCommentResult; run: ActionRun }> {
  let result: StickyCommentResult | undefined;
  const run = await runInProcess(
    async () => {
      result = await upsertPullRequestComment(token, MARKER, body);
    },
    { name: 'evaluate-baseline', event, apiUrl: stub?.url },
  );
  return { result: result!, run };
}

describe('upsertPullRequestComment', () => {
  it('creates one comment, then updates that same one; leaves others quoting the marker alone', async () => {
    const stub = await start();
    const { others, othersBody } = seedOthersComments(stub, PR, MARKER);

    const first = await upsert(stub, '## Model evaluation passed');
    expect(first.result).toMatchObject({ action: 'created', url: expect.stringContaining('#issuecomment-') });
    expect(first.run.annotations).toEqual([]);
    const mine = () => stub.commentsOn(PR).filter((c) => c.user.login === BOT_LOGIN);
    expect(mine()).toHaveLength(1);
    const comment = mine()[0];
    // the marker is put first when the body does not hold it
    expect(comment.body).toBe(`${MARKER}\n## Model evaluation passed`);
    expect(stub.writes().map((w) => `${w.method} ${w.path}`)).toEqual([`POST /repos/owner/repo/issues/${PR}/comments`]);
    for (const req of stub.requests) expect(req.headers.authorization).toMatch(new RegExp(`^(token|bearer) ${FAKE_TOKEN}$`, 'i'));

    const before = stub.requests.length;
    const second = await upsert(stub, `${MARKER}\n## Model evaluation failed`);
    expect(second.result).toEqual({ action: 'updated', url: comment.html_url });
    expect(second.run.annotations).toEqual([]);
    const writes = stub.requests.slice(before).filter((q) => q.method !== 'GET');
    expect(writes.map((w) => `${w.method} ${w.path}`)).toEqual([`PATCH /repos/owner/repo/issues/comments/${comment.id}`]);
    // it read past the first page (100 comments) to find its own
    expect(stub.requests.slice(before).some((q) => q.method === 'GET' && q.query.get('page') === '2')).toBe(true);
    expect(mine()).toHaveLength(1);
    expect(mine()[0].body).toBe(`${MARKER}\n## Model evaluation failed`);
    expect(others.body).toBe(othersBody);
    expect(stub.commentsOn(PR)).toHaveLength(122);
  });

  it("with a user's token, finds the comment by that user, not by a bot that quotes the marker", async () => {
    const stub = await start({ userLogin: 'release-bot-user' });
    const botQuote = stub.seed(PR, 'renovate[bot]', `${MARKER}\nquoted`);
    const own = stub.seed(PR, 'release-bot-user', `${MARKER}\nold report`);
    const { result } = await upsert(stub, 'new report');
    expect(result).toEqual({ action: 'updated', url: own.html_url });
    expect(own.body).toBe(`${MARKER}\nnew report`);
    expect(botQuote.body).toBe(`${MARKER}\nquoted`);
  });

  it("a read-only token (a fork's pull request): one warning naming the 403, and carries on", async () => {
    const stub = await start({ writable: false });
    const { result, run } = await upsert(stub, 'report');
    expect(result.action).toBe('skipped');
    expect(result.reason).toContain('HTTP 403');
    expect(run.exitCode).toBe(0);
    expect(run.errors).toEqual([]);
    expect(run.warnings.map((w) => w.message)).toEqual([
      `The report was not posted as a PR comment: the token cannot write to pull request #${PR} (HTTP 403; a pull request from a fork gets a read-only token). It is in the job summary.`,
    ]);
    expect(stub.commentsOn(PR)).toEqual([]);
    expect(stub.writes().map((w) => `${w.method} ${w.status}`)).toEqual(['POST 403']);
  });

  it('an empty token on a pull request: a warning that says what to set, and no request', async () => {
    const stub = await start();
    const { result, run } = await upsert(stub, 'report', { token: '' });
    expect(result.action).toBe('skipped');
    expect(run.exitCode).toBe(0);
    expect(run.warnings).toHaveLength(1);
    expect(run.warnings[0].message).toMatch(/^The report was not posted as a PR comment: no github-token was given/);
    expect(run.warnings[0].message).toContain('github-token');
    expect(run.warnings[0].message).toContain('permissions: pull-requests: write');
    expect(stub.requests).toEqual([]);
  });

  it('a push event: a quiet skip, no annotation and no request', async () => {
    const stub = await start();
    const { result, run } = await upsert(stub, 'report', { event: { name: 'push', payload: {} } });
    expect(result).toEqual({ action: 'skipped', reason: 'the event is push, not a pull request' });
    expect(run.annotations).toEqual([]);
    expect(stub.requests).toEqual([]);
    // even without a token
    const noToken = await upsert(stub, 'report', { token: '', event: { name: 'push', payload: {} } });
    expect(noToken.result.action).toBe('skipped');
    expect(noToken.run.annotations).toEqual([]);
  });
});
