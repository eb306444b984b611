// Stub for the edge (att-edge), no behaviour: the core helper's referrerRepositoryFor replaces this file.

import type { ImageRef } from '../reference/imageReference';

export function referrerRepositoryFor(_ref: ImageRef, _map: Readonly<Record<string, string>>): ImageRef | undefined {
  return undefined;
}
