// Attestations on hover (issue 12, item 10): what a cold hover costs against the least any client could do, and
// that a warm one costs nothing. A real registry (Debian's docker-registry) behind token auth (anonymous pull, as
// Docker Hub), seeded with a BuildKit push: an index, two platforms, each with an attestation manifest in the index
// holding SLSA provenance and an SPDX SBOM. Measured in the same run, N rounds, medians:
// - the floor: bare undici requests on new connections, one after another, knowing everything in advance: a
//   token, the index by tag, the attestation manifest, one blob;
// - cold: a new RegistryClient doing what the hover does: the image looked up as the resolver does (describeImage:
//   the tag, its index), then summarizeImage(..., { quick: true }) — one platform, its attestation manifest,
//   provenance and SBOM layers;
// - warm: the same again on the same client;
// - what a user meets: the hover of an image its file's lookup has already described (describeImage runs when
//   the file opens), and the first hover after a window reload (a new client over the same disk content store
//   the extension keeps in its global storage: manifests and layers by digest, for good);
// - the complete read (no quick) on a new client, for comparison.
// Requests are the client's own count (client.stats), checked against the token server's.
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { summarizeImage } from '../src/attest/summary';
import { RegistryClient } from '../src/registry/client';
import { diskContentStore } from '../src/registry/contentStore';
import { describeImage } from '../src/registry/imageDetails';
import { MANIFEST_MEDIA_TYPES } from '../src/registry/manifest';
import { DEFAULT_REGISTRY_SETTINGS } from '../src/registry/settings';
import { seedImage } from '../test/registry/harness/seed';
import { benchDir, median, time, type Measurement } from './measure';
import { NO_LOGINS, reference, requireRegistryBenchTools, withTokenRegistry } from './registry';

/** Measured rounds (after one unmeasured warm-up round); medians are reported. */
const ROUNDS = 15;
const REPOSITORY = 'bench/attested';
const TAG = 'v1';

interface Round {
  floorMs: number;
  coldMs: number;
  warmMs: number;
  coldRequests: number;
  coldTokens: number;
  warmRequests: number;
  completeRequests: number;
  completeMs: number;
  afterLookupRequests: number;
  afterLookupMs: number;
  afterReloadRequests: number;
}

