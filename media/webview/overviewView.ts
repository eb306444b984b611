// The Overview tab of one platform: its digest, where its attestations are, what they say in brief, and why
// something is missing.

import type { PanelLabels, PlatformOverview, ProvenanceOverview } from '../../src/panel/protocol';
import { addFact, digestValue, element, fill, forms, list } from './dom';

export function overviewTab(entry: PlatformOverview, labels: PanelLabels): HTMLElement {
  const section = element('section', 'platform');
  section.append(element('h2', undefined, entry.platform || labels.singlePlatform));
  const facts = element('dl', 'facts');
  addFact(facts, labels.digest, digestValue(entry.digest, labels));
  if (entry.created !== undefined) addFact(facts, labels.created, entry.created);
  if (entry.forms.length > 0) addFact(facts, labels.stored, forms(entry.forms, labels));
  if (entry.source) {
    const { repository, revision, from } = entry.source;
    const text = [repository, revision].filter((s) => s !== undefined).join('@');
    addFact(facts, labels.source, from === 'annotations' ? `${text} (${labels.sourceFromAnnotations})` : text);
  }
  section.append(facts);

  if (entry.provenance) {
    const provenance = element('section', 'provenance');
    provenance.append(element('h3', undefined, labels.provenance), provenanceFacts(entry.provenance, labels));
    section.append(provenance);
  }
  if (entry.sboms.length > 0) section.append(list(labels.sboms, sbomLines(entry, labels), 'sboms'));
  else if (entry.sbomsPending) section.append(list(labels.sboms, [labels.sbomTab.loading], 'sboms'));
  if (entry.signatures.length > 0) {
    const lines = entry.signatures.map((s) => [labels.signedNotVerified, s.artifactType ?? s.digest, fill(labels.signs, s.signs), forms(s.forms, labels)].join(' · '));
    section.append(list(labels.signatures, lines, 'signatures'));
  }
  if (entry.explanations.length > 0) section.append(list(labels.notes, entry.explanations, 'notes'));
  if (entry.problems.length > 0) section.append(list(labels.problems, entry.problems, 'problems'));
  return section;
}

/** The provenance in brief: version and mode, who built it, when, how, where it is stored. */
export function provenanceFacts(p: ProvenanceOverview, labels: PanelLabels): HTMLElement {
  const facts = element('dl', 'facts');
  addFact(facts, labels.provenance, [`SLSA ${p.slsaVersion}`, ...(p.mode ? [`mode=${p.mode}`] : []), ...(p.signed ? [labels.signedNotVerified] : [])].join(', '));
  if (p.builder !== undefined) addFact(facts, labels.builder, p.builder);
  if (p.builtAt !== undefined) addFact(facts, labels.built, p.builtAt);
  if (p.buildType !== undefined) addFact(facts, labels.buildType, p.buildType);
  if (p.frontend !== undefined) addFact(facts, labels.frontend, p.frontend);
  addFact(facts, labels.stored, forms(p.forms, labels));
  return facts;
}

/** One line per SBOM document: how many packages, its format, what it describes, where it is stored. */
export function sbomLines(entry: PlatformOverview, labels: PanelLabels): string[] {
  return entry.sboms.map((d) => {
    const count = d.packages === 1 ? labels.onePackage : fill(labels.packages, d.packages);
    return [`${count}: ${d.format}, ${d.scope}`, forms(d.forms, labels), ...(d.signed ? [labels.signedNotVerified] : [])].join(' · ');
  });
}
