// Splits an instruction's arguments into words and flags, keeping each word's raw text and its
// position in the joined instruction text (quotes and escapes are left in; expansion removes them).

export interface Word {
  /** Raw text as written, quotes and escapes included. */
  readonly text: string;
  /** Index of the first character in the instruction's joined text. */
  readonly start: number;
  readonly end: number;
}

export interface Flag {
  /** The name as written after `--`, without the value. */
  readonly name: string;
  /** The raw value after `=`, if any, with its position. */
  readonly value?: Word;
  readonly word: Word;
}

/** A blank, a quote, or either escape character (the one not in use is then read as ordinary). */
const WORD_BREAK = /[ \t\v\f"'\\`]/g;

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 11 || c === 12;
}

/**
 * Words separated by unquoted blanks, from index `from` on. With `flagsOnly`, only the words `splitFlags`
 * reads as flags: the leading ones that start with `--`, up to a bare `--`.
 */
export function splitWords(s: string, from: number, escape: string, flagsOnly = false): Word[] {
  const esc = escape.charCodeAt(0);
  const words: Word[] = [];
  let i = from;
  while (i < s.length) {
    while (i < s.length && isBlank(s.charCodeAt(i))) i++;
    if (i >= s.length || (flagsOnly && !s.startsWith('--', i))) break;
    const start = i;
    let quote = 0;
    for (; i < s.length; i++) {
      if (quote === 0) {
        // Straight to the next character that ends or changes the word (natively: most words have none).
        WORD_BREAK.lastIndex = i;
        i = WORD_BREAK.test(s) ? WORD_BREAK.lastIndex - 1 : s.length;
        if (i >= s.length) break;
      }
      const c = s.charCodeAt(i);
      if (quote === 0 && isBlank(c)) break;
      if (c === esc && quote !== 39 /* ' */ && i + 1 < s.length) {
        i++; // the escaped character belongs to the word
      } else if (quote === 0 && (c === 34 || c === 39)) {
        quote = c;
      } else if (c === quote) {
        quote = 0;
      }
    }
    words.push({ text: s.slice(start, i), start, end: i });
    if (flagsOnly && i - start === 2) break;
  }
  return words;
}

/**
 * Leading `--name[=value]` words are flags (BuildKit's extractBuilderFlags): they stop at the
 * first word not starting with `--`, and a bare `--` ends them and is dropped.
 */
export function splitFlags(words: readonly Word[]): { flags: Flag[]; rest: Word[] } {
  const flags: Flag[] = [];
  let i = 0;
  for (; i < words.length; i++) {
    const word = words[i]!;
    if (!word.text.startsWith('--')) break;
    if (word.text === '--') {
      i++;
      break;
    }
    const eq = word.text.indexOf('=');
    if (eq < 0) {
      flags.push({ name: word.text.slice(2), word });
    } else {
      const valueStart = word.start + eq + 1;
      flags.push({
        name: word.text.slice(2, eq),
        value: { text: word.text.slice(eq + 1), start: valueStart, end: word.end },
        word,
      });
    }
  }
  return { flags, rest: words.slice(i) };
}

/**
 * The fields of a `--mount` value: comma-separated `key=value` pairs in CSV form (BuildKit reads
 * them with encoding/csv). A value wrapped in one pair of double quotes is unwrapped first, as the
 * flag parser does. Returns each field's key and raw value with positions.
 */
export function mountFields(value: Word): { key: string; value?: Word }[] {
  let text = value.text;
  let base = value.start;
  // A lone `"` unwraps to nothing, which is also what it reads as: an empty quoted field.
  if (text.startsWith('"') && text.endsWith('"')) {
    text = text.slice(1, -1);
    base += 1;
  }
  const fields: { key: string; value?: Word }[] = [];
  let i = 0;
  for (;;) {
    let start = i;
    let end: number;
    if (text.charCodeAt(i) === 34) {
      // A quoted CSV field: "…" with "" for a literal quote.
      start = i + 1;
      let j = start;
      while (j < text.length && !(text.charCodeAt(j) === 34 && text.charCodeAt(j + 1) !== 34)) j += text.charCodeAt(j) === 34 ? 2 : 1;
      end = j;
      i = text.indexOf(',', j);
    } else {
      i = text.indexOf(',', i);
      end = i < 0 ? text.length : i;
    }
    const field = text.slice(start, end);
    const eq = field.indexOf('=');
    if (field !== '') {
      fields.push(
        eq < 0
          ? { key: field.toLowerCase() }
          : {
              key: field.slice(0, eq).toLowerCase(),
              value: { text: field.slice(eq + 1), start: base + start + eq + 1, end: base + end },
            },
      );
    }
    if (i < 0) return fields;
    i++;
  }
}
