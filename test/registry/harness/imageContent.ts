// The bytes of images of our own making, shaped as BuildKit and the Docker CLI push them: tiny layers
// (real gzipped tars), configs, platform manifests, BuildKit attestation manifests with in-toto
// statements, OCI indexes and Docker manifest lists. Pure: no I/O; content differs per `seed` text.
import { gzipSync } from 'node:zlib';
import { sha256Digest } from './digest';

export const MediaTypes = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar+gzip',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  inToto: 'application/vnd.in-toto+json',
  /** The OCI empty descriptor's media type (image-spec manifest.md, "Guidance for an Empty Descriptor"). */
  ociEmpty: 'application/vnd.oci.empty.v1+json',
} as const;

/** The artifactType of BuildKit's OCI-artifact attestation manifests (exporter/containerimage/writer.go). */
export const ATTESTATION_ARTIFACT_TYPE = 'application/vnd.docker.attestation.manifest.v1+json';

/** BuildKit's attestation storage (docs/attestations/attestation-storage.md). */
export const Annotations = {
  referenceType: 'vnd.docker.reference.type',
  referenceDigest: 'vnd.docker.reference.digest',
  attestationManifest: 'attestation-manifest',
  predicateType: 'in-toto.io/predicate-type',
} as const;

export const PredicateTypes = {
  slsaProvenance02: 'https://slsa.dev/provenance/v0.2',
  slsaProvenance1: 'https://slsa.dev/provenance/v1',
  spdx: 'https://spdx.dev/Document',
  cycloneDx: 'https://cyclonedx.org/bom',
} as const;

/** in-toto statement types: v0.1 (BuildKit before v0.13) and v1 (BuildKit since). */
export const StatementTypes = {
  v01: 'https://in-toto.io/Statement/v0.1',
  v1: 'https://in-toto.io/Statement/v1',
} as const;

export interface Blob {
  readonly digest: string;
  readonly size: number;
  readonly mediaType: string;
  readonly bytes: Buffer;
}

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export function blob(mediaType: string, bytes: Buffer | string): Blob {
  const b = Buffer.from(bytes);
  return { digest: sha256Digest(b), size: b.length, mediaType, bytes: b };
}

/** 'linux/arm64/v8' → {os, architecture, variant}. */
export function parsePlatform(text: string): Platform {
  const [os, architecture, variant] = text.split('/');
  if (!os || !architecture) throw new Error(`not a platform: ${text}`);
  return variant ? { os, architecture, variant } : { os, architecture };
}

/** A one-file ustar archive (POSIX.1-1988), as layers are. */
export function tarOneFile(name: string, content: Buffer): Buffer {
  const header = Buffer.alloc(512);
  const field = (offset: number, length: number, value: string): void => void header.write(value.slice(0, length), offset, 'ascii');
  const octal = (offset: number, length: number, value: number): void => field(offset, length, `${value.toString(8).padStart(length - 1, '0')}\0`);
  field(0, 100, name);
  octal(100, 8, 0o644);
  octal(108, 8, 0);
  octal(116, 8, 0);
  octal(124, 12, content.length);
  octal(136, 12, 0);
  header.fill(' ', 148, 156);
  field(156, 1, '0');
  field(257, 6, 'ustar\0');
  field(263, 2, '00');
  let sum = 0;
  for (const byte of header) sum += byte;
  field(148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  const padding = Buffer.alloc((512 - (content.length % 512)) % 512);
  return Buffer.concat([header, content, padding, Buffer.alloc(1024)]);
}

export interface PlatformImage {
  readonly platform: Platform;
  readonly config: Blob;
  readonly layer: Blob;
  readonly manifest: Blob;
}

/** A platform image: one layer holding `seed.txt`, a config naming its diff_id, and its manifest (OCI or Docker v2). */
export function platformImage(seed: string, platform: Platform, format: 'oci' | 'docker'): PlatformImage {
  const tar = tarOneFile('seed.txt', Buffer.from(`${seed}\n`));
  const layer = blob(format === 'oci' ? MediaTypes.ociLayer : MediaTypes.dockerLayer, gzipSync(tar));
  const config = blob(
    format === 'oci' ? MediaTypes.ociConfig : MediaTypes.dockerConfig,
    JSON.stringify({
      architecture: platform.architecture,
      os: platform.os,
      ...(platform.variant ? { variant: platform.variant } : {}),
      config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Labels: { 'org.example.seed': seed } },
      created: '2026-01-01T00:00:00Z',
      history: [{ created: '2026-01-01T00:00:00Z', created_by: `COPY seed.txt / # ${seed}` }],
      rootfs: { type: 'layers', diff_ids: [sha256Digest(tar)] },
    }),
  );
  const manifest = blob(
    format === 'oci' ? MediaTypes.ociManifest : MediaTypes.dockerManifest,
    JSON.stringify({
      schemaVersion: 2,
      mediaType: format === 'oci' ? MediaTypes.ociManifest : MediaTypes.dockerManifest,
      config: descriptor(config),
      layers: [descriptor(layer)],
    }),
  );
  return { platform, config, layer, manifest };
}

