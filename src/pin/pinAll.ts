// Pinning many images at once: every unpinned image of a file or the workspace (Pin All), or every pin the
// tag has moved away from (Update Stale Pins). Which images need a lookup; each looked up and its digest
// verified; the edits planned from the verified digests only; and why every other image is left as it is.
// The editor applies each file's edits to its document as one undo step, the command line to the file.

import type { BuildFile, ImageUse } from '../model/buildFile';
import { argPinChoices, pulledImage } from '../model/buildFile';
import { Messages, message, type Message } from '../model/messages';
import { canonicalName, type ImageRef } from '../reference/imageReference';
import { RegistryError } from '../registry/errors';
import { failureWords } from '../registry/failureWords';
import { bulkDigest, PinLookupError, type BulkMode, type PinLookups } from './chooseDigest';
import { skipCauseMessage, skipMessage } from './pinMessages';
import { planPinAll, type ArgPinForm, type PinAllPlan, type PinEdit } from './planEdits';
import type { PinTarget } from './pinStatus';
import type { BuildFileIndex } from '../workspace/buildFileIndex';

/** Lookups in flight at once in a bulk run (the client bounds each host further). */
const LOOKUP_CONCURRENCY = 8;

/** The reason in a few words, shared by the images skipped for the same thing: `registry unreachable (docker.io)`. */
export interface SkipCause {
  readonly words: Message;
  readonly registry?: string;
}

export interface BulkSkip {
  readonly path: string;
  /** One-based, as people count lines. */
  readonly line: number;
  readonly image: string;
  readonly reason: Message;
  readonly cause: SkipCause;
}

export interface BulkChange {
  readonly path: string;
  readonly line: number;
  readonly image: string;
  readonly digest: string;
}

/** What a bulk run did. */
export interface BulkRun {
  readonly cancelled: boolean;
  readonly changed: readonly BulkChange[];
  readonly skipped: readonly BulkSkip[];
  /** Files that got an edit. */
  readonly files: readonly string[];
}

export interface BulkOptions {
  readonly mode: BulkMode;
  /** `imageProvenance.pinning.argReferences`: how a reference partly made of ARGs is pinned; `ask` skips them. */
  readonly argSetting: ArgPinForm | 'ask';
  /** The uses in scope (a file's Pin All: those whose pin is written in that file); default every use. */
  readonly inScope?: (use: ImageUse, file: BuildFile) => boolean;
  /** Pin runs: each image's image for this platform (`os/arch[/variant]`) instead of its index. */
  readonly platform?: string;
}

/** What the lookups found: a verified digest per image (none for a current pin), or why there is none. */
export interface BulkLookups {
  readonly targets: ReadonlyMap<string, PinTarget>;
  readonly failures: ReadonlyMap<string, { readonly reason: Message; readonly cause: SkipCause }>;
}

/** References partly made of ARGs are pinned by a bulk run only in the form the setting names, if it names one. */
function argFormOf(options: BulkOptions): ArgPinForm | undefined {
  return options.mode === 'pin' && options.argSetting !== 'ask' ? options.argSetting : undefined;
}

/**
 * Looks up, and verifies, the digest of every image of `files` in scope that the run would change: unpinned
 * images to pin, or pinned ones to check. `progress` hears each lookup done.
 */
export async function lookUpBulk(
  files: readonly BuildFile[],
  lookups: PinLookups,
  options: BulkOptions,
  run: { readonly signal?: AbortSignal; readonly progress?: (done: number, total: number) => void } = {},
): Promise<BulkLookups> {
  const argForm = argFormOf(options);
  const inScope = options.inScope ?? (() => true);
  const wanted = new Map<string, ImageRef>();
  for (const file of files) {
    for (const use of file.uses) {
      const ref = pulledImage(use);
      const pinnable = use.pin.pinnable || (argForm !== undefined && argPinChoices(use) !== undefined);
      if (!ref || !pinnable || !inScope(use, file) || isInline(editPathOf(use, file.path))) continue;
      if ((options.mode === 'update') === (ref.digest !== undefined)) wanted.set(canonicalName(ref), ref);
    }
  }
  const targets = new Map<string, PinTarget>();
  const failures = new Map<string, { reason: Message; cause: SkipCause }>();
  let done = 0;
  const refs = [...wanted.entries()];
  await forEachLimited(refs, LOOKUP_CONCURRENCY, async ([key, ref]) => {
    try {
      const target = await bulkDigest(ref, options.mode, lookups, run.signal, options.platform);
      if (target) targets.set(key, target);
    } catch (error) {
      failures.set(key, {
        reason: error instanceof PinLookupError ? error.reason : message(Messages.pinRegistryFailure, error instanceof Error ? error.message : String(error)),
        cause: RegistryError.is(error) ? { words: failureWords(error.kind), registry: ref.registry } : { words: message(Messages.pinLookupFailed) },
      });
    }
    run.progress?.(++done, refs.length);
  });
  return { targets, failures };
}

/**
 * The edits for `files` (as indexed now: edits made during the lookups included) from the verified digests,
 * and why each other image in scope is left as it is.
 */
