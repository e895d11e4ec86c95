import { UserError, fileProblem, parseError, parsed, type ParseResult } from '../errors.js';
import type { ValueInfo } from '../onnx/model-file.js';
import { FileTooLargeError, readRegularFile } from '../util/files.js';
import { formatBytes } from '../util/format.js';

/** One line of a signature: `name: type[dim, dim, ...]`; a dim is a size, a symbol, or `?`. */
export interface SignatureEntry {
  name: string;
  type: string;
  shape: (number | string | null)[];
}

export interface Signature {
  inputs: SignatureEntry[];
  outputs: SignatureEntry[];
}

const TYPE_ALIASES: Record<string, string> = { float: 'float32', double: 'float64', half: 'float16', long: 'int64', int: 'int32' };

/**
 * Parses a signature. Lines `inputs:` / `outputs:` open a section; an entry line outside a
 * section is an input until the first entry named in `outputs:`. Also accepts
 * `input features: float32[batch, 20]` and `output logits: ...` prefixes. `#` starts a comment.
 * The error names the line it cannot read; a text without any entry is an error too.
 */
export function parseSignature(text: string): ParseResult<Signature> {
  const sig: Signature = { inputs: [], outputs: [] };
  let section: 'inputs' | 'outputs' = 'inputs';
  for (const [i, rawLine] of text.split('\n').entries()) {
    const line = rawLine.replace(/#.*/, '').trim().replace(/^-\s*/, '');
    if (!line) continue;
    const header = /^(inputs?|outputs?)\s*:\s*$/i.exec(line);
    if (header) {
      section = header[1].toLowerCase().startsWith('in') ? 'inputs' : 'outputs';
      continue;
    }
    const m = /^(?:(input|output)\s+)?([^\s:]+)\s*:\s*([A-Za-z0-9]+)\s*\[([^\]]*)\]$/.exec(line);
    if (!m) return parseError(`line ${i + 1} '${rawLine.trim()}' is not 'name: type[dims]' (e.g. 'features: float32[batch, 20]')`);
    const target = m[1] ? (m[1] === 'input' ? 'inputs' : 'outputs') : section;
    const dims = m[4].trim() === '' ? [] : m[4].split(',').map((d) => d.trim());
    const shape = dims.map((d) => (d === '?' || d === '-1' ? null : /^\d+$/.test(d) ? Number(d) : d));
    if (shape.some((d) => d === '')) return parseError(`line ${i + 1} '${rawLine.trim()}' has an empty dimension`);
    const type = m[3].toLowerCase();
    sig[target].push({ name: m[2], type: TYPE_ALIASES[type] ?? type, shape });
  }
  // nothing to hold the model to: comments or section headers alone are not a signature
  if (!sig.inputs.length && !sig.outputs.length)
    return parseError("it lists no input or output; give one 'name: type[dims]' line each (e.g. 'features: float32[batch, 20]')");
  return parsed(sig);
}

/** The most bytes read of a signature file (1 MiB): a signature is a few lines. */
export const MAX_SIGNATURE_BYTES = 2 ** 20;

/** The text of the signature file input `signature` names: a regular file (a FIFO would never end) of at most 1 MiB. */
export async function readSignatureFile(path: string): Promise<string> {
  const refuse = (what: string) => new UserError(`Input signature names ${path}, which ${what}.`, { input: 'signature', file: path });
  try {
    return (await readRegularFile(path, MAX_SIGNATURE_BYTES)).toString('utf8');
  } catch (e) {
    if (e instanceof FileTooLargeError) throw refuse(`is ${formatBytes(e.size)}; a signature file is at most 1 MiB`);
    throw refuse(fileProblem(e, 'a signature file'));
  }
}

export function formatEntry(e: { name: string; type: string; shape: (number | string | null)[] | null }): string {
  return `${e.name}: ${e.type}[${e.shape === null ? '...' : e.shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
}

/**
 * Differences between the expected signature and the model's. Symbolic dimensions match any
 * symbol (names may differ between exporters) but not a fixed size; `?` matches anything.
 */
export function compareSignature(expected: Signature, inputs: ValueInfo[], outputs: ValueInfo[]): string[] {
  const problems: string[] = [];
  const side = (kind: 'input' | 'output', want: SignatureEntry[], have: ValueInfo[]) => {
    const byName = new Map(have.map((v) => [v.name, v]));
    for (const w of want) {
      const h = byName.get(w.name);
      if (!h) {
        problems.push(`${kind} '${w.name}' is missing; the model's ${kind}s are ${have.map((v) => v.name).join(', ') || 'none'}`);
        continue;
      }
      if (h.type !== w.type) problems.push(`${kind} '${w.name}' is ${h.type}, expected ${w.type}`);
      if (h.shape === null) {
        problems.push(`${kind} '${w.name}' has no declared shape, expected [${formatEntry(w).split('[')[1]}`);
        continue;
      }
      const hs = h.shape;
      if (hs.length !== w.shape.length) {
        problems.push(`${kind} '${w.name}' has rank ${hs.length} (${formatEntry(h)}), expected rank ${w.shape.length} (${formatEntry(w)})`);
        continue;
      }
      w.shape.forEach((d, a) => {
        const g = hs[a];
        if (d === null) return;
        if (typeof d === 'number' && g !== d) problems.push(`${kind} '${w.name}' dimension ${a} is ${g ?? '?'}, expected ${d}`);
        if (typeof d === 'string' && typeof g !== 'string')
          problems.push(`${kind} '${w.name}' dimension ${a} is ${g ?? '?'}, expected a symbolic dimension (${d})`);
      });
    }
    const wanted = new Set(want.map((w) => w.name));
    for (const h of have)
      if (!wanted.has(h.name))
        problems.push(`the model has an extra ${kind} '${h.name}' (${formatEntry(h)}) that the signature does not list`);
  };
  side('input', expected.inputs, inputs);
  side('output', expected.outputs, outputs);
  return problems;
}
