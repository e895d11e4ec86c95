import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type YAMLMap } from 'yaml';

// Every `uses:` of one of OUR actions — `OWNER/REPO/actions/<name>@...` in the examples, `./actions/<name>`
// in the project's own workflows — is checked against that action's action.yml: every `with:` key is a
// declared input, and every required input (required: true without a default) is given. actionlint
// cannot check this (it knows the inputs of published actions only), and the runner does not refuse an
// undeclared input: it passes it as INPUT_<NAME> after a warning nobody reads, so a misspelt
// `min_improvement:` would leave the gate at its default. (Our actions refuse undeclared inputs at run
// time too; this finds them before anything runs.) The actions are read from actions/*/action.yml as
// they are: a new action is checked as soon as its action.yml exists.

const root = new URL('../', import.meta.url);
const workflowDirs = ['.github/workflows', 'examples/workflows'];

interface ActionSpec {
  inputs: Map<string, { required: boolean; hasDefault: boolean }>;
}

function readAction(name: string): ActionSpec | undefined {
  const file = new URL(`actions/${name}/action.yml`, root);
  if (!existsSync(file)) return undefined;
  const meta = parseDocument(readFileSync(file, 'utf8')).toJS() as { inputs?: Record<string, { required?: boolean; default?: unknown }> };
  const inputs = new Map<string, { required: boolean; hasDefault: boolean }>();
  for (const [k, v] of Object.entries(meta.inputs ?? {}))
    inputs.set(k, { required: v?.required === true, hasDefault: v?.default !== undefined });
  return { inputs };
}

/** Our action named by a `uses:` value, or undefined for anyone else's. */
function ourAction(uses: string): string | undefined {
  return (/^OWNER\/REPO\/actions\/([A-Za-z0-9_.-]+)@/.exec(uses) ?? /^\.\/actions\/([A-Za-z0-9_.-]+)\/?$/.exec(uses))?.[1];
}

/** Problems with the `with:` of every step using one of our actions, as `file:line: message`. */
function inputProblems(file: string, text: string, actions: (name: string) => ActionSpec | undefined = readAction): string[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  const lineOf = (node: Node | null | undefined) => (node?.range ? lines.linePos(node.range[0]).line : 0);
  const jobs = (doc.contents as YAMLMap | null)?.get?.('jobs', true);
  if (!isMap(jobs)) return [];
  const problems: string[] = [];
  for (const job of jobs.items) {
    const steps = isMap(job.value) ? job.value.get('steps', true) : undefined;
    if (!isSeq(steps)) continue;
    for (const step of steps.items) {
      if (!isMap(step)) continue;
      const usesNode = step.get('uses', true);
      if (!isScalar(usesNode) || typeof usesNode.value !== 'string') continue;
      const name = ourAction(usesNode.value);
      if (!name) continue;
      const where = `${file}:${lineOf(usesNode)}`;
      const spec = actions(name);
      if (!spec) {
        problems.push(`${where}: ${usesNode.value} names actions/${name}, which has no action.yml`);
        continue;
      }
      const withNode = step.get('with', true);
      const given = new Set<string>();
      if (isMap(withNode)) {
        for (const pair of withNode.items) {
          const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
          given.add(key);
          if (!spec.inputs.has(key)) {
            const close = [...spec.inputs.keys()].find((k) => k.replace(/[-_]/g, '') === key.replace(/[-_]/g, '').toLowerCase());
            problems.push(
              `${file}:${lineOf(pair.key as Node)}: ${name} has no input '${key}'${close ? ` (did you mean '${close}'?)` : ''}; its inputs: ${[...spec.inputs.keys()].join(', ')}`,
            );
          }
        }
      }
      for (const [input, s] of spec.inputs) {
        if (s.required && !s.hasDefault && !given.has(input))
          problems.push(`${where}: ${name} needs input '${input}' (required, no default)`);
      }
    }
  }
  return problems;
}

