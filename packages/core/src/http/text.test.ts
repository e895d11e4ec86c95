import { afterEach, describe, expect, it } from 'vitest';

import { forgetSecretsForTests, registerSecret } from '../util/secrets.js';
import { truncate } from './text.js';

describe('truncate', () => {
  afterEach(() => forgetSecretsForTests());
  it('keeps short text, cuts long text and says how much was cut', () => {
    expect(truncate('a\n b')).toBe('a b');
    expect(truncate('x'.repeat(310), 300)).toBe(`${'x'.repeat(300)}… (10 more characters)`);
  });
  it('redacts the secrets of the run before cutting: no half token at the end of an excerpt', () => {
    registerSecret('Bearer echo-s3cret-token');
    const body = `{"headers": {"authorization": "Bearer echo-s3cret-token"}}`;
    for (let max = 20; max < body.length; max++) expect(truncate(body, max)).not.toMatch(/s3c|echo-|Bearer e/);
    expect(truncate(body, 300)).toBe('{"headers": {"authorization": "***"}}');
  });
});
