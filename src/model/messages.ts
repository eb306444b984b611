// User-facing text produced by the pure core. The core never formats for a locale: it returns a
// template and its arguments, and the VS Code edge passes both to `vscode.l10n.t`, whose keys are
// these English templates. Keeping every template here lets a unit test check that each one has a
// translation in every l10n bundle.

export interface Message {
  readonly template: string;
  readonly args: readonly (string | number)[];
}

export function message(template: string, ...args: (string | number)[]): Message {
  return { template, args };
}

/** English rendering, for logs, the CLI and tests. Placeholders are `{0}`, `{1}`, … as in `vscode.l10n.t`. */
export function formatMessage(m: Message): string {
  return m.template.replace(/\{(\d+)\}/g, (whole, i: string) => {
    const arg = m.args[Number(i)];
    return arg === undefined ? whole : String(arg);
  });
}

export const Messages = {
  // Image references
  referenceEmpty: 'The image reference is empty.',
  referenceWhitespace: 'An image reference cannot contain white space.',
  referenceUppercase: 'The repository name must be lowercase: "{0}".',
  referenceInvalidName: 'Invalid repository name "{0}".',
  referenceInvalidRegistry: 'Invalid registry host "{0}".',
  referenceInvalidTag: 'Invalid tag "{0}": a tag is 1 to 128 letters, digits, "_", "." or "-", and cannot start with "." or "-".',
  referenceInvalidDigest: 'Invalid digest "{0}": expected "sha256:" followed by 64 lowercase hex digits.',
  referenceUnsupportedDigest: 'Unsupported digest algorithm "{0}".',
  referenceNameTooLong: 'The repository name is longer than 255 characters.',

  // Dockerfile
  dockerfileUnterminatedHeredoc: 'The heredoc "{0}" is never closed: everything after it is read as its body.',
  dockerfileFromWithoutImage: 'FROM needs an image: FROM [--platform=<platform>] <image> [AS <name>].',
  dockerfileFromExtraArguments: 'Unexpected text after the image in FROM: "{0}".',
  dockerfileInvalidStageName: 'Invalid stage name "{0}": use letters, digits, "-", "_" and ".", starting with a letter.',
  dockerfileDuplicateStageName: 'The stage name "{0}" is already used by stage {1}.',
  dockerfileInstructionBeforeFrom: '{0} before the first FROM: only ARG may come before FROM.',
  dockerfileUnterminatedVariable: 'Unterminated variable reference "{0}".',
  dockerfileUnterminatedQuote: 'Unterminated quote: {0}',
  dockerfileBadSubstitution: 'Unsupported substitution "{0}".',
  dockerfileRequiredVariable: 'Variable {0} is required: {1}',
  dockerfileDuplicateDirective: 'Duplicate parser directive "{0}": only the first one counts.',
  dockerfileInvalidEscape: 'Invalid escape directive "{0}": only "\\" and "`" are allowed.',

  // Compose
  composeYamlError: 'YAML error: {0}',
  composeMissingFile: 'The file "{0}" does not exist.',
  composeExtendsCycle: 'The service "{0}" extends itself through a cycle.',
  composeUnknownService: 'No service "{0}" to extend.',

  // Bake
  bakeSyntaxError: 'HCL syntax error: {0}',
  bakeEvaluationError: '{0}',
  bakeNameWithoutMatrix: '"name" needs a "matrix" in the same target.',
  bakeMatrixNotMap: '"matrix" must be a map of lists.',
  bakeMatrixNotList: 'The matrix value "{0}" must be a list.',
  bakeMatrixTooLarge: 'The matrix gives more than {0} targets; only the first combinations are read.',
  bakeInvalidTargetName: 'Invalid target name "{0}": only letters, digits, "_" and "-" are allowed.',
  bakeUnknownTargetName: 'The target name cannot be worked out before the build: {0}. Its targets are listed as "{1}[1]", "{1}[2]", ….',
  bakeDuplicateTargetName: 'The matrix gives the name "{0}" more than once.',
  bakeFunctionIncomplete: 'The function "{0}" needs "params" and "result".',
  bakeVariableCycle: 'The variable {0} refers to itself.',
  bakeInheritsCycle: 'The target "{0}" inherits from "{1}", which inherits back from it.',
  bakeUnknownTarget: 'No target "{0}" to inherit from.',
  bakeLinkCycle: 'Infinite loop from "{0}" to "{1}": the "target:" contexts link {2}.',
  bakeLinkSelf: 'The target "{0}" cannot link to itself through a "target:" context.',

  // Builds (Compose services, Bake targets)
  buildDockerfileNotFound: 'The Dockerfile "{0}" does not exist.',
  buildTargetNotFound: 'target stage "{0}" could not be found in {1}: the build fails before it pulls anything.',

  // Pins (diagnostics about what a use pulls, and why an image was not pinned)
  pinUnpinned: '{0} is not pinned to a digest: the tag can move to different content.',
  pinUnpinnedShared: '{0} is not pinned to a digest, and cannot be pinned here: it is the default of ARG {1}, which {2} images use, so a digest there would pin them all. Give this image its own ARG to pin it.',
  pinUnpinnedPartial: '{0} is not pinned to a digest, and cannot be pinned here: only part of the reference comes from ARG {1}.',
  pinUnpinnedPartialChoice: '{0} is not pinned to a digest: only part of the reference comes from ARG {1}, so the digest can go after the reference or into a companion ARG. Either way the digest then wins over a --build-arg {1}=… until it is updated too.',
  pinUnpinnedOverridden: '{0} is not pinned to a digest, and cannot be pinned here: build argument {1} sets it from outside this file.',
  pinUnpinnedContextMatch: '{0} is not pinned to a digest, and is not pinned here on purpose: {1} ({2}) replaces it with its named context "{3}", which BuildKit matches against the reference as written. A digest would end that override.',
  pinUnpinnedInterpolated: '{0} is not pinned to a digest, and cannot be pinned here: it is made from {1}, whose value comes from elsewhere.',
  pinStale: 'Stale pin: the tag {0} now points to {1}, not the pinned {2}.',
  pinStaleNoPlatform: 'Stale pin: the tag {0} now points to {1}, which has no {2} image to update the pinned one to.',
  pinNotFound: 'Pinned digest not found: the registry ({1}) has no manifest {2} for {0}. Likely causes: the tag moved and the content it pointed to was garbage-collected; the digest was copied from another registry, or from a mirror serving content the registry does not have; a typo.',
  pinMismatch: 'Pinned content does not match its digest: what {1} serves for {2} of {0} hashes to {3}. Likely causes: a mirror or proxy serving stale or altered content; a platform digest where the registry answers with the index (or the reverse).',
  pinPlatformInMultiPlatformBuild: 'Platform pin in a multi-platform build: {0} is pinned to its {1} image only, but this build may run for other platforms ({2}): they would pull this one image. Pin the index digest instead.',

  // Why a use cannot be pinned (src/model/pinReasons.ts)
  reasonScratch: 'scratch is the empty image: there is nothing to pull or pin.',
  reasonStageByPlatform: 'Refers to a build stage of this file chosen by the target platform ({0}), not to an image.',
  reasonStage: 'Refers to the build stage "{0}" of this file, not to an image.',
  reasonNoValue: '${0} is declared without a default and no build argument sets it.',
  reasonUndeclared: '${0} is not declared with ARG.',
  reasonGlobalOnly: '${0} is a global ARG: a stage must declare it again (ARG {0}) to use it.',
  reasonPlatformArg: '${0} is set by the builder for each target platform.',
  reasonRequired: '${0} is required and has no value.',
  reasonSharedArg: 'Comes from ARG {0}, which {1} images use: pinning it here would change them all.',
  reasonPartialArgChoice: 'Only part of the reference comes from ARG {0}: the digest can go after the reference, or into a companion ARG. Which one is your choice.',
  reasonPartialArg: 'Only part of the reference comes from ARG {0}: no single place holds the whole reference.',
  reasonOverridden: 'ARG {0} is set by a build argument outside this file.',
  reasonBuildOutput: 'Names the image this service builds, not one it pulls.',
  reasonContextBuild: 'The named build context "{0}" is the output of {1}, built first.',
  reasonContextLocal: 'The named build context "{0}" is local files ({1}), not an image.',
  reasonInterpolatedVariable: 'Written with ${0}, whose value comes from the environment or .env: pin it where that value is set.',
  reasonInterpolated: 'Not written as one plain string here (escapes or a computed value): there is no text to add a digest to.',
  reasonNotBuilt: 'Not built for target {0}: the target needs this stage through no FROM, COPY --from or RUN --mount=from, so this build does not pull this image.',
  reasonNotBuiltStage: 'Not built for target stage {0}: the target needs this stage through no FROM, COPY --from or RUN --mount=from, so this build does not pull this image.',
  reasonLocalBuild: 'The output of {0}, built in this project: this build uses it, not an image from a registry.',
  reasonContextMatch: 'Not pinned here: {0} ({1}) replaces this reference with its named context "{2}", which BuildKit matches against the reference as written. With a digest it would no longer match.',
  companionSharedArg: 'ARG {0} also feeds {1} other images: one version ARG cannot be paired with one image’s digest. Put the digest after the reference instead.',
  companionNoArg: 'No ARG value is part of this reference: there is no version ARG to pair a digest ARG with. Put the digest after the reference instead.',

  // Why the registry could not say, in a few words (rows, summaries)
  failureUnauthorized: 'sign-in required',
  failureDenied: 'access denied',
  failureNotFound: 'not found in the registry',
  failureDigestMismatch: 'content does not match its digest',
  failureTooLarge: 'response too large',
  failureTimeout: 'registry timed out',
  failureRateLimited: 'rate limited by the registry',
  failureServerError: 'registry error',
  failureNetwork: 'registry unreachable',
  failureTls: 'certificate not trusted',
  failureRedirect: 'too many redirects',
  failureBadResponse: 'unexpected registry response',
  failureCredentials: 'credential helper failed',
  failureInsecure: 'refused to send credentials over HTTP',
  failureUntrusted: 'credentials off in restricted mode',
  failureInvalidReference: 'not a valid image reference',
  failureCancelled: 'cancelled',

  // Pinning: choosing a digest, refusals, what a bulk run skipped (src/pin/pinMessages.ts)
  pinTagLacksPlatform: 'the tag now points to {0}, which has no {1} image',
  pinDigestOnly: 'it is pinned by digest alone: there is no tag to update it from',
  pinTagNotLookedUp: 'the tag could not be looked up',
  pinTagNotCompared: 'the tag could not be compared with the pin',
  pinNoSuchPlatform: 'it has no {0} image (it has {1})',
  pinLookupFailed: 'lookup failed',
  pinRegistryFailure: '{0}',
  pinRefusalInvalidDigest: '"{0}" is not a sha256 digest.',
  pinRefusalNotExact: 'The reference could not be read exactly: nothing was written.',
  pinRefusalNoTag: 'It is pinned by digest alone: without the digest no tag would say which image is meant.',
  pinRefusalDigestArg: 'Its digest is the default of ARG {0}: to unpin it, delete the "@" and the {0} reference after it, and the ARG {0} line.',
  pinSkipNotLookedUp: 'not looked up',
  pinSkipConflict: 'its value is used by builds that resolve it to different digests ({0})',
  pinSkipOverlap: 'another pin edits the same text',
  pinSkipChooseForm: 'choose how to pin it (the digest after ${0}, or a companion ARG): use its CodeLens, or set imageProvenance.pinning.argReferences',
  pinSkipBuildOverride: 'a build of this Dockerfile sets {0} to another value, which a digest here would override',
  pinSkipInline: 'in an inline Dockerfile: pin it in the inline text',
  pinCauseInline: 'in an inline Dockerfile',
  pinCauseNotPinnable: 'not pinnable here',
  pinCauseConflict: 'builds disagree on the digest',
  pinCauseChooseForm: 'a pin form to choose',
  pinCauseBuildOverride: 'a build sets its ARG otherwise',
  pinCauseNotWritten: 'could not be written',
  pinCauseFileChanged: 'the file changed meanwhile',
  pinSkipFileChanged: 'the file changed while the digests were looked up',
  // Checks beyond pins (src/checks)
  checkMissingSbom: "{0} has no SBOM attestation: what it contains cannot be listed without pulling it, and Docker Scout's supply chain attestations policy needs one.",
  checkMissingProvenance: "{0} has no provenance attestation: where and from what it was built is not recorded, and Docker Scout shows \"No data\" for its base image.",
  checkProvenanceMin: "{0} has mode=min provenance: build arguments, build steps and the Dockerfile are not recorded (buildx's default; build with --provenance=mode=max to record them).",
  checkNotAllowed: "{0} comes from outside the allowed registries and repositories: {1}.",
  checkDrift: "{0} was published from {1}@{2}, but the workspace now pins {3}: rebuild and push it to publish what the workspace pins.",

  // Attestations: reading a layer
  attestTooLarge: 'The attestation is {0} bytes, more than the {1} bytes this extension reads.',
  attestNotUtf8: 'The attestation is not UTF-8 text.',
  attestEmpty: 'The attestation is empty.',
  attestNotJson: 'The attestation is not valid JSON.',
  attestNotObject: 'The attestation is not a JSON object.',
  attestTooDeep: 'The attestation nests deeper than {0} levels; it is not read.',
  attestDssePayloadType: 'The DSSE envelope carries "{0}", not an in-toto statement (application/vnd.in-toto+json).',
  attestDsseBadPayload: 'The DSSE envelope\'s payload is not base64.',
  attestBundleWithoutEnvelope: 'The Sigstore bundle holds no DSSE envelope: it signs an artifact, it is not an attestation.',
  attestNoPredicateType: 'The attestation does not say what it is: no predicate type in the statement, nor in the layer annotation "{0}".',
  attestNoPredicate: 'The in-toto statement has no predicate.',
  attestUnknownStatementType: 'Unknown in-toto statement type "{0}"; read as a statement v1.',
  attestPredicateTypeMismatch: 'The layer annotation says the predicate type is {0}, the statement says {1}; the statement\'s is used.',
  attestBadSubjects: '{0} subject(s) of the statement have no name or digest and are left out.',

  // Attestations: provenance
  provenanceNotSlsa: 'The predicate type {0} is not SLSA provenance v0.2 or v1.',
  provenanceNotObject: 'The provenance predicate is not a JSON object.',
  provenanceBadMaterials: '{0} material(s) of the provenance have no URI and are left out.',

  // Attestations: SBOM
  sbomNotObject: 'The SBOM is not a JSON object.',
  sbomUnknownFormat: 'The SBOM is neither SPDX JSON nor CycloneDX JSON (predicate type {0}).',
  sbomUnknownVersion: '{0} version "{1}" is not one this extension knows; read as {2}.',
  sbomInvalidPurls: '{0} package(s) have a package URL (purl) that cannot be read, for example "{1}".',
  sbomPackagesWithoutName: '{0} package(s) have no name and are left out.',
  sbomScopeImage: 'the final image',
  sbomScopeStage: 'the build stage "{0}", scanned as well',
  sbomScopeContext: 'the build context, scanned as well',
  sbomScopeExtra: 'an extra scan',

  // Attestations: what an image carries, and why something is missing
  attestRegistryProblem: '{0}',
  attestTooManyLayers: 'More than {0} provenance and SBOM layers refer to this platform; the rest were not read.',
  explainNoAttestations:
    'No attestation found. The index lists no attestation manifests (they would be its unknown/unknown entries), so none were pushed with the image: provenance and SBOM were turned off (--provenance=false --sbom=false, or BUILDX_NO_DEFAULT_ATTESTATIONS=1), the tool that made the index makes none (docker manifest create, or Buildx before 0.10), or a copy tool rebuilt the index without them.',
  explainNoAttestationsSingle:
    'No attestation found. This is a single image manifest, and BuildKit keeps attestations in an index next to the image: it was built with the docker driver on the classic image store or loaded with --load and pushed from there (neither keeps attestations), built for one platform with provenance and SBOM turned off (--provenance=false --sbom=false), or copied out of a multi-platform image without them.',
  explainProvenanceMin:
    'The provenance is mode=min, what Buildx records unless told otherwise: no build arguments, labels, secrets or build steps. Docker Scout\'s supply chain attestations policy needs an SBOM and mode=max provenance (--provenance=mode=max).',
  explainProvenanceMax:
    'The provenance is mode=max: the request with its build arguments and labels, the ids of its secrets and SSH sockets, the build steps and the Dockerfile source are recorded.',
  explainNoProvenance:
    'No provenance: it was turned off (--provenance=false) or dropped on the way. Docker Scout\'s base-image policies show "No data" without it, and its supply chain attestations policy needs mode=max provenance.',
  explainNoSbom: 'No SBOM: BuildKit makes one only when asked (--sbom=true or --attest type=sbom). Docker Scout\'s supply chain attestations policy needs one.',
  explainIndexSbomOtherPlatform: 'No SBOM for this platform: the SBOM attached to the image index describes {0} only (a scanner reads the files of one platform).',
  explainIndexSbomOnePlatform: 'No SBOM for this platform: the SBOM attached to the image index can describe only one of its platforms, and does not say which.',
  explainAttestationsDropped:
    'No attestation could be read: the index lists attestation manifests for this platform, but the registry does not have them. A registry or copy tool that copied the platform images only (a sparse copy) or pruned the rest dropped them.',
  explainKeptElsewhere: 'The attestations are kept in {0}, a separate referrer repository (as Docker Scout keeps them for hardened images), not next to the image.',
  referrerRepositoryInvalid: 'The referrer repository "{0}" for "{1}" is not a registry host or a host with a repository path, e.g. registry.scout.docker.com/myorg.',
  registryCaUnreadable: 'Cannot read the CA certificate file {0}: {1}',
  referrerRepositoryInvalidKey: 'The key "{0}" of imageProvenance.referrerRepositories is not a registry host or a host with a repository path, e.g. docker.io/myorg.',

  // Verifying an image's content (src/registry/verifyContent.ts)
  verifyWhatLayer: 'Layer {0} of {1} ({2})',
  verifyWhatConfig: 'The config of {0} ({1})',
  verifySinglePlatform: 'single-platform image',
  verifyRedirected: '{0} (redirected to {1})',
  verifyDigestMismatch:
    '{0}: {1} served bytes that hash to {2}. BuildKit fails on such a blob with "unexpected commit digest {2}, expected {3}" (containerd checks every blob it writes). {4}',
  verifySizeMismatch: '{0}: {1} served {2} bytes, not the {3} the manifest names. BuildKit fails on such a blob with "unexpected commit size {2}, expected {3}". {4}',
  verifySizeOverflow: '{0}: {1} kept sending past the {2} bytes the manifest names (reading stopped there). BuildKit fails on such a blob with "unexpected commit size". {3}',
  verifyCauseMirror: 'The mirror {0} serves altered or corrupt content: delete the blob from its storage (a pull-through cache fetches it again), or take the mirror out of the registry settings until it is fixed.',
  verifyCauseRegistry: 'The registry itself served it: the blob it stores is corrupt, or a proxy between here and {0} rewrites responses.',
  verifyBlobFailed: '{0} could not be read: {1}',
  verifyManifestFailed: 'The manifest of {0} could not be read: {1}',
  verifyForeignLayer: 'not verified: a foreign layer ({0}), which registries do not hold',
  verifySummaryMatch: '{0}: all {1} blobs ({2}) of {3} match the digests and sizes their manifests name.',
  verifySummaryMismatch: '{0}: {1} of {2} blobs of {3} do not match their manifests or could not be read.',

  // Comparing two digests of an image
  compareNoSbomOld: 'The old image has no SBOM for this platform, so its packages cannot be compared.',
  compareNoSbomNew: 'The new image has no SBOM for this platform, so its packages cannot be compared.',
  compareNoProvenanceOld: 'The old image has no provenance for this platform, so its build cannot be compared.',
  compareNoProvenanceNew: 'The new image has no provenance for this platform, so its build cannot be compared.',
} as const;
