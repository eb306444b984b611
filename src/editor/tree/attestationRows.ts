// The rows under a platform in the Images tree: what its attestations say (provenance, each SBOM, signatures),
// where they are stored, why something is missing, and what could not be read. Rows are recomputed from the
// resolver's read whenever VS Code asks; registry text reaches them as plain labels and tooltips only.

import * as vscode from 'vscode';
import type { StorageForm } from '../../attest/discover';
import type { Provenance } from '../../attest/provenance';
import type { Explanation, PlatformSummary, SbomDocument, SignatureSummary, SummaryProblem } from '../../attest/summary';
import { shortDigest } from '../../reference/imageReference';
import { Commands } from '../context';
import { localize } from '../localize';
import type { AttestationState } from '../../workspace/imageResolver';

export type AttestationRow =
  | { readonly kind: 'reading' }
  | { readonly kind: 'failed'; readonly error: Error }
  /** The read found nothing for the platform (the registry's index changed under the row). */
  | { readonly kind: 'notFound'; readonly platform: string }
  /** Source and commit from the image's OCI annotations, when there is no provenance to say them. */
  | { readonly kind: 'source'; readonly repository?: string; readonly revision?: string }
  | { readonly kind: 'provenance'; readonly provenance: Provenance; readonly signed: boolean; readonly source?: SourceText; readonly forms: readonly StorageForm[] }
  | { readonly kind: 'sbom'; readonly document: SbomDocument; readonly several: boolean }
  | { readonly kind: 'signature'; readonly signature: SignatureSummary }
  | { readonly kind: 'explanation'; readonly explanation: Explanation }
  | { readonly kind: 'problems'; readonly problems: readonly SummaryProblem[] };

type SourceText = { readonly repository?: string; readonly revision?: string };

/** The rows for one platform's read, in the order a reader wants them: what was found, then why not, then problems. */
export function attestationRows(state: AttestationState, platform: string): AttestationRow[] {
  if (state.state === 'reading') return [{ kind: 'reading' }];
  if (state.state === 'failed') return [{ kind: 'failed', error: state.error }];
  const { summary } = state.read;
  const p: PlatformSummary | undefined = summary.platforms[0];
  if (!p) return [{ kind: 'notFound', platform }];
  const rows: AttestationRow[] = [];
  const source = p.provenance?.source ?? p.annotatedSource;
  if (p.provenance) rows.push({ kind: 'provenance', provenance: p.provenance, signed: p.provenanceSignature === 'unverified', ...(source && { source }), forms: p.provenanceForms ?? p.forms });
  else if (source) rows.push({ kind: 'source', ...source });
  for (const document of p.sboms) rows.push({ kind: 'sbom', document, several: p.sboms.length > 1 });
  for (const signature of p.signatures) rows.push({ kind: 'signature', signature });
  for (const explanation of p.explanations) rows.push({ kind: 'explanation', explanation });
  const problems = [...p.problems, ...summary.problems];
  if (problems.length) rows.push({ kind: 'problems', problems });
  return rows;
}

/** A row's tree item. */
export function attestationItem(row: AttestationRow): vscode.TreeItem {
  switch (row.kind) {
    case 'reading': {
      const item = new vscode.TreeItem(vscode.l10n.t('reading attestations…'));
      item.iconPath = new vscode.ThemeIcon('loading~spin');
      return item;
    }
    case 'failed': {
      const item = new vscode.TreeItem(vscode.l10n.t('Attestations could not be read'));
      item.description = row.error.message;
      item.tooltip = `${row.error.message}\n\n${vscode.l10n.t('Click to try again.')}`;
      item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground'));
      item.command = { command: Commands.retry, title: vscode.l10n.t('Retry') };
      item.contextValue = 'attestationProblem';
      return item;
    }
    case 'notFound': {
      const item = new vscode.TreeItem(vscode.l10n.t('No platform {0} in the image now', row.platform));
      item.iconPath = new vscode.ThemeIcon('info');
      item.contextValue = 'attestationExplanation';
      return item;
    }
    case 'source': {
      const item = new vscode.TreeItem(vscode.l10n.t('Source: {0}', sourceText(row)));
      item.description = vscode.l10n.t('image annotations');
      item.tooltip = [row.repository, row.revision, vscode.l10n.t('From the image\'s OCI annotations (org.opencontainers.image.source, revision): no attestation says it.')].filter(Boolean).join('\n');
      item.iconPath = new vscode.ThemeIcon('git-commit');
      item.contextValue = 'attestationSource';
      return item;
    }
    case 'provenance':
      return provenanceItem(row.provenance, row.signed, row.source, row.forms);
    case 'sbom':
      return sbomItem(row.document, row.several);
    case 'signature':
      return signatureItem(row.signature);
    case 'explanation': {
      const text = localize(row.explanation.message);
      const item = new vscode.TreeItem(text);
      item.tooltip = text;
      item.iconPath = new vscode.ThemeIcon('info');
      item.contextValue = `attestationExplanation explanation-${row.explanation.kind}`;
      return item;
    }
    case 'problems': {
      const texts = row.problems.map((p) => (p.digest ? `${shortDigest(p.digest)}: ${localize(p.message)}` : localize(p.message)));
      const item = new vscode.TreeItem(vscode.l10n.t('Read in part: {0}', texts[0] ?? ''));
      if (texts.length > 1) item.description = vscode.l10n.t('{0} problems', texts.length);
      item.tooltip = texts.join('\n');
      item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
      item.contextValue = 'attestationProblem';
      return item;
    }
  }
}

