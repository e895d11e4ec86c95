import { describe, expect, it } from 'vitest';

import { splitCommandLine, commandEnvironment } from './command.js';
import { appendEvent, LEDGER_SCHEMA, MAX_EVENTS, parseLedgerDocument } from './configmap-ledger.js';
import { eventOfDeployment, statusDescription } from './github-deployments-ledger.js';
import { imageFor, imageVersions, isValidVersion, parseImage } from './image.js';
import { kubeconfigSecrets, shellQuote } from './kubectl.js';
import { chooseContainer } from './kubernetes.js';
import type { ReleaseEvent } from './ledger.js';

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

describe('image references', () => {
  it('splits repository, tag and digest (a registry port is not a tag)', () => {
    expect(parseImage('registry:5000/org/srv:v1')).toEqual({ repository: 'registry:5000/org/srv', tag: 'v1', digest: undefined });
    expect(parseImage('registry:5000/org/srv')).toEqual({ repository: 'registry:5000/org/srv', tag: undefined, digest: undefined });
    expect(parseImage(`ghcr.io/o/s:v2@${DIGEST}`)).toEqual({ repository: 'ghcr.io/o/s', tag: 'v2', digest: DIGEST });
    expect(imageVersions(`ghcr.io/o/s:v2@${DIGEST}`)).toEqual(['v2', DIGEST]);
    expect(imageVersions('nginx')).toEqual(['latest']);
  });
  it('builds the image of a version', () => {
    expect(imageFor('ghcr.io/o/s', 'v2')).toBe('ghcr.io/o/s:v2');
    expect(imageFor('ghcr.io/o/s', DIGEST)).toBe(`ghcr.io/o/s@${DIGEST}`);
  });
  it('accepts tags and digests only', () => {
    for (const v of ['v1', '2026.01.02', 'abc_DEF-1', DIGEST]) expect(isValidVersion(v), v).toBe(true);
    for (const v of ['', '-v1', 'v 1', 'a/b', 'sha256:xyz', 'x'.repeat(129), '$(id)']) expect(isValidVersion(v), v).toBe(false);
  });
});

describe('command lines', () => {
  it('splits words with quotes and no shell', () => {
    expect(splitCommandLine(`./deploy.sh production 'a b' "c \\"d\\"" $HOME;x`)).toEqual(['./deploy.sh', 'production', 'a b', 'c "d"', '$HOME;x']);
    expect(splitCommandLine(`  helm upgrade ''  `)).toEqual(['helm', 'upgrade', '']);
    expect(() => splitCommandLine(`echo 'oops`)).toThrow("unterminated ' quote");
  });
  it('quotes for display only', () => {
    expect(shellQuote('server=reg/s:v1')).toBe('server=reg/s:v1');
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });
  it('hands the version over in the environment', () => {
    const to: ReleaseEvent = { type: 'release', id: '1', version: 'v1', at: 't', verified: true, image: 'r:v1' };
    expect(commandEnvironment(to, 'v2', 'prod')).toEqual({
      ML_GATE_VERSION: 'v1',
      ML_GATE_FROM_VERSION: 'v2',
      ML_GATE_IMAGE: 'r:v1',
      ML_GATE_MODEL_SHA256: '',
      ML_GATE_COMMIT: '',
      ML_GATE_ENVIRONMENT: 'prod',
    });
  });
});

describe('kubernetes container choice', () => {
  const cs = [
    { name: 'server', image: 'a:1' },
    { name: 'proxy', image: 'b:1' },
  ];
  it('takes the named one, or the only one', () => {
    expect(chooseContainer(cs, 'proxy', 'd').image).toBe('b:1');
    expect(chooseContainer([cs[0]], undefined, 'd').name).toBe('server');
    expect(() => chooseContainer(cs, undefined, 'd')).toThrow('Deployment d has 2 containers (server, proxy)');
    expect(() => chooseContainer(cs, 'x', 'd')).toThrow("Input container is 'x', but deployment d has the containers: server, proxy.");
  });
});

