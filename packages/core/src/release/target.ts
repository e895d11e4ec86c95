/** What a rollback changes: a Kubernetes deployment, or whatever a user's command changes. */
import { UserError, type UserErrorDetails } from '../errors.js';
import type { ReleaseEvent } from './ledger.js';

export interface LiveReading {
  /** Every name the live version goes by (an image's tag and digest); none when `unsettled`. */
  aliases: string[];
  /** Where it was read (and, when `unsettled`, why no single version serves). */
  source: string;
  /** Set when no single version serves (a rollout in progress, or one that failed): what runs instead. */
  unsettled?: UnsettledReading;
}

/** What runs a target whose rollout is not complete: the old and the new version side by side. */
export interface UnsettledReading {
  /** The names of the version the target is asked to run (the deployment's spec). */
  asked: string[];
  /** Each ReplicaSet of the deployment: the names of its image, its available replicas, its revision. */
  replicaSets: { aliases: string[]; available: number; revision: number }[];
  /** Why the ReplicaSets could not be read, when they could not: what serves is then unknown. */
  unreadable?: string;
}

export interface Target {
  readonly kind: 'kubernetes' | 'command';
  /** What it changes, for messages and the report. */
  readonly description: string;
  /** The version serving now; undefined when this target cannot tell (the ledger's is used). */
  live(): Promise<LiveReading | undefined>;
  /** The commands `apply` runs, as a person would type them (dry runs print these). */
  plan(to: ReleaseEvent, from: string): string[];
  /** Puts `to` in place and waits until it serves; throws a TargetFailure when it cannot. */
  apply(to: ReleaseEvent, from: string): Promise<void>;
}

/** The target could not be moved to the version. `changed`: it may have been changed all the same. */
export class TargetFailure extends UserError {
  constructor(
    message: string,
    readonly changed: boolean,
    details: UserErrorDetails = {},
  ) {
    super(message, details);
  }
}
