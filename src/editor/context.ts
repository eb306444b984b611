// Identifiers shared by package.json and the code: view ids, command ids and context keys.

export const IMAGES_VIEW = 'imageProvenance.images';

export const Commands = {
  refresh: 'imageProvenance.refresh',
  groupByImage: 'imageProvenance.groupByImage',
  groupByFile: 'imageProvenance.groupByFile',
  reveal: 'imageProvenance.reveal',
} as const;

/** Context keys that `when` clauses in package.json read. */
export const ContextKeys = {
  indexed: 'imageProvenance.indexed',
  hasBuildFiles: 'imageProvenance.hasBuildFiles',
  groupBy: 'imageProvenance.groupBy',
} as const;
