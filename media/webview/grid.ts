// A virtualized grid of text: plain divs with the ARIA grid roles, rows positioned by @tanstack/virtual-core and
// recycled from a small pool, so 100,000 rows cost a few dozen elements (@vscode-elements' table has neither
// virtualization nor sorting; README, "The attestation panel's page").
// Positions go through rules of a constructed stylesheet the grid adopts, one per pooled row: CSSOM, which the
// CSP allows, and no element gets a style attribute. Every cell is set with textContent. The keyboard moves a
// focused row (aria-activedescendant): arrows, Page Up/Down, Home/End; the grid's optional row action (copying a
// purl) runs from a button on the focused row or Ctrl/Cmd+C.

import { elementScroll, observeElementOffset, observeElementRect, Virtualizer } from '@tanstack/virtual-core';

const ROW_HEIGHT = 22;
let grids = 0;

export interface GridColumn {
  readonly label: string;
  /** A sortable column's header is a button; the grid says its direction with aria-sort. */
  readonly sortable?: boolean;
}

export interface GridOptions {
  /** What the grid lists, for screen readers. */
  readonly label: string;
  /** Sets the column widths in panel.css (`.grid-<kind> .grid-row`). */
  readonly kind: string;
  readonly columns: readonly GridColumn[];
  /** The text of a cell of the row shown at `position`. */
  readonly cell: (position: number, column: number) => string;
  readonly onSort?: (column: number) => void;
  /** An action on one row, offered on the focused row (and by Ctrl/Cmd+C). */
  readonly action?: { readonly label: string; readonly run: (position: number) => void };
}

export type SortDirection = 'ascending' | 'descending' | 'none';

export class VirtualGrid {
  readonly element: HTMLElement;
  private readonly id = `grid-${++grids}`;
  private readonly scroller: HTMLElement;
  private readonly sizer: HTMLElement;
  private readonly headers: HTMLElement[] = [];
  private readonly pool: HTMLElement[] = [];
  private readonly virtualizer: Virtualizer<HTMLElement, HTMLElement>;
  private readonly cleanup: () => void;
  /** The grid's own rules: the body's height, then one transform per pooled row. */
  private readonly sheet = new CSSStyleSheet();
  private readonly sizerRule: CSSStyleRule;
  private readonly rowRules: CSSStyleRule[] = [];
  private count = 0;
  private focused = 0;

  constructor(private readonly options: GridOptions) {
    this.element = div(`grid grid-${options.kind}`);
    this.element.id = this.id;
    this.element.setAttribute('role', 'grid');
    this.element.setAttribute('aria-label', options.label);
    this.element.setAttribute('aria-colcount', String(options.columns.length));
    this.element.tabIndex = 0;

    const head = div('grid-head');
    head.setAttribute('role', 'rowgroup');
    const headerRow = div('grid-row grid-header');
    headerRow.setAttribute('role', 'row');
    headerRow.setAttribute('aria-rowindex', '1');
    options.columns.forEach((column, c) => {
      const header = div('grid-cell');
      header.setAttribute('role', 'columnheader');
      if (column.sortable && options.onSort) {
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'grid-sort';
        button.textContent = column.label;
        button.addEventListener('click', () => options.onSort?.(c));
        header.setAttribute('aria-sort', 'none');
        header.append(button);
      } else header.textContent = column.label;
      this.headers.push(header);
      headerRow.append(header);
    });
    head.append(headerRow);

    this.scroller = div('grid-scroller');
    this.sizer = div('grid-sizer');
    this.sizer.setAttribute('role', 'rowgroup');
    this.scroller.append(this.sizer);
    this.element.append(head, this.scroller);
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, this.sheet];
    this.sizerRule = this.rule(`#${this.id} .grid-sizer`);

    this.virtualizer = new Virtualizer<HTMLElement, HTMLElement>({
      count: 0,
      getScrollElement: () => this.scroller,
      estimateSize: () => ROW_HEIGHT,
      overscan: 8,
      observeElementRect,
      observeElementOffset,
      scrollToFn: elementScroll,
      onChange: () => this.render(),
    });
    this.cleanup = this.virtualizer._didMount();
    this.virtualizer._willUpdate();

