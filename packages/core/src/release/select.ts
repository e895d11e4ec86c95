/**
 * Pure decisions over a ledger's events: what a rollback goes back to, and what a record writes.
 * No I/O: the action reads the ledger and the target, calls these, then acts on the plan.
 */
import { UserError } from '../errors.js';
import { badVersions, describeLedger, recordedName, type LedgerEvent, type ReleaseEvent, type RollbackEvent } from './ledger.js';
import { servingAliases, unsettledFrom, type Unsettled } from './unsettled.js';

/** The version serving now, as the target (or the ledger) tells it. */
export interface LiveVersion {
  /** The name to report: the recorded version it matches, else the first alias. */
  version: string;
  /** Every name it goes by (an image's tag and digest). */
  aliases: string[];
  /** Where it was read, e.g. "image reg/srv:v3 of container server in deployment ml/web". */
  source: string;
  /** Set when no single version serves (a rollout in progress or failed): then `aliases` is empty. */
  unsettled?: Unsettled;
}

export interface RollbackRequest {
  live: LiveVersion;
  /** Act only if this is live (compare-and-rollback). */
  expectedCurrent?: string;
  /** Go back to exactly this version instead of the newest verified older one. */
  version?: string;
  /** Where the ledger lives, for messages. */
  location: string;
}

export interface Skipped {
  version: string;
  why: string;
}

export type RollbackPlan =
  | { action: 'rollback'; from: string; to: ReleaseEvent; explanation: string; skipped: Skipped[] }
  | { action: 'none'; live: string; explanation: string; skipped: Skipped[] };

/** The live version under the name the ledger knows it by, when one of its aliases was recorded. */
export function resolveLive(events: readonly LedgerEvent[], aliases: string[], source: string): LiveVersion {
  const version = recordedName(events, aliases);
  return { version, aliases: aliases.includes(version) ? aliases : [version, ...aliases], source };
}

/**
 * The live version when the target cannot be asked (target: command): what the ledger's last
 * entry says. After a rollback that FAILED nobody knows what serves: the command may have changed
 * nothing, part, or all of it. Its target is not taken as live (a re-run of the same alert would be
 * a green no-op, and a rollback without expected-current would skip it); the rollback then needs an
 * explicit `version`, and expected-current cannot be checked. With a version, the rollback goes
 * from the failed rollback's `from` (already bad: recording it again changes nothing), and its
 * `to` is never "already live". Undefined for an empty ledger.
 */
export function liveFromLedger(
  events: readonly LedgerEvent[],
  request: { version?: string; expectedCurrent?: string; location: string; source: string },
): LiveVersion | undefined {
  const last = events[events.length - 1];
  if (!last) return undefined;
  if (last.type === 'release') return { version: last.version, aliases: [last.version], source: request.source };
  if (last.outcome === 'succeeded') return { version: last.to, aliases: [last.to], source: request.source };
  const what = `the last rollback, from ${last.from} to ${last.to} at ${last.at}, failed`;
  const held = `The ledger (${request.location}) holds: ${describeLedger(events)}.`;
  if (!request.version) {
    throw new UserError(
      `The version serving is unknown: ${what}${last.detail ? ` (${last.detail})` : ''}, and a command target cannot be asked what it runs. ` +
        `Nothing was changed. Give input version to say which recorded version to deploy. ${held}`,
      {
        input: 'version',
        hint: `Check what serves, then run the rollback again with version: (e.g. ${last.to} to retry the failed rollback).`,
      },
    );
  }
  if (request.expectedCurrent) {
    throw new UserError(
      `Input expected-current is ${request.expectedCurrent}, but the version serving is unknown (${what}), so it cannot be checked. Nothing was changed. ` +
        'Give input version without expected-current.',
      { input: 'expected-current' },
    );
  }
  return { version: last.from, aliases: [], source: `unknown: ${what}` };
}

function lastRollbackTo(events: readonly LedgerEvent[], version: string): RollbackEvent | undefined {
  return [...events].reverse().find((e): e is RollbackEvent => e.type === 'rollback' && e.to === version);
}

/**
 * What a rollback does. Never "undo": the target is an explicit recorded version.
 * - expected-current given and not live: nothing (the alert's version is gone already);
 * - `version` given: exactly that one, if it is recorded, verified and not bad; nothing if live;
 * - else the newest verified, not bad version recorded before the live one.
 * Throws a UserError that lists the ledger when there is nothing to go back to.
 */
