import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { readBlockYaml } from '../../src/compose/blockYaml';
import { parseYamlCst } from '../../src/compose/yamlTree';

// The direct reader of plain block YAML (blockYaml.ts) must build exactly the tree the CST path builds,
// or give up. Documents are generated from the pieces Compose files are made of, with the characters
// and shapes that make YAML tricky mixed in.

function sameAsCst(text: string): boolean {
  const fast = readBlockYaml(text);
  if (fast) assert.deepStrictEqual(fast, parseYamlCst(text), JSON.stringify(text));
  return fast !== undefined;
}

describe('Block YAML reader', () => {
  it('reads the Compose files people write', () => {
    const root = join(__dirname, '../../..');
    for (const path of ['examples/compose.yaml', 'test/fixtures/workspace/compose.yaml']) {
      assert.ok(sameAsCst(readFileSync(join(root, path), 'utf8')), path);
    }
    const compose = [
      '# shop',
      'name: shop-1',
      'services:',
      '  web:',
      '    build:',
      '      context: .',
      '      args:',
      '        NODE_IMAGE: node:20-alpine',
      '      additional_contexts:',
      '        certs: docker-image://alpine:3.18',
      '    image: registry.example.com/shop-1/web:${TAG:-dev}',
      '    ports: ["8000:80"]',
      '    depends_on: [api, cache]',
      '  api:',
      '    build:',
      '      args: [NODE_IMAGE=node:22-slim]',
      '    environment:',
      '      - A=b # comment',
      '      -   "B=c"',
      '  worker:',
      '    extends: api',
      '    profiles: [jobs]',
      '  db:',
      "    image: 'postgres:1''6'",
      '    volumes: [db:/var/lib/postgresql/data]',
      'volumes:',
      '  db: {}',
      '  other:',
      'x:',
      '- a',
      '- b: 1',
      '  c: [ ]',
      '  f: {  }',
      '- - d',
      '  - e',
      '"quoted key": ~',
      'dup: 1',
      'dup: null',
      '<<: x',
      '<<: y',
    ].join('\n');
    assert.ok(sameAsCst(compose));
    assert.equal(readBlockYaml(compose)!.problems.length, 1);
  });

  it('gives up on what it does not read, and reads the same as the CST otherwise', () => {
    const cases = [
      'a: 1\nb:\n  # c\n  c: 2\n',
      'a:\n# x\n- 1\n- 2\nb: x   # c\n',
      'a:\n  b: 1\n# less indented comment\n  c: 2\n',
      'a:   \nb: "q" \nc: \'it\'\'s\'\n',
      '  a: 1\n  b: 2\n',
      'a: b: c\n',
      'a: -1\nb: ?x\nc: :x\nd: a#b\ne: a #b\n',
      'a: x\n  y\n',
      'a: [x,]\nb: [x, , y]\nc: [a:b, a: b]\n',
      'k  : v\n',
      'a: &x 1\nb: *x\n',
      'a: !reset null\n',
      'a: |\n  text\n',
      '---\na: 1\n',
      'a: 1\n...\n',
      'a:\n\tb: 1\n',
      'a: 1\r\nb: 2\r\n',
      '- a\n -b\n',
      'a:\n    b: 1\n  c: 2\n',
      '? a\n: b\n',
      'a: "x\\ty"\n',
      'a: "multi\n  line"\n',
      'a: [x,\n  y]\n',
      'a: {b: c}\n',
      'a: [[x]]\n',
      'a:\n-\n- b\n',
      '# only a comment\n',
      '',
      'a',
      'a:b\n',
      '[a]: b\n',
      'a: "b" c\n',
      'a: [b] c\n',
      'a: [b]#c\n',
      'a: b\n- c\n',
      '- a\nb: c\n',
      'a:\n  - b\n  c: d\n',
      'a: 1\n  # deeper comment\nb: 2\n',
      '%YAML 1.2\n---\na: 1\n',
      'a: @b\nc: `d`\n',
      'a: b\u00a0\n',
      '- a: 1\n  b:\n  - c\n  d: 2\n',
    ];
    for (const text of cases) sameAsCst(text);
  });

  // Scalars as Compose files write them, and with the characters that make YAML tricky.
  const word = fc.constantFrom('a', 'b', 'web', 'build', 'image', 'x-y', 'a.b', '1.20', 'null', '~', 'Null', '', '<<', 'true', '-1', 'é', 'node:22', '${TAG:-dev}');
  const tricky = fc.constantFrom(':', ': ', ' :', '#', ' #', '-', '- ', '?', '? ', ',', '[', ']', '{', '}', "'", '"', "''", '\\', '!', '&', '*', '|', '>', '%', '@', '`', ' ', '  ', '/', '$', '\u00a0', '---', '...');
  const plain = fc.array(fc.oneof({ weight: 4, arbitrary: word }, { weight: 1, arbitrary: tricky }), { minLength: 1, maxLength: 3 }).map((p) => p.join(''));
  const quoted = fc.tuple(fc.constantFrom('"', "'"), plain).map(([q, v]) => q + v + q);
  const flow = fc.array(fc.oneof(plain, quoted), { maxLength: 3 }).chain((items) =>
    fc.tuple(fc.constantFrom('[', '{', '[ '), fc.constantFrom(', ', ',', ' , '), fc.constantFrom(']', '}', ' ]', ',]')).map(([o, s, c]) => o + items.join(s) + c),
  );
  const scalar = fc.oneof({ weight: 4, arbitrary: plain }, { weight: 2, arbitrary: quoted }, { weight: 1, arbitrary: flow });
  const comment = fc.constantFrom('', '', '', ' # note', '  #', '#x');
  const key = fc.oneof({ weight: 5, arbitrary: word.filter((w) => w !== '') }, { weight: 1, arbitrary: plain }, { weight: 1, arbitrary: quoted });

  it('agrees with the CST path on generated lines', () => {
    const content = fc.oneof(
      { weight: 6, arbitrary: fc.tuple(key, fc.constantFrom(':', ': ', ' :', ':  '), fc.option(scalar), comment).map(([k, c, v, m]) => k + c + (v ?? '') + m) },
      { weight: 3, arbitrary: fc.tuple(fc.constantFrom('- ', '-  ', '-', '- - '), fc.oneof(scalar, fc.tuple(key, fc.option(scalar)).map(([k, v]) => `${k}: ${v ?? ''}`)), comment).map(([d, v, m]) => d + v + m) },
      { weight: 1, arbitrary: fc.constantFrom('', '   ', '# comment', '  # comment') },
      { weight: 1, arbitrary: scalar },
    );
    const line = fc.tuple(fc.constantFrom('', '', '  ', '    ', '      ', ' ', '   ', '\t'), content).map(([indent, c]) => indent + c);
    const doc = fc.tuple(fc.array(line, { minLength: 1, maxLength: 10 }), fc.constantFrom('\n', '\n', '\r\n', '')).map(([lines, end]) => lines.join('\n') + end);
    fc.assert(fc.property(doc, (text) => void sameAsCst(text)), { numRuns: 10_000 });
  });

  it('agrees with the CST path on generated documents', () => {
    // A tree of mappings and sequences, written out at varying indentation with comments and blank lines
    // (at any depth) between the lines.
    type Tree = string | { map: [string, Tree | null][] } | { seq: Tree[] };
    const { collection } = fc.letrec<{ tree: Tree; collection: Tree }>((tie) => ({
      tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, { weight: 3, arbitrary: scalar }, { weight: 3, arbitrary: tie('collection') }),
      collection: fc.oneof(
        { weight: 2, arbitrary: fc.record({ map: fc.array(fc.tuple(key, fc.option(tie('tree'), { freq: 4 })), { minLength: 1, maxLength: 4 }) }) },
        { weight: 1, arbitrary: fc.record({ seq: fc.array(tie('tree'), { minLength: 1, maxLength: 3 }) }) },
      ),
    }));
    const between = fc.array(fc.tuple(fc.nat({ max: 8 }), fc.constantFrom('# c', '#', '')), { maxLength: 2 });
    const layout = fc.array(fc.tuple(fc.integer({ min: 1, max: 4 }), fc.boolean(), between, comment), { minLength: 64, maxLength: 64 });
    const doc = fc.tuple(collection, layout, fc.nat({ max: 2 })).map(([root, choices, base]) => {
      let n = 0;
      const next = () => choices[n++ % choices.length]!;
      const lines: string[] = [];
      const emit = (column: number, text: string) => {
        const [, , extra, trailing] = next();
        for (const [c, t] of extra) lines.push(' '.repeat(c) + t);
        lines.push(' '.repeat(column) + text + trailing);
      };
      // `prefix` is the start of the first line (`- `, written at `column` - its length).
      const write = (t: Tree, column: number, prefix: string): void => {
        if (typeof t === 'string') return emit(column - prefix.length, prefix + t);
        if ('map' in t) {
          t.map.forEach(([k, v], i) => {
            const head = (i === 0 ? prefix : ' '.repeat(prefix.length)) + k + ':';
            const [step, sameColumn] = next();
            if (v === null) emit(column - prefix.length, head);
            else if (typeof v === 'string') emit(column - prefix.length, `${head} ${v}`);
            else {
              emit(column - prefix.length, head);
              // A sequence may stay in its key's column.
              write(v, 'seq' in v && sameColumn ? column : column + step, '');
            }
          });
          return;
        }
        t.seq.forEach((item, i) => {
          const [step] = next();
          const dash = (i === 0 ? prefix : ' '.repeat(prefix.length)) + '-' + ' '.repeat(step);
          write(item, column + dash.length - prefix.length, dash);
        });
      };
      write(root, base, '');
      return lines.join('\n') + '\n';
    });
    let read = 0;
    fc.assert(
      fc.property(doc, (text) => {
        if (sameAsCst(text)) read++;
      }),
      { numRuns: 10_000 },
    );
    // The comparison means something only if the fast path reads a fair share of the documents.
    assert.ok(read > 3_000, `read ${read}`);
  });
});
