import { afterEach, describe, expect, it } from 'vitest';

import { forgetSecretsForTests, redactSecrets, registerSecret } from './secrets.js';

afterEach(() => forgetSecretsForTests());

describe('redactSecrets', () => {
  it('replaces a registered secret wherever it stands, and its JSON and URL forms', () => {
    registerSecret('s3cr"et/value');
    expect(redactSecrets('token s3cr"et/value!')).toBe('token ***!');
    expect(redactSecrets(JSON.stringify({ echoed: 's3cr"et/value' }))).toBe('{"echoed":"***"}');
    expect(redactSecrets('?t=s3cr%22et%2Fvalue&x=1')).toBe('?t=***&x=1');
  });
  it('replaces the longer of two overlapping secrets whole, and each line of a multi-line one', () => {
    registerSecret('abc');
    registerSecret('abcdef-123');
    expect(redactSecrets('x abcdef-123 y abc')).toBe('x *** y ***');
    registerSecret('-----BEGIN KEY-----\nMIIEvQIBADANBgkq\n-----END KEY-----');
    expect(redactSecrets('key: MIIEvQIBADANBgkq')).toBe('key: ***');
  });
  it('leaves text alone with no secrets, and ignores one- and two-character values', () => {
    registerSecret('ab');
    expect(redactSecrets('about abba')).toBe('about abba');
  });
});
