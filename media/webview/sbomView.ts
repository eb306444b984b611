// The SBOM tab: one platform's SBOM documents (a picker naming each one's scope when there are several), the
// packages of the chosen one in a virtualized grid with search, type and license filters and sortable columns, the
// license chart, files and relationships when the document has them, and the exports. The rows come from the host
// on request (`requestRows`), once per document, in windows: the first screen's as soon as the platform is drawn
// (so the tab shows rows the moment it is opened), the rest only once the tab is on screen, a window at a time,
// each asked for once the one before is drawn (GrowingTable); everything after that runs here, on the columns
// (src/panel/sbomTable.ts). Registry text is set as text only.
//
// While a document is still on its way, the host sends its first rows as they arrive (`rowsReading`): they are
// drawn as such — the bytes in so far, and no search, sort, filters, chart or exports, which need the whole
// document (a search over part of it would say "no match" for a package still to come, and a count or chart over
// part of it would be wrong) — until its first `rows` replace them, or an Overview naming its problem withdraws them.
//
// State the page shows for whoever watches it: the packages grid carries `data-shown` (rows shown after the last
// search, filter or sort, set once they are drawn), `data-total`, and `data-complete` (every window in); the grid
// of rows still being read carries `data-reading` instead.

import type { PanelLabels, PlatformOverview, SbomOverview } from '../../src/panel/protocol';
import { GrowingTable, PackageRows, type PackageColumn, type PackageQuery, type SbomLabels, type SbomTableWindow } from '../../src/panel/sbomTable';
import { element, fill, list } from './dom';
import { VirtualGrid, type GridColumn } from './grid';
import { post } from './host';
import { licenseChart } from './licenseChart';

const PACKAGE_COLUMNS: readonly PackageColumn[] = ['name', 'version', 'type', 'license', 'supplier', 'purl'];

/**
 * The SBOM tab of a platform: drawn by main.ts whenever the platform changes, and again once its SBOMs are read.
 * The first document's first rows are asked for at once; while it is still being read (`sbomsPending`), the host
 * answers once it is.
 */
export function sbomTab(entry: PlatformOverview, labels: PanelLabels, image: string): HTMLElement {
  const container = element('div', 'sbom');
  for (const problem of entry.sbomProblems ?? []) container.append(element('p', 'status error', fill(labels.sbomTab.unread, image, problem)));
  // Read whole: the rows of a document that could not be read, shown as they arrived, are withdrawn.
  if (!entry.sbomsPending) tab.settled(entry.sboms.map((d) => d.digest));
  const documents = entry.sboms.length > 0 ? entry.sboms : entry.sbomsPending?.map((digest) => ({ digest })) ?? [];
  if (documents.length === 0) {
    tab.clear();
    if (!entry.sbomProblems) container.append(element('p', 'status', labels.noSbom));
    return container;
  }
  tab.show(container, documents, labels);
  return container;
}

/** The host's `rows` message. */
export function sbomRows(sbom: string, window: SbomTableWindow): void {
  tab.rows(sbom, window);
}

/** The host's `rowsReading` message. */
export function sbomReading(sbom: string, window: SbomTableWindow | undefined, bytes: number, size: number): void {
  tab.reading(sbom, window, bytes, size);
}

/** The first rows of a document still on its way, and how much of it is in. */
interface Arriving {
  table: GrowingTable;
  bytes: number;
  size: number;
  /** The drawn status line, to say how much is in without drawing the rows again. */
  status?: HTMLElement;
}

class SbomTab {
  private readonly tables = new Map<string, GrowingTable>();
  private readonly arriving = new Map<string, Arriving>();
  /** The documents whose first window was asked for. */
  private readonly requested = new Set<string>();
  /** The drawn table's answer to a window: its rows read again, and the next window asked for. */
  private grew: (() => void) | undefined;
  private shown: string | undefined;
  private body: HTMLElement | undefined;
  private labels: SbomLabels | undefined;
  private grids: VirtualGrid[] = [];
  private visible: IntersectionObserver | undefined;

