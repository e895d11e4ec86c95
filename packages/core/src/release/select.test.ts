import { describe, expect, it } from 'vitest';

import { thrownUserError } from '../../../../test/user-error.js';
import { badVersions, describeLedger, ledgerCurrent, type LedgerEvent, type ReleaseEvent, type RollbackEvent } from './ledger.js';
import { liveFromLedger, planRecord, planRollback, resolveLive, type LiveVersion } from './select.js';

const rel = (id: number, version: string, verified = true): ReleaseEvent => ({
  type: 'release',
  id: String(id),
  version,
  at: `t${id}`,
  verified,
});
const rb = (id: number, from: string, to: string, outcome: RollbackEvent['outcome'] = 'succeeded'): RollbackEvent => ({
  type: 'rollback',
  id: String(id),
  from,
  to,
  reason: `r${id}`,
  trigger: 'test',
  at: `t${id}`,
  outcome,
});
const live = (version: string, ...more: string[]): LiveVersion => ({ version, aliases: [version, ...more], source: 'test' });
const plan = (events: LedgerEvent[], l: LiveVersion, extra: { expectedCurrent?: string; version?: string } = {}) =>
  planRollback(events, { live: l, location: 'L', ...extra });

describe('ledger helpers', () => {
  it('the current version is the last release or the last rollback target', () => {
    expect(ledgerCurrent([])).toBeUndefined();
    expect(ledgerCurrent([rel(1, 'a'), rel(2, 'b')])).toBe('b');
    expect(ledgerCurrent([rel(1, 'a'), rel(2, 'b'), rb(3, 'b', 'a')])).toBe('a');
  });
  it('a version is bad after a rollback from it, good again once recorded again', () => {
    expect([...badVersions([rel(1, 'a'), rel(2, 'b'), rb(3, 'b', 'a')]).keys()]).toEqual(['b']);
    expect([...badVersions([rel(1, 'a'), rel(2, 'b'), rb(3, 'b', 'a'), rel(4, 'b')]).keys()]).toEqual([]);
    // a failed rollback still leaves its from-version bad
    expect([...badVersions([rel(1, 'a'), rel(2, 'b'), rb(3, 'b', 'a', 'failed')]).keys()]).toEqual(['b']);
  });
  it('describes the ledger newest first', () => {
    expect(describeLedger([])).toBe('nothing (no release was ever recorded)');
    expect(describeLedger([rel(1, 'a'), rel(2, 'b', false), rb(3, 'b', 'a')])).toBe(
      'rollback b -> a (succeeded, t3); release b (not verified, bad: rolled back to a at t3, t2); release a (verified, t1)',
    );
  });
});

