// Where attestations are stored, as the tools that write them store them. Pure: no I/O, no vscode.
//
// Sources:
// - BuildKit docs/attestations/attestation-storage.md: attestation manifests listed in the image index, with
//   `vnd.docker.reference.type: attestation-manifest` and the attested image's digest in
//   `vnd.docker.reference.digest`, platform `unknown/unknown`; any other reference type means "ignore the entry"
// - BuildKit's OCI-artifact form: `artifactType: application/vnd.docker.attestation.manifest.v1+json` and a
//   `subject` naming the attested image
// - `com.docker.reference.digest`: the spelling older tools wrote (read, never written)

import type { Descriptor, ParsedIndex } from '../registry/manifest';

/** The artifactType of BuildKit's OCI-artifact attestation manifests. */
export const ATTESTATION_MANIFEST_TYPE = 'application/vnd.docker.attestation.manifest.v1+json';

export const REFERENCE_ANNOTATIONS = {
  type: 'vnd.docker.reference.type',
  digest: 'vnd.docker.reference.digest',
  /** The spelling older tools wrote; read, never written. */
  legacyDigest: 'com.docker.reference.digest',
} as const;

/** The only `vnd.docker.reference.type` BuildKit defines; any other value means "ignore the entry". */
export const ATTESTATION_MANIFEST = 'attestation-manifest';

/**
 * BuildKit's attestation manifests in an index: `vnd.docker.reference.type: attestation-manifest` (the attested
 * image's digest in `vnd.docker.reference.digest`, see attestedDigest), and the newer OCI-artifact form when
 * listed in the index (artifactType, the attested image in its `subject`). In any order: Docker Official Images
 * re-sort each one to sit right after its image.
 */
export function attestationEntries(index: ParsedIndex): Descriptor[] {
  return index.manifests.filter((entry) => {
    const type = entry.annotations?.[REFERENCE_ANNOTATIONS.type];
    return type === ATTESTATION_MANIFEST || (type === undefined && entry.artifactType === ATTESTATION_MANIFEST_TYPE);
  });
}

/** The digest of the image an attestation entry attests, from its annotations, if it says. */
export function attestedDigest(entry: Descriptor): string | undefined {
  return entry.annotations?.[REFERENCE_ANNOTATIONS.digest] ?? entry.annotations?.[REFERENCE_ANNOTATIONS.legacyDigest];
}
