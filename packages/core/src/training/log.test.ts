// The training-log readers on logs written here by hand, byte for byte as the frameworks write
// them (the end-to-end tests read the logs real PyTorch runs wrote: actions/check-training/test).
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { UserError } from '../errors.js';
import { chooseColumns } from './columns.js';
import { trainingCurves } from './curves.js';
import { parseLogCell } from './log-values.js';
import { readTrainingLog, type TrainingLog } from './log.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'training-log-'));
});

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

async function failure(p: Promise<unknown>): Promise<UserError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(UserError);
  return e as UserError;
}

const column = (log: TrainingLog, name: string) => log.rows.map((r) => r.cells[log.columns.indexOf(name)] ?? null);

describe('parseLogCell: what Python and the loggers write', () => {
  it.each([
    ['0.5', 0.5],
    ['-1.25e-3', -0.00125],
    ['3', 3],
    ['.5', 0.5],
    ['  2.0 ', 2],
    ['nan', NaN],
    ['NaN', NaN],
    ['-nan', NaN],
    ['NAN', NaN],
    ['inf', Infinity],
    ['-inf', -Infinity],
    ['+inf', Infinity],
    ['Infinity', Infinity],
    ['-Infinity', -Infinity],
    ['INF', Infinity],
  ])('%s is the number %s', (text, value) => {
    expect(parseLogCell(text)).toBe(value);
  });

  it.each(['', '  ', 'NA', 'N/A', 'null', 'None', 'none'])('%j is "not logged"', (text) => {
    expect(parseLogCell(text)).toBeNull();
  });

  it.each(['abc', '0x10', '1,5', 'tensor(0.5)', 'infinite', 'nanx'])('%j is text, not a number', (text) => {
    expect(parseLogCell(text)).toBe(text);
  });
});

