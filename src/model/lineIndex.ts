import type { Position, Range } from './buildFile';

/**
 * Maps string offsets to line/character positions. Line breaks are `\r\n`, `\n` and a lone `\r`,
 * as in VS Code's text model, so positions match the editor's exactly.
 */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(private readonly text: string) {
    // Most texts have no carriage return: their line feeds are found natively, not character by character.
    if (!text.includes('\r')) {
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
      return;
    }
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 /* \n */) {
        this.starts.push(i + 1);
      } else if (c === 13 /* \r */) {
        if (text.charCodeAt(i + 1) === 10) i++;
        this.starts.push(i + 1);
      }
    }
  }

  get lineCount(): number {
    return this.starts.length;
  }

  /** Offset of the first character of `line` (0-based); NaN past the last line. */
  lineStart(line: number): number {
    return this.starts[line] ?? Number.NaN;
  }

  /** Offset where `line`'s content ends: its line break, or the end of the text. */
  lineEnd(line: number): number {
    const next = this.starts[line + 1];
    if (next === undefined) return line < this.starts.length ? this.text.length : Number.NaN;
    // A \r\n is one break: both belong to it.
    return this.text.charCodeAt(next - 1) === 10 && this.text.charCodeAt(next - 2) === 13 ? next - 2 : next - 1;
  }

  position(offset: number): Position {
    // Binary search for the last line start ≤ offset.
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: offset - this.starts[lo]! };
  }

  range(start: number, end: number): Range {
    return { start: this.position(start), end: this.position(end) };
  }

  offset(position: Position): number {
    const start = this.starts[position.line];
    return start === undefined ? Number.NaN : start + position.character;
  }
}