    this.element.addEventListener('keydown', (event) => this.key(event));
    this.sizer.addEventListener('click', (event) => {
      const row = (event.target as Element).closest<HTMLElement>('.grid-row');
      const position = row ? Number(row.dataset['position']) : NaN;
      if (!Number.isNaN(position)) this.focus(position, false);
    });
  }

  /** Shows `count` rows from the top (after a search, a filter or a sort: the cells are read again). */
  setRows(count: number): void {
    this.count = count;
    this.focused = 0;
    this.element.setAttribute('aria-rowcount', String(count + 1));
    this.virtualizer.setOptions({ ...this.virtualizer.options, count });
    this.virtualizer.scrollToOffset(0);
    this.virtualizer._willUpdate();
    this.virtualizer.measure();
    this.render();
  }

  /** Reads the cells on screen again (rows that arrived since they were drawn). */
  refresh(): void {
    this.render();
  }

  setSort(column: number, direction: SortDirection): void {
    this.headers.forEach((header, c) => {
      if (header.hasAttribute('aria-sort')) header.setAttribute('aria-sort', c === column ? direction : 'none');
    });
  }

  dispose(): void {
    this.cleanup();
    document.adoptedStyleSheets = document.adoptedStyleSheets.filter((sheet) => sheet !== this.sheet);
  }

  private rule(selector: string): CSSStyleRule {
    const index = this.sheet.insertRule(`${selector} {}`, this.sheet.cssRules.length);
    return this.sheet.cssRules[index] as CSSStyleRule;
  }

  private render(): void {
    const items = this.virtualizer.getVirtualItems();
    this.sizerRule.style.height = `${this.virtualizer.getTotalSize()}px`;
    const columns = this.options.columns.length;
    let active: string | undefined;
    items.forEach((item, k) => {
      const row = this.rowElement(k);
      row.hidden = false;
      this.rowRules[k]!.style.transform = `translateY(${item.start}px)`;
      row.dataset['position'] = String(item.index);
      row.setAttribute('aria-rowindex', String(item.index + 2));
      row.classList.toggle('odd', (item.index & 1) === 1);
      const isFocused = item.index === this.focused;
      row.classList.toggle('focused', isFocused);
      row.setAttribute('aria-selected', String(isFocused));
      if (isFocused) active = row.id;
      const cells = row.children;
      for (let c = 0; c < columns; c++) {
        const cell = cells[c] as HTMLElement;
        const text = this.options.cell(item.index, c);
        // The action button lives in the last cell: only its text node is replaced.
        const target = cell.firstChild && cell.firstChild.nodeType === Node.TEXT_NODE ? cell.firstChild : undefined;
        if (target) {
          if (target.textContent !== text) target.textContent = text;
        } else cell.prepend(document.createTextNode(text));
        // Long registry text is cut by the column: the whole value is in the tooltip.
        if (cell.title !== text) cell.title = text;
      }
    });
    for (let k = items.length; k < this.pool.length; k++) this.pool[k]!.hidden = true;
    if (active) this.element.setAttribute('aria-activedescendant', active);
    else this.element.removeAttribute('aria-activedescendant');
  }

  private rowElement(k: number): HTMLElement {
    while (this.pool.length <= k) {
      const row = div('grid-row');
      row.id = `${this.id}-${this.pool.length}`;
      row.setAttribute('role', 'row');
      for (let c = 0; c < this.options.columns.length; c++) {
        const cell = div('grid-cell');
        cell.setAttribute('role', 'gridcell');
        row.append(cell);
      }
      const action = this.options.action;
      if (action) {
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'grid-action';
        button.tabIndex = -1;
        button.textContent = action.label;
        button.addEventListener('click', (event) => {
          event.stopPropagation();
          action.run(Number(row.dataset['position']));
        });
        row.lastElementChild!.append(button);
      }
      this.sizer.append(row);
      this.pool.push(row);
      this.rowRules.push(this.rule(`#${row.id}`));
    }
    return this.pool[k]!;
  }

  private key(event: KeyboardEvent): void {
    if (event.target !== this.element || this.count === 0) return;
    const page = Math.max(1, Math.floor(this.scroller.clientHeight / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page };
    if (event.key in moves) this.focus(this.focused + moves[event.key]!, true);
    else if (event.key === 'Home') this.focus(0, true);
    else if (event.key === 'End') this.focus(this.count - 1, true);
    else if (event.key.toLowerCase() === 'c' && (event.ctrlKey || event.metaKey) && this.options.action) this.options.action.run(this.focused);
    else return;
    event.preventDefault();
  }

  private focus(position: number, scroll: boolean): void {
    this.focused = Math.max(0, Math.min(this.count - 1, position));
    if (scroll) this.virtualizer.scrollToIndex(this.focused, { align: 'auto' });
    this.render();
    if (document.activeElement !== this.element) this.element.focus({ preventScroll: true });
  }
}

function div(className: string): HTMLDivElement {
  const created = document.createElement('div');
  created.className = className;
  return created;
}
