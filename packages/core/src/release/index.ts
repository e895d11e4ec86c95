// The release domain (rollback): ledgers of releases, targets that run a version, the choice of a
// rollback target, a record or rollback run from the action's parsed inputs, and the report.
export * from './ledger.js';
export * from './configmap-ledger.js';
export * from './github-deployments-ledger.js';
export * from './github-api-errors.js';
export * from './retry.js';
export * from './image.js';
export * from './kubectl.js';
export * from './kubeconfig-secrets.js';
export * from './deployment.js';
export * from './kubernetes.js';
export * from './command.js';
export * from './target.js';
export * from './select.js';
export * from './unsettled.js';
export * from './rollback-report.js';
export * from './record.js';
export * from './rollback.js';
export * from './run.js';
