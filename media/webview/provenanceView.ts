// The Provenance tab of one platform: how the image was built.

import type { PanelLabels, PlatformOverview } from '../../src/panel/protocol';
import { element } from './dom';
import { provenanceFacts } from './overviewView';

export function provenanceTab(entry: PlatformOverview, labels: PanelLabels): HTMLElement {
  if (!entry.provenance) return element('p', 'status', labels.noProvenance);
  const section = element('section', 'provenance-detail');
  section.append(provenanceFacts(entry.provenance, labels));
  return section;
}