  /**
   * Draws the documents' picker into `container`; the first document's rows are asked for once it is on screen.
   * Documents still being read have only their digest: no picker until they are read.
   */
  show(container: HTMLElement, documents: readonly (SbomOverview | Pick<SbomOverview, 'digest'>)[], labels: PanelLabels): void {
    this.dispose();
    this.labels = labels.sbomTab;
    const body = element('div', 'sbom-document');
    const read = documents.filter((d): d is SbomOverview => 'packages' in d);
    if (read.length > 1) {
      const picker = element('label', 'sbom-picker', labels.sbomTab.document);
      const select = document.createElement('select');
      for (const d of read) {
        const option = document.createElement('option');
        option.value = d.digest;
        option.textContent = [d.scope, d.format, d.packages === 1 ? labels.onePackage : fill(labels.packages, d.packages.toLocaleString())].join(' · ');
        select.append(option);
      }
      select.addEventListener('change', () => this.open(select.value, body));
      picker.append(select);
      container.append(picker);
    }
    body.append(element('p', 'status', labels.sbomTab.loading));
    container.append(body);
    this.shown = undefined;
    this.body = body;
    // The first window (a screen of rows) is asked for now, tab hidden or not: the tab draws it the moment it is
    // opened, without a round trip to the host. Hidden tabs are not drawn: the rest is asked for only when someone looks.
    this.request(documents[0]!.digest);
    this.visible = new IntersectionObserver((seen) => {
      if (!seen.some((e) => e.isIntersecting)) return;
      this.visible?.disconnect();
      this.open(documents[0]!.digest, body);
    });
    this.visible.observe(container);
  }

  /**
   * The host's answer to `requestRows`. The first window is drawn at once if that document is still the one
   * shown (in place of its rows as they arrived); each later one fills in its rows, and the next is asked for
   * once the page has drawn them.
   */
  rows(sbom: string, window: SbomTableWindow): void {
    const known = this.tables.get(sbom);
    if (known) {
      if (!known.add(window)) return;
      if (sbom === this.shown) this.grew?.();
      return;
    }
    const table = GrowingTable.from(window);
    if (!table) return;
    // For a profile (DevTools, the panel bench): when the first rows of a whole document came in.
    performance.mark('image-provenance:rows');
    this.arriving.delete(sbom);
    this.tables.set(sbom, table);
    if (sbom === this.shown && this.body && this.labels) this.draw(sbom, table, this.body, this.labels);
  }

  /** The host's first rows of a document still on its way (a window when there are more of them), and the bytes in. */
  reading(sbom: string, window: SbomTableWindow | undefined, bytes: number, size: number): void {
    if (this.tables.has(sbom)) return;
    const known = this.arriving.get(sbom);
    const table = window ? GrowingTable.from(window) : known?.table;
    if (!table) return;
    const arriving: Arriving = { table, bytes, size };
    this.arriving.set(sbom, arriving);
    if (sbom !== this.shown || !this.body || !this.labels) return;
    if (!window && known?.status) {
      known.status.textContent = readingText(this.labels, bytes, size);
      arriving.status = known.status;
      return;
    }
    this.drawArriving(arriving, this.body, this.labels);
  }

  /** Every document's read is over: the rows that arrived of any but these (read whole) are withdrawn. */
  settled(read: readonly string[]): void {
    for (const sbom of [...this.arriving.keys()]) if (!read.includes(sbom)) this.arriving.delete(sbom);
  }

  /** Nothing drawn any more (a platform with no SBOM to show). */
  clear(): void {
    this.dispose();
    this.shown = undefined;
    this.body = undefined;
  }

  private dispose(): void {
    this.visible?.disconnect();
    for (const grid of this.grids) grid.dispose();
    this.grids = [];
  }

  private open(sbom: string, body: HTMLElement): void {
    for (const grid of this.grids) grid.dispose();
    this.grids = [];
    this.grew = undefined;
    this.shown = sbom;
    const known = this.tables.get(sbom);
    if (known) return this.draw(sbom, known, body, this.labels!);
    const arriving = this.arriving.get(sbom);
    if (arriving) this.drawArriving(arriving, body, this.labels!);
    else body.replaceChildren(element('p', 'status', this.labels!.loading));
    this.request(sbom);
  }

