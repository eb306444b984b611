import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { formatMessage } from '../../src/model/messages';
import { readStatement, type InTotoStatement, type LayerInfo, type StatementResult } from '../../src/attest/statement';

// Fixtures in test/fixtures/attest/ are written by hand after the tools' source; README.md there names
// the file that defines each shape.

const fixture = (name: string): Uint8Array => readFileSync(`test/fixtures/attest/${name}`);
const bytes = (value: unknown): Uint8Array => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));
const base64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64');
/** moby/buildkit exporter/containerimage/writer.go: every attestation layer carries its predicate type. */
const layer = (predicateType: string): LayerInfo => ({ mediaType: 'application/vnd.in-toto+json', annotations: { 'in-toto.io/predicate-type': predicateType } });

function ok(result: StatementResult): InTotoStatement {
  if (!result.ok) assert.fail(`expected a statement, got: ${formatMessage(result.problem)}`);
  return result.statement;
}
function problem(result: StatementResult): string {
  if (result.ok) assert.fail('expected a problem, got a statement');
  return formatMessage(result.problem);
}

const SLSA1 = 'https://slsa.dev/provenance/v1';
const SPDX = 'https://spdx.dev/Document';

describe('attestation statements (unit)', () => {
  it('reads BuildKit\'s in-toto statement v1 with the image as its subject', () => {
    // moby/buildkit exporter/attestation/make.go makeInTotoStatement: _type StatementInTotoV1, subjects from the image.
    const statement = ok(readStatement(fixture('buildkit-slsa1-max.json'), layer(SLSA1)));
    assert.equal(statement.statementType, 'https://in-toto.io/Statement/v1');
    assert.equal(statement.predicateType, SLSA1);
    assert.deepEqual(statement.subject, [
      { name: 'pkg:docker/example/app@1.2.3?platform=linux%2Famd64', digest: { sha256: '9ff8ad0ccf931882bc51b6ca4cc4c77d9b5ef9c71a3760c3c5c733a6564bc2ec' } },
    ]);
    assert.equal(statement.envelope, 'none');
    assert.equal(statement.signature, 'none');
    assert.deepEqual(statement.warnings, []);
  });

  it('reads statement v0.1, as BuildKit 0.11 and buildkit-syft-scanner wrote it', () => {
    const statement = ok(readStatement(fixture('buildkit-slsa02-min.json'), layer('https://slsa.dev/provenance/v0.2')));
    assert.equal(statement.statementType, 'https://in-toto.io/Statement/v0.1');
    assert.equal(statement.predicateType, 'https://slsa.dev/provenance/v0.2');
  });

  it('unwraps a DSSE envelope (cosign .att) and says the signature was not verified', () => {
    // secure-systems-lab/dsse envelope.md: payloadType, base64 payload, signatures[].sig.
    const statement = ok(readStatement(fixture('cosign-att.dsse.json'), { mediaType: 'application/vnd.dsse.envelope.v1+json' }));
    assert.equal(statement.envelope, 'dsse');
    assert.equal(statement.signature, 'unverified');
    assert.equal(statement.predicateType, 'https://cyclonedx.org/bom');
    assert.equal(statement.subject[0]?.name, 'registry.example.com/app');
  });

  it('unwraps the DSSE envelope of an actions/attest Sigstore bundle', () => {
    // actions/toolkit packages/attest: a bundle v0.3 whose dsseEnvelope carries an in-toto statement v1.
    const statement = ok(readStatement(fixture('actions-attest-provenance.sigstore.json'), { mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json' }));
    assert.equal(statement.envelope, 'sigstoreBundle');
    assert.equal(statement.signature, 'unverified');
    assert.equal(statement.predicateType, SLSA1);
    assert.equal(statement.subject[0]?.name, 'ghcr.io/example/app');
  });

  it('an envelope without signatures is not called signed', () => {
    const envelope = { payloadType: 'application/vnd.in-toto+json', payload: base64({ _type: 'https://in-toto.io/Statement/v1', predicateType: SPDX, subject: [], predicate: {} }), signatures: [] };
    assert.equal(ok(readStatement(bytes(envelope))).signature, 'none');
  });

  it('accepts URL-safe, unpadded base64 in an envelope', () => {
    const statement = { _type: 'https://in-toto.io/Statement/v1', predicateType: SPDX, subject: [], predicate: { name: '??>>' } };
    const payload = Buffer.from(JSON.stringify(statement)).toString('base64url');
    assert.equal(ok(readStatement(bytes({ payloadType: 'application/vnd.in-toto+json', payload }))).predicateType, SPDX);
  });

  it('reads a bare predicate, its type taken from the layer annotation', () => {
    const spdx = { spdxVersion: 'SPDX-2.3', SPDXID: 'SPDXRef-DOCUMENT', name: 'app', packages: [] };
    const statement = ok(readStatement(bytes(spdx), layer(SPDX)));
    assert.equal(statement.statementType, undefined);
    assert.equal(statement.predicateType, SPDX);
    assert.deepEqual(statement.predicate, spdx);
    assert.deepEqual(statement.subject, []);
  });

  it('keeps an empty or foreign subject as written: the index annotation links the attestation', () => {
    const foreign = { _type: 'https://in-toto.io/Statement/v1', predicateType: SPDX, subject: [{ name: 'empty', digest: { sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' } }], predicate: {} };
    assert.deepEqual(ok(readStatement(bytes(foreign))).subject, foreign.subject);
    assert.deepEqual(ok(readStatement(bytes({ ...foreign, subject: [] }))).subject, []);
  });

  it('says so when the annotation and the statement disagree on the predicate type', () => {
    const statement = ok(readStatement(fixture('buildkit-slsa1-max.json'), layer(SPDX)));
    assert.equal(statement.predicateType, SLSA1);
    assert.deepEqual(statement.warnings.map(formatMessage), [
      `The layer annotation says the predicate type is ${SPDX}, the statement says ${SLSA1}; the statement's is used.`,
    ]);
  });

  it('reads an unknown statement type, with a warning, and leaves out malformed subjects', () => {
    const statement = ok(readStatement(bytes({ _type: 'https://in-toto.io/Statement/v9', predicateType: SPDX, subject: [{ name: 'x' }, 'y'], predicate: {} })));
    assert.deepEqual(statement.warnings.map(formatMessage), [
      'Unknown in-toto statement type "https://in-toto.io/Statement/v9"; read as a statement v1.',
      '2 subject(s) of the statement have no name or digest and are left out.',
    ]);
  });

  describe('hostile or broken input gets a clear problem, never an exception', () => {
    const cases: [string, Uint8Array, LayerInfo, string][] = [
      ['empty', bytes(''), {}, 'The attestation is empty.'],
      ['not UTF-8', new Uint8Array([0x7b, 0xff, 0x7d]), {}, 'The attestation is not UTF-8 text.'],
      ['not JSON', bytes('{"_type": '), {}, 'The attestation is not valid JSON.'],
      ['an array', bytes([1, 2]), {}, 'The attestation is not a JSON object.'],
      ['deep nesting', bytes(`{"a":${'['.repeat(100)}${']'.repeat(100)}}`), {}, 'The attestation nests deeper than 64 levels; it is not read.'],
      ['a bare predicate without annotation', bytes({ packages: [] }), {}, 'The attestation does not say what it is: no predicate type in the statement, nor in the layer annotation "in-toto.io/predicate-type".'],
      ['a statement without predicate', bytes({ _type: 'https://in-toto.io/Statement/v1', predicateType: SPDX, subject: [] }), {}, 'The in-toto statement has no predicate.'],
      ['a DSSE envelope of something else', bytes({ payloadType: 'text/plain', payload: 'aGk=' }), {}, 'The DSSE envelope carries "text/plain", not an in-toto statement (application/vnd.in-toto+json).'],
      ['a DSSE payload that is not base64', bytes({ payloadType: 'application/vnd.in-toto+json', payload: 'not base64!' }), {}, 'The DSSE envelope\'s payload is not base64.'],
      ['a DSSE payload that is not JSON', bytes({ payloadType: 'application/vnd.in-toto+json', payload: Buffer.from('nope').toString('base64') }), {}, 'The attestation is not valid JSON.'],
      [
        'a Sigstore bundle with a message signature',
        bytes({ mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', messageSignature: { messageDigest: {}, signature: 'x' } }),
        {},
        'The Sigstore bundle holds no DSSE envelope: it signs an artifact, it is not an attestation.',
      ],
    ];
    for (const [name, input, info, expected] of cases) {
      it(name, () => assert.equal(problem(readStatement(input, info)), expected));
    }

    it('a body over the size limit is not parsed', () => {
      assert.equal(problem(readStatement(bytes({ predicate: 'x'.repeat(100) }), {}, { maxBytes: 64, maxDepth: 64 })), 'The attestation is 116 bytes, more than the 64 bytes this extension reads.');
    });

    it('nesting is counted by brackets outside strings: 64 levels read, brackets and escaped quotes inside strings ignored', () => {
      // The root object is level 1, as the tree walk this scan replaced counted it.
      const deepest = `{"_type":"https://in-toto.io/Statement/v1","predicateType":"x","subject":[],"predicate":{"a":${'['.repeat(62)}${']'.repeat(62)}}}`;
      assert.equal(ok(readStatement(bytes(deepest))).predicateType, 'x');
      const quoted = `{"_type":"https://in-toto.io/Statement/v1","predicateType":"x","subject":[],"predicate":{"a":"\\"${'[{'.repeat(200)}\\\\"}}`;
      assert.deepEqual(ok(readStatement(bytes(quoted))).predicate, { a: `"${'[{'.repeat(200)}\\` });
      const tooDeep = `{"_type":"https://in-toto.io/Statement/v1","predicateType":"x","subject":[],"predicate":{"a":${'['.repeat(63)}${']'.repeat(63)}}}`;
      assert.equal(problem(readStatement(bytes(tooDeep))), 'The attestation nests deeper than 64 levels; it is not read.');
    });

    it('a `__proto__` digest key stays data', () => {
      const statement = ok(readStatement(bytes('{"_type":"https://in-toto.io/Statement/v1","predicateType":"x","predicate":{},"subject":[{"name":"n","digest":{"__proto__":"polluted"}}]}')));
      assert.equal(Object.getPrototypeOf(statement.subject[0]!.digest), Object.prototype);
      assert.equal(statement.subject[0]!.digest['__proto__'], 'polluted');
    });
  });
});
