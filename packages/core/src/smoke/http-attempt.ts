import { redactUrl } from '../http/redact.js';
import type { HttpResponse } from '../http/request.js';
import { describeStatusRanges, statusMatches } from '../http/status.js';
import { contentChecks } from './content-checks.js';
import { statusOutcome, transportOutcome, type Outcome } from './outcome.js';
import { parseJsonText, sendCheckedRequest, type Probe, type SmokeRun } from './probe.js';

/** One attempt of protocol http: the request, its status, then the content checks. */
export async function httpAttempt(run: SmokeRun, probe: Probe, remaining: number): Promise<Outcome> {
  const { o } = run;
  const what = `${o.method} ${redactUrl(o.url)}`;
  let res: HttpResponse;
  try {
    res = await sendCheckedRequest(run, remaining);
  } catch (e) {
    return transportOutcome(o, e, what);
  }
  probe.response = res;
  const ok = statusMatches(res.status, o.expectedStatus);
  probe.checks.push({ name: 'status', passed: ok, detail: `HTTP ${res.status}, expected ${describeStatusRanges(o.expectedStatus)}` });
  if (!ok) return statusOutcome(o, res, what);
  return contentChecks(run, probe, res, parseJsonText(res.body));
}