  /** Asks for a document's first window, once: a document asked for while it was being read is answered once it is. */
  private request(sbom: string): void {
    if (this.requested.has(sbom)) return;
    this.requested.add(sbom);
    post({ type: 'requestRows', sbom });
  }

  private draw(sbom: string, table: GrowingTable, body: HTMLElement, labels: SbomLabels): void {
    for (const grid of this.grids) grid.dispose();
    this.grids = [];
    let rows = new PackageRows(table.packages);
    const c = table.packages;
    /** The rows shown, as indexes into the columns. */
    let view: Uint32Array = new Uint32Array(0);

    const search = document.createElement('input');
    search.type = 'search';
    search.className = 'sbom-search';
    search.placeholder = labels.search;
    search.setAttribute('aria-label', labels.search);
    const typeSelect = select(labels.type, labels.anyType, c.types, labels.none);
    const licenseSelect = select(labels.license, labels.anyLicense, c.licenses, labels.none);
    const count = element('span', 'sbom-count');
    count.setAttribute('role', 'status');

    let sorted: { column: number; descending: boolean } | undefined;
    const columns: GridColumn[] = PACKAGE_COLUMNS.map((column) => ({ label: labels[column], sortable: true }));
    const grid = new VirtualGrid({
      label: labels.packagesTab,
      kind: 'packages',
      columns,
      cell: (position, column) => rows.cell(view[position]!, PACKAGE_COLUMNS[column]!),
      onSort: (column) => {
        sorted = sorted?.column === column && !sorted.descending ? { column, descending: true } : { column, descending: false };
        grid.setSort(column, sorted.descending ? 'descending' : 'ascending');
        apply();
      },
      action: {
        label: labels.copyPurl,
        run: (position) => {
          const purl = c.purl[view[position]!];
          if (purl) post({ type: 'copyText', text: purl });
        },
      },
    });
    this.grids.push(grid);
    grid.element.dataset['total'] = String(rows.count);

    const query = (): PackageQuery => {
      const type = choice(typeSelect.select.value);
      const license = choice(licenseSelect.select.value);
      return {
        text: search.value,
        ...(type !== undefined && { type }),
        ...(license !== undefined && { license }),
        ...(sorted && { sort: { column: PACKAGE_COLUMNS[sorted.column]!, descending: sorted.descending } }),
      };
    };
    const apply = () => {
      view = rows.select(query());
      grid.setRows(view.length);
      count.textContent = fill(labels.shownOf, view.length.toLocaleString(), rows.count.toLocaleString());
      grid.element.dataset['shown'] = String(view.length);
    };
    // One search per frame however fast the keys come.
    let pending = false;
    search.addEventListener('input', () => {
      if (pending) return;
      pending = true;
      requestAnimationFrame(() => {
        pending = false;
        apply();
      });
    });
    typeSelect.select.addEventListener('change', apply);
    licenseSelect.select.addEventListener('change', apply);

    const toolbar = element('div', 'sbom-toolbar');
    toolbar.append(search, typeSelect.label, licenseSelect.label, count);

    const exports = element('div', 'sbom-exports');
    exports.append(element('span', undefined, labels.exportAs));
    for (const [format, text] of [
      ['spdx', 'SPDX JSON'],
      ['cyclonedx', 'CycloneDX JSON'],
      ['csv', 'CSV'],
    ] as const) {
      const button = element('button', undefined, text);
      button.type = 'button';
      button.dataset['format'] = format;
      button.addEventListener('click', () => post({ type: 'exportSbom', sbom, format }));
      exports.append(button);
    }

    const parts: HTMLElement[] = [toolbar];
    if (c.licenses.length > 0) {
      const chart = element('figure', 'sbom-chart');
      chart.append(
        licenseChart(c.licenses, c.licenseCounts, { title: labels.licenseChart, bar: labels.licenseBar, others: labels.otherLicenses }, (license) => {
          licenseSelect.select.value = String(license);
          apply();
          grid.element.focus();
        }),
      );
      parts.push(chart);
    }
    parts.push(grid.element, exports);
    body.replaceChildren(...parts);
    apply();

    // The rest of the rows, a window at a time, each asked for once the page has drawn the one before.
    const loaded = () => {
      grid.element.dataset['complete'] = String(table.complete);
      if (!table.complete) {
        afterPaint(() => post({ type: 'requestRows', sbom, start: table.next }));
        return;
      }
      if (table.warnings.length > 0) body.append(list(labels.warnings, table.warnings, 'sbom-warnings'));
      if (table.files) body.append(this.extra(labels.files, table.files.path.length, 'files', [labels.path, labels.layer], [table.files.path, table.files.layer]));
      const r = table.relationships;
      if (r) body.append(this.extra(labels.relationships, r.type.length, 'relationships', [labels.from, labels.relationship, labels.to], [r.from, r.type, r.to]));
      // The first search's lower-cased text is built while the page is idle, not on the first key.
      requestIdleCallback(() => rows.prepareSearch(), { timeout: 2000 });
    };
    this.grew = () => {
      // What PackageRows built from the rows before (search text, orders) is built again when next needed.
      rows = new PackageRows(table.packages);
      const { text, type, license, sort } = query();
      // All rows in the document's order are still the same positions: only their cells are read again.
      if (text.trim() === '' && type === undefined && license === undefined && sort === undefined) grid.refresh();
      else apply();
      loaded();
    };
    loaded();
  }