describe('readTrainingLog: formats', () => {
  it('a plain CSV, one row per epoch, NaN and inf read as numbers, each row with its line', async () => {
    const log = await readTrainingLog(await file('plain.csv', 'epoch,train_loss,val_loss\n0,2.5,2.6\n1,nan,inf\n2,-inf,NaN\n'));
    expect(log.format).toBe('csv');
    expect(log.columns).toEqual(['epoch', 'train_loss', 'val_loss']);
    expect(column(log, 'train_loss')).toEqual([2.5, NaN, -Infinity]);
    expect(column(log, 'val_loss')).toEqual([2.6, Infinity, NaN]);
    expect(log.rows.map((r) => r.line)).toEqual([2, 3, 4]);
  });

  it('CRLF line ends (csv.DictWriter) and a blank line are read; a TSV by its extension', async () => {
    const crlf = await readTrainingLog(await file('crlf.csv', 'epoch,loss\r\n0,1.5\r\n\r\n1,1.25\r\n'));
    expect(column(crlf, 'loss')).toEqual([1.5, 1.25]);
    expect(crlf.rows.map((r) => r.line)).toEqual([2, 4]);
    const tsv = await readTrainingLog(await file('log.tsv', 'epoch\tloss\n0\t1.5\n'));
    expect(column(tsv, 'loss')).toEqual([1.5]);
  });

  it('a Lightning metrics.csv is recognised by its epoch and step columns, and its rows merge per epoch (last non-empty value)', async () => {
    // as lightning_fabric's _ExperimentWriter writes it: sorted keys, one row per log_metrics call
    const text = [
      'epoch,step,train_loss_epoch,train_loss_step,val_acc,val_loss',
      '0,9,,2.31,,',
      '0,19,,2.2,,',
      '0,21,,,0.56,2.15',
      '0,21,2.24,,,',
      '1,29,,2.1,,',
      '1,43,,,0.79,1.96',
      '1,43,2.06,,,',
      '',
    ].join('\r\n');
    const log = await readTrainingLog(await file('metrics.csv', text));
    expect(log.format).toBe('lightning');
    const columns = chooseColumns(log);
    expect(columns).toMatchObject({ loss: 'train_loss_epoch', valLoss: 'val_loss', epoch: 'epoch' });
    const curves = trainingCurves(log, columns, ['train_loss_step', 'val_acc']);
    expect(curves.epochs).toEqual([0, 1]);
    expect(curves.merged.get('train_loss_epoch')!.values).toEqual([2.24, 2.06]);
    expect(curves.merged.get('val_loss')!.values).toEqual([2.15, 1.96]);
    expect(curves.merged.get('train_loss_step')!.values).toEqual([2.2, 2.1]); // the epoch's last step
    // the row each value came from: the line of the epoch-end rows
    expect(curves.merged.get('train_loss_epoch')!.rows.map((r) => curves.lines[r])).toEqual([5, 8]);
    expect(curves.merged.get('val_loss')!.rows.map((r) => curves.lines[r])).toEqual([4, 7]);
  });

  it('a Keras CSVLogger file: epoch first, the rest sorted, NA for a key an epoch did not log', async () => {
    const log = await readTrainingLog(
      await file('training.log.csv', 'epoch,accuracy,loss,val_accuracy,val_loss\r\n0,0.59,2.24,0.56,2.16\r\n1,0.80,2.06,NA,NA\r\n'),
    );
    expect(log.format).toBe('keras');
    expect(chooseColumns(log)).toMatchObject({ loss: 'loss', valLoss: 'val_loss', epoch: 'epoch' });
    expect(column(log, 'val_loss')).toEqual([2.16, null]);
  });

  it("a JSON object of per-epoch lists (Keras' History.history) with Python's NaN and Infinity", async () => {
    const log = await readTrainingLog(
      await file('history.json', '{"loss": [2.5, NaN, Infinity], "val_loss": [2.6, -Infinity, null], "lr": 0.001}'),
    );
    expect(log.format).toBe('json');
    expect(log.columns).toEqual(['loss', 'val_loss']);
    expect(column(log, 'loss')).toEqual([2.5, NaN, Infinity]);
    expect(column(log, 'val_loss')).toEqual([2.6, -Infinity, null]);
    expect(log.rows[0].line).toBeUndefined();
  });

  it('a JSON list of per-epoch objects, each row on the line its object starts', async () => {
    const log = await readTrainingLog(
      await file('rows.json', '[\n  {"epoch": 0, "loss": 1.5},\n  {"epoch": 1, "loss": NaN, "val_loss": 1.0}\n]\n'),
    );
    expect(log.columns).toEqual(['epoch', 'loss', 'val_loss']);
    expect(column(log, 'loss')).toEqual([1.5, NaN]);
    expect(column(log, 'val_loss')).toEqual([null, 1.0]);
    expect(log.rows.map((r) => r.line)).toEqual([2, 3]);
  });

  it('JSON lines: one object per line, keys in the order first seen, "nan" strings read as NaN', async () => {
    const text =
      '{"epoch": 0, "train_loss": 2.0}\n\n{"epoch": 1, "train_loss": NaN, "val_loss": "nan"}\n{"epoch": 2, "train_loss": -Infinity}\n';
    const log = await readTrainingLog(await file('metrics.jsonl', text));
    expect(log.format).toBe('jsonl');
    expect(log.columns).toEqual(['epoch', 'train_loss', 'val_loss']);
    expect(column(log, 'train_loss')).toEqual([2.0, NaN, -Infinity]);
    expect(column(log, 'val_loss')).toEqual([null, NaN, null]);
    expect(log.rows.map((r) => r.line)).toEqual([1, 3, 4]);
  });

  it('JSON lines named .json are read as JSON lines; a file without an extension by its first character', async () => {
    const lines = await readTrainingLog(await file('lines.json', '{"loss": 1}\n{"loss": 0.5}\n'));
    expect(lines.format).toBe('jsonl');
    expect(column(lines, 'loss')).toEqual([1, 0.5]);
    const csv = await readTrainingLog(await file('metrics', 'epoch,train_loss\n0,1\n'));
    expect(csv.format).toBe('csv');
    const json = await readTrainingLog(await file('history', '{"loss": [1, 0.5]}'));
    expect(json.format).toBe('json');
  });

  it('the format input overrides the detection', async () => {
    const path = await file('plain-with-step.csv', 'epoch,step,loss\n0,1,1.5\n');
    expect((await readTrainingLog(path)).format).toBe('lightning');
    expect((await readTrainingLog(path, { format: 'csv' })).format).toBe('csv');
    const e = await failure(readTrainingLog(await file('nokeras.csv', 'loss\n1\n'), { format: 'keras' }));
    expect(e.message).toContain('a Keras CSVLogger file has an epoch column; this header has loss');
  });
});

