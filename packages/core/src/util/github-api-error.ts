/**
 * What a GitHub REST API error says (pure): its status, GitHub's message with this run's secrets
 * redacted (an error body may quote the token), its headers; whether it is a rate limit; and the
 * hints every caller gives for a refused token and for a 404 that may be the token's doing. One
 * reading for the release ledgers (release/github-api-errors.ts) and the baseline downloads
 * (github/baseline-download.ts); in util/ because release/ is pure and does not import github/.
 */
import { messageOf } from '../errors.js';
import { redactSecrets } from './secrets.js';

/** A GitHub API error as read by readApiError. */
export interface ApiError {
  /** The HTTP status; undefined when what was thrown is not an answer (a bug of ours, a TypeError). */
  status?: number;
  /** GitHub's message (Octokit's RequestError message), with this run's secrets redacted. */
  message: string;
  /** The response's headers, names in lower case. */
  headers: Record<string, string>;
}

/** The status, message and headers of what Octokit threw (a RequestError; a network failure is its status 500). */
export function readApiError(e: unknown): ApiError {
  const x = e as { status?: unknown; response?: { headers?: unknown } } | null | undefined;
  const raw = x?.response?.headers;
  const headers: Record<string, string> = {};
  if (typeof raw === 'object' && raw !== null) {
    for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
      if (typeof v === 'string' || typeof v === 'number') headers[k.toLowerCase()] = String(v);
    }
  }
  return { status: typeof x?.status === 'number' ? x.status : undefined, message: redactSecrets(messageOf(e)), headers };
}

/**
 * 429, or a 403 that is a rate limit rather than a permission (GitHub answers both with 403): one
 * with retry-after (a secondary limit), x-ratelimit-remaining: 0 (the primary limit), or a message
 * that says "rate limit" ("API rate limit exceeded", "You have exceeded a secondary rate limit").
 */
export function isRateLimit(a: ApiError): boolean {
  if (a.status === 429) return true;
  return (
    a.status === 403 &&
    (a.headers['retry-after'] !== undefined || a.headers['x-ratelimit-remaining'] === '0' || /rate limit/i.test(a.message))
  );
}

/** The hint for a 401: the token itself is refused, which no `permissions:` changes. */
export const INVALID_TOKEN_HINT =
  "GitHub does not accept the token in github-token: it is invalid or expired (a personal access token past its expiry date, or revoked?). The default, the workflow's own token (${{ github.token }}), is valid while the job runs.";

/** The hint for a 404 of a repository (or what is in it) that exists: GitHub hides a private repository from a token without access. */
export const NOT_FOUND_FOR_TOKEN_HINT =
  'A token without access to a private repository gets 404, not 403 (a fine-grained token for other repositories?).';
