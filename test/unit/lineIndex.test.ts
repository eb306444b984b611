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
