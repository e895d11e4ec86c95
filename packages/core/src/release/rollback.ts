/**
 * mode: rollback — the target put back on the version planRollback chooses, and the rollback
 * recorded in the ledger: succeeded, or failed once the target may have changed (a rollout that
 * did not finish), so that the version rolled away from is bad either way.
 */
import { messageOf, UserError } from '../errors.js';
import type { Ledger, LedgerEvent, NewRollback } from './ledger.js';
import { ledgerSection, type RollbackReport } from './rollback-report.js';
import type { ReleaseConfig, ReleaseRunner } from './run.js';
import { liveFromLedger, planRollback, resolveLive, type LiveVersion, type RollbackPlan } from './select.js';
import { TargetFailure, type Target } from './target.js';
import { resolveUnsettled } from './unsettled.js';

export type RollbackSettings = Pick<ReleaseConfig, 'version' | 'expectedCurrent' | 'reason' | 'trigger' | 'dryRun'>;

type Rollback = Extract<RollbackPlan, { action: 'rollback' }>;
/** The ledger entry of this rollback with its outcome, timed when it is made. */
type RollbackEntry = (outcome: NewRollback['outcome'], detail?: string) => NewRollback;

export async function rollBack(
  settings: RollbackSettings,
  ledger: Ledger,
  target: Target,
  report: RollbackReport,
  runner: ReleaseRunner,
): Promise<void> {
  const events = await ledger.read();
  report.ledger = ledgerSection(ledger, events);
  const live = await liveVersion(events, settings, ledger, target);
  report.live = live;
  report.version = live.aliases.length ? live.version : null;
  report.target = { kind: target.kind, description: target.description, commands: [], ran: false };

  const plan = planRollback(events, {
    live,
    expectedCurrent: settings.expectedCurrent,
    version: settings.version,
    location: ledger.location,
  });
  report.skipped = plan.skipped;
  report.explanation = plan.explanation;
  if (plan.action === 'none') {
    report.status = 'no-op';
    report.fromVersion = plan.live;
    return;
  }
  report.fromVersion = plan.from;
  report.toVersion = plan.to.version;
  report.target.commands = target.plan(plan.to, plan.from);
  const entry = rollbackEntry(settings, plan, runner.run.runUrl);
  if (settings.dryRun) {
    report.status = 'dry-run';
    report.ledger.entry = { type: 'rollback', ...entry('succeeded') };
    report.explanation = `Dry run: ${plan.explanation} Nothing was changed; the commands and the ledger entry below are what a real run would do.`;
    return;
  }
  runner.info(plan.explanation);
  report.target.ran = true;
  await apply(plan, target, ledger, entry, report);
  report.status = 'rolled-back';
  report.rolledBack = true;
  report.version = plan.to.version;
  await recordSuccess(plan, target, ledger, entry, report);
}

/** What serves now: the target's answer, or (a command target cannot be asked) the ledger's last entry. */
async function liveVersion(events: LedgerEvent[], settings: RollbackSettings, ledger: Ledger, target: Target): Promise<LiveVersion> {
  const reading = await target.live();
  if (reading?.unsettled) return resolveUnsettled(events, reading.source, reading.unsettled);
  if (reading) return resolveLive(events, reading.aliases, reading.source);
  const fromLedger = liveFromLedger(events, {
    version: settings.version,
    expectedCurrent: settings.expectedCurrent,
    location: ledger.location,
    source: `the ledger's last entry (${target.kind} targets cannot be asked)`,
  });
  return fromLedger ?? { version: '(unknown)', aliases: [], source: 'the ledger is empty' };
}

function rollbackEntry(settings: RollbackSettings, plan: Rollback, runUrl: string | undefined): RollbackEntry {
  return (outcome, detail) => ({
    from: plan.from,
    to: plan.to.version,
    reason: settings.reason || '(no reason given)',
    trigger: settings.trigger || 'unknown',
    at: new Date().toISOString(),
    ...(runUrl ? { runUrl } : {}),
    outcome,
    ...(detail ? { detail } : {}),
  });
}

/**
 * Puts the version in place. A failure after the target may have changed is recorded as a failed
 * rollback (the version rolled away from is bad all the same), then fails the step.
 */
async function apply(plan: Rollback, target: Target, ledger: Ledger, entry: RollbackEntry, report: RollbackReport): Promise<void> {
  try {
    await target.apply(plan.to, plan.from);
  } catch (e) {
    report.status = 'failed';
    if (e instanceof TargetFailure && e.changed) {
      // changed but not rolled out: no single version is known to serve (deployment.ts)
      report.version = null;
      try {
        report.ledger!.entry = { ...(await ledger.addRollback(entry('failed', e.message))) };
        report.ledger!.entryWritten = true;
      } catch (le) {
        report.warnings.push(`The failed rollback could not be recorded in the ledger: ${messageOf(le)}`);
      }
    }
    throw e;
  }
}

/** Records the rollback; the target has changed already, so a ledger that cannot be written fails the step. */
async function recordSuccess(plan: Rollback, target: Target, ledger: Ledger, entry: RollbackEntry, report: RollbackReport): Promise<void> {
  try {
    report.ledger!.entry = { ...(await ledger.addRollback(entry('succeeded'))) };
    report.ledger!.entryWritten = true;
  } catch (e) {
    report.status = 'failed';
    throw new UserError(
      `${target.description} now runs ${plan.to.version}, but the rollback could not be recorded in the ledger: ${e instanceof UserError ? e.describe() : messageOf(e)} ` +
        `Record it by hand, or ${plan.from} is not known to be bad.`,
      { input: e instanceof UserError ? e.input : undefined },
    );
  }
}
