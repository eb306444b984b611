// The host side of the panel's Provenance tab: what it sends (each platform's ProvenanceDetail, its words), and
// the page's three intents, each acted on only for what was offered: a link (https only, the links the details
// name; opened by vscode.env.openExternal), an image (a material, opened in its own panel) and the raw statement
// of a platform of this panel (read with the statements the Copy Provenance command reads, through the content
// cache). Anything else is ignored and logged by its type only.

import * as vscode from 'vscode';
import type { ImageSummary } from '../../attest/summary';
import { provenanceDetail, type OfferedImage, type ProvenanceLabels, type ProvenanceOffer } from '../../panel/provenanceDetail';
import type { HostMessage } from '../../panel/protocol';
import { familiarName, parseImageReference, type ImageRef } from '../../reference/imageReference';
import { platformEntries } from '../../registry/manifest';
import { localize } from '../localize';
import type { ImageResolver } from '../../workspace/imageResolver';

/** Opens an image's panel at a digest, with a platform chosen (AttestationPanels.show). */
export type ShowPanel = (ref: ImageRef, digest: string, platform?: string) => unknown;

export class ProvenanceTab {
  /** What was offered, per platform digest: the intents are checked against it. */
  private offers = new Map<string, ProvenanceOffer>();
  private platforms = new Map<string, string>();
  /** One read per platform, shared by repeated requests. */
  private readonly statements = new Map<string, Promise<Extract<HostMessage, { type: 'statement' }>>>();

  constructor(
    private readonly ref: ImageRef,
    private readonly digest: string,
    private readonly resolver: ImageResolver,
    private readonly showPanel: ShowPanel,
    private readonly log: Pick<vscode.LogOutputChannel, 'warn' | 'info'>,
  ) {}

  /** The tab's content for a summary just read; what it offers replaces what was offered before. */
  message(summary: ImageSummary): Extract<HostMessage, { type: 'provenance' }> {
    this.offers = new Map(summary.platforms.flatMap((p) => (p.provenance ? [[p.digest, provenanceDetail(p.digest, p.provenance, localize)] as const] : [])));
    this.platforms = new Map(summary.platforms.map((p) => [p.digest, p.platform]));
    return { type: 'provenance', details: [...this.offers.values()].map((o) => o.detail) };
  }

