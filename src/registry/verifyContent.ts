// Verify Image Content: every config and layer blob of an image's platforms streamed through its digest's hash and
// counted, never kept, and each one that does not match the manifest put on the host that served it. This is the
// diagnosis BuildKit does not give: it fails a pull with containerd's content writer's words (containerd
// content/local/writer.go, Commit: "unexpected commit size %d, expected %d", then "unexpected commit digest %s,
// expected %s", both ErrFailedPrecondition, wrapped by content.Copy as `failed commit on ref "layer-sha256:…"`),
// naming neither the host nor the layer's place in the image.
//
// Hosts as containerd's docker fetcher takes them (remotes/docker/fetcher.go, Fetch): the mirrors in order, then
// the registry; the first to answer with the blob is the one whose bytes are written, so it is the one blamed.

import { createHash } from 'node:crypto';
import { formatMessage, message, Messages, type Message } from '../model/messages';
import { familiarName, type ImageRef } from '../reference/imageReference';
import type { RegistryClient } from './client';
import { RegistryError } from './errors';
import { formatPlatform, platformEntries, type Descriptor } from './manifest';

/** Which platforms of an index: one by name (without a variant, every variant of it), one by digest, or all. */
export type PlatformChoice = { readonly platform: string } | { readonly digest: string } | { readonly all: true };

export interface VerifyOptions {
  readonly signal?: AbortSignal;
  /** Blobs read at once; containerd's default max_concurrent_downloads is 3. */
  readonly concurrency?: number;
  readonly onProgress?: (progress: VerifyProgress) => void;
}

export interface VerifyProgress {
  readonly blobs: number;
  readonly blobsDone: number;
  readonly bytes: number;
  readonly bytesDone: number;
}

export interface ContentVerification {
  /** The image as the user knows it. */
  readonly image: string;
  /** What the reference points to: an index or a single manifest. */
  readonly digest: string;
  /** Every platform of an index; empty for a single manifest. */
  readonly availablePlatforms: readonly string[];
  readonly platforms: readonly VerifiedPlatform[];
}

export interface VerifiedPlatform {
  /** `linux/amd64`; '' for a single-platform image (its manifest does not say). */
  readonly platform: string;
  readonly digest: string;
  readonly blobs: readonly VerifiedBlob[];
  /** Why its manifest could not be read (its blobs are then unknown). */
  readonly manifestProblem?: string;
}

export interface VerifiedBlob {
  readonly role: 'config' | 'layer';
  /** 1-based position among the layers; 0 for the config. */
  readonly position: number;
  readonly digest: string;
  readonly size: number;
  readonly mediaType: string;
  readonly outcome: BlobOutcome;
}

export interface ServingHost {
  /** The mirror or registry asked. */
  readonly host: string;
  /** Where the bytes came from after redirects (a blob store, a CDN); the same as `host` without one. */
  readonly servedFrom: string;
  readonly mirror: boolean;
}

export type BlobOutcome =
  | ({ readonly kind: 'match' } & ServingHost)
  /** `overflow`: more bytes than the size came, and reading stopped there (an endless body is not read to its end). */
  | ({ readonly kind: 'mismatch'; readonly actualDigest?: string; readonly actualSize: number; readonly overflow: boolean } & ServingHost)
  | { readonly kind: 'failed'; readonly error: string }
  | { readonly kind: 'skipped'; readonly reason: Message };

/**
 * Docker's foreign layers (Windows base layers): registries do not hold them, the descriptor's URLs do (image
 * manifest v2 schema 2, "urls"); and the OCI image-spec's non-distributable layers, deprecated for the same use.
 */
const FOREIGN_LAYER_TYPES: ReadonlySet<string> = new Set([
  'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
  'application/vnd.oci.image.layer.nondistributable.v1.tar',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd',
]);

