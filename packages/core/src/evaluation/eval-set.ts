import { stat } from 'node:fs/promises';
import { basename, join } from 'node:path';

import { UserError, fileProblem } from '../errors.js';
import { NpzArchive, openNpy, type NpyArray } from '../npy/array.js';

export interface EvalSet {
  features: NpyArray;
  labels: NpyArray;
  /** The files the set was read from (one .npz, or the two .npy files). */
  files: string[];
  /** Opens the labels once more from the start (a compressed member can only be read forward once). */
  reopenLabels(): Promise<NpyArray>;
  close(): Promise<void>;
}

const EVAL_DATA_HINT = 'Expected a directory with features.npy and labels.npy, or an .npz file.';

/**
 * Opens the held-out set: a directory with `<features>.npy` and `<labels>.npy`, or an `.npz`
 * holding arrays named `features` and `labels` (names overridable).
 */
export async function openEvalSet(path: string, featuresName = 'features', labelsName = 'labels'): Promise<EvalSet> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(path)).isDirectory();
  } catch (e) {
    throw new UserError(`eval-data ${path} ${fileProblem(e, 'a directory or an .npz file')}.`, {
      file: path,
      input: 'eval-data',
      hint: EVAL_DATA_HINT,
    });
  }
  if (isDirectory) return openNpyPair(path, featuresName, labelsName);
  if (!/\.npz$/i.test(basename(path))) {
    throw new UserError(`eval-data ${path} is a file but not an .npz archive.`, { file: path, input: 'eval-data', hint: EVAL_DATA_HINT });
  }
  return openNpzMembers(path, featuresName, labelsName);
}

/** The set as two .npy files in one directory. */
async function openNpyPair(dir: string, featuresName: string, labelsName: string): Promise<EvalSet> {
  const file = (name: string) => join(dir, name.endsWith('.npy') ? name : `${name}.npy`);
  const features = await openNpy(file(featuresName)).catch((e: unknown) => {
    throw withInput(e, 'features');
  });
  const labels = await openNpy(file(labelsName)).catch(async (e: unknown) => {
    await features.close();
    throw withInput(e, 'labels');
  });
  return {
    features,
    labels,
    files: [file(featuresName), file(labelsName)],
    reopenLabels: () => openNpy(file(labelsName)),
    close: async () => {
      await features.close();
      await labels.close();
    },
  };
}

/** The set as two members of one .npz archive. */
async function openNpzMembers(path: string, featuresName: string, labelsName: string): Promise<EvalSet> {
  const npz = await NpzArchive.open(path);
  try {
    const features = await npz.array(featuresName, 'features');
    const labels = await npz.array(labelsName, 'labels').catch(async (e: unknown) => {
      await features.close();
      throw e;
    });
    return {
      features,
      labels,
      files: [path],
      reopenLabels: () => npz.array(labelsName, 'labels'),
      close: async () => {
        await features.close();
        await labels.close();
        npz.close();
      },
    };
  } catch (e) {
    npz.close();
    throw e;
  }
}

function withInput(e: unknown, input: string): unknown {
  if (e instanceof UserError && !e.input) {
    return new UserError(e.message, { file: e.file, input, hint: e.hint, cause: e.cause });
  }
  return e;
}
