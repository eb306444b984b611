// A unified diff of one file, as `diff -u` and `git diff` print it (GNU diffutils' format: `---`/`+++` headers,
// `@@ -l,n +l,n @@` hunks with three lines of context), for `pin --dry-run`. Build files are small and pins
// change few lines: a longest-common-subsequence table over the lines is plenty.

const CONTEXT = 3;

type Line = { readonly kind: ' ' | '-' | '+'; readonly text: string };

/** The diff from `before` to `after`; empty when they are the same. */
export function unifiedDiff(oldName: string, newName: string, before: string, after: string): string {
  if (before === after) return '';
  const a = splitLines(before);
  const b = splitLines(after);
  const lines = diffLines(a.lines, b.lines);
  const out = [`--- ${oldName}`, `+++ ${newName}`];
  for (const hunk of hunks(lines)) {
    const body = lines.slice(hunk.start, hunk.end);
    const oldCount = body.filter((l) => l.kind !== '+').length;
    const newCount = body.filter((l) => l.kind !== '-').length;
    out.push(`@@ -${range(hunk.oldLine, oldCount)} +${range(hunk.newLine, newCount)} @@`);
    for (const [i, line] of body.entries()) {
      out.push(`${line.kind}${line.text}`);
      // The last line of a file without a final newline says so, as diff does.
      const last = hunk.start + i;
      if (line.kind !== '+' && !a.finalNewline && isLastOf(lines, last, '+')) out.push('\\ No newline at end of file');
      else if (line.kind !== '-' && !b.finalNewline && isLastOf(lines, last, '-')) out.push('\\ No newline at end of file');
    }
  }
  return `${out.join('\n')}\n`;
}

function splitLines(text: string): { lines: string[]; finalNewline: boolean } {
  const finalNewline = text.endsWith('\n');
  const lines = text.split('\n');
  if (finalNewline) lines.pop();
  return { lines, finalNewline };
}

/** Whether `index` is the last line of its side (every later line belongs to the other side, `other`). */
function isLastOf(lines: readonly Line[], index: number, other: ' ' | '-' | '+'): boolean {
  return lines.slice(index + 1).every((l) => l.kind === other);
}

function diffLines(a: readonly string[], b: readonly string[]): Line[] {
  // lcs[i][j]: the longest common subsequence of a[i..] and b[j..].
  const lcs = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  }
  const out: Line[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      out.push({ kind: ' ', text: a[i++]! });
      j++;
    } else if (j < b.length && (i === a.length || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) out.push({ kind: '+', text: b[j++]! });
    else out.push({ kind: '-', text: a[i++]! });
  }
  // Removals before additions within a change, as diff prints them.
  for (let k = 0; k < out.length; ) {
    let end = k;
    while (end < out.length && out[end]!.kind !== ' ') end++;
    if (end > k) out.splice(k, end - k, ...out.slice(k, end).filter((l) => l.kind === '-'), ...out.slice(k, end).filter((l) => l.kind === '+'));
    k = end + 1;
  }
  return out;
}

/** Runs of changes with their context, merged when their contexts touch; line numbers one-based. */
function hunks(lines: readonly Line[]): { start: number; end: number; oldLine: number; newLine: number }[] {
  const changed = lines.flatMap((l, i) => (l.kind === ' ' ? [] : [i]));
  const spans: { start: number; end: number }[] = [];
  for (const i of changed) {
    const start = Math.max(0, i - CONTEXT);
    const end = Math.min(lines.length, i + CONTEXT + 1);
    const last = spans.at(-1);
    if (last && start <= last.end) last.end = Math.max(last.end, end);
    else spans.push({ start, end });
  }
  return spans.map(({ start, end }) => {
    const before = lines.slice(0, start);
    return { start, end, oldLine: before.filter((l) => l.kind !== '+').length + 1, newLine: before.filter((l) => l.kind !== '-').length + 1 };
  });
}

/** `l,n`; `l` alone for one line; for no lines, the line before (diff's convention). */
function range(line: number, count: number): string {
  if (count === 1) return `${line}`;
  return `${count === 0 ? line - 1 : line},${count}`;
}
