// Pin planning: which text to replace, where, to pin an image use to a digest, update a stale pin, or
// unpin. Pure: it reads the model and returns edits as data; the VS Code edge turns them into one
// `WorkspaceEdit` per file, the CLI applies them with `applyEdits`. Nothing here knows whether a digest is
// right: the caller verifies it against the registry (DESIGN.md, "Registry") before asking for an edit.
//
// An edit covers only the pin site's text (the reference, the ARG default or the Compose/Bake value),
// never the flags, `AS` name, quotes or comments around it, and carries the text it expects to replace:
// an edit whose range no longer holds that text is skipped, not applied over a changed document.

import { argPinChoices, isPulledImage, rangeKey, type ArgPinChoices, type BuildFile, type CompanionRefusal, type ImageUse, type NotPinnableReason, type PinSite, type Position, type Range } from '../model/buildFile';
import { LineIndex } from '../model/lineIndex';
import { withDigest, withoutDigest } from '../reference/imageReference';

/** One replacement in one document. */
export interface PinEdit {
  /** The document to edit, as in `BuildFile.path` (or `PinSite.file` when the site is in another file). */
  readonly path: string;
  readonly range: Range;
  /** The text the range must still hold, or the edit is skipped. */
  readonly expected: string;
  readonly newText: string;
}

/** Why a use cannot be pinned or unpinned as asked. */
export type PinRefusal =
  /** The model says no place holds the reference alone (stage, scratch, shared or partial ARG, …). */
  | { readonly kind: 'notPinnable'; readonly reason: NotPinnableReason }
  /** Only `sha256:<64 lowercase hex>` is written: the digest form registries and BuildKit verify. */
  | { readonly kind: 'invalidDigest'; readonly digest: string }
  /** A pin site without a parsed reference: the model is inconsistent, nothing is written. */
  | { readonly kind: 'noReference' }
  /**
   * The site's text disagrees with the parsed reference about having a digest (one has `@`, the other
   * not): editing it could write a second digest or drop one. A parser bug, never a user's mistake.
   */
  | { readonly kind: 'siteMismatch'; readonly text: string }
  /**
   * Unpin of `name@sha256:…` without a tag: removing the digest would leave `name`, which pulls
   * `latest` — not necessarily the image the digest names. Only the user knows which tag was meant.
   */
  | { readonly kind: 'noTag' }
  /** Unpin of a digest held by a companion ARG: the `@${ARG}` and the ARG itself are the user's to remove. */
  | { readonly kind: 'digestArg'; readonly arg: string }
  /** A companion ARG was asked for where none is offered, and why. */
  | { readonly kind: 'noCompanion'; readonly refusal: CompanionRefusal };

export type PinPlan =
  /** `edit` undefined: nothing to change (already pinned to this digest, or not pinned at all for unpin). */
  | { readonly ok: true; readonly edit: PinEdit | undefined }
  | { readonly ok: false; readonly reason: PinRefusal };

/** What BuildKit, the registries and our own verification agree on; sha384/sha512 pins are not written. */
const PIN_DIGEST = /^sha256:[0-9a-f]{64}$/;

/** True for a digest `planPin` writes: `sha256:` and 64 lowercase hex digits. */
export function isPinDigest(digest: string): boolean {
  return PIN_DIGEST.test(digest);
}

/**
 * The edit that pins `use` to `digest`, written as `name:tag@digest` at the use's pin site, replacing a
 * digest already there (a stale pin update). `path` is the file `use` was read from (`BuildFile.path`);
 * a site in another file (a Compose or Bake value) names its own.
 *
 * A reference with neither tag nor digest (`FROM nginx`) is written with its implied tag made explicit,
 * `nginx:latest@sha256:…`: the pin then still says which tag it follows, so it can be checked for
 * staleness and unpinned later. A digest-only reference (`nginx@sha256:…`) keeps its form.
 */
