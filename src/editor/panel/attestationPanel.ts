// The attestation panel's host side: one webview panel per image and digest, the page's HTML under a strict CSP,
// the handshake (nothing is sent before the page says `ready` with this protocol version), the read through the
// resolver, and the restore after a window reload (VS Code's webview-sample: WebviewPanelSerializer; the page
// keeps PanelState with `setState`). The page's messages are read through parsePageMessage: anything else is
// ignored.

import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { ImageSummary } from '../../attest/summary';
import type { ComparisonView } from '../../panel/compare';
import { overviewOf } from '../../panel/overview';
import { FIRST_WINDOW_ROWS } from '../../panel/sbomTable';
import { PANEL_STATE_VERSION, PANEL_VIEW_TYPE, parsePageMessage, parsePanelState, PROTOCOL_VERSION, unhandled, type HostMessage, type Overview, type PanelLabels, type PanelState, type PanelTab } from '../../panel/protocol';
import { familiarName, parseImageReference, type ImageRef } from '../../reference/imageReference';
import { localize } from '../localize';
import type { ImageResolver } from '../../workspace/imageResolver';
import { compareFailedText, compareLabels, compareTitle, comparingText, readComparison } from './comparePanel';
import { provenanceLabels, ProvenanceTab } from './provenanceTab';
import { PanelSboms, sbomLabels } from './sbomHost';

