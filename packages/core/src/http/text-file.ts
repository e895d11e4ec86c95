import { UserError, fileProblem } from '../errors.js';
import { openRegularFile } from '../util/files.js';

/**
 * A request body an input names as a file (body-file, a sample written as an infer request), as
 * UTF-8 text. Only a regular file: a FIFO would block the read past every deadline, a device
 * would never end. What is wrong is a UserError naming the input: "`what` PATH does not exist."
 */
export async function readTextFileInput(path: string, o: { input: string; what: string; expected: string }): Promise<string> {
  try {
    const handle = await openRegularFile(path);
    try {
      return await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch (e) {
    throw new UserError(`${o.what} ${path} ${fileProblem(e, o.expected)}.`, { input: o.input, file: path });
  }
}
