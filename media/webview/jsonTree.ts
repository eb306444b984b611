// A JSON value as a tree of <details>/<summary> (keyboard and screen-reader behaviour built in): children are
// built the first time a node opens, at most MAX_CHILDREN at a time, then a "… N more" button. Everything is text
// (textContent), never markup: the statement is registry data. Long strings are cut for display and copied whole
// through the host (copyText, at most MAX_COPY_LENGTH). Colours come from panel.css classes.

import { MAX_COPY_LENGTH } from '../../src/panel/protocol';

export const MAX_CHILDREN = 200;
/** Longer strings show their start and a copy button. */
export const MAX_SHOWN_STRING = 300;

export interface JsonTreeOptions {
  /** `… {0} more` */
  readonly more: string;
  /** The copy button's label. */
  readonly copyValue: string;
  /** Asks the host to copy a value. */
  readonly copy: (text: string) => void;
  /** Levels opened from the start. */
  readonly openDepth?: number;
}

/** Bidi controls and other invisible format characters would reorder what the reader sees: shown as escapes. */
const INVISIBLE = /[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

export function jsonTree(value: unknown, options: JsonTreeOptions): HTMLElement {
  const tree = create('div', 'json-tree');
  tree.append(node(undefined, value, options, options.openDepth ?? 1));
  return tree;
}

function node(key: string | undefined, value: unknown, options: JsonTreeOptions, openDepth: number): HTMLElement {
  const keyElement = key === undefined ? undefined : create('span', 'j-key', `${visible(JSON.stringify(key))}: `);
  if (value === null || typeof value !== 'object') {
    const leaf = create('div', 'j-leaf');
    if (keyElement) leaf.append(keyElement);
    leaf.append(...scalar(value, options));
    return leaf;
  }
  const entries: [string, unknown][] = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
  const details = create('details', 'j-node');
  const summary = create('summary');
  if (keyElement) summary.append(keyElement);
  summary.append(create('span', 'j-meta', Array.isArray(value) ? `[${entries.length}]` : `{${entries.length}}`));
  details.append(summary);
  let built = false;
  const build = () => {
    if (built) return;
    built = true;
    const children = create('div', 'j-children');
    details.append(children);
    appendPage(children, entries, 0, options, openDepth - 1);
  };
  details.addEventListener('toggle', () => {
    if (details.open) build();
  });
  if (openDepth > 0) {
    build();
    details.open = true;
  }
  return details;
}

/** MAX_CHILDREN entries from `start`, then a button for the next ones. */
function appendPage(children: HTMLElement, entries: [string, unknown][], start: number, options: JsonTreeOptions, openDepth: number): void {
  const end = Math.min(entries.length, start + MAX_CHILDREN);
  for (const [k, v] of entries.slice(start, end)) children.append(node(k, v, options, openDepth));
  if (end >= entries.length) return;
  const more = create('button', 'j-more', options.more.replace('{0}', String(entries.length - end)));
  more.type = 'button';
  more.addEventListener('click', () => {
    more.remove();
    appendPage(children, entries, end, options, openDepth);
  });
  children.append(more);
}

function scalar(value: unknown, options: JsonTreeOptions): HTMLElement[] {
  if (typeof value === 'string') {
    const text = JSON.stringify(value);
    if (text.length <= MAX_SHOWN_STRING) return [create('span', 'j-str', visible(text))];
    const parts: HTMLElement[] = [create('span', 'j-str', `${visible(text.slice(0, MAX_SHOWN_STRING))}…`), create('span', 'j-meta', ` (${value.length})`)];
    if (value.length <= MAX_COPY_LENGTH) {
      const copy = create('button', 'j-copy', options.copyValue);
      copy.type = 'button';
      copy.addEventListener('click', () => options.copy(value));
      parts.push(copy);
    }
    return parts;
  }
  if (typeof value === 'number') return [create('span', 'j-num', String(value))];
  if (typeof value === 'boolean') return [create('span', 'j-bool', String(value))];
  return [create('span', 'j-null', 'null')];
}

function visible(text: string): string {
  return text.replace(INVISIBLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function create<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const created = document.createElement(tag);
  if (className !== undefined) created.className = className;
  if (text !== undefined) created.textContent = text;
  return created;
}
