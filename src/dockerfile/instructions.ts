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
  /** The joined text, keyword included. */
  readonly text: string;
  /** Offset in the original text of the instruction's first and one-past-last character (heredocs excluded). */
  readonly start: number;
  readonly end: number;
  /** Lines of the original text the instruction covers, heredoc bodies included. */
  readonly startLine: number;
  readonly endLine: number;
  /** Maps an index into `text` to the offset in the original text. */
  readonly offsetOf: (index: number) => number;
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

interface Line {
  readonly start: number;
  /** End of the content, before the line break. */
  readonly end: number;
}

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) {
      lines.push({ start, end: i });
      if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
      start = i + 1;
    }
  }
  lines.push({ start, end: text.length });
  return lines;
}

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

export function readInstructions(text: string): ReadResult {
  const lines = splitLines(text);
  const directives: Directive[] = [];
  const instructions: Instruction[] = [];
  const diagnostics: ReadDiagnostic[] = [];
  let escape: '\\' | '`' = '\\';
  let escapeCode = 92;

  let lineNo = 0;
  // A byte-order mark is not part of the first line's content.
  const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;

  // Parser directives: only at the top, each once.
  const seen = new Set<string>();
  for (; lineNo < lines.length; lineNo++) {
    const line = lines[lineNo]!;
    const start = skipBlanks(text, line.start + (lineNo === 0 ? bom : 0), line.end);
    const match = DIRECTIVE.exec(text.slice(start, line.end));
    if (!match) break;
    const name = match[1]!.toLowerCase();
    if (!KNOWN_DIRECTIVES.has(name)) break;
    const value = match[2]!;
    const valueStart = start + match.indices![2]![0];
    if (seen.has(name)) {
      diagnostics.push({ start, end: line.end, code: 'duplicate-directive', message: message(Messages.dockerfileDuplicateDirective, name) });
      continue;
    }
    seen.add(name);
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

  for (; lineNo < lines.length; lineNo++) {
    const first = lines[lineNo]!;
    const start = skipBlanks(text, first.start + (lineNo === 0 ? bom : 0), first.end);
    if (start === first.end || text.charCodeAt(start) === 35 /* # */) continue;

    // Join continuation lines. `pieces` holds [textStart, originalStart] pairs for offset mapping.
    const startLine = lineNo;
    let joined = '';
    const pieceStarts: number[] = [];
    const pieceOrigins: number[] = [];
    let segStart = start;
    let segEnd = first.end;
    let lastEnd = first.end;
    for (;;) {
      const cont = continuationAt(text, segStart, segEnd, escapeCode);
      pieceStarts.push(joined.length);
      pieceOrigins.push(segStart);
      joined += text.slice(segStart, cont < 0 ? segEnd : cont);
      lastEnd = cont < 0 ? segEnd : cont;
      if (cont < 0) break;
      // Find the next line that is neither a comment nor blank.
      let next = lineNo + 1;
      while (next < lines.length) {
        const l = lines[next]!;
        const s = skipBlanks(text, l.start, l.end);
        if (s !== l.end && text.charCodeAt(s) !== 35) break;
        next++;
      }
      if (next >= lines.length) {
        lineNo = lines.length - 1;
        break;
      }
      lineNo = next;
      segStart = lines[lineNo]!.start; // continuation lines keep their leading blanks
      segEnd = lines[lineNo]!.end;
    }

    const keywordEnd = indexOfBlank(joined, 0);
    const keyword = joined.slice(0, keywordEnd).toLowerCase();
    const offsetOf = makeOffsetMap(pieceStarts, pieceOrigins);

    // Heredocs: bodies follow the instruction's last line.
    let heredocKeyword = keyword;
    if (keyword === 'onbuild') {
      const subStart = skipBlanksIn(joined, keywordEnd);
      heredocKeyword = joined.slice(subStart, indexOfBlank(joined, subStart)).toLowerCase();
    }
    if (HEREDOC_KEYWORDS.has(heredocKeyword) && !isJsonForm(joined, keywordEnd)) {
      for (const doc of heredocsIn(joined, escapeCode)) {
        let terminated = false;
        while (lineNo + 1 < lines.length) {
          lineNo++;
          const l = lines[lineNo]!;
          let s = l.start;
          if (doc.chomp) while (s < l.end && text.charCodeAt(s) === 9) s++;
          if (text.slice(s, l.end) === doc.name) {
            terminated = true;
            break;
          }
        }
        if (!terminated) {
          const at = joined.indexOf('<<');
          diagnostics.push({
            start: offsetOf(at),
            end: offsetOf(at) + 2 + doc.name.length,
            code: 'unterminated-heredoc',
            message: message(Messages.dockerfileUnterminatedHeredoc, doc.name),
          });
          break;
        }
      }
    }

    instructions.push({ keyword, text: joined, start, end: lastEnd, startLine, endLine: lineNo, offsetOf });
  }

  return { directives, escape, instructions, diagnostics };
}

function indexOfBlank(s: string, from: number): number {
  let i = from;
  while (i < s.length && !isBlank(s.charCodeAt(i))) i++;
  return i;
}

function skipBlanksIn(s: string, from: number): number {
  return skipBlanks(s, from, s.length);
}

function makeOffsetMap(pieceStarts: number[], pieceOrigins: number[]): (index: number) => number {
  if (pieceStarts.length === 1) {
    const origin = pieceOrigins[0]!;
    return (index) => origin + index;
  }
  return (index) => {
    let p = pieceStarts.length - 1;
    while (p > 0 && pieceStarts[p]! > index) p--;
    return pieceOrigins[p]! + (index - pieceStarts[p]!);
  };
}

/** `RUN ["sh", "-c", "…"]`: the JSON (exec) form, which takes no heredocs. Flags may come first. */
function isJsonForm(joined: string, from: number): boolean {
  let i = skipBlanksIn(joined, from);
  while (joined.startsWith('--', i)) i = skipBlanksIn(joined, indexOfBlank(joined, i));
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
