// Every check the Problems panel and `image-provenance check` run: its id (the diagnostic's code, the key of
// its setting, the SARIF rule id), what it is about, and its default severity. One table, read by both.
//
// Defaults are cheap and quiet: the pin checks need one lookup per image (the Images view makes it anyway);
// the attestation checks read each image's attestations (index, attestation manifest, a blob: three requests
// more per image), so they are off until asked for, except drift, which reads only the images the workspace
// itself builds and publishes.

import type { Severity } from '../model/buildFile';

/** A severity, or `off` for none at all. */
export type Level = Severity | 'off';

export const LEVELS: readonly Level[] = ['error', 'warning', 'information', 'hint', 'off'];

export const CheckIds = {
  unpinned: 'unpinned',
  stalePin: 'stale-pin',
  pinNotFound: 'pin-not-found',
  pinMismatch: 'pin-mismatch',
  platformPin: 'platform-pin',
  missingSbom: 'missing-sbom',
  missingProvenance: 'missing-provenance',
  provenanceMin: 'provenance-mode-min',
  notAllowed: 'image-not-allowed',
  drift: 'base-drift',
} as const;
export type CheckId = (typeof CheckIds)[keyof typeof CheckIds];

export interface CheckDefinition {
  readonly id: CheckId;
  readonly level: Level;
  /** One line: what the check reports (SARIF's rule description, the CLI's help). */
  readonly summary: string;
  /** Whether the check reads attestations (requests beyond the lookup of each image). */
  readonly readsAttestations?: true;
}

export const CHECKS: readonly CheckDefinition[] = [
  { id: CheckIds.unpinned, level: 'hint', summary: 'An image is not pinned to a digest: its tag can move to different content.' },
  { id: CheckIds.stalePin, level: 'warning', summary: 'A pinned digest is no longer what its tag points to.' },
  { id: CheckIds.pinNotFound, level: 'error', summary: 'The registry has no manifest with the pinned digest.' },
  { id: CheckIds.pinMismatch, level: 'error', summary: 'What the registry serves for the pinned digest does not hash to it.' },
  { id: CheckIds.platformPin, level: 'warning', summary: "A pin to one platform's image where the build pulls for several platforms." },
  { id: CheckIds.missingSbom, level: 'off', summary: 'An image carries no SBOM attestation.', readsAttestations: true },
  { id: CheckIds.missingProvenance, level: 'off', summary: 'An image carries no SLSA provenance attestation.', readsAttestations: true },
  { id: CheckIds.provenanceMin, level: 'off', summary: "An image's provenance is mode=min: no build arguments, steps or sources.", readsAttestations: true },
  { id: CheckIds.notAllowed, level: 'error', summary: 'An image comes from a registry or repository outside the allowed list.' },
  { id: CheckIds.drift, level: 'warning', summary: 'An image the workspace builds was published from another base digest than the one the workspace pins now.', readsAttestations: true },
];

export type CheckLevels = Readonly<Record<CheckId, Level>>;

export const DEFAULT_LEVELS: CheckLevels = Object.fromEntries(CHECKS.map((c) => [c.id, c.level])) as Record<CheckId, Level>;

export function isLevel(value: unknown): value is Level {
  return LEVELS.includes(value as Level);
}

export function isCheckId(value: string): value is CheckId {
  return CHECKS.some((c) => c.id === value);
}

/**
 * The levels `imageProvenance.checks.severity` sets over the defaults; the earlier pinning settings
 * (`unpinnedSeverity`, `stalePinSeverity`) still count where it says nothing. Unknown ids and values are
 * returned as problems, not applied.
 */
export function checkLevels(severity: Readonly<Record<string, unknown>>, earlier: { readonly unpinned?: unknown; readonly stalePin?: unknown } = {}): { levels: CheckLevels; problems: string[] } {
  const levels: Record<CheckId, Level> = { ...DEFAULT_LEVELS };
  if (isLevel(earlier.unpinned)) levels[CheckIds.unpinned] = earlier.unpinned;
  if (isLevel(earlier.stalePin)) levels[CheckIds.stalePin] = earlier.stalePin;
  const problems: string[] = [];
  for (const [id, value] of Object.entries(severity)) {
    if (!isCheckId(id)) problems.push(`unknown check "${id}"; the checks are ${CHECKS.map((c) => c.id).join(', ')}`);
    else if (!isLevel(value)) problems.push(`"${String(value)}" for ${id} is not one of ${LEVELS.join(', ')}`);
    else levels[id] = value;
  }
  return { levels, problems };
}

/** Whether any check that is on reads attestations. */
export function readsAttestations(levels: CheckLevels): boolean {
  return CHECKS.some((c) => c.readsAttestations && levels[c.id] !== 'off');
}
