// Attestations stored the ways other tools store them, pushed next to (or apart from) an image the seed made:
// - a Sigstore bundle referrer as `actions/attest` pushes it: actions/toolkit packages/attest/src/attest.ts calls
//   sigstore-js attachArtifactToImage with annotations dev.sigstore.bundle.content=dsse-envelope and
//   dev.sigstore.bundle.predicateType; sigstore/sigstore-js packages/oci/src/image.ts (addArtifact, buildManifest)
//   makes an OCI manifest whose artifactType and one layer are the bundle's media type, an empty config, the image
//   as `subject`, and where the registry lacks the referrers API the `sha256-<hex>` tag index listing it with its
//   artifactType and annotations (#createReferrersIndexByTag);
// - BuildKit's OCI-artifact attestation manifest (moby/buildkit docs/attestations/attestation-storage.md:
//   artifactType application/vnd.docker.attestation.manifest.v1+json, empty config, `subject`) kept as a referrer in
//   another repository, as Docker Scout keeps hardened images' attestations (`docker scout attest list
//   --referrer-repository`).
// docker-registry 2.8 has no referrers API, so both go through the OCI distribution spec's fallback tag.
import { attestationImage, blob, descriptor, MediaTypes, type Blob, type PlatformImage } from './imageContent';
import { PushSession, type SeedOptions } from './seed';

export const SIGSTORE_BUNDLE_V03 = 'application/vnd.dev.sigstore.bundle.v0.3+json';
export const ATTESTATION_MANIFEST_TYPE = 'application/vnd.docker.attestation.manifest.v1+json';
const EMPTY = blob('application/vnd.oci.empty.v1+json', '{}');

export interface PushedReferrer {
  readonly manifest: Blob;
  readonly layers: Blob[];
}

/** `bundleJson` attached to `subject` in `repository` as sigstore-js attaches it, with its fallback tag. */
export async function pushSigstoreBundle(registryUrl: string, repository: string, subject: Blob, bundleJson: Buffer, predicateType: string, options: SeedOptions = {}): Promise<PushedReferrer> {
  const annotations = { 'org.opencontainers.image.created': '2026-01-01T00:00:00.000Z', 'dev.sigstore.bundle.content': 'dsse-envelope', 'dev.sigstore.bundle.predicateType': predicateType };
  const layer = blob(SIGSTORE_BUNDLE_V03, bundleJson);
  const manifest = blob(
    MediaTypes.ociManifest,
    JSON.stringify({ schemaVersion: 2, mediaType: MediaTypes.ociManifest, artifactType: SIGSTORE_BUNDLE_V03, config: descriptor(EMPTY), layers: [descriptor(layer)], subject: descriptor(subject), annotations }),
  );
  await pushReferrer(registryUrl, repository, subject.digest, [EMPTY, layer], manifest, { artifactType: SIGSTORE_BUNDLE_V03, annotations }, options);
  return { manifest, layers: [layer] };
}

/**
 * BuildKit's OCI-artifact attestation manifest (SLSA v0.2 provenance and an SPDX SBOM, as attestationImage writes
 * them) for `image`, pushed to `repository` (another one than the image's) as a referrer of the image's digest.
 */
export async function pushKeptAttestation(registryUrl: string, repository: string, image: Pick<PlatformImage, 'platform' | 'manifest'>, options: SeedOptions = {}): Promise<PushedReferrer> {
  // attestationImage reads only the platform and the manifest of the image.
  const statements = attestationImage(`kept ${image.manifest.digest}`, repository, 'kept', image as PlatformImage);
  const manifest = blob(
    MediaTypes.ociManifest,
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaTypes.ociManifest,
      artifactType: ATTESTATION_MANIFEST_TYPE,
      config: descriptor(EMPTY),
      layers: statements.layers.map((l) => ({ ...descriptor(l), annotations: { 'in-toto.io/predicate-type': l.predicateType } })),
      subject: descriptor(image.manifest),
    }),
  );
  await pushReferrer(registryUrl, repository, image.manifest.digest, [EMPTY, ...statements.layers], manifest, { artifactType: ATTESTATION_MANIFEST_TYPE }, options);
  return { manifest, layers: statements.layers };
}

async function pushReferrer(
  registryUrl: string,
  repository: string,
  subjectDigest: string,
  blobs: Blob[],
  manifest: Blob,
  listed: { artifactType: string; annotations?: Record<string, string> },
  options: SeedOptions,
): Promise<void> {
  const referrers = blob(MediaTypes.ociIndex, JSON.stringify({ schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests: [{ ...descriptor(manifest), ...listed }] }));
  const session = new PushSession(registryUrl, repository, options);
  try {
    for (const b of blobs) await session.pushBlob(b);
    await session.pushManifest(manifest.digest, manifest);
    await session.pushManifest(subjectDigest.replace(':', '-'), referrers);
  } finally {
    await session.close();
  }
}