/** Verifies the config and layers of the chosen platforms of `ref`. Registry failures of a blob are its outcome; only the top manifest's throw. */
export async function verifyImageContent(client: RegistryClient, ref: ImageRef, choice: PlatformChoice, options: VerifyOptions = {}): Promise<ContentVerification> {
  const { signal } = options;
  const top = await client.manifest(ref, { ...(signal && { signal }) });
  const image = familiarName({ ...ref, digest: undefined });
  const index = top.manifest.kind === 'index' ? top.manifest : undefined;
  const entries = index ? platformEntries(index) : [];
  const chosen = index ? entries.filter((e) => chosenBy(choice, e)) : [];
  const targets: { platform: string; digest: string }[] = index ? chosen.map((e) => ({ platform: formatPlatform(e.platform!), digest: e.digest })) : [{ platform: '', digest: top.digest }];

  const manifests = await Promise.all(
    targets.map(async (t): Promise<PlatformBlobs> => {
      try {
        const fetched = t.digest === top.digest ? top : await client.manifest(ref, { digest: t.digest, ...(signal && { signal }) });
        if (fetched.manifest.kind !== 'image') return { ...t, blobs: [], problem: `${t.digest} is an index, not an image manifest` };
        return { ...t, blobs: [{ role: 'config' as const, position: 0, descriptor: fetched.manifest.config }, ...fetched.manifest.layers.map((d, i) => ({ role: 'layer' as const, position: i + 1, descriptor: d }))] };
      } catch (error) {
        if (RegistryError.is(error, 'cancelled')) throw error;
        return { ...t, blobs: [], problem: error instanceof Error ? error.message : String(error) };
      }
    }),
  );

  // A blob shared by platforms (or repeated in one) is read once.
  const unique = new Map<string, Descriptor>();
  for (const m of manifests) for (const b of m.blobs) if (!FOREIGN_LAYER_TYPES.has(b.descriptor.mediaType)) unique.set(b.descriptor.digest, b.descriptor);
  const progress = new ProgressCounter([...unique.values()], options.onProgress);
  const results = await inBatches([...unique.values()], options.concurrency ?? 3, (d) => verifyBlob(client, ref, d, progress, signal));
  const outcomes = new Map([...unique.keys()].map((digest, i) => [digest, results[i]!]));

  return {
    image,
    digest: top.digest,
    availablePlatforms: entries.map((e) => formatPlatform(e.platform!)),
    platforms: manifests.map((m) => ({
      platform: m.platform,
      digest: m.digest,
      blobs: m.blobs.map((b) => ({
        role: b.role,
        position: b.position,
        digest: b.descriptor.digest,
        size: b.descriptor.size,
        mediaType: b.descriptor.mediaType,
        outcome: outcomes.get(b.descriptor.digest) ?? { kind: 'skipped', reason: message(Messages.verifyForeignLayer, b.descriptor.mediaType) },
      })),
      ...(m.problem !== undefined && { manifestProblem: m.problem }),
    })),
  };
}

/** A platform's manifest read: its config and layers in order, or why it could not be read. */
interface PlatformBlobs {
  platform: string;
  digest: string;
  blobs: { role: 'config' | 'layer'; position: number; descriptor: Descriptor }[];
  problem?: string;
}

function chosenBy(choice: PlatformChoice, entry: Descriptor): boolean {
  if ('all' in choice) return true;
  if ('digest' in choice) return entry.digest === choice.digest;
  const name = formatPlatform(entry.platform!);
  return name === choice.platform || name.startsWith(`${choice.platform}/`);
}

/** One blob through its digest's hash, counting its bytes; reading stops once more than its size came. */
async function verifyBlob(client: RegistryClient, ref: ImageRef, d: Descriptor, progress: ProgressCounter, signal: AbortSignal | undefined): Promise<BlobOutcome> {
  const algorithm = d.digest.slice(0, d.digest.indexOf(':'));
  let read = { hash: '', size: 0, overflow: false };
  try {
    const served = await client.streamBlob(
      ref,
      d.digest,
      async (body) => {
        // Each attempt (a retry, the next mirror) starts again from nothing.
        const hash = createHash(algorithm);
        let size = 0;
        let overflow = false;
        progress.update(d.digest, 0);
        for await (const chunk of body) {
          if (size + chunk.length > d.size) {
            overflow = true;
            size += chunk.length;
            break;
          }
          hash.update(chunk);
          size += chunk.length;
          progress.update(d.digest, size);
        }
        read = { hash: overflow ? '' : `${algorithm}:${hash.digest('hex')}`, size, overflow };
      },
      { ...(signal && { signal }) },
    );
    progress.done(d.digest);
    if (!read.overflow && read.size === d.size && read.hash === d.digest) return { kind: 'match', ...served };
    return { kind: 'mismatch', ...served, ...(read.hash !== '' && { actualDigest: read.hash }), actualSize: read.size, overflow: read.overflow };
  } catch (error) {
    if (RegistryError.is(error, 'cancelled') || signal?.aborted) throw error;
    progress.done(d.digest);
    return { kind: 'failed', error: error instanceof Error ? error.message : String(error) };
  }
}

