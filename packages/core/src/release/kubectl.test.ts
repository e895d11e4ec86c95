import { describe, expect, it } from 'vitest';

import { shellQuote } from './kubectl.js';

describe('shellQuote', () => {
  it('quotes for display only', () => {
    expect(shellQuote('server=reg/s:v1')).toBe('server=reg/s:v1');
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });
});
