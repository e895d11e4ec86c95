/**
 * mode: record — a promoted version written into the ledger (or, in a dry run, the entry that
 * would be written), as planRecord decides.
 */

import { fileProblem, UserError } from '../errors.js';
import { checkReadableRegularFile } from '../util/files.js';
import { sha256Files } from '../util/hash.js';
import { imageFor } from './image.js';
import type { Ledger, NewRelease } from './ledger.js';
import { ledgerSection, type RollbackReport } from './rollback-report.js';
import type { ReleaseConfig, ReleaseRunner } from './run.js';
import { planRecord, type RecordPlan } from './select.js';

/**
 * Input model is a regular file this job can read: a FIFO would block the hash past every
 * deadline, a directory is not a model. Checked with the inputs, before the ledger is read.
 */
export async function checkModelFile(model: string): Promise<void> {
  try {
    await checkReadableRegularFile(model);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'ENOTREG') {
      throw new UserError(`Input model is '${model}', which ${fileProblem(e)}.`, { input: 'model', file: model });
    }
    throw new UserError(`Input model is '${model}', which is not a file.`, {
      input: 'model',
      file: model,
      hint: `It ${fileProblem(e, 'the promoted model file (e.g. model.onnx)')}${code === 'EISDIR' ? ', not its folder' : ''}.`,
    });
  }
}

export type RecordSettings = Pick<ReleaseConfig, 'version' | 'verified' | 'image' | 'model' | 'commit' | 'dryRun'>;

export async function recordRelease(
  settings: RecordSettings,
  ledger: Ledger,
  report: RollbackReport,
  runner: ReleaseRunner,
): Promise<void> {
  const events = await ledger.read();
  report.ledger = ledgerSection(ledger, events);
  report.version = settings.version;
  const plan = planRecord(events, { version: settings.version, verified: settings.verified });
  report.warnings.push(...plan.warnings);
  for (const w of plan.warnings) runner.warning(w);
  if (plan.action === 'none') {
    report.status = 'no-op';
    report.explanation = plan.explanation;
  } else if (plan.action === 'verify') {
    await markVerified(plan, settings.dryRun, ledger, report, runner);
  } else {
    await appendRelease(plan, settings, ledger, report, runner);
  }
}

/** The version was recorded before, not verified: its release is marked verified. */
async function markVerified(
  plan: Extract<RecordPlan, { action: 'verify' }>,
  dryRun: boolean,
  ledger: Ledger,
  report: RollbackReport,
  runner: ReleaseRunner,
) {
  await writeEntry(report, dryRun, {
    entry: { ...plan.release, verified: true },
    write: () => ledger.markVerified(plan.release, runner.run.runUrl),
    explanation: plan.explanation,
    dryRunExplanation: `Dry run: ${plan.explanation.replace(/it is now marked/, 'it would be marked')} Nothing was written.`,
  });
}

async function appendRelease(plan: RecordPlan, settings: RecordSettings, ledger: Ledger, report: RollbackReport, runner: ReleaseRunner) {
  const release = await newRelease(settings, runner.run.runUrl);
  await writeEntry(report, settings.dryRun, {
    entry: { type: 'release', ...release },
    write: () => ledger.addRelease(release),
    explanation: `${plan.explanation} Ledger: ${ledger.location}.`,
    dryRunExplanation: `Dry run: ${settings.version} would be recorded${settings.verified ? ' as verified' : ''} in ${ledger.location}. Nothing was written.`,
  });
}

/** What a record writes: the version, and what is known of it (image, model hash, commit, run). */
async function newRelease(settings: RecordSettings, runUrl: string | undefined): Promise<NewRelease> {
  return {
    version: settings.version,
    ...(settings.image ? { image: imageFor(settings.image, settings.version) } : {}),
    ...(settings.model ? { modelSha256: await sha256Files(settings.model) } : {}),
    ...(settings.commit ? { commit: settings.commit } : {}),
    at: new Date().toISOString(),
    ...(runUrl ? { runUrl } : {}),
    verified: settings.verified,
  };
}

interface EntryWrite {
  /** The entry as the report shows it before (or instead of) writing it. */
  entry: Record<string, unknown>;
  /** Writes it; returns it as the ledger keeps it (with its id). */
  write: () => Promise<object>;
  explanation: string;
  dryRunExplanation: string;
}

/** Shows the entry in the report, and writes it unless this is a dry run. */
async function writeEntry(report: RollbackReport, dryRun: boolean, w: EntryWrite): Promise<void> {
  const section = report.ledger!;
  section.entry = w.entry;
  if (dryRun) {
    report.status = 'dry-run';
    report.explanation = w.dryRunExplanation;
    return;
  }
  section.entry = { ...(await w.write()) };
  section.entryWritten = true;
  report.status = 'recorded';
  report.explanation = w.explanation;
}
