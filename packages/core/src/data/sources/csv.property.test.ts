/**
 * csv-parse is the specification of the tokenizer: for random tables (fields holding delimiters,
 * quotes, CR, LF, CRLF, unicode; empty fields; blank lines; a BOM; LF, CRLF or CR record ends;
 * no final newline) and for random text from a small alphabet (most of it malformed), read in
 * random chunk sizes so fields and records span reads, csvRecords gives csv-parse's records, and
 * fails exactly where csv-parse does.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { UserError } from '../../errors.js';
import { csvRecords } from './csv.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'csv-prop-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Syntax {
  delimiter: string;
  quote: string;
}

type Outcome = { records: string[][] } | { error: string };

function oracle(bytes: Buffer, s: Syntax): Outcome {
  try {
    const records: string[][] = parse(bytes, {
      delimiter: s.delimiter,
      quote: s.quote,
      escape: s.quote, // a doubled quote is a literal one (csv-parse's default escape is '"' whatever the quote)
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
    });
    return { records };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

let fileNumber = 0;
async function ours(bytes: Buffer, s: Syntax, chunkBytes: number): Promise<Outcome> {
  const path = join(dir, `t${fileNumber++}.csv`);
  await writeFile(path, bytes);
  try {
    const records: string[][] = [];
    for await (const r of csvRecords(path, { ...s, chunkBytes })) records.push(r);
    return { records };
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    return { error: e.message };
  } finally {
    await rm(path);
  }
}

/** Both read the same records, or both refuse the text. */
function expectSame(got: Outcome, want: Outcome, text: string): void {
  if ('error' in want) {
    expect('error' in got, `csv-parse fails (${want.error}) on ${JSON.stringify(text)}`).toBe(true);
  } else {
    expect(got, JSON.stringify(text)).toEqual(want);
  }
}

const syntaxes = fc.constantFrom<Syntax>({ delimiter: ',', quote: '"' }, { delimiter: '\t', quote: '"' }, { delimiter: ';', quote: "'" });

/** A field's text: the characters that matter to the syntax, plain ones, multi-byte ones. */
const fieldText = fc
  .array(fc.constantFrom('a', 'b', ' ', '1', '.', '-', ',', ';', '\t', '"', "'", '\r', '\n', '\r\n', 'é', '€', '😀', 'NA'), {
    maxLength: 6,
  })
  .map((parts) => parts.join(''));

/** Writes a field: quoted when it must be (or at random), its quotes doubled. */
function encodeField(text: string, s: Syntax, quoteAnyway: boolean): string {
  const special = text.includes(s.delimiter) || text.includes(s.quote) || text.includes('\r') || text.includes('\n');
  if (!special && !quoteAnyway) return text;
  return s.quote + text.replaceAll(s.quote, s.quote + s.quote) + s.quote;
}

const tables = fc.record({
  syntax: syntaxes,
  columns: fc.integer({ min: 1, max: 4 }),
  rows: fc.array(fc.array(fc.tuple(fieldText, fc.boolean()), { minLength: 4, maxLength: 4 }), { maxLength: 8 }),
  newline: fc.constantFrom('\n', '\r\n', '\r'),
  blankAfter: fc.array(fc.nat({ max: 2 }), { minLength: 9, maxLength: 9 }),
  bom: fc.boolean(),
  finalNewline: fc.boolean(),
  chunkBytes: fc.integer({ min: 1, max: 48 }),
});

describe('csvRecords against csv-parse (fast-check)', () => {
  it('reads random well-formed tables as csv-parse does', async () => {
    await fc.assert(
      fc.asyncProperty(tables, async (t) => {
        const lines = t.rows.map((row) =>
          row
            .slice(0, t.columns)
            .map(([text, q]) => encodeField(text, t.syntax, q))
            .join(t.syntax.delimiter),
        );
        let text = lines.map((line, i) => line + t.newline + t.newline.repeat(t.blankAfter[i])).join('');
        if (!t.finalNewline && text.endsWith(t.newline)) text = text.slice(0, -t.newline.length);
        const bytes = Buffer.from((t.bom ? '\uFEFF' : '') + text, 'utf8');
        expectSame(await ours(bytes, t.syntax, t.chunkBytes), oracle(bytes, t.syntax), text);
      }),
      { numRuns: 400 },
    );
  });

  it('reads random text of delimiters, quotes and line breaks as csv-parse does, or fails where it fails', async () => {
    const alphabet = fc.constantFrom('a', ',', '"', '\r', '\n', ' ', 'é');
    await fc.assert(
      fc.asyncProperty(fc.array(alphabet, { maxLength: 24 }), fc.integer({ min: 1, max: 16 }), async (chars, chunkBytes) => {
        const text = chars.join('');
        const bytes = Buffer.from(text, 'utf8');
        const syntax = { delimiter: ',', quote: '"' };
        expectSame(await ours(bytes, syntax, chunkBytes), oracle(bytes, syntax), text);
      }),
      { numRuns: 1500 },
    );
  });
});
