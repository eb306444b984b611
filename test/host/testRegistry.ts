// The registry the extension tests run against (both runners start it): a real docker-registry seeded
// with images of our own making, set up as the fixture workspace's Docker Hub mirror.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startRegistry, type RunningRegistry } from '../registry/harness/registry';
import { seedDockerList, seedImage, seedSingle } from '../registry/harness/seed';

/** What the extension tests may expect the registry to answer: digests computed while seeding. */
export interface SeededRegistry {
  readonly host: string;
  /** Familiar name → the digest its tag points to and its platforms' digests. */
  readonly images: Record<string, { digest: string; platforms: Record<string, string> }>;
  /** Older builds the tag pointed to before (still served by digest): for stale pins. */
  readonly outdated: Record<string, { digest: string; platforms: Record<string, string> }>;
}

/**
 * A real registry as the fixture workspace's Docker Hub mirror (as BuildKit users configure a pull-through
 * cache), holding some of the fixture's images; the others are not found there and fall through to
 * Docker Hub, which the tests do not reach: they show as errors.
 */
export async function startTestRegistry(workspace: string, seededFile: string): Promise<RunningRegistry> {
  const registry = await startRegistry();
  const images: SeededRegistry['images'] = {};
  // An older build first: the tag then moves to the current one, as after a rebuild upstream.
  const older = await seedImage(registry.url, 'library/node', '22-slim', { salt: 'an older build' });
  const outdated: SeededRegistry['outdated'] = { 'node:22-slim': { digest: older.indexDigest, platforms: older.platformDigests } };
  const index = await seedImage(registry.url, 'library/node', '22-slim');
  images['node:22-slim'] = { digest: index.indexDigest, platforms: index.platformDigests };
  const single = await seedSingle(registry.url, 'library/alpine', '3.20', { platform: 'linux/arm64/v8' });
  images['alpine:3.20'] = { digest: single.digest, platforms: { 'linux/arm64/v8': single.digest } };
  const list = await seedDockerList(registry.url, 'library/nginx', '1.27');
  images['nginx:1.27'] = { digest: list.indexDigest, platforms: list.platformDigests };
  const seeded: SeededRegistry = { host: registry.host, images, outdated };
  writeFileSync(seededFile, JSON.stringify(seeded));

  const settingsFile = join(workspace, '.vscode/settings.json');
  const settings = JSON.parse(readFileSync(settingsFile, 'utf8')) as Record<string, unknown>;
  settings['imageProvenance.registry.hosts'] = { 'docker.io': { mirrors: [registry.host] }, [registry.host]: { http: true } };
  // Docker Hub itself is out of reach here; fail fast rather than wait 30 s.
  settings['imageProvenance.registry.timeoutSeconds'] = 2;
  writeFileSync(settingsFile, JSON.stringify(settings, null, 2));
  return registry;
}