  /** A link the page asks to open: only one offered, and only https (parsePageMessage refused every other scheme). */
  async openLink(url: string): Promise<void> {
    const offered = [...this.offers.values()].some((o) => o.links.includes(url));
    if (!offered) {
      this.refused('openLink');
      return;
    }
    this.log.info(`The attestation panel of ${familiarName(this.ref)} opens ${url}`);
    try {
      // VS Code's link protection asks the user first for a domain they have not trusted.
      await vscode.env.openExternal(vscode.Uri.parse(url, true));
    } catch (error) {
      this.log.warn(`${url} could not be opened: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /**
   * A material's panel. BuildKit records the platform manifest the build used; its attestations hang off the index
   * (BuildKit's and Docker Official Images' form), so while the material's tag still names an index holding that
   * manifest, the index's panel opens with that platform chosen. Otherwise the manifest's own panel opens.
   */
  async openImage(ref: string, digest: string): Promise<void> {
    const image = this.offeredImage(ref, digest);
    const parsed = image && parseImageReference(image.ref);
    if (!parsed?.ok) {
      this.refused('openImage');
      return;
    }
    const index = await this.indexHolding(parsed.ref, digest);
    if (index) this.showPanel(parsed.ref, index, digest);
    else this.showPanel(parsed.ref, digest);
  }

  /** The raw provenance statement of one of this panel's platforms. */
  statement(platform: string): Promise<Extract<HostMessage, { type: 'statement' }>> | undefined {
    const name = this.platforms.get(platform);
    if (name === undefined) {
      this.refused('requestStatement');
      return undefined;
    }
    let read = this.statements.get(platform);
    if (!read) {
      read = this.resolver.statements(this.ref, this.digest, { platform: name, digest: platform }).then(
        (summary) => {
          const json = summary.platforms.find((p) => p.digest === platform)?.statements?.provenance;
          return { type: 'statement' as const, platform, ...(json !== undefined ? { json } : { text: provenanceLabels().noStatement }) };
        },
        (error: unknown) => {
          this.statements.delete(platform);
          const cause = error instanceof Error ? error.message : String(error);
          return { type: 'statement' as const, platform, text: vscode.l10n.t('The attestations of {0} could not be read: {1}', familiarName(this.ref), cause) };
        },
      );
      this.statements.set(platform, read);
    }
    return read;
  }

  private offeredImage(ref: string, digest: string): OfferedImage | undefined {
    for (const offer of this.offers.values()) {
      const image = offer.images.find((i) => i.ref === ref && i.digest === digest);
      if (image) return image;
    }
    return undefined;
  }

  /** The index the material's tag names now, if it lists that platform manifest. */
  private async indexHolding(ref: ImageRef, digest: string): Promise<string | undefined> {
    if (ref.tag === undefined) return undefined;
    try {
      const top = await (await this.resolver.registry).manifest(ref);
      return top.manifest.kind === 'index' && platformEntries(top.manifest).some((e) => e.digest === digest) ? top.digest : undefined;
    } catch {
      // The tag cannot be read now: the manifest the build used is still the one to show.
      return undefined;
    }
  }

  private refused(type: string): void {
    this.log.warn(`The attestation panel of ${familiarName(this.ref)} ignored a message it does not accept (${type}: not offered)`);
  }
}

/** The Provenance tab's words (PanelLabels.provenanceDetail). */
export function provenanceLabels(): ProvenanceLabels {
  return {
    none: vscode.l10n.t('none'),
    builder: vscode.l10n.t('Builder'),
    buildType: vscode.l10n.t('Build type'),
    source: vscode.l10n.t('Source'),
    sourceFrom: {
      configSource: vscode.l10n.t('the Git context BuildKit checked out'),
      vcs: vscode.l10n.t('as the client said (vcs:source, not checked by BuildKit)'),
      workflow: vscode.l10n.t('the GitHub workflow\'s repository'),
    },
    commit: vscode.l10n.t('Commit'),
    entryPoint: vscode.l10n.t('Dockerfile'),
    frontend: vscode.l10n.t('Frontend'),
    syntaxImage: vscode.l10n.t('# syntax frontend image'),
    builderPlatform: vscode.l10n.t('Builder platform'),
    started: vscode.l10n.t('Started'),
    finished: vscode.l10n.t('Finished'),
    mode: vscode.l10n.t('Mode'),
    buildArgs: vscode.l10n.t('Build arguments'),
    labels: vscode.l10n.t('Labels'),
    notRecorded: vscode.l10n.t('not recorded (mode=min)'),
    otherArgs: vscode.l10n.t('Other request arguments'),
    secrets: vscode.l10n.t('Secrets (ids)'),
    ssh: vscode.l10n.t('SSH (ids)'),
    optional: vscode.l10n.t('optional'),
    materials: vscode.l10n.t('Materials'),
    roles: {
      frontend: vscode.l10n.t('# syntax frontend: ran the build, not a base image'),
      sbomScanner: vscode.l10n.t('SBOM scanner: ran the build, not a base image'),
      baseImage: vscode.l10n.t('pulled by the build (FROM, COPY --from or RUN --mount)'),
    },
    kinds: {
      image: vscode.l10n.t('image'),
      imageBlob: vscode.l10n.t('image blob'),
      git: vscode.l10n.t('Git'),
      http: vscode.l10n.t('HTTP'),
      other: vscode.l10n.t('other'),
    },
    openImage: vscode.l10n.t('Open its attestations'),
    completeness: vscode.l10n.t('Complete'),
    parameters: vscode.l10n.t('parameters'),
    environment: vscode.l10n.t('environment'),
    materialsComplete: vscode.l10n.t('materials'),
    reproducible: vscode.l10n.t('Reproducible'),
    hermetic: vscode.l10n.t('Hermetic'),
    yes: vscode.l10n.t('yes'),
    no: vscode.l10n.t('no'),
    unknown: vscode.l10n.t('not said'),
    warnings: vscode.l10n.t('Warnings'),
    rawStatement: vscode.l10n.t('Raw statement'),
    readingStatement: vscode.l10n.t('Reading the statement…'),
    noStatement: vscode.l10n.t('No provenance statement was found.'),
    more: vscode.l10n.t('… {0} more'),
    copyValue: vscode.l10n.t('Copy the whole value'),
  };
}
