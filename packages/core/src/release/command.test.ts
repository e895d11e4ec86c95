import { describe, expect, it } from 'vitest';

import { parsed } from '../errors.js';
import { CommandTarget, commandEnvironment, splitCommandLine } from './command.js';
import type { ReleaseEvent } from './ledger.js';

describe('command lines', () => {
  it('splits words with quotes and no shell', () => {
    expect(splitCommandLine(`./deploy.sh production 'a b' "c \\"d\\"" $HOME;x`)).toEqual(
      parsed(['./deploy.sh', 'production', 'a b', 'c "d"', '$HOME;x']),
    );
    expect(splitCommandLine(`  helm upgrade ''  `)).toEqual(parsed(['helm', 'upgrade', '']));
    expect(splitCommandLine(`echo 'oops`)).toEqual({ ok: false, error: expect.stringContaining("unterminated ' quote") });
  });
  it('a command input that does not split is a bad input, named', () => {
    expect(() => new CommandTarget(`echo 'oops`, 'prod')).toThrow("Input command is 'echo 'oops': it has an unterminated ' quote.");
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
