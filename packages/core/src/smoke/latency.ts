// Latency: `requests` more requests after the first success, within the same deadline, and the
// check of their percentiles against the p95 budget.
import { RequestError, type HttpResponse } from '../http/request.js';
import { MIN_ATTEMPT_MS } from '../http/retry.js';
import { summarizeLatencies } from '../http/stats.js';
import { statusMatches } from '../http/status.js';
import { formatDuration } from '../util/duration.js';
import { remainingMs, sendCheckedRequest, type SmokeRun } from './probe.js';
import type { SmokeCheck, SmokeTestReport } from './smoke-report.js';
import type { SmokeTestOptions } from './smoke-options.js';

export interface LatencyMeasurement {
  /** Of the requests answered with an expected status. */
  latencies: number[];
  failed: number;
  /** The first failure's status or error. */
  firstFailure: string;
  /** The deadline came before every request was sent. */
  stoppedEarly: boolean;
}

export async function measureLatency(run: SmokeRun): Promise<LatencyMeasurement> {
  const m: LatencyMeasurement = { latencies: [], failed: 0, firstFailure: '', stoppedEarly: false };
  for (let i = 0; i < run.o.requests; i++) {
    const remaining = remainingMs(run);
    if (remaining < MIN_ATTEMPT_MS) {
      m.stoppedEarly = true;
      break;
    }
    try {
      const res = await sendCheckedRequest(run, remaining);
      if (statusMatches(res.status, run.o.expectedStatus)) m.latencies.push(res.latencyMs);
      else {
        m.failed++;
        m.firstFailure ||= `HTTP ${res.status}`;
      }
    } catch (e) {
      if (!(e instanceof RequestError)) throw e;
      m.failed++;
      m.firstFailure ||= e.message;
    }
  }
  return m;
}

export interface LatencyVerdict {
  check: SmokeCheck;
  /** The report's latency section; none when no request succeeded. */
  latency?: SmokeTestReport['latency'];
  /** The first part of the check's detail: the percentiles, for the report's reason. */
  headline: string;
}

/** The latency check: percentiles of the measured requests (with requests 0, of the first answer) against the p95 budget. */
export function latencyCheck(o: SmokeTestOptions, m: LatencyMeasurement, first: HttpResponse): LatencyVerdict {
  const summary = summarizeLatencies(o.requests > 0 ? m.latencies : [first.latencyMs]);
  const budget = o.latencyP95Ms ?? null;
  const parts: string[] = [];
  let passed = true;
  if (summary) {
    parts.push(
      `p50 ${formatDuration(summary.p50Ms)}, p95 ${formatDuration(summary.p95Ms)}, max ${formatDuration(summary.maxMs)} over ${summary.count} request(s)`,
    );
    if (budget !== null) {
      const within = summary.p95Ms <= budget;
      passed &&= within;
      parts.push(`${within ? 'within' : 'over'} the p95 budget of ${formatDuration(budget)}`);
    }
  } else {
    passed = false;
    parts.push('no request succeeded');
  }
  if (m.failed) {
    passed = false;
    parts.push(`${m.failed} of ${o.requests} request(s) failed (first: ${m.firstFailure})`);
  }
  if (m.stoppedEarly) {
    passed = false;
    parts.push(
      `the timeout of ${formatDuration(o.timeoutMs)} ended the measurement after ${m.latencies.length + m.failed} of ${o.requests} requests`,
    );
  }
  return {
    check: { name: 'latency', passed, detail: parts.join('; ') },
    latency: summary && { ...summary, requested: o.requests, failed: m.failed, budgetMs: budget },
    headline: parts[0],
  };
}