describe('planRollback', () => {
  const three = [rel(1, 'v1'), rel(2, 'v2'), rel(3, 'v3')];

  it('goes to the newest verified version older than the live one', () => {
    const p = plan(three, live('v3'));
    expect(p.action).toBe('rollback');
    if (p.action !== 'rollback') return;
    expect([p.from, p.to.version]).toEqual(['v3', 'v2']);
    expect(p.explanation).toBe('Rolling back from v3 to v2, the newest verified version older than the live v3.');
  });

  it('skips unverified and bad versions, and says so', () => {
    const events = [rel(1, 'v1'), rel(2, 'v2', false), rel(3, 'v3'), rb(4, 'v3', 'v1'), rel(5, 'v4')];
    const p = plan(events, live('v4'));
    if (p.action !== 'rollback') throw new Error(p.explanation);
    expect(p.to.version).toBe('v1');
    expect(p.skipped).toEqual([
      { version: 'v3', why: 'rolled away from at t4 (to v1)' },
      { version: 'v2', why: 'never verified' },
    ]);
  });

  it('a second rollback goes one more version back, never forward to the bad one', () => {
    const events = [...three, rb(4, 'v3', 'v2')];
    const p = plan(events, live('v2'));
    if (p.action !== 'rollback') throw new Error(p.explanation);
    expect(p.to.version).toBe('v1');
    expect(p.explanation).toContain('v2 itself came back by a rollback from v3 at t4: this goes one more verified version back.');
  });

  it('expected-current that is not live: nothing, and why', () => {
    const p = plan([...three, rb(4, 'v3', 'v2')], live('v2'), { expectedCurrent: 'v3' });
    expect(p).toMatchObject({ action: 'none', live: 'v2' });
    expect(p.explanation).toBe(
      'Nothing to do: expected-current is v3, but v2 is live (test). v3 was already rolled back to v2 at t4 (r4).',
    );
  });

  it('expected-current matches any alias of the live image (tag or digest)', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    const p = plan(three, live('v3', digest), { expectedCurrent: digest });
    expect(p.action).toBe('rollback');
  });

  it('an explicit version: exactly it, or a clear refusal', () => {
    const events = [rel(1, 'v1'), rel(2, 'v2', false), rel(3, 'v3'), rb(4, 'v3', 'v1'), rel(5, 'v4')];
    const p = plan(events, live('v4'), { version: 'v1' });
    expect(p.action === 'rollback' && p.to.version).toBe('v1');
    expect(plan(events, live('v4'), { version: 'v4' })).toMatchObject({ action: 'none' });
    expect(thrownUserError(() => plan(events, live('v4'), { version: 'v3' })).message).toContain(
      'v3, which was rolled away from at t4 (to v1: r4)',
    );
    expect(thrownUserError(() => plan(events, live('v4'), { version: 'v2' })).message).toContain(
      'v2, which was recorded but never verified',
    );
    const missing = thrownUserError(() => plan(events, live('v4'), { version: 'v9' }));
    expect(missing.message).toContain('v9, which was never recorded');
    expect(missing.input).toBe('version');
  });

  it('an empty ledger, or nothing older and verified: fails listing the ledger', () => {
    expect(thrownUserError(() => plan([], live('v1'))).message).toBe(
      'No recorded version to roll back to: The ledger (L) holds: nothing (no release was ever recorded).',
    );
    expect(thrownUserError(() => plan([rel(1, 'v1', false), rel(2, 'v2')], live('v2'))).message).toBe(
      'No verified version older than the live v2 to roll back to (v2 is live: test). The ledger (L) holds: release v2 (verified, t2); release v1 (not verified, t1).',
    );
  });

  it('a live version that was never recorded: the newest verified one, with a note', () => {
    const p = plan(three, live('hotfix'));
    if (p.action !== 'rollback') throw new Error(p.explanation);
    expect(p.to.version).toBe('v3');
    expect(p.explanation).toContain('The live version hotfix was never recorded in the ledger.');
  });

  it('resolveLive names the live image by the alias the ledger recorded', () => {
    const digest = `sha256:${'b'.repeat(64)}`;
    expect(resolveLive([rel(1, digest)], ['v3', digest], 's')).toEqual({ version: digest, aliases: ['v3', digest], source: 's' });
    expect(resolveLive([rel(1, 'v1')], ['v3', digest], 's').version).toBe('v3');
  });
});

describe('empty ledger (finding 4)', () => {
  it('an empty ledger fails even with expected-current, instead of a green no-op', () => {
    const e = thrownUserError(() => plan([], { version: 'hotfix', aliases: ['hotfix'], source: 'test' }, { expectedCurrent: 'v3' }));
    expect(e.message).toBe('No recorded version to roll back to: The ledger (L) holds: nothing (no release was ever recorded).');
    expect(e.input).toBe('environment');
  });
});

describe('liveFromLedger: the live version when the target cannot be asked (finding 3)', () => {
  const failed = [rel(1, 'v1'), rel(2, 'v2'), rel(3, 'v3'), rb(4, 'v3', 'v2', 'failed')];
  const ask = (events: LedgerEvent[], extra: { version?: string; expectedCurrent?: string } = {}) =>
    liveFromLedger(events, { location: 'L', source: 'the ledger', ...extra });

  it('the last release or the target of the last succeeded rollback; nothing for an empty ledger', () => {
    expect(ask([])).toBeUndefined();
    expect(ask([rel(1, 'v1'), rel(2, 'v2')])).toEqual({ version: 'v2', aliases: ['v2'], source: 'the ledger' });
    expect(ask([rel(1, 'v1'), rel(2, 'v2'), rb(3, 'v2', 'v1')])).toEqual({ version: 'v1', aliases: ['v1'], source: 'the ledger' });
  });

  it('after a failed rollback the live version is unknown: re-running the same alert fails, naming input version', () => {
    const e = thrownUserError(() => ask(failed, { expectedCurrent: 'v3' }));
    expect(e.input).toBe('version');
    expect(e.message).toContain('The version serving is unknown: the last rollback, from v3 to v2 at t4, failed');
    expect(e.message).toContain('Give input version');
  });

  it('after a failed rollback, without expected-current and version: fails rather than going to v1', () => {
    const e = thrownUserError(() => ask(failed));
    expect(e.input).toBe('version');
  });

  it('after a failed rollback, an explicit version retries it: from v3 (already bad) to v2', () => {
    const l = ask(failed, { version: 'v2' })!;
    expect(l).toEqual({ version: 'v3', aliases: [], source: 'unknown: the last rollback, from v3 to v2 at t4, failed' });
    const p = plan(failed, l, { version: 'v2' });
    expect(p.action).toBe('rollback');
    if (p.action !== 'rollback') return;
    expect([p.from, p.to.version]).toEqual(['v3', 'v2']);
  });

  it('after a failed rollback, an explicit version with expected-current fails: it cannot be checked', () => {
    const e = thrownUserError(() => ask(failed, { version: 'v2', expectedCurrent: 'v3' }));
    expect(e.input).toBe('expected-current');
  });
});

