// The compare view: what changes from one digest of an image (a pin) to another (what its tag points to now). The
// counts first, then the packages added, removed and changed, then the build's changes (source commit, base image
// digests). Text only: every value is set with textContent (registry data is hostile); the lists come capped by the
// host (MAX_ROWS_SHOWN) and end with "… N more", so plain tables stay light.

import type { BaseImage, Capped, CompareLabels, ComparisonView, PlatformComparisonView, ProvenanceComparison, SbomComparisonView, ValueChange } from '../../src/panel/compare';
import { element as el, fill, platformPicker, shown } from './dom';
import { keep } from './host';

/** Draws the comparison; platforms are named by their new digest (what the host offered and restores). */
export function showCompare(root: HTMLElement, comparison: ComparisonView, labels: CompareLabels, selected: string | undefined): void {
  keep({ ref: comparison.image, digest: comparison.new, base: comparison.old });
  const header = el('header', 'compare-header');
  header.append(el('h1', undefined, fill(labels.title, comparison.image)));
  const digests = el('p', 'compare-digests');
  digests.append(el('code', undefined, comparison.old), ' → ', el('code', undefined, comparison.new));
  header.append(digests);
  const platformNotes = [...comparison.onlyOld.map((p) => fill(labels.onlyOld, p)), ...comparison.onlyNew.map((p) => fill(labels.onlyNew, p))];
  if (platformNotes.length > 0) header.append(list(platformNotes, 'compare-platform-notes'));

  const body = el('section', 'compare-platform');
  body.setAttribute('aria-live', 'polite');
  root.replaceChildren(header, body);
  const platforms = comparison.platforms;
  const initial = platforms.find((p) => p.newDigest === selected) ?? platforms[0];
  if (!initial) return;
  const show = (p: PlatformComparisonView) => {
    body.replaceChildren(...platformView(p, labels));
    keep({ platform: p.newDigest });
  };
  if (platforms.length > 1) {
    header.append(platformPicker(platforms, initial, { label: labels.platform, id: 'compare-platform', text: (p) => p.platform || '-', digest: (p) => p.newDigest, onPick: show }));
  }
  show(initial);
}

function platformView(p: PlatformComparisonView, labels: CompareLabels): HTMLElement[] {
  const parts: HTMLElement[] = [];
  if (p.platform) parts.push(el('h2', undefined, p.platform));
  // The counts first: what the update brings at a glance.
  if (p.sboms.length > 0) parts.push(counts(p.sboms, labels));
  for (const s of p.sboms) parts.push(...documentView(s, labels));
  if (p.provenance) parts.push(buildView(p.provenance, labels));
  if (p.notCompared.length > 0) {
    const section = el('section', 'compare-not-compared');
    section.append(el('h3', undefined, labels.notCompared), list(p.notCompared));
    parts.push(section);
  }
  return parts;
}

function counts(sboms: readonly SbomComparisonView[], labels: CompareLabels): HTMLElement {
  const section = el('section', 'compare-summary');
  for (const s of sboms) {
    section.append(el('p', 'compare-document', fill(labels.packagesCount, s.scope, s.oldPackages ?? '–', s.newPackages ?? '–')));
    if (!s.diff) {
      section.append(el('p', 'compare-note', s.oldPackages === undefined ? labels.onlyInNewDocument : labels.onlyInOldDocument));
      continue;
    }
    const c = s.diff.counts;
    const ul = el('ul', 'compare-counts');
    for (const [label, n, kind] of [
      [labels.added, c.added, 'added'],
      [labels.removed, c.removed, 'removed'],
      [labels.changed, c.changed, 'changed'],
      [labels.licensesChanged, c.licensesChanged, 'licenses'],
      [labels.unchanged, c.unchanged, 'unchanged'],
    ] as const) {
      const li = el('li', `count-${kind}`);
      li.append(el('span', 'count', String(n)), ` ${label}`);
      ul.append(li);
    }
    section.append(ul);
  }
  return section;
}