describe('readTrainingLog: what is refused, naming the file and the line', () => {
  it('a CSV row with another number of fields than the header', async () => {
    const path = await file('ragged.csv', 'epoch,loss,val_loss\n0,1.5,1.6\n1,1.2\n');
    const e = await failure(readTrainingLog(path));
    expect(e.message).toBe(`${path}: line 3 has 2 fields; the header (line 1) has 3.`);
    expect(e.file).toBe(path);
    expect(e.input).toBe('log');
  });

  it('an unclosed quote: the line where it opened', async () => {
    const path = await file('quote.csv', 'epoch,loss\n0,"1.5\n1,1.2\n');
    const e = await failure(readTrainingLog(path));
    expect(e.message).toContain('the quote opened on line 2 is not closed');
  });

  it('an empty log: header only, an empty file, an empty JSON lines file, empty lists', async () => {
    const header = await failure(readTrainingLog(await file('header.csv', 'epoch,train_loss,val_loss\n')));
    expect(header.message).toContain('the log has no rows (columns: epoch, train_loss, val_loss)');
    const empty = await failure(readTrainingLog(await file('empty.csv', '')));
    expect(empty.message).toContain('the file is empty');
    const jsonl = await failure(readTrainingLog(await file('empty.jsonl', '')));
    expect(jsonl.message).toContain('the log has no rows');
    const lists = await failure(readTrainingLog(await file('empty.json', '{"loss": []}')));
    expect(lists.message).toContain('the log has no rows (columns: loss)');
  });

  it('JSON that is not JSON: the line and column', async () => {
    const path = await file('bad.json', '{\n  "loss": [1, 2,,\n}');
    const e = await failure(readTrainingLog(path));
    expect(e.message).toBe(`${path}: not valid JSON at line 2, column 17: expected a value, found ','.`);
    const lines = await file('bad.jsonl', '{"loss": 1}\n{"loss": 2\n');
    expect((await failure(readTrainingLog(lines))).message).toBe(
      `${lines}: not valid JSON at line 2, column 11: expected ',' or '}', found the end of the text.`,
    );
  });

  it('JSON of the wrong shape: lists of different lengths, a scalar, a list of numbers', async () => {
    const uneven = await failure(readTrainingLog(await file('uneven.json', '{"loss": [1, 2, 3], "val_loss": [1, 2]}')));
    expect(uneven.message).toContain('the lists have different lengths (loss: 3, val_loss: 2)');
    expect((await failure(readTrainingLog(await file('scalar.json', '3')))).message).toContain('the JSON is number');
    expect((await failure(readTrainingLog(await file('numbers.json', '[\n1,\n2]')))).message).toContain(
      'element 1 of the list (line 2) is not an object',
    );
    expect((await failure(readTrainingLog(await file('nolist.json', '{"loss": 1}')))).message).toContain(
      'the JSON object has no list (keys: loss)',
    );
  });

  it('a missing file, a directory, a duplicate header name', async () => {
    const missing = await failure(readTrainingLog(join(dir, 'nope.csv')));
    expect(missing.message).toBe(`The training log ${join(dir, 'nope.csv')} does not exist.`);
    const folder = join(dir, 'folder.csv');
    await mkdir(folder);
    expect((await failure(readTrainingLog(folder))).message).toContain('is a directory');
    expect((await failure(readTrainingLog(await file('dup.csv', 'loss,loss\n1,2\n')))).message).toContain("names column 'loss' twice");
  });

  it('text in a column a check reads names the line and the value; text elsewhere is fine', async () => {
    const path = await file('text.csv', 'epoch,train_loss,note\n0,1.5,warmup\n1,oops,x\n');
    const log = await readTrainingLog(path);
    const e = (() => {
      try {
        trainingCurves(log, chooseColumns(log));
      } catch (x) {
        return x as UserError;
      }
    })();
    expect(e?.message).toBe(`${path}: line 3: column train_loss holds 'oops', not a number.`);
    const fine = await readTrainingLog(await file('note.csv', 'epoch,train_loss,note\n0,1.5,warmup\n'));
    expect(trainingCurves(fine, chooseColumns(fine)).merged.get('train_loss')!.values).toEqual([1.5]);
  });
});

describe('chooseColumns', () => {
  const log = (columns: string[]): TrainingLog => ({ path: 'log.csv', format: 'csv', columns, rows: [{ cells: columns.map(() => 1) }] });

  it('finds the common names, in the order of preference, ignoring case as a last resort', () => {
    expect(chooseColumns(log(['epoch', 'train_loss', 'val_loss', 'grad_norm', 'val_accuracy']))).toEqual({
      loss: 'train_loss',
      valLoss: 'val_loss',
      gradNorm: 'grad_norm',
      epoch: 'epoch',
      named: [],
    });
    expect(chooseColumns(log(['Epoch', 'Loss', 'Val_Loss']))).toMatchObject({ loss: 'Loss', valLoss: 'Val_Loss', epoch: 'Epoch' });
    expect(chooseColumns(log(['step', 'loss', 'eval_loss', 'grad_2.0_norm_total']))).toMatchObject({
      loss: 'loss',
      valLoss: 'eval_loss',
      gradNorm: 'grad_2.0_norm_total',
      epoch: undefined,
    });
  });

  it('a named column must exist: the error lists the columns the file has', () => {
    expect(() => chooseColumns(log(['epoch', 'train_loss']), { valLoss: 'valid_loss' })).toThrow(
      "Input val-loss-column is 'valid_loss', but log.csv has no such column; its columns: epoch, train_loss.",
    );
    try {
      chooseColumns(log(['epoch', 'train_loss']), { loss: 'Train_Loss' });
    } catch (e) {
      expect((e as UserError).hint).toBe('Column names are case-sensitive: did you mean train_loss?');
      expect((e as UserError).input).toBe('loss-column');
    }
  });

  it('no training loss found: the names tried and the columns, pointing at loss-column', () => {
    expect(() => chooseColumns(log(['epoch', 'objective', 'val_objective']))).toThrow(
      'log.csv has no training-loss column: none of train_loss, loss, train_loss_epoch, training_loss, train/loss is among its columns (epoch, objective, val_objective).',
    );
  });

  it('a named column is not chosen again for another role', () => {
    expect(chooseColumns(log(['loss', 'val_loss']), { loss: 'val_loss' })).toMatchObject({
      loss: 'val_loss',
      valLoss: undefined,
      named: ['loss'],
    });
  });
});
