/**
 * A target with no single live version (pure): a Kubernetes deployment whose rollout is in
 * progress, or failed, runs its old and its new version side by side, or only the old one when
 * the new one never became available. What its spec asks for is then not what serves. Its
 * versions are named as the ledger knows them and ordered by what serves most; a rollback from
 * such a target must be told where to go (select.ts), and goes from what serves most.
 */
import { replicaCount } from './deployment.js';
import { recordedName, type LedgerEvent } from './ledger.js';
import type { LiveVersion } from './select.js';
import type { UnsettledReading } from './target.js';

/** LiveVersion.version of a target with no single live version. */
export const NO_SINGLE_VERSION = '(no single version)';

export interface RunningVersion {
  /** The name the ledger knows it by. */
  version: string;
  aliases: string[];
  /** Available replicas, over all its ReplicaSets. */
  available: number;
  /** The version the target is asked to run (the deployment's spec). */
  asked: boolean;
}

export interface Unsettled {
  /** Most available replicas first; among equals, the asked version, then the newer revision. */
  versions: RunningVersion[];
  /** Why the ReplicaSets could not be read, when they could not: what serves is then unknown. */
  unreadable?: string;
}

/** The versions an unsettled reading runs, named by the ledger, what serves most first. */
function runningVersions(events: readonly LedgerEvent[], reading: UnsettledReading): RunningVersion[] {
  const byName = new Map<string, RunningVersion & { revision: number }>();
  const asked = recordedName(events, reading.asked);
  const add = (aliases: string[], available: number, revision: number) => {
    const version = recordedName(events, aliases);
    const v = byName.get(version) ?? { version, aliases: [], available: 0, asked: version === asked, revision };
    v.aliases = [...new Set([...v.aliases, ...aliases])];
    v.available += available;
    v.revision = Math.max(v.revision, revision);
    byName.set(version, v);
  };
  for (const rs of reading.replicaSets) add(rs.aliases, rs.available, rs.revision);
  if (!byName.has(asked)) add(reading.asked, 0, Number.MAX_SAFE_INTEGER); // its ReplicaSet is not made yet
  return [...byName.values()]
    .sort((a, b) => b.available - a.available || Number(b.asked) - Number(a.asked) || b.revision - a.revision)
    .map(({ version, aliases, available, asked: isAsked }) => ({ version, aliases, available, asked: isAsked }));
}

/** "Serving: v3 on 2 replicas; v2 (its spec's version) on none." */
export function describeServing(u: Unsettled): string {
  if (u.unreadable) return `What serves is unknown: its ReplicaSets could not be listed (${u.unreadable}).`;
  const shown = u.versions.filter((v) => v.available > 0 || v.asked);
  const parts = shown.map(
    (v) => `${v.version}${v.asked ? " (its spec's version)" : ''} on ${v.available > 0 ? replicaCount(v.available) : 'none'}`,
  );
  return `Serving: ${parts.join('; ')}.`;
}

/** The live version of a target whose rollout is not complete: none single, and what runs instead. */
export function resolveUnsettled(events: readonly LedgerEvent[], source: string, reading: UnsettledReading): LiveVersion {
  const unsettled: Unsettled = {
    versions: reading.unreadable ? runningVersions(events, { ...reading, replicaSets: [] }) : runningVersions(events, reading),
    ...(reading.unreadable ? { unreadable: reading.unreadable } : {}),
  };
  return { version: NO_SINGLE_VERSION, aliases: [], source: `${source}. ${describeServing(unsettled)}`, unsettled };
}

/** The names of every version with available replicas. */
export function servingAliases(u: Unsettled): string[] {
  return u.versions.filter((v) => v.available > 0).flatMap((v) => v.aliases);
}

/**
 * What a rollback to `to` goes from: the version serving most that is not `to`; when only `to`
 * serves (or nothing does), the version the deployment was asked to run, or an older one.
 */
export function unsettledFrom(u: Unsettled, to: string): string {
  return u.versions.find((v) => v.version !== to && !v.aliases.includes(to))?.version ?? NO_SINGLE_VERSION;
}
