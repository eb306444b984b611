// Digest resolution: 100 references (10 repositories × 10 tags) resolved to digests against a real
// registry (Debian's docker-registry, anonymous, plain HTTP) by the extension's client — cold (a new
// client: connections, auth probe, no tag cache) and warm (the same client again). Baselines from the
// same run: a bare HEAD loop at the client's per-host concurrency (the floor: one request per
// reference and nothing else), and whole processes doing the same work as `skopeo inspect --raw` (what
// a user would run otherwise): one fresh `node` process with the client against 100 skopeo processes,
// 6 at a time. A token-auth variant counts what auth adds: the first 401 and one token per host and scope.
// Seeding is not measured. DESIGN.md, "Performance expectations": within 1.3× of the HEAD loop, at
// least 5× faster than skopeo, one request per unique reference cold, none warm.
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Agent, request } from 'undici';
import { RegistryClient } from '../src/registry/client';
import { NO_CREDENTIALS, type CredentialStore } from '../src/registry/credentials';
import { MANIFEST_MEDIA_TYPES } from '../src/registry/manifest';
import { DEFAULT_REGISTRY_SETTINGS, type RegistrySettings } from '../src/registry/settings';
import { parseImageReference, type ImageRef } from '../src/reference/imageReference';
import { makeTestCertificates } from '../test/registry/harness/certs';
import { blob, MediaTypes } from '../test/registry/harness/imageContent';
import { startRegistry, type RunningRegistry } from '../test/registry/harness/registry';
import { PushSession, seedImage, type SeedOptions } from '../test/registry/harness/seed';
import { startTokenServer, type TokenServer } from '../test/registry/harness/tokenServer';
import { median, time } from './measure';
import type { Measurement } from './measure';

const REPOSITORIES = 10;
const TAGS = 10;
const REFERENCES = REPOSITORIES * TAGS;
/** Measured rounds (after one unmeasured warm-up round); medians are reported. */
const ROUNDS = 7;
/** Rounds of the whole-process comparison (after one unmeasured round): each starts 101 processes. */
const PROCESS_ROUNDS = 3;
const CONCURRENCY = DEFAULT_REGISTRY_SETTINGS.maxConcurrentPerHost;
const ACCEPT = MANIFEST_MEDIA_TYPES.join(', ');
const SKOPEO_HINT = 'skopeo is not installed; the registry benchmark compares with `skopeo inspect --raw`: run scripts/setup.sh (or apt-get install skopeo)';
const REGISTRY_HINT = 'docker-registry is not installed; the registry benchmark runs a real registry: run scripts/setup.sh (or apt-get install docker-registry)';

const run = promisify(execFile);

interface Seeded {
  readonly repository: string;
  readonly tag: string;
  readonly digest: string;
  readonly ref: ImageRef;
}

/** A trusted workspace whose user has not signed in anywhere. */
export const NO_LOGINS: CredentialStore = { get: async () => undefined };

/** Fails before any benchmark runs (they take a while) when a tool this one needs is missing. */
export function requireRegistryBenchTools(): void {
  for (const [tool, hint] of [['skopeo', SKOPEO_HINT], ['docker-registry', REGISTRY_HINT]] as const) {
    try {
      execFileSync(tool, ['--version'], { stdio: 'ignore' });
    } catch (error) {
      throw new Error((error as NodeJS.ErrnoException).code === 'ENOENT' ? hint : `${tool} --version failed: ${(error as Error).message}`);
    }
  }
}