export interface AttestationImage {
  /** The platform manifest attested. */
  readonly subject: string;
  readonly config: Blob;
  readonly layers: (Blob & { predicateType: string })[];
  readonly manifest: Blob;
}

/** An in-toto subject: the attested manifest, named as BuildKit names it (util/purl RefToPURL). */
export interface InTotoSubject {
  readonly name: string;
  readonly digest: { sha256: string };
}

/** One in-toto statement an attestation manifest holds. */
export interface StatementContent {
  /** Default StatementTypes.v01. */
  readonly type?: string;
  readonly predicateType: string;
  readonly predicate: unknown;
}

/**
 * BuildKit's two attestation manifest forms (exporter/containerimage/writer.go, commitAttestationsManifest):
 * `image`, an image manifest whose config is an unknown/unknown image config (`oci-artifact=false`, and every
 * BuildKit before the OCI-artifact default); `artifact`, `artifactType` ATTESTATION_ARTIFACT_TYPE, the OCI empty
 * config and a `subject` naming the attested platform manifest.
 */
export type AttestationManifestForm = 'image' | 'artifact';

export interface AttestationOptions {
  /** The statements, given the subject BuildKit would write; default: SLSA v0.2 provenance and a one-package SPDX SBOM. */
  statements?: (subject: InTotoSubject[], image: PlatformImage) => StatementContent[];
  /** Default `image`. */
  form?: AttestationManifestForm;
}

/** A BuildKit attestation manifest for one platform image: its in-toto statements as layers, in order. */
export function attestationImage(seed: string, repository: string, tag: string, image: PlatformImage, options: AttestationOptions = {}): AttestationImage {
  const platformText = formatPlatform(image.platform);
  const subject = [{ name: `pkg:docker/${repository}@${tag}?platform=${encodeURIComponent(platformText)}`, digest: { sha256: image.manifest.digest.slice('sha256:'.length) } }];
  const statements = options.statements?.(subject, image) ?? defaultStatements(seed, platformText);
  const layers = statements.map(({ type, predicateType, predicate }) => ({
    ...blob(MediaTypes.inToto, JSON.stringify({ _type: type ?? StatementTypes.v01, predicateType, subject, predicate })),
    predicateType,
  }));
  const layerDescriptors = layers.map((l) => ({ ...descriptor(l), annotations: { [Annotations.predicateType]: l.predicateType } }));
  if (options.form === 'artifact') {
    // The OCI empty descriptor carries its two bytes inline (`data`, base64 of `{}`), as ocispecs.DescriptorEmptyJSON does.
    const config = blob(MediaTypes.ociEmpty, '{}');
    const manifest = blob(
      MediaTypes.ociManifest,
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaTypes.ociManifest,
        artifactType: ATTESTATION_ARTIFACT_TYPE,
        config: { ...descriptor(config), data: config.bytes.toString('base64') },
        layers: layerDescriptors,
        subject: descriptor(image.manifest),
      }),
    );
    return { subject: image.manifest.digest, config, layers, manifest };
  }
  // BuildKit's attestation config: an empty image config for platform unknown/unknown.
  const config = blob(MediaTypes.ociConfig, JSON.stringify({ architecture: 'unknown', os: 'unknown', config: {}, rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) } }));
  const manifest = blob(MediaTypes.ociManifest, JSON.stringify({ schemaVersion: 2, mediaType: MediaTypes.ociManifest, config: descriptor(config), layers: layerDescriptors }));
  return { subject: image.manifest.digest, config, layers, manifest };
}

