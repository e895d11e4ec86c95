// Every input action.yml declares, named once (test/action-readmes.test.ts checks the two agree).
// The runner passes undeclared `with:` keys too; the action refuses them (checkInputsDeclared).
export const INPUTS = [
  'new-model',
  'baseline-model',
  'eval-data',
  'features',
  'labels',
  'metric',
  'min-improvement',
  'significance-level',
  'task',
  'input-name',
  'output-name',
  'missing-baseline',
  'batch-size',
  'threads',
  'report',
  'comment',
  'github-token',
  'onnxruntime-path',
] as const;
