import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { PackageStream } from '../../src/attest/packageStream';
import { readStatement } from '../../src/attest/statement';

// Unit tier: the SBOM's first packages read from its bytes while they arrive. JSON.parse of the whole statement
// is the oracle: whatever the chunks, the packages the stream gives are exactly the start of its package list.

const encoder = new TextEncoder();

/** The statement's bytes pushed in chunks ending at `cuts` (offsets, ascending). */
function streamed(bytes: Uint8Array, cuts: readonly number[], list: 'packages' | 'components', keep: number): PackageStream {
  const stream = new PackageStream(list, keep);
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    stream.push(bytes.subarray(from, cut), from);
    from = cut;
  }
  return stream;
}

// Written by hand to hold what a chunk boundary can fall inside: escaped quotes and backslashes, \u escapes (one a
// surrogate pair), multi-byte UTF-8, numbers with exponents, nested objects and arrays, brackets inside strings,
// and a `packages` key where it is not the list (inside creationInfo, and as a string value).
const SPDX_TEXT = `{
  "_type": "https://in-toto.io/Statement/v1",
  "subject": [{"name": "x", "digest": {"sha256": "ab"}}],
  "predicateType": "https://spdx.dev/Document",
  "predicate": {
    "spdxVersion": "SPDX-2.3",
    "name": "packages",
    "creationInfo": {"packages": [{"name": "not this"}], "created": "2026-01-12T08:21:30Z"},
    "packages": [
      {"name": "quote\\"d \\\\ back\\\\\\"slash", "SPDXID": "SPDXRef-1", "versionInfo": "1.0", "n": -12.5e+3},
      {"name": "caf\\u00e9 \\ud83d\\ude00 ünïcödé 雪", "externalRefs": [{"referenceType": "purl", "referenceLocator": "pkg:npm/a@1"}], "x": [[[]], {}]},
      {"name": "brackets ]}[{ ,: in a string", "deep": {"a": {"b": {"c": [1, 2.0, true, false, null]}}}},
      "a bare string element",
      17,
      {"name": "last\\n\\t\\/", "licenseDeclared": "MIT"}
    ],
    "files": [{"fileName": "/etc/os-release"}],
    "relationships": []
  }
}`;

const CYCLONEDX_TEXT = `{"_type":"https://in-toto.io/Statement/v1","predicateType":"https://cyclonedx.org/bom","predicate":{"bomFormat":"CycloneDX","specVersion":"1.6",
"metadata":{"component":{"type":"container","name":"components"}},
"components":[{"type":"library","name":"a\\"b","components":[{"type":"file","name":"/x"}]},{"type":"library","name":"\\\\","version":"1e-7"}],
"dependencies":[]}}`;