export function planPin(use: ImageUse, digest: string, path: string): PinPlan {
  if (!isPinDigest(digest)) return refuse({ kind: 'invalidDigest', digest });
  const site = checkedSite(use);
  if (!site.ok) return site;
  const { pin, tagged, pinned } = site;
  const base = withoutDigest(pin.text);
  const newText = pin.digestOnly ? digest : withDigest(tagged || pinned ? base : `${base}:latest`, digest);
  return { ok: true, edit: newText === pin.text ? undefined : editAt(pin, path, newText) };
}

/**
 * How a reference partly made of variables is pinned (`ArgPinChoices`): the digest written after the
 * reference as written (`node:${VERSION}@sha256:…`), or a companion ARG (`ARG NODE_DIGEST=sha256:…` on a new
 * line, `node:${VERSION}@${NODE_DIGEST}`).
 */
export type ArgPinForm = 'digestAfterExpansion' | 'companionArg';

/** The form a setting (`ask` or a form) settles on for these choices: none when it asks, or names one not offered. */
export function settledArgForm(setting: ArgPinForm | 'ask', choices: ArgPinChoices): ArgPinForm | undefined {
  if (setting === 'ask' || (setting === 'companionArg' && !choices.companion.offered)) return undefined;
  return setting;
}

export type ArgPinPlan = { readonly ok: true; readonly edits: readonly PinEdit[] } | { readonly ok: false; readonly reason: PinRefusal };

/**
 * The edits that pin `use`, a reference partly made of variables, to `digest` in the form the user chose.
 * A use whose pin site the model knows is pinned there, whatever the form. The edits stand or fall together:
 * a companion ARG line without its `@${…}`, or the reverse, would break the build.
 */
export function planArgPin(use: ImageUse, digest: string, path: string, form: ArgPinForm): ArgPinPlan {
  if (use.pin.pinnable) {
    const plan = planPin(use, digest, path);
    return plan.ok ? { ok: true, edits: plan.edit ? [plan.edit] : [] } : plan;
  }
  if (!isPinDigest(digest)) return refuse({ kind: 'invalidDigest', digest });
  const choices = argPinChoices(use);
  if (!choices) return refuse({ kind: 'notPinnable', reason: use.pin.reason });
  const reference = use.reference;
  if (!reference) return refuse({ kind: 'noReference' });
  const word = choices.afterExpansion;
  if (reference.digest !== undefined || word.text.includes('@')) return refuse({ kind: 'siteMismatch', text: word.text });
  // No tag means `latest`: written out, as `planPin` does, so the pin still says which tag it follows.
  const base = reference.tag === undefined ? `${word.text}:latest` : word.text;
  if (form === 'digestAfterExpansion') return { ok: true, edits: [editAt(word, path, `${base}@${digest}`)] };
  const companion = choices.companion;
  if (!companion.offered) return refuse({ kind: 'noCompanion', refusal: companion });
  const { after, eol, indent, name } = companion;
  return {
    ok: true,
    edits: [editAt(after, path, `${after.text}${eol}${indent}ARG ${name}=${digest}`), editAt(word, path, `${base}@\${${name}}`)],
  };
}

/** The edit that removes the digest of `use`, keeping its tag; refused for a digest-only reference. */
export function planUnpin(use: ImageUse, path: string): PinPlan {
  const site = checkedSite(use);
  if (!site.ok) return site;
  const { pin, tagged, pinned } = site;
  if (!pinned) return { ok: true, edit: undefined };
  if (pin.digestOnly) return refuse({ kind: 'digestArg', arg: pin.viaArg ?? '' });
  if (!tagged) return refuse({ kind: 'noTag' });
  return { ok: true, edit: editAt(pin, path, withoutDigest(pin.text)) };
}

type CheckedSite = { readonly ok: true; readonly pin: PinSite; readonly tagged: boolean; readonly pinned: boolean } | { readonly ok: false; readonly reason: PinRefusal };

