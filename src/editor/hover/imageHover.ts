// A hover on every image a build file pulls: where its tag points now and whether the pin here is current,
// its platforms, what its attestations say (provenance, SBOM, signatures, or why they are missing), and the
// actions the CodeLens offers. It reads what the resolver already knows and asks for the image when it knows
// nothing yet; attestations (the quick read of the platform the build pulls) it waits for briefly, then says they
// are being read. When the registry cannot be asked, it shows the attestations read earlier, with their age.
// Registry text reaches the hover as text only, never as Markdown; the only links are this extension's own commands.

import * as vscode from 'vscode';
import { licenseCounts } from '../../attest/licenses';
import { sourceLinks } from '../../attest/sourceLinks';
import type { PlatformSummary } from '../../attest/summary';
import { pulledImage, type ImageUse } from '../../model/buildFile';
import { pinStatus } from '../../pin/pinStatus';
import { familiarName, shortDigest, type ImageRef } from '../../reference/imageReference';
import type { PlatformImage } from '../../registry/imageDetails';
import type { BuildFileIndex } from '../../workspace/buildFileIndex';
import { Commands } from '../context';
import { describeReason, localize } from '../localize';
import type { ShowAttestationsOptions } from '../registry/attestationCommands';
import type { ImageResolver, ReadAttestations } from '../../workspace/imageResolver';
import { targetOf } from '../pin/pinCommands';
import type { UseTarget } from '../pin/pinner';
import { toRange } from '../tree/nodes';

/** The commands a hover may run: nothing else is trusted in its Markdown. */
const HOVER_COMMANDS = [Commands.pin, Commands.showAttestations];

/** How long a hover waits for attestations it has not read yet before it shows without them. */
const ATTESTATION_WAIT_MS = 1500;

export class ImageHover implements vscode.HoverProvider {
  constructor(
    private readonly index: BuildFileIndex,
    private readonly resolver: ImageResolver,
  ) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Hover | undefined> {
    const file = this.index.get(document.uri.toString());
    const at = file?.uses.findIndex((use) => toRange(use.range).contains(position)) ?? -1;
    const use = file?.uses[at];
    if (!file || !use) return undefined;
    const ref = pulledImage(use);
    const text = new vscode.MarkdownString(undefined, true);
    text.isTrusted = { enabledCommands: HOVER_COMMANDS };
    text.appendMarkdown('**').appendText(ref ? familiarName(ref) : use.text).appendMarkdown('**\n\n');
    if (!ref) {
      // A stage, scratch, a local build's output, an unresolved variable: what the row and the lens say.
      if (!use.pin.pinnable) text.appendText(describeReason(use.pin.reason));
      return new vscode.Hover(text, toRange(use.range));
    }
    const described = this.describeRegistry(text, ref, targetOf(file.path, use, at), use);
    const platform = described && hoverPlatform(use, described.platforms);
    if (platform?.missing !== undefined) text.appendMarkdown('\n\n').appendText(vscode.l10n.t('This image has no platform {0}.', platform.missing));
    else if (described) await this.describeAttestations(text, ref, described.digest, platform?.chosen, token);
    else if (this.resolver.get(ref)?.state === 'failed') this.describeEarlierAttestations(text, ref, use);
    return new vscode.Hover(text, toRange(use.range));
  }

