// Turns Dockerfile text into logical instructions, following BuildKit's parser
// (frontend/dockerfile/parser/parser.go and directives.go):
// - parser directives (`# syntax=`, `# escape=`, `# check=`) only at the very top: the first line
//   that is not a known directive ends them, and each directive may appear once;
// - a line whose first non-blank character is `#` is a comment, also inside a continuation;
// - the escape character at the end of a line (spaces and tabs after it allowed, not itself
//   escaped) continues the instruction; blank lines inside a continuation are skipped;
// - RUN, COPY and ADD (also under ONBUILD) take heredocs (`<<EOF`, `<<-EOF`, `<<"EOF"`, `3<<EOF`):
//   their bodies are the following lines up to the terminator and are never instructions.
// Every logical instruction keeps a map back to offsets in the original text, so ranges are exact
// even across continuations.

import { LineIndex } from '../model/lineIndex';
import { Messages, message } from '../model/messages';
import type { Message } from '../model/messages';

export interface Directive {
  /** Lower-case name: syntax, escape or check. */
  readonly name: string;
  readonly value: string;
  /** Offsets of the value in the original text. */
  readonly valueStart: number;
  readonly valueEnd: number;
}

/** One instruction with its continuation lines joined, comments and line breaks removed. */
export interface Instruction {
  /** Lower-case keyword (`from`, `copy`, …). */
  readonly keyword: string;
  /** The joined text, keyword included (joined when first asked for). */
  readonly text: string;
  /** Offset in the original text of the instruction's first and one-past-last character (heredocs excluded). */
  readonly start: number;
  readonly end: number;
  /** Lines of the original text the instruction covers, heredoc bodies included. */
  readonly startLine: number;
  readonly endLine: number;
  /** Maps an index into `text` to the offset in the original text. */
  offsetOf(index: number): number;
}

export interface ReadDiagnostic {
  readonly start: number;
  readonly end: number;
  readonly code: string;
  readonly message: Message;
}

export interface ReadResult {
  readonly directives: readonly Directive[];
  readonly escape: '\\' | '`';
  readonly instructions: readonly Instruction[];
  readonly diagnostics: readonly ReadDiagnostic[];
}

const DIRECTIVE = /^#[ \t]*([a-zA-Z][a-zA-Z0-9]*)[ \t]*=[ \t]*(.+?)[ \t]*$/d;
const KNOWN_DIRECTIVES = new Set(['syntax', 'escape', 'check']);
const HEREDOC_KEYWORDS = new Set(['run', 'copy', 'add']);
const HEREDOC_WORD = /^(\d*)<<(-?)([^<]*)$/;
/** Keywords as usually written, so that most instructions need no lower-casing. */
const KEYWORDS = new Map(
  ['ADD', 'ARG', 'CMD', 'COPY', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'FROM', 'HEALTHCHECK', 'LABEL', 'MAINTAINER', 'ONBUILD', 'RUN', 'SHELL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR'].map((k) => [k, k.toLowerCase()]),
);

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 11 || c === 12;
}

/** Offset of the first non-blank character in [start, end), or `end`. */
function skipBlanks(text: string, start: number, end: number): number {
  while (start < end && isBlank(text.charCodeAt(start))) start++;
  return start;
}

/**
 * If the content [start, end) ends in a line continuation, returns the offset where the escape
 * character stands; otherwise -1. BuildKit: `([^\\])\\[ \t]*$|^\\[ \t]*$`.
 */