function checkedSite(use: ImageUse): CheckedSite {
  const pin = use.pin;
  if (!pin.pinnable) return refuse({ kind: 'notPinnable', reason: pin.reason });
  const reference = use.reference;
  if (!reference) return refuse({ kind: 'noReference' });
  const pinned = reference.digest !== undefined;
  // A companion ARG's default is the digest itself; any other site holds it after an `@`.
  const consistent = pin.digestOnly ? pin.text === reference.digest : pin.text.includes('@') === pinned;
  if (!consistent) return refuse({ kind: 'siteMismatch', text: pin.text });
  return { ok: true, pin, tagged: reference.tag !== undefined, pinned };
}

function refuse(reason: PinRefusal): { readonly ok: false; readonly reason: PinRefusal } {
  return { ok: false, reason };
}

function editAt(site: Pick<PinSite, 'range' | 'text' | 'file'>, path: string, newText: string): PinEdit {
  return { path: site.file ?? path, range: site.range, expected: site.text, newText };
}

// --- applying -------------------------------------------------------------------------------------------

/**
 * Applies edits to one document's text. An edit is skipped when its range is not in the text or no
 * longer holds `expected` (the document changed since the plan), or when it overlaps an edit before it
 * in document order; an exact duplicate of an applied edit is applied once and not reported.
 * Ranges are zero-based line/UTF-16 character positions, as in the model.
 */
export function applyEdits(text: string, edits: readonly PinEdit[]): { text: string; skipped: PinEdit[] } {
  const lines = new LineIndex(text);
  const skipped: PinEdit[] = [];
  const located: { edit: PinEdit; start: number; end: number }[] = [];
  for (const edit of edits) {
    const start = offsetIn(lines, text, edit.range.start);
    const end = offsetIn(lines, text, edit.range.end);
    if (start === undefined || end === undefined || end < start || text.slice(start, end) !== edit.expected) skipped.push(edit);
    else located.push({ edit, start, end });
  }
  // Stable sort: among edits at the same place, the first given wins.
  located.sort((a, b) => a.start - b.start || a.end - b.end);
  const kept: typeof located = [];
  for (const candidate of located) {
    const previous = kept[kept.length - 1];
    if (previous && previous.start === candidate.start && previous.end === candidate.end && previous.edit.newText === candidate.edit.newText) continue;
    // Touching is fine (`a` then `b` in `ab`); two insertions at one point are not.
    if (previous && (candidate.start < previous.end || (candidate.start === previous.start && (candidate.start === candidate.end || previous.start === previous.end)))) {
      skipped.push(candidate.edit);
      continue;
    }
    kept.push(candidate);
  }
  let result = text;
  // From last to first: earlier offsets stay valid.
  for (let i = kept.length - 1; i >= 0; i--) {
    const { start, end, edit } = kept[i]!;
    result = result.slice(0, start) + edit.newText + result.slice(end);
  }
  return { text: result, skipped };
}

/** The offset of a position that lies within the text (a character past the end of its line does not). */
function offsetIn(lines: LineIndex, text: string, position: Position): number | undefined {
  if (position.line < 0 || position.character < 0) return undefined;
  const offset = lines.offset(position);
  if (Number.isNaN(offset) || offset > text.length) return undefined;
  // The offset must map back to the same position, or the character ran past the line's end.
  const back = lines.position(offset);
  return back.line === position.line && back.character === position.character ? offset : undefined;
}

// --- bulk -----------------------------------------------------------------------------------------------

/** A use, with the path of the file it was read from. */
export interface UseAt {
  readonly path: string;
  readonly use: ImageUse;
}

export type SkipReason =
  | PinRefusal
  /** The caller had no verified digest for it (lookup failed, cancelled, registry unreachable). */
  | { readonly kind: 'noDigest' }
  /** Uses that share this pin site were given different digests: which one is meant is not ours to guess. */
  | { readonly kind: 'conflict'; readonly digests: readonly string[] }
  /** Its site overlaps another site planned before it in the same file (never seen with the current parsers). */
  | { readonly kind: 'overlap'; readonly with: Range }
  /** Partly made of variables: how to pin it is the user's choice, and none was given (`ArgPinForm`). */
  | { readonly kind: 'chooseForm'; readonly arg: string }
  /** Partly made of variables that a build of this Dockerfile sets to other values: a digest here would override them. */
  | { readonly kind: 'buildOverride'; readonly arg: string };

