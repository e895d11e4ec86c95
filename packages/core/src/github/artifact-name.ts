import { parsed, parseError, type ParseResult } from '../errors.js';

/**
 * The characters @actions/artifact refuses in an artifact name, in its order (its
 * validateArtifactName, lib/internal/upload/path-and-artifact-name-validation.js, is not exported),
 * each with the words a message uses. artifact-name.test.ts pins this list against the library's.
 */
const REFUSED: readonly (readonly [character: string, words: string])[] = [
  ['"', 'a double quote "'],
  [':', 'a colon :'],
  ['<', 'a less-than sign <'],
  ['>', 'a greater-than sign >'],
  ['|', 'a vertical bar |'],
  ['*', 'an asterisk *'],
  ['?', 'a question mark ?'],
  ['\r', 'a carriage return'],
  ['\n', 'a line feed'],
  ['\\', 'a backslash \\'],
  ['/', 'a forward slash /'],
];

/**
 * Parses the name of an artifact of a workflow run as @actions/artifact checks it before an upload
 * (not empty; none of " : < > | * ? \ / or a line break), without loading the library: the one rule
 * for an artifact name given to baseline-model (artifact:NAME), for the partials prefix, and for
 * an upload. Error: "the artifact name is empty" / "'a:b' is not an artifact name: it contains a colon : (...)".
 */
export function parseArtifactName(name: string): ParseResult<string> {
  if (!name) return parseError('the artifact name is empty');
  const found = REFUSED.find(([character]) => name.includes(character));
  if (!found) return parsed(name);
  return parseError(
    `'${name}' is not an artifact name: it contains ${found[1]} (artifact names cannot hold " : < > | * ? \\ / or line breaks)`,
  );
}