const files = workflowDirs.flatMap((dir) => {
  const abs = new URL(`${dir}/`, root);
  return existsSync(abs)
    ? readdirSync(abs)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort()
        .map((f) => `${dir}/${f}`)
    : [];
});

it('finds the workflows and our actions in them', () => {
  expect(files).toContain('.github/workflows/ci.yml');
  expect(files).toContain('examples/workflows/ml-pipeline.yml');
  const uses = files.flatMap((f) => [...readFileSync(new URL(f, root), 'utf8').matchAll(/uses:\s*(\S+)/g)].map((m) => m[1]));
  const ours = new Set(uses.map(ourAction).filter(Boolean));
  for (const a of ['validate-data', 'evaluate-baseline', 'validate-onnx', 'smoke-test', 'rollback']) expect(ours).toContain(a);
});

describe.each(files)('%s', (file) => {
  it('gives each of our actions only inputs it declares, and every input it requires', () => {
    expect(inputProblems(file, readFileSync(new URL(file, root), 'utf8'))).toEqual([]);
  });
});

describe('the check itself', () => {
  const spec = (inputs: Record<string, { required?: boolean; default?: string }>): ActionSpec => ({
    inputs: new Map(Object.entries(inputs).map(([k, v]) => [k, { required: v.required === true, hasDefault: v.default !== undefined }])),
  });
  const actions = (name: string) =>
    ({
      'evaluate-baseline': spec({ 'new-model': {}, 'min-improvement': {}, report: { default: 'eval_report.json' } }),
      'smoke-test': spec({ url: { required: true }, protocol: { required: true, default: 'http' } }),
    })[name];
  const workflow = [
    'name: bad', //                                             1
    'on: push', //                                              2
    'jobs:', //                                                 3
    '  a:', //                                                  4
    '    runs-on: ubuntu-latest', //                            5
    '    steps:', //                                            6
    '      - uses: OWNER/REPO/actions/evaluate-baseline@evaluate-baseline/v1', // 7
    '        with:', //                                         8
    '          new-model: model.onnx', //                       9
    "          min_improvement: '0.01'", //                     10
    '      - uses: ./actions/smoke-test', //                    11
    '        with:', //                                         12
    '          protocol: http', //                              13
    '      - uses: OWNER/REPO/actions/evaluate-baselin@evaluate-baseline/v1', // 14
    '      - uses: actions/checkout@11d5960a326750d5838078e36cf38b85af677262 # v4.4.0', // 15
    '        with:', //                                         16
    '          anything: goes', //                              17
    '',
  ].join('\n');

  it('reports a misspelt input with the file and line, an absent required input, and an action that does not exist', () => {
    expect(inputProblems('x.yml', workflow, actions)).toEqual([
      "x.yml:10: evaluate-baseline has no input 'min_improvement' (did you mean 'min-improvement'?); its inputs: new-model, min-improvement, report",
      "x.yml:11: smoke-test needs input 'url' (required, no default)",
      'x.yml:14: OWNER/REPO/actions/evaluate-baselin@evaluate-baseline/v1 names actions/evaluate-baselin, which has no action.yml',
    ]);
  });
  it('reads the real action.yml files: a misspelt input of a real action is found', () => {
    const text = workflow.replace('./actions/smoke-test', './actions/validate-onnx').replace('protocol: http', 'refrence-inputs: x.npy');
    expect(inputProblems('y.yml', text)).toContain("y.yml:11: validate-onnx needs input 'model' (required, no default)");
    expect(inputProblems('y.yml', text).some((p) => p.startsWith("y.yml:13: validate-onnx has no input 'refrence-inputs'"))).toBe(true);
  });
  it('knows our actions from everyone else’s', () => {
    expect(ourAction('OWNER/REPO/actions/rollback@rollback/v1')).toBe('rollback');
    expect(ourAction('./actions/check-training')).toBe('check-training');
    expect(ourAction('actions/checkout@11d5960a326750d5838078e36cf38b85af677262')).toBeUndefined();
    expect(ourAction('iterative/setup-dvc@v1')).toBeUndefined();
  });
});
