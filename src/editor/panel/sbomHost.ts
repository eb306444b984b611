// The attestation panel's SBOM intents on the host side: the rows of a document the panel showed, and its export
// to a file the user picks. Only the documents of the summary the panel drew are served or written, by the layer
// digest that names each; anything else is refused.

import { randomUUID } from 'node:crypto';
import { homedir } from 'node:os';
import * as vscode from 'vscode';
import { exportFileExtension, exportSbom, type SbomExportFormat } from '../../attest/sbomExport';
import type { ImageSummary, SbomDocument, SbomPreview } from '../../attest/summary';
import { FIRST_WINDOW_ROWS, sbomTable, tableWindow, WINDOW_ROWS, type SbomLabels, type SbomTable, type SbomTableWindow } from '../../panel/sbomTable';
import { familiarName, type ImageRef } from '../../reference/imageReference';
import type { PlatformImage } from '../../registry/imageDetails';
import { localize } from '../localize';
import type { ImageResolver } from '../../workspace/imageResolver';

const EXTENSION_ID = 'image-provenance.image-provenance';

/** Each document's rows, built once per document read (panels of the same image share the resolver's summary). */
const tables = new WeakMap<SbomDocument['sbom'], SbomTable>();

/** How often the page hears how many bytes of a document are in, once its first rows are shown. */
const PREVIEW_INTERVAL_MS = 250;

/** What the page is sent of a document still on its way (HostMessage `rowsReading`). */
export interface RowsPreview {
  readonly window?: SbomTableWindow;
  readonly bytes: number;
  readonly size: number;
}

/** The SBOM documents one panel offered. */
export class PanelSboms {
  private readonly documents = new Map<string, { readonly document: SbomDocument; readonly platform: PlatformImage }>();
  /** The SBOM layers of the summary shown that are still being read, and the read that brings them. */
  private pending: { readonly layers: ReadonlySet<string>; readonly read: Promise<unknown> } | undefined;
  /** What has arrived of each SBOM layer on its way (SummaryOptions.sbomPreview), and who is shown it. */
  private readonly previews = new Map<string, SbomPreview>();
  private readonly watchers = new Map<string, (preview: SbomPreview) => void>();

  constructor(
    private readonly ref: ImageRef,
    private readonly digest: string,
    private readonly resolver: Pick<ImageResolver, 'statements'>,
  ) {}

  /**
   * Every SBOM of the summary the panel shows is offered; nothing else is. A first summary's SBOMs still being
   * read (PlatformSummary.sbomsPending) are waited for, through `rest`, when their rows are asked for.
   */
  offer(summary: ImageSummary, rest?: Promise<unknown>): void {
    this.documents.clear();
    for (const p of summary.platforms) for (const document of p.sboms) this.documents.set(document.digest, { document, platform: { platform: p.platform, digest: p.digest } });
    const layers = new Set(summary.platforms.flatMap((p) => p.sbomsPending ?? []));
    this.pending = rest && layers.size > 0 ? { layers, read: rest.catch(() => undefined) } : undefined;
    // Read whole (or not at all): nothing of them is shown as arriving any more.
    if (!this.pending) this.previews.clear();
  }

  /** An SBOM layer's first packages as its bytes arrive, from the read (SummaryOptions.sbomPreview). */
  preview(layer: string, preview: SbomPreview): void {
    if (this.pending && !this.pending.layers.has(layer)) return;
    this.previews.set(layer, preview);
    this.watchers.get(layer)?.(preview);
  }

  /**
   * While an offered document is still being read, `show` gets its first rows as they arrive: a window each time
   * there are more of them, else the bytes in, at most every PREVIEW_INTERVAL_MS. Gives what stops it.
   */
  previewOf(sbom: string, show: (preview: RowsPreview) => void): () => void {
    if (!this.pending?.layers.has(sbom)) return () => undefined;
    let rows = 0;
    let shownAt = 0;
    const watch = ({ packages, bytes, size }: SbomPreview) => {
      const grew = packages.length !== rows;
      if (packages.length === 0 || (!grew && Date.now() - shownAt < PREVIEW_INTERVAL_MS)) return;
      shownAt = Date.now();
      rows = packages.length;
      // Only these rows' types and licenses name them: nothing here counts the whole document.
      const window = grew ? tableWindow(sbomTable({ packages: [...packages], describes: [], files: [], relationships: [] }), 0, FIRST_WINDOW_ROWS) : undefined;
      show({ ...(window && { window }), bytes, size });
    };
    this.watchers.set(sbom, watch);
    const known = this.previews.get(sbom);
    if (known) watch(known);
    return () => {
      if (this.watchers.get(sbom) === watch) this.watchers.delete(sbom);
    };
  }

  offered(sbom: string): boolean {
    return this.documents.has(sbom);
  }

  /** The rows of an offered document; undefined for any other digest. */
  rows(sbom: string): SbomTable | undefined {
    const offered = this.documents.get(sbom);
    if (!offered) return undefined;
    let table = tables.get(offered.document.sbom);
    if (!table) {
      table = sbomTable(offered.document.sbom);
      tables.set(offered.document.sbom, table);
    }
    return table;
  }

