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
import { isConflict, isNotFound, kubectlMessage, type Kubectl, type KubectlResult } from './kubectl.js';
import { object, readKubectlJson, text } from './kubectl-json.js';
import {
  redactEvent,
  type Ledger,
  type LedgerEvent,
  type NewRelease,
  type NewRollback,
  type ReleaseEvent,
  type RollbackEvent,
} from './ledger.js';
import { RetriesExhausted, withRetries, type RetryPolicy } from './retry.js';

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

type Change<T> = (events: LedgerEvent[]) => { events: LedgerEvent[]; result: T };

/** A ConfigMap from `kubectl get configmap -o json`: its data and resourceVersion. */
export function readConfigMap(json: string): ParseResult<{ data: Record<string, string>; resourceVersion: string }> {
  const cm = readKubectlJson(json, 'the ledger ConfigMap');
  if (!cm.ok) return cm;
  const entries = Object.entries(object(cm.value.data)).filter((e): e is [string, string] => typeof e[1] === 'string');
  return parsed({ data: Object.fromEntries(entries), resourceVersion: text(object(cm.value.metadata).resourceVersion) });
}

interface Snapshot {
  events: LedgerEvent[];
  /** undefined: the ConfigMap does not exist. */
  resourceVersion?: string;
}

/** A write that lost the race: the ConfigMap changed (409 Conflict) or appeared (409 AlreadyExists) since it was read. */
class StaleWrite extends Error {
  constructor(
    readonly command: string,
    readonly result: KubectlResult,
  ) {
    super(kubectlMessage(result));
  }
}

export interface ConfigMapLedgerOptions {
  name: string;
  environment: string;
  /** How long a write keeps retrying after losing races to other writers (input ledger-timeout). */
  retry: RetryPolicy;
}

export class ConfigMapLedger implements Ledger {
  readonly kind = 'configmap' as const;
  readonly location: string;
  readonly key: string;
  readonly name: string;
  readonly environment: string;

  constructor(
    private readonly kubectl: Kubectl,
    private readonly options: ConfigMapLedgerOptions,
  ) {
    this.name = options.name;
    this.environment = options.environment;
    this.key = ledgerKey(options.environment);
    const ns = kubectl.options.namespace ? `${kubectl.options.namespace}/` : '';
    this.location = `ConfigMap ${ns}${options.name}, key ${this.key}`;
  }

  private async snapshot(): Promise<Snapshot> {
    const args = ['get', 'configmap', this.name, '-o', 'json'];
    const r = await this.kubectl.run(args);
    if (isNotFound(r)) return { events: [] };
    const failure = `Reading the ledger (${this.location}) failed: \`${this.kubectl.commandLine(args)}\``;
    if (r.code !== 0) throw new UserError(`${failure} exited with ${r.code}: ${kubectlMessage(r)}`, { input: 'ledger-configmap' });
    const cm = readConfigMap(r.stdout);
    if (!cm.ok) throw new UserError(`${failure}: ${cm.error}.`, { input: 'ledger-configmap' });
    const text = cm.value.data[this.key];
    return { events: text ? this.events(text) : [], resourceVersion: cm.value.resourceVersion };
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

  /**
   * Read, change, write back only if nobody wrote in between (compare-and-swap on the
   * resourceVersion); a write that lost the race is read again and retried with backoff, until
   * ledger-timeout runs out.
   */
  private async update<T extends LedgerEvent>(change: Change<T>): Promise<T> {
    const dir = await mkdtemp(join(tmpdir(), 'ml-gate-ledger-'));
    try {
      return await withRetries(
        (attempt) => this.write(change, dir, attempt),
        (e) => (e instanceof StaleWrite ? {} : undefined),
        this.options.retry,
      );
    } catch (e) {
      if (!(e instanceof RetriesExhausted)) throw e;
      const last = e.last as StaleWrite;
      throw new UserError(
        `Writing the ledger (${this.location}) failed: other writers changed it first every time (${e.message}, input ledger-timeout); the last: \`${last.command}\` exited with ${last.result.code}: ${last.message}`,
        {
          input: 'ledger-timeout',
          hint: 'Run fewer writers of one ledger at once (a concurrency group), or give them a longer ledger-timeout.',
        },
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** One attempt: read, change, write; a StaleWrite when another writer came first. */
  private async write<T extends LedgerEvent>(change: Change<T>, dir: string, attempt: number): Promise<T> {
    const snap = await this.snapshot();
    const { events, result } = change(snap.events);
    // what a ledger keeps is written to a file others read: no secret of this run goes in
    const doc: LedgerDocument = { schema: LEDGER_SCHEMA, environment: this.environment, events: events.map(redactEvent) };
    const { args, input } = await this.writeCommand(snap.resourceVersion, JSON.stringify(doc, null, 1), join(dir, `patch-${attempt}.json`));
    const r = await this.kubectl.run(args, { input });
    if (r.code === 0) return redactEvent(result);
    if (isConflict(r)) throw new StaleWrite(this.kubectl.commandLine(args), r);
    throw new UserError(
      `Writing the ledger (${this.location}) failed: \`${this.kubectl.commandLine(args)}\` exited with ${r.code}: ${kubectlMessage(r)}`,
      { input: 'ledger-configmap' },
    );
  }

  /** Create the ConfigMap (none was read), or a merge patch that carries the resourceVersion read. */
  private async writeCommand(resourceVersion: string | undefined, text: string, patchFile: string) {
    if (resourceVersion === undefined) {
      // our own fixed-shape document: no schema download needed (--validate=false)
      const input = JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: this.name, labels: { 'app.kubernetes.io/managed-by': 'ml-gate' } },
        data: { [this.key]: text },
      });
      return { args: ['create', '-f', '-', '--validate=false', '-o', 'name'], input };
    }
    await writeFile(patchFile, JSON.stringify({ metadata: { resourceVersion }, data: { [this.key]: text } }));
    return { args: ['patch', 'configmap', this.name, '--type=merge', '--patch-file', patchFile, '-o', 'name'], input: undefined };
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
