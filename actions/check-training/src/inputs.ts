// Every input action.yml declares, named once (test/action-readmes.test.ts checks the two agree).
// The runner passes undeclared `with:` keys too; the action refuses them (checkInputsDeclared).
export const INPUTS = [
  'log',
  'format',
  'loss-column',
  'val-loss-column',
  'grad-norm-column',
  'epoch-column',
  'min-loss-decrease',
  'window',
  'plateau-tolerance',
  'divergence-tolerance',
  'max-grad-norm',
  'val-loss-rising',
  'bounds',
  'report',
] as const;
