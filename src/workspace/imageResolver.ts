// Resolves every image the index knows, in the background: the digest its tag points at and its
// platforms. One resolution per distinct reference, shared by all its uses; listeners hear which images
// changed and when a batch of lookups starts and settles (the editor shows it as progress on its view).

import { Emitter, type Disposable, type Event } from '../async/emitter';
import { pulledImage, type BuildFile } from '../model/buildFile';
import { canonicalName, familiarName, type ImageRef } from '../reference/imageReference';
import { onAbort } from '../registry/abort';
import type { RegistryClient } from '../registry/client';
import { RegistryError, type RegistryErrorKind } from '../registry/errors';
import { describeImage, type ImageDetails, type PlatformImage } from '../registry/imageDetails';
import { referrerRepositoryFor } from '../attest/referrerRepository';
import type { ImageSummary, SummaryOptions } from '../attest/summary';
import type { Resolution } from '../pin/pinStatus';
import type { BuildFileIndex } from './buildFileIndex';

export type { Resolution } from '../pin/pinStatus';

/** Which attestations to read: one platform's (a tree row, the hover), or every platform's. */
export interface AttestationRead {
  /** The platform image, by its digest in the index (names can repeat, or carry a Windows `os.version`). */
  readonly platform?: PlatformImage;
  /** The hover's read: the attestations in the index, referrers only when it has none, no cosign tags. */
  readonly quick?: boolean;
}

/** A summary and when it was read: the hover says its age when the registry cannot be asked. */
export interface ReadAttestations {
  readonly summary: ImageSummary;
  readonly readAt: number;
}

/** A read as a tree row shows it: under way, done, or failed (kept until retried, so a row does not ask again at once). */
export type AttestationState = { readonly state: 'reading'; readonly done: Promise<unknown> } | { readonly state: 'read'; readonly read: ReadAttestations } | { readonly state: 'failed'; readonly error: Error };

/** What a batch of lookups came to, once none is left running: for the view's progress and its badge. */
export interface LookupBatch {
  readonly looked: number;
  readonly failed: number;
  /** Images whose last lookup failed, in this batch or before (shown until retried). */
  readonly failing: number;
  /** Hosts that could not be reached (offline, DNS, timeout): the client failed their other requests at once. */
  readonly unreachable: readonly string[];
}

/** Where the resolver says what it asked and what answered (the editor's output channel, the CLI's stderr). */
export interface ResolverLog {
  info(text: string): void;
  warn(text: string): void;
}

/** What a registry lookup of one image does: `describeImage` over the client, or a stand-in in tests. */
export type DescribeImage = (client: RegistryClient, ref: ImageRef, signal?: AbortSignal) => Promise<ImageDetails>;

/** Index changes come in bursts (a scan, typing): look for new images once per burst. */
const COLLECT_DELAY_MS = 200;

/** Failures that say a host could not be reached, for the batch's summary. */
const UNREACHABLE: ReadonlySet<RegistryErrorKind> = new Set(['network', 'timeout']);

export class ImageResolver implements Disposable {
  private readonly results = new Map<string, Resolution>();
  /** Attestation summaries by image, digest and read, read once; a failed read is forgotten, to be asked again. */
  private readonly summaries = new Map<string, Promise<ReadAttestations>>();
  private readonly settled = new Map<string, ReadAttestations>();
  /** Failed reads by the same key, for the tree's rows; cleared by a retry. */
  private readonly failedReads = new Map<string, { image: string; error: Error }>();
  /** The last read of each image (by name), kept across resets: what the hover shows when the registry cannot be asked. */
  private readonly lastRead = new Map<string, ReadAttestations & { readonly digest: string }>();
  /** The images (`canonicalName` keys) whose result changed; undefined: every one (a reset). */
  private readonly changed = new Emitter<readonly string[] | undefined>();
  readonly onDidChange: Event<readonly string[] | undefined> = this.changed.event;
  /** The view's lookups started: the promise settles when none is left running. */
  private readonly lookupsStarted = new Emitter<Promise<LookupBatch>>();
  readonly onDidStartLookups: Event<Promise<LookupBatch>> = this.lookupsStarted.event;
  private readonly indexChanges: Disposable;
  private collectTimer: NodeJS.Timeout | undefined;
  /** Files changed since the last collect: only their images can be new (a full collect when undefined). */
  private changedFiles: Set<string> | undefined;
  private aborter = new AbortController();
  private running = 0;
  private finishedAll: (() => void) | undefined;
  /** Counts since the last time nothing was running, and the hosts that could not be reached. */
  private batch = newBatch();
  private client: Promise<RegistryClient> | undefined;
  /** Registries are asked only while someone looks: the view is visible, or an editor shows the image (`request`). */
  private active = false;
  /** A `setActive(true)` waiting for its moment; it collects every file then. */
  private starting: Promise<void> | undefined;