/** "Provenance: SLSA v1, mode=max, github.com/org/repo@abc1234". */
function provenanceItem(p: Provenance, signed: boolean, source: SourceText | undefined, forms: readonly StorageForm[]): vscode.TreeItem {
  const parts = [`SLSA ${p.slsaVersion}`, ...(p.mode ? [`mode=${p.mode}`] : []), ...(source?.repository || source?.revision ? [sourceText(source)] : [])];
  const item = new vscode.TreeItem(vscode.l10n.t('Provenance: {0}', parts.join(', ')));
  item.description = describeForms(forms);
  const lines = [p.predicateType];
  if (source?.repository) lines.push(vscode.l10n.t('Source: {0}', source.revision ? `${source.repository}@${source.revision}` : source.repository));
  if (p.builderId) lines.push(vscode.l10n.t('Builder: {0}', p.builderId));
  if (p.finishedOn ?? p.startedOn) lines.push(vscode.l10n.t('Built: {0}', (p.finishedOn ?? p.startedOn)!));
  if (p.frontend) lines.push(vscode.l10n.t('Frontend: {0}', p.frontendImage ? `${p.frontend} (${p.frontendImage})` : p.frontend));
  lines.push(vscode.l10n.t('Stored: {0}', describeForms(forms)));
  if (signed) lines.push(vscode.l10n.t('Signed, not verified'));
  item.tooltip = lines.join('\n');
  item.iconPath = new vscode.ThemeIcon('tools');
  item.contextValue = 'attestation attestation-provenance';
  return item;
}

/** "SBOM: 214 packages", its scope named when the platform has several documents. */
function sbomItem(document: SbomDocument, several: boolean): vscode.TreeItem {
  const { forms } = document;
  const count = document.sbom.packages.length;
  const packages = count === 1 ? vscode.l10n.t('1 package') : vscode.l10n.t('{0} packages', count);
  const scope = localize(document.scopeText);
  const item = new vscode.TreeItem(several ? vscode.l10n.t('SBOM of {0}: {1}', scope, packages) : vscode.l10n.t('SBOM: {0}', packages));
  item.description = describeForms(forms);
  const lines = [`${document.sbom.specVersion ?? document.sbom.format}, ${scope}`, vscode.l10n.t('Stored: {0}', describeForms(forms))];
  if (document.signature === 'unverified') lines.push(vscode.l10n.t('Signed, not verified'));
  item.tooltip = lines.join('\n');
  item.iconPath = new vscode.ThemeIcon('package');
  item.contextValue = 'attestation attestation-sbom';
  return item;
}

function signatureItem(s: SignatureSummary): vscode.TreeItem {
  const item = new vscode.TreeItem(vscode.l10n.t('Signed, not verified'));
  item.description = describeForms(s.forms);
  item.tooltip = [
    s.artifactType ?? s.digest,
    vscode.l10n.t('Signs {0}', s.signs),
    vscode.l10n.t('Stored: {0}', describeForms(s.forms)),
    vscode.l10n.t('The signature is listed, not checked against any trust root.'),
  ].join('\n');
  item.iconPath = new vscode.ThemeIcon('unverified');
  item.contextValue = 'attestation attestation-signature';
  return item;
}

/** `github.com/org/repo@abc1234`: the scheme and `.git` are left out of the label (the tooltip has the URL). */
function sourceText(source: SourceText): string {
  const repository = source.repository?.replace(/^(?:git\+)?https?:\/\//, '').replace(/\.git$/, '') ?? vscode.l10n.t('(repository not named)');
  return source.revision ? `${repository}@${source.revision.slice(0, 7)}` : repository;
}

/** Where attestations were found, in the words the CLI's report uses. */
function describeForms(forms: readonly StorageForm[]): string {
  return forms.map(describeForm).join(', ');
}

function describeForm(form: StorageForm): string {
  switch (form) {
    case 'index':
      return vscode.l10n.t('in the image index');
    case 'referrer':
      return vscode.l10n.t('referrer');
    case 'cosignTag':
      return vscode.l10n.t('cosign tag');
    case 'referrerRepository':
      return vscode.l10n.t('referrer repository');
  }
}
