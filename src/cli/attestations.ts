// `image-provenance attestations <image>`: what the Images tree shows under an image, per platform, as text or
// (--json) as the normalized models. The decisions are the core's (attest/summary.ts); this file only prints.

import type { StorageForm } from '../attest/discover';
import { licenseCounts } from '../attest/licenses';
import type { Provenance } from '../attest/provenance';
import type { ImageSummary, PlatformSummary, SbomDocument } from '../attest/summary';
import { formatMessage, type Message } from '../model/messages';

const FORMS: Record<StorageForm, string> = {
  index: 'in the image index',
  referrer: 'referrer',
  cosignTag: 'cosign tag',
  referrerRepository: 'referrer repository',
};

/** The summary as text: a header line, then a block per platform. */
export function renderSummary(image: string, summary: ImageSummary): string {
  const lines = [`${image}  ${summary.digest}`];
  if (summary.indexLevel) {
    const describes = summary.indexLevel.describes ? `, describing ${summary.indexLevel.describes}` : '';
    lines.push(`  SBOM attached to the index: ${summary.indexLevel.sboms}${describes}`);
  }
  for (const problem of summary.problems) lines.push(`  Problem: ${problemText(problem)}`);
  for (const platform of summary.platforms) lines.push('', ...renderPlatform(platform));
  return `${lines.join('\n')}\n`;
}

function renderPlatform(p: PlatformSummary): string[] {
  const lines = [`${p.platform || 'single-platform image'}  ${p.digest}`];
  const field = (name: string, value: string) => lines.push(`  ${`${name}:`.padEnd(17)} ${value}`);
  if (p.annotatedSource) field('Source', revisionText(p.annotatedSource.repository, p.annotatedSource.revision) + ' (image annotations)');
  if (p.forms.length > 0) field('Stored', p.forms.map((f) => FORMS[f]).join(', '));
  if (p.predicateTypes.length > 0) field('Predicate types', p.predicateTypes.join(', '));
  if (p.provenance) field('Provenance', provenanceText(p.provenance) + (p.provenanceSignature === 'unverified' ? ', signed, not verified' : ''));
  for (const sbom of p.sboms) field('SBOM', sbomText(sbom));
  for (const s of p.signatures) field('Signature', `${s.digest}${s.artifactType ? ` (${s.artifactType})` : ''}, signed, not verified`);
  for (const e of p.explanations) field('Note', formatMessage(e.message));
  for (const problem of p.problems) field('Problem', problemText(problem));
  return lines;
}

/** "SLSA v1, mode=max, github.com/org/repo@abc1234, builder …, finished …", as the tree labels it. */
function provenanceText(p: Provenance): string {
  const parts = [`SLSA ${p.slsaVersion}`];
  if (p.mode) parts.push(`mode=${p.mode}`);
  if (p.source) parts.push(revisionText(p.source.repository, p.source.revision));
  if (p.builderId) parts.push(`builder ${p.builderId}`);
  if (p.finishedOn ?? p.startedOn) parts.push(`built ${p.finishedOn ?? p.startedOn}`);
  const bases = p.materials.filter((m) => m.kind === 'image' && m.role === undefined && m.image).map((m) => m.image!.name);
  if (bases.length > 0) parts.push(`base ${[...new Set(bases)].join(', ')}`);
  return parts.join(', ');
}

/** "214 packages, SPDX-2.3, the final image; licenses MIT (120), Apache-2.0 (30), …". */
function sbomText(doc: SbomDocument): string {
  const { sbom } = doc;
  const count = `${sbom.packages.length} package${sbom.packages.length === 1 ? '' : 's'}`;
  const licenses = licenseCounts(sbom);
  const top = licenses.slice(0, 3);
  const licenseText = top.length > 0 ? `; licenses ${top.map(([l, n]) => `${l} (${n})`).join(', ')}${licenses.length > 3 ? ', …' : ''}` : '';
  const signed = doc.signature === 'unverified' ? ', signed, not verified' : '';
  return `${count}, ${sbom.specVersion ?? sbom.format}, ${formatMessage(doc.scopeText)}${signed}${licenseText}`;
}

function revisionText(repository: string | undefined, revision: string | undefined): string {
  const repo = repository ?? '(repository not named)';
  return revision ? `${repo}@${revision.slice(0, 7)}` : repo;
}

function problemText(problem: { digest?: string; message: Message }): string {
  return problem.digest ? `${problem.digest}: ${formatMessage(problem.message)}` : formatMessage(problem.message);
}

/** The normalized models as JSON, core messages in English words. */
export function summaryJson(image: string, summary: ImageSummary): string {
  const words = (_key: string, value: unknown): unknown => (isMessage(value) ? formatMessage(value) : value);
  return `${JSON.stringify({ image, ...summary }, words, 2)}\n`;
}

function isMessage(value: unknown): value is Message {
  return typeof value === 'object' && value !== null && typeof (value as Message).template === 'string' && Array.isArray((value as Message).args) && Object.keys(value).length === 2;
}
