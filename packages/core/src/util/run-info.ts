/**
 * Where a report was made: the commit and the workflow run. Every report carries it (filled by
 * the runner shell, github/reported-action.ts, from GITHUB_* variables) and every job summary
 * ends with it, so a summary copied into an issue still says what it is about.
 */
export interface RunInfo {
  /** The full commit SHA the run was for (GITHUB_SHA). */
  commit?: string;
  /** The commit's page (GITHUB_SERVER_URL/GITHUB_REPOSITORY/commit/SHA). */
  commitUrl?: string;
  /** The workflow run's page (.../actions/runs/GITHUB_RUN_ID, with /attempts/N after a re-run). */
  runUrl?: string;
}

/** The run this process is a step of, from the runner's environment; empty outside a runner. */
export function runInfoFromEnv(env: NodeJS.ProcessEnv = process.env): RunInfo {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: id, GITHUB_RUN_ATTEMPT: attempt, GITHUB_SHA: sha } = env;
  const base = server && repo ? `${server.replace(/\/+$/, '')}/${repo}` : undefined;
  const info: RunInfo = {};
  if (sha) info.commit = sha;
  if (sha && base) info.commitUrl = `${base}/commit/${sha}`;
  if (id && base) info.runUrl = `${base}/actions/runs/${id}${attempt && attempt !== '1' ? `/attempts/${attempt}` : ''}`;
  return info;
}

/** The last line of every job summary: "Commit [0123456789ab](...) · [workflow run](...)"; empty when unknown. */
export function renderRunFooter(info: RunInfo | undefined): string {
  if (!info) return '';
  const parts: string[] = [];
  if (info.commit)
    parts.push(`Commit ${info.commitUrl ? `[\`${info.commit.slice(0, 12)}\`](${info.commitUrl})` : `\`${info.commit.slice(0, 12)}\``}`);
  if (info.runUrl) parts.push(`[workflow run](${info.runUrl})`);
  return parts.length ? `<sub>${parts.join(' · ')}</sub>` : '';
}
