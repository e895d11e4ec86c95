/**
 * Which columns of a log the checks read: the training loss, the validation loss, the gradient
 * norm and the epoch. Each is the column the user named (which must exist), else the first of
 * the common names below that the log has (exactly, then ignoring case).
 */
import { UserError } from '../errors.js';
import type { TrainingLog } from './log.js';

export type ColumnRole = 'loss' | 'valLoss' | 'gradNorm' | 'epoch';

/** The names tried, in order, for each role. */
export const COLUMN_CANDIDATES: Readonly<Record<ColumnRole, readonly string[]>> = {
  // Keras: loss; Lightning: train_loss (on_epoch only) or train_loss_epoch (on_step and on_epoch)
  loss: ['train_loss', 'loss', 'train_loss_epoch', 'training_loss', 'train/loss'],
  // Hugging Face's Trainer logs eval_loss
  valLoss: ['val_loss', 'val_loss_epoch', 'validation_loss', 'valid_loss', 'val/loss', 'eval_loss'],
  // Lightning's grad_norm() utility: grad_2.0_norm_total; Hugging Face: grad_norm
  gradNorm: ['grad_norm', 'gradient_norm', 'grad_norm_2.0', 'grad_2.0_norm_total', 'total_grad_norm', 'train/grad_norm'],
  epoch: ['epoch', 'epochs'],
};

export const COLUMN_INPUTS: Readonly<Record<ColumnRole, string>> = {
  loss: 'loss-column',
  valLoss: 'val-loss-column',
  gradNorm: 'grad-norm-column',
  epoch: 'epoch-column',
};

const WHAT: Readonly<Record<ColumnRole, string>> = {
  loss: 'training-loss',
  valLoss: 'validation-loss',
  gradNorm: 'gradient-norm',
  epoch: 'epoch',
};

export interface ChosenColumns {
  loss: string;
  valLoss?: string;
  gradNorm?: string;
  epoch?: string;
  /** The roles the user named a column for. */
  named: ColumnRole[];
}

export type NamedColumns = Partial<Record<ColumnRole, string>>;

export function columnList(log: TrainingLog): string {
  return log.columns.length ? log.columns.join(', ') : 'none';
}

/** A UserError for a column the log does not have, listing those it has. */
export function missingColumn(log: TrainingLog, input: string, column: string, hint?: string): UserError {
  const near = log.columns.find((c) => c.toLowerCase() === column.toLowerCase());
  return new UserError(`Input ${input} is '${column}', but ${log.path} has no such column; its columns: ${columnList(log)}.`, {
    input,
    file: log.path,
    hint: near ? `Column names are case-sensitive: did you mean ${near}?` : hint,
  });
}

function autoColumn(log: TrainingLog, role: ColumnRole, taken: ReadonlySet<string>): string | undefined {
  const free = log.columns.filter((c) => !taken.has(c));
  for (const name of COLUMN_CANDIDATES[role]) if (free.includes(name)) return name;
  for (const name of COLUMN_CANDIDATES[role]) {
    const found = free.find((c) => c.toLowerCase() === name.toLowerCase());
    if (found) return found;
  }
  return undefined;
}

/** The columns the checks read; a named column the log lacks, or no training loss at all, is a UserError. */
export function chooseColumns(log: TrainingLog, named: NamedColumns = {}): ChosenColumns {
  const taken = new Set<string>();
  const pick = (role: ColumnRole): string | undefined => {
    const given = named[role];
    if (given !== undefined && given !== '') {
      if (!log.columns.includes(given)) throw missingColumn(log, COLUMN_INPUTS[role], given);
      taken.add(given);
      return given;
    }
    return undefined;
  };
  const explicit = { loss: pick('loss'), valLoss: pick('valLoss'), gradNorm: pick('gradNorm'), epoch: pick('epoch') };
  const auto = (role: ColumnRole): string | undefined => {
    const found = explicit[role] ?? autoColumn(log, role, taken);
    if (found) taken.add(found);
    return found;
  };
  const epoch = auto('epoch');
  const loss = auto('loss');
  if (!loss) {
    throw new UserError(
      `${log.path} has no ${WHAT.loss} column: none of ${COLUMN_CANDIDATES.loss.join(', ')} is among its columns (${columnList(log)}).`,
      { file: log.path, input: COLUMN_INPUTS.loss, hint: `Name it with input ${COLUMN_INPUTS.loss}.` },
    );
  }
  return {
    loss,
    valLoss: auto('valLoss'),
    gradNorm: auto('gradNorm'),
    epoch,
    named: (Object.keys(explicit) as ColumnRole[]).filter((r) => explicit[r] !== undefined),
  };
}
