import type { Task } from '../metrics/definitions.js';
import type { LoadedModel } from '../onnx/session.js';
import { formatNumber } from '../util/format.js';
import { inputError } from './input-error.js';
import type { LabelAt, LabelSurvey } from './labels.js';

/** What the task decision reads of one model's output, from its first batch. */
export interface OutputLayout {
  /** "new model", "baseline model". */
  role: string;
  model: LoadedModel;
  /** Values per row. */
  width: number;
  /** The output holds integer class ids, not float scores. */
  outputIsLabels: boolean;
}

/** The task, and why: the report records both and the summary states them. */
export interface TaskChoice {
  task: Task;
  /** "labels are all 0/1 and the model has one output column: binary classification". */
  reason: string;
  /** Set by the task input (rather than read from the output and the labels). */
  fromInput: boolean;
}

/** How many classes a scoring output scores (one column: the score of class 1 of two). */
export const classesScored = (o: OutputLayout): number => (o.width === 1 ? 2 : o.width);

const valueAt = (at: LabelAt) => `${formatNumber(at.value, 7)} at row ${at.row}`;

/**
 * task: auto never guesses into a weaker gate. The new model's output and every label decide
 * (labels as read, whatever their dtype: float 0.0/1.0, int 0/1 and bool are the same labels):
 *
 * | new model's output    | labels                                      | task                      |
 * |-----------------------|---------------------------------------------|---------------------------|
 * | integer class ids     | any                                         | classification            |
 * | float, k >= 2 columns | any                                         | classification, k classes |
 * | float, one column     | all 0 or 1                                  | binary classification     |
 * | float, one column     | some not whole, some outside [0, 1]         | regression                |
 * | float, one column     | whole numbers, not all 0/1 (0..4, -1/1)     | none: input task asked    |
 * | float, one column     | some not whole, all within [0, 1]           | none: input task asked    |
 *
 * "any" is then checked label by label: a classifier's labels must be class ids it scores
 * (checkLabelsFit), and several columns are never a regression (checkOutputsFit). NaN or infinite
 * labels fit no task and are refused there, naming the row. Why the last two rows are asked, not
 * chosen: whole numbers past 0/1 are the targets of a count or rating regression as often as class
 * ids (which one column cannot score past two), and -1/1 is a binary coding of its own; fractions
 * within [0, 1] are soft labels (probabilities of class 1) or a regression target in that range.
 * Either guess would gate on a metric nobody chose, as the old rule (float labels and one column:
 * regression) gated a sigmoid classifier trained with BCELoss on the RMSE of its probabilities.
 */
export function chooseTask(requested: Task | 'auto', output: OutputLayout, labels: LabelSurvey): TaskChoice {
  if (requested !== 'auto') return { task: requested, reason: `set by input task: ${requested}`, fromInput: true };
  const detected = (task: Task, reason: string): TaskChoice => ({ task, reason, fromInput: false });
  if (output.outputIsLabels) {
    return detected('classification', `the new model outputs integer class ids: classification`);
  }
  if (output.width > 1) {
    return detected('classification', `the new model outputs ${output.width} scores per row, one per class: classification`);
  }
  if (!labels.notBinary) {
    return detected('classification', 'labels are all 0/1 and the model has one output column: binary classification');
  }
  if (labels.fraction && !labels.withinUnit) {
    return detected(
      'regression',
      `labels are not all whole numbers (${valueAt(labels.fraction)}) and the model has one output column: regression`,
    );
  }
  throw ambiguousTask(output, labels);
}

/** The labels of a one-column model that could belong to either task. */
function ambiguousTask(output: OutputLayout, s: LabelSurvey) {
  const [what, could, hint] = s.fraction
    ? [
        `fractions between 0 and 1 (${valueAt(s.fraction)})`,
        'a regression target in [0, 1] or soft labels (the probability of class 1)',
        'task: regression gates on rmse; a classifier is scored on hard 0/1 labels.',
      ]
    : [
        `whole numbers other than 0 and 1 (${valueAt(s.notBinary!)})`,
        'the targets of a regression (counts, ratings) or class ids',
        'task: regression gates on rmse; task: classification needs the classes of a one-column model as 0 and 1.',
      ];
  return inputError(
    'task',
    `auto cannot tell the task: the labels in ${s.label} are ${what} and the new model ${output.model.path} has one output column, ` +
      `so they could be ${could}. Set input task to classification or regression.`,
    { file: s.label, hint },
  );
}

/**
 * What the task needs of every model's output: one float per row for a regression; the same number
 * of classes for a classification (outputs of class ids fit any).
 */
export function checkOutputsFit(choice: TaskChoice, outputs: readonly OutputLayout[]): void {
  if (choice.task === 'regression') {
    for (const o of outputs) checkRegressionOutput(choice, o);
    return;
  }
  const scored = outputs.filter((o) => !o.outputIsLabels);
  if (new Set(scored.map(classesScored)).size > 1) {
    throw inputError(
      scored[1].model.pathInput,
      `The models score different numbers of classes (${scored.map((o) => `${o.role}: ${classesScored(o)}`).join(', ')}); ` +
        `they must be compared on the same classes.`,
      { file: scored[1].model.path },
    );
  }
}

/** Regression needs one number per row: the task input is at fault when it chose regression, the model otherwise. */
function checkRegressionOutput(choice: TaskChoice, o: OutputLayout): void {
  if (o.width === 1 && !o.outputIsLabels) return;
  throw inputError(
    choice.fromInput ? 'task' : o.model.pathInput,
    `Regression needs one number per row, but output '${o.model.output.name}' of the ${o.role} ${o.model.path} gives ` +
      `${o.outputIsLabels ? 'integer class ids' : `${o.width} values per row`}.`,
    { file: o.model.path },
  );
}