  /** The first rows of a document still on its way: the rows and how much is in, nothing that needs the whole. */
  private drawArriving(arriving: Arriving, body: HTMLElement, labels: SbomLabels): void {
    for (const grid of this.grids) grid.dispose();
    const rows = new PackageRows(arriving.table.packages);
    const grid = new VirtualGrid({
      label: labels.packagesTab,
      kind: 'packages',
      columns: PACKAGE_COLUMNS.map((column) => ({ label: labels[column] })),
      cell: (position, column) => rows.cell(position, PACKAGE_COLUMNS[column]!),
    });
    this.grids = [grid];
    grid.element.dataset['reading'] = 'true';
    grid.element.dataset['total'] = String(rows.count);
    const status = element('p', 'status sbom-reading', readingText(labels, arriving.bytes, arriving.size));
    status.setAttribute('role', 'status');
    arriving.status = status;
    body.replaceChildren(status, element('p', 'sbom-provisional', labels.provisional), grid.element);
    grid.setRows(rows.count);
  }

  /** Files or relationships: a grid of their own, built when first opened. */
  private extra(title: string, count: number, kind: string, headers: readonly string[], columns: readonly (readonly string[])[]): HTMLElement {
    const details = element('details', `sbom-${kind}`);
    details.append(element('summary', undefined, `${title} (${count.toLocaleString()})`));
    details.addEventListener(
      'toggle',
      () => {
        const grid = new VirtualGrid({ label: title, kind, columns: headers.map((label) => ({ label })), cell: (position, column) => columns[column]![position]! });
        this.grids.push(grid);
        details.append(grid.element);
        grid.setRows(count);
      },
      { once: true },
    );
    return details;
  }
}

/** `Reading the SBOM… 12.3 of 74.5 MB` */
function readingText(labels: SbomLabels, bytes: number, size: number): string {
  const mb = (n: number) => (n / 1e6).toLocaleString(undefined, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  return fill(labels.readingRows, mb(bytes), mb(size));
}

/** Runs `then` after the next frame is drawn. */
function afterPaint(then: () => void): void {
  requestAnimationFrame(() => setTimeout(then, 0));
}

/** `''`: any; `none`; else an index into the values. */
function choice(value: string): number | 'none' | undefined {
  return value === '' ? undefined : value === 'none' ? 'none' : Number(value);
}

function select(title: string, any: string, values: readonly string[], none: string): { label: HTMLElement; select: HTMLSelectElement } {
  const label = element('label', 'sbom-filter', title);
  const created = document.createElement('select');
  const option = (value: string, text: string) => {
    const o = document.createElement('option');
    o.value = value;
    o.textContent = text;
    created.append(o);
  };
  option('', any);
  values.forEach((v, i) => option(String(i), v));
  option('none', none);
  label.append(created);
  return { label, select: created };
}

const tab = new SbomTab();
