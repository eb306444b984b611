// The spine of the extension: every build-file parser turns one file into this shape,
// and the tree, hovers, CodeLenses, diagnostics, pinning and the CLI all read it.
// Pure data: no `vscode`, no I/O.

import type { ImageRef, ReferenceError } from '../reference/imageReference';
import type { Message } from './messages';

/** Zero-based line and UTF-16 character, as in LSP and VS Code. */
export interface Position {
  readonly line: number;
  readonly character: number;
}

export interface Range {
  readonly start: Position;
  readonly end: Position;
}

export type BuildFileKind = 'dockerfile' | 'compose' | 'bake-hcl' | 'bake-json';

export interface BuildFile {
  /** The path or URI the file was parsed under; the model does not interpret it. */
  readonly path: string;
  readonly kind: BuildFileKind;
  /** Stages, services, targets, in source order. */
  readonly units: readonly Unit[];
  /** Every image use, in source order. */
  readonly uses: readonly ImageUse[];
  /** Problems found while reading; a broken file still yields what could be read. */
  readonly diagnostics: readonly Diagnostic[];
  /** Compose services and Bake targets that build a Dockerfile, with what they pass to it. */
  readonly builds?: readonly BuildDefinition[];
  /** Other files whose content this file's model depends on (`.env`, included or extended files). */
  readonly dependencies?: readonly string[];
  /** Compose files this one includes (`include:`): build files in their own right, whatever their name. */
  readonly includes?: readonly string[];
  /**
   * A Dockerfile read as a build sees it: where the text is written that its named contexts matched
   * (BuildKit matches a context's name against the reference as written, so a digest there ends the match).
   */
  readonly matchedContexts?: readonly MatchedContext[];
}

/** A reference a named context replaced, and where the text it was matched on is written. */
export interface MatchedContext {
  /** The context's name (`alpine:3.20`). */
  readonly context: string;
  /** Where a pin of the reference would write: its pin site, or for one partly made of ARGs its own text. */
  readonly file: string;
  readonly range: Range;
}

/** Text in some build file where a value is written: where a pin edit would go. */
export interface Site {
  /** The file, as in `BuildFile.path`. */
  readonly file: string;
  readonly range: Range;
  /** The text now at `range`. */
  readonly text: string;
}

/** A build argument passed to a Dockerfile, and where its value is written when that is one literal. */
export interface BuildArg {
  readonly value: string;
  readonly site?: Site;
}

/** What a named build context (Compose `additional_contexts`, Bake `contexts`) stands for. */
export type NamedContext =
  /** `docker-image://<ref>`: replaces `FROM <name>` (and `--from=<name>`) with that image. */
  | {
      readonly kind: 'image';
      readonly value: string;
      /** Where the reference is written, when it is written literally (a pin goes there). */
      readonly site?: Site;
      /** Otherwise, the first variable it is made of. */
      readonly variable?: string;
    }
  /** `target:<name>` (Bake) or `service:<name>` (Compose): the output of another build. */
  | { readonly kind: 'build'; readonly name: string }
  /** A directory, Git or HTTP URL, or OCI layout: files, not a registry image. */
  | { readonly kind: 'local'; readonly value: string };

/** How a Compose service or Bake target builds: which Dockerfile, with which arguments and contexts. */
export interface BuildDefinition {
  /** The unit (service or target) that builds, index into `BuildFile.units`. */
  readonly unit: number;
  /** The Dockerfile's path, resolved like `BuildFile.path`; absent for an inline Dockerfile. */
  readonly dockerfile?: string;
  /** The build context's folder, resolved like `BuildFile.path`, when it is local. */
  readonly context?: string;
  /** The build context's URL when it is remote (Git, HTTPS): its Dockerfile is not in the workspace. */
  readonly remoteContext?: string;
  /** `dockerfile_inline` / `dockerfile-inline` text. */
  readonly inline?: string;
  /** Where the build definition is written (the `build:` key, the target block). */
  readonly range: Range;
  readonly args: Readonly<Record<string, BuildArg>>;
  readonly contexts: Readonly<Record<string, NamedContext>>;
  /** The stage to build (`target:`), if not the last. */
  readonly target?: string;
  readonly platforms?: readonly string[];
  /** The names the build's output is tagged with (Compose `image:` and `build.tags`, Bake `tags`). */
  readonly tags?: readonly string[];
}

export type UnitKind = 'stage' | 'service' | 'target' | 'group';

