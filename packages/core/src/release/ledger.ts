/**
 * The release ledger: where the version history of one environment lives, as an ordered log of
 * events (oldest first). A store (a ConfigMap, GitHub Deployments, ...) implements `Ledger`; what
 * the events mean (which version is live, which ones are bad, what to roll back to) is decided
 * by pure functions over the log (here and in select.ts), the same for every store.
 */
import { redactSecrets } from '../util/secrets.js';

/** A version put into service and recorded (mode: record). */
export interface ReleaseEvent {
  type: 'release';
  /** The store's id of the event (a sequence number, a deployment id). */
  id: string;
  /** Image tag or digest (sha256:...), or any version label the target understands. */
  version: string;
  /** The full image reference, when known. */
  image?: string;
  /** SHA-256 of the model file that was promoted. */
  modelSha256?: string;
  commit?: string;
  /** ISO 8601 time of recording. */
  at: string;
  /** The workflow run that recorded it. */
  runUrl?: string;
  /** True once the version passed its smoke test: only verified versions are rollback targets. */
  verified: boolean;
  /** The run that marked it verified, when that was a later run than the one that recorded it. */
  verifiedRunUrl?: string;
}

/** A rollback that changed (or tried to change) the target: `from` is bad from then on. */
export interface RollbackEvent {
  type: 'rollback';
  id: string;
  from: string;
  to: string;
  reason: string;
  /** What started it (an alert, a person). */
  trigger: string;
  at: string;
  runUrl?: string;
  /** failed: the target was changed but the new version did not become ready (e.g. rollout timeout). */
  outcome: 'succeeded' | 'failed';
  detail?: string;
}

export type LedgerEvent = ReleaseEvent | RollbackEvent;

export type NewRelease = Omit<ReleaseEvent, 'type' | 'id'>;
export type NewRollback = Omit<RollbackEvent, 'type' | 'id'>;

export type LedgerKind = 'configmap' | 'github-deployments';

/** A store of one environment's release history. */
export interface Ledger {
  readonly kind: LedgerKind;
  /** Where it lives, for messages and the report. */
  readonly location: string;
  /** Every event, oldest first. */
  read(): Promise<LedgerEvent[]>;
  addRelease(release: NewRelease): Promise<ReleaseEvent>;
  /** Marks an already recorded release verified (its smoke test passed after it was recorded). */
  markVerified(release: ReleaseEvent, runUrl?: string): Promise<ReleaseEvent>;
  addRollback(rollback: NewRollback): Promise<RollbackEvent>;
}

/** The fields of an event that are free text a person or an alert wrote, where a secret could hide. */
const FREE_TEXT = new Set(['reason', 'trigger', 'detail', 'description']);

/**
 * An event with this run's secrets redacted from its free text (reason, trigger, detail), before it
 * is written. Only there: the fields that name versions and entries (version, from, to, id, image,
 * commit) are what the rollback decides on, and a secret that happened to occur inside one must
 * not rewrite the history every later write carries.
 */
export function redactEvent<T extends object>(event: T): T {
  return Object.fromEntries(
    Object.entries(event).map(([k, v]) => [k, typeof v === 'string' && FREE_TEXT.has(k) ? redactSecrets(v) : v]),
  ) as T;
}

/** The version the ledger says serves now: the last release, or the target of the last rollback. */
export function ledgerCurrent(events: readonly LedgerEvent[]): string | undefined {
  const last = events[events.length - 1];
  if (!last) return undefined;
  return last.type === 'release' ? last.version : last.to;
}

/** The name the ledger knows a version by: the first of its names (an image's tag, its digest) that was recorded, else the first. */
export function recordedName(events: readonly LedgerEvent[], aliases: readonly string[]): string {
  const recorded = new Set(events.filter((e): e is ReleaseEvent => e.type === 'release').map((e) => e.version));
  return aliases.find((a) => recorded.has(a)) ?? aliases[0];
}

/**
 * The versions that are bad: rolled away from after their newest release record. Recording a
 * version again (it went through the pipeline once more) makes it good again.
 */
export function badVersions(events: readonly LedgerEvent[]): Map<string, RollbackEvent> {
  const bad = new Map<string, RollbackEvent>();
  for (const e of events) {
    if (e.type === 'release') bad.delete(e.version);
    else bad.set(e.from, e);
  }
  return bad;
}

/** One line per event, newest first: what a person needs to see when no target can be found. */
export function describeLedger(events: readonly LedgerEvent[], limit = 20): string {
  if (events.length === 0) return 'nothing (no release was ever recorded)';
  const bad = badVersions(events);
  const lines = [...events]
    .reverse()
    .slice(0, limit)
    .map((e) => {
      if (e.type === 'rollback') return `rollback ${e.from} -> ${e.to} (${e.outcome}, ${e.at})`;
      const flags = [e.verified ? 'verified' : 'not verified'];
      const b = bad.get(e.version);
      if (b) flags.push(`bad: rolled back to ${b.to} at ${b.at}`);
      return `release ${e.version} (${flags.join(', ')}, ${e.at})`;
    });
  if (events.length > limit) lines.push(`... and ${events.length - limit} older`);
  return lines.join('; ');
}