/** The statements every seeded image had before shapes could be chosen: their bytes (and so the digests) stay. */
function defaultStatements(seed: string, platformText: string): StatementContent[] {
  return [
    {
      predicateType: PredicateTypes.slsaProvenance02,
      predicate: {
        builder: { id: 'https://github.com/example/builder' },
        buildType: 'https://mobyproject.org/buildkit@v1',
        materials: [{ uri: `pkg:docker/busybox@1.36?platform=${encodeURIComponent(platformText)}`, digest: { sha256: '1'.repeat(64) } }],
        invocation: { configSource: { entryPoint: 'Dockerfile' }, parameters: { frontend: 'dockerfile.v0' } },
        metadata: { buildInvocationID: seed, buildStartedOn: '2026-01-01T00:00:00Z', buildFinishedOn: '2026-01-01T00:00:01Z', completeness: { parameters: false, environment: false, materials: false }, reproducible: false },
      },
    },
    {
      predicateType: PredicateTypes.spdx,
      predicate: {
        spdxVersion: 'SPDX-2.3',
        dataLicense: 'CC0-1.0',
        SPDXID: 'SPDXRef-DOCUMENT',
        name: `sbom-${seed}`,
        documentNamespace: `https://example.invalid/spdx/${encodeURIComponent(seed)}`,
        creationInfo: { created: '2026-01-01T00:00:00Z', creators: ['Tool: image-provenance-test-seed'] },
        packages: [{ name: 'seed', SPDXID: 'SPDXRef-Package-seed', versionInfo: '1.0.0', downloadLocation: 'NOASSERTION', licenseConcluded: 'MIT' }],
      },
    },
  ];
}

/**
 * What a client keeps under the referrers fallback tag `sha256-<hex>` of a subject when the registry has no
 * referrers API (OCI distribution spec, "Pushing Manifests with Subject"): an OCI index listing each referrer,
 * its `artifactType` (else its config's media type) and its manifest's annotations copied onto the descriptor.
 */
export function referrersIndex(referrers: Blob[]): Blob {
  const manifests = referrers.map((r) => {
    const m = JSON.parse(r.bytes.toString('utf8')) as { artifactType?: string; config: { mediaType: string }; annotations?: Record<string, string> };
    return { ...descriptor(r), artifactType: m.artifactType ?? m.config.mediaType, ...(m.annotations && { annotations: m.annotations }) };
  });
  return blob(MediaTypes.ociIndex, JSON.stringify({ schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests }));
}

/** The fallback tag the distribution spec gives a subject's referrers list: `<alg>-<hex>`. */
export function referrersTag(digest: string): string {
  return digest.replace(':', '-');
}

/** An OCI index (BuildKit, oci-mediatypes) or a Docker manifest list over platform images and attestations. */
export function indexOf(format: 'oci' | 'docker', images: PlatformImage[], attestations: AttestationImage[]): Blob {
  const mediaType = format === 'oci' ? MediaTypes.ociIndex : MediaTypes.dockerList;
  const manifests: unknown[] = images.map((image) => ({ ...descriptor(image.manifest), platform: image.platform }));
  for (const a of attestations) {
    manifests.push({
      ...descriptor(a.manifest),
      annotations: { [Annotations.referenceDigest]: a.subject, [Annotations.referenceType]: Annotations.attestationManifest },
      platform: { architecture: 'unknown', os: 'unknown' },
    });
  }
  return blob(mediaType, JSON.stringify({ schemaVersion: 2, mediaType, manifests }));
}

export function descriptor(b: Blob): { mediaType: string; digest: string; size: number } {
  return { mediaType: b.mediaType, digest: b.digest, size: b.size };
}

export function formatPlatform(p: Platform): string {
  return p.variant ? `${p.os}/${p.architecture}/${p.variant}` : `${p.os}/${p.architecture}`;
}