/** Every open panel, one per image and digest; restores panels after a reload. */
export class AttestationPanels implements vscode.WebviewPanelSerializer, vscode.Disposable {
  private readonly open = new Map<string, AttestationPanel>();
  /** Panels whose image's digest is still being resolved, by the reference as typed. */
  private readonly resolving = new Map<string, ResolvingPanel>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly resolver: ImageResolver,
    private readonly log: Pick<vscode.LogOutputChannel, 'warn' | 'info'>,
  ) {}

  /** Shows the panel of this image and digest, on that platform and tab if given: the one open, revealed, or a new one. */
  show(ref: ImageRef, digest: string, platform?: string, tab?: PanelTab): AttestationPanel {
    const chosen = { ...(platform !== undefined && { platform }), ...(tab !== undefined && { tab }) };
    const known = this.open.get(panelKey(ref, digest));
    if (known) {
      known.panel.reveal();
      known.choose(chosen);
      return known;
    }
    const panel = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, panelTitle(ref), vscode.ViewColumn.Active, webviewOptions(this.extensionUri));
    return this.adopt(panel, ref, digest, chosen);
  }

  /**
   * Shows the panel of an image whose digest is not known yet (a tag): a panel opens at once, its page loading
   * and saying what it reads while `resolve` asks the registry, so the window's fixed cost is paid meanwhile.
   * Once the digest is known the panel becomes that image's panel, or, when one for that digest is open already,
   * that one comes forward instead. Asked again while it resolves, the same panel comes forward; asked again after
   * it failed, it tries again. Undefined when the resolution failed (the panel says why) or the panel was closed.
   */
  async showResolving(ref: ImageRef, resolve: (signal: AbortSignal) => Promise<string>, platform?: string, tab?: PanelTab): Promise<AttestationPanel | undefined> {
    const chosen = { ...(platform !== undefined && { platform }), ...(tab !== undefined && { tab }) };
    const key = familiarName(ref);
    let resolving = this.resolving.get(key);
    if (resolving?.busy) {
      resolving.panel.reveal();
      return undefined;
    }
    if (resolving) resolving.panel.reveal();
    else {
      const panel = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, panelTitle(ref), vscode.ViewColumn.Active, webviewOptions(this.extensionUri));
      resolving = new ResolvingPanel(panel, ref, this.extensionUri, this.log);
      this.resolving.set(key, resolving);
      const disposed = resolving;
      panel.onDidDispose(() => {
        if (this.resolving.get(key) === disposed) this.resolving.delete(key);
        disposed.dispose();
      });
    }
    const digest = await resolving.resolve(resolve);
    if (digest === undefined) return undefined;
    this.resolving.delete(key);
    const page = resolving.handOver();
    const known = this.open.get(panelKey(ref, digest));
    if (known) {
      resolving.panel.dispose();
      known.panel.reveal();
      known.choose(chosen);
      return known;
    }
    return this.adopt(resolving.panel, ref, digest, chosen, undefined, page);
  }

  /** The panel of an image whose digest is still being resolved, by the reference as typed (the extension tests read it). */
  getResolving(ref: ImageRef): ResolvingPanel | undefined {
    return this.resolving.get(familiarName(ref));
  }

  /** Shows what changes from `older` to `newer` of this image: the compare panel of the two, open or new. */
  showCompare(ref: ImageRef, older: string, newer: string): AttestationPanel {
    const known = this.open.get(panelKey(ref, newer, older));
    if (known) {
      known.panel.reveal();
      return known;
    }
    const panel = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, compareTitle(ref), vscode.ViewColumn.Active, webviewOptions(this.extensionUri));
    return this.adopt(panel, ref, newer, {}, older);
  }

  /** The open panel of this image and digest, if there is one (the extension tests read it). */
  get(ref: ImageRef, digest: string, base?: string): AttestationPanel | undefined {
    return this.open.get(panelKey(ref, digest, base));
  }

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, value: unknown): Promise<void> {
    const state = parsePanelState(value);
    const ref = state && parseImageReference(state.ref);
    if (!state || !ref?.ok || this.open.has(panelKey(ref.ref, state.digest, state.base))) {
      // Written by another version, or not at all (closed before the page started): nothing to read again.
      this.log.warn(`An attestation panel was not restored: its saved state is not one this version reads (${JSON.stringify(value)?.slice(0, 200)})`);
      panel.dispose();
      return;
    }
    panel.title = state.base === undefined ? panelTitle(ref.ref) : compareTitle(ref.ref);
    panel.webview.options = webviewOptions(this.extensionUri);
    this.adopt(panel, ref.ref, state.digest, { ...(state.platform !== undefined && { platform: state.platform }), ...(state.tab !== undefined && { tab: state.tab }) }, state.base);
  }

  dispose(): void {
    for (const panel of [...this.open.values(), ...this.resolving.values()]) panel.panel.dispose();
  }

  private adopt(panel: vscode.WebviewPanel, ref: ImageRef, digest: string, restored: Restored, base?: string, page?: LoadedPage): AttestationPanel {
    const key = panelKey(ref, digest, base);
    const showPanel = (r: ImageRef, d: string, p?: string) => this.show(r, d, p);
    const adopted = new AttestationPanel(panel, ref, digest, restored, this.extensionUri, this.resolver, this.log, showPanel, base, page);
    this.open.set(key, adopted);
    panel.onDidDispose(() => {
      if (this.open.get(key) === adopted) this.open.delete(key);
      adopted.dispose();
    });
    return adopted;
  }
}

/** What a panel shows again after a window reload: the platform (by digest) and the tab. */
type Restored = Pick<PanelState, 'platform' | 'tab'>;

/** A page loaded while the digest was resolved, handed to the image's panel: whether it said `ready` yet. */
interface LoadedPage {
  readonly ready: boolean;
}

/**
 * A panel whose page loads while its image's tag is resolved: it says what it reads, or why the reference could
 * not be resolved, naming the image; the page is kept to be handed to the image's panel once the digest is known.
 */
