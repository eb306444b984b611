// The license summary: a hand-drawn SVG bar chart (README, "The attestation panel's page": a few bars need no chart
// library, and a canvas one takes its colours from script). Colours come from classes whose rules use
// --vscode-charts-* (panel.css), so a theme change needs no script; text is set as text nodes. A click on a bar
// filters the table by that license; the license select beside the table does the same from the keyboard.

import { fill } from './dom';

const SVG = 'http://www.w3.org/2000/svg';
/** Bars drawn; the rest are summed in one bar. */
const MAX_BARS = 10;
const WIDTH = 560;
const ROW = 22;
const LABEL_WIDTH = 190;
const LABEL_CHARACTERS = 28;

export interface ChartLabels {
  readonly title: string;
  /** `{0}: {1} packages` */
  readonly bar: string;
  /** `{0} other licenses` */
  readonly others: string;
}

/**
 * Bars for the licenses, most packages first (`licenses` and `counts` come in that order); `pick` gets the index
 * of the license clicked.
 */
export function licenseChart(licenses: readonly string[], counts: readonly number[], labels: ChartLabels, pick: (license: number) => void): SVGSVGElement {
  const shown = Math.min(licenses.length, licenses.length > MAX_BARS ? MAX_BARS - 1 : MAX_BARS);
  const bars: { label: string; count: number; license?: number }[] = licenses.slice(0, shown).map((label, i) => ({ label, count: counts[i]!, license: i }));
  if (shown < licenses.length) {
    const rest = counts.slice(shown).reduce((sum, n) => sum + n, 0);
    bars.push({ label: fill(labels.others, licenses.length - shown), count: rest });
  }
  const max = Math.max(1, ...bars.map((b) => b.count));
  const height = bars.length * ROW + 4;
  const svg = svgElement('svg', { viewBox: `0 0 ${WIDTH} ${height}`, width: WIDTH, height, class: 'license-chart', role: 'img' });
  svg.setAttribute('aria-label', `${labels.title}: ${bars.map((b) => fill(labels.bar, b.label, b.count)).join('; ')}`);
  bars.forEach((bar, i) => {
    const y = i * ROW;
    const width = Math.max(2, ((WIDTH - LABEL_WIDTH - 70) * bar.count) / max);
    const group = svgElement('g', { class: bar.license !== undefined ? `bar-group series-${i % 8}` : 'bar-group series-rest' });
    group.append(
      svgElement('title', {}, fill(labels.bar, bar.label, bar.count)),
      svgElement('text', { x: LABEL_WIDTH - 6, y: y + 15, 'text-anchor': 'end', class: 'chart-label' }, shorten(bar.label)),
      svgElement('rect', { x: LABEL_WIDTH, y: y + 3, width, height: ROW - 6, rx: 2, class: 'bar' }),
      svgElement('text', { x: LABEL_WIDTH + width + 6, y: y + 15, class: 'chart-value' }, bar.count.toLocaleString()),
    );
    if (bar.license !== undefined) {
      const license = bar.license;
      group.classList.add('pickable');
      group.dataset['license'] = licenses[license];
      group.addEventListener('click', () => pick(license));
    }
    svg.append(group);
  });
  return svg;
}

/** The label column is fixed: a long (or hostile) license name is cut, whole in the bar's title. */
function shorten(text: string): string {
  return text.length > LABEL_CHARACTERS ? `${text.slice(0, LABEL_CHARACTERS - 1)}…` : text;
}

function svgElement<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const created = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) created.setAttribute(name, String(value));
  if (text !== undefined) created.textContent = text;
  return created;
}
