import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AttestationSource } from '../../src/attest/discover';
import { summarizeAttestations, type ImageSummary, type SummaryOptions } from '../../src/attest/summary';
import { formatMessage, Messages } from '../../src/model/messages';
import type { ImageRef } from '../../src/reference/imageReference';
import { RegistryError } from '../../src/registry/errors';
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

/**
 * A stand-in for the registry: manifests, referrers, tags and blobs from maps; records every call (one request
 * each through the registry client) and the blobs fetched. A missing manifest is the registry's 404.
 */
class StandInSource implements AttestationSource {
  readonly manifests = new Map<string, ParsedManifest>();
  readonly referrerLists = new Map<string, Descriptor[]>();
  readonly blobs = new Map<string, Uint8Array>();
  readonly fetched: string[] = [];
  readonly calls: string[] = [];
  /** Other repositories (a referrer repository), by `registry/repository`. */
  readonly repositories = new Map<string, StandInSource>();

  async manifest(digest: string): Promise<ParsedManifest> {
    this.calls.push(`manifest ${digest}`);
    const m = this.manifests.get(digest);
    if (!m) throw new RegistryError('notFound', 'stand-in', 'stand-in', `stand-in: no manifest ${digest}`);
    return m;
  }
  async referrers(digest: string) {
    this.calls.push(`referrers ${digest}`);
    return { manifests: this.referrerLists.get(digest) ?? [], source: 'none' as const, host: 'stand-in' };
  }
  /** cosign's tags (`sha256-<hex>.att`…) → manifest digest. */
  readonly tags = new Map<string, string>();

  async tagged(tag: string) {
    this.calls.push(`tag ${tag}`);
    const digest = this.tags.get(tag);
    const manifest = digest === undefined ? undefined : this.manifests.get(digest);
    return digest === undefined || manifest === undefined ? undefined : { digest, manifest };
  }
  forRepository(ref: ImageRef): AttestationSource {
    const other = this.repositories.get(`${ref.registry}/${ref.repository}`);
    if (!other) throw new Error(`stand-in: no repository ${ref.registry}/${ref.repository}`);
    return other;
  }
  async blob(digest: string, options: { maxBytes: number }): Promise<Uint8Array> {
    this.calls.push(`blob ${digest}`);
    this.fetched.push(digest);
    const bytes = this.blobs.get(digest);
    if (!bytes) throw new Error(`stand-in: no blob ${digest}`);
    if (bytes.byteLength > options.maxBytes) throw new Error(`stand-in: blob ${digest} over ${options.maxBytes}`);
    return bytes;
  }