export class ResolvingPanel implements vscode.Disposable {
  private ready = false;
  private message: HostMessage;
  private readonly aborter = new AbortController();
  private listener: vscode.Disposable | undefined;
  /** Whether a resolution is under way. */
  busy = false;
  /** The last message the page was sent (the extension tests read it). */
  delivered: HostMessage | undefined;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly ref: ImageRef,
    extensionUri: vscode.Uri,
    private readonly log: Pick<vscode.LogOutputChannel, 'warn'>,
  ) {
    this.message = this.reading();
    this.listener = panel.webview.onDidReceiveMessage((message: unknown) => {
      const parsed = parsePageMessage(message);
      // Until the digest is known the page offers nothing: only its `ready` is heard.
      if (parsed?.type !== 'ready') return;
      if (parsed.version !== PROTOCOL_VERSION) {
        this.log.warn(`The attestation panel's page speaks protocol ${parsed.version}, not ${PROTOCOL_VERSION}: it is sent nothing.`);
        return;
      }
      this.ready = true;
      this.post(this.message);
    });
    panel.webview.html = pageHtml(panel.webview, extensionUri);
  }

  /** The digest `resolve` gives, the page saying meanwhile what it reads; undefined when it failed (the page then says why) or the panel was closed. */
  async resolve(resolve: (signal: AbortSignal) => Promise<string>): Promise<string | undefined> {
    this.busy = true;
    this.post((this.message = this.reading()));
    try {
      const digest = await resolve(this.aborter.signal);
      // Closed meanwhile: a resolution that did not stop has no panel left to show in.
      return this.aborter.signal.aborted ? undefined : digest;
    } catch (error) {
      if (!this.aborter.signal.aborted) {
        const cause = error instanceof Error ? error.message : String(error);
        this.post((this.message = { type: 'failed', ref: familiarName(this.ref), text: vscode.l10n.t('The attestations of {0} could not be read: {1}', familiarName(this.ref), cause) }));
      }
      return undefined;
    } finally {
      this.busy = false;
    }
  }

  /** Stops listening to the page: the image's panel takes it over, as loaded. */
  handOver(): LoadedPage {
    this.listener?.dispose();
    this.listener = undefined;
    return { ready: this.ready };
  }

  dispose(): void {
    this.aborter.abort();
    this.listener?.dispose();
  }

  private reading(): HostMessage {
    return { type: 'reading', ref: familiarName(this.ref), text: vscode.l10n.t('Reading the attestations of {0}…', familiarName(this.ref)) };
  }

  private post(message: HostMessage): void {
    if (!this.ready) return;
    this.delivered = message;
    void this.panel.webview.postMessage(message);
  }
}

