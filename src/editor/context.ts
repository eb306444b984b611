// Identifiers shared by package.json and the code: view ids, command ids and context keys.

export const IMAGES_VIEW = 'imageProvenance.images';

export const Commands = {
  refresh: 'imageProvenance.refresh',
  groupByImage: 'imageProvenance.groupByImage',
  groupByFile: 'imageProvenance.groupByFile',
  reveal: 'imageProvenance.reveal',
  revealInView: 'imageProvenance.revealInView',
  copyDigest: 'imageProvenance.copyDigest',
  copyPinnedReference: 'imageProvenance.copyPinnedReference',
  showManifest: 'imageProvenance.showManifest',
  showAttestations: 'imageProvenance.showAttestations',
  copyProvenance: 'imageProvenance.copyProvenance',
  copySbom: 'imageProvenance.copySbom',
  addCredentials: 'imageProvenance.addRegistryCredentials',
  removeCredentials: 'imageProvenance.removeRegistryCredentials',
  clearCache: 'imageProvenance.clearCache',
  retry: 'imageProvenance.retry',
  openNetworkSettings: 'imageProvenance.openNetworkSettings',
  showLog: 'imageProvenance.showLog',
  pin: 'imageProvenance.pin',
  pinToPlatform: 'imageProvenance.pinToPlatform',
  pinToIndex: 'imageProvenance.pinToIndex',
  unpin: 'imageProvenance.unpin',
  pinAllInFile: 'imageProvenance.pinAllInFile',
  pinAllInWorkspace: 'imageProvenance.pinAllInWorkspace',
  updateStalePins: 'imageProvenance.updateStalePins',
  compareWithTag: 'imageProvenance.compareWithTag',
  verifyImageContent: 'imageProvenance.verifyImageContent',
} as const;

/** Read-only documents showing a manifest: `image-provenance-manifest:/<image>.json?<digest>`. */
export const MANIFEST_SCHEME = 'image-provenance-manifest';

/** Context keys that `when` clauses in package.json read. */
export const ContextKeys = {
  indexed: 'imageProvenance.indexed',
  hasBuildFiles: 'imageProvenance.hasBuildFiles',
  groupBy: 'imageProvenance.groupBy',
} as const;