  /** The quick read of one platform's attestations (or a complete read made before), if read in time. */
  private async describeAttestations(text: vscode.MarkdownString, ref: ImageRef, digest: string, platform: PlatformImage | undefined, token: vscode.CancellationToken): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    let cancelled: vscode.Disposable | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), ATTESTATION_WAIT_MS);
      cancelled = token.onCancellationRequested(() => resolve('late'));
    });
    const read = await Promise.race([this.resolver.hoverAttestations(ref, digest, platform).catch((error: unknown) => error as Error), late]);
    clearTimeout(timer);
    cancelled?.dispose();
    if (read === 'late') {
      text.appendMarkdown('\n\n').appendText(vscode.l10n.t('Reading the attestations… (hover again to see them)'));
      return;
    }
    if (read instanceof Error) {
      text.appendMarkdown('\n\n').appendText(vscode.l10n.t('The attestations could not be read: {0}', read.message));
      return;
    }
    const summary = read.summary.platforms.find((p) => platform === undefined || p.digest === platform.digest) ?? read.summary.platforms[0];
    if (summary) appendLines(text.appendMarkdown('\n\n---\n\n'), attestationLines(summary, ref));
  }

  /** The registry cannot be asked now: the attestations read earlier, if any, and how long ago. */
  private describeEarlierAttestations(text: vscode.MarkdownString, ref: ImageRef, use: ImageUse): void {
    const earlier = this.resolver.lastAttestations(ref);
    if (!earlier) return;
    const summary = hoverPlatform(use, earlier.summary.platforms).chosen ?? earlier.summary.platforms[0];
    if (!summary) return;
    const heading = vscode.l10n.t('Attestations of {0}, {1}:', shortDigest(earlier.digest), describeAge(earlier, Date.now()));
    appendLines(text.appendMarkdown('\n\n---\n\n'), [heading, ...attestationLines(summary).slice(1)]);
  }

  /** What the registry said of the image; when it answered, the digest of its content and its platforms. */
  private describeRegistry(text: vscode.MarkdownString, ref: ImageRef, target: UseTarget, use: ImageUse): { digest: string; platforms: readonly PlatformImage[] } | undefined {
    const resolution = this.resolver.get(ref);
    if (resolution === undefined) {
      this.resolver.request([ref]);
      text.appendText(vscode.l10n.t('Looking up the registry…'));
      return undefined;
    }
    if (resolution.state === 'pending') {
      text.appendText(vscode.l10n.t('Looking up the registry…'));
      return undefined;
    }
    if (resolution.state === 'failed') {
      text.appendText(vscode.l10n.t('The registry could not be asked: {0}', resolution.error.message));
      return undefined;
    }
    const { details } = resolution;
    const lines: string[] = [];
    if (details.tagDigest !== undefined) lines.push(vscode.l10n.t('The tag points to {0}', details.tagDigest));
    const status = pinStatus(ref, resolution);
    switch (status.kind) {
      case 'current':
        lines.push(status.platform ? vscode.l10n.t('Pinned here to the same content ({0}): current.', status.platform) : vscode.l10n.t('Pinned here to the same content: current.'));
        break;
      case 'stale':
        lines.push(vscode.l10n.t('Pinned here to {0}: stale, the tag has moved.', shortDigest(ref.digest ?? '')));
        break;
      case 'unknown':
        lines.push(vscode.l10n.t('Pinned here to {0}; not compared with the tag yet.', shortDigest(ref.digest ?? '')));
        break;
      default:
        break;
    }
    if (details.platforms.length) lines.push(vscode.l10n.t('Platforms: {0}', details.platforms.map((p) => p.platform).join(', ')));
    lines.push(vscode.l10n.t('Answered by {0}', details.host));
    text.appendText(lines.join('\n\n'));

    const actions: string[] = [];
    // A link's title is its tooltip: without one, VS Code shows the command URI.
    const link = (title: string, tooltip: string, command: string, args: unknown[]) =>
      `[${title}](command:${command}?${encodeURIComponent(JSON.stringify(args))} "${tooltip.replace(/["\\]/g, '')}")`;
    if (use.pin.pinnable && status.kind === 'unpinned') {
      actions.push(link(vscode.l10n.t('Pin digest'), vscode.l10n.t('Look up the digest the tag points to, verify it, and write it here'), Commands.pin, [target]));
    }
    if (use.pin.pinnable && (status.kind === 'stale' || status.kind === 'notFound' || status.kind === 'mismatch')) {
      actions.push(link(vscode.l10n.t('Update pin'), vscode.l10n.t('Look up the digest the tag points to, verify it, and write it here'), Commands.pin, [target]));
    }
    actions.push(link(vscode.l10n.t('Show attestations'), vscode.l10n.t('Open the report of every platform\'s attestations'), Commands.showAttestations, [familiarName(ref)]));
    text.appendMarkdown(`\n\n${actions.join(' · ')}`);
    return { digest: details.digest, platforms: details.platforms };
  }
}

/**
 * The platform whose attestations the hover shows, one of the image's when it can: the one the file names as a
 * literal (`FROM --platform=linux/arm64`, Compose `platform:`; without a variant, any variant of it, as the core's
 * matchesPlatform takes it), else the first. Reads of the same platform are then shared with the tree's.
 */
