// License counts of an SBOM, as summaries show them. Its own module, with no dependencies: the hover imports it
// without pulling the SBOM reader (and packageurl-js) into the bundle VS Code loads at activation.

import type { Sbom } from './sbom';

/** Each license with the number of packages that carry it, most first (ties by name). */
export function licenseCounts(sbom: Pick<Sbom, 'packages'>): [license: string, packages: number][] {
  const counts = new Map<string, number>();
  for (const pkg of sbom.packages) for (const license of pkg.licenses) counts.set(license, (counts.get(license) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}