describe('configmap ledger document', () => {
  it('parses its own schema and refuses anything else', () => {
    const doc = { schema: LEDGER_SCHEMA, environment: 'p', events: [{ type: 'release', id: '1', version: 'v1', at: 't', verified: true }] };
    expect(parseLedgerDocument(JSON.stringify(doc), 'X')).toEqual(doc.events);
    expect(() => parseLedgerDocument('{', 'X')).toThrow('The ledger X is not valid JSON');
    expect(() => parseLedgerDocument('{"schema":"other","events":[]}', 'X')).toThrow('is not an ml-gate release ledger');
    expect(() => parseLedgerDocument(JSON.stringify({ ...doc, events: [{ type: 'release', id: '1' }] }), 'X')).toThrow('malformed event #1');
  });
  it('numbers events and keeps the newest MAX_EVENTS', () => {
    const one = appendEvent([], { type: 'release', version: 'v1', at: 't', verified: true });
    expect(one.map((e) => e.id)).toEqual(['1']);
    let events = one;
    for (let i = 0; i < MAX_EVENTS; i++) events = appendEvent(events, { type: 'release', version: `v${i + 2}`, at: 't', verified: true });
    expect(events).toHaveLength(MAX_EVENTS);
    expect(events[0].id).toBe('2');
    expect(events.at(-1)!.id).toBe(String(MAX_EVENTS + 1));
  });
});

describe('github deployments as ledger events', () => {
  const payload = { schema: 'ml-gate/release-ledger/v1', kind: 'release', version: 'v1', at: '2026-01-01T00:00:00Z', commit: 'abc' };
  it('reads ours, verified by any success status (a later inactive does not undo it)', () => {
    expect(eventOfDeployment({ id: 7, created_at: 'c', payload }, ['inactive', 'success'])).toEqual({
      type: 'release',
      id: '7',
      version: 'v1',
      at: '2026-01-01T00:00:00Z',
      verified: true,
      commit: 'abc',
    });
    expect(eventOfDeployment({ id: 7, created_at: 'c', payload: JSON.stringify(payload) }, ['in_progress'])).toMatchObject({ verified: false });
  });
  it('ignores deployments that are not ours', () => {
    expect(eventOfDeployment({ id: 1, created_at: 'c', payload: {} }, ['success'])).toBeUndefined();
    expect(eventOfDeployment({ id: 1, created_at: 'c', payload: 'not json' }, [])).toBeUndefined();
  });
  it('reads a rollback and its outcome', () => {
    const p = { schema: 'ml-gate/release-ledger/v1', kind: 'rollback', from: 'v2', to: 'v1', reason: 'r', trigger: 't' };
    expect(eventOfDeployment({ id: 9, created_at: 'c', payload: p }, ['failure'])).toMatchObject({ type: 'rollback', from: 'v2', to: 'v1', at: 'c', outcome: 'failed' });
  });
  it('keeps status descriptions within 140 characters', () => {
    expect(statusDescription('x'.repeat(200))).toHaveLength(140);
    expect(statusDescription('short')).toBe('short');
  });
});

describe('kubeconfigSecrets', () => {
  it('finds the credentials in block YAML, flow YAML and JSON kubeconfigs', () => {
    const yaml = ['users:', '- name: ci', '  user:', '    token: yaml-tok-123', "    client-key-data: 'S0VZ'", '    password: "p@ss word"'].join('\n');
    expect(kubeconfigSecrets(yaml)).toEqual(['yaml-tok-123', 'S0VZ', 'p@ss word']);
    const flow = 'users: [{name: ci, user: {token: flow-tok-456, client-certificate-data: Q0VSVA==}}]';
    expect(kubeconfigSecrets(flow)).toEqual(['flow-tok-456', 'Q0VSVA==']);
    const json = '{"users":[{"name":"ci","user":{"token":"json-tok-789","auth-provider":{"config":{"id-token":"idt\\"x","refresh-token":"rft"}}}}]}';
    expect(kubeconfigSecrets(json)).toEqual(['json-tok-789', 'idt"x', 'rft']);
    expect(kubeconfigSecrets('clusters:\n- cluster: {server: https://k8s}\n')).toEqual([]);
  });
});