function hoverPlatform<P extends PlatformImage>(use: ImageUse, platforms: readonly P[]): { chosen?: P; missing?: string } {
  const written = use.platform?.trim().toLowerCase();
  const wanted = written !== undefined && /^[a-z0-9_.-]+\/[a-z0-9_.-]+(?:\/[a-z0-9_.-]+)?$/.test(written) ? written : undefined;
  const chosen = wanted === undefined ? platforms[0] : (platforms.find((p) => p.platform === wanted) ?? platforms.find((p) => p.platform.startsWith(`${wanted}/`)));
  return chosen ? { chosen } : wanted !== undefined ? { missing: wanted } : {};
}

/** "read 12 minutes ago". */
function describeAge({ readAt }: ReadAttestations, now: number): string {
  const minutes = Math.floor((now - readAt) / 60_000);
  if (minutes < 1) return vscode.l10n.t('read just now');
  if (minutes === 1) return vscode.l10n.t('read 1 minute ago');
  if (minutes < 120) return vscode.l10n.t('read {0} minutes ago', minutes);
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return vscode.l10n.t('read {0} hours ago', hours);
  return vscode.l10n.t('read {0} days ago', Math.floor(hours / 24));
}

/** A line of text, or of pieces some of which link to a web page (the https URLs sourceLinks allows). */
type HoverLine = string | { text: string; href?: string }[];

/** Registry text goes in as text; a link's text is escaped the same way, its URL is one sourceLinks made. */
function appendLines(markdown: vscode.MarkdownString, lines: readonly HoverLine[]): void {
  lines.forEach((line, i) => {
    if (i > 0) markdown.appendMarkdown('\n\n');
    if (typeof line === 'string') markdown.appendText(line);
    else {
      for (const piece of line) {
        if (piece.href) markdown.appendMarkdown(`[${new vscode.MarkdownString('', true).appendText(piece.text).value}](${piece.href})`);
        else markdown.appendText(piece.text);
      }
    }
  });
}

/** "Source: github.com/org/repo@abc1234def56", the repository and the commit linked to their pages where they can be. */
function sourceLine(repository: string, revision: string | undefined): HoverLine {
  const links = sourceLinks(repository, revision);
  const [before = '', after = ''] = vscode.l10n.t('Source: {0}', '\u0000').split('\u0000');
  return [
    { text: before },
    { text: repository, ...(links.repository && { href: links.repository }) },
    ...(revision ? [{ text: '@' }, { text: revision.slice(0, 12), ...(links.commit && { href: links.commit }) }] : []),
    { text: after },
  ];
}

/** One platform's attestations in a few lines: a heading, provenance, SBOM, signatures, and why something is missing. */
function attestationLines(p: PlatformSummary, ref?: ImageRef): HoverLine[] {
  const lines: HoverLine[] = [p.platform ? vscode.l10n.t('Attestations of {0}:', p.platform) : vscode.l10n.t('Attestations:')];
  const source = p.provenance?.source ?? p.annotatedSource;
  if (source?.repository) lines.push(sourceLine(source.repository, source.revision));
  if (p.provenance) {
    const { slsaVersion, mode, builderId, finishedOn } = p.provenance;
    lines.push(mode ? vscode.l10n.t('Provenance: SLSA {0}, mode={1}', slsaVersion, mode) : vscode.l10n.t('Provenance: SLSA {0}', slsaVersion));
    if (builderId) lines.push(vscode.l10n.t('Builder: {0}', builderId));
    if (finishedOn) lines.push(vscode.l10n.t('Built: {0}', finishedOn));
  }
  for (const { sbom } of p.sboms.slice(0, 1)) {
    const top = licenseCounts(sbom).slice(0, 3).map(([license]) => license);
    const count = sbom.packages.length === 1 ? vscode.l10n.t('SBOM: 1 package') : vscode.l10n.t('SBOM: {0} packages', sbom.packages.length);
    // A fresh read links to the panel's SBOM tab, on this platform (an earlier read is shown offline: no link).
    const open: ShowAttestationsOptions = { tab: 'sbom', platform: p.digest };
    lines.push(ref ? [{ text: count, href: `command:${Commands.showAttestations}?${encodeURIComponent(JSON.stringify([familiarName(ref), open]))}` }] : count);
    if (top.length) lines.push(vscode.l10n.t('Top licenses: {0}', top.join(', ')));
  }
  if (p.signatures.length) lines.push(vscode.l10n.t('Signed, not verified ({0})', p.signatures.length));
  for (const e of p.explanations) lines.push(localize(e.message));
  return lines;
}