export interface Unit {
  readonly kind: UnitKind;
  /** Position among the file's units of the same kind (a Dockerfile stage's index, as in `--from=0`). */
  readonly index: number;
  /** The name as written (`AS Builder` → `Builder`), when the unit has one. */
  readonly name?: string;
  /** The instruction or key that opens the unit. */
  readonly range: Range;
  /** A Bake group's targets, as indexes into `BuildFile.units` (those defined in the same file). */
  readonly members?: readonly number[];
  /** A Compose service's profiles: it runs only when one of them is active. */
  readonly profiles?: readonly string[];
  /**
   * A Bake target that exists to be inherited (`_common`): targets inherit from it, it says nothing about
   * what to build (no context, Dockerfile or stage), and no group, no `target:` context and not the name
   * `default` build it. Named on the command line it builds like any other (buildx has no abstract
   * targets), so it keeps its build; this says what it is for.
   */
  readonly template?: true;
}

export type ImageUseKind =
  | 'from' // Dockerfile FROM
  | 'copy-from' // Dockerfile COPY --from=<image>
  | 'mount-from' // Dockerfile RUN --mount=…,from=<image>
  | 'syntax' // Dockerfile `# syntax=` parser directive
  | 'compose-image' // Compose services.*.image
  | 'compose-context' // Compose build.additional_contexts docker-image://
  | 'bake-context' // Bake contexts docker-image://
  | 'bake-arg'; // Bake args value that feeds a FROM

export interface ImageUse {
  readonly kind: ImageUseKind;
  /** Where the reference text stands in the file. */
  readonly range: Range;
  /** The reference text exactly as written, variables and all (`${BASE}:22`). */
  readonly text: string;
  /** The text after variable substitution, when every variable had a value. */
  readonly resolved?: string;
  /** The parsed reference, when `resolved` is a valid image reference. */
  readonly reference?: ImageRef;
  /** The unit (index into `BuildFile.units`) the use belongs to; none for file-level uses like `# syntax=`. */
  readonly unit?: number;
  /** The `--platform` flag's value as written, if any (`$BUILDPLATFORM`). */
  readonly platform?: string;
  /** Set when a named build context replaced what the file says (`FROM golang` → `docker-image://golang:1.23`). */
  readonly context?: string;
  /** Where a digest would be written, or why none can be. */
  readonly pin: PinSite | NotPinnable;
}

/** The exact text a pin edits: the reference itself, or the ARG default it comes from. */
export interface PinSite {
  readonly pinnable: true;
  readonly range: Range;
  /** The text now at `range` (the reference as written, or the ARG default). */
  readonly text: string;
  /** Set when the edit goes into an ARG's default (or a build argument) rather than the reference itself. */
  readonly viaArg?: string;
  /** Set when the edit goes into another file: the Compose or Bake file that passes the value. */
  readonly file?: string;
  /**
   * Set when the text is the digest alone (`sha256:…`): the default of a companion ARG that the reference
   * writes after an `@` (`node:${VERSION}@${NODE_DIGEST}`).
   */
  readonly digestOnly?: true;
}

/**
 * How a reference only partly made of variables (`node:${VERSION}`) can still be pinned. Neither is
 * chosen for the user: both make the digest win over the tag, so a `--build-arg VERSION=…` alone no
 * longer changes the image (BuildKit pulls by digest when a reference has both).
 */
export interface ArgPinChoices {
  /** The reference as written: `node:${VERSION}` becomes `node:${VERSION}@sha256:…`. */
  readonly afterExpansion: PinSite;
  /** A companion ARG that holds the digest (`ARG NODE_DIGEST=sha256:…`, `node:${VERSION}@${NODE_DIGEST}`), or why not. */
  readonly companion: CompanionArg | CompanionRefusal;
}

export interface CompanionArg {
  readonly offered: true;
  /** A name no word of the file uses yet: the image's name and `_DIGEST`. */
  readonly name: string;
  /** The line the `ARG` line goes after (its text without the line break), in the scope the use reads. */
  readonly after: { readonly range: Range; readonly text: string };
  readonly indent: string;
  readonly eol: string;
}

export type CompanionRefusal =
  /** The ARG also feeds other images: one version ARG cannot be paired with one image's digest. */
  | { readonly offered: false; readonly kind: 'sharedArg'; readonly arg: string; readonly users: number }
  /** No ARG value is part of the reference (`${UNSET:-alpine}:3.20`): nothing to pair a digest ARG with. */
  | { readonly offered: false; readonly kind: 'noArg' };

export interface NotPinnable {
  readonly pinnable: false;
  readonly reason: NotPinnableReason;
}

