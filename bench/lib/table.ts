/**
 * A plain-text table: first column left-aligned, the others right-aligned, a rule under the header, and with
 * `summaryRow` a rule above the last row (a mean or total).
 */
export function formatTable(header: string[], rows: string[][], options: { summaryRow?: boolean } = {}): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]): string =>
    cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ');
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  if (!options.summaryRow) return [line(header), rule, ...rows.map(line)].join('\n');
  return [line(header), rule, ...rows.slice(0, -1).map(line), rule, line(rows[rows.length - 1] ?? [])].join('\n');
}