export function planRollback(events: readonly LedgerEvent[], request: RollbackRequest): RollbackPlan {
  const { live, expectedCurrent } = request;
  const ledger: LedgerView = {
    events,
    bad: badVersions(events),
    releases: events.filter((e): e is ReleaseEvent => e.type === 'release'),
    held: () => `The ledger (${request.location}) holds: ${describeLedger(events)}.`,
  };
  // an empty ledger first: "expected-current is not live" would otherwise pass as a green no-op
  if (ledger.releases.length === 0) {
    throw new UserError(`No recorded version to roll back to: ${ledger.held()}`, {
      input: 'environment',
      hint: 'Record every promoted version with mode: record (after its smoke test passed), so that a rollback has somewhere to go.',
    });
  }
  if (live.unsettled) return rollbackFromUnsettled(ledger, live, live.unsettled, request);
  if (expectedCurrent !== undefined && expectedCurrent !== '' && !live.aliases.includes(expectedCurrent))
    return expectedCurrentGone(ledger, live, expectedCurrent);
  if (request.version) return rollbackToVersion(ledger, live, request.version);
  return rollbackToNewestVerified(ledger, live);
}

/** The ledger as planRollback reads it. */
interface LedgerView {
  events: readonly LedgerEvent[];
  bad: Map<string, RollbackEvent>;
  releases: ReleaseEvent[];
  /** "The ledger (location) holds: ...", for errors. */
  held: () => string;
}

/** expected-current is not live: nothing to do, and why (it was rolled back already, or never served). */
function expectedCurrentGone(ledger: LedgerView, live: LiveVersion, expectedCurrent: string): RollbackPlan {
  const gone = ledger.bad.get(expectedCurrent);
  return {
    action: 'none',
    live: live.version,
    skipped: [],
    explanation:
      `Nothing to do: expected-current is ${expectedCurrent}, but ${live.version} is live (${live.source}).` +
      (gone
        ? ` ${expectedCurrent} was already rolled back to ${gone.to} at ${gone.at} (${gone.reason}).`
        : ` Only a rollback from ${expectedCurrent} was asked for.`),
  };
}

/** Input version: exactly that recorded version, when it is verified and not bad. */
function rollbackToVersion(ledger: LedgerView, live: LiveVersion, wanted: string): RollbackPlan {
  if (live.aliases.includes(wanted)) {
    return { action: 'none', live: live.version, skipped: [], explanation: `Nothing to do: ${wanted} is already live (${live.source}).` };
  }
  return {
    action: 'rollback',
    from: live.version,
    to: verifiedRelease(ledger, wanted),
    skipped: [],
    explanation: `Rolling back from ${live.version} to ${wanted}, as asked.`,
  };
}

/** The release of input version: recorded, verified and not bad, or a UserError that says which it is not. */
function verifiedRelease(ledger: LedgerView, wanted: string): ReleaseEvent {
  const release = [...ledger.releases].reverse().find((r) => r.version === wanted);
  if (!release) throw new UserError(`Input version is ${wanted}, which was never recorded. ${ledger.held()}`, { input: 'version' });
  const b = ledger.bad.get(wanted);
  if (b) {
    throw new UserError(
      `Input version is ${wanted}, which was rolled away from at ${b.at} (to ${b.to}: ${b.reason}); it is never a rollback target again. ${ledger.held()}`,
      {
        input: 'version',
        hint: `If ${wanted} is good after all, promote it through the pipeline again (mode: record makes it a target again).`,
      },
    );
  }
  if (!ledger.releases.some((r) => r.version === wanted && r.verified)) {
    throw new UserError(
      `Input version is ${wanted}, which was recorded but never verified (its smoke test did not pass). ${ledger.held()}`,
      { input: 'version' },
    );
  }
  return release;
}

/**
 * No single version serves (a rollout in progress, or one that failed: the spec names one
 * version, the pods run another). What to roll back from is not known well enough to choose a
 * target, so only an explicit `version` goes ahead — never a green no-op, never one more version
 * back — and expected-current only when that version still serves.
 */
function rollbackFromUnsettled(ledger: LedgerView, live: LiveVersion, unsettled: Unsettled, request: RollbackRequest): RollbackPlan {
  const asked = unsettled.versions.find((v) => v.asked)?.version;
  if (!request.version) {
    throw new UserError(
      `No single version serves ${live.source} Nothing was changed: a rollback from a rollout that is not complete needs input version (the recorded version to deploy). ${ledger.held()}`,
      {
        input: 'version',
        hint: `Look at the deployment (kubectl rollout status, kubectl describe), then run the rollback again with version: the verified version to deploy${asked ? ` (${asked} is the one its rollout is stuck on)` : ''}.`,
      },
    );
  }
  const { expectedCurrent } = request;
  if (expectedCurrent && !servingAliases(unsettled).includes(expectedCurrent)) {
    throw new UserError(
      `Input expected-current is ${expectedCurrent}, which is not among the versions serving ${live.source} Nothing was changed.`,
      { input: 'expected-current', hint: 'Give input version without expected-current to deploy it all the same.' },
    );
  }
  const to = verifiedRelease(ledger, request.version);
  const from = unsettledFrom(unsettled, to.version);
  return {
    action: 'rollback',
    from,
    to,
    skipped: [],
    explanation: `Rolling back from ${from} to ${to.version}, as asked: no single version serves ${live.source}`,
  };
}