  /**
   * Lists `descriptors` as the referrers of `subject`, each manifest given that `subject` as pushing it with one does
   * (a registry's referrers list is made of the manifests whose subject is the digest asked about).
   */
  refer(subject: string, descriptors: Descriptor[]): void {
    this.referrerLists.set(subject, descriptors);
    for (const d of descriptors) {
      const manifest = this.manifests.get(d.digest);
      if (manifest) this.manifests.set(d.digest, { ...manifest, subject: { mediaType: OCI_MANIFEST, digest: subject, size: 1 } });
    }
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
    source.refer(amd64Attestation, [{ mediaType: OCI_MANIFEST, digest: bundle, size: 300, artifactType: SIGSTORE }]);
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
          ['the final image', 4],
          ['the build stage "build", scanned as well', 1],
        ],
      );
    });

    it('fetches only provenance and SBOM layers, and one provenance per platform', () => {
      const amd64Layers = (source.manifests.get(amd64Attestation) as { layers: Descriptor[] }).layers.map((l) => l.digest);
      const arm64Layers = (source.manifests.get(arm64Attestation) as { layers: Descriptor[] }).layers.map((l) => l.digest);
      // Fetched together, so in no fixed order.
      assert.deepEqual(source.fetched.sort(), [amd64Layers[0], amd64Layers[1], amd64Layers[2], arm64Layers[0]].sort());
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

  describe('the SBOMs read after the rest (the panel shows its Overview meanwhile)', () => {
    /** A source whose SBOM layers are held back until `release`, as a large blob on a slow link is. */
    class SlowSboms extends StandInSource {
      readonly held = new Set<string>();
      readonly asked: string[] = [];
      private released: () => void = () => undefined;
      private readonly gate = new Promise<void>((done) => (this.released = done));
      release(): void {
        this.released();
      }
      override async blob(digest: string, options: { maxBytes: number }): Promise<Uint8Array> {
        this.asked.push(digest);
        if (this.held.has(digest)) await this.gate;
        return super.blob(digest, options);
      }
    }

    it('gives the provenance and the SBOM layers on their way before the SBOMs are in, then all of it', async () => {
      const source = new SlowSboms();
      const attestation = source.attestation('slow', [
        [TYPES.provenance1, fixture('buildkit-slsa1-min.json')],
        [TYPES.spdx, fixture('syft-spdx-image.json')],
      ]);
      const sbomLayer = (source.manifests.get(attestation) as { layers: Descriptor[] }).layers[1]!.digest;
      source.held.add(sbomLayer);
      let first: ImageSummary | undefined;
      const complete = summarizeAttestations(source, index([platformEntry(AMD64, 'amd64'), attestationEntry(attestation, AMD64)]), {
        beforeSboms: (summary) => {
          first = summary;
          // Asked for from the start, beside the provenance: not queued behind it.
          assert.ok(source.asked.includes(sbomLayer), 'the SBOM layer asked for already');
          source.release();
        },
      });
      const summary = await complete;
      assert.equal(first?.platforms[0]?.provenance?.mode, 'min');
      assert.deepEqual([first?.platforms[0]?.sboms, first?.platforms[0]?.sbomsPending], [[], [sbomLayer]]);
      assert.deepEqual(summary.platforms[0]!.sboms.map((d) => [d.digest, d.sbom.packages.length]), [[sbomLayer, 4]]);
      assert.equal(summary.platforms[0]!.sbomsPending, undefined);
      assert.deepEqual(texts(summary, 0), texts(first!, 0), 'the same explanations: they need the layers\' types only');
    });

    it('marks an SBOM layer that cannot be read as the SBOM\'s problem, and says nothing early when no SBOM is on its way', async () => {
      const source = new StandInSource();
      const attestation = source.attestation('broken', [
        [TYPES.provenance1, fixture('buildkit-slsa1-min.json')],
        [TYPES.spdx, new TextEncoder().encode('{"not":"a statement"')],
      ]);
      const sbomLayer = (source.manifests.get(attestation) as { layers: Descriptor[] }).layers[1]!.digest;
      const summary = await summarizeAttestations(source, index([platformEntry(AMD64, 'amd64'), attestationEntry(attestation, AMD64)]), { beforeSboms: () => undefined });
      assert.deepEqual(
        summary.platforms[0]!.problems.map((p) => [p.digest, p.sbom]),
        [[sbomLayer, true]],
      );
      let early = false;
      await summarizeAttestations(new StandInSource(), index([platformEntry(AMD64, 'amd64')]), { beforeSboms: () => (early = true) });
      assert.equal(early, false);
    });
  });

  describe('what is missing, and why', () => {
    // docker/buildx build/opt.go: provenance mode=min is added unless BUILDX_NO_DEFAULT_ATTESTATIONS or
    // --provenance=false; docs.docker.com/build/metadata/attestations: attestations are attached to the image index,
    // which the classic image store (docker driver, --load) cannot keep ("Attestation is not supported for the
    // docker driver").
    it('an index that lists no attestation manifests says they were turned off or never made', async () => {
      const summary = await summarizeAttestations(new StandInSource(), index([platformEntry(AMD64, 'amd64'), platformEntry(ARM64, 'arm64', 'v8')]));
      for (const i of [0, 1]) {
        assert.deepEqual(summary.platforms[i]!.explanations.map((e) => e.kind), ['noAttestations']);
        assert.match(texts(summary, i)[0]!, /lists no attestation manifests .*unknown\/unknown.*--provenance=false --sbom=false, or BUILDX_NO_DEFAULT_ATTESTATIONS=1.*docker manifest create.*a copy tool rebuilt the index without them/);
      }
    });

    it('a single image manifest says the docker driver or --load leaves one, or attestations were off', async () => {
      const top = { digest: AMD64, manifest: { kind: 'image', mediaType: 'application/vnd.docker.distribution.manifest.v2+json', config: { mediaType: 'c', digest: digestOf('c'), size: 1 }, layers: [] } as ParsedManifest };
      const summary = await summarizeAttestations(new StandInSource(), top);
      assert.deepEqual(summary.platforms.map((p) => [p.platform, p.digest]), [['', AMD64]]);
      assert.match(texts(summary, 0)[0]!, /single image manifest, and BuildKit keeps attestations in an index.*docker driver on the classic image store or loaded with --load.*--provenance=false --sbom=false/);
    });

    // distribution/distribution registry/storage/manifestlisthandler.go verifyManifest: a registry refuses an index
    // naming manifests it lacks (unless told to accept sparse indexes), so one whose attestation manifests answer
    // 404 lost them after the push: a sparse copy or a prune.
    it('an index whose attestation manifests are gone says a copy dropped them, with the 404 as a problem', async () => {
      const gone = digestOf('gone attestation');
      const summary = await summarizeAttestations(new StandInSource(), index([platformEntry(AMD64, 'amd64'), attestationEntry(gone, AMD64)]), { quick: true });
      assert.deepEqual(summary.platforms[0]!.explanations.map((e) => e.kind), ['noAttestations']);
      assert.equal(texts(summary, 0)[0], 'No attestation could be read: the index lists attestation manifests for this platform, but the registry does not have them. A registry or copy tool that copied the platform images only (a sparse copy) or pruned the rest dropped them.');
      assert.deepEqual(problems(summary, 0), [[undefined, `stand-in: no manifest ${gone}`]]);
    });

    it('a registry that cannot be reached for every cosign tag is one problem naming the tags asked, not one per tag', async () => {
      // What a mirror's upstream does offline: the mirror lacks the tags, the registry behind it cannot be resolved.
      class Offline extends StandInSource {
        override async tagged(tag: string): Promise<never> {
          const image = `node:${tag}`;
          throw new RegistryError('network', image, 'registry-1.docker.io', `${image}: the host name of registry-1.docker.io could not be resolved (DNS)`);
        }
      }
      const summary = await summarizeAttestations(new Offline(), index([platformEntry(AMD64, 'amd64')]));
      const hex = AMD64.slice('sha256:'.length);
      assert.deepEqual(problems(summary, 0), [
        [undefined, `the host name of registry-1.docker.io could not be resolved (DNS) (asked for node:sha256-${hex}.att, node:sha256-${hex}.sig, node:sha256-${hex}.sbom)`],
      ]);
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
      source.refer(INDEX, [{ mediaType: OCI_MANIFEST, digest: attached, size: 600, artifactType: 'application/vnd.docker.attestation.manifest.v1+json' }]);
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

  // image-spec config.md: `created` is "an combined date and time at which the image was created, formatted as
  // defined by RFC 3339, section 5.6"; Go's encoding/json writes a time.Time as RFC 3339 with nanoseconds.
  describe('when each platform image was created (the panel\'s read, SummaryOptions.imageCreated)', () => {
    const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
    /** A platform image manifest whose config holds `config`; its config's digest. */
    function image(source: StandInSource, digest: string, config: unknown, mediaType = OCI_CONFIG): string {
      const bytes = new TextEncoder().encode(typeof config === 'string' ? config : JSON.stringify(config));
      const configDigest = digestOf(`${digest} config`);
      source.blobs.set(configDigest, bytes);
      source.manifests.set(digest, { kind: 'image', mediaType: OCI_MANIFEST, config: { mediaType, digest: configDigest, size: bytes.byteLength }, layers: [] });
      return configDigest;
    }

    it('reads each platform\'s config once, beside the attestations, and says its created time as written', async () => {
      const source = new StandInSource();
      const amd64Config = image(source, AMD64, { architecture: 'amd64', os: 'linux', created: '2026-01-12T08:21:29.123456789Z' });
      const arm64Config = image(source, ARM64, { architecture: 'arm64', os: 'linux', created: '2026-01-12T08:21:31+01:00' });
      const top = index([platformEntry(AMD64, 'amd64'), platformEntry(ARM64, 'arm64', 'v8')]);
      const summary = await summarizeAttestations(source, top, { imageCreated: true });
      assert.deepEqual(summary.platforms.map((p) => p.created), ['2026-01-12T08:21:29.123456789Z', '2026-01-12T08:21:31+01:00']);
      for (const [digest, config] of [[AMD64, amd64Config], [ARM64, arm64Config]]) {
        assert.deepEqual(source.calls.filter((c) => c === `manifest ${digest}` || c === `blob ${config}`), [`manifest ${digest}`, `blob ${config}`]);
      }
      // Not asked for: nothing of it is read.
      source.calls.length = 0;
      const plain = await summarizeAttestations(source, top);
      assert.deepEqual(plain.platforms.map((p) => p.created), [undefined, undefined]);
      assert.ok(!source.calls.some((c) => c === `manifest ${AMD64}` || c === `blob ${amd64Config}`), source.calls.join('\n'));
    });

    it('reads a single manifest\'s config without asking for the manifest again', async () => {
      const source = new StandInSource();
      const config = image(source, AMD64, { architecture: 'amd64', os: 'linux', created: '2025-11-03T10:00:00Z' });
      const summary = await summarizeAttestations(source, { digest: AMD64, manifest: source.manifests.get(AMD64)! }, { imageCreated: true });
      assert.equal(summary.platforms[0]!.created, '2025-11-03T10:00:00Z');
      assert.deepEqual(source.calls.filter((c) => c.endsWith(AMD64) || c.endsWith(config)), [`referrers ${AMD64}`, `blob ${config}`]);
    });

    it('says nothing of a created time that is not one, of an artifact, or of a config that cannot be read, and no problem either', async () => {
      const source = new StandInSource();
      const digests = ['markup', 'long', 'number', 'not json', 'artifact', 'missing'].map(digestOf);
      image(source, digests[0]!, { created: '<img src=x onerror=alert(1)>' });
      image(source, digests[1]!, { created: `2026-01-01T00:00:00Z${' '.repeat(1 << 19)}` });
      image(source, digests[2]!, { created: 1767225600 });
      image(source, digests[3]!, '{"created": "2026-');
      image(source, digests[4]!, { created: '2026-01-01T00:00:00Z' }, 'application/vnd.cncf.helm.config.v1+json');
      const top = index(digests.map((d, i) => platformEntry(d, `arch${i}`)));
      const summary = await summarizeAttestations(source, top, { imageCreated: true });
      assert.deepEqual(summary.platforms.map((p) => p.created), digests.map(() => undefined));
      assert.deepEqual(summary.platforms.map((p) => p.problems), digests.map(() => []));
    });
  });

  describe('the quick read (the hover) and the complete read: what each asks the registry', () => {
    /** A BuildKit push: each platform's attestation manifest (provenance and SBOM) listed in the index. */
    const buildkitPush = () => {
      const source = new StandInSource();
      const attestations = [AMD64, ARM64].map((platform, i) =>
        source.attestation(`attestation ${i}`, [
          [TYPES.provenance1, fixture('buildkit-slsa1-min.json')],
          [TYPES.spdx, fixture('syft-spdx-image.json')],
        ]),
      );
      const top = index([platformEntry(AMD64, 'amd64'), attestationEntry(attestations[0]!, AMD64), platformEntry(ARM64, 'arm64', 'v8'), attestationEntry(attestations[1]!, ARM64)]);
      return { source, top, attestations };
    };
    const layersOf = (source: StandInSource, digest: string) => (source.manifests.get(digest) as { layers: Descriptor[] }).layers.map((l) => l.digest);

    it('quick: the first platform only, its attestation manifest and the two layers, nothing else', async () => {
      const { source, top, attestations } = buildkitPush();
      const summary = await summarizeAttestations(source, top, { quick: true });
      assert.equal(summary.quick, true);
      assert.deepEqual(summary.availablePlatforms, ['linux/amd64', 'linux/arm64/v8']);
      assert.deepEqual(summary.platforms.map((p) => [p.platform, p.provenance?.mode, p.sboms.length]), [['linux/amd64', 'min', 1]]);
      assert.deepEqual(source.calls.sort(), [`manifest ${attestations[0]}`, ...layersOf(source, attestations[0]!).map((l) => `blob ${l}`)].sort());
    });

    it('quick with a platform: the first that matches', async () => {
      const { source, top, attestations } = buildkitPush();
      const summary = await summarizeAttestations(source, top, { quick: true, platform: 'linux/arm64' });
      assert.deepEqual(summary.platforms.map((p) => p.platform), ['linux/arm64/v8']);
      assert.deepEqual(source.calls.filter((c) => c.startsWith('manifest')), [`manifest ${attestations[1]}`]);
    });

    it('quick asks the referrers only when the index lists no attestation manifest for the platform', async () => {
      const source = new StandInSource();
      // BuildKit's OCI-artifact form reached only as a referrer (moby/buildkit docs/attestations/attestation-storage.md).
      const artifact = source.attestation('artifact', [[TYPES.provenance1, fixture('buildkit-slsa1-max.json')]]);
      source.refer(AMD64, [{ mediaType: OCI_MANIFEST, digest: artifact, size: 700, artifactType: 'application/vnd.docker.attestation.manifest.v1+json' }]);
      const summary = await summarizeAttestations(source, index([platformEntry(AMD64, 'amd64'), platformEntry(ARM64, 'arm64', 'v8')]), { quick: true });
      assert.deepEqual(summary.platforms.map((p) => [p.forms, p.provenance?.mode]), [[['referrer'], 'max']]);
      assert.deepEqual(source.calls.sort(), [`referrers ${AMD64}`, `manifest ${artifact}`, `blob ${layersOf(source, artifact)[0]}`].sort());
    });

    it('complete: every form per platform (referrers, three cosign tags, signatures of the attestation manifest) and the index itself', async () => {
      const { source, top, attestations } = buildkitPush();
      const summary = await summarizeAttestations(source, top);
      assert.equal(summary.quick, undefined);
      const perPlatform = (platform: string, attestation: string) => [
        `referrers ${platform}`,
        ...['att', 'sig', 'sbom'].map((suffix) => `tag ${platform.replace(':', '-')}.${suffix}`),
        `manifest ${attestation}`,
        `referrers ${attestation}`,
        ...layersOf(source, attestation).map((l) => `blob ${l}`),
      ];
      const indexLevel = [`referrers ${INDEX}`, ...['att', 'sig', 'sbom'].map((suffix) => `tag ${INDEX.replace(':', '-')}.${suffix}`)];
      assert.deepEqual(source.calls.sort(), [...perPlatform(AMD64, attestations[0]!), ...perPlatform(ARM64, attestations[1]!), ...indexLevel].sort());
    });

    it('quick, finding nothing in the index or the referrers, looks everywhere before saying why (cosign\'s tags)', async () => {
      const source = new StandInSource();
      // `cosign attest` before the referrers API: the statement under the tag sha256-<hex>.att (cosign
      // specs/ATTESTATION_SPEC.md), which the quick read does not ask for.
      const att = source.attestation('cosign att', [[TYPES.provenance02, fixture('buildkit-slsa02-max.json')]]);
      source.tags.set(`${AMD64.replace(':', '-')}.att`, att);
      const summary = await summarizeAttestations(source, index([platformEntry(AMD64, 'amd64'), platformEntry(ARM64, 'arm64', 'v8')]), { quick: true });
      assert.equal(summary.quick, undefined);
      assert.deepEqual(summary.platforms.map((p) => [p.platform, p.forms, p.provenance?.slsaVersion]), [['linux/amd64', ['cosignTag'], 'v0.2']]);
      assert.ok(!texts(summary, 0).some((t) => t.startsWith('No attestation found')), texts(summary, 0).join('\n'));
    });

    it('does not believe a referrer whose subject is another image', async () => {
      const source = new StandInSource();
      // OCI distribution spec, "Listing Referrers": the list holds the manifests whose subject is the digest asked
      // about. A list (or a referrer repository) naming a manifest about something else is lying.
      const other = source.attestation('about another image', [[TYPES.provenance1, fixture('buildkit-slsa1-max.json')]]);
      source.refer(ARM64, [{ mediaType: OCI_MANIFEST, digest: other, size: 700, artifactType: 'application/vnd.docker.attestation.manifest.v1+json' }]);
      source.referrerLists.set(AMD64, source.referrerLists.get(ARM64)!);
      const summary = await summarizeAttestations(source, index([platformEntry(AMD64, 'amd64')]), { platform: 'linux/amd64' });
      assert.equal(summary.platforms[0]!.provenance, undefined);
      assert.ok(problems(summary, 0).some(([, text]) => text?.includes(`${other} is listed as a referrer of ${AMD64}, but its subject is ${ARM64}; it was not read`)), JSON.stringify(problems(summary, 0)));
    });

    it('reads the platform named by its digest, whatever its name says (a Windows image\'s os.version)', async () => {
      const { source, attestations } = buildkitPush();
      // image-spec image-index.md: platform `os.version` (Windows images set it); we write it into the name.
      const windows: Descriptor = { mediaType: OCI_MANIFEST, digest: ARM64, size: 500, platform: { os: 'windows', architecture: 'amd64', osVersion: '10.0.17763.6054' } };
      const top = index([platformEntry(AMD64, 'amd64'), attestationEntry(attestations[0]!, AMD64), windows, attestationEntry(attestations[1]!, ARM64)]);
      const summary = await summarizeAttestations(source, top, { quick: true, platformDigest: ARM64 });
      assert.deepEqual(summary.platforms.map((p) => [p.digest, p.provenance?.mode]), [[ARM64, 'min']]);
    });

    it('at most four requests are in flight at once, whatever the read', async () => {
      const { top, source } = buildkitPush();
      let running = 0;
      let most = 0;
      const slow = <T>(call: () => Promise<T>) => async () => {
        most = Math.max(most, ++running);
        await new Promise((resolve) => setImmediate(resolve));
        running--;
        return call();
      };
      const counted: AttestationSource = {
        manifest: (d) => slow(() => source.manifest(d))(),
        referrers: (d) => slow(() => source.referrers(d))(),
        tagged: (t) => slow(() => source.tagged(t))(),
        blob: (d, o) => slow(() => source.blob(d, o))(),
      };
      await summarizeAttestations(counted, top);
      assert.equal(most, 4);
    });
  });

  describe('Sigstore bundles holding a statement (actions/attest, cosign attest --new-bundle-format)', () => {
    // actions/toolkit packages/attest/src/attest.ts: the bundle is pushed with attachArtifactToImage, its manifest
    // annotated dev.sigstore.bundle.content=dsse-envelope and dev.sigstore.bundle.predicateType; sigstore/sigstore-js
    // packages/oci/src/image.ts (buildManifest): artifactType and the one layer's media type are the bundle's.
    const BUNDLE_CONTENT = 'dev.sigstore.bundle.content';
    const BUNDLE_PREDICATE = 'dev.sigstore.bundle.predicateType';
    const bundleManifest = (source: StandInSource, label: string, bytes: Uint8Array, annotations?: Record<string, string>): string => {
      const layer = digestOf(`${label} bundle`);
      source.blobs.set(layer, bytes);
      const digest = digestOf(label);
      source.manifests.set(digest, {
        kind: 'image',
        mediaType: OCI_MANIFEST,
        artifactType: SIGSTORE,
        config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: digestOf('{}'), size: 2 },
        layers: [{ mediaType: SIGSTORE, digest: layer, size: bytes.byteLength }],
        ...(annotations && { annotations }),
      });
      return digest;
    };

    it('reads the provenance inside an actions/attest bundle, signed, not verified, and lists the bundle as a signature', async () => {
      const source = new StandInSource();
      const annotations = { [BUNDLE_CONTENT]: 'dsse-envelope', [BUNDLE_PREDICATE]: TYPES.provenance1 };
      const bundle = bundleManifest(source, 'provenance bundle', fixture('actions-attest-provenance.sigstore.json'), annotations);
      source.refer(AMD64, [{ mediaType: OCI_MANIFEST, digest: bundle, size: 900, artifactType: SIGSTORE, annotations }]);
      const summary = await summarizeAttestations(source, index([platformEntry(AMD64, 'amd64')]), { quick: true, keepStatements: true });
      const [p] = summary.platforms;
      assert.deepEqual([p!.forms, p!.predicateTypes], [['referrer'], [TYPES.provenance1]]);
      assert.equal(p!.provenance?.builderId, 'https://github.com/example/app/.github/workflows/release.yml@refs/heads/main');
      assert.deepEqual(p!.provenance?.source, { repository: 'https://github.com/example/app', revision: '4015b57a143aec5156fd1444a017a32137a3fd0f', from: 'workflow' });
      assert.equal(p!.provenanceSignature, 'unverified');
      assert.deepEqual(p!.signatures, [{ digest: bundle, artifactType: SIGSTORE, signs: AMD64, forms: ['referrer'], verified: false }]);
      assert.equal((p!.statements?.provenance as { predicateType: string }).predicateType, TYPES.provenance1);
    });

    it('reads the predicate type from the manifest when the fallback tag dropped the descriptor\'s annotations', async () => {
      // sigstore/cosign#4641: cosign's fallback-tag index loses dev.sigstore.bundle.* annotations; the manifest keeps them.
      const source = new StandInSource();
      const bundle = bundleManifest(source, 'tagged bundle', fixture('actions-attest-provenance.sigstore.json'), { [BUNDLE_CONTENT]: 'dsse-envelope', [BUNDLE_PREDICATE]: TYPES.provenance1 });
      source.refer(AMD64, [{ mediaType: OCI_MANIFEST, digest: bundle, size: 900, artifactType: SIGSTORE }]);
      const summary = await summarizeAttestations(source, index([platformEntry(AMD64, 'amd64')]), { quick: true });
      assert.equal(summary.platforms[0]!.provenance?.slsaVersion, 'v1');
    });

    it('a cosign sign bundle (a message signature) is a signature only: not fetched by the quick read', async () => {
      // sigstore/cosign specs/BUNDLE_SPEC.md: image signatures carry content message-signature and the sign predicate type.
      const source = new StandInSource();
      const annotations = { [BUNDLE_CONTENT]: 'message-signature', [BUNDLE_PREDICATE]: 'https://sigstore.dev/cosign/sign/v1' };
      const bundle = bundleManifest(source, 'sign bundle', new TextEncoder().encode('{}'), annotations);
      source.refer(AMD64, [{ mediaType: OCI_MANIFEST, digest: bundle, size: 900, artifactType: SIGSTORE, annotations }]);
      const summary = await summarizeAttestations(source, index([platformEntry(AMD64, 'amd64')]), { quick: true });
      assert.deepEqual(summary.platforms[0]!.signatures.map((s) => [s.digest, s.verified]), [[bundle, false]]);
      assert.deepEqual(summary.platforms[0]!.predicateTypes, []);
      assert.deepEqual(source.calls, [`referrers ${AMD64}`]);
    });
  });

  describe('a separate referrer repository (Docker Scout\'s, for hardened images)', () => {
    const SCOUT: ImageRef = { original: 'registry.scout.docker.com/myorg/app', registry: 'registry.scout.docker.com', repository: 'myorg/app' };
    const withScout = () => {
      const source = new StandInSource();
      const scout = new StandInSource();
      source.repositories.set('registry.scout.docker.com/myorg/app', scout);
      const kept = scout.attestation('kept', [
        [TYPES.provenance1, fixture('buildkit-slsa1-max.json')],
        [TYPES.spdx, fixture('syft-spdx-image.json')],
      ]);
      scout.refer(AMD64, [{ mediaType: OCI_MANIFEST, digest: kept, size: 700, artifactType: 'application/vnd.docker.attestation.manifest.v1+json' }]);
      return { source, scout, kept };
    };

    it('finds what only it keeps, reads it from there, and says where the attestations are kept', async () => {
      const { source, scout, kept } = withScout();
      const summary = await summarizeAttestations(source, index([platformEntry(AMD64, 'amd64')]), { quick: true, referrerRepository: SCOUT });
      const [p] = summary.platforms;
      assert.deepEqual([p!.forms, p!.provenance?.mode, p!.sboms.length], [['referrerRepository'], 'max', 1]);
      assert.deepEqual(p!.explanations.map((e) => formatMessage(e.message)), [
        'The attestations are kept in registry.scout.docker.com/myorg/app, a separate referrer repository (as Docker Scout keeps them for hardened images), not next to the image.',
      ]);
      assert.deepEqual(source.calls, [`referrers ${AMD64}`]);
      assert.deepEqual(scout.calls.sort(), [`referrers ${AMD64}`, `manifest ${kept}`, ...(scout.manifests.get(kept) as { layers: Descriptor[] }).layers.map((l) => `blob ${l.digest}`)].sort());
    });

    it('the complete read asks it for the index too; without the option it is never asked', async () => {
      const { source, scout, kept } = withScout();
      await summarizeAttestations(source, index([platformEntry(AMD64, 'amd64'), platformEntry(ARM64, 'arm64', 'v8')]), { referrerRepository: SCOUT });
      // Each platform, the index, and (for signatures) the attestation manifest found there.
      assert.deepEqual(scout.calls.filter((c) => c.startsWith('referrers')).sort(), [`referrers ${AMD64}`, `referrers ${ARM64}`, `referrers ${INDEX}`, `referrers ${kept}`].sort());
      const alone = withScout();
      await summarizeAttestations(alone.source, index([platformEntry(AMD64, 'amd64')]));
      assert.deepEqual(alone.scout.calls, []);
    });
  });

  describe('statements kept for copying', () => {
    it('keeps the decoded statements with keepStatements, a bare predicate wrapped; nothing without it', async () => {
      const source = new StandInSource();
      const attestation = source.attestation('kept', [
        [TYPES.provenance1, fixture('buildkit-slsa1-min.json')],
        [TYPES.spdx, fixture('spdx-2.2.bare.json')],
      ]);
      const top = index([platformEntry(AMD64, 'amd64'), attestationEntry(attestation, AMD64)]);
      const kept = (await summarizeAttestations(source, top, { keepStatements: true })).platforms[0]!.statements;
      const written = JSON.parse(new TextDecoder().decode(fixture('buildkit-slsa1-min.json'))) as Record<string, unknown>;
      assert.deepEqual(kept?.provenance, { _type: written['_type'], subject: written['subject'], predicateType: written['predicateType'], predicate: written['predicate'] });
      // A bare predicate (SPDX 2.2, no statement around it) comes wrapped in a statement v1 with no subject.
      const bare = JSON.parse(new TextDecoder().decode(fixture('spdx-2.2.bare.json'))) as unknown;
      assert.deepEqual(kept?.sboms, [{ _type: 'https://in-toto.io/Statement/v1', subject: [], predicateType: TYPES.spdx, predicate: bare }]);
      assert.equal((await summarizeAttestations(source, top)).platforms[0]!.statements, undefined);
    });
  });
});
