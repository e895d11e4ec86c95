import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { kubeconfigSecrets } from './kubeconfig-secrets.js';

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

describe('kubeconfigSecrets: every credential a kubeconfig holds', () => {
  it('multi-line values: literal and folded block scalars, quoted scalars over several lines, plain scalars continued', () => {
    const yaml = [
      'apiVersion: v1',
      'users:',
      '- name: ci',
      '  user:',
      '    client-key-data: |',
      '      LS0tLS1CRUdJTi',
      '      BSU0EgUFJJVkFURSBLRVktLS0tLQ==',
      '    password: >-',
      '      folded',
      '      pass',
      '    token: "multi',
      '      line \\u0041"',
      "    client-secret: 'it''s",
      "      quoted'",
      '    refresh-token:',
      '      rt-continued',
      '      on-two-lines',
      '    username: admin',
      'current-context: ci',
    ].join('\r\n');
    expect(kubeconfigSecrets(yaml)).toEqual([
      'LS0tLS1CRUdJTi\nBSU0EgUFJJVkFURSBLRVktLS0tLQ==',
      'folded pass',
      'multi line A',
      "it's quoted",
      'rt-continued on-two-lines',
    ]);
  });

  it('auth-provider config: access-token, id-token, refresh-token, client-secret; not the client id or the issuer', () => {
    const yaml = [
      'users:',
      '- name: oidc',
      '  user:',
      '    auth-provider:',
      '      name: oidc',
      '      config:',
      '        client-id: kubernetes',
      '        client-secret: cs-1',
      '        id-token: eyJhbGciOi.x.y',
      '        idp-issuer-url: https://issuer.example.com',
      '        refresh-token: rt-2',
      '- name: gcp',
      '  user:',
      '    auth-provider:',
      '      config: {access-token: "ya29.at", expiry: "2026-01-01T00:00:00Z", cmd-path: gcloud}',
    ].join('\n');
    expect(kubeconfigSecrets(yaml)).toEqual(['cs-1', 'eyJhbGciOi.x.y', 'rt-2', 'ya29.at']);
  });

  it("an exec plugin's env entries named like secrets, in block and flow style; not the others", () => {
    const yaml = [
      'users:',
      '- name: aws',
      '  user:',
      '    exec:',
      '      apiVersion: client.authentication.k8s.io/v1beta1',
      '      command: aws',
      '      env:',
      '      - name: AWS_SECRET_ACCESS_KEY',
      '        value: wJalrXUtnFEMI/K7MDENG',
      '      - value: "s.vault0123"',
      '        name: VAULT_TOKEN',
      '      - {name: DB_PASSWORD, value: hunter22}',
      '      - name: AWS_REGION',
      '        value: eu-west-1',
      '      args: [eks, get-token, --cluster-name, prod]',
    ].join('\n');
    expect(kubeconfigSecrets(yaml)).toEqual(['wJalrXUtnFEMI/K7MDENG', 's.vault0123', 'hunter22']);
  });

  it('a password in a server URL, as written and decoded; the user name and the host stay', () => {
    const yaml =
      'clusters:\n- name: c\n  cluster:\n    server: https://admin:pa%24sw0rd@k8s.example.com:6443\n    certificate-authority-data: Q0E=\n';
    expect(kubeconfigSecrets(yaml)).toEqual(['pa%24sw0rd', 'pa$sw0rd']);
    expect(kubeconfigSecrets('clusters:\n- cluster:\n    server: https://k8s.example.com:6443\n')).toEqual([]);
  });

  it('JSON kubeconfigs: the same keys, env entries and URL passwords', () => {
    const json = JSON.stringify(
      {
        apiVersion: 'v1',
        clusters: [{ name: 'c', cluster: { server: 'https://u:pw0rd@k8s:6443' } }],
        users: [
          { name: 'a', user: { 'client-key-data': 'S0VZ', password: 'p"q' } },
          {
            name: 'b',
            user: {
              exec: {
                command: 'x',
                env: [
                  { name: 'API_KEY', value: 'k-123' },
                  { name: 'HOME', value: '/root' },
                ],
              },
            },
          },
        ],
      },
      null,
      2,
    );
    expect(kubeconfigSecrets(json)).toEqual(['S0VZ', 'p"q', 'k-123', 'pw0rd']);
  });

  it('never throws on text it cannot read, and masks no empty or null value', () => {
    for (const text of [
      '',
      '{',
      '[[[',
      'token:',
      'token: ""\npassword: null\n',
      ': : :',
      '"unterminated',
      '- - -',
      'a: {b: [c, {d: e',
      'token: |\n',
    ]) {
      expect(() => kubeconfigSecrets(text)).not.toThrow();
    }
    expect(kubeconfigSecrets('token: ""\npassword: null\nid-token: ~\n')).toEqual([]);
  });
});

describe('kubeconfigSecrets on arbitrary text', () => {
  it('ends and never throws, whatever the text (fast-check)', () => {
    const pieces = fc.constantFrom(
      'token: ',
      'password: |\n  ',
      '- ',
      '{',
      '}',
      '[',
      ']',
      ',',
      ': ',
      '"',
      "'",
      '\\',
      '\n',
      '  ',
      '#',
      'x',
      '-',
      '>',
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.array(pieces, { maxLength: 60 }).map((p) => p.join('')),
        ),
        (text) => {
          expect(Array.isArray(kubeconfigSecrets(text))).toBe(true);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