function continuationAt(text: string, start: number, end: number, escape: number): number {
  let i = end - 1;
  while (i >= start && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i--;
  if (i < start || text.charCodeAt(i) !== escape) return -1;
  if (i > start && text.charCodeAt(i - 1) === escape) return -1;
  return i;
}

/** Reads `text` into instructions; `lines` is its line index, when the caller has one already. */
export function readInstructions(text: string, lines: LineIndex = new LineIndex(text)): ReadResult {
  const lineCount = lines.lineCount;
  const directives: Directive[] = [];
  const instructions: Instruction[] = [];
  const diagnostics: ReadDiagnostic[] = [];
  let escape: '\\' | '`' = '\\';
  let escapeCode = 92;

  let lineNo = 0;
  // A byte-order mark is not part of the first line's content.
  const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;

  // Parser directives: only at the top, each once.
  const seen: string[] = [];
  for (; lineNo < lineCount; lineNo++) {
    const lineEnd = lines.lineEnd(lineNo);
    const start = skipBlanks(text, lines.lineStart(lineNo) + (lineNo === 0 ? bom : 0), lineEnd);
    if (text.charCodeAt(start) !== 35 /* # */) break;
    const match = DIRECTIVE.exec(text.slice(start, lineEnd));
    if (!match) break;
    const name = match[1]!.toLowerCase();
    if (!KNOWN_DIRECTIVES.has(name)) break;
    const value = match[2]!;
    const valueStart = start + match.indices![2]![0];
    if (seen.includes(name)) {
      diagnostics.push({ start, end: lineEnd, code: 'duplicate-directive', message: message(Messages.dockerfileDuplicateDirective, name) });
      continue;
    }
    seen.push(name);
    if (name === 'escape') {
      if (value === '\\' || value === '`') {
        escape = value;
        escapeCode = value.charCodeAt(0);
      } else {
        diagnostics.push({ start: valueStart, end: valueStart + value.length, code: 'invalid-escape', message: message(Messages.dockerfileInvalidEscape, value) });
      }
    }
    directives.push({ name, value, valueStart, valueEnd: valueStart + value.length });
  }

  // Where the next `<` is: an instruction without one in its lines opens no heredoc.
  let nextAngle = -1;
  for (; lineNo < lineCount; lineNo++) {
    const firstEnd = lines.lineEnd(lineNo);
    const start = skipBlanks(text, lines.lineStart(lineNo) + (lineNo === 0 ? bom : 0), firstEnd);
    if (start === firstEnd || text.charCodeAt(start) === 35 /* # */) continue;

    // Join continuation lines: `pieces` holds each line's [start, end) in the original text, when there are several.
    const startLine = lineNo;
    let pieces: number[] | undefined;
    let segStart = start;
    let segEnd = firstEnd;
    let lastEnd: number;
    for (;;) {
      const cont = continuationAt(text, segStart, segEnd, escapeCode);
      lastEnd = cont < 0 ? segEnd : cont;
      if (cont < 0 && !pieces) break;
      (pieces ??= []).push(segStart, lastEnd);
      if (cont < 0) break;
      // Find the next line that is neither a comment nor blank.
      let next = lineNo + 1;
      while (next < lineCount) {
        const end = lines.lineEnd(next);
        const s = skipBlanks(text, lines.lineStart(next), end);
        if (s !== end && text.charCodeAt(s) !== 35) break;
        next++;
      }
      if (next >= lineCount) {
        lineNo = lineCount - 1;
        break;
      }
      lineNo = next;
      segStart = lines.lineStart(lineNo); // continuation lines keep their leading blanks
      segEnd = lines.lineEnd(lineNo);
    }

    // The keyword, from the first line when it ends there (it nearly always does).
    const firstPieceEnd = pieces ? pieces[1]! : lastEnd;
    let keywordEnd = indexOfBlank(text, start, firstPieceEnd) - start;
    let keyword: string;
    let joined: string | undefined;
    if (keywordEnd < firstPieceEnd - start || !pieces) {
      const written = text.slice(start, start + keywordEnd);
      keyword = KEYWORDS.get(written) ?? written.toLowerCase();
    } else {
      joined = joinPieces(text, pieces);
      keywordEnd = indexOfBlank(joined, 0, joined.length);
      keyword = joined.slice(0, keywordEnd).toLowerCase();
    }
    const ins = new ReadInstruction(text, keyword, start, lastEnd, startLine, pieces, joined);

    // Heredocs: bodies follow the instruction's last line.
    if (nextAngle < start) nextAngle = text.indexOf('<', start) >>> 0; // none: past any offset
    let heredocKeyword = keyword;
    if (keyword === 'onbuild') {
      const subStart = skipBlanksIn(ins.text, keywordEnd);
      heredocKeyword = ins.text.slice(subStart, indexOfBlank(ins.text, subStart, ins.text.length)).toLowerCase();
    }
    if (nextAngle < lastEnd && HEREDOC_KEYWORDS.has(heredocKeyword) && !isJsonForm(ins.text, keywordEnd)) {
      for (const doc of heredocsIn(ins.text, escapeCode)) {
        let terminated = false;
        while (lineNo + 1 < lineCount) {
          lineNo++;
          const end = lines.lineEnd(lineNo);
          let s = lines.lineStart(lineNo);
          if (doc.chomp) while (s < end && text.charCodeAt(s) === 9) s++;
          if (end - s === doc.name.length && text.startsWith(doc.name, s)) {
            terminated = true;
            break;
          }
        }
        if (!terminated) {
          const at = ins.text.indexOf('<<');
          diagnostics.push({
            start: ins.offsetOf(at),
            end: ins.offsetOf(at) + 2 + doc.name.length,
            code: 'unterminated-heredoc',
            message: message(Messages.dockerfileUnterminatedHeredoc, doc.name),
          });
          break;
        }
      }
    }

    ins.endLine = lineNo;
    instructions.push(ins);
  }

  return { directives, escape, instructions, diagnostics };
}

/**
 * An instruction as read: where it stands, and (for one continued over lines) where each line's part
 * is, so its joined text is made only when asked for and indexes into it map back to the original.
 */
class ReadInstruction implements Instruction {
  /** Set once the heredoc bodies that follow it are read. */
  endLine: number;

  constructor(
    private readonly source: string,
    readonly keyword: string,
    readonly start: number,
    readonly end: number,
    readonly startLine: number,
    /** [start, end) in `source` of each joined part, flattened; undefined for a single part. */
    private readonly pieces: readonly number[] | undefined,
    private joined: string | undefined,
  ) {
    this.endLine = startLine;
  }

  get text(): string {
    return (this.joined ??= this.pieces ? joinPieces(this.source, this.pieces) : this.source.slice(this.start, this.end));
  }

  offsetOf(index: number): number {
    const pieces = this.pieces;
    if (!pieces) return this.start + index;
    // The last part that starts at or before `index`.
    let partStart = 0;
    for (let p = 0; ; p += 2) {
      const length = pieces[p + 1]! - pieces[p]!;
      if (index < partStart + length || p + 2 >= pieces.length) return pieces[p]! + (index - partStart);
      partStart += length;
    }
  }
}

function joinPieces(text: string, pieces: readonly number[]): string {
  let joined = '';
  for (let p = 0; p < pieces.length; p += 2) joined += text.slice(pieces[p], pieces[p + 1]);
  return joined;
}

/** Offset of the first blank in [from, end), or `end`. */
function indexOfBlank(s: string, from: number, end: number): number {
  let i = from;
  while (i < end && !isBlank(s.charCodeAt(i))) i++;
  return i;
}

function skipBlanksIn(s: string, from: number): number {
  return skipBlanks(s, from, s.length);
}

/** `RUN ["sh", "-c", "…"]`: the JSON (exec) form, which takes no heredocs. Flags may come first. */
function isJsonForm(joined: string, from: number): boolean {
  let i = skipBlanksIn(joined, from);
  while (joined.startsWith('--', i)) i = skipBlanksIn(joined, indexOfBlank(joined, i, joined.length));
  if (joined.charCodeAt(i) !== 91 /* [ */) return false;
  try {
    return Array.isArray(JSON.parse(joined.slice(i).trimEnd()));
  } catch {
    return false;
  }
}

interface HeredocMarker {
  readonly name: string;
  readonly chomp: boolean;
}

/** The heredocs an instruction opens, in order: words matching `^(\d*)<<(-?)([^<]*)$`, quotes removed from the name. */
function heredocsIn(joined: string, escape: number): HeredocMarker[] {
  if (joined.indexOf('<<') < 0) return [];
  const docs: HeredocMarker[] = [];
  for (const word of rawWords(joined, escape)) {
    const m = HEREDOC_WORD.exec(word);
    if (!m || m[3] === '') continue;
    const name = m[3]!.replace(/["']/g, '');
    if (name !== '') docs.push({ name, chomp: m[2] === '-' });
  }
  return docs;
}

/** Splits on unquoted blanks, keeping quotes and escapes in the words (BuildKit's RawQuotes + RawEscapes). */
function rawWords(s: string, escape: number): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (quote === 0 && isBlank(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      continue;
    }
    inWord = true;
    word += s[i];
    if (c === escape && quote !== 39 && i + 1 < s.length) {
      word += s[++i];
    } else if (quote === 0 && (c === 34 || c === 39)) {
      quote = c;
    } else if (c === quote) {
      quote = 0;
    }
  }
  if (inWord) words.push(word);
  return words;
}
