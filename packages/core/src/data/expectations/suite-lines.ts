/**
 * Where things are in a suite's JSON text, for messages and annotations: the line:column of an
 * offset, and the line of each entry of the top-level `expectations` list. A small scanner over
 * the text (strings and escapes aware), run on text JSON.parse has accepted.
 */

/** 1-based line and column of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: end - start + 1 };
}

/** The offset just past the string that opens at `i` (a '"'). */
function skipString(text: string, i: number): number {
  for (let j = i + 1; j < text.length; j++) {
    const c = text[j];
    if (c === '\\') j++;
    else if (c === '"') return j + 1;
  }
  return text.length;
}

/**
 * The 1-based line of the opening '{' of each element of the top-level object's `expectations`
 * array (the last such key, as JSON.parse keeps the last). Elements that are not objects get the
 * line where they start too. Empty when there is no such array.
 */
export function entryLines(text: string): number[] {
  let depth = 0;
  let lastKey: string | undefined;
  let arrayDepth = -1; // the depth inside the expectations array, while in it
  let lines: number[] = [];
  let found: number[] = [];
  let line = 1;
  let expectValueAt = -1; // depth at which an element starts (just after '[' or ',')
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') {
      line++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') continue;
    if (expectValueAt === depth && depth === arrayDepth && c !== ']') {
      lines.push(line);
      expectValueAt = -1;
    }
    if (c === '"') {
      const end = skipString(text, i);
      if (depth === 1) lastKey = JSON.parse(text.slice(i, end)) as string;
      i = end - 1;
    } else if (c === '{' || c === '[') {
      depth++;
      if (c === '[' && depth === 2 && lastKey === 'expectations' && arrayDepth < 0) {
        arrayDepth = depth;
        lines = [];
        expectValueAt = depth;
      }
    } else if (c === '}' || c === ']') {
      if (depth === arrayDepth) {
        found = lines;
        arrayDepth = -1;
      }
      depth--;
      if (depth === 1) lastKey = undefined;
    } else if (c === ',') {
      if (depth === arrayDepth) expectValueAt = depth;
      if (depth === 1) lastKey = undefined;
    }
  }
  return found;
}