  constructor(
    private readonly index: BuildFileIndex,
    /** Builds a client from the current settings and credentials; called when one is first needed. */
    private readonly connect: () => Promise<RegistryClient>,
    /** Every lookup's outcome goes to the log: what was asked, what answered, why it failed. */
    private readonly log: ResolverLog,
    /** `imageProvenance.referrerRepositories`: where some registries keep their images' attestations. */
    private readonly referrerRepositories: () => Readonly<Record<string, string>> = () => ({}),
    private readonly describe: DescribeImage = describeImage,
  ) {
    this.indexChanges = index.onDidChange((paths) => {
      if (!this.active) return;
      for (const path of paths) this.changedFiles?.add(path);
      this.scheduleCollect();
    });
  }

  /**
   * Starts (or stops looking for new) resolutions as the view shows or hides; once `notBefore` settles, when given
   * (the view's first rows: collecting a large workspace's images and what their lookups set off took the extension
   * host's thread for a second and more, and VS Code's reply with the rows waited behind it).
   */
  setActive(active: boolean, notBefore?: Promise<unknown>): void {
    this.active = active;
    this.changedFiles = undefined;
    this.starting = undefined;
    if (!active) return;
    if (!notBefore) return this.collect();
    const starting: Promise<void> = notBefore.then(
      () => this.started(starting),
      () => this.started(starting),
    );
    this.starting = starting;
  }

  /** The collect a deferred `setActive` waited for, unless the view has hidden or shown again since. */
  private started(starting: Promise<void>): void {
    if (this.starting !== starting) return;
    this.starting = undefined;
    this.collect();
  }

  get(ref: ImageRef): Resolution | undefined {
    return this.results.get(canonicalName(ref));
  }

  /** Resolves these images if they have no result yet, whether the view shows or not (an editor shows them). */
  request(refs: Iterable<ImageRef>): void {
    const started: string[] = [];
    for (const ref of refs) {
      const key = canonicalName(ref);
      if (!this.results.has(key)) {
        void this.resolve(key, ref);
        started.push(key);
      }
    }
    if (started.length) this.changed.fire(started);
  }

  /**
   * Looks the image up again now (a pin is about to be written from it) and keeps the result. Throws the
   * registry's error, and `cancelled` when `signal` aborts.
   */
  async refresh(ref: ImageRef, signal?: AbortSignal): Promise<ImageDetails> {
    const key = canonicalName(ref);
    const generation = this.aborter.signal;
    try {
      const details = await this.describe(await this.registry, ref, signal);
      this.logResolved(ref, details);
      if (!generation.aborted) this.results.set(key, { state: 'resolved', details });
      return details;
    } catch (error) {
      const failure = asRegistryError(error, ref);
      this.logFailed(failure);
      if (!generation.aborted && failure.kind !== 'cancelled') this.results.set(key, { state: 'failed', error: failure });
      throw failure;
    } finally {
      if (!generation.aborted) this.changed.fire([key]);
    }
  }

  /** Resolves once nothing is pending (the extension tests wait on it). */
  async whenIdle(): Promise<void> {
    await this.starting;
    if (this.collectTimer) this.collect();
    if (this.running === 0) return;
    await new Promise<void>((done) => {
      const previous = this.finishedAll;
      this.finishedAll = () => (previous?.(), done());
    });
  }

  /**
   * What the attestations of the content `digest` names say, per platform. Read once per image, digest and
   * read and shared; the reader (statements, provenance, SBOMs) is a bundle of its own, loaded the first time
   * this is asked. `early`, when this call starts the read: `beforeSboms` is given the summary without its SBOMs
   * as soon as everything else is read (when there are SBOMs to wait for), and `sbomPreview` the first packages
   * of each SBOM as it arrives: the panel shows them meanwhile.
   */
  attestations(ref: ImageRef, digest: string, read: AttestationRead = {}, early: Pick<SummaryOptions, 'beforeSboms' | 'sbomPreview'> = {}): Promise<ReadAttestations> {
    const key = summaryKey(ref, digest, read);
    const known = this.summaries.get(key);
    if (known) return known;
    const generation = this.aborter.signal;
    const summary = (async () => {
      const { summarizeImage } = loadSummary();
      // The read of every platform is the panels' (an image's, a compare): their Overview says when each was created.
      const whole = read.platform === undefined && !read.quick;
      const options = { ...this.summaryOptions(ref, read), ...(whole && { imageCreated: true }), signal: generation, ...early };
      return { summary: await summarizeImage(await this.registry, ref, digest, options), readAt: Date.now() };
    })();
    this.summaries.set(key, summary);
    this.failedReads.delete(key);
    summary.then(
      (done) => {
        if (generation.aborted) return;
        this.settled.set(key, done);
        this.lastRead.set(canonicalName(ref), { ...done, digest });
      },
      (error: unknown) => {
        if (this.summaries.get(key) === summary) this.summaries.delete(key);
        if (!generation.aborted) this.failedReads.set(key, { image: canonicalName(ref), error: error instanceof Error ? error : new Error(String(error)) });
      },
    );
    return summary;
  }

