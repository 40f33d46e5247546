// Lines of a README named by their start: a heading stands for its whole section, a table row
// for its first cell, a bullet for itself and its indented continuation lines.

const FENCE = '```';

const headingLevel = (line: string) => /^(#+) /.exec(line)?.[1]?.length ?? 0;

/** Every line index of `lines` that starts with `reference` (outside code blocks). */
export function findReference(lines: readonly string[], reference: string): number[] {
  const found: number[] = [];
  let inCode = false;
  lines.forEach((line, index) => {
    if (line.startsWith(FENCE)) inCode = !inCode;
    else if (!inCode && line.startsWith(reference)) found.push(index);
  });
  return found;
}

function section(lines: readonly string[], start: number): string[] {
  const level = headingLevel(lines[start] ?? '');
  let inCode = false;
  let end = start + 1;
  for (; end < lines.length; end++) {
    const line = lines[end] ?? '';
    if (line.startsWith(FENCE)) inCode = !inCode;
    const nested = headingLevel(line);
    if (!inCode && nested > 0 && nested <= level) break;
  }
  return lines.slice(start, end);
}

function bullet(lines: readonly string[], start: number): string[] {
  let end = start + 1;
  while (end < lines.length && (lines[end] ?? '').startsWith('  ')) end++;
  return lines.slice(start, end);
}

/** How many lines the README part starting at `start` spans: a section, a table row or a bullet. */
export function readmePartLength(lines: readonly string[], start: number): number {
  const line = lines[start] ?? '';
  if (line.startsWith('#')) return section(lines, start).length;
  if (line.startsWith('|')) return 1;
  return bullet(lines, start).length;
}

const firstCell = (row: string) => `- ${row.split('|')[1]?.trim() ?? ''}`;

/** The text `reference` names in the README's `lines`, or undefined when no line starts with it. */
export function readmeExcerpt(lines: readonly string[], reference: string): string | undefined {
  const [start] = findReference(lines, reference);
  if (start === undefined) return undefined;
  const line = lines[start] ?? '';
  if (line.startsWith('|')) return firstCell(line);
  if (line.startsWith('#')) return section(lines, start).join('\n').trimEnd();
  return bullet(lines, start).join('\n');
}
