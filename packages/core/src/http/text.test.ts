import { describe, expect, it } from 'vitest';

import { truncate } from './text.js';

describe('truncate', () => {
  it('keeps short text, cuts long text and says how much was cut', () => {
    expect(truncate('a\n b')).toBe('a b');
    expect(truncate('x'.repeat(310), 300)).toBe(`${'x'.repeat(300)}… (10 more characters)`);
  });
});
