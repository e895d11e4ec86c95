// Every input action.yml declares, named once (test/action-readmes.test.ts checks the two agree).
// The runner passes undeclared `with:` keys too; the action refuses them (checkInputsDeclared).
export const INPUTS = [
  'model',
  'reference-inputs',
  'reference-outputs',
  'atol',
  'rtol',
  'tolerance-mode',
  'max-mismatch-ratio',
  'signature',
  'dynamic-batch',
  'max-size-mb',
  'seed',
  'threads',
  'report',
  'onnxruntime-path',
] as const;
