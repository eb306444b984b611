import * as assert from 'node:assert/strict';
import { mountFields, splitFlags, splitWords } from '../../src/dockerfile/words';
import type { Word } from '../../src/dockerfile/words';

// Words, flags and --mount fields as BuildKit reads them (moby/buildkit frontend/dockerfile/parser):
// parseWords (line_parsers.go) splits on blanks outside quotes and keeps quotes and escapes in the word,
// the escape character escaping anything outside single quotes; extractBuilderFlags (split_command.go)
// and BFlags.Parse (instructions/bflag.go) take the leading `--name[=value]` words, a bare `--` ending
// them; parseMount (instructions/commands_runmount.go) reads a --mount value as one CSV record
// (csvvalue.Fields), keys case-insensitive. Quotes and escapes stay in our words for variable
// expansion to remove, so every word keeps its exact place in the text.

/** `text@start-end`, one per word. */
function words(s: string, from = 0, escape = '\\'): string[] {
  return splitWords(s, from, escape).map((w) => `${w.text}@${w.start}-${w.end}`);
}

function word(text: string, start = 0): Word {
  return { text, start, end: start + text.length };
}

describe('words (unit): splitting an instruction into words', () => {
  const table: [line: string, from: number, expected: string[]][] = [
    ['FROM alpine:3.20 AS build', 5, ['alpine:3.20@5-16', 'AS@17-19', 'build@20-25']],
    // Blanks are spaces, tabs, vertical tabs and form feeds, any number of them.
    ['FROM  \talpine\v\fAS   build  ', 4, ['alpine@7-13', 'AS@15-17', 'build@20-25']],
    ['FROM ', 4, []],
    ['FROM', 6, []],
    ['', 0, []],
    // Quotes keep the blanks inside them, and stay in the word.
    ['"a b" c', 0, ['"a b"@0-5', 'c@6-7']],
    ["'a b' c", 0, ["'a b'@0-5", 'c@6-7']],
    ['a"b c"d e', 0, ['a"b c"d@0-7', 'e@8-9']],
    // A quote of the other kind inside quotes is an ordinary character.
    ['"it\'s here" x', 0, ['"it\'s here"@0-11', 'x@12-13']],
    ["'say \"hi\" now' x", 0, ["'say \"hi\" now'@0-14", 'x@15-16']],
    // An unterminated quote runs to the end.
    ['"a b', 0, ['"a b@0-4']],
    // The escape character keeps the next character in the word, a blank or a quote too…
    ['a\\ b c', 0, ['a\\ b@0-4', 'c@5-6']],
    ['a\\"b c"', 0, ['a\\"b@0-4', 'c"@5-7']],
    ['"a\\" b" c', 0, ['"a\\" b"@0-7', 'c@8-9']],
    // …except inside single quotes, where it escapes nothing.
    ["'a\\' b", 0, ["'a\\'@0-4", 'b@5-6']],
    // An escape at the very end belongs to the word it ends.
    ['a b\\', 0, ['a@0-1', 'b\\@2-4']],
  ];
  for (const [line, from, expected] of table) {
    it(`${JSON.stringify(line)} from ${from} → ${expected.join(' ') || 'nothing'}`, () => {
      assert.deepEqual(words(line, from), expected);
    });
  }

  it('uses the escape character the file chose (`# escape=`)', () => {
    assert.deepEqual(words('a` b c\\ d', 0, '`'), ['a` b@0-4', 'c\\@5-7', 'd@8-9']);
    assert.deepEqual(words('"a`" b"', 0, '`'), ['"a`" b"@0-7']);
  });
});

