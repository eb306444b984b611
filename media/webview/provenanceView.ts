// The Provenance tab: one platform's ProvenanceDetail (src/panel/provenanceDetail.ts) drawn as text. Links are
// buttons whose click asks the host to open them (openLink; the page never navigates by itself), image materials
// have a button that opens their own panel (openImage), and the raw statement is asked for when its section is
// first opened (requestStatement) and drawn by the JSON tree. The details come in their own message after `show`:
// the tab drawn before then is drawn again.

import type { HostMessage, PanelLabels, PlatformOverview } from '../../src/panel/protocol';
import type { KeyValue, MaterialDetail, MountId, ProvenanceDetail, ProvenanceLabels } from '../../src/panel/provenanceDetail';
import { addFact as fact, element as create } from './dom';
import { post } from './host';
import { jsonTree } from './jsonTree';

type Statement = Extract<HostMessage, { type: 'statement' }>;

let details = new Map<string, ProvenanceDetail>();
/** The tab drawn last: its platform, its labels and where it is. */
let shown: { readonly entry: PlatformOverview; readonly labels: PanelLabels; readonly target: HTMLElement } | undefined;
/** Where the raw statement of the platform shown goes once the host sends it. */
let pending: { readonly platform: string; readonly target: HTMLElement } | undefined;

/** The tab for one platform (TAB_VIEWS in main.ts). */
export function provenanceTab(entry: PlatformOverview, labels: PanelLabels): HTMLElement {
  const target = create('div', 'provenance-host');
  shown = { entry, labels, target };
  target.append(render(entry, labels));
  return target;
}

/** The host's details of every platform: the tab shown is drawn again with them. */
export function updateProvenance(next: readonly ProvenanceDetail[]): void {
  details = new Map(next.map((d) => [d.platform, d]));
  if (shown) shown.target.replaceChildren(render(shown.entry, shown.labels));
}

/** The host's answer to requestStatement: drawn if that platform's section is still waiting. */
export function showStatement(message: Statement): void {
  const waiting = pending;
  const labels = shown?.labels.provenanceDetail;
  if (!waiting || waiting.platform !== message.platform || !labels) return;
  pending = undefined;
  waiting.target.replaceChildren(
    'json' in message
      ? jsonTree(message.json, { more: labels.more, copyValue: labels.copyValue, copy: (text) => post({ type: 'copyText', text }), openDepth: 1 })
      : create('p', 'status', message.text ?? labels.noStatement),
  );
}

function render(entry: PlatformOverview, panelLabels: PanelLabels): HTMLElement {
  const labels = panelLabels.provenanceDetail;
  const detail = details.get(entry.digest);
  if (!detail) return create('p', 'status', panelLabels.noProvenance);
  const tab = create('section', 'provenance-tab');
  tab.append(facts(detail, labels));
  tab.append(keyValues(labels.buildArgs, detail.buildArgs, labels), keyValues(labels.labels, detail.labels, labels), keyValues(labels.otherArgs, detail.otherArgs, labels));
  if (detail.secrets?.length) tab.append(mounts(labels.secrets, detail.secrets, labels));
  if (detail.ssh?.length) tab.append(mounts(labels.ssh, detail.ssh, labels));
  tab.append(materials(detail.materials, labels));
  if (detail.warnings.length > 0) tab.append(section(labels.warnings, list(detail.warnings)));
  tab.append(rawStatement(entry.digest, labels));
  return tab;
}

