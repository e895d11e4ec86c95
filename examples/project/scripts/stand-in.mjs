#!/usr/bin/env node
// Loopback stand-ins for the two services a rollback ledger lives in, for running the example
// pipeline where neither exists: on a laptop, and in this repository's CI (whose job token may not
// write deployments, and which has no cluster). They are NOT GitHub or Kubernetes: they are the
// stand-ins this repository's tests run the rollback action against (test/github-deployments-stub.ts,
// test/kubernetes-api-stub.ts), which speak the real protocol — the GitHub REST API's deployments
// and statuses, and the Kubernetes API as the real kubectl uses it — and keep everything in memory.
//
// Those stand-ins are TypeScript, and Node 20 cannot run TypeScript: they are transpiled here with
// the repository's own TypeScript compiler (a devDependency, `npm ci`), types stripped, nothing
// else changed, into a temporary folder, and imported from there. One source for the tests and the
// example, no copy to drift.
//
//   node examples/project/scripts/stand-in.mjs github-deployments
//   node examples/project/scripts/stand-in.mjs kubernetes --kubeconfig FILE [--namespace NS]
//
// prints one line of JSON, {"url": ...}, once it listens on 127.0.0.1, and serves until SIGTERM.
// With `kubernetes`, writes a kubeconfig for it to FILE (plain HTTP on loopback, a dummy token).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const TEST_DIR = fileURLToPath(new URL('../../../test/', import.meta.url));
const SOURCES = ['loopback.ts', 'github-deployments-stub.ts', 'kubernetes-api-stub.ts'];

/**
 * Transpiles the stand-ins into a temporary folder and imports them. Returns the two classes and a
 * `dispose()` that removes the folder.
 */
export async function loadStandIns() {
  const ts = createRequire(import.meta.url)('typescript');
  const dir = await mkdtemp(join(tmpdir(), 'ml-gate-stand-ins-'));
  await writeFile(join(dir, 'package.json'), '{ "type": "module" }\n');
  for (const file of SOURCES) {
    const source = await readFile(join(TEST_DIR, file), 'utf8');
    const { outputText } = ts.transpileModule(source, {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
    });
    await writeFile(join(dir, file.replace(/\.ts$/, '.js')), outputText);
  }
  const { GitHubDeploymentsStub } = await import(pathToFileURL(join(dir, 'github-deployments-stub.js')).href);
  const { KubernetesApiStub } = await import(pathToFileURL(join(dir, 'kubernetes-api-stub.js')).href);
  return { GitHubDeploymentsStub, KubernetesApiStub, dispose: () => rm(dir, { recursive: true, force: true }) };
}

async function main() {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { kubeconfig: { type: 'string' }, namespace: { type: 'string', default: 'default' } },
  });
  const kind = positionals[0];
  if (!['github-deployments', 'kubernetes'].includes(kind) || (kind === 'kubernetes' && !values.kubeconfig)) {
    console.error('usage: stand-in.mjs github-deployments | stand-in.mjs kubernetes --kubeconfig FILE [--namespace NS]');
    process.exit(2);
  }
  const standIns = await loadStandIns();
  const server = kind === 'github-deployments' ? await standIns.GitHubDeploymentsStub.start() : await standIns.KubernetesApiStub.start();
  if (kind === 'kubernetes') await server.kubeconfig(values.kubeconfig, { namespace: values.namespace });
  console.log(JSON.stringify({ url: server.url, ...(values.kubeconfig ? { kubeconfig: values.kubeconfig } : {}) }));
  const stop = () =>
    server
      .close()
      .then(standIns.dispose)
      .then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
