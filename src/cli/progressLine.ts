// Progress on stderr, the same for every command: one line drawn again in place (a carriage return, the text,
// then ECMA-48's EL, `\x1b[K`, which erases what a longer text left to its right), and erased when the work
// is done, so what follows starts on a clean line. Only when stderr is a terminal: a log or a CI's captured
// stderr gets none of it.

import type { CliIo } from './command';

/** Redrawn at most this often: a download reports progress for every chunk it reads. */
const REDRAW_MS = 100;

export interface ProgressLine {
  /** Draws `text` over what the line showed (unless it was drawn less than REDRAW_MS ago, and `last` is not set). */
  show(text: string, last?: boolean): void;
  /** Erases the line. */
  done(): void;
}

export function progressLine(io: CliIo, now: () => number = Date.now): ProgressLine {
  if (io.stderrIsTerminal !== true) return { show: () => undefined, done: () => undefined };
  let drawn: number | undefined;
  return {
    show(text, last = false) {
      const time = now();
      if (drawn !== undefined && time - drawn < REDRAW_MS && !last) return;
      drawn = time;
      io.stderr(`\r${text}\x1b[K`);
    },
    done() {
      if (drawn !== undefined) io.stderr('\r\x1b[K');
      drawn = undefined;
    },
  };
}