export async function attestationsBench(): Promise<Measurement[]> {
  requireRegistryBenchTools();
  return withTokenRegistry(async ({ registry, tokens, service, pusher }) => {
    const seeded = await seedImage(registry.url, REPOSITORY, TAG, { auth: pusher });
    const amd64 = seeded.platformDigests['linux/amd64']!;
    const floorPlan = { realm: tokens.realm, service, registryUrl: registry.url, attestation: seeded.attestationDigests['linux/amd64']!, blob: seeded.attestationLayers['linux/amd64']![0]!.digest };
    const ref = reference(`${registry.host}/${REPOSITORY}:${TAG}`);
    const settings = { ...DEFAULT_REGISTRY_SETTINGS, hosts: { [registry.host]: { http: true } } };

    const rounds: Round[] = [];
    for (let round = 0; round <= ROUNDS; round++) {
      const floorMs = await time(() => floor(floorPlan));

      tokens.reset();
      const client = new RegistryClient({ settings, credentials: NO_LOGINS });
      let coldRequests = 0;
      let coldTokens = 0;
      let warmRequests = 0;
      let coldMs = 0;
      let warmMs = 0;
      try {
        const hover = async () => {
          const resolved = await describeImage(client, ref);
          const summary = await summarizeImage(client, ref, resolved.digest, { quick: true });
          const p = summary.platforms[0];
          if (resolved.digest !== seeded.indexDigest || p?.digest !== amd64 || p.provenance === undefined || p.sboms.length !== 1) {
            throw new Error(`the hover read something else: ${resolved.digest} ${p?.digest} provenance ${p?.provenance !== undefined} SBOMs ${p?.sboms.length}`);
          }
        };
        coldMs = await time(hover);
        ({ requests: coldRequests, tokenRequests: coldTokens } = client.stats);
        if (tokens.requests.length !== coldTokens) throw new Error(`the client counted ${coldTokens} token requests, the token server saw ${tokens.requests.length}`);
        warmMs = await time(hover);
        warmRequests = client.stats.requests - coldRequests;
      } finally {
        await client.close();
      }

      // What a user meets: the file's lookup has described the image before the hover reads its attestations.
      const content = mkdtempSync(join(benchDir(), 'content-'));
      const editor = new RegistryClient({ settings, credentials: NO_LOGINS, cache: diskContentStore(content) });
      let afterLookupRequests = 0;
      let afterLookupMs = 0;
      try {
        await describeImage(editor, ref);
        const before = editor.stats.requests;
        afterLookupMs = await time(async () => summarizeImage(editor, ref, seeded.indexDigest, { quick: true }));
        afterLookupRequests = editor.stats.requests - before;
      } finally {
        await editor.close();
      }
      // After a window reload: a new client, the same disk content store.
      const reloaded = new RegistryClient({ settings, credentials: NO_LOGINS, cache: diskContentStore(content) });
      try {
        const resolved = await describeImage(reloaded, ref);
        await summarizeImage(reloaded, ref, resolved.digest, { quick: true });
      } finally {
        await reloaded.close();
        rmSync(content, { recursive: true, force: true });
      }
      const afterReloadRequests = reloaded.stats.requests;

      const complete = new RegistryClient({ settings, credentials: NO_LOGINS });
      let completeMs = 0;
      try {
        completeMs = await time(async () => summarizeImage(complete, ref, (await complete.resolve(ref)).digest));
      } finally {
        await complete.close();
      }
      if (round > 0) rounds.push({ floorMs, coldMs, warmMs, coldRequests, coldTokens, warmRequests, completeRequests: complete.stats.requests, completeMs, afterLookupRequests, afterLookupMs, afterReloadRequests });
    }

    const m = (pick: (r: Round) => number) => median(rounds.map(pick));
    const cold = Math.max(...rounds.map((r) => r.coldRequests));
    return [
      { key: 'attestations.floor.ms', value: m((r) => r.floorMs), unit: 'ms', note: `baseline: bare undici, one after another: token, index, attestation manifest, one blob (${FLOOR_REQUESTS} requests), median of ${ROUNDS}` },
      { key: 'attestations.hover.cold.ms', value: m((r) => r.coldMs), unit: 'ms', note: `new RegistryClient: describeImage (the tag, its index), then summarizeImage quick (provenance + SBOM), median of ${ROUNDS}` },
      { key: 'attestations.hover.cold.requests', value: cold, unit: 'requests', note: `client.stats, ${m((r) => r.coldTokens)} of them tokens; ${perRound(rounds.map((r) => r.coldRequests))}` },
      {
        key: 'attestations.ratio.requests',
        value: cold / FLOOR_REQUESTS,
        unit: '×',
        target: '≤ 1.5 ×',
        // What the floor leaves out: the 401 that names the token realm, and the SBOM's layer next to the provenance's.
        note: `cold requests / the floor's ${FLOOR_REQUESTS}; beyond it: the 401 naming the realm, the second layer (SBOM)`,
      },
      { key: 'attestations.ratio.time', value: median(rounds.map((r) => r.coldMs / r.floorMs)), unit: '×', target: '≤ 1.5 ×', note: `cold / floor, median of per-round ratios (${rounds.map((r) => (r.coldMs / r.floorMs).toFixed(2)).join(', ')})` },
      { key: 'attestations.hover.warm.ms', value: m((r) => r.warmMs), unit: 'ms', note: 'the same hover again on the same client' },
      { key: 'attestations.hover.warm.requests', value: Math.max(...rounds.map((r) => r.warmRequests)), unit: 'requests', target: '= 0', note: perRound(rounds.map((r) => r.warmRequests)) },
      { key: 'attestations.hover.afterLookup.requests', value: Math.max(...rounds.map((r) => r.afterLookupRequests)), unit: 'requests', note: `the hover of an image its file's lookup described (attestation manifest, provenance and SBOM layers), median ${m((r) => r.afterLookupMs).toFixed(1)} ms; ${perRound(rounds.map((r) => r.afterLookupRequests))}` },
      { key: 'attestations.hover.afterReload.requests', value: Math.max(...rounds.map((r) => r.afterReloadRequests)), unit: 'requests', note: `the first hover after a window reload (new client, same disk content store): the 401 naming the realm, the token, the tag's HEAD; ${perRound(rounds.map((r) => r.afterReloadRequests))}` },
      { key: 'attestations.complete.requests', value: Math.max(...rounds.map((r) => r.completeRequests)), unit: 'requests', note: `for comparison: the complete read (both platforms, every form, the index's own), new client, median ${m((r) => r.completeMs).toFixed(1)} ms` },
    ];
  });
}

const FLOOR_REQUESTS = 4;

/**
 * The least a client could do, knowing the realm and every digest: four GETs, one after another, on new
 * connections as the cold client's are.
 */
async function floor(plan: { realm: string; service: string; registryUrl: string; attestation: string; blob: string }): Promise<void> {
  const dispatcher = new Agent();
  try {
    await floorRequests(plan, dispatcher);
  } finally {
    await dispatcher.close();
  }
}

async function floorRequests(plan: { realm: string; service: string; registryUrl: string; attestation: string; blob: string }, dispatcher: Agent): Promise<void> {
  const tokenUrl = new URL(plan.realm);
  tokenUrl.searchParams.set('service', plan.service);
  tokenUrl.searchParams.set('scope', `repository:${REPOSITORY}:pull`);
  const token = await request(tokenUrl, { dispatcher });
  const body = (await token.body.json()) as { token?: string; access_token?: string };
  const authorization = `Bearer ${body.token ?? body.access_token}`;
  const get = async (path: string, accept?: string) => {
    const res = await request(`${plan.registryUrl}/v2/${REPOSITORY}/${path}`, { headers: { authorization, ...(accept && { accept }) }, dispatcher });
    await res.body.arrayBuffer();
    if (res.statusCode !== 200) throw new Error(`floor: GET ${path} answered ${res.statusCode}`);
  };
  await get(`manifests/${TAG}`, MANIFEST_MEDIA_TYPES.join(', '));
  await get(`manifests/${plan.attestation}`, MANIFEST_MEDIA_TYPES.join(', '));
  await get(`blobs/${plan.blob}`);
}


function perRound(values: readonly number[]): string {
  return new Set(values).size === 1 ? 'the same every round' : `per round ${values.join(', ')}`;
}