export async function registryBench(): Promise<Measurement[]> {
  requireRegistryBenchTools();
  const registry = await startRegistry();
  try {
    const refs = await seed(registry, {});
    const anonymous = await measureAnonymous(registry, refs);
    const processes = await measureProcesses(registry, refs);
    const token = await measureTokenAuth();
    return [
      { key: 'registry.references', value: REFERENCES, unit: 'references', note: `${REPOSITORIES} repositories × ${TAGS} tags, OCI indexes; docker-registry, anonymous, HTTP` },
      { key: 'registry.headLoop.ms', value: anonymous.headMs, unit: 'ms', note: `baseline: bare undici HEAD loop, concurrency ${CONCURRENCY}, median of ${ROUNDS}` },
      { key: 'registry.resolve100.cold.ms', value: anonymous.coldMs, unit: 'ms', note: `new RegistryClient per round, all ${REFERENCES} at once, median of ${ROUNDS} (${list(anonymous.colds)})` },
      {
        key: 'registry.ratio.vsHeadLoop',
        value: anonymous.ratio,
        unit: '×',
        target: '≤ 1.3 ×',
        note: `cold / HEAD loop, median of per-round ratios (${list(anonymous.ratios, 2)}); of the medians ${(anonymous.coldMs / anonymous.headMs).toFixed(2)}`,
      },
      { key: 'registry.cpu.cold.ms', value: anonymous.coldCpuMs, unit: 'ms', note: `this process's CPU time for the cold 100; the HEAD loop's: ${anonymous.headCpuMs.toFixed(1)} ms` },
      { key: 'registry.resolve100.warm.ms', value: anonymous.warmMs, unit: 'ms', note: 'the same client again (tag cache)' },
      { key: 'registry.requests.cold', value: Math.max(...anonymous.coldRequests), unit: 'requests', target: `= ${REFERENCES}`, note: `client.stats.requests; ${perRound(anonymous.coldRequests)}` },
      { key: 'registry.requests.warm', value: Math.max(...anonymous.warmRequests), unit: 'requests', target: '= 0', note: perRound(anonymous.warmRequests) },
      { key: 'registry.process.node.ms', value: processes.nodeMs, unit: 'ms', note: `one fresh node process with the client: ${REFERENCES} tags to digests, then each raw manifest (GET by digest, verified), median of ${PROCESS_ROUNDS} (${list(processes.nodes)})` },
      { key: 'registry.process.skopeo.ms', value: processes.skopeoMs, unit: 'ms', note: `baseline: ${REFERENCES} \`skopeo inspect --raw\` processes, ${CONCURRENCY} at a time (${list(processes.skopeos)})` },
      {
        key: 'registry.ratio.skopeoVsNode',
        value: processes.ratio,
        unit: '×',
        target: '≥ 5 ×',
        note: `skopeo processes / node process, wall time from first spawn to last exit, median of per-round ratios (${list(processes.ratios, 1)})`,
      },
      { key: 'registry.token.cold.ms', value: token.coldMs, unit: 'ms', note: `token auth (anonymous pull), new client per round, median of ${ROUNDS}` },
      {
        key: 'registry.token.requests',
        value: token.requests,
        unit: 'requests',
        target: `= ${REFERENCES} + ${REPOSITORIES} + 1 (401)`,
        note: `${token.registryRequests} to the registry (${token.registryRequests - REFERENCES} of them the 401 probe) + ${token.tokenRequests} tokens (one per repository scope); warm ${token.warmRequests}; ${token.variation}`,
      },
    ];
  } finally {
    await registry.close();
  }
}

/**
 * 10 repositories in parallel: the first tag a full BuildKit push (index, two platforms,
 * attestations); the other nine are indexes over the same manifests, each with its own annotation,
 * so every reference has its own digest while seeding costs one PUT per tag.
 */
async function seed(registry: RunningRegistry, options: SeedOptions): Promise<Seeded[]> {
  const perRepository = await Promise.all(
    Array.from({ length: REPOSITORIES }, async (_, r) => {
      const repository = `bench/app${r}`;
      const first = await seedImage(registry.url, repository, 'v0', options);
      const seeded: Omit<Seeded, 'ref'>[] = [{ repository, tag: 'v0', digest: first.digest }];
      const index = JSON.parse(first.indexBytes.toString('utf8')) as Record<string, unknown>;
      const session = new PushSession(registry.url, repository, options);
      try {
        for (let t = 1; t < TAGS; t++) {
          const tag = `v${t}`;
          const b = blob(MediaTypes.ociIndex, JSON.stringify({ ...index, annotations: { 'org.opencontainers.image.version': tag } }));
          await session.pushManifest(tag, b);
          seeded.push({ repository, tag, digest: b.digest });
        }
      } finally {
        await session.close();
      }
      return seeded;
    }),
  );
  return perRepository.flat().map((s) => ({ ...s, ref: reference(`${registry.host}/${s.repository}:${s.tag}`) }));
}