function documentView(s: SbomComparisonView, labels: CompareLabels): HTMLElement[] {
  const d = s.diff;
  if (!d) return [];
  const title = (label: string) => `${label} · ${s.scope}`;
  const versions = (v: readonly string[]) => v.join(', ');
  const parts: HTMLElement[] = [];
  if (d.counts.added + d.counts.removed + d.counts.changed + d.counts.licensesChanged === 0) {
    parts.push(el('p', 'compare-note', `${s.scope}: ${labels.noPackageChanges}`));
    return parts;
  }
  if (d.added.rows.length > 0) {
    parts.push(table(title(labels.added), 'compare-added', [labels.name, labels.type, labels.version, labels.license], d.added, (r) => [r.name, r.type ?? '', versions(r.versions), r.licenses.join(' ')], labels));
  }
  if (d.removed.rows.length > 0) {
    parts.push(table(title(labels.removed), 'compare-removed', [labels.name, labels.type, labels.version, labels.license], d.removed, (r) => [r.name, r.type ?? '', versions(r.versions), r.licenses.join(' ')], labels));
  }
  if (d.changed.rows.length > 0) {
    parts.push(table(title(labels.changed), 'compare-changed', [labels.name, labels.type, labels.oldVersion, labels.newVersion], d.changed, (r) => [r.name, r.type ?? '', versions(r.from), versions(r.to)], labels));
  }
  if (d.licensesChanged.rows.length > 0) {
    parts.push(table(title(labels.licensesChanged), 'compare-licenses', [labels.name, labels.type, labels.oldLicense, labels.newLicense], d.licensesChanged, (r) => [r.name, r.type ?? '', r.from.join(' ') || labels.none, r.to.join(' ') || labels.none], labels));
  }
  return parts;
}

function buildView(p: ProvenanceComparison, labels: CompareLabels): HTMLElement {
  const section = el('section', 'compare-build');
  section.append(el('h3', undefined, labels.build));
  const facts = el('dl', 'facts');
  const source = (s: { repository?: string; revision?: string } | undefined) => (s ? [s.repository, s.revision].filter((x) => x !== undefined).join('@') : undefined);
  fact(facts, labels.source, { ...p.source, old: source(p.source.old), new: source(p.source.new) }, labels);
  fact(facts, labels.builtAt, p.builtAt, labels);
  fact(facts, labels.frontend, p.frontend, labels);
  fact(facts, labels.mode, p.mode, labels);
  section.append(facts);
  if (p.baseImages.length > 0) {
    const image = (b: BaseImage | undefined) => (b ? [b.tag, b.digest].filter((x) => x !== undefined).join(' ') : '–');
    const rows = { rows: p.baseImages, more: 0 };
    section.append(table(labels.baseImages, 'compare-base-images', [labels.name, labels.change, labels.before, labels.after], rows, (b) => [b.name, labels.baseImageStatus[b.status], image(b.old), image(b.new)], labels));
  }
  return section;
}

/** A value on both sides: `old → new` when it changed, else the value and "(unchanged)". */
function fact(facts: HTMLElement, term: string, value: ValueChange<string>, labels: CompareLabels): void {
  if (value.old === undefined && value.new === undefined) return;
  const dd = document.createElement('dd');
  dd.textContent = shown(value.changed ? `${value.old ?? labels.none} → ${value.new ?? labels.none}` : `${value.new ?? ''} ${labels.unchangedValue}`);
  if (value.changed) dd.className = 'changed';
  facts.append(el('dt', undefined, term), dd);
}

function table<T>(title: string, className: string, headers: readonly string[], capped: Capped<T>, cells: (row: T) => string[], labels: CompareLabels): HTMLElement {
  const section = el('section', `compare-list ${className}`);
  section.append(el('h3', undefined, title));
  const t = el('table', 'compare-table');
  const head = el('thead');
  const headRow = el('tr');
  for (const h of headers) headRow.append(el('th', undefined, h));
  head.append(headRow);
  const body = el('tbody');
  for (const row of capped.rows) {
    const tr = el('tr');
    for (const cell of cells(row)) tr.append(el('td', undefined, cell));
    body.append(tr);
  }
  t.append(head, body);
  section.append(t);
  if (capped.more > 0) section.append(el('p', 'compare-more', fill(labels.more, capped.more)));
  return section;
}

function list(lines: readonly string[], className?: string): HTMLElement {
  const ul = el('ul', className);
  for (const line of lines) ul.append(el('li', undefined, line));
  return ul;
}
