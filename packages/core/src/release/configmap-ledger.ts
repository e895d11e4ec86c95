/**
 * A ledger in a Kubernetes ConfigMap, read and written with kubectl: one key per environment
 * (`<environment>.json`) holding the event log as JSON. Writes are compare-and-swap on the
 * ConfigMap's resourceVersion (a concurrent writer makes the write fail with Conflict; it is
 * read again and retried), so two runs never lose each other's entries.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { messageOf, parseError, parsed, UserError, type ParseResult } from '../errors.js';
import { isConflict, isNotFound, kubectlMessage, type Kubectl } from './kubectl.js';
import type { Ledger, LedgerEvent, NewRelease, NewRollback, ReleaseEvent, RollbackEvent } from './ledger.js';

export const LEDGER_SCHEMA = 'ml-gate/release-ledger/v1';
/** The oldest events are dropped beyond this many (a ConfigMap holds at most 1 MiB). */
export const MAX_EVENTS = 500;

export interface LedgerDocument {
  schema: typeof LEDGER_SCHEMA;
  environment: string;
  events: LedgerEvent[];
}

/** The ConfigMap key of an environment's log. */
export function ledgerKey(environment: string): string {
  return `${environment}.json`;
}

/**
 * Parses a ledger document (pure). A failure is worded to follow "The ledger <where> ": "is not
 * valid JSON (...)", "is not an ml-gate release ledger (...)", "has a malformed event #3: ...".
 */
export function parseLedgerDocument(text: string): ParseResult<LedgerEvent[]> {
  let doc: Record<string, unknown> | null;
  try {
    doc = JSON.parse(text) as Record<string, unknown> | null;
  } catch (e) {
    return parseError(`is not valid JSON (${messageOf(e)})`);
  }
  const events: unknown = doc?.events;
  if (doc?.schema !== LEDGER_SCHEMA || !Array.isArray(events)) {
    return parseError(`is not an ml-gate release ledger (schema ${JSON.stringify(doc?.schema)}, expected ${LEDGER_SCHEMA})`);
  }
  const bad = events.findIndex((e) => !isLedgerEvent(e));
  if (bad >= 0) return parseError(`has a malformed event #${bad + 1}: ${JSON.stringify(events[bad]).slice(0, 200)}`);
  return parsed(events as LedgerEvent[]);
}

function isLedgerEvent(event: unknown): event is LedgerEvent {
  const e = event as Record<string, unknown> | null;
  const ok =
    (e?.type === 'release' && typeof e.version === 'string' && typeof e.verified === 'boolean') ||
    (e?.type === 'rollback' && typeof e.from === 'string' && typeof e.to === 'string');
  return ok && typeof e.id === 'string' && typeof e.at === 'string';
}

/** The document with an event appended (pure): ids count up, the oldest events beyond MAX_EVENTS go. */
export function appendEvent(events: readonly LedgerEvent[], event: Omit<ReleaseEvent, 'id'> | Omit<RollbackEvent, 'id'>): LedgerEvent[] {
  const next = events.reduce((m, e) => Math.max(m, Number(e.id) || 0), 0) + 1;
  return [...events, { ...event, id: String(next) }].slice(-MAX_EVENTS);
}

interface Snapshot {
  events: LedgerEvent[];
  /** undefined: the ConfigMap does not exist. */
  resourceVersion?: string;
}

export class ConfigMapLedger implements Ledger {
  readonly kind = 'configmap' as const;
  readonly location: string;
  readonly key: string;

  constructor(
    private readonly kubectl: Kubectl,
    readonly name: string,
    readonly environment: string,
  ) {
    this.key = ledgerKey(environment);
    const ns = kubectl.options.namespace ? `${kubectl.options.namespace}/` : '';
    this.location = `ConfigMap ${ns}${name}, key ${this.key}`;
  }