/** One panel: what it shows now, sent whenever its page (re)starts and says it is ready. */
export class AttestationPanel implements vscode.Disposable {
  private view:
    | { readonly kind: 'reading' }
    | { readonly kind: 'shown'; readonly overview: Overview }
    | { readonly kind: 'compared'; readonly comparison: ComparisonView }
    | { readonly kind: 'failed'; readonly text: string } = { kind: 'reading' };
  private ready = false;
  /** The last message the page was sent (the extension tests wait for `show`). */
  delivered: HostMessage['type'] | undefined;
  /** The SBOM documents this panel showed: the only ones whose rows it sends or exports. */
  readonly sboms: PanelSboms;
  /** The last SBOM whose rows the page was sent, by its layer digest (the extension tests read it). */
  rowsDelivered: string | undefined;
  /** What the page was sent of SBOMs still on their way (`rowsReading`), in order: the rows' names, the bytes in (the extension tests read it). */
  readonly previewsDelivered: { readonly sbom: string; readonly names?: readonly string[]; readonly bytes: number }[] = [];
  private readonly listener: vscode.Disposable;
  /** The platform shown, by its digest: the page's choice, kept for when the page starts again. */
  private selected: string | undefined;
  /** The tab to show: the one a restored panel showed, or one asked for. */
  private tab: PanelTab | undefined;
  private readonly provenance: ProvenanceTab;
  private provenanceMessage: HostMessage | undefined;

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly ref: ImageRef,
    readonly digest: string,
    restored: Restored,
    extensionUri: vscode.Uri,
    resolver: ImageResolver,
    private readonly log: Pick<vscode.LogOutputChannel, 'warn' | 'info'>,
    showPanel: (ref: ImageRef, digest: string, platform?: string) => unknown,
    /** Compare mode: the old digest (a pin), compared with `digest` (what its tag points to now). */
    readonly base?: string,
    /** A page loaded while the digest was resolved (ResolvingPanel); without it the page is loaded here. */
    page?: LoadedPage,
  ) {
    this.selected = restored.platform;
    this.tab = restored.tab;
    this.provenance = new ProvenanceTab(ref, digest, resolver, showPanel, log);
    this.sboms = new PanelSboms(ref, digest, resolver);
    this.listener = panel.webview.onDidReceiveMessage((message: unknown) => this.receive(message));
    if (page) this.ready = page.ready;
    else panel.webview.html = pageHtml(panel.webview, extensionUri);
    if (base === undefined) {
      // The Overview as soon as all but the SBOMs is read; the SBOMs, fetched meanwhile, when they are.
      const read = resolver.attestations(ref, digest, {}, {
        beforeSboms: (first) => this.showSummary(first, read),
        sbomPreview: { rows: FIRST_WINDOW_ROWS, show: (layer, preview) => this.sboms.preview(layer, preview) },
      });
      read.then(
        ({ summary }) => this.showSummary(summary),
        (error: unknown) => this.fail(error),
      );
    } else {
      readComparison(resolver, ref, base, digest).then(
        (comparison) => this.show({ kind: 'compared', comparison }),
        (error: unknown) => this.fail(error),
      );
    }
    // A page already loaded is told the digest it now reads (it keeps it, for a restore).
    if (page) this.post();
  }

  /** A message from the page: acted on only if it is one of the narrow intents, else ignored. */
  async receive(message: unknown): Promise<void> {
    const parsed = parsePageMessage(message);
    if (!parsed) {
      // Named by its type only: the rest may be anything, of any size.
      const type = typeof message === 'object' && message !== null && 'type' in message ? String(message.type).slice(0, 40) : typeof message;
      this.log.warn(`The attestation panel of ${familiarName(this.ref)} ignored a message it does not accept (${type})`);
      return;
    }
    switch (parsed.type) {
      case 'ready':
        if (parsed.version !== PROTOCOL_VERSION) {
          this.log.warn(`The attestation panel's page speaks protocol ${parsed.version}, not ${PROTOCOL_VERSION}: it is sent nothing.`);
          return;
        }
        this.ready = true;
        this.post();
        return;
      case 'selectPlatform':
        // Only a platform this panel offered.
        if (this.view.kind === 'shown' && this.view.overview.entries.some((e) => e.digest === parsed.digest)) this.selected = parsed.digest;
        if (this.view.kind === 'compared' && this.view.comparison.platforms.some((p) => p.newDigest === parsed.digest)) this.selected = parsed.digest;
        return;
      case 'copyText':
        await vscode.env.clipboard.writeText(parsed.text);
        vscode.window.setStatusBarMessage(vscode.l10n.t('Copied'), 2000);
        return;
      case 'openLink':
        await this.provenance.openLink(parsed.url);
        return;
      case 'openImage':
        await this.provenance.openImage(parsed.ref, parsed.digest);
        return;
      case 'requestStatement': {
        const statement = await this.provenance.statement(parsed.platform);
        if (statement && this.ready) void this.panel.webview.postMessage(statement);
        return;
      }
      case 'requestRows': {
        const start = parsed.start ?? 0;
        // A document still on its way: its first rows as they arrive, until the whole of it is read.
        const stop =
          start === 0
            ? this.sboms.previewOf(parsed.sbom, (preview) => {
                if (!this.ready) return;
                this.previewsDelivered.push({ sbom: parsed.sbom, ...(preview.window && { names: preview.window.rows.name }), bytes: preview.bytes });
                void this.panel.webview.postMessage({ type: 'rowsReading', sbom: parsed.sbom, ...preview } satisfies HostMessage);
              })
            : undefined;
        const window = await this.sboms.window(parsed.sbom, start).finally(stop);
        if (!window) return this.refused(parsed.type);
        if (!this.ready) return;
        this.rowsDelivered = parsed.sbom;
        void this.panel.webview.postMessage({ type: 'rows', sbom: parsed.sbom, window } satisfies HostMessage);
        return;
      }
      case 'exportSbom':
        if (!this.sboms.offered(parsed.sbom)) return this.refused(parsed.type);
        try {
          await this.sboms.saveAs(parsed.sbom, parsed.format);
        } catch (error) {
          void vscode.window.showErrorMessage(vscode.l10n.t('The SBOM could not be exported: {0}', error instanceof Error ? error.message : String(error)));
        }
        return;
      default:
        unhandled(parsed);
    }
  }

  /** Shows this platform and tab, when given, in a panel already open (a hover's SBOM link on an open panel). */
  choose(chosen: Restored): void {
    if (chosen.platform === undefined && chosen.tab === undefined) return;
    if (chosen.platform !== undefined) this.selected = chosen.platform;
    if (chosen.tab !== undefined) this.tab = chosen.tab;
    if (this.view.kind === 'shown') this.post();
  }

  /** The Overview shown: the first, SBOMs pending, then the complete one (the extension tests read it). */
  get overview(): Overview | undefined {
    return this.view.kind === 'shown' ? this.view.overview : undefined;
  }

  /** What the compare mode shows, once read (the extension tests read it). */
  get comparison(): ComparisonView | undefined {
    return this.view.kind === 'compared' ? this.view.comparison : undefined;
  }

  /** An intent for something this panel did not offer (an SBOM it did not show, rows it does not have): ignored, logged by its type. */
  private refused(type: string): void {
    this.log.warn(`The attestation panel of ${familiarName(this.ref)} refused a ${type} for an SBOM or rows it did not offer`);
  }

  /** What the page keeps to restore this panel, as far as the host knows it (the page keeps the tab it shows). */
  state(): PanelState {
    return {
      version: PANEL_STATE_VERSION,
      ref: familiarName(this.ref),
      digest: this.digest,
      ...(this.selected !== undefined && { platform: this.selected }),
      ...(this.tab !== undefined && { tab: this.tab }),
      ...(this.base !== undefined && { base: this.base }),
    };
  }

  dispose(): void {
    this.listener.dispose();
  }

  /** Shows a summary: the first, its SBOMs still being read by `rest`, or the complete one. */
  private showSummary(summary: ImageSummary, rest?: Promise<unknown>): void {
    this.sboms.offer(summary, rest);
    const overview = overviewOf(summary, this.ref, localize);
    if (this.view.kind === 'shown' && this.ready) {
      // The page shows the first Overview: it redraws what the SBOMs change, on the tab and platform it shows.
      this.view = { kind: 'shown', overview };
      void this.panel.webview.postMessage({ type: 'sboms', overview } satisfies HostMessage);
      return;
    }
    this.provenanceMessage = this.provenance.message(summary);
    this.show({ kind: 'shown', overview });
  }

  private show(view: AttestationPanel['view']): void {
    this.view = view;
    this.post();
  }

  private fail(error: unknown): void {
    const cause = error instanceof Error ? error.message : String(error);
    const text = this.base === undefined ? vscode.l10n.t('The attestations of {0} could not be read: {1}', familiarName(this.ref), cause) : compareFailedText(this.ref, cause);
    this.show({ kind: 'failed', text });
  }

  private post(): void {
    if (!this.ready) return;
    const message = this.message();
    this.delivered = message.type;
    void this.panel.webview.postMessage(message);
    if (message.type === 'show' && this.provenanceMessage) void this.panel.webview.postMessage(this.provenanceMessage);
  }

  private message(): HostMessage {
    const { ref, digest, base } = this.state();
    const compared = base === undefined ? {} : { base };
    switch (this.view.kind) {
      case 'reading':
        return { type: 'reading', ref, digest, ...compared, text: base === undefined ? vscode.l10n.t('Reading the attestations of {0}…', ref) : comparingText(this.ref, base, digest) };
      case 'shown':
        return { type: 'show', overview: this.view.overview, labels: panelLabels(), ...(this.selected !== undefined && { selected: this.selected }), ...(this.tab !== undefined && { tab: this.tab }) };
      case 'compared':
        return { type: 'compare', comparison: this.view.comparison, labels: compareLabels(), ...(this.selected !== undefined && { selected: this.selected }) };
      case 'failed':
        return { type: 'failed', ref, digest, ...compared, text: this.view.text };
    }
  }
}