class ProgressCounter {
  private readonly current = new Map<string, number>();
  private finished = 0;
  private finishedBytes = 0;
  private readonly total: number;

  constructor(
    private readonly blobs: readonly Descriptor[],
    private readonly report: ((p: VerifyProgress) => void) | undefined,
  ) {
    this.total = blobs.reduce((sum, b) => sum + b.size, 0);
  }

  update(digest: string, bytes: number): void {
    this.current.set(digest, bytes);
    this.emit();
  }

  done(digest: string): void {
    this.current.delete(digest);
    this.finished++;
    this.finishedBytes += this.blobs.find((b) => b.digest === digest)?.size ?? 0;
    this.emit();
  }

  private emit(): void {
    let inFlight = 0;
    for (const bytes of this.current.values()) inFlight += bytes;
    this.report?.({ blobs: this.blobs.length, blobsDone: this.finished, bytes: this.total, bytesDone: Math.min(this.total, this.finishedBytes + inFlight) });
  }
}

/** `work` over `items`, at most `limit` at once, results in the items' order. */
async function inBatches<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/** Whether every blob of every chosen platform was read and matched (foreign layers aside). */
export function verificationPassed(v: ContentVerification): boolean {
  return v.platforms.length > 0 && v.platforms.every((p) => p.manifestProblem === undefined && p.blobs.every((b) => b.outcome.kind === 'match' || b.outcome.kind === 'skipped'));
}

/**
 * The result in words: one summary line, then one finding per blob that did not match or could not be read,
 * each naming the blob's place in the image, the host that served it, and what BuildKit says of such a blob.
 * `localize` renders a core message (formatMessage for the command line, vscode.l10n in the editor).
 */
export function describeVerification(v: ContentVerification, localize: (m: Message) => string = formatMessage): { summary: string; findings: string[] } {
  const blobs = new Map<string, VerifiedBlob>();
  for (const p of v.platforms) for (const b of p.blobs) blobs.set(b.digest, b);
  const all = [...blobs.values()].filter((b) => b.outcome.kind !== 'skipped');
  const bad = all.filter((b) => b.outcome.kind !== 'match').length;
  const platforms = v.platforms.map((p) => p.platform || localize(message(Messages.verifySinglePlatform))).join(', ');
  const findings: string[] = [];
  for (const p of v.platforms) {
    const name = p.platform || localize(message(Messages.verifySinglePlatform));
    if (p.manifestProblem !== undefined) findings.push(localize(message(Messages.verifyManifestFailed, name, p.manifestProblem)));
    for (const b of p.blobs) {
      const finding = blobFinding(b, name, localize);
      if (finding !== undefined) findings.push(finding);
    }
  }
  const failedManifests = v.platforms.filter((p) => p.manifestProblem !== undefined).length;
  const summary =
    bad === 0 && failedManifests === 0
      ? localize(message(Messages.verifySummaryMatch, v.image, all.length, formatBytes(all.reduce((sum, b) => sum + b.size, 0)), platforms))
      : localize(message(Messages.verifySummaryMismatch, v.image, bad + failedManifests, all.length + failedManifests, platforms));
  return { summary, findings };
}

function blobFinding(b: VerifiedBlob, platform: string, localize: (m: Message) => string): string | undefined {
  const what = localize(b.role === 'config' ? message(Messages.verifyWhatConfig, platform, b.digest) : message(Messages.verifyWhatLayer, b.position, platform, b.digest));
  const o = b.outcome;
  switch (o.kind) {
    case 'match':
      return undefined;
    case 'skipped':
      return `${what}: ${localize(o.reason)}`;
    case 'failed':
      return localize(message(Messages.verifyBlobFailed, what, o.error));
    case 'mismatch': {
      const host = o.servedFrom === o.host ? o.host : localize(message(Messages.verifyRedirected, o.host, o.servedFrom));
      const cause = localize(o.mirror ? message(Messages.verifyCauseMirror, o.host) : message(Messages.verifyCauseRegistry, o.host));
      // containerd checks the size first, then the digest (content/local/writer.go, Commit).
      if (o.overflow) return localize(message(Messages.verifySizeOverflow, what, host, b.size, cause));
      if (o.actualSize !== b.size) return localize(message(Messages.verifySizeMismatch, what, host, o.actualSize, b.size, cause));
      return localize(message(Messages.verifyDigestMismatch, what, host, o.actualDigest ?? '', b.digest, cause));
    }
  }
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024 * 1024) return `${(n / (1024 * 1024 * 1024)).toFixed(1)} GiB`;
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}
