import * as core from '@actions/core';
import { context, getOctokit } from '@actions/github';

export interface StickyCommentResult {
  action: 'created' | 'updated' | 'skipped';
  url?: string;
  reason?: string;
}

/**
 * Which comments are the token's own: by its user's login, or (installation tokens, GITHUB_TOKEN
 * and GitHub Apps, cannot call GET /user) by any bot author; the marker narrows it down.
 */
async function isOwnAuthor(octokit: ReturnType<typeof getOctokit>): Promise<(user: { login?: string; type?: string } | null | undefined) => boolean> {
  try {
    const { data } = await octokit.rest.users.getAuthenticated();
    return (user) => user?.login === data.login;
  } catch {
    return (user) => user?.type === 'Bot';
  }
}

/**
 * Creates or updates ONE comment on the pull request that triggered the run, found by the hidden
 * `marker` in its body AND by its author (so nobody else's comment that quotes the marker is
 * overwritten). When the token cannot write (a fork's pull request), warns and carries on.
 */
export async function upsertPullRequestComment(token: string, marker: string, body: string): Promise<StickyCommentResult> {
  const pr = context.payload.pull_request;
  if (!pr) return { action: 'skipped', reason: `the event is ${context.eventName || 'unknown'}, not a pull request` };
  if (!token) return { action: 'skipped', reason: 'no github-token was given' };
  const octokit = getOctokit(token);
  const { owner, repo } = context.repo;
  const issue_number = pr.number as number;
  const text = body.includes(marker) ? body : `${marker}\n${body}`;
  try {
    const ownAuthor = await isOwnAuthor(octokit);
    const comments = await octokit.paginate(octokit.rest.issues.listComments, { owner, repo, issue_number, per_page: 100 });
    const mine = comments.find((c) => c.body?.includes(marker) && ownAuthor(c.user));
    if (mine) {
      const { data } = await octokit.rest.issues.updateComment({ owner, repo, comment_id: mine.id, body: text });
      return { action: 'updated', url: data.html_url };
    }
    const { data } = await octokit.rest.issues.createComment({ owner, repo, issue_number, body: text });
    return { action: 'created', url: data.html_url };
  } catch (e) {
    const status = (e as { status?: number }).status;
    const why =
      status === 403 || status === 404
        ? `the token cannot write to pull request #${issue_number} (HTTP ${status}; a pull request from a fork gets a read-only token)`
        : `the GitHub API failed: ${e instanceof Error ? e.message : String(e)}`;
    core.warning(`The report was not posted as a PR comment: ${why}. It is in the job summary.`);
    return { action: 'skipped', reason: why };
  }
}