async function measureAnonymous(registry: RunningRegistry, refs: readonly Seeded[]) {
  const settings = clientSettings(registry.host);
  const heads: number[] = [];
  const colds: number[] = [];
  const warms: number[] = [];
  const headCpu: number[] = [];
  const coldCpu: number[] = [];
  const coldRequests: number[] = [];
  const warmRequests: number[] = [];
  for (let round = 0; round <= ROUNDS; round++) {
    const client = new RegistryClient({ settings, credentials: NO_CREDENTIALS });
    try {
      const runHead = async () => {
        const cpu = process.cpuUsage();
        const head = await headLoop(registry.url, refs);
        check('HEAD loop', refs, head.digests);
        return { ms: head.ms, cpu: cpuMs(cpu) };
      };
      const runCold = async () => {
        const cpu = process.cpuUsage();
        let digests: string[] = [];
        const ms = await time(async () => (digests = (await Promise.all(refs.map((r) => client.resolve(r.ref)))).map((d) => d.digest)));
        check('client (cold)', refs, digests);
        return { ms, cpu: cpuMs(cpu) };
      };
      // Alternate which side goes first, so neither always meets the registry just after the other.
      const [head, cold] = round % 2 === 0 ? [await runHead(), await runCold()] : await runCold().then(async (c) => [await runHead(), c] as const);
      const afterCold = client.stats.requests;
      let digests: string[] = [];
      const warm = await time(async () => (digests = (await Promise.all(refs.map((r) => client.resolve(r.ref)))).map((d) => d.digest)));
      check('client (warm)', refs, digests);
      if (round === 0) continue; // warm-up: JIT and the registry's own caches, for both sides
      heads.push(head.ms);
      colds.push(cold.ms);
      headCpu.push(head.cpu);
      coldCpu.push(cold.cpu);
      warms.push(warm);
      coldRequests.push(afterCold);
      warmRequests.push(client.stats.requests - afterCold);
    } finally {
      await client.close();
    }
  }
  const ratios = colds.map((c, i) => c / heads[i]!);
  return {
    headMs: median(heads),
    coldMs: median(colds),
    warmMs: median(warms),
    colds,
    // Each round's two runs are back to back: their ratio cancels the load changes between rounds.
    ratio: median(ratios),
    ratios,
    headCpuMs: median(headCpu),
    coldCpuMs: median(coldCpu),
    coldRequests,
    warmRequests,
  };
}

/** CPU time this process spent (user + system) since `start`, in ms. */
function cpuMs(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/**
 * The floor: HEAD each manifest with the client's Accept header at the client's concurrency, through
 * one undici Agent (new per round, as a new client has new connections), reading only the digest.
 * undici closes an HTTP/1.1 connection after every HEAD unless the response says `Connection:
 * keep-alive`, which Go's net/http does not: here, as in the client, each HEAD is a new connection.
 */
async function headLoop(registryUrl: string, refs: readonly Seeded[]): Promise<{ ms: number; digests: string[] }> {
  const agent = new Agent();
  const digests: string[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < refs.length) {
      const i = next++;
      const { repository, tag } = refs[i]!;
      const response = await request(`${registryUrl}/v2/${repository}/manifests/${tag}`, { method: 'HEAD', headers: { accept: ACCEPT }, dispatcher: agent });
      await response.body.dump();
      if (response.statusCode !== 200) throw new Error(`HEAD loop: ${repository}:${tag} answered ${response.statusCode}`);
      digests[i] = String(response.headers['docker-content-digest']);
    }
  };
  try {
    const ms = await time(() => Promise.all(Array.from({ length: CONCURRENCY }, worker)));
    return { ms, digests };
  } finally {
    await agent.close();
  }
}

/**
 * Whole processes doing the same work, both started fresh every round: one `node` process running the
 * client (resolveProcess.ts: each tag to its digest, then the raw manifest by digest), and `skopeo
 * inspect --raw` per reference (the raw manifest by tag) run by a pool of workers as many as the
 * client's per-host concurrency. Each side's answers are checked against the seeded digests.
 */
async function measureProcesses(registry: RunningRegistry, refs: readonly Seeded[]) {
  const texts = refs.map((r) => `${registry.host}/${r.repository}:${r.tag}`);
  const node = async (): Promise<number> => {
    let stdout = '';
    const ms = await time(async () => ({ stdout } = await run(process.execPath, [join(__dirname, 'resolveProcess.js'), registry.host, ...texts], { maxBuffer: 16 * 1024 * 1024 })));
    const digests = stdout.trim().split('\n').map((line) => (JSON.parse(line) as { digest: string }).digest);
    check('node process', refs, digests);
    return ms;
  };
  const skopeo = async (): Promise<number> => {
    const digests: string[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < refs.length) {
        const i = next++;
        const { stdout } = await run('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${texts[i]!}`], { encoding: 'buffer', maxBuffer: 16 * 1024 * 1024 });
        digests[i] = `sha256:${createHash('sha256').update(stdout).digest('hex')}`;
      }
    };
    const ms = await time(() => Promise.all(Array.from({ length: CONCURRENCY }, worker)));
    check('skopeo inspect --raw', refs, digests);
    return ms;
  };
  const nodes: number[] = [];
  const skopeos: number[] = [];
  for (let round = 0; round <= PROCESS_ROUNDS; round++) {
    // Alternate who goes first; round 0 brings both programs into the page cache and is not counted.
    const [n, s] = round % 2 === 0 ? [await node(), await skopeo()] : await skopeo().then(async (s) => [await node(), s] as const);
    if (round === 0) continue;
    nodes.push(n);
    skopeos.push(s);
  }
  const ratios = skopeos.map((s, i) => s / nodes[i]!);
  return { nodeMs: median(nodes), skopeoMs: median(skopeos), ratio: median(ratios), nodes, skopeos, ratios };
}