  private async snapshot(): Promise<Snapshot> {
    const args = ['get', 'configmap', this.name, '-o', 'json'];
    const r = await this.kubectl.run(args);
    if (isNotFound(r)) return { events: [] };
    if (r.code !== 0) {
      throw new UserError(
        `Reading the ledger (${this.location}) failed: \`${this.kubectl.commandLine(args)}\` exited with ${r.code}: ${kubectlMessage(r)}`,
        {
          input: 'ledger-configmap',
        },
      );
    }
    const cm = JSON.parse(r.stdout) as { data?: Record<string, string>; metadata?: { resourceVersion?: string } };
    const text = cm.data?.[this.key];
    return { events: text ? this.events(text) : [], resourceVersion: cm.metadata?.resourceVersion ?? '' };
  }

  /** The events in this environment's key; a key that is not a ledger is the ConfigMap's fault (input ledger-configmap). */
  private events(text: string): LedgerEvent[] {
    const doc = parseLedgerDocument(text);
    if (doc.ok) return doc.value;
    throw new UserError(`The ledger ${this.location} ${doc.error}.`, {
      input: 'ledger-configmap',
      hint: 'Fix or remove that key; the ledger writes it again.',
    });
  }

  async read(): Promise<LedgerEvent[]> {
    return (await this.snapshot()).events;
  }

  /** Read, change, write back only if nobody wrote in between; up to 5 tries. */
  private async update<T extends LedgerEvent>(change: (events: LedgerEvent[]) => { events: LedgerEvent[]; result: T }): Promise<T> {
    const dir = await mkdtemp(join(tmpdir(), 'ml-gate-ledger-'));
    try {
      for (let attempt = 1; ; attempt++) {
        const snap = await this.snapshot();
        const { events, result } = change(snap.events);
        const doc: LedgerDocument = { schema: LEDGER_SCHEMA, environment: this.environment, events };
        const text = JSON.stringify(doc, null, 1);
        let args: string[];
        let input: string | undefined;
        if (snap.resourceVersion === undefined) {
          // our own fixed-shape document: no schema download needed (--validate=false)
          args = ['create', '-f', '-', '--validate=false', '-o', 'name'];
          input = JSON.stringify({
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name: this.name, labels: { 'app.kubernetes.io/managed-by': 'ml-gate' } },
            data: { [this.key]: text },
          });
        } else {
          const file = join(dir, `patch-${attempt}.json`);
          await writeFile(file, JSON.stringify({ metadata: { resourceVersion: snap.resourceVersion }, data: { [this.key]: text } }));
          args = ['patch', 'configmap', this.name, '--type=merge', '--patch-file', file, '-o', 'name'];
        }
        const r = await this.kubectl.run(args, { input });
        if (r.code === 0) return result;
        if (isConflict(r) && attempt < 5) continue;
        throw new UserError(
          `Writing the ledger (${this.location}) failed: \`${this.kubectl.commandLine(args)}\` exited with ${r.code}: ${kubectlMessage(r)}`,
          {
            input: 'ledger-configmap',
          },
        );
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  addRelease(release: NewRelease): Promise<ReleaseEvent> {
    return this.update((events) => {
      const next = appendEvent(events, { type: 'release', ...release });
      return { events: next, result: next[next.length - 1] as ReleaseEvent };
    });
  }

  markVerified(release: ReleaseEvent, runUrl?: string): Promise<ReleaseEvent> {
    return this.update((events) => {
      const i = events.findIndex((e) => e.type === 'release' && e.id === release.id);
      if (i < 0) throw new UserError(`The release ${release.version} (#${release.id}) is no longer in the ledger (${this.location}).`);
      const updated: ReleaseEvent = { ...(events[i] as ReleaseEvent), verified: true, verifiedRunUrl: runUrl };
      return { events: events.map((e, j) => (j === i ? updated : e)), result: updated };
    });
  }

  addRollback(rollback: NewRollback): Promise<RollbackEvent> {
    return this.update((events) => {
      const next = appendEvent(events, { type: 'rollback', ...rollback });
      return { events: next, result: next[next.length - 1] as RollbackEvent };
    });
  }
}
