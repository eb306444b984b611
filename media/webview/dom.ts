// Small DOM helpers of the page. Every value goes in as text (`textContent`), never as HTML, and no element gets
// a `style` attribute: registry data is hostile, and the CSP refuses inline styles (panel.css does the styling).

import type { FormCode, PanelLabels } from '../../src/panel/protocol';
import { post } from './host';

/**
 * Registry text longer than this is cut where it is shown: one element holding a megabyte on one line keeps
 * Chromium in layout for seconds. Copy buttons and exports still give the whole value.
 */
export const MAX_SHOWN_TEXT = 2_000;

/** `text`, cut to MAX_SHOWN_TEXT characters with an ellipsis. */
export function shown(text: string): string {
  return text.length <= MAX_SHOWN_TEXT ? text : `${text.slice(0, MAX_SHOWN_TEXT)}…`;
}

export function element<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const created = document.createElement(tag);
  if (className !== undefined) created.className = className;
  if (text !== undefined) created.textContent = shown(text);
  return created;
}

/** A `dt`/`dd` pair appended to a `dl`. */
export function addFact(list: HTMLElement, term: string, value: string | HTMLElement): void {
  const dd = document.createElement('dd');
  if (typeof value === 'string') dd.textContent = shown(value);
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

/**
 * A native select of platforms (keyboard and screen readers as the platform makes them): `onPick` shows the one
 * chosen, and the host is told which, by its digest.
 */
export function platformPicker<T>(items: readonly T[], initial: T, options: { label: string; id: string; text: (item: T) => string; digest: (item: T) => string; onPick: (item: T) => void }): HTMLElement {
  const label = element('label', 'platform-picker', options.label);
  const select = document.createElement('select');
  select.id = options.id;
  for (const item of items) {
    const option = document.createElement('option');
    option.value = options.digest(item);
    option.textContent = shown(options.text(item));
    select.append(option);
  }
  select.value = options.digest(initial);
  select.addEventListener('change', () => {
    const item = items.find((i) => options.digest(i) === select.value);
    if (item === undefined) return;
    options.onPick(item);
    post({ type: 'selectPlatform', digest: options.digest(item) });
  });
  label.append(select);
  return label;
}