function facts(d: ProvenanceDetail, labels: ProvenanceLabels): HTMLElement {
  const facts = create('dl', 'facts');
  if (d.builder) fact(facts, labels.builder, linkOrText(d.builder.id, d.builder.link));
  if (d.buildType !== undefined) fact(facts, labels.buildType, d.buildType);
  if (d.source) {
    const value = create('span');
    value.append(linkOrText(d.source.repository, d.source.repositoryLink), ` (${labels.sourceFrom[d.source.from]})`);
    fact(facts, labels.source, value);
    if (d.source.revision !== undefined) fact(facts, labels.commit, linkOrText(d.source.revision, d.source.commitLink));
  }
  if (d.configSource) {
    const value = create('span');
    if (d.configSource.path !== undefined) value.append(create('code', undefined, d.configSource.path));
    if (d.configSource.uri !== undefined) value.append(' ', linkOrText(d.configSource.uri, d.configSource.link));
    for (const digest of d.configSource.digests) value.append(' ', create('code', 'digest', digest));
    fact(facts, labels.entryPoint, value);
  }
  if (d.frontend !== undefined) fact(facts, labels.frontend, d.frontend);
  if (d.frontendImage !== undefined) fact(facts, labels.syntaxImage, d.frontendImage);
  if (d.builderPlatform !== undefined) fact(facts, labels.builderPlatform, d.builderPlatform);
  if (d.startedOn !== undefined) fact(facts, labels.started, d.startedOn);
  if (d.finishedOn !== undefined) fact(facts, labels.finished, d.finishedOn);
  const mode = create('span');
  mode.append(`SLSA ${d.slsaVersion}${d.mode ? `, mode=${d.mode}` : ''}`);
  if (d.modeExplanation !== undefined) mode.append(create('p', 'explanation', d.modeExplanation));
  fact(facts, labels.mode, mode);
  const c = d.completeness;
  const complete = [[labels.parameters, c.parameters], [labels.environment, c.environment], [labels.materialsComplete, c.materials]] as const;
  fact(facts, labels.completeness, complete.map(([name, value]) => `${name}: ${yesNo(value, labels)}`).join(', '));
  fact(facts, labels.reproducible, yesNo(d.reproducible, labels));
  fact(facts, labels.hermetic, yesNo(d.hermetic, labels));
  return facts;
}

function materials(materials: readonly MaterialDetail[], labels: ProvenanceLabels): HTMLElement {
  const items = create('ul', 'materials');
  for (const m of materials) {
    const item = create('li', m.role ? `material ${m.role}` : 'material');
    const head = create('div', 'material-head');
    head.append(linkOrText(m.uri, m.link), create('span', 'material-kind', labels.kinds[m.kind]));
    const role = m.role ? labels.roles[m.role] : m.kind === 'image' ? labels.roles.baseImage : undefined;
    if (role !== undefined) head.append(create('span', 'material-role', role));
    item.append(head);
    for (const digest of m.digests) item.append(create('code', 'digest', digest));
    const image = m.image;
    if (image) {
      const open = button(labels.openImage, () => post({ type: 'openImage', ref: image.ref, digest: image.digest }));
      open.classList.add('open-image');
      open.setAttribute('aria-label', `${labels.openImage}: ${image.ref}@${image.digest}`);
      item.append(open);
    }
    items.append(item);
  }
  return section(labels.materials, materials.length > 0 ? items : create('p', undefined, labels.none));
}

/** Collapsed until opened; the first open asks the host for the statement. */
function rawStatement(platform: string, labels: ProvenanceLabels): HTMLElement {
  const details = create('details', 'raw-statement');
  details.append(create('summary', undefined, labels.rawStatement));
  const target = create('div', 'raw-statement-body');
  details.append(target);
  let asked = false;
  details.addEventListener('toggle', () => {
    if (!details.open || asked) return;
    asked = true;
    target.replaceChildren(create('p', 'status', labels.readingStatement));
    pending = { platform, target };
    post({ type: 'requestStatement', platform });
  });
  return details;
}

/** A link the host offered, as a button that asks the host to open it (on a click only); else plain text. */
function linkOrText(text: string, link: string | undefined): HTMLElement {
  if (link === undefined) return create('span', 'value', text);
  const b = button(text, () => post({ type: 'openLink', url: link }));
  b.classList.add('link');
  b.title = link;
  return b;
}

function keyValues(title: string, values: readonly KeyValue[] | undefined, labels: ProvenanceLabels): HTMLElement {
  if (values === undefined) return section(title, create('p', 'not-recorded', labels.notRecorded));
  if (values.length === 0) return section(title, create('p', undefined, labels.none));
  const table = create('dl', 'facts key-values');
  for (const [key, value] of values) fact(table, key, value);
  return section(title, table);
}

function mounts(title: string, ids: readonly MountId[], labels: ProvenanceLabels): HTMLElement {
  return section(title, list(ids.map((m) => (m.optional ? `${m.id} (${labels.optional})` : m.id))));
}

function yesNo(value: boolean | undefined, labels: ProvenanceLabels): string {
  return value === undefined ? labels.unknown : value ? labels.yes : labels.no;
}

function section(title: string, body: HTMLElement): HTMLElement {
  const s = create('section');
  s.append(create('h3', undefined, title), body);
  return s;
}

function list(lines: readonly string[]): HTMLElement {
  const ul = create('ul');
  for (const line of lines) ul.append(create('li', undefined, line));
  return ul;
}

function button(text: string, onClick: () => void): HTMLButtonElement {
  const b = create('button', undefined, text);
  b.type = 'button';
  b.addEventListener('click', onClick);
  return b;
}
