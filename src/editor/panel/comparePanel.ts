// The attestation panel's compare mode, host side: both digests' attestations read through the resolver (every
// platform, as the panel reads one image), compared by the pure core (src/panel/compare.ts), and the page's words.

import * as vscode from 'vscode';
import { pulledImage, type ImageUse } from '../../model/buildFile';
import { compareImages, comparisonView, type CompareLabels, type ComparisonView } from '../../panel/compare';
import { pinStatus } from '../../pin/pinStatus';
import { familiarName, parseImageReference, type ImageRef } from '../../reference/imageReference';
import type { BuildFileIndex } from '../../workspace/buildFileIndex';
import { localize } from '../localize';
import { useFromEditor } from '../pin/pinCommands';
import type { Pinner, UseTarget } from '../pin/pinner';
import type { ImageResolver } from '../../workspace/imageResolver';
import type { AttestationPanel, AttestationPanels } from './attestationPanel';

/** What changes from `older` (the pinned digest) to `newer` (what the tag points to now). */
export async function readComparison(resolver: ImageResolver, ref: ImageRef, older: string, newer: string): Promise<ComparisonView> {
  const [o, n] = await Promise.all([resolver.attestations(ref, older), resolver.attestations(ref, newer)]);
  return comparisonView(compareImages(o.summary, n.summary), familiarName(ref, { withDigest: false }), localize);
}

export function compareTitle(ref: ImageRef): string {
  return vscode.l10n.t('What changes: {0}', familiarName(ref, { withDigest: false }));
}

export function comparingText(ref: ImageRef, older: string, newer: string): string {
  return vscode.l10n.t('Comparing {0} at {1} with {2}…', familiarName(ref, { withDigest: false }), older, newer);
}

export function compareFailedText(ref: ImageRef, cause: string): string {
  return vscode.l10n.t('The two digests of {0} could not be compared: {1}', familiarName(ref, { withDigest: false }), cause);
}

/** The compare view's words. */
export function compareLabels(): CompareLabels {
  return {
    title: vscode.l10n.t('What changes in {0}'),
    platform: vscode.l10n.t('Platform'),
    onlyOld: vscode.l10n.t('Only the old image has {0}: the update drops it.'),
    onlyNew: vscode.l10n.t('Only the new image has {0}.'),
    packagesCount: vscode.l10n.t('{0}: {1} packages → {2}'),
    added: vscode.l10n.t('Added'),
    removed: vscode.l10n.t('Removed'),
    changed: vscode.l10n.t('Version changed'),
    licensesChanged: vscode.l10n.t('License changed'),
    unchanged: vscode.l10n.t('Unchanged'),
    name: vscode.l10n.t('Name'),
    type: vscode.l10n.t('Type'),
    version: vscode.l10n.t('Version'),
    oldVersion: vscode.l10n.t('Old version'),
    newVersion: vscode.l10n.t('New version'),
    license: vscode.l10n.t('License'),
    oldLicense: vscode.l10n.t('Old license'),
    newLicense: vscode.l10n.t('New license'),
    more: vscode.l10n.t('… {0} more'),
    onlyInOldDocument: vscode.l10n.t('Only the old image has this SBOM.'),
    onlyInNewDocument: vscode.l10n.t('Only the new image has this SBOM.'),
    noPackageChanges: vscode.l10n.t('No package changes.'),
    build: vscode.l10n.t('Build'),
    source: vscode.l10n.t('Source'),
    frontend: vscode.l10n.t('Frontend'),
    builtAt: vscode.l10n.t('Built'),
    mode: vscode.l10n.t('Provenance mode'),
    baseImages: vscode.l10n.t('Base images'),
    change: vscode.l10n.t('Change'),
    before: vscode.l10n.t('Before'),
    after: vscode.l10n.t('After'),
    baseImageStatus: {
      changed: vscode.l10n.t('new digest'),
      added: vscode.l10n.t('added'),
      removed: vscode.l10n.t('removed'),
      same: vscode.l10n.t('unchanged'),
    },
    unchangedValue: vscode.l10n.t('(unchanged)'),
    none: vscode.l10n.t('none'),
    notCompared: vscode.l10n.t('Not compared'),
  };
}

/** A comparison named outright: from the bulk update's summary (its pins have moved already). */
export interface ComparedPin {
  readonly image: string;
  readonly old: string;
  readonly new: string;
}

export interface CompareDeps {
  readonly index: BuildFileIndex;
  readonly pinner: Pick<Pinner, 'locate'>;
  readonly resolver: ImageResolver;
  readonly panels: Pick<AttestationPanels, 'showCompare'>;
}

/**
 * "What changes?": the compare panel of a pin (old) and what its tag points to now (new, already known from the
 * pin's status: for a pin to one platform's image, the same platform's new image). From a CodeLens or a quick fix
 * (a use target), a tree row (a use node), the bulk update (a ComparedPin) or the palette (the stale pin under the
 * cursor, or one picked from the file).
 */
export async function compareWithTag(deps: CompareDeps, arg?: UseTarget | ComparedPin): Promise<AttestationPanel | undefined> {
  if (isComparedPin(arg)) {
    const parsed = parseImageReference(arg.image);
    return parsed.ok ? deps.panels.showCompare({ ...parsed.ref, digest: undefined }, arg.old, arg.new) : undefined;
  }
  const isStale = (use: ImageUse) => {
    const ref = pulledImage(use);
    return ref !== undefined && pinStatus(ref, deps.resolver.get(ref)).kind === 'stale';
  };
  const target = isUseTarget(arg) ? arg : await useFromEditor(deps.index, isStale, vscode.l10n.t('This file has no stale pin to compare with its tag.'));
  const use = target && deps.pinner.locate(target)?.use;
  const ref = use && pulledImage(use);
  if (!ref?.digest) {
    if (target) void vscode.window.showInformationMessage(vscode.l10n.t('This image is not pinned to a digest: there is nothing to compare with its tag.'));
    return undefined;
  }
  const status = pinStatus(ref, deps.resolver.get(ref));
  if (status.kind !== 'stale') {
    void vscode.window.showInformationMessage(
      status.kind === 'current' ? vscode.l10n.t('The pin of {0} is current: nothing changes.', familiarName(ref, { withDigest: false })) : vscode.l10n.t('{0} has not been compared with its tag yet; try again when it has been looked up.', familiarName(ref, { withDigest: false })),
    );
    return undefined;
  }
  return deps.panels.showCompare({ ...ref, digest: undefined }, ref.digest, status.update?.digest ?? status.tagDigest);
}

function isComparedPin(value: unknown): value is ComparedPin {
  if (typeof value !== 'object' || value === null) return false;
  const { image, old, new: newer } = value as Record<string, unknown>;
  return typeof image === 'string' && isDigest(old) && isDigest(newer);
}

function isDigest(value: unknown): value is string {
  return typeof value === 'string' && /^sha256:[0-9a-f]{64}$/.test(value);
}

function isUseTarget(value: unknown): value is UseTarget {
  return typeof value === 'object' && value !== null && typeof (value as UseTarget).path === 'string' && typeof (value as UseTarget).use === 'number';
}
