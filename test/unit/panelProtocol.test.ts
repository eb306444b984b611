import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { readProvenance } from '../../src/attest/provenance';
import { describeSbomScope, readSbom, sbomScopes, type Sbom } from '../../src/attest/sbom';
import { readStatement } from '../../src/attest/statement';
import type { ImageSummary } from '../../src/attest/summary';
import { formatMessage, message, Messages } from '../../src/model/messages';
import { overviewOf } from '../../src/panel/overview';
import { MAX_COPY_LENGTH, MAX_URL_LENGTH, PANEL_STATE_VERSION, parsePageMessage, parsePanelState, PROTOCOL_VERSION } from '../../src/panel/protocol';
import { parseImageReference } from '../../src/reference/imageReference';

// The attestation panel's protocol (src/panel/protocol.ts): the page's messages are hostile input to the host, so
// only the exact shapes it offers are accepted; and the Overview the host sends, built from a summary of the
// fixtures (test/fixtures/attest/README.md names the BuildKit / syft source of each).

const DIGEST = `sha256:${'a'.repeat(64)}`;
const OTHER = `sha256:${'b'.repeat(64)}`;

describe('Attestation panel protocol (unit)', () => {
  describe('parsePageMessage', () => {
    it('accepts exactly the intents the page may send', () => {
      assert.deepEqual(parsePageMessage({ type: 'ready', version: PROTOCOL_VERSION }), { type: 'ready', version: PROTOCOL_VERSION });
      assert.deepEqual(parsePageMessage({ type: 'selectPlatform', digest: DIGEST }), { type: 'selectPlatform', digest: DIGEST });
      assert.deepEqual(parsePageMessage({ type: 'copyText', text: 'pkg:apk/alpine/musl@1.2.5-r0' }), { type: 'copyText', text: 'pkg:apk/alpine/musl@1.2.5-r0' });
      // As postMessage delivers it: a JSON round trip.
      assert.deepEqual(parsePageMessage(JSON.parse('{"type":"copyText","text":"x"}')), { type: 'copyText', text: 'x' });
    });

    it('refuses unknown types, commands and anything that is not a plain object', () => {
      for (const value of [
        undefined,
        null,
        'ready',
        42,
        [{ type: 'ready', version: 1 }],
        { type: 'openFolder', uri: 'file:///' },
        { type: 'runCommand', command: 'workbench.action.terminal.new' },
        { type: 'READY', version: 1 },
        { version: 1 },
        new (class Ready {
          type = 'ready';
          version = 1;
        })(),
      ]) {
        assert.equal(parsePageMessage(value), undefined, JSON.stringify(value));
      }
    });

    it('refuses extra keys and fields of the wrong type', () => {
      for (const value of [
        { type: 'ready', version: 1, extra: true },
        { type: 'ready', version: '1' },
        { type: 'ready', version: 1.5 },
        { type: 'ready' },
        { type: 'selectPlatform', digest: DIGEST, command: 'x' },
        { type: 'selectPlatform', digest: 'linux/amd64' },
        { type: 'selectPlatform', digest: DIGEST.toUpperCase() },
        { type: 'selectPlatform', digest: `${DIGEST}0` },
        { type: 'selectPlatform' },
        { type: 'copyText', text: 42 },
        { type: 'copyText', text: '' },
        { type: 'copyText', text: ['a'] },
      ]) {
        assert.equal(parsePageMessage(value), undefined, JSON.stringify(value));
      }
    });

    it('refuses oversized text: at most MAX_COPY_LENGTH characters are copied', () => {
      assert.deepEqual(parsePageMessage({ type: 'copyText', text: 'x'.repeat(MAX_COPY_LENGTH) }), { type: 'copyText', text: 'x'.repeat(MAX_COPY_LENGTH) });
      assert.equal(parsePageMessage({ type: 'copyText', text: 'x'.repeat(MAX_COPY_LENGTH + 1) }), undefined);
      assert.equal(parsePageMessage({ type: 'copyText', text: 'x'.repeat(10_000_000) }), undefined);
    });

    it('refuses prototype-pollution keys, and pollutes nothing', () => {
      for (const text of ['{"type":"copyText","text":"x","__proto__":{"polluted":true}}', '{"type":"copyText","text":"x","constructor":{"prototype":{"polluted":true}}}', '{"type":"ready","version":1,"prototype":{}}']) {
        assert.equal(parsePageMessage(JSON.parse(text)), undefined, text);
      }
      // An object whose prototype is not Object's (what `__proto__` in a literal makes) is no message either.
      assert.equal(parsePageMessage(Object.setPrototypeOf({ type: 'copyText', text: 'x' }, { polluted: true })), undefined);
      assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
      // A null prototype (what structured clone may hand over) is still plain.
      assert.deepEqual(parsePageMessage(Object.assign(Object.create(null) as object, { type: 'copyText', text: 'x' })), { type: 'copyText', text: 'x' });
    });
  });

  describe('parsePageMessage: the Provenance tab\'s intents', () => {
    it('accepts opening an https link, an image at a digest, and asking for a platform\'s statement', () => {
      assert.deepEqual(parsePageMessage({ type: 'openLink', url: 'https://github.com/acme/app' }), { type: 'openLink', url: 'https://github.com/acme/app' });
      assert.deepEqual(parsePageMessage({ type: 'openImage', ref: 'alpine:3.20', digest: DIGEST }), { type: 'openImage', ref: 'alpine:3.20', digest: DIGEST });
      assert.deepEqual(parsePageMessage({ type: 'requestStatement', platform: DIGEST }), { type: 'requestStatement', platform: DIGEST });
    });

    it('refuses a link that is not https (javascript:, data:, http:, command:, file:) or is oversized', () => {
      for (const url of ['javascript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'http://example.com', 'command:workbench.action.terminal.new', 'file:///etc/passwd', ' https://example.com', 'HTTPS://EXAMPLE.COM', `https://example.com/${'x'.repeat(MAX_URL_LENGTH)}`]) {
        assert.equal(parsePageMessage({ type: 'openLink', url }), undefined, url);
      }
    });

    it('refuses malformed shapes: extra keys, a digest that is none, an empty or oversized reference', () => {
      for (const value of [
        { type: 'openLink' },
        { type: 'openLink', url: 42 },
        { type: 'openLink', url: 'https://example.com', command: 'x' },
        { type: 'openImage', ref: 'alpine:3.20' },
        { type: 'openImage', ref: 'alpine:3.20', digest: 'latest' },
        { type: 'openImage', ref: '', digest: DIGEST },
        { type: 'openImage', ref: 'a'.repeat(10_000), digest: DIGEST },
        { type: 'openImage', ref: 'alpine:3.20', digest: DIGEST, platform: 'linux/amd64' },
        { type: 'requestStatement' },
        { type: 'requestStatement', platform: 'linux/amd64' },
        { type: 'requestStatement', platform: DIGEST, json: {} },
      ]) {
        assert.equal(parsePageMessage(value), undefined, JSON.stringify(value));
      }
    });
  });

  describe('parsePageMessage: the SBOM intents', () => {
    it('accepts the rows and the export of an SBOM by its layer digest, in the three export formats', () => {
      assert.deepEqual(parsePageMessage({ type: 'requestRows', sbom: DIGEST }), { type: 'requestRows', sbom: DIGEST });
      // The later windows of its rows, from the first row the page does not have.
      assert.deepEqual(parsePageMessage(JSON.parse(`{"type":"requestRows","sbom":"${DIGEST}","start":200}`)), { type: 'requestRows', sbom: DIGEST, start: 200 });
      assert.deepEqual(parsePageMessage({ type: 'requestRows', sbom: DIGEST, start: 0 }), { type: 'requestRows', sbom: DIGEST, start: 0 });
      for (const format of ['spdx', 'cyclonedx', 'csv']) {
        assert.deepEqual(parsePageMessage(JSON.parse(JSON.stringify({ type: 'exportSbom', sbom: DIGEST, format }))), { type: 'exportSbom', sbom: DIGEST, format });
      }
    });

    it('refuses them malformed: no digest, another format, a path, extra keys, a start that is no row number', () => {
      for (const value of [
        { type: 'requestRows' },
        { type: 'requestRows', sbom: 'sbom' },
        { type: 'requestRows', sbom: DIGEST.toUpperCase() },
        { type: 'requestRows', sbom: DIGEST, offset: 0 },
        { type: 'requestRows', sbom: [DIGEST] },
        { type: 'requestRows', sbom: DIGEST, start: -1 },
        { type: 'requestRows', sbom: DIGEST, start: 1.5 },
        { type: 'requestRows', sbom: DIGEST, start: '200' },
        { type: 'requestRows', sbom: DIGEST, start: 2 ** 53 },
        { type: 'requestRows', sbom: DIGEST, start: null },
        { type: 'requestRows', sbom: DIGEST, start: 200, count: 100_000 },
        { type: 'requestRows', start: 200 },
        { type: 'exportSbom', sbom: DIGEST },
        { type: 'exportSbom', sbom: DIGEST, format: 'SPDX' },
        { type: 'exportSbom', sbom: DIGEST, format: 'xml' },
        { type: 'exportSbom', sbom: DIGEST, format: 'csv', path: '/etc/passwd' },
        { type: 'exportSbom', sbom: `${DIGEST}/../x`, format: 'csv' },
        { type: 'exportSbom', format: 'csv' },
      ]) {
        assert.equal(parsePageMessage(value), undefined, JSON.stringify(value));
      }
    });
  });

  describe('parsePanelState', () => {
    it('restores a state this version wrote, with or without a platform and a tab', () => {
      assert.deepEqual(parsePanelState({ version: PANEL_STATE_VERSION, ref: 'nginx:1.27-alpine', digest: DIGEST }), { version: PANEL_STATE_VERSION, ref: 'nginx:1.27-alpine', digest: DIGEST });
      assert.deepEqual(parsePanelState(JSON.parse(JSON.stringify({ version: PANEL_STATE_VERSION, ref: 'nginx:1.27-alpine', digest: DIGEST, platform: OTHER }))), {
        version: PANEL_STATE_VERSION,
        ref: 'nginx:1.27-alpine',
        digest: DIGEST,
        platform: OTHER,
      });
      assert.deepEqual(parsePanelState({ version: PANEL_STATE_VERSION, ref: 'nginx', digest: DIGEST, tab: 'sbom' }), { version: PANEL_STATE_VERSION, ref: 'nginx', digest: DIGEST, tab: 'sbom' });
    });

    it('refuses another version, missing or malformed fields, and extra keys', () => {
      for (const value of [
        undefined,
        null,
        {},
        { version: PANEL_STATE_VERSION + 1, ref: 'nginx:1.27-alpine', digest: DIGEST },
        { version: String(PANEL_STATE_VERSION), ref: 'nginx:1.27-alpine', digest: DIGEST },
        { version: PANEL_STATE_VERSION, ref: '', digest: DIGEST },
        { version: PANEL_STATE_VERSION, ref: 'x'.repeat(513), digest: DIGEST },
        { version: PANEL_STATE_VERSION, ref: 'nginx', digest: 'sha256:abc' },
        { version: PANEL_STATE_VERSION, ref: 'nginx', digest: DIGEST, platform: 'linux/amd64' },
        { version: PANEL_STATE_VERSION, ref: 'nginx', digest: DIGEST, script: 'x' },
        { version: PANEL_STATE_VERSION, ref: 'nginx', digest: DIGEST, tab: 'files' },
        { version: PANEL_STATE_VERSION, ref: 'nginx', digest: DIGEST, tab: 'constructor' },
        JSON.parse(`{"version":${PANEL_STATE_VERSION},"ref":"nginx","digest":"${DIGEST}","__proto__":{}}`),
      ]) {
        assert.equal(parsePanelState(value), undefined, JSON.stringify(value));
      }
    });

    it('restores a compare panel: the old digest as `base`, with or without a platform', () => {
      const compare = { version: PANEL_STATE_VERSION, ref: 'node:22-alpine', digest: DIGEST, base: OTHER };
      assert.deepEqual(parsePanelState(JSON.parse(JSON.stringify(compare))), compare);
      assert.deepEqual(parsePanelState({ ...compare, platform: DIGEST }), { ...compare, platform: DIGEST });
      for (const value of [
        { ...compare, base: 'sha256:abc' },
        { ...compare, base: `${OTHER} ` },
        { ...compare, base: 42 },
        { ...compare, base: null },
        { ...compare, old: OTHER },
      ]) {
        assert.equal(parsePanelState(value), undefined, JSON.stringify(value));
      }
    });
  });

  describe('overviewOf', () => {
    const statement = (file: string) => {
      const read = readStatement(readFileSync(`test/fixtures/attest/${file}`));
      if (!read.ok) assert.fail(formatMessage(read.problem));
      return read.statement;
    };
    const sbom = (file: string): Sbom => {
      const s = statement(file);
      const read = readSbom(s.predicateType, s.predicate);
      if (!read.ok) assert.fail(formatMessage(read.problem));
      return read.sbom;
    };
    const provenanceStatement = statement('buildkit-slsa1-max.json');
    const provenance = readProvenance(provenanceStatement.predicateType, provenanceStatement.predicate);
    if (!provenance.ok) assert.fail(formatMessage(provenance.problem));
    const documents = [sbom('syft-spdx-image.json'), sbom('syft-spdx-stage.json')];
    const scopes = sbomScopes(documents);
    const amd64 = `sha256:${'1'.repeat(64)}`;
    const arm64 = `sha256:${'2'.repeat(64)}`;
    const layer = (n: number) => `sha256:${String(n).repeat(64)}`;
    const summary: ImageSummary = {
      digest: DIGEST,
      availablePlatforms: ['linux/amd64', 'linux/arm64/v8'],
      platforms: [
        {
          platform: 'linux/amd64',
          digest: amd64,
          created: '2025-03-04T10:02:29.123456789Z',
          forms: ['index'],
          predicateTypes: ['https://slsa.dev/provenance/v1', 'https://spdx.dev/Document'],
          provenance: provenance.provenance,
          provenanceSignature: 'unverified',
          provenanceForms: ['index'],
          sboms: documents.map((d, i) => ({ scope: scopes[i]!, scopeText: describeSbomScope(scopes[i]!), sbom: d, signature: 'none', digest: layer(i + 3), forms: ['index', 'referrer'] })),
          signatures: [{ digest: layer(5), artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json', signs: amd64, forms: ['referrer'], verified: false }],
          explanations: [],
          problems: [{ digest: layer(6), message: message(Messages.attestRegistryProblem, 'timed out') }],
        },
        {
          platform: 'linux/arm64/v8',
          digest: arm64,
          annotatedSource: { repository: 'https://github.com/example/app', revision: 'abc1234' },
          forms: [],
          predicateTypes: [],
          sboms: [],
          signatures: [],
          explanations: [{ kind: 'noAttestations', message: message(Messages.explainNoAttestations) }],
          problems: [],
        },
      ],
      problems: [],
    };
    const ref = parseImageReference('nginx:1.27-alpine');
    if (!ref.ok) assert.fail('nginx:1.27-alpine');

    it('carries the reference, the index digest and every platform', () => {
      const overview = overviewOf(summary, ref.ref);
      assert.equal(overview.image, 'nginx:1.27-alpine');
      assert.equal(overview.digest, DIGEST);
      assert.deepEqual(overview.platforms, ['linux/amd64', 'linux/arm64/v8']);
      assert.deepEqual(overview.problems, []);
      assert.equal(overview.indexSboms, undefined);
      assert.deepEqual(overview.entries.map((e) => [e.platform, e.digest]), [['linux/amd64', amd64], ['linux/arm64/v8', arm64]]);
      // When each was created, as its image config says (a platform whose config was not read says nothing).
      assert.deepEqual(overview.entries.map((e) => e.created), ['2025-03-04T10:02:29.123456789Z', undefined]);
      assert.ok(!('created' in overview.entries[1]!), 'no created key: the Overview is plain JSON');
    });

    it('sums up a platform: provenance, each SBOM with its package count and scope, signatures, problems', () => {
      const [entry] = overviewOf(summary, ref.ref).entries;
      // buildkit-slsa1-max.json: SLSA v1 with build steps and the Dockerfile source (mode=max), the builder id of
      // runDetails.builder, finishedOn of runDetails.metadata, the vcs hint of buildkit_metadata as the source,
      // and the `# syntax` image's gateway frontend.
      assert.deepEqual(entry!.provenance, {
        slsaVersion: 'v1',
        mode: 'max',
        builder: 'https://github.com/example/app/actions/runs/123/attempts/1',
        builtAt: '2025-03-04T10:02:30.5Z',
        buildType: 'https://github.com/moby/buildkit/blob/master/docs/attestations/slsa-definitions.md',
        frontend: 'gateway.v0',
        signed: true,
        forms: ['index'],
      });
      assert.deepEqual(entry!.source, { repository: 'https://github.com/example/app.git', revision: '4015b57a143aec5156fd1444a017a32137a3fd0f', from: 'provenance' });
      // syft-spdx-image.json: libc6, express, @types/node, mystery (the `/` root is what it describes, not a
      // package); syft-spdx-stage.json (`sbom-build`): typescript.
      assert.deepEqual(entry!.sboms, [
        { digest: layer(3), format: 'SPDX-2.3', scope: 'the final image', packages: 4, signed: false, forms: ['index', 'referrer'] },
        { digest: layer(4), format: 'SPDX-2.3', scope: 'the build stage "build", scanned as well', packages: 1, signed: false, forms: ['index', 'referrer'] },
      ]);
      assert.deepEqual(entry!.signatures, [{ digest: layer(5), artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json', signs: amd64, forms: ['referrer'] }]);
      assert.deepEqual(entry!.problems, [`${layer(6)}: timed out`]);
    });

    it('takes the source from the annotations when there is no provenance, and says why nothing was found', () => {
      const [, entry] = overviewOf(summary, ref.ref).entries;
      assert.deepEqual(entry!.source, { repository: 'https://github.com/example/app', revision: 'abc1234', from: 'annotations' });
      assert.equal(entry!.provenance, undefined);
      assert.deepEqual(entry!.explanations, [formatMessage(message(Messages.explainNoAttestations))]);
    });

    it('names the SBOM layers still being read, and gives the SBOM tab the SBOMs that could not be read', () => {
      const [amd64Entry] = summary.platforms;
      const reading = overviewOf({ ...summary, platforms: [{ ...amd64Entry!, sboms: [], sbomsPending: [layer(3), layer(4)] }] }, ref.ref).entries[0]!;
      assert.deepEqual([reading.sboms, reading.sbomsPending, reading.sbomProblems], [[], [layer(3), layer(4)], undefined]);
      const unread = { digest: layer(4), message: message(Messages.attestRegistryProblem, 'blob unknown to registry'), sbom: true as const };
      const read = overviewOf({ ...summary, platforms: [{ ...amd64Entry!, problems: [...amd64Entry!.problems, unread] }] }, ref.ref).entries[0]!;
      assert.deepEqual(read.sbomProblems, [`${layer(4)}: blob unknown to registry`]);
      assert.deepEqual(read.problems, [`${layer(6)}: timed out`, `${layer(4)}: blob unknown to registry`], 'in the Overview\'s problems too');
      assert.equal(read.sbomsPending, undefined);
    });

    it('localizes core messages with the function the host passes, and is plain JSON', () => {
      const overview = overviewOf(summary, ref.ref, (m) => `«${m.template}»`);
      assert.equal(overview.entries[0]!.sboms[1]!.scope, '«the build stage "{0}", scanned as well»');
      assert.deepEqual(JSON.parse(JSON.stringify(overview)), overview);
    });
  });

  it('the page stylesheet closes every rule it opens, at the top level (a lost brace nests every later rule where it never matches)', () => {
    // Comments and strings removed; each `{` must be closed before the next rule starts (the sheet uses no nesting).
    const css = readFileSync('media/webview/panel.css', 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/'[^']*'|"[^"]*"/g, '');
    let depth = 0;
    css.split('\n').forEach((line, i) => {
      for (const c of line) {
        if (c === '{') depth++;
        if (c === '}') depth--;
        assert.ok(depth === 0 || depth === 1, `panel.css line ${i + 1}: a rule opens inside another (depth ${depth})`);
      }
    });
    assert.equal(depth, 0, 'panel.css ends inside a rule');
  });
});
