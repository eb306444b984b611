// The SBOM tab of one platform: its SBOM documents.

import type { PanelLabels, PlatformOverview } from '../../src/panel/protocol';
import { element, list } from './dom';
import { sbomLines } from './overviewView';

export function sbomTab(entry: PlatformOverview, labels: PanelLabels): HTMLElement {
  if (entry.sboms.length === 0) return element('p', 'status', labels.noSbom);
  return list(labels.sboms, sbomLines(entry, labels), 'sbom-documents');
}
