// Small DOM helpers of the page. Every value goes in as text (`textContent`), never as HTML, and no element gets
// a `style` attribute: registry data is hostile, and the CSP refuses inline styles (panel.css does the styling).

import type { FormCode, PanelLabels } from '../../src/panel/protocol';
import { post } from './host';

export function element<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const created = document.createElement(tag);
  if (className !== undefined) created.className = className;
  if (text !== undefined) created.textContent = text;
  return created;
}

/** A `dt`/`dd` pair appended to a `dl`. */
export function addFact(list: HTMLElement, term: string, value: string | HTMLElement): void {
  const dd = document.createElement('dd');
  if (typeof value === 'string') dd.textContent = value;
  else dd.append(value);
  list.append(element('dt', undefined, term), dd);
}

/** A titled section holding a list of lines. */
export function list(title: string, lines: readonly string[], className: string): HTMLElement {
  const section = element('section', className);
  section.append(element('h3', undefined, title));
  const ul = document.createElement('ul');
  for (const line of lines) ul.append(element('li', undefined, line));
  section.append(ul);
  return section;
}

/** A button that asks the host to copy `text`. */
export function copyButton(text: string, labels: Pick<PanelLabels, 'copy'>, what: string = text): HTMLButtonElement {
  const button = element('button', 'copy', labels.copy);
  button.type = 'button';
  button.setAttribute('aria-label', `${labels.copy} ${what}`);
  button.addEventListener('click', () => post({ type: 'copyText', text }));
  return button;
}

/** A digest as code, with a button that asks the host to copy it. */
export function digestValue(digest: string, labels: Pick<PanelLabels, 'copy'>): HTMLElement {
  const value = element('span', 'digest');
  value.append(element('code', undefined, digest), copyButton(digest, labels));
  return value;
}

/** Where attestations were found, in the host's words. */
export function forms(codes: readonly FormCode[], labels: Pick<PanelLabels, 'forms'>): string {
  return codes.map((code) => labels.forms[code] ?? code).join(', ');
}

/** `{0}`, `{1}` of a label, filled as text. */
export function fill(template: string, ...args: (string | number)[]): string {
  return template.replace(/\{(\d+)\}/g, (whole, i: string) => (args[Number(i)] !== undefined ? String(args[Number(i)]) : whole));
}
