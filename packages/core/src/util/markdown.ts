/**
 * Text made safe for one cell of a markdown table (job summaries, PR comments): a `|` would end
 * the cell and a line break the row, so the first is escaped and the second becomes a space.
 */
export function tableCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}
