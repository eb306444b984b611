import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AttestationSource } from '../../src/attest/discover';
import { summarizeAttestations, type ImageSummary, type SummaryOptions } from '../../src/attest/summary';
import { formatMessage, Messages } from '../../src/model/messages';
import type { Descriptor, ParsedManifest } from '../../src/registry/manifest';

// The summary over a stand-in source built from hand-written fixtures (test/fixtures/attest/README.md names
// where each statement's shape comes from). Index shapes: moby/buildkit docs/attestations/attestation-storage.md
// (attestation manifests next to their image, `vnd.docker.reference.*` annotations, layers annotated with
// `in-toto.io/predicate-type`); the OCI image-spec annotations.md for `org.opencontainers.image.source`/`revision`.

const fixture = (name: string): Uint8Array => readFileSync(`test/fixtures/attest/${name}`);
const digestOf = (label: string): string => `sha256:${createHash('sha256').update(label).digest('hex')}`;

const IN_TOTO = 'application/vnd.in-toto+json';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const SIGSTORE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
const TYPES = {
  provenance02: 'https://slsa.dev/provenance/v0.2',
  provenance1: 'https://slsa.dev/provenance/v1',
  spdx: 'https://spdx.dev/Document',
  vulnerabilities: 'https://in-toto.io/attestation/vulns/v0.1',
};

/** A stand-in for the registry: manifests, referrers, tags and blobs from maps; records what was fetched. */
class StandInSource implements AttestationSource {
  readonly manifests = new Map<string, ParsedManifest>();
  readonly referrerLists = new Map<string, Descriptor[]>();
  readonly blobs = new Map<string, Uint8Array>();
  readonly fetched: string[] = [];

  async manifest(digest: string): Promise<ParsedManifest> {
    const m = this.manifests.get(digest);
    if (!m) throw new Error(`stand-in: no manifest ${digest}`);
    return m;
  }
  async referrers(digest: string) {
    return { manifests: this.referrerLists.get(digest) ?? [], source: 'none' as const, host: 'stand-in' };
  }
  async tagged() {
    return undefined;
  }
  async blob(digest: string, options: { maxBytes: number }): Promise<Uint8Array> {
    this.fetched.push(digest);
    const bytes = this.blobs.get(digest);
    if (!bytes) throw new Error(`stand-in: no blob ${digest}`);
    if (bytes.byteLength > options.maxBytes) throw new Error(`stand-in: blob ${digest} over ${options.maxBytes}`);
    return bytes;
  }

  /** An attestation manifest whose layers are these (predicate type, bytes); returns its digest. */
  attestation(label: string, layers: [string, Uint8Array][]): string {
    const descriptors = layers.map(([predicateType, bytes], i) => {
      const digest = digestOf(`${label} layer ${i}`);
      this.blobs.set(digest, bytes);
      return { mediaType: IN_TOTO, digest, size: bytes.byteLength, annotations: { 'in-toto.io/predicate-type': predicateType } };
    });
    const digest = digestOf(label);
    this.manifests.set(digest, { kind: 'image', mediaType: OCI_MANIFEST, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digestOf(`${label} config`), size: 2 }, layers: descriptors });
    return digest;
  }
}

// The platform digests are the ones the fixtures' statements name as subject.
const AMD64 = 'sha256:9ff8ad0ccf931882bc51b6ca4cc4c77d9b5ef9c71a3760c3c5c733a6564bc2ec';
const ARM64 = 'sha256:249aea776f2a36d5630aeee431f1f24028d245c9655526037a3e558f24853856';
const INDEX = digestOf('index');

function platformEntry(digest: string, architecture: string, variant?: string, annotations?: Record<string, string>): Descriptor {
  return { mediaType: OCI_MANIFEST, digest, size: 500, platform: { os: 'linux', architecture, ...(variant && { variant }) }, ...(annotations && { annotations }) };
}

