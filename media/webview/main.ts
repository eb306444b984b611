// The attestation panel's page, bundled for the browser by scripts/build.mjs (dist/webview.js). It says `ready`,
// then draws what the host sends (src/panel/protocol.ts): a header with the image and its platform picker, and
// one tab per view of the chosen platform. Registry data is hostile: every value reaches the DOM as text (see
// dom.ts), and no element gets a `style` attribute (the CSP refuses inline styles; panel.css does the styling).

import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import { PANEL_TABS, PROTOCOL_VERSION, unhandled, type HostMessage, type Overview, type PanelLabels, type PanelTab, type PlatformOverview, type ShowMessage } from '../../src/panel/protocol';
import { showCompare } from './compareView';
import { addFact, digestValue, element, fill, list, platformPicker } from './dom';
import { keep, post } from './host';
import { overviewTab } from './overviewView';
import { provenanceTab, showStatement, updateProvenance } from './provenanceView';
import { sbomReading, sbomRows, sbomTab } from './sbomView';

const root = document.getElementById('root') ?? document.body;

window.addEventListener('message', (event: MessageEvent<HostMessage>) => {
  const message = event.data;
  switch (message.type) {
    case 'reading':
      shown = undefined;
      keep({ ref: message.ref, ...(message.digest !== undefined && { digest: message.digest }), ...(message.base !== undefined && { base: message.base }) });
      root.replaceChildren(element('p', 'status', message.text));
      return;
    case 'failed':
      shown = undefined;
      keep({ ref: message.ref, ...(message.digest !== undefined && { digest: message.digest }), ...(message.base !== undefined && { base: message.base }) });
      root.replaceChildren(element('p', 'status error', message.text));
      return;
    case 'show':
      showImage(message);
      performance.mark('image-provenance:overview');
      return;
    case 'sboms':
      shown?.update(message.overview);
      return;
    case 'provenance':
      updateProvenance(message.details);
      return;
    case 'statement':
      showStatement(message);
      return;
    case 'compare':
      shown = undefined;
      showCompare(root, message.comparison, message.labels, message.selected);
      return;
    case 'rows':
      sbomRows(message.sbom, message.window);
      return;
    case 'rowsReading':
      sbomReading(message.sbom, message.window, message.bytes, message.size);
      return;
    default:
      unhandled(message);
  }
});
post({ type: 'ready', version: PROTOCOL_VERSION });
// For a profile of the panel's start (DevTools, the panel bench): when the page said ready, when it drew the Overview.
performance.mark('image-provenance:ready');

/** Each tab's title and what it draws for a platform. */
const TAB_VIEWS: Record<PanelTab, { title: (labels: PanelLabels) => string; draw: (entry: PlatformOverview, labels: PanelLabels, image: string) => HTMLElement }> = {
  overview: { title: (l) => l.overview, draw: overviewTab },
  sbom: { title: (l) => l.sbom, draw: sbomTab },
  provenance: { title: (l) => l.provenance, draw: provenanceTab },
};

function showImage({ overview, labels, selected, tab }: ShowMessage): void {
  shown = undefined;
  const header = element('header', 'overview-header');
  header.append(element('h1', undefined, overview.image));
  const facts = element('dl', 'facts');
  addFact(facts, labels.indexDigest, digestValue(overview.digest, labels));
  if (overview.indexSboms) {
    const { count, describes } = overview.indexSboms;
    header.append(element('p', undefined, describes !== undefined ? fill(labels.indexSbomsDescribing, count, describes) : fill(labels.indexSboms, count)));
  }
  header.append(facts);
  if (overview.problems.length > 0) header.append(list(labels.problems, overview.problems, 'problems'));
  keep({ ref: overview.image, digest: overview.digest });

  const entries = overview.entries;
  const initial = entries.find((e) => e.digest === selected) ?? entries[0];
  if (!initial) {
    root.replaceChildren(header, element('p', 'status', labels.nothingFound));
    return;
  }

  const tabs = document.createElement('vscode-tabs');
  const panels = new Map<PanelTab, HTMLElement>();
  for (const name of PANEL_TABS) {
    const title = document.createElement('vscode-tab-header');
    title.slot = 'header';
    // vscode-tabs gives headers and panels ids of its own (for aria-controls): ours go in data-tab.
    title.dataset.tab = name;
    title.textContent = TAB_VIEWS[name].title(labels);
    const panel = document.createElement('vscode-tab-panel');
    panel.dataset.tab = name;
    panels.set(name, panel);
    tabs.append(title, panel);
  }
  const shownTab = tab ?? 'overview';
  tabs.selectedIndex = PANEL_TABS.indexOf(shownTab);
  tabs.addEventListener('vsc-tabs-select', (event) => keep({ tab: PANEL_TABS[event.detail.selectedIndex] ?? 'overview' }));
  keep({ tab: shownTab });

  let current = initial;
  // The platform picked is drawn from the latest Overview (`sboms` brings the one with the SBOMs read).
  let latest = entries;
  const show = (picked: PlatformOverview) => {
    current = latest.find((e) => e.digest === picked.digest) ?? picked;
    for (const [name, panel] of panels) panel.replaceChildren(TAB_VIEWS[name].draw(current, labels, overview.image));
    keep({ platform: current.digest });
  };
  if (entries.length > 1) {
    header.append(platformPicker(entries, initial, { label: labels.platform, id: 'platform', text: (e) => e.platform || labels.singlePlatform, digest: (e) => e.digest, onPick: show }));
  }
  root.replaceChildren(header, tabs);
  show(initial);
  shown = {
    // Only the tabs the SBOMs change are drawn again: the tab shown, the platform and the Provenance tab stay.
    update: (complete) => {
      latest = complete.entries;
      const entry = latest.find((e) => e.digest === current.digest);
      if (!entry) return;
      current = entry;
      for (const name of ['overview', 'sbom'] as const) panels.get(name)?.replaceChildren(TAB_VIEWS[name].draw(entry, labels, complete.image));
    },
  };
}

/** The image shown, to which the SBOMs read after its first Overview are added. */
let shown: { update: (overview: Overview) => void } | undefined;