/** An image at a digest, or (compare mode) what changes from `base` to that digest. */
function panelKey(ref: ImageRef, digest: string, base?: string): string {
  return `${familiarName(ref, { withDigest: false })}@${digest}${base === undefined ? '' : ` since ${base}`}`;
}

function panelTitle(ref: ImageRef): string {
  return vscode.l10n.t('Attestations: {0}', familiarName(ref));
}

/** Scripts on; files only from the bundles and the stylesheets. */
function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')] };
}

/**
 * The page: the bundle by a crypto-random nonce, the stylesheet by `<link>`, nothing inline. `default-src 'none'`
 * refuses everything else (network, frames, objects, inline styles and scripts, data: images).
 */
function pageHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const nonce = randomBytes(18).toString('base64');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'webview', 'panel.css'));
  const csp = [`default-src 'none'`, `script-src 'nonce-${nonce}'`, `style-src ${webview.cspSource}`, `font-src ${webview.cspSource}`, `img-src ${webview.cspSource}`].join('; ');
  return [
    '<!DOCTYPE html>',
    `<html lang="${vscode.env.language}">`,
    '<head>',
    '<meta charset="UTF-8">',
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1.0">',
    `<link rel="stylesheet" href="${style.toString()}">`,
    '</head>',
    '<body>',
    '<main id="root" aria-live="polite"></main>',
    `<script nonce="${nonce}" src="${script.toString()}"></script>`,
    '</body>',
    '</html>',
  ].join('\n');
}

