// Resolves every image the index knows, in the background: the digest its tag points at and its
// platforms. One resolution per distinct reference, shared by all its uses; progress shows on the view.

import * as vscode from 'vscode';
import { pulledImage } from '../../model/buildFile';
import { canonicalName, familiarName, type ImageRef } from '../../reference/imageReference';
import type { RegistryClient } from '../../registry/client';
import { RegistryError } from '../../registry/errors';
import { describeImage, type ImageDetails } from '../../registry/imageDetails';
import type { Resolution } from '../../pin/pinStatus';
import type { BuildFileIndex } from '../../workspace/buildFileIndex';
import { IMAGES_VIEW } from '../context';

export type { Resolution } from '../../pin/pinStatus';

/** Index changes come in bursts (a scan, typing): look for new images once per burst. */
const COLLECT_DELAY_MS = 200;

export class ImageResolver implements vscode.Disposable {
  private readonly results = new Map<string, Resolution>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly unsubscribe: () => void;
  private collectTimer: NodeJS.Timeout | undefined;
  private aborter = new AbortController();
  private running = 0;
  private finishedAll: (() => void) | undefined;
  private client: Promise<RegistryClient> | undefined;
  /** Registries are asked only while someone looks: the view is visible, or an editor shows the image (`request`). */
  private active = false;

  constructor(
    private readonly index: BuildFileIndex,
    /** Builds a client from the current settings and credentials; called when one is first needed. */
    private readonly connect: () => Promise<RegistryClient>,
  ) {
    this.unsubscribe = index.onDidChange(() => this.scheduleCollect());
  }

  /** Starts (or stops looking for new) resolutions as the view shows or hides. */
  setActive(active: boolean): void {
    this.active = active;
    if (active) this.collect();
  }

  get(ref: ImageRef): Resolution | undefined {
    return this.results.get(canonicalName(ref));
  }

  /** Resolves these images if they have no result yet, whether the view shows or not (an editor shows them). */
  request(refs: Iterable<ImageRef>): void {
    const before = this.running;
    for (const ref of refs) {
      const key = canonicalName(ref);
      if (!this.results.has(key)) void this.resolve(key, ref);
    }
    if (this.running > before) this.changed.fire();
  }

  /**
   * Looks the image up again now (a pin is about to be written from it) and keeps the result. Throws the
   * registry's error, and `cancelled` when `signal` aborts.
   */
  async refresh(ref: ImageRef, signal?: AbortSignal): Promise<ImageDetails> {
    const key = canonicalName(ref);
    const generation = this.aborter.signal;
    try {
      const details = await describeImage(await this.registry, ref, signal);
      if (!generation.aborted) this.results.set(key, { state: 'resolved', details });
      return details;
    } catch (error) {
      const failure = asRegistryError(error, ref);
      if (!generation.aborted && failure.kind !== 'cancelled') this.results.set(key, { state: 'failed', error: failure });
      throw failure;
    } finally {
      if (!generation.aborted) this.changed.fire();
    }
  }

  /** Resolves once nothing is pending (the extension tests wait on it). */
  async whenIdle(): Promise<void> {
    if (this.collectTimer) this.collect();
    if (this.running === 0) return;
    await new Promise<void>((done) => {
      const previous = this.finishedAll;
      this.finishedAll = () => (previous?.(), done());
    });
  }

  /** Tries failed images again (when the network is back). */
  retry(): void {
    for (const [key, result] of this.results) if (result.state === 'failed') this.results.delete(key);
    this.collect();
  }

  /** Forgets every result and starts over with a new client (settings or credentials changed, cache cleared). */
  reset(): void {
    this.aborter.abort();
    this.aborter = new AbortController();
    void this.closeClient();
    this.results.clear();
    this.changed.fire();
    this.collect();
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
    if (this.active) this.collectTimer ??= setTimeout(() => this.collect(), COLLECT_DELAY_MS);
  }

  /** Starts a resolution for each image of the index that has none. */
  private collect(): void {
    clearTimeout(this.collectTimer);
    this.collectTimer = undefined;
    if (!this.active) return;
    const before = this.running;
    for (const group of this.index.byImage()) {
      for (const { use } of group.uses) {
        const ref = pulledImage(use);
        const key = ref && canonicalName(ref);
        if (ref && key && !this.results.has(key)) void this.resolve(key, ref);
      }
    }
    if (this.running > before) {
      this.changed.fire();
      void vscode.window.withProgress({ location: { viewId: IMAGES_VIEW } }, () => this.whenIdle());
    }
  }

  private async resolve(key: string, ref: ImageRef): Promise<void> {
    this.results.set(key, { state: 'pending' });
    this.running++;
    const { signal } = this.aborter;
    try {
      const details = await describeImage(await this.registry, ref, signal);
      if (!signal.aborted) this.results.set(key, { state: 'resolved', details });
    } catch (error) {
      if (!signal.aborted) this.results.set(key, { state: 'failed', error: asRegistryError(error, ref) });
    } finally {
      this.running--;
      if (!signal.aborted) this.changed.fire();
      if (this.running === 0) {
        const finished = this.finishedAll;
        this.finishedAll = undefined;
        finished?.();
      }
    }
  }

  dispose(): void {
    clearTimeout(this.collectTimer);
    this.aborter.abort();
    this.unsubscribe();
    this.changed.dispose();
    void this.closeClient();
  }
}

/** Anything else thrown is a bug of ours; it still shows on the image, not as an unhandled rejection. */
function asRegistryError(error: unknown, ref: ImageRef): RegistryError {
  if (RegistryError.is(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new RegistryError('badResponse', familiarName(ref), ref.registry, `${familiarName(ref)}: ${message}`);
}
