// The command-line tool's progress line (src/cli/progressLine.ts), with a clock of our own: on a terminal each
// text is drawn over the last (`\r`, the text, ECMA-48's EL `\x1b[K`), at most every 100 ms unless it is the last;
// the line is erased at the end. Anything else gets nothing.
import * as assert from 'node:assert/strict';
import type { CliIo } from '../../src/cli/command';
import { progressLine } from '../../src/cli/progressLine';

describe('command-line progress line (unit)', () => {
  const draw = (stderrIsTerminal: boolean | undefined) => {
    const written: string[] = [];
    let time = 1000;
    const io: CliIo = { stdout: () => undefined, stderr: (t) => written.push(t), env: {}, cwd: '/', ...(stderrIsTerminal !== undefined && { stderrIsTerminal }) };
    const line = progressLine(io, () => time);
    const at = (ms: number) => (time = 1000 + ms);
    return { written, line, at };
  };

  it('draws each text over the last, skips redraws within 100 ms but the last, and erases the line when done', () => {
    const { written, line, at } = draw(true);
    line.show('Looked up 1 of 40');
    at(50);
    line.show('Looked up 2 of 40');
    at(120);
    line.show('Looked up 3 of 40');
    at(130);
    line.show('Looked up 40 of 40', true);
    line.done();
    line.done();
    assert.deepEqual(written, ['\rLooked up 1 of 40\x1b[K', '\rLooked up 3 of 40\x1b[K', '\rLooked up 40 of 40\x1b[K', '\r\x1b[K']);
  });

  it('erases nothing when nothing was drawn', () => {
    const { written, line } = draw(true);
    line.done();
    assert.deepEqual(written, []);
  });

  it('writes nothing when stderr is not a terminal, or it is not known to be one', () => {
    for (const terminal of [false, undefined]) {
      const { written, line } = draw(terminal);
      line.show('Verifying: 1/2 blobs', true);
      line.done();
      assert.deepEqual(written, [], String(terminal));
    }
  });
});
