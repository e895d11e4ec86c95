/**
 * @actions/core speaks to the runner through stdout: `::error file=F,title=T::message` lines
 * (command.js issueCommand writes them with process.stdout.write), which a terminal shows raw. On
 * the command line they become readable lines: "error: message (F)", debug lines only with
 * RUNNER_DEBUG=1, groups as a heading; any other line goes through untouched.
 */

/** Anything text is written to: a stream of the terminal, or a test's collector. */
export interface TextSink {
  write(text: string): unknown;
}

const unescapeData = (s: string) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
const unescapeProperty = (s: string) => unescapeData(s.replace(/%3A/g, ':').replace(/%2C/g, ','));

/** A workflow command line, read back into its parts; undefined for an ordinary line. */
export function parseWorkflowCommand(line: string): { command: string; properties: Record<string, string>; message: string } | undefined {
  const m = /^::([a-zA-Z-]+)(?: ([^:]*))?::(.*)$/.exec(line);
  if (!m) return undefined;
  const properties: Record<string, string> = {};
  for (const pair of (m[2] ?? '').split(',')) {
    const eq = pair.indexOf('=');
    if (eq > 0) properties[pair.slice(0, eq)] = unescapeProperty(pair.slice(eq + 1));
  }
  return { command: m[1], properties, message: unescapeData(m[3]) };
}

/** Where an annotation points, as "file:line:col" (what editors and terminals link). */
function location(properties: Record<string, string>): string {
  const { file, line, col } = properties;
  if (!file) return '';
  return ` (${[file, line, line && col].filter(Boolean).join(':')})`;
}

/**
 * The terminal's rendering of one stdout line of an action: [stream, text] or undefined to drop
 * it. `action` is the action's name: a title that only repeats it is left out.
 */
export function renderLine(line: string, action: string, debug: boolean): ['out' | 'err', string] | undefined {
  const command = parseWorkflowCommand(line);
  if (!command) return ['out', line];
  const { properties, message } = command;
  switch (command.command) {
    case 'error':
    case 'warning':
    case 'notice': {
      const title = properties.title && properties.title !== action ? `${properties.title.replace(`${action}: `, '')}: ` : '';
      return ['err', `${command.command}: ${title}${message}${location(properties)}`];
    }
    case 'debug':
      return debug ? ['err', `debug: ${message}`] : undefined;
    case 'group':
      return ['out', `== ${message}`];
    case 'endgroup':
    case 'add-mask':
    case 'echo':
      return undefined;
    default:
      return ['out', line];
  }
}

/**
 * Replaces process.stdout.write until `restore()`: what the action writes is split into lines and
 * rendered by renderLine onto `out` / `err` (the real streams, captured before).
 */
export function interceptWorkflowCommands(action: string, streams: { out: TextSink; err: TextSink }, debug: boolean): () => void {
  const original = process.stdout.write.bind(process.stdout);
  const toOut = (text: string) => (streams.out === process.stdout ? original(text) : streams.out.write(text));
  let pending = '';
  const emit = (line: string) => {
    const rendered = renderLine(line.replace(/\r$/, ''), action, debug);
    if (rendered?.[0] === 'err') streams.err.write(`${rendered[1]}\n`);
    else if (rendered) toOut(`${rendered[1]}\n`);
  };
  process.stdout.write = (chunk: string | Uint8Array, ...rest: unknown[]) => {
    pending += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    lines.forEach(emit);
    const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    done?.();
    return true;
  };
  return () => {
    if (pending) emit(pending);
    pending = '';
    process.stdout.write = original;
  };
}