/** The index of the newest record of the live version; -1 when it was never recorded. */
function liveRecordIndex(events: readonly LedgerEvent[], live: LiveVersion): number {
  let index = -1;
  events.forEach((e, i) => {
    if (e.type === 'release' && live.aliases.includes(e.version)) index = i;
  });
  return index;
}

/** Newest first, the first verified, not bad release in `window` that is not the live version; what it passed over. */
function newestVerified(
  window: readonly LedgerEvent[],
  bad: Map<string, RollbackEvent>,
  live: LiveVersion,
): { target?: ReleaseEvent; skipped: Skipped[] } {
  const skipped: Skipped[] = [];
  const seen = new Set<string>();
  for (const e of [...window].reverse()) {
    if (e.type !== 'release' || live.aliases.includes(e.version)) continue;
    const b = bad.get(e.version);
    if (!b && e.verified) return { target: e, skipped };
    if (!seen.has(e.version)) skipped.push({ version: e.version, why: b ? `rolled away from at ${b.at} (to ${b.to})` : 'never verified' });
    seen.add(e.version);
  }
  return { skipped };
}

/** No input version: the newest verified, not bad version recorded before the live one. */
function rollbackToNewestVerified(ledger: LedgerView, live: LiveVersion): RollbackPlan {
  const { events } = ledger;
  const liveIndex = liveRecordIndex(events, live);
  const { target, skipped } = newestVerified(liveIndex >= 0 ? events.slice(0, liveIndex) : events, ledger.bad, live);
  const older = liveIndex >= 0 ? ` older than the live ${live.version}` : '';
  if (!target) {
    throw new UserError(`No verified version${older} to roll back to (${live.version} is live: ${live.source}). ${ledger.held()}`, {
      input: 'environment',
      hint: 'Give input version to go to a specific recorded version, or deploy a fixed version through the pipeline.',
    });
  }
  const notes: string[] = [`Rolling back from ${live.version} to ${target.version}, the newest verified version${older}.`];
  if (liveIndex < 0) notes.push(`The live version ${live.version} was never recorded in the ledger.`);
  const previous = lastRollbackTo(events, live.version);
  if (previous && liveIndex >= 0 && events.indexOf(previous) > liveIndex) {
    notes.push(
      `${live.version} itself came back by a rollback from ${previous.from} at ${previous.at}: this goes one more verified version back.`,
    );
  }
  if (skipped.length > 0) notes.push(`Skipped: ${skipped.map((s) => `${s.version} (${s.why})`).join(', ')}.`);
  return { action: 'rollback', from: live.version, to: target, skipped, explanation: notes.join(' ') };
}

export interface RecordRequest {
  version: string;
  verified: boolean;
}

export type RecordPlan =
  | { action: 'append'; explanation: string; warnings: string[] }
  | { action: 'verify'; release: ReleaseEvent; explanation: string; warnings: string[] }
  | { action: 'none'; release: ReleaseEvent; explanation: string; warnings: string[] };

/**
 * What a record writes. Recording the version that the last event already recorded updates that
 * release (unverified -> verified) or does nothing (a re-run); anything else appends a release.
 */
export function planRecord(events: readonly LedgerEvent[], request: RecordRequest): RecordPlan {
  const last = events[events.length - 1];
  const warnings: string[] = [];
  if (last?.type === 'release' && last.version === request.version) {
    if (last.verified) {
      return {
        action: 'none',
        release: last,
        warnings,
        explanation: `${request.version} is already recorded as verified (at ${last.at}): nothing to do.`,
      };
    }
    if (request.verified) {
      return {
        action: 'verify',
        release: last,
        warnings,
        explanation: `${request.version} was recorded at ${last.at}; it is now marked verified.`,
      };
    }
    return {
      action: 'none',
      release: last,
      warnings,
      explanation: `${request.version} is already recorded (not verified yet, at ${last.at}): nothing to do.`,
    };
  }
  const b = badVersions(events).get(request.version);
  if (b)
    warnings.push(`${request.version} was rolled away from at ${b.at} (${b.reason}); recording it again makes it a rollback target again.`);
  return {
    action: 'append',
    warnings,
    explanation: `${request.version} is recorded${request.verified ? ' as verified' : ' (not verified: not a rollback target until it is)'}.`,
  };
}