function attestationEntry(digest: string, subject: string): Descriptor {
  return { mediaType: OCI_MANIFEST, digest, size: 800, platform: { os: 'unknown', architecture: 'unknown' }, annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': subject } };
}

function index(entries: Descriptor[], annotations?: Record<string, string>): { digest: string; manifest: ParsedManifest } {
  return { digest: INDEX, manifest: { kind: 'index', mediaType: 'application/vnd.oci.image.index.v1+json', manifests: entries, ...(annotations && { annotations }) } };
}

const texts = (s: ImageSummary, platform: number) => s.platforms[platform]!.explanations.map((e) => formatMessage(e.message));
const problems = (s: ImageSummary, platform: number) => s.platforms[platform]!.problems.map((p) => [p.digest, formatMessage(p.message)]);

describe('attestation summary (unit, stand-in source)', () => {
  describe('a BuildKit index: provenance mode=min and several SPDX documents on amd64, mode=max on arm64', () => {
    const source = new StandInSource();
    const amd64Attestation = source.attestation('amd64 attestation', [
      [TYPES.provenance1, fixture('buildkit-slsa1-min.json')],
      [TYPES.spdx, fixture('syft-spdx-image.json')],
      [TYPES.spdx, fixture('syft-spdx-stage.json')],
      [TYPES.vulnerabilities, new TextEncoder().encode('{"never":"fetched"}')],
    ]);
    const arm64Attestation = source.attestation('arm64 attestation', [
      [TYPES.provenance02, fixture('buildkit-slsa02-max.json')],
      [TYPES.provenance1, fixture('buildkit-slsa1-max.json')],
    ]);
    // A signed BuildKit build: the Sigstore bundle refers to the attestation manifest, not to the image.
    const bundle = digestOf('bundle');
    source.referrerLists.set(amd64Attestation, [{ mediaType: OCI_MANIFEST, digest: bundle, size: 300, artifactType: SIGSTORE }]);
    // Docker Official Images carry the source on each platform descriptor; the index may carry it for all.
    const top = index(
      [
        attestationEntry(arm64Attestation, ARM64),
        platformEntry(AMD64, 'amd64', undefined, { 'org.opencontainers.image.revision': '4015b57a143aec5156fd1444a017a32137a3fd0f' }),
        platformEntry(ARM64, 'arm64', 'v8'),
        attestationEntry(amd64Attestation, AMD64),
      ],
      { 'org.opencontainers.image.source': 'https://github.com/example/app' },
    );
    let summary: ImageSummary;
    before(async () => {
      summary = await summarizeAttestations(source, top);
    });

    it('lists each platform with its storage forms and predicate types, never unknown/unknown', () => {
      assert.deepEqual(summary.availablePlatforms, ['linux/amd64', 'linux/arm64/v8']);
      assert.deepEqual(
        summary.platforms.map((p) => [p.platform, p.digest, p.forms, p.predicateTypes]),
        [
          ['linux/amd64', AMD64, ['index'], [TYPES.provenance1, TYPES.spdx, TYPES.vulnerabilities]],
          ['linux/arm64/v8', ARM64, ['index'], [TYPES.provenance02, TYPES.provenance1]],
        ],
      );
    });

    it('gives source and commit from the annotations, the descriptor\'s over the index\'s', () => {
      assert.deepEqual(summary.platforms[0]!.annotatedSource, { repository: 'https://github.com/example/app', revision: '4015b57a143aec5156fd1444a017a32137a3fd0f' });
      assert.deepEqual(summary.platforms[1]!.annotatedSource, { repository: 'https://github.com/example/app' });
    });

    it('reads the first provenance as one model, and every SPDX document labelled with what it describes', () => {
      const [amd64, arm64] = summary.platforms;
      assert.equal(amd64!.provenance?.slsaVersion, 'v1');
      assert.equal(amd64!.provenance?.mode, 'min');
      assert.equal(arm64!.provenance?.slsaVersion, 'v0.2');
      assert.equal(arm64!.provenance?.mode, 'max');
      // moby/buildkit exporter/attestation/unbundle.go: the image's SBOM first; buildkit-syft-scanner names extras sbom-<stage>.
      assert.deepEqual(
        amd64!.sboms.map((s) => [formatMessage(s.scopeText), s.sbom.packages.length]),
        [
          ['the final image', 5],
          ['the build stage "build", scanned as well', 1],
        ],
      );
    });

    it('fetches only provenance and SBOM layers, and one provenance per platform', () => {
      const amd64Layers = (source.manifests.get(amd64Attestation) as { layers: Descriptor[] }).layers.map((l) => l.digest);
      const arm64Layers = (source.manifests.get(arm64Attestation) as { layers: Descriptor[] }).layers.map((l) => l.digest);
      assert.deepEqual(source.fetched, [amd64Layers[0], amd64Layers[1], amd64Layers[2], arm64Layers[0]]);
    });

    it('lists the signature of the attestation manifest as signed, not verified', () => {
      assert.deepEqual(summary.platforms[0]!.signatures, [{ digest: bundle, artifactType: SIGSTORE, signs: amd64Attestation, forms: ['referrer'], verified: false }]);
      assert.deepEqual(summary.platforms[1]!.signatures, []);
    });

    it('explains mode=min (Buildx\'s default) and the SBOM arm64 lacks, and nothing for what is there', () => {
      // docker/buildx build/opt.go: provenance defaults to mode=min; an SBOM only when asked for.
      assert.deepEqual(texts(summary, 0), [formatMessage({ template: Messages.explainProvenanceMin, args: [] })]);
      assert.match(texts(summary, 0)[0]!, /mode=min.*Docker Scout's supply chain attestations policy needs an SBOM and mode=max/);
      assert.deepEqual(texts(summary, 1), [formatMessage({ template: Messages.explainNoSbom, args: [] })]);
      assert.deepEqual(problems(summary, 0), []);
    });
  });

  describe('what is missing, and why', () => {
    it('an index without attestations names the known causes', async () => {
      const summary = await summarizeAttestations(new StandInSource(), index([platformEntry(AMD64, 'amd64'), platformEntry(ARM64, 'arm64', 'v8')]));
      for (const i of [0, 1]) {
        assert.equal(texts(summary, i).length, 1);
        assert.match(texts(summary, i)[0]!, /docker driver or exported with --load.*--provenance=false, --sbom=false.*dropped the attestation manifests.*separate referrer repository/);
      }
    });

    it('a single image manifest says it is what the docker driver or --load pushes', async () => {
      const top = { digest: AMD64, manifest: { kind: 'image', mediaType: 'application/vnd.docker.distribution.manifest.v2+json', config: { mediaType: 'c', digest: digestOf('c'), size: 1 }, layers: [] } as ParsedManifest };
      const summary = await summarizeAttestations(new StandInSource(), top);
      assert.deepEqual(summary.platforms.map((p) => [p.platform, p.digest]), [['', AMD64]]);
      assert.match(texts(summary, 0)[0]!, /single image manifest, not an index: what a build with the docker driver or --load pushes/);
    });

    it('an SBOM without provenance says Docker Scout shows "No data" without it', async () => {
      const source = new StandInSource();
      const attestation = source.attestation('sbom only', [[TYPES.spdx, fixture('syft-spdx-image.json')]]);
      const summary = await summarizeAttestations(source, index([platformEntry(AMD64, 'amd64'), attestationEntry(attestation, AMD64)]));
      assert.deepEqual(texts(summary, 0).length, 1);
      assert.match(texts(summary, 0)[0]!, /^No provenance: .*"No data"/);
    });

    it('an SBOM attached to the index names the one platform it describes, for the others', async () => {
      const source = new StandInSource();
      // cosign attach sbom / docker scout attestation add on the tag: a referrer of the index; its subject names amd64.
      const attached = source.attestation('index sbom', [[TYPES.spdx, fixture('syft-spdx-image.json')]]);
      source.referrerLists.set(INDEX, [{ mediaType: OCI_MANIFEST, digest: attached, size: 600, artifactType: 'application/vnd.docker.attestation.manifest.v1+json' }]);
      const summary = await summarizeAttestations(source, index([platformEntry(AMD64, 'amd64'), platformEntry(ARM64, 'arm64', 'v8')]));
      assert.deepEqual(summary.indexLevel, { sboms: 1, describes: 'linux/amd64' });
      assert.deepEqual(texts(summary, 1).at(-1), 'No SBOM for this platform: the SBOM attached to the image index describes linux/amd64 only (a scanner reads the files of one platform).');
      assert.ok(!texts(summary, 0).some((t) => t.startsWith('No SBOM')), texts(summary, 0).join('\n'));
    });
  });

  describe('options and hostile content', () => {
    const source = new StandInSource();
    const amd64Attestation = source.attestation('amd64', [[TYPES.provenance1, fixture('buildkit-slsa1-max.json')]]);
    const arm64Attestation = source.attestation('arm64', [
      [TYPES.provenance1, new TextEncoder().encode('not json')],
      [TYPES.spdx, fixture('syft-spdx-image.json')],
    ]);
    const top = index([platformEntry(AMD64, 'amd64'), platformEntry(ARM64, 'arm64', 'v8'), attestationEntry(amd64Attestation, AMD64), attestationEntry(arm64Attestation, ARM64)]);
    const summarize = (options: SummaryOptions) => summarizeAttestations(source, top, options);

    it('--platform without a variant matches every variant; other platforms are not read', async () => {
      source.fetched.length = 0;
      const summary = await summarize({ platform: 'linux/arm64' });
      assert.deepEqual(summary.platforms.map((p) => p.platform), ['linux/arm64/v8']);
      assert.ok(!source.fetched.includes((source.manifests.get(amd64Attestation) as { layers: Descriptor[] }).layers[0]!.digest));
    });

    it('a platform the image lacks gives no platforms and the ones it has', async () => {
      const summary = await summarize({ platform: 'linux/s390x' });
      assert.deepEqual([summary.platforms, summary.availablePlatforms], [[], ['linux/amd64', 'linux/arm64/v8']]);
    });

    it('a layer that is not JSON is a problem naming it; the SBOM next to it is still read', async () => {
      const summary = await summarize({ platform: 'linux/arm64/v8' });
      const bad = (source.manifests.get(arm64Attestation) as { layers: Descriptor[] }).layers[0]!.digest;
      assert.deepEqual(problems(summary, 0), [[bad, 'The attestation is not valid JSON.']]);
      assert.equal(summary.platforms[0]!.sboms.length, 1);
    });

    it('a layer over the size bound is not fetched', async () => {
      source.fetched.length = 0;
      const summary = await summarize({ platform: 'linux/amd64', maxLayerBytes: 1000 });
      const layer = (source.manifests.get(amd64Attestation) as { layers: Descriptor[] }).layers[0]!;
      assert.deepEqual(source.fetched, []);
      assert.deepEqual(problems(summary, 0), [[layer.digest, `The attestation is ${layer.size} bytes, more than the 1000 bytes this extension reads.`]]);
    });
  });
});
