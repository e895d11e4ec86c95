// parseArtifactName against @actions/artifact's own validator: the library does not export it, so it
// is imported from its file in the installed package (lib/internal/upload/...), the code an upload runs.
import { describe, expect, it, vi } from 'vitest';

import { validateArtifactName } from '../../../../node_modules/@actions/artifact/lib/internal/upload/path-and-artifact-name-validation.js';
import { parseArtifactName } from './artifact-name.js';

/** Whether the library's validator accepts `name` (it throws otherwise and logs "Artifact name is valid!" when it accepts). */
function libraryAccepts(name: string): boolean {
  const log = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    validateArtifactName(name);
    return true;
  } catch {
    return false;
  } finally {
    log.mockRestore();
  }
}

describe('parseArtifactName', () => {
  it("refuses exactly the names @actions/artifact's validator refuses: every ASCII character and a few beyond", () => {
    const characters = [...Array.from({ length: 128 }, (_, code) => String.fromCharCode(code)), 'é', '\u2028', '\u00a0', '😀', '／'];
    const refused: string[] = [];
    for (const character of characters) {
      for (const name of [character, `partial${character}`, `${character}partial`, `a${character}b`]) {
        expect([name, parseArtifactName(name).ok]).toEqual([name, libraryAccepts(name)]);
      }
      if (!parseArtifactName(`a${character}b`).ok) refused.push(character);
    }
    expect(refused.sort()).toEqual(['\n', '\r', '"', '*', '/', ':', '<', '>', '?', '\\', '|'].sort());
    expect([parseArtifactName('').ok, libraryAccepts('')]).toEqual([false, false]);
  });

  it('names the character found and the whole list', () => {
    expect(parseArtifactName('partial-3-of-7')).toEqual({ ok: true, value: 'partial-3-of-7' });
    expect(parseArtifactName("it's fine")).toEqual({ ok: true, value: "it's fine" });
    expect(parseArtifactName('')).toEqual({ ok: false, error: 'the artifact name is empty' });
    expect(parseArtifactName('partials/3')).toEqual({
      ok: false,
      error: `'partials/3' is not an artifact name: it contains a forward slash / (artifact names cannot hold " : < > | * ? \\ / or line breaks)`,
    });
    const colon = parseArtifactName('mo:del');
    expect(!colon.ok && colon.error).toMatch(/^'mo:del' is not an artifact name: it contains a colon : \(/);
    const lineFeed = parseArtifactName('a\nb');
    expect(!lineFeed.ok && lineFeed.error).toContain('it contains a line feed (');
  });
});