describe('PackageStream: an SBOM statement’s first packages while its bytes arrive', () => {
  const spdx = encoder.encode(SPDX_TEXT);
  const spdxPackages = (JSON.parse(SPDX_TEXT) as { predicate: { packages: unknown[] } }).predicate.packages;
  const cyclone = encoder.encode(CYCLONEDX_TEXT);
  const components = (JSON.parse(CYCLONEDX_TEXT) as { predicate: { components: unknown[] } }).predicate.components;

  it('gives exactly JSON.parse’s SPDX packages, cut in two at every byte', () => {
    for (let cut = 0; cut <= spdx.length; cut++) {
      const stream = streamed(spdx, [cut], 'packages', 100);
      assert.deepEqual(stream.first, spdxPackages, `cut at ${cut}`);
      assert.ok(stream.finished && !stream.stopped, `cut at ${cut}`);
    }
  });

  it('gives exactly JSON.parse’s CycloneDX components, cut in two at every byte and byte by byte', () => {
    for (let cut = 0; cut <= cyclone.length; cut++) assert.deepEqual(streamed(cyclone, [cut], 'components', 100).first, components, `cut at ${cut}`);
    const bytewise = streamed(cyclone, Array.from({ length: cyclone.length }, (_, i) => i), 'components', 100);
    assert.deepEqual(bytewise.first, components);
    assert.ok(bytewise.finished);
  });

  it('keeps the first `keep` elements, then reads no further', () => {
    const second = SPDX_TEXT.indexOf('{"name": "brackets');
    const stream = streamed(spdx, [40, second], 'packages', 2);
    assert.deepEqual(stream.first, spdxPackages.slice(0, 2));
    assert.ok(stream.full && !stream.finished && !stream.stopped);
  });

  it('says how far it got while the bytes are still arriving, and that it is not finished', () => {
    const third = SPDX_TEXT.indexOf('"a bare string element"');
    const stream = new PackageStream('packages', 100);
    stream.push(spdx.subarray(0, third), 0);
    assert.deepEqual(stream.first, spdxPackages.slice(0, 3));
    assert.ok(!stream.finished && !stream.stopped);
  });

  it('reads a bare predicate (no statement around it) too', () => {
    const bare = JSON.stringify({ spdxVersion: 'SPDX-2.3', packages: [{ name: 'a' }, { name: 'b' }] });
    assert.deepEqual(streamed(encoder.encode(bare), [9, 30], 'packages', 10).first, [{ name: 'a' }, { name: 'b' }]);
  });

  it('matches JSON.parse over random package lists cut at random places', () => {
    const element = fc.oneof(
      fc.record({ name: fc.string({ unit: 'binary' }), versionInfo: fc.string({ unit: 'grapheme-composite' }), extra: fc.jsonValue({ maxDepth: 4 }) }),
      fc.jsonValue({ maxDepth: 3 }),
    );
    fc.assert(
      fc.property(fc.array(element, { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 12 }), fc.boolean(), (packages, rawCuts, spaced) => {
        const statement = { _type: 'https://in-toto.io/Statement/v1', predicateType: 'https://spdx.dev/Document', predicate: { spdxVersion: 'SPDX-2.3', packages, files: [] } };
        const text = JSON.stringify(statement, undefined, spaced ? 2 : undefined);
        const bytes = encoder.encode(text);
        const cuts = [...new Set(rawCuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const stream = streamed(bytes, cuts, 'packages', 8);
        const expected = (JSON.parse(text) as typeof statement).predicate.packages;
        assert.deepEqual(stream.first, expected.slice(0, 8));
        assert.ok(expected.length > 8 ? stream.full : stream.finished);
      }),
      { numRuns: 300 },
    );
  });

  it('stops at a corrupt element, keeping the elements of the chunks before it', () => {
    const corrupt = SPDX_TEXT.replace('"a bare string element"', '"a bare string" element');
    const stream = streamed(encoder.encode(corrupt), [100, SPDX_TEXT.indexOf('"a bare string element"')], 'packages', 100);
    assert.ok(stream.stopped && !stream.finished);
    assert.deepEqual(stream.first, spdxPackages.slice(0, 3));
  });

  it('stops at what is not a statement: an array, a DSSE envelope’s base64 payload gives no list', () => {
    assert.ok(streamed(encoder.encode('[{"packages": []}]'), [], 'packages', 10).stopped);
    const envelope = streamed(encoder.encode(JSON.stringify({ payloadType: 'application/vnd.in-toto+json', payload: Buffer.from(SPDX_TEXT).toString('base64'), signatures: [] })), [50], 'packages', 10);
    assert.deepEqual(envelope.first, []);
    assert.ok(!envelope.finished);
  });

  it('stops at nesting deeper than the limit, as the statement reader refuses it', () => {
    const deep = `{"predicate":{"packages":[{"name":"a"},${'['.repeat(70)}${']'.repeat(70)}]}}`;
    const stream = streamed(encoder.encode(deep), [deep.indexOf('[[')], 'packages', 10);
    assert.ok(stream.stopped);
    assert.deepEqual(stream.first, [{ name: 'a' }]);
  });

  it('does not take a key written with escapes for the list (no preview: the whole document’s read decides)', () => {
    const escaped = encoder.encode('{"predicate":{"pack\\u0061ges":[{"name":"a"}]}}');
    const stream = streamed(escaped, [20], 'packages', 10);
    assert.deepEqual([stream.first, stream.finished], [[], false]);
  });

  it('starts again when a retried request sends the body from its first byte', () => {
    const stream = new PackageStream('packages', 100);
    stream.push(encoder.encode('{"predicate":{"packages":[{"name":"from a bad mirror"},'), 0);
    assert.equal(stream.first.length, 1);
    stream.push(spdx, 0);
    assert.deepEqual(stream.first, spdxPackages);
  });

  it('stops when a chunk does not follow the one before', () => {
    const stream = new PackageStream('packages', 100);
    stream.push(spdx.subarray(0, 100), 0);
    stream.push(spdx.subarray(120), 120);
    assert.ok(stream.stopped);
  });

  describe('readStatement around a list read as it arrived', () => {
    /** The statement read with its list streamed in chunks ending at `cuts`, and read whole. */
    function bothWays(text: string, key: 'packages' | 'components', cuts: readonly number[] = []) {
      const bytes = encoder.encode(text);
      const stream = streamed(bytes, cuts, key, Infinity);
      assert.ok(stream.finished && stream.span, 'the list was read whole');
      return { around: readStatement(bytes, {}, undefined, { key, ...stream.span, elements: stream.first }), whole: readStatement(bytes) };
    }

    it('gives what reading the whole bytes gives, SPDX and CycloneDX, at any cut', () => {
      for (const cut of [0, 17, 300, 640, SPDX_TEXT.length]) {
        const { around, whole } = bothWays(SPDX_TEXT, 'packages', [Math.min(cut, encoder.encode(SPDX_TEXT).length)]);
        assert.ok(around.ok);
        assert.deepEqual(around, whole);
      }
      const { around, whole } = bothWays(CYCLONEDX_TEXT, 'components', [100]);
      assert.ok(around.ok);
      assert.deepEqual(around, whole);
    });

    it('reads the bytes whole when the document names its list twice (JSON.parse keeps the last)', () => {
      const twice = '{"predicateType":"https://spdx.dev/Document","predicate":{"spdxVersion":"SPDX-2.3","packages":[{"name":"first"}],"packages":[{"name":"last"}]}}';
      const { around } = bothWays(twice, 'packages');
      assert.ok(around.ok);
      assert.deepEqual((around.statement.predicate as { packages: unknown }).packages, [{ name: 'last' }]);
    });

    it('still refuses what the whole read refuses: bad JSON after the list, nesting past the limit', () => {
      const broken = bothWays(SPDX_TEXT.replace('"relationships": []', '"relationships": [,]'), 'packages');
      assert.deepEqual(broken.around, broken.whole);
      assert.ok(!broken.around.ok);
      const deep = bothWays(`{"predicate":{"packages":[{"name":"a"}],"x":${'['.repeat(70)}${']'.repeat(70)}}}`, 'packages');
      assert.deepEqual(deep.around, deep.whole);
      assert.ok(!deep.around.ok);
    });

    it('matches the whole read over random statements', () => {
      fc.assert(
        fc.property(fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 10 }), fc.jsonValue({ maxDepth: 3 }), fc.nat(), (packages, rest, cut) => {
          const text = JSON.stringify({ _type: 'https://in-toto.io/Statement/v1', predicateType: 'https://spdx.dev/Document', predicate: { spdxVersion: 'SPDX-2.3', packages, rest } });
          const { around, whole } = bothWays(text, 'packages', [cut % (text.length + 1)]);
          assert.deepEqual(around, whole);
        }),
        { numRuns: 200 },
      );
    });
  });
});
