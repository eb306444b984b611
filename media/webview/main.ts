// The attestation panel's page, bundled for the browser by scripts/build.mjs (dist/webview.js). It says `ready`,
// then draws what the host sends (src/panel/protocol.ts). Registry data is hostile: every value reaches the DOM
// through `textContent` or a form control's value, never as HTML, and no element gets a `style` attribute (the
// CSP refuses inline styles; panel.css does the styling).

import { ProvenanceView } from './provenanceView';
import { PANEL_STATE_VERSION, PROTOCOL_VERSION, unhandled, type FormCode, type HostMessage, type Overview, type PageMessage, type PanelLabels, type PanelState, type PlatformOverview } from '../../src/panel/protocol';

interface VsCodeApi {
  postMessage(message: PageMessage): void;
  getState(): unknown;
  setState(state: PanelState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const host = acquireVsCodeApi();
const root = document.getElementById('root') ?? document.body;
const provenance = new ProvenanceView((message) => host.postMessage(message));
/** The platform shown, by its digest, and where its Provenance tab goes. */
let shown: { platform: string; target: HTMLElement } | undefined;

window.addEventListener('message', (event: MessageEvent<HostMessage>) => {
  const message = event.data;
  switch (message.type) {
    case 'reading':
      keep({ ref: message.ref, digest: message.digest });
      root.replaceChildren(element('p', 'status', message.text));
      return;
    case 'failed':
      keep({ ref: message.ref, digest: message.digest });
      root.replaceChildren(element('p', 'status error', message.text));
      return;
    case 'show':
      showOverview(message.overview, message.labels, message.selected);
      return;
    case 'provenance':
      provenance.update(message.details, message.labels);
      if (shown) shown.target.replaceChildren(provenance.render(shown.platform));
      return;
    case 'statement':
      provenance.statement(message);
      return;
    default:
      unhandled(message);
  }
});
host.postMessage({ type: 'ready', version: PROTOCOL_VERSION });

/** Keeps what restores this panel after a reload, with the platform shown. */
function keep(state: { ref: string; digest: string; platform?: string }): void {
  host.setState({ version: PANEL_STATE_VERSION, ...state });
}

function showOverview(overview: Overview, labels: PanelLabels, selected: string | undefined): void {
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

  const entries = overview.entries;
  const initial = entries.find((e) => e.digest === selected) ?? entries[0];
  const body = element('section', 'platform');
  body.setAttribute('aria-live', 'polite');
  root.replaceChildren(header, body);
  if (!initial) {
    body.append(element('p', 'status', labels.nothingFound));
    keep({ ref: overview.image, digest: overview.digest });
    return;
  }

  const show = (entry: PlatformOverview) => {
    const target = element('div', 'provenance-detail');
    target.append(provenance.render(entry.digest));
    shown = { platform: entry.digest, target };
    body.replaceChildren(...platformView(entry, labels), target);
    keep({ ref: overview.image, digest: overview.digest, platform: entry.digest });
  };
  if (entries.length > 1) {
    const label = element('label', 'platform-picker', labels.platform);
    const select = document.createElement('select');
    select.id = 'platform';
    for (const entry of entries) {
      const option = document.createElement('option');
      option.value = entry.digest;
      option.textContent = entry.platform || labels.singlePlatform;
      select.append(option);
    }
    select.value = initial.digest;
    select.addEventListener('change', () => {
      const entry = entries.find((e) => e.digest === select.value);
      if (!entry) return;
      show(entry);
      host.postMessage({ type: 'selectPlatform', digest: entry.digest });
    });
    label.append(select);
    header.append(label);
  }
  show(initial);
}

/** One platform: its digest, where its attestations are, what they say, and why something is missing. */
function platformView(entry: PlatformOverview, labels: PanelLabels): HTMLElement[] {
  const parts: HTMLElement[] = [element('h2', undefined, entry.platform || labels.singlePlatform)];
  const facts = element('dl', 'facts');
  addFact(facts, labels.digest, digestValue(entry.digest, labels));
  if (entry.forms.length > 0) addFact(facts, labels.stored, forms(entry.forms, labels));
  if (entry.source) {
    const { repository, revision, from } = entry.source;
    const text = [repository, revision].filter((s) => s !== undefined).join('@');
    addFact(facts, labels.source, from === 'annotations' ? `${text} (${labels.sourceFromAnnotations})` : text);
  }
  parts.push(facts);

  const p = entry.provenance;
  if (p) {
    const section = element('section', 'provenance');
    section.append(element('h3', undefined, labels.provenance));
    const provenance = element('dl', 'facts');
    addFact(provenance, labels.provenance, [`SLSA ${p.slsaVersion}`, ...(p.mode ? [`mode=${p.mode}`] : []), ...(p.signed ? [labels.signedNotVerified] : [])].join(', '));
    if (p.builder !== undefined) addFact(provenance, labels.builder, p.builder);
    if (p.builtAt !== undefined) addFact(provenance, labels.built, p.builtAt);
    if (p.buildType !== undefined) addFact(provenance, labels.buildType, p.buildType);
    if (p.frontend !== undefined) addFact(provenance, labels.frontend, p.frontend);
    addFact(provenance, labels.stored, forms(p.forms, labels));
    section.append(provenance);
    parts.push(section);
  }

  if (entry.sboms.length > 0) {
    const lines = entry.sboms.map((d) => {
      const count = d.packages === 1 ? labels.onePackage : fill(labels.packages, d.packages);
      return [`${count}: ${d.format}, ${d.scope}`, forms(d.forms, labels), ...(d.signed ? [labels.signedNotVerified] : [])].join(' · ');
    });
    parts.push(list(labels.sboms, lines, 'sboms'));
  }
  if (entry.signatures.length > 0) {
    const lines = entry.signatures.map((s) => [labels.signedNotVerified, s.artifactType ?? s.digest, fill(labels.signs, s.signs), forms(s.forms, labels)].join(' · '));
    parts.push(list(labels.signatures, lines, 'signatures'));
  }
  if (entry.explanations.length > 0) parts.push(list(labels.notes, entry.explanations, 'notes'));
  if (entry.problems.length > 0) parts.push(list(labels.problems, entry.problems, 'problems'));
  return parts;
}

/** A digest as code, with a button that asks the host to copy it. */
function digestValue(digest: string, labels: PanelLabels): HTMLElement {
  const value = element('span', 'digest');
  const button = element('button', 'copy', labels.copy);
  button.setAttribute('type', 'button');
  button.setAttribute('aria-label', `${labels.copy} ${digest}`);
  button.addEventListener('click', () => host.postMessage({ type: 'copyText', text: digest }));
  value.append(element('code', undefined, digest), button);
  return value;
}

function addFact(list: HTMLElement, term: string, value: string | HTMLElement): void {
  const dd = document.createElement('dd');
  if (typeof value === 'string') dd.textContent = value;
  else dd.append(value);
  list.append(element('dt', undefined, term), dd);
}

function list(title: string, lines: readonly string[], className: string): HTMLElement {
  const section = element('section', className);
  section.append(element('h3', undefined, title));
  const ul = document.createElement('ul');
  for (const line of lines) ul.append(element('li', undefined, line));
  section.append(ul);
  return section;
}

function forms(codes: readonly FormCode[], labels: PanelLabels): string {
  return codes.map((code) => labels.forms[code] ?? code).join(', ');
}

/** `{0}`, `{1}` of a label, filled as text. */
function fill(template: string, ...args: (string | number)[]): string {
  return template.replace(/\{(\d+)\}/g, (whole, i: string) => (args[Number(i)] !== undefined ? String(args[Number(i)]) : whole));
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const created = document.createElement(tag);
  if (className !== undefined) created.className = className;
  if (text !== undefined) created.textContent = text;
  return created;
}
