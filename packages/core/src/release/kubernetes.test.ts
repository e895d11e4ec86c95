import { describe, expect, it } from 'vitest';

import { chooseContainer } from './kubernetes.js';

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