export function planBulk(files: readonly BuildFile[], found: BulkLookups, options: BulkOptions, relative?: (path: string) => string): { plan: PinAllPlan; skipped: BulkSkip[] } {
  const { mode } = options;
  const inScope = options.inScope ?? (() => true);
  const { targets, failures } = found;
  const plan = planPinAll(
    files.map((file) => ({ ...file, uses: file.uses.filter((use) => inScope(use, file)) })),
    (use, file) => {
      const ref = pulledImage(use);
      if (!ref || isInline(editPathOf(use, file.path))) return undefined;
      const key = canonicalName(ref);
      if (mode === 'update' && (ref.digest === undefined || failures.has(key))) return undefined;
      // Pin runs leave existing pins alone; update runs leave current ones (no target) as they are.
      if (mode === 'pin' && ref.digest !== undefined) return ref.digest;
      return targets.get(key)?.digest ?? (mode === 'update' ? ref.digest : undefined);
    },
    argFormOf(options),
  );

  const skipped: BulkSkip[] = [];
  for (const { path, use, reason } of plan.skipped) {
    const ref = pulledImage(use);
    // Update runs only speak of pins; pin runs of what they could not pin (a pin written by hand where
    // no digest could be written is not something that was skipped).
    if (mode === 'update' && ref?.digest === undefined) continue;
    if (reason.kind === 'notPinnable' && ref?.digest !== undefined) continue;
    const inline = reason.kind === 'noDigest' && isInline(editPathOf(use, path));
    const failure = reason.kind === 'noDigest' && ref ? failures.get(canonicalName(ref)) : undefined;
    const [text, cause]: [Message, SkipCause] = inline
      ? [message(Messages.pinSkipInline), { words: message(Messages.pinCauseInline) }]
      : failure
        ? [failure.reason, failure.cause]
        : [skipMessage(reason, relative), { words: skipCauseMessage(reason) }];
    skipped.push({ path, line: use.range.start.line + 1, image: use.resolved ?? use.text, reason: text, cause });
  }
  return { plan, skipped };
}

/** How one file's edits went: those applied (all, some, none), or why none was. */
export type FileOutcome = { readonly applied: readonly PinEdit[] } | { readonly failed: Message };

/**
 * Applies the plan file by file with `apply` and says what was done. Cancelling stops before the next file:
 * the files already edited stay edited, and are reported.
 */
export async function applyBulk(
  plan: PinAllPlan,
  skippedBefore: readonly BulkSkip[],
  apply: (path: string, edits: readonly PinEdit[]) => Promise<FileOutcome>,
  cancelled: () => boolean = () => false,
): Promise<BulkRun> {
  const changed: BulkChange[] = [];
  const skipped = [...skippedBefore];
  const edited: string[] = [];
  let stopped = false;
  for (const { path, edits } of plan.files) {
    stopped ||= cancelled();
    const outcome: FileOutcome = stopped ? { failed: failureWords('cancelled') } : await apply(path, edits);
    const applied = 'applied' in outcome ? outcome.applied : [];
    const why = 'failed' in outcome ? outcome.failed : message(Messages.pinSkipFileChanged);
    if (applied.length) edited.push(path);
    for (const entry of plan.changed.filter((c) => c.edit.path === path)) {
      const image = entry.use.resolved ?? entry.use.text;
      const line = entry.edit.range.start.line + 1;
      if (applied.includes(entry.edit)) changed.push({ path, line, image, digest: digestIn(entry.edit.newText) });
      else skipped.push({ path, line: entry.use.range.start.line + 1, image, reason: why, cause: { words: stopped ? why : message(Messages.pinCauseFileChanged) } });
    }
  }
  return { cancelled: stopped, changed: dedupeChanged(changed), skipped, files: edited };
}

/** The file a pin of `use` (read from the file at `path`) edits: where its pin site is written. */
export function editPathOf(use: ImageUse, path: string): string {
  return use.pin.pinnable ? (use.pin.file ?? path) : path;
}

/** The path of a use read from `dockerfile_inline` text: its ranges are in that text, not in any file. */
export function isInline(path: string): boolean {
  return /#\d+$/.test(path);
}

/** The digest an edit writes (a companion ARG's line holds it as the ARG's default, not after an `@`). */
function digestIn(text: string): string {
  return text.match(/sha256:[0-9a-f]{64}/g)?.at(-1) ?? '';
}

/** A site several routes reach (a Dockerfile on its own and through its builds) is one change. */
function dedupeChanged(changed: readonly BulkChange[]): BulkChange[] {
  const seen = new Set<string>();
  return changed.filter((c) => {
    const key = `${c.path}\n${c.line}\n${c.image}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

async function forEachLimited<T>(items: readonly T[], limit: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await run(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Build files of the workspace (or the one at `path`), with every Dockerfile also as each Compose service or Bake target builds it. */
export function filesToPin(index: BuildFileIndex, path?: string): BuildFile[] {
  const owners = path === undefined ? index.files() : [index.get(path)].filter((f): f is BuildFile => f !== undefined);
  const out: BuildFile[] = [...owners];
  for (const file of owners) {
    (file.builds ?? []).forEach((_, build) => {
      const linked = index.linked(file.path, build);
      if (linked) out.push(linked);
    });
  }
  return out;
}
