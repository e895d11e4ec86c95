import { describe, expect, it } from 'vitest';

import { kubeconfigSecrets, shellQuote } from './kubectl.js';

describe('shellQuote', () => {
  it('quotes for display only', () => {
    expect(shellQuote('server=reg/s:v1')).toBe('server=reg/s:v1');
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });
});

describe('kubeconfigSecrets', () => {
  it('finds the credentials in block YAML, flow YAML and JSON kubeconfigs', () => {
    const yaml = [
      'users:',
      '- name: ci',
      '  user:',
      '    token: yaml-tok-123',
      "    client-key-data: 'S0VZ'",
      '    password: "p@ss word"',
    ].join('\n');
    expect(kubeconfigSecrets(yaml)).toEqual(['yaml-tok-123', 'S0VZ', 'p@ss word']);
    const flow = 'users: [{name: ci, user: {token: flow-tok-456, client-certificate-data: Q0VSVA==}}]';
    expect(kubeconfigSecrets(flow)).toEqual(['flow-tok-456', 'Q0VSVA==']);
    const json =
      '{"users":[{"name":"ci","user":{"token":"json-tok-789","auth-provider":{"config":{"id-token":"idt\\"x","refresh-token":"rft"}}}}]}';
    expect(kubeconfigSecrets(json)).toEqual(['json-tok-789', 'idt"x', 'rft']);
    expect(kubeconfigSecrets('clusters:\n- cluster: {server: https://k8s}\n')).toEqual([]);
  });
});
