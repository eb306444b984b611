import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { LineIndex } from '../../src/model/lineIndex';

describe('line index', () => {
  it('starts a line after \\n, \\r\\n and a lone \\r, as VS Code does', () => {
    const text = fc.string({ unit: fc.constantFrom('a', ' ', '\n', '\r', '\r\n'), maxLength: 40 });
    fc.assert(
      fc.property(text, (t) => {
        const starts = [0];
        for (let i = 0; i < t.length; i++) {
          if (t[i] === '\n' || (t[i] === '\r' && t[i + 1] !== '\n')) starts.push(i + 1);
        }
        const lines = new LineIndex(t);
        for (let line = 0; line < starts.length; line++) assert.equal(lines.offset({ line, character: 0 }), starts[line], JSON.stringify(t));
        assert.ok(Number.isNaN(lines.offset({ line: starts.length, character: 0 })));
        // A line's content ends where its break (\n, \r\n or \r) begins, the last line at the end of the text.
        for (let line = 0; line < starts.length; line++) {
          const end = line + 1 < starts.length ? starts[line + 1]! - (t.startsWith('\r\n', starts[line + 1]! - 2) ? 2 : 1) : t.length;
          assert.equal(lines.lineStart(line), starts[line], JSON.stringify(t));
          assert.equal(lines.lineEnd(line), end, JSON.stringify(t));
        }
        assert.ok(Number.isNaN(lines.lineEnd(starts.length)));
        for (let offset = 0; offset <= t.length; offset++) {
          const { line, character } = lines.position(offset);
          assert.equal(starts[line]! + character, offset);
          assert.ok(line === starts.length - 1 || starts[line + 1]! > offset);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
