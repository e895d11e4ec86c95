import { stat } from 'node:fs/promises';
import { basename, join } from 'node:path';

import { UserError, fileProblem } from '../errors.js';
import { NpzArchive, openNpy, type NpyArray } from '../npy/array.js';
import { statRegularFile } from '../util/files.js';
import { inputError, namingInput } from './input-error.js';

export interface EvalSet {
  features: NpyArray;
  labels: NpyArray;
  /** The files the set was read from (one .npz, or the two .npy files). */
  files: string[];
  /** Opens the labels once more from the start (a compressed member can only be read forward once). */
  reopenLabels(): Promise<NpyArray>;
  close(): Promise<void>;
}

/** The two arrays of the set, by the input that names each (its default is the array's own name). */
type ArrayInput = 'features' | 'labels';

const EVAL_DATA_HINT = 'Expected a directory with features.npy and labels.npy, or an .npz file.';

/**
 * Opens the held-out set: a directory with `<features>.npy` and `<labels>.npy`, or an `.npz`
 * holding arrays named `features` and `labels` (names overridable). Every error names the input
 * at fault: eval-data for where the set is, features or labels for what an array holds.
 */
export async function openEvalSet(path: string, featuresName = 'features', labelsName = 'labels'): Promise<EvalSet> {
  if (await isEvalDirectory(path)) return openNpyPair(path, featuresName, labelsName);
  if (!/\.npz$/i.test(basename(path))) {
    throw inputError('eval-data', `${path} is a file but not an .npz archive.`, { file: path, hint: EVAL_DATA_HINT });
  }
  return openNpzMembers(path, featuresName, labelsName);
}

/**
 * Whether eval-data is a directory; otherwise it must be a regular file (a FIFO would block the
 * first read past every deadline, a device stream without end), refused before a byte is read.
 */
async function isEvalDirectory(path: string): Promise<boolean> {
  try {
    if ((await stat(path)).isDirectory()) return true;
    await statRegularFile(path);
    return false;
  } catch (e) {
    throw inputError('eval-data', `${path} ${fileProblem(e, 'a directory or an .npz file')}.`, { file: path, hint: EVAL_DATA_HINT });
  }
}

/** The set as two .npy files in one directory. */
async function openNpyPair(dir: string, featuresName: string, labelsName: string): Promise<EvalSet> {
  const file = (name: string) => join(dir, name.endsWith('.npy') ? name : `${name}.npy`);
  const features = await openNpy(file(featuresName)).catch((e: unknown) => {
    throw arrayFileError(e, 'features', featuresName);
  });
  const labels = await openNpy(file(labelsName)).catch(async (e: unknown) => {
    await features.close();
    throw arrayFileError(e, 'labels', labelsName);
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
  const npz = await NpzArchive.open(path).catch((e: unknown) => {
    throw namingInput(e, 'eval-data');
  });
  try {
    const features = await npz.array(featuresName, 'features').catch((e: unknown) => {
      throw namingInput(e, 'features');
    });
    const labels = await npz.array(labelsName, 'labels').catch(async (e: unknown) => {
      await features.close();
      throw namingInput(e, 'labels');
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

/**
 * An .npy file of the set that cannot be opened. Where it is not a readable regular file (missing,
 * a directory, a FIFO), the fault is eval-data's, unless the features or labels input chose another
 * name; what it holds is the fault of the input that chose it.
 */
function arrayFileError(e: unknown, input: ArrayInput, name: string): unknown {
  const cause = e instanceof UserError ? (e.cause as NodeJS.ErrnoException | undefined) : undefined;
  if (!(e instanceof UserError) || typeof cause?.code !== 'string') return namingInput(e, input);
  const at = name === input ? 'eval-data' : input;
  return inputError(at, `the ${input} file ${e.file} ${fileProblem(cause, 'an .npy file')}.`, {
    file: e.file,
    hint: at === 'eval-data' ? EVAL_DATA_HINT : `Input ${input} names a file in eval-data (without .npy) or a key of the .npz.`,
    cause,
  });
}
