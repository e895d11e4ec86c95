// Where a shard's partial result goes and where the merge finds them: artifacts of this workflow
// run (PREFIX-k-of-n, uploaded and downloaded with @actions/artifact), or a folder.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { UserError, fileProblem } from '@ml-gate/core';
import { findPartialFiles, partialName, readPartial, type LoadedPartial, type ShardSpec } from '@ml-gate/core/evaluation';
import { downloadRunArtifacts, runnerTempDir, uploadArtifactFile } from '@ml-gate/core/github';

import type { PartialsLocation } from './config.js';

/** The artifact of shard k of n: PREFIX-k-of-n. */
function artifactName(prefix: string, shard: ShardSpec): string {
  return `${prefix}-${shard.index}-of-${shard.count}`;
}

async function writeIn(dir: string, name: string, text: string): Promise<string> {
  const file = join(dir, `${name}.json`);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(file, text);
  } catch (e) {
    throw new UserError(`The partial result cannot be written to ${file}: it ${fileProblem(e, 'a folder')}.`, { input: 'partials', file });
  }
  return file;
}

/** Writes the partial (and uploads it as this shard's artifact); returns where it went, for the log. */
export async function storePartial(location: PartialsLocation, shard: ShardSpec, text: string): Promise<string> {
  const name = partialName(shard);
  if (location.kind === 'directory') return writeIn(location.path, name, text);
  const dir = await runnerTempDir('ml-gate-partial-');
  const file = await writeIn(dir, name, text);
  const artifact = artifactName(location.prefix, shard);
  const { size } = await uploadArtifactFile(artifact, file);
  return `artifact ${artifact} (${size} bytes)`;
}

/** Every partial the shards left: downloaded from this run's artifacts PREFIX-k-of-n, or found in the folder. */
export async function loadPartials(location: PartialsLocation): Promise<LoadedPartial[]> {
  let dir: string;
  if (location.kind === 'directory') {
    dir = location.path;
  } else {
    dir = await runnerTempDir('ml-gate-partials-');
    const pattern = new RegExp(`^${location.prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-\\d+-of-\\d+$`);
    const artifacts = await downloadRunArtifacts((name) => pattern.test(name), dir);
    if (artifacts.length === 0) {
      throw new UserError(`No artifact of this workflow run is named ${location.prefix}-k-of-n: there are no partial results to merge.`, {
        input: 'partials',
        hint: 'The merge job must `needs:` the shard jobs, which run with shard: k/n and the same partials input.',
      });
    }
  }
  const files = await findPartialFiles(dir);
  return Promise.all(files.map(async (file) => ({ file, partial: await readPartial(file) })));
}