export interface SkippedUse extends UseAt {
  readonly reason: SkipReason;
}

export interface PinAllPlan {
  /** One edit per distinct pin site, by file: files sorted by path, edits in document order, none overlapping. */
  readonly files: readonly { readonly path: string; readonly edits: readonly PinEdit[] }[];
  /** Every use an edit pins, with that edit (several uses may share one). */
  readonly changed: readonly (UseAt & { readonly edit: PinEdit })[];
  /** Uses already pinned to the digest they were given. */
  readonly current: readonly UseAt[];
  /** Image uses left as they are, and why. Stages, `scratch`, build outputs and non-image contexts are not listed. */
  readonly skipped: readonly SkippedUse[];
}

type PartialArg = Extract<NotPinnableReason, { kind: 'partialArg' }>;

/**
 * Plans pinning every use in `files` to the digest `digestFor` gives it (undefined: none verified).
 *
 * `files` may hold a Dockerfile both as read on its own and as each Compose service or Bake target builds
 * it (`BuildFileIndex.linked`): a use reached several ways is pinned once per distinct site, the file and
 * range where the text is written, as `BuildFileIndex.byImage` dedupes them. A use whose site is written
 * elsewhere (a Compose `args` value, a Bake context) gets the edit in that file.
 *
 * A reference partly made of variables (`node:${VERSION}`) is pinned only in the form `argForm` names, and
 * only where no build passes its variables other values; without `argForm` it is skipped: the choice
 * changes what a `--build-arg` does, and is the user's.
 */
