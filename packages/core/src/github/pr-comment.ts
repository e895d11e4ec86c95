import * as core from '@actions/core';
import { context as contextAtImport, getOctokit } from '@actions/github';

import { messageOf } from '../errors.js';
import { redactSecrets } from '../util/secrets.js';

export interface StickyCommentResult {
  action: 'created' | 'updated' | 'skipped';
  url?: string;
  reason?: string;
}

type Context = typeof contextAtImport;
type Octokit = ReturnType<typeof getOctokit>;
type CommentAuthor = { login?: string; type?: string } | null | undefined;

/**
 * @actions/github reads the event, repository and API URL into its `context` once, when it is
 * imported; its class (which the package does not export by name) reads them anew, so that the
 * comment goes where the environment of this call says.
 */
const Context = contextAtImport.constructor as new () => Context;

/** Where the comment goes: the pull request that triggered the run, in its repository. */
interface PullRequestTarget {
  owner: string;
  repo: string;
  issue_number: number;
}

/**
 * Creates or updates ONE comment on the pull request that triggered the run, found by the hidden
 * `marker` in its body AND by its author (so nobody else's comment that quotes the marker is
 * overwritten). Any other event is a quiet skip. When the comment cannot be posted (no token, or
 * a fork's read-only token), warns and carries on: the report is in the job summary anyway.
 */
export async function upsertPullRequestComment(token: string, marker: string, body: string): Promise<StickyCommentResult> {
  const context = new Context();
  const pr = context.payload.pull_request;
  if (!pr) return { action: 'skipped', reason: `the event is ${context.eventName || 'unknown'}, not a pull request` };
  if (!token) {
    return notPosted(
      'no github-token was given; set input github-token (its default, ${{ github.token }}, will do) and give the job `permissions: pull-requests: write`',
    );
  }
  // the API URL of this call too: getOctokit's default was read when @actions/github was imported
  const octokit = getOctokit(token, { baseUrl: context.apiUrl });
  const target: PullRequestTarget = { ...context.repo, issue_number: pr.number };
  // a comment is a file others read: this run's secrets never reach it (util/secrets.ts)
  const text = redactSecrets(body.includes(marker) ? body : `${marker}\n${body}`);
  try {
    return await upsertComment(octokit, target, marker, text);
  } catch (e) {
    const status = (e as { status?: number }).status;
    return notPosted(
      status === 403 || status === 404
        ? `the token cannot write to pull request #${target.issue_number} (HTTP ${status}; a pull request from a fork gets a read-only token)`
        : `the GitHub API failed: ${messageOf(e)}`,
    );
  }
}

function notPosted(why: string): StickyCommentResult {
  core.warning(`The report was not posted as a PR comment: ${why}. It is in the job summary.`);
  return { action: 'skipped', reason: why };
}

async function upsertComment(octokit: Octokit, target: PullRequestTarget, marker: string, text: string): Promise<StickyCommentResult> {
  const ownAuthor = await isOwnAuthor(octokit);
  const comments = await octokit.paginate(octokit.rest.issues.listComments, { ...target, per_page: 100 });
  const mine = comments.find((c) => c.body?.includes(marker) && ownAuthor(c.user));
  if (mine) {
    const { data } = await octokit.rest.issues.updateComment({ owner: target.owner, repo: target.repo, comment_id: mine.id, body: text });
    return { action: 'updated', url: data.html_url };
  }
  const { data } = await octokit.rest.issues.createComment({ ...target, body: text });
  return { action: 'created', url: data.html_url };
}

/**
 * Which comments are the token's own: by its user's login, or (installation tokens, GITHUB_TOKEN
 * and GitHub Apps, cannot call GET /user) by any bot author; the marker narrows it down.
 */
async function isOwnAuthor(octokit: Octokit): Promise<(user: CommentAuthor) => boolean> {
  try {
    const { data } = await octokit.rest.users.getAuthenticated();
    return (user) => user?.login === data.login;
  } catch {
    return (user) => user?.type === 'Bot';
  }
}