  /** One platform's complete read for a tree row: its state now, the read started if there is none. */
  platformAttestations(ref: ImageRef, digest: string, platform: PlatformImage): AttestationState {
    const key = summaryKey(ref, digest, { platform });
    const read = this.settled.get(key);
    if (read) return { state: 'read', read };
    const failed = this.failedReads.get(key);
    if (failed) return { state: 'failed', error: failed.error };
    return { state: 'reading', done: this.attestations(ref, digest, { platform }).catch(() => undefined) };
  }

  /**
   * The hover's read of one platform: a complete read already made (of that platform or of all) if there is
   * one, else the quick read, asked once.
   */
  hoverAttestations(ref: ImageRef, digest: string, platform: PlatformImage | undefined): Promise<ReadAttestations> {
    const complete = (platform !== undefined && this.settled.get(summaryKey(ref, digest, { platform }))) || this.settled.get(summaryKey(ref, digest, {}));
    return complete ? Promise.resolve(complete) : this.attestations(ref, digest, { ...(platform !== undefined && { platform }), quick: true });
  }

  /** The last attestations read of an image (by name), whenever that was: for when the registry cannot be asked now. */
  lastAttestations(ref: ImageRef): (ReadAttestations & { readonly digest: string }) | undefined {
    return this.lastRead.get(canonicalName(ref));
  }

  /**
   * One platform's attestations with their in-toto statements decoded, for copying: read each time (the
   * statements are not kept), through the content cache.
   */
  async statements(ref: ImageRef, digest: string, platform: PlatformImage | undefined, signal?: AbortSignal): Promise<ImageSummary> {
    const { summarizeImage } = loadSummary();
    const options: SummaryOptions = { ...this.summaryOptions(ref, platform !== undefined ? { platform } : {}), keepStatements: true, ...(signal && { signal }) };
    return summarizeImage(await this.registry, ref, digest, options);
  }

  private summaryOptions(ref: ImageRef, read: AttestationRead): SummaryOptions {
    const referrerRepository = referrerRepositoryFor(ref, this.referrerRepositories());
    return { ...(read.platform !== undefined && { platformDigest: read.platform.digest }), ...(read.quick && { quick: true }), ...(referrerRepository && { referrerRepository }) };
  }

  /** Tries failed images again (when the network is back). */
  retry(): void {
    void this.client?.then((client) => client.forgetUnreachable(), () => undefined);
    const failed = [...this.results].filter(([, result]) => result.state === 'failed').map(([key]) => key);
    for (const key of failed) this.results.delete(key);
    // Images whose attestations could not be read: their rows ask again when redrawn.
    const unread = [...new Set([...this.failedReads.values()].map((f) => f.image))];
    this.failedReads.clear();
    this.changedFiles = undefined;
    this.collect();
    if (unread.length) this.changed.fire(unread);
    // Shown as not looked up until someone looks again (the view is hidden, or an editor asks).
    if (!this.active && failed.length) this.changed.fire(failed);
  }

  /** Forgets every result and starts over with a new client (settings or credentials changed, cache cleared). */
  reset(): void {
    this.aborter.abort();
    this.aborter = new AbortController();
    void this.closeClient();
    this.results.clear();
    this.summaries.clear();
    this.settled.clear();
    this.failedReads.clear();
    this.changed.fire(undefined);
    this.changedFiles = undefined;
    this.collect();
  }

  /** Forgets the attestations read earlier too (the cache was cleared): nothing is shown from before. */
  forgetReads(): void {
    this.lastRead.clear();
  }

  /** The client the resolutions come from, for commands that fetch more (a manifest to show). */
  get registry(): Promise<RegistryClient> {
    this.client ??= this.connect();
    return this.client;
  }

  private async closeClient(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await (await client?.catch(() => undefined))?.close();
  }

  private scheduleCollect(): void {
    // A deferred start collects every file, these included.
    if (this.active && !this.starting) this.collectTimer ??= setTimeout(() => this.collect(), COLLECT_DELAY_MS);
  }

