import { UserError, fileProblem } from '../errors.js';
import { readRegularFile } from '../util/files.js';

/** A request body or JSON sample is read whole: bounded like a response (512 MiB, max-response-bytes' ceiling). */
const MAX_TEXT_FILE_BYTES = 512 * 1024 * 1024;

/**
 * A request body an input names as a file (body-file, a sample written as an infer request), as
 * UTF-8 text. Only a regular file: a FIFO would block the read past every deadline, a device
 * would never end. What is wrong is a UserError naming the input: "`what` PATH does not exist."
 */
export async function readTextFileInput(path: string, o: { input: string; what: string; expected: string }): Promise<string> {
  try {
    return (await readRegularFile(path, MAX_TEXT_FILE_BYTES)).toString('utf8');
  } catch (e) {
    throw new UserError(`${o.what} ${path} ${fileProblem(e, o.expected)}.`, { input: o.input, file: path });
  }
}
