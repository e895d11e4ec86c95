import { redactUrl } from '../http/redact.js';
import { retryUntilDeadline, type AttemptRecord, type RetryResult } from '../http/retry.js';
import { truncate } from '../http/text.js';
import { formatDuration } from '../util/duration.js';
import { httpAttempt } from './http-attempt.js';
import { latencyCheck, measureLatency } from './latency.js';
import { oipAttempt } from './oip-attempt.js';
import { startSmokeRun, type Probe, type SmokeRun } from './probe.js';
import type { SmokeTestReport } from './smoke-report.js';
import type { SmokeTestOptions } from './smoke-options.js';

/**
 * Attempts until the server answers as expected, a final failure, or the deadline; the last
 * attempt's probe. Bad input an attempt finds (a sample the server's model does not take) is
 * thrown, after the report has what that attempt saw.
 */
async function waitForServer(run: SmokeRun, report: SmokeTestReport): Promise<{ result: RetryResult<true>; probe: Probe }> {
  const { o } = run;
  let probe: Probe = { checks: [] };
  let attempts = 0;
  const log = o.log ?? (() => {});
  try {
    const result = await retryUntilDeadline<true>(
      async (remaining) => {
        probe = { checks: [] };
        attempts++;
        return o.protocol === 'open-inference' ? oipAttempt(run, probe, remaining) : httpAttempt(run, probe, remaining);
      },
      {
        deadline: run.deadline,
        baseDelayMs: o.retryDelayMs,
        now: run.now,
        sleep: o.sleep,
        random: o.random,
        onAttempt: (a: AttemptRecord) =>
          log(`attempt ${a.attempt} at ${formatDuration(a.atMs)}: ${a.outcome}${a.reason ? `: ${a.reason}` : ''}`),
      },
    );
    return { result, probe };
  } catch (e) {
    report.attempts = attempts;
    report.elapsedMs = run.now() - run.start;
    recordProbe(report, probe);
    throw e;
  }
}

/** The attempts in the report: how many, whether the deadline ended them, the first 30 and the last 10. */
function recordAttempts(report: SmokeTestReport, result: RetryResult<true>): void {
  report.attempts = result.attempts;
  report.timedOut = result.timedOut;
  report.attemptLog = result.log.length > 40 ? [...result.log.slice(0, 30), ...result.log.slice(-10)] : result.log;
}

/** The last attempt in the report: its checks, the answer they looked at (URLs redacted) and what the server said of itself. */
function recordProbe(report: SmokeTestReport, probe: Probe): void {
  report.checks = probe.checks;
  report.parity = probe.parity;
  if (probe.response) {
    const r = probe.response;
    const redirects = r.redirects.map((d) => ({ ...d, from: redactUrl(d.from), to: redactUrl(d.to) }));
    report.response = {
      url: redactUrl(r.url),
      status: r.status,
      statusText: r.statusText,
      contentType: r.contentType,
      latencyMs: r.latencyMs,
      bodyExcerpt: truncate(r.body, 500),
      redirects,
    };
    for (const d of redirects.filter((x) => x.droppedHeaders.length)) {
      report.warnings.push(
        `${d.from} redirected to another origin, ${d.to}; the headers ${d.droppedHeaders.join(', ')} were not sent there.`,
      );
    }
  }
  if (probe.metadata || probe.modelVersion) {
    const m = probe.metadata;
    report.server = {
      modelName: m?.name,
      modelVersion: probe.modelVersion,
      versions: m?.versions,
      platform: m?.platform,
      inputs: m?.inputs,
      outputs: m?.outputs,
    };
  }
}

/** The server never answered as expected: the last attempt's reason, after the timeout or not. */
function finishUnanswered(report: SmokeTestReport, run: SmokeRun, result: RetryResult<true>, reason: string): void {
  report.elapsedMs = run.now() - run.start;
  report.status = 'failed';
  report.passed = false;
  report.reason = result.timedOut
    ? `Gave up after ${formatDuration(run.o.timeoutMs)} (timeout) and ${result.attempts} attempt(s); the last one: ${reason}.`
    : `${reason}.`;
}

/** The verdict over every check: passed with the latency headline, or each failed check. */
function finishReport(report: SmokeTestReport, run: SmokeRun, attempts: number, latencyHeadline: string): void {
  report.elapsedMs = run.now() - run.start;
  const bad = report.checks.filter((c) => !c.passed);
  report.passed = bad.length === 0;
  report.status = report.passed ? 'passed' : 'failed';
  const version = report.server?.modelVersion ? `, serving model version ${report.server.modelVersion}` : '';
  report.reason = report.passed
    ? `The server answered as expected after ${attempts} attempt(s)${version}; ${latencyHeadline}.`
    : bad.map((c) => `${c.name}: ${c.detail}`).join('; ') + '.';
}

/**
 * Runs the smoke test against a live server and fills `report`: waits (retrying with backoff)
 * until the server answers as expected or the deadline passes, checks the answer, then measures
 * latency. Never runs past `timeoutMs` from its start. Bad input was rejected before this, but for
 * what only the server's metadata tells (the sample against the served model's inputs).
 */
export async function runSmokeTest(o: SmokeTestOptions, report: SmokeTestReport): Promise<void> {
  o.log?.(`Smoke-testing ${redactUrl(o.url)} (${o.protocol}), timeout ${formatDuration(o.timeoutMs)}`);
  const run = startSmokeRun(o);
  const { result, probe } = await waitForServer(run, report);
  recordAttempts(report, result);
  recordProbe(report, probe);
  if (result.outcome.kind !== 'done') return finishUnanswered(report, run, result, result.outcome.reason);
  const latency = latencyCheck(o, await measureLatency(run), probe.response!);
  report.latency = latency.latency;
  report.checks.push(latency.check);
  finishReport(report, run, result.attempts, latency.headline);
}