export function planPinAll(files: readonly BuildFile[], digestFor: (use: ImageUse, file: BuildFile) => string | undefined, argForm?: ArgPinForm): PinAllPlan {
  const skipped: SkippedUse[] = [];
  const current: UseAt[] = [];
  const skippedSeen = new Set<string>();
  const skip = (at: UseAt, reason: SkipReason): void => {
    // The same use read twice (on its own and through a build) is one line, unless the reasons or the
    // images differ: builds that pass different values (`FROM ${BASE}`) pull different images there.
    const id = `${at.path}\n${rangeKey(at.use.range)}\n${at.use.resolved ?? at.use.text}\n${reason.kind}`;
    if (skippedSeen.has(id)) return;
    skippedSeen.add(id);
    skipped.push({ ...at, reason });
  };

  // Sites in first-seen order, each with every use that reaches it and the digest each was given.
  const sites = new Map<string, { path: string; range: Range; uses: { at: UseAt; digest: string }[] }>();
  // References partly from variables, by where they are written, each with every reading of it.
  const partials = new Map<string, { at: UseAt; file: BuildFile; reason: PartialArg }[]>();
  for (const file of files) {
    for (const use of file.uses) {
      const at: UseAt = { path: file.path, use };
      if (!use.pin.pinnable) {
        const reason = use.pin.reason;
        if (argForm && reason.kind === 'partialArg' && use.reference?.digest === undefined) {
          const key = `${file.path}\n${rangeKey(use.range)}`;
          partials.set(key, [...(partials.get(key) ?? []), { at, file, reason }]);
        } else if (reason.kind === 'partialArg' && reason.choices) skip(at, { kind: 'chooseForm', arg: reason.arg });
        // What no registry serves is not an image a pin could apply to: not worth a "skipped" line.
        else if (isPulledImage(use)) skip(at, { kind: 'notPinnable', reason });
        continue;
      }
      const digest = digestFor(use, file);
      if (digest === undefined) {
        skip(at, { kind: 'noDigest' });
        continue;
      }
      const path = use.pin.file ?? file.path;
      const key = `${path}\n${rangeKey(use.pin.range)}`;
      let site = sites.get(key);
      if (!site) sites.set(key, (site = { path, range: use.pin.range, uses: [] }));
      site.uses.push({ at, digest });
    }
  }

  // One entry per site: its edits (several for a companion ARG) stand or fall together.
  const byPath = new Map<string, { edits: readonly PinEdit[]; uses: UseAt[] }[]>();
  const plan = (edits: readonly PinEdit[], uses: UseAt[]): void => {
    const path = edits[0]!.path;
    let list = byPath.get(path);
    if (!list) byPath.set(path, (list = []));
    list.push({ edits, uses });
  };
  for (const site of sites.values()) {
    const digests = [...new Set(site.uses.map((u) => u.digest))];
    if (digests.length > 1) {
      for (const { at } of site.uses) skip(at, { kind: 'conflict', digests });
      continue;
    }
    // Every use of one site has the same site text and reference: the first one's plan is everyone's.
    const first = site.uses[0]!;
    const pinPlan = planPin(first.at.use, first.digest, first.at.path);
    const uses = dedupeUses(site.uses.map((u) => u.at));
    if (!pinPlan.ok) {
      for (const at of uses) skip(at, pinPlan.reason);
    } else if (!pinPlan.edit) {
      current.push(...uses);
    } else {
      plan([pinPlan.edit], uses);
    }
  }

  // Gathered only when a form was named: each reference, in every reading of it, planned in that form.
  if (argForm) {
    for (const readings of partials.values()) {
      // A reading without choices, where another has them, is a build that passes its variables other values.
      const overridden = readings.find((r) => !r.reason.choices);
      if (overridden) {
        for (const { at, reason } of readings) skip(at, reason.choices ? { kind: 'buildOverride', arg: overridden.reason.arg } : { kind: 'notPinnable', reason });
        continue;
      }
      const given = readings.map((r) => digestFor(r.at.use, r.file));
      const digests = [...new Set(given)].filter((d) => d !== undefined);
      const uses = dedupeUses(readings.map((r) => r.at));
      const [digest] = digests;
      if (digest === undefined || given.includes(undefined) || digests.length > 1) {
        for (const at of uses) skip(at, digests.length > 1 ? { kind: 'conflict', digests } : { kind: 'noDigest' });
        continue;
      }
      const argPlan = planArgPin(uses[0]!.use, digest, uses[0]!.path, argForm);
      if (!argPlan.ok) for (const at of uses) skip(at, argPlan.reason);
      else plan(argPlan.edits, uses);
    }
  }

  const planned: PinAllPlan['files'][number][] = [];
  const changed: (UseAt & { edit: PinEdit })[] = [];
  for (const path of [...byPath.keys()].sort(comparePaths)) {
    const entries = byPath.get(path)!;
    // Sort is stable: of two overlapping sites, the one planned first is kept.
    const ordered = [...entries].sort((a, b) => comparePositions(a.edits[0]!.range.start, b.edits[0]!.range.start));
    const edits: PinEdit[] = [];
    for (const entry of ordered) {
      const clash = edits.find((kept) => entry.edits.some((edit) => overlaps(edit.range, kept.range)));
      if (clash) {
        for (const at of entry.uses) skip(at, { kind: 'overlap', with: clash.range });
        continue;
      }
      edits.push(...entry.edits);
      // The first edit is the one that writes the digest (a companion ARG's line comes before its use).
      for (const at of entry.uses) changed.push({ ...at, edit: entry.edits[0]! });
    }
    planned.push({ path, edits: edits.sort((a, b) => comparePositions(a.range.start, b.range.start)) });
  }
  return { files: planned, changed, current, skipped };
}

/** Two replacements that cannot both be applied: one starts inside the other, or both at one point. */
function overlaps(a: Range, b: Range): boolean {
  if (comparePositions(a.start, b.start) === 0) return true;
  return comparePositions(a.start, b.end) < 0 && comparePositions(b.start, a.end) < 0;
}

/** A use listed once per file and range, however many routes reached it. */
function dedupeUses(uses: readonly UseAt[]): UseAt[] {
  const seen = new Set<string>();
  return uses.filter((at) => {
    const id = `${at.path}\n${rangeKey(at.use.range)}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

function comparePositions(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