/** The page's words. */
function panelLabels(): PanelLabels {
  return {
    overview: vscode.l10n.t('Overview'),
    sbom: vscode.l10n.t('SBOM'),
    noSbom: vscode.l10n.t('No SBOM found for this platform.'),
    noProvenance: vscode.l10n.t('No provenance found for this platform.'),
    provenanceDetail: provenanceLabels(),
    indexDigest: vscode.l10n.t('Index digest'),
    platform: vscode.l10n.t('Platform'),
    singlePlatform: vscode.l10n.t('single-platform image'),
    digest: vscode.l10n.t('Digest'),
    stored: vscode.l10n.t('Stored'),
    created: vscode.l10n.t('Created'),
    source: vscode.l10n.t('Source'),
    sourceFromAnnotations: vscode.l10n.t('from the image annotations'),
    provenance: vscode.l10n.t('Provenance'),
    builder: vscode.l10n.t('Builder'),
    built: vscode.l10n.t('Built'),
    buildType: vscode.l10n.t('Build type'),
    frontend: vscode.l10n.t('Frontend'),
    sboms: vscode.l10n.t('SBOMs'),
    onePackage: vscode.l10n.t('1 package'),
    packages: vscode.l10n.t('{0} packages'),
    indexSboms: vscode.l10n.t('SBOMs attached to the index: {0}'),
    indexSbomsDescribing: vscode.l10n.t('SBOMs attached to the index: {0}, describing {1}'),
    signatures: vscode.l10n.t('Signatures'),
    signedNotVerified: vscode.l10n.t('Signed, not verified'),
    signs: vscode.l10n.t('Signs {0}'),
    notes: vscode.l10n.t('Notes'),
    problems: vscode.l10n.t('Problems'),
    nothingFound: vscode.l10n.t('No attestation found.'),
    copy: vscode.l10n.t('Copy'),
    forms: {
      index: vscode.l10n.t('in the image index'),
      referrer: vscode.l10n.t('referrer'),
      cosignTag: vscode.l10n.t('cosign tag'),
      referrerRepository: vscode.l10n.t('referrer repository'),
    },
    sbomTab: sbomLabels(),
  };
}