describe('words (unit): flags', () => {
  const split = (line: string) => {
    const { flags, rest } = splitFlags(splitWords(line, 0, '\\'));
    return {
      flags: flags.map((f) => (f.value ? `${f.name}=${f.value.text}@${f.value.start}-${f.value.end}` : f.name)),
      rest: rest.map((w) => w.text),
    };
  };

  it('takes the leading --name=value words, keeping where each value is', () => {
    assert.deepEqual(split('--platform=$BUILDPLATFORM golang:1.23 AS build'), {
      flags: ['platform=$BUILDPLATFORM@11-25'],
      rest: ['golang:1.23', 'AS', 'build'],
    });
    assert.deepEqual(split('--link --chown=1:1 --from=build /a /b'), {
      flags: ['link', 'chown=1:1@15-18', 'from=build@26-31'],
      rest: ['/a', '/b'],
    });
  });

  it('stops at the first word that does not start with --', () => {
    assert.deepEqual(split('--from=a /src --from=b /dst'), { flags: ['from=a@7-8'], rest: ['/src', '--from=b', '/dst'] });
    assert.deepEqual(split('-from=a b'), { flags: [], rest: ['-from=a', 'b'] });
    assert.deepEqual(split('golang'), { flags: [], rest: ['golang'] });
    assert.deepEqual(split(''), { flags: [], rest: [] });
  });

  it('ends the flags at a bare --, which is dropped', () => {
    assert.deepEqual(split('--from=a -- --from=b /dst'), { flags: ['from=a@7-8'], rest: ['--from=b', '/dst'] });
    assert.deepEqual(split('-- x'), { flags: [], rest: ['x'] });
  });

  it('splits name and value at the first =, an empty value included', () => {
    assert.deepEqual(split('--mount=type=bind,from=x --from= y'), { flags: ['mount=type=bind,from=x@8-24', 'from=@32-32'], rest: ['y'] });
  });

  it('keeps the quotes of a quoted value, whose blanks do not end it', () => {
    assert.deepEqual(split('--mount="type=bind, from=x" true'), { flags: ['mount="type=bind, from=x"@8-27'], rest: ['true'] });
  });
});

describe('words (unit): --mount fields', () => {
  const fields = (value: Word) => mountFields(value).map((f) => (f.value ? `${f.key}=${f.value.text}@${f.value.start}-${f.value.end}` : f.key));

  it('reads comma-separated key=value fields, with the place of each value', () => {
    // `RUN --mount=` puts the value at 12.
    assert.deepEqual(fields(word('type=bind,from=golang:1.23,source=/usr/local/go,target=/go', 12)), [
      'type=bind@17-21',
      'from=golang:1.23@27-38',
      'source=/usr/local/go@46-59',
      'target=/go@67-70',
    ]);
  });

  it('lowercases keys, not values; a field without = is a key alone', () => {
    assert.deepEqual(fields(word('TYPE=bind,From=Alpine,RO,rw')), ['type=bind@5-9', 'from=Alpine@15-21', 'ro', 'rw']);
  });

  it('splits at the first = only', () => {
    assert.deepEqual(fields(word('from=a=b')), ['from=a=b@5-8']);
  });

  it('skips empty fields, a leading or trailing comma included', () => {
    assert.deepEqual(fields(word('type=bind,,from=x,')), ['type=bind@5-9', 'from=x@16-17']);
    assert.deepEqual(fields(word(',from=x')), ['from=x@6-7']);
    assert.deepEqual(fields(word('')), []);
  });

  it('reads a field starting with = as an empty key with a value (strings.Cut)', () => {
    assert.deepEqual(fields(word('type=bind,=x')), ['type=bind@5-9', '=x@11-12']);
  });

  it('unwraps a value quoted as a whole, as BuildKit strips the quotes of a flag', () => {
    assert.deepEqual(fields(word('"type=bind,from=node:22,target=/c"', 12)), ['type=bind@18-22', 'from=node:22@28-35', 'target=/c@43-45']);
    // Only a pair of quotes around the whole value: one quote alone is not a pair.
    assert.deepEqual(fields(word('"')), []);
    assert.deepEqual(fields(word('type=bind,from="x"')), ['type=bind@5-9', 'from="x"@15-18']);
  });

  it('reads a CSV-quoted field, whose commas do not split it', () => {
    assert.deepEqual(fields(word('type=bind,"from=x,y",target=/t')), ['type=bind@5-9', 'from=x,y@16-19', 'target=/t@28-30']);
    // "" inside a quoted field is a quote, and does not end it; the value keeps its raw text.
    assert.deepEqual(fields(word('"from=a""b",ro')), ['from=a""b@6-10', 'ro']);
    assert.deepEqual(fields(word('"from=x"')), ['from=x@6-7']);
    // An unterminated quoted field runs to the end.
    assert.deepEqual(fields(word('ro,"from=x')), ['ro', 'from=x@9-10']);
  });
});
