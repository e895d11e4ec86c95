export * from './inputs.js';
export * from './run-action.js';
export * from './pr-comment.js';
export * from './reported-action.js';
export * from './secrets.js';
export { uploadArtifactFile, downloadRunArtifacts } from './artifacts.js';
export { parseArtifactName } from './artifact-name.js';
// the runner's temporary folder (RUNNER_TEMP) is the runner's: entered here, kept with the file helpers
export { runnerTemp, runnerTempDir } from '../util/files.js';
export type { UploadedArtifact, DownloadedArtifact } from './artifacts.js';
export { fetchBaseline, parseBaselineLocation, parseBaselineWorkflow } from './baseline-source.js';
export type { BaselineLocation, BaselineOrigin, FetchedBaseline, MissingBaseline as MissingBaselineSource } from './baseline-source.js';
