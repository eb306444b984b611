// The panel's Overview from an image's attestation summary: plain JSON for the page, core messages localized by
// the function the host passes (English by default, for tests and logs). Pure: no vscode.

import type { ImageSummary, PlatformSummary, SummaryProblem } from '../attest/summary';
import { formatMessage, type Message } from '../model/messages';
import { familiarName, type ImageRef } from '../reference/imageReference';
import type { Overview, PlatformOverview } from './protocol';

export function overviewOf(summary: ImageSummary, ref: ImageRef, localize: (m: Message) => string = formatMessage): Overview {
  const problem = (p: SummaryProblem) => (p.digest ? `${p.digest}: ${localize(p.message)}` : localize(p.message));
  return {
    image: familiarName(ref),
    digest: summary.digest,
    platforms: summary.availablePlatforms,
    ...(summary.indexLevel && { indexSboms: { count: summary.indexLevel.sboms, ...(summary.indexLevel.describes !== undefined && { describes: summary.indexLevel.describes }) } }),
    problems: summary.problems.map(problem),
    entries: summary.platforms.map((p) => platformOverview(p, localize, problem)),
  };
}

function platformOverview(p: PlatformSummary, localize: (m: Message) => string, problem: (p: SummaryProblem) => string): PlatformOverview {
  const v = p.provenance;
  // The provenance's source is what the build itself recorded; the annotations are what the image says.
  const source = v?.source ? { repository: v.source.repository, revision: v.source.revision, from: 'provenance' as const } : p.annotatedSource && { ...p.annotatedSource, from: 'annotations' as const };
  const builtAt = v?.finishedOn ?? v?.startedOn;
  const sbomProblems = p.problems.filter((x) => x.sbom);
  return {
    platform: p.platform,
    digest: p.digest,
    forms: p.forms,
    ...(p.created !== undefined && { created: p.created }),
    ...(source && { source: withoutUndefined(source) }),
    ...(v && {
      provenance: withoutUndefined({
        slsaVersion: v.slsaVersion,
        mode: v.mode,
        builder: v.builderId,
        builtAt,
        buildType: v.buildType,
        frontend: v.frontend,
        signed: p.provenanceSignature === 'unverified',
        forms: p.provenanceForms ?? p.forms,
      }),
    }),
    sboms: p.sboms.map((d) => ({ digest: d.digest, format: d.sbom.specVersion ?? d.sbom.format, scope: localize(d.scopeText), packages: d.sbom.packages.length, signed: d.signature === 'unverified', forms: d.forms })),
    ...(p.sbomsPending && { sbomsPending: p.sbomsPending }),
    ...(sbomProblems.length > 0 && { sbomProblems: sbomProblems.map(problem) }),
    signatures: p.signatures.map((s) => ({ digest: s.digest, ...(s.artifactType !== undefined && { artifactType: s.artifactType }), signs: s.signs, forms: s.forms })),
    explanations: p.explanations.map((e) => localize(e.message)),
    problems: p.problems.map(problem),
  };
}

/** JSON has no undefined: leave the key out. */
function withoutUndefined<T extends object>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;
}