describe('planRollback from a deployment with no single live version (a rollout not complete)', () => {
  const failed = [rel(1, 'v1'), rel(2, 'v2'), rel(3, 'v3'), rb(4, 'v3', 'v2', 'failed')];
  const unsettled: LiveVersion = {
    version: '(no single version)',
    aliases: [],
    source: "deployment ml/web: its rollout exceeded its progress deadline. Serving: v3 on 2 replicas; v2 (its spec's version) on none.",
    unsettled: {
      versions: [
        { version: 'v3', aliases: ['v3'], available: 2, asked: false },
        { version: 'v2', aliases: ['v2'], available: 0, asked: true },
      ],
    },
  };

  it('the same alert again (expected-current still serving) fails naming input version, not a green no-op', () => {
    const e = thrownUserError(() => plan(failed, unsettled, { expectedCurrent: 'v3' }));
    expect(e.input).toBe('version');
    expect(e.message).toMatch(
      /^No single version serves deployment ml\/web: its rollout exceeded its progress deadline\. Serving: v3 on 2 replicas/,
    );
    expect(e.message).toContain('Nothing was changed');
    expect(e.hint).toContain('v2 is the one its rollout is stuck on');
  });

  it('an alert about a version that serves nothing fails too; so does a rollback without version (never one more back)', () => {
    expect(thrownUserError(() => plan(failed, unsettled, { expectedCurrent: 'v2' })).input).toBe('version');
    expect(thrownUserError(() => plan(failed, unsettled)).input).toBe('version');
  });

  it('an explicit version goes from what serves most; expected-current must be among what serves', () => {
    const p = plan(failed, unsettled, { version: 'v1', expectedCurrent: 'v3' });
    if (p.action !== 'rollback') throw new Error(p.explanation);
    expect([p.from, p.to.version]).toEqual(['v3', 'v1']);
    expect(p.explanation).toBe(`Rolling back from v3 to v1, as asked: no single version serves ${unsettled.source}`);
    const retry = plan(failed, unsettled, { version: 'v2' });
    expect(retry.action === 'rollback' && [retry.from, retry.to.version]).toEqual(['v3', 'v2']);
    const e = thrownUserError(() => plan(failed, unsettled, { version: 'v1', expectedCurrent: 'v2' }));
    expect(e.input).toBe('expected-current');
    expect(e.message).toBe(
      `Input expected-current is v2, which is not among the versions serving ${unsettled.source} Nothing was changed.`,
    );
  });

  it('an explicit version is still checked against the ledger (bad, never recorded)', () => {
    expect(thrownUserError(() => plan(failed, unsettled, { version: 'v3' })).message).toContain(
      'Input version is v3, which was rolled away from',
    );
    expect(thrownUserError(() => plan(failed, unsettled, { version: 'v9' })).message).toContain(
      'Input version is v9, which was never recorded',
    );
  });
});

describe('planRecord', () => {
  it('appends a new version; updates the last unverified one; a re-run does nothing', () => {
    expect(planRecord([], { version: 'v1', verified: true }).action).toBe('append');
    expect(planRecord([rel(1, 'v1', false)], { version: 'v1', verified: true })).toMatchObject({ action: 'verify', release: { id: '1' } });
    expect(planRecord([rel(1, 'v1')], { version: 'v1', verified: true }).action).toBe('none');
    expect(planRecord([rel(1, 'v1', false)], { version: 'v1', verified: false }).action).toBe('none');
    expect(planRecord([rel(1, 'v1'), rel(2, 'v2')], { version: 'v1', verified: true }).action).toBe('append');
  });
  it('warns when a bad version is recorded again', () => {
    const p = planRecord([rel(1, 'v1'), rel(2, 'v2'), rb(3, 'v2', 'v1')], { version: 'v2', verified: true });
    expect(p.action).toBe('append');
    expect(p.warnings).toEqual(['v2 was rolled away from at t3 (r3); recording it again makes it a rollback target again.']);
  });
});
