// Attestations written to attack the panel: registry data is hostile input. The shapes are BuildKit's (SLSA v1 as
// moby/buildkit solver/llbsolver/provenance/types/types.go writes it, SPDX 2.3 as syft writes it), the values
// are markup, script URLs, bidi controls and megabyte-long strings. Nothing of it may run, become markup, open
// by itself or break the page's layout (issue 13, item 7).

import { PredicateTypes, StatementTypes, type StatementContent } from '../registry/harness/imageContent';

/** What the page would run if any value became markup: each sets a global the test then looks for. */
export const SCRIPT = '<script>window.__pwned = "script"</script>';
export const IMG = '<img src=x onerror="window.__pwned = \'img\'">';
export const JAVASCRIPT_URL = 'javascript:window.__pwned="link"';
export const DATA_URL = 'data:text/html,<script>window.__pwned="data"</script>';
/** Right-to-left override: the text after it would read backwards unless it is isolated. */
export const BIDI = '\u202Etxt.exe\u202C';
/** A megabyte on one line, no spaces. */
export const LONG = 'A'.repeat(1024 * 1024);
/** The one link the host may offer: https, in the source the build recorded. */
export const SAFE_SOURCE = 'https://github.com/acme/hostile';

const DIGEST_HEX = '1'.repeat(64);

/** SLSA v1 provenance whose every text field is hostile (only `vcs:source` is a real https URL). */
export function hostileProvenance(): StatementContent {
  return {
    type: StatementTypes.v1,
    predicateType: PredicateTypes.slsaProvenance1,
    predicate: {
      buildDefinition: {
        buildType: 'https://github.com/moby/buildkit/blob/master/docs/attestations/slsa-definitions.md',
        externalParameters: {
          configSource: { path: `${SCRIPT}${BIDI}` },
          request: {
            frontend: 'gateway.v0',
            args: { 'build-arg:EVIL': IMG, 'build-arg:LONG': LONG, 'label:org.opencontainers.image.title': `${BIDI}${SCRIPT}`, source: 'docker/dockerfile:1.10' },
            locals: [{ name: 'context' }],
          },
        },
        internalParameters: { builderPlatform: 'linux/amd64', note: `${IMG}${LONG}` },
        resolvedDependencies: [
          { uri: JAVASCRIPT_URL, digest: { sha256: DIGEST_HEX } },
          { uri: DATA_URL, digest: { sha256: DIGEST_HEX } },
          { uri: `pkg:docker/${encodeURIComponent(SCRIPT)}@1?platform=linux%2Famd64`, digest: { sha256: DIGEST_HEX } },
        ],
      },
      runDetails: {
        builder: { id: JAVASCRIPT_URL },
        metadata: {
          invocationId: IMG,
          startedOn: SCRIPT,
          finishedOn: LONG,
          buildkit_metadata: { vcs: { source: SAFE_SOURCE, revision: `${IMG}` } },
        },
      },
    },
  };
}

/** An SPDX 2.3 document whose packages carry markup, script URLs, bidi controls and a megabyte-long name. */
export function hostileSpdx(): StatementContent {
  const pkg = (i: number, name: string, version: string, license: string, purl: string) => ({
    name,
    SPDXID: `SPDXRef-Package-${i}`,
    versionInfo: version,
    supplier: `Organization: ${IMG}`,
    downloadLocation: DATA_URL,
    filesAnalyzed: false,
    licenseConcluded: 'NOASSERTION',
    licenseDeclared: license,
    copyrightText: SCRIPT,
    externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: purl }],
  });
  return {
    type: StatementTypes.v1,
    predicateType: PredicateTypes.spdx,
    predicate: {
      spdxVersion: 'SPDX-2.3',
      dataLicense: 'CC0-1.0',
      SPDXID: 'SPDXRef-DOCUMENT',
      name: SCRIPT,
      documentNamespace: `https://anchore.com/syft/image/hostile-${DIGEST_HEX}`,
      creationInfo: { creators: [`Tool: ${IMG}`], created: '2026-01-12T08:21:30Z' },
      packages: [
        pkg(1, SCRIPT, IMG, `${BIDI}MIT`, `pkg:npm/${encodeURIComponent(SCRIPT)}@1.0.0`),
        pkg(2, IMG, '1.0.0', 'Apache-2.0', JAVASCRIPT_URL),
        pkg(3, `left${BIDI}right`, `${BIDI}2.0`, SCRIPT, `pkg:deb/debian/bidi@2.0`),
        pkg(4, LONG, LONG, LONG, `pkg:pypi/long@${LONG.slice(0, 1000)}`),
        pkg(5, 'ordinary', '1.2.3', 'MIT', 'pkg:npm/ordinary@1.2.3'),
      ],
    },
  };
}