export type NotPinnableReason =
  /** `FROM scratch`: the empty image, nothing to pull. */
  | { readonly kind: 'scratch' }
  /**
   * A build stage of the same file (`FROM builder`, `COPY --from=0`). Named through a platform variable
   * (`FROM binaries-$TARGETOS`), `byPlatform` lists the stages it may name.
   */
  | { readonly kind: 'stage'; readonly stage: string; readonly byPlatform?: readonly string[] }
  /**
   * A variable without a value: an ARG without default (`noValue`), a name never declared, a global
   * ARG used in a stage that did not redeclare it (`globalOnly`), a platform ARG whose value comes
   * from the build (`platform`), or `${X:?message}` on an unset X (`error`).
   */
  | {
      readonly kind: 'unresolved';
      readonly variable: string;
      readonly cause: 'noValue' | 'undeclared' | 'globalOnly' | 'platform' | 'error';
    }
  /** The text after substitution is not a valid reference. */
  | { readonly kind: 'invalid'; readonly error: ReferenceError }
  /** The reference comes from an ARG default that other images use too: editing it would change them all. */
  | { readonly kind: 'sharedArg'; readonly arg: string; readonly users: number }
  /**
   * Only part of the reference comes from variables (`node:${VERSION}`): no single place holds it. With
   * `choices`, the user may pin it in a form they pick; without, a variable's value is set from outside
   * this file or computed.
   */
  | { readonly kind: 'partialArg'; readonly arg: string; readonly choices?: ArgPinChoices }
  /** The value comes from a build-arg override outside this file. */
  | { readonly kind: 'overridden'; readonly arg: string }
  /** A Compose `image:` next to `build:` names the output, not a base. */
  | { readonly kind: 'buildOutput' }
  /** A named build context stands in for it: another build's output (`target:`), or local files. */
  | { readonly kind: 'namedContext'; readonly name: string; readonly source: 'build' | 'local'; readonly value: string }
  /** Compose/Bake: written with variables whose values come from elsewhere (`${REGISTRY}/app:${TAG}`). */
  | { readonly kind: 'interpolated'; readonly variable: string }
  /**
   * In a stage the build does not build: its target (a stage name, or the index of an unnamed last stage)
   * reaches it through no `FROM`, `COPY --from` or `RUN --mount=from=`, so the build does not pull it.
   */
  | { readonly kind: 'notBuilt'; readonly target: string | number }
  /** The output of another build of the project (a Compose service's `image:`, a Bake target's `tags`). */
  | { readonly kind: 'localBuild'; readonly builder: string }
  /**
   * A build in the workspace replaces this reference, as written, by a named context: a digest written
   * here would stop the context from matching (BuildKit's dockerui.NamedContext).
   */
  | { readonly kind: 'contextMatch'; readonly owner: string; readonly builder: string; readonly context: string };

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface Diagnostic {
  readonly range: Range;
  readonly severity: Severity;
  readonly message: Message;
  /** Stable identifier, for filtering and tests. */
  readonly code: string;
}

/** What the tree and hovers show for a use, derived from the model. */
export type ImageUseState = 'pinned' | 'unpinned' | 'unresolved' | 'notPinnable' | 'notBuilt';

export function imageUseState(use: ImageUse): ImageUseState {
  if (use.pin.pinnable) return use.reference?.digest ? 'pinned' : 'unpinned';
  switch (use.pin.reason.kind) {
    case 'unresolved':
      return 'unresolved';
    case 'sharedArg':
    case 'partialArg':
    case 'overridden':
      // The image is known; only the place to write the digest is missing.
      return use.reference?.digest ? 'pinned' : 'notPinnable';
    case 'interpolated':
    case 'contextMatch':
      return use.reference?.digest ? 'pinned' : 'notPinnable';
    case 'notBuilt':
      return 'notBuilt';
    case 'scratch':
    case 'stage':
    case 'invalid':
    case 'buildOutput':
    case 'namedContext':
    case 'localBuild':
      return 'notPinnable';
  }
}

/**
 * The image a build pulls for this use, if it is known: stage names, `scratch`, build outputs, local
 * contexts and unresolved variables pull nothing a registry could describe.
 */
export function pulledImage(use: ImageUse): ImageRef | undefined {
  return isPulledImage(use) ? use.reference : undefined;
}

/** The ways to pin a use only partly made of variables, when it has them. */
export function argPinChoices(use: ImageUse): ArgPinChoices | undefined {
  return !use.pin.pinnable && use.pin.reason.kind === 'partialArg' ? use.pin.reason.choices : undefined;
}

/** Reasons that say a use names no image at all: nothing a registry serves, nothing to list or pin. */
const NOT_IMAGES: ReadonlySet<NotPinnableReason['kind']> = new Set(['stage', 'scratch', 'buildOutput', 'namedContext', 'notBuilt', 'localBuild']);

/**
 * Whether a use names an image some build pulls from a registry (known or not yet, as `${BASE}`): false for
 * stages, `scratch`, build outputs, named contexts that are not images, stages the build does not build.
 */
export function isPulledImage(use: ImageUse): boolean {
  return use.pin.pinnable || !NOT_IMAGES.has(use.pin.reason.kind);
}

/** A range as a map key: uses and diagnostics at the same place share it. */
export function rangeKey(r: Range): string {
  return `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
}