/**
 * The same 100 references behind Docker token auth (the harness token server grants anonymous pull,
 * as Docker Hub does for public images): what a cold client sends on top of one HEAD per reference.
 */
async function measureTokenAuth() {
  return withTokenRegistry(async ({ registry, tokens, pusher }) => {
    const refs = await seed(registry, { auth: pusher });
    const settings = clientSettings(registry.host);
    const colds: number[] = [];
    const counts: { registryRequests: number; tokenRequests: number; warmRequests: number }[] = [];
    for (let round = 0; round <= ROUNDS; round++) {
      tokens.reset();
      const client = new RegistryClient({ settings, credentials: NO_LOGINS });
      try {
        let digests: string[] = [];
        const cold = await time(async () => (digests = (await Promise.all(refs.map((r) => client.resolve(r.ref)))).map((d) => d.digest)));
        check('client (token auth)', refs, digests);
        const { requests, tokenRequests } = client.stats;
        if (tokens.requests.length !== tokenRequests) throw new Error(`the client counted ${tokenRequests} token requests, the token server saw ${tokens.requests.length}`);
        await Promise.all(refs.map((r) => client.resolve(r.ref)));
        if (round === 0) continue;
        colds.push(cold);
        counts.push({ registryRequests: client.stats.byHost[registry.host] ?? 0, tokenRequests, warmRequests: client.stats.requests - requests });
      } finally {
        await client.close();
      }
    }
    const total = (c: (typeof counts)[number]): number => c.registryRequests + c.tokenRequests;
    const most = counts.reduce((a, b) => (total(b) > total(a) ? b : a));
    return { coldMs: median(colds), requests: total(most), ...most, variation: perRound(counts.map(total)) };
  });
}

/**
 * A registry behind Docker token auth, with its token server (which grants anonymous pull, as Docker Hub does for
 * public images) and the user who may push; all stopped when `use` is done.
 */
export async function withTokenRegistry<T>(use: (auth: { registry: RunningRegistry; tokens: TokenServer; service: string; pusher: { username: string; password: string } }) => Promise<T>): Promise<T> {
  const service = 'bench-registry';
  const issuer = 'bench-token-issuer';
  const pusher = { username: 'pusher', password: 'pusher-Pa55' };
  const certs = await makeTestCertificates();
  const tokens = await startTokenServer({ issuer, service, signingKeyPem: certs.signingKeyPem, signingCertPem: certs.signingCertPem, users: { [pusher.username]: pusher.password } });
  let registry: RunningRegistry | undefined;
  try {
    registry = await startRegistry({ token: { realm: tokens.realm, service, issuer, rootCertBundlePath: certs.signingCertPath } });
    return await use({ registry, tokens, service, pusher });
  } finally {
    await registry?.close();
    await tokens.close();
    await certs.close();
  }
}

function clientSettings(host: string): RegistrySettings {
  return { ...DEFAULT_REGISTRY_SETTINGS, hosts: { [host]: { http: true } } };
}

export function reference(text: string): ImageRef {
  const parsed = parseImageReference(text);
  if (!parsed.ok) throw new Error(`bench reference ${text} does not parse: ${parsed.error.reason}`);
  return parsed.ref;
}

/** A benchmark that got wrong answers measures nothing: every digest must be the one seeded. */
function check(who: string, refs: readonly Seeded[], digests: readonly string[]): void {
  refs.forEach((r, i) => {
    if (digests[i] !== r.digest) throw new Error(`${who}: ${r.repository}:${r.tag} resolved to ${String(digests[i])}, seeded ${r.digest}`);
  });
}

/** Request counts must not vary: say so when they do (the largest is reported). */
function perRound(values: readonly number[]): string {
  return new Set(values).size === 1 ? 'the same every round' : `per round ${values.join(', ')}`;
}

function list(values: readonly number[], digits = 0): string {
  return values.map((v) => v.toFixed(digits)).join(', ');
}