  /**
   * The window of an offered document's rows from `start` (the first window from 0), once it is read; undefined
   * for any other digest, or past the last row.
   */
  async window(sbom: string, start: number): Promise<SbomTableWindow | undefined> {
    if (this.pending?.layers.has(sbom)) await this.pending.read;
    const table = this.rows(sbom);
    if (!table || (start > 0 && start >= table.packages.name.length)) return undefined;
    const window = tableWindow(table, start, start === 0 ? FIRST_WINDOW_ROWS : WINDOW_ROWS);
    if (start + window.rows.name.length < window.total) return window;
    // Read now, after the rows: the purls are parsed for the warning about those that cannot be read.
    const warnings = this.documents.get(sbom)!.document.sbom.warnings.map(localize);
    return warnings.length > 0 ? { ...window, warnings } : window;
  }

  /** Asks where to save an offered document, writes it and says where. False when refused or cancelled. */
  async saveAs(sbom: string, format: SbomExportFormat): Promise<boolean> {
    const offered = this.documents.get(sbom);
    if (!offered) return false;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(homedir());
    const extension = exportFileExtension(format);
    const target = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.joinPath(folder, `${this.fileName(offered.document, offered.platform)}${extension}`),
      filters: { [formatName(format)]: [extension.slice(extension.lastIndexOf('.') + 1)] },
      title: vscode.l10n.t('Export the SBOM'),
    });
    if (!target) return false;
    await this.exportTo(sbom, format, target);
    void vscode.window.showInformationMessage(vscode.l10n.t('Exported the SBOM to {0}', target.fsPath));
    return true;
  }

  /**
   * Writes an offered document to `target`; false for any other digest. Its own format is the document as the
   * registry served it, read again with the statements kept (through the content cache).
   */
  async exportTo(sbom: string, format: SbomExportFormat, target: vscode.Uri): Promise<boolean> {
    const offered = this.documents.get(sbom);
    if (!offered) return false;
    const { document, platform } = offered;
    const predicate = format === document.sbom.format ? await this.predicate(sbom, platform) : undefined;
    if (format === document.sbom.format && predicate === undefined) throw new Error(vscode.l10n.t('The SBOM could not be read again from the registry.'));
    const text = exportSbom(document.sbom, format, {
      name: `${familiarName(this.ref)}${platform.platform ? ` ${platform.platform}` : ''} (${localize(document.scopeText)})`,
      created: new Date(),
      tool: { name: 'image-provenance', version: String((vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as { version?: unknown } | undefined)?.version ?? '0') },
      uuid: randomUUID(),
      ...(predicate !== undefined && { predicate }),
    });
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
    return true;
  }

  /** The predicate of that layer, read again with the platform's statements. */
  private async predicate(sbom: string, platform: PlatformImage): Promise<unknown> {
    const summary = await this.resolver.statements(this.ref, this.digest, platform.platform ? platform : undefined);
    const read = summary.platforms.find((p) => p.digest === platform.digest) ?? summary.platforms[0];
    const index = read?.sboms.findIndex((d) => d.digest === sbom) ?? -1;
    const statement = index >= 0 ? read?.statements?.sboms[index] : undefined;
    return typeof statement === 'object' && statement !== null && 'predicate' in statement ? statement.predicate : undefined;
  }

  /** `nginx-1.27-alpine-linux-amd64-image`: the image, the platform and the document's scope, safe as a file name. */
  private fileName(document: SbomDocument, platform: PlatformImage): string {
    const scope = document.scope.kind === 'stage' ? `stage-${document.scope.name}` : document.scope.kind;
    const parts = [familiarName(this.ref, { withDigest: false }).replace(/^.*\//, ''), platform.platform, scope].filter((part) => part !== '');
    return parts.join('-').replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 120);
  }
}

function formatName(format: SbomExportFormat): string {
  return format === 'spdx' ? 'SPDX JSON' : format === 'cyclonedx' ? 'CycloneDX JSON' : 'CSV';
}

/** The SBOM tab's words. */
export function sbomLabels(): SbomLabels {
  return {
    document: vscode.l10n.t('Document'),
    loading: vscode.l10n.t('Loading the packages…'),
    readingRows: vscode.l10n.t('Reading the SBOM… {0} of {1} MB'),
    provisional: vscode.l10n.t('The first packages, as they arrive: search, sorting, filters, the license chart and the exports wait for the whole document and its digest check.'),
    unread: vscode.l10n.t('The SBOM of {0} could not be read: {1}'),
    search: vscode.l10n.t('Search packages'),
    type: vscode.l10n.t('Type'),
    license: vscode.l10n.t('License'),
    anyType: vscode.l10n.t('Any type'),
    anyLicense: vscode.l10n.t('Any license'),
    none: vscode.l10n.t('(none)'),
    name: vscode.l10n.t('Name'),
    version: vscode.l10n.t('Version'),
    purl: vscode.l10n.t('Package URL'),
    supplier: vscode.l10n.t('Supplier'),
    shownOf: vscode.l10n.t('{0} of {1} packages'),
    licenseChart: vscode.l10n.t('Packages per license'),
    licenseBar: vscode.l10n.t('{0}: {1} packages'),
    otherLicenses: vscode.l10n.t('{0} other licenses'),
    copyPurl: vscode.l10n.t('Copy purl'),
    files: vscode.l10n.t('Files'),
    path: vscode.l10n.t('Path'),
    layer: vscode.l10n.t('Layer'),
    relationships: vscode.l10n.t('Relationships'),
    from: vscode.l10n.t('From'),
    relationship: vscode.l10n.t('Relationship'),
    to: vscode.l10n.t('To'),
    exportAs: vscode.l10n.t('Export'),
    packagesTab: vscode.l10n.t('Packages'),
    warnings: vscode.l10n.t('Warnings'),
  };
}