  /**
   * Starts a resolution for each image that has none: of the files changed since the last collect (a change
   * to one file costs that file, not a walk of the workspace), or of every file after a reset or activation.
   */
  private collect(): void {
    clearTimeout(this.collectTimer);
    this.collectTimer = undefined;
    if (!this.active) return;
    const paths = this.changedFiles;
    this.changedFiles = new Set();
    const files = paths ? [...paths].flatMap((path) => this.index.get(path) ?? []) : this.index.files();
    const started: string[] = [];
    for (const file of files) {
      for (const use of this.usesOf(file)) {
        const ref = pulledImage(use);
        const key = ref && canonicalName(ref);
        if (ref && key && !this.results.has(key)) {
          void this.resolve(key, ref);
          started.push(key);
        }
      }
    }
    if (started.length) {
      this.changed.fire(started);
      this.lookupsStarted.fire(this.batchOutcome());
    }
  }

  /** A file's uses and those of the Dockerfiles its builds build, as each build sees them (`BuildFileIndex.byImage` walks the same). */
  private *usesOf(file: BuildFile) {
    yield* file.uses;
    for (let build = 0; build < (file.builds?.length ?? 0); build++) yield* this.index.linked(file.path, build)?.uses ?? [];
  }

  /** What the lookups running now come to, once none is left. */
  private async batchOutcome(): Promise<LookupBatch> {
    const batch = this.batch;
    await this.whenIdle();
    const failing = [...this.results.values()].filter((result) => result.state === 'failed').length;
    return { looked: batch.looked, failed: batch.failed, failing, unreachable: [...batch.unreachable] };
  }

  private async resolve(key: string, ref: ImageRef): Promise<void> {
    this.results.set(key, { state: 'pending' });
    if (this.running++ === 0) this.batch = newBatch();
    const batch = this.batch;
    const { signal } = this.aborter;
    // Its own signal, told by the generation's one listener: lookups by the hundred share the generation,
    // and each request of a lookup listens to the signal it is given.
    const aborter = new AbortController();
    const stop = onAbort(signal, () => aborter.abort());
    try {
      const details = await this.describe(await this.registry, ref, aborter.signal);
      this.logResolved(ref, details);
      if (!signal.aborted) this.results.set(key, { state: 'resolved', details });
    } catch (error) {
      const failure = asRegistryError(error, ref);
      this.logFailed(failure);
      batch.failed++;
      if (UNREACHABLE.has(failure.kind)) batch.unreachable.add(failure.host);
      if (!signal.aborted) this.results.set(key, { state: 'failed', error: failure });
    } finally {
      stop();
      batch.looked++;
      this.running--;
      if (!signal.aborted) this.changed.fire([key]);
      if (this.running === 0) {
        const finished = this.finishedAll;
        this.finishedAll = undefined;
        finished?.();
      }
    }
  }

  /** Digests, hosts and the registry's own error texts: none of them holds a credential (see registry/errors.ts). */
  private logResolved(ref: ImageRef, details: ImageDetails): void {
    const platforms = details.platforms.map((p) => p.platform).join(', ') || 'no platforms';
    const tag = details.tagDigest !== undefined && details.tagDigest !== details.digest ? `; the tag points to ${details.tagDigest}` : '';
    this.log.info(`${familiarName(ref)}: ${details.digest} (${details.kind}: ${platforms}) from ${details.host}${tag}`);
    if (details.tagError) this.logFailed(details.tagError);
  }

  private logFailed(error: RegistryError): void {
    if (error.kind !== 'cancelled') this.log.warn(`${error.image}: ${error.kind} from ${error.host}: ${error.message}`);
  }

  dispose(): void {
    clearTimeout(this.collectTimer);
    this.aborter.abort();
    this.indexChanges.dispose();
    this.changed.dispose();
    this.lookupsStarted.dispose();
    void this.closeClient();
  }
}

function summaryKey(ref: ImageRef, digest: string, read: AttestationRead): string {
  return `${canonicalName(ref)}@${digest} ${read.platform?.digest ?? '*'}${read.quick ? ' quick' : ''}`;
}

/** The attestation reader's bundle (dist/attest.js), loaded on first use. */
function loadSummary(): typeof import('../attest/summary') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, on purpose
  return require('../attest/summary') as typeof import('../attest/summary');
}

function newBatch() {
  return { looked: 0, failed: 0, unreachable: new Set<string>() };
}

/** Anything else thrown is a bug of ours; it still shows on the image, not as an unhandled rejection. */
function asRegistryError(error: unknown, ref: ImageRef): RegistryError {
  if (RegistryError.is(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new RegistryError('badResponse', familiarName(ref), ref.registry, `${familiarName(ref)}: ${message}`);
}
