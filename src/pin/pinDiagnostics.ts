// Diagnostics about pins: an image that is not pinned, a pin the tag has moved away from, a pinned digest
// the registry does not have or serves wrong content for, and a platform pin in a multi-platform build.
// Pure: the edge publishes them and attaches the quick fixes.
//
// Silenced per line by a comment `image-provenance: ignore` (or `ignore=unpinned,stale-pin`) on the line
// above the image or, in YAML and HCL, at the end of its line; per workspace by settings.

import { CheckIds, DEFAULT_LEVELS, type Level } from '../checks/catalog';
import type { BuildFile, Diagnostic, ImageUse } from '../model/buildFile';
import { pulledImage } from '../model/buildFile';
import { LineIndex } from '../model/lineIndex';
import { message, Messages } from '../model/messages';
import { basename } from '../model/paths';
import { familiarName, shortDigest, type ImageRef } from '../reference/imageReference';
import { pinStatus, type PinStatus, type Resolution } from './pinStatus';

export const PinCodes = {
  unpinned: CheckIds.unpinned,
  stale: CheckIds.stalePin,
  notFound: CheckIds.pinNotFound,
  mismatch: CheckIds.pinMismatch,
  platform: CheckIds.platformPin,
} as const;
export type PinCode = (typeof PinCodes)[keyof typeof PinCodes];

export type { Level } from '../checks/catalog';

export interface PinDiagnosticOptions {
  /** For images not pinned (default `hint`). */
  readonly unpinned: Level;
  /** For pins the tag has moved away from (default `warning`). */
  readonly stale: Level;
  /** For pinned digests the registry lacks, or serves other content for, and platform pins (defaults: the catalog's). */
  readonly notFound?: Level;
  readonly mismatch?: Level;
  readonly platform?: Level;
  /** Images to say nothing about (a setting's patterns). */
  readonly ignored?: (ref: ImageRef) => boolean;
  /** The platforms the builds of this file target, when one of them targets several (Bake `platforms`). */
  readonly buildPlatforms?: readonly string[];
  /** The platforms each unit is built for, where several: a service or target, or a Dockerfile stage its builds build. */
  readonly unitPlatforms?: ReadonlyMap<number, readonly string[]>;
}

/** A pin diagnostic, with the use it is about (index into `BuildFile.uses`) and its status. */
export interface PinDiagnostic extends Diagnostic {
  readonly code: PinCode;
  readonly use: number;
  readonly status: PinStatus;
}

export function pinDiagnostics(file: BuildFile, text: string, resolutionOf: (ref: ImageRef) => Resolution | undefined, options: PinDiagnosticOptions): PinDiagnostic[] {
  const out: PinDiagnostic[] = [];
  const seen = new Set<string>();
  let lines: LineIndex | undefined;
  const silenced = (line: number, code: PinCode): boolean => {
    lines ??= new LineIndex(text);
    return isSilenced(text, lines, line, code, file.kind);
  };
  file.uses.forEach((use, index) => {
    const ref = pulledImage(use);
    if (!ref || options.ignored?.(ref)) return;
    const resolution = resolutionOf(ref);
    const status = pinStatus(ref, resolution);
    for (const [code, severity, m] of findings(use, ref, status, resolution, options)) {
      if (severity === 'off') continue;
      // Matrix targets read one line several times: one diagnostic per place and kind.
      const key = `${use.range.start.line}:${use.range.start.character}:${code}`;
      if (seen.has(key) || silenced(use.range.start.line, code)) continue;
      seen.add(key);
      out.push({ range: use.range, severity, message: m, code, use: index, status });
    }
  });
  return out;
}

type Finding = readonly [PinCode, Level, Diagnostic['message']];

function findings(use: ImageUse, ref: ImageRef, status: PinStatus, resolution: Resolution | undefined, options: PinDiagnosticOptions): Finding[] {
  switch (status.kind) {
    case 'unpinned':
      return [[PinCodes.unpinned, options.unpinned, unpinnedMessage(use, familiarName(ref, { withDigest: false }))]];
    case 'stale': {
      // The tag is what moved: name it without the pin, and the digests short (the reference is right there).
      const tag = familiarName(ref, { withDigest: false });
      const m = status.update
        ? message(Messages.pinStale, tag, briefDigest(status.tagDigest), briefDigest(ref.digest!))
        : message(Messages.pinStaleNoPlatform, tag, briefDigest(status.tagDigest), status.platform ?? '?');
      return [[PinCodes.stale, options.stale, m], ...platformFinding(use, ref, resolution, options)];
    }
    case 'notFound':
      return [[PinCodes.notFound, options.notFound ?? DEFAULT_LEVELS[PinCodes.notFound], message(Messages.pinNotFound, familiarName(ref, { withDigest: false }), status.error.host, ref.digest!)]];
    case 'mismatch': {
      const { details } = status.error;
      return [[PinCodes.mismatch, options.mismatch ?? DEFAULT_LEVELS[PinCodes.mismatch], message(Messages.pinMismatch, familiarName(ref, { withDigest: false }), status.error.host, details.expected ?? ref.digest!, details.actual ?? '?')]];
    }
    case 'current':
      return platformFinding(use, ref, resolution, options);
    case 'unknown':
      return [];
  }
}

/**
 * A pin to one platform's image of a multi-platform tag, where the build pulls for several platforms. A
 * tag that is itself one image has no index to pin instead: its pin is not warned about.
 */
function platformFinding(use: ImageUse, ref: ImageRef, resolution: Resolution | undefined, options: PinDiagnosticOptions): Finding[] {
  if (resolution?.state !== 'resolved' || resolution.details.kind !== 'image') return [];
  const { details } = resolution;
  const tagIsIndex = (details.tagPlatforms ?? []).some((p) => p.digest !== details.tagDigest);
  if (!tagIsIndex) return [];
  const platform = details.platforms[0]?.platform;
  if (platform === undefined) return [];
  // `--platform=$BUILDPLATFORM` runs on whichever machine builds; a list of platforms runs on each.
  const variable = use.platform !== undefined && use.platform.includes('$');
  const platforms = options.buildPlatforms ?? (use.unit !== undefined ? options.unitPlatforms?.get(use.unit) : undefined);
  const several = platforms !== undefined && platforms.length > 1 && use.platform === undefined;
  if (!variable && !several) return [];
  const why = variable ? `--platform=${use.platform}` : platforms!.join(', ');
  return [[PinCodes.platform, options.platform ?? DEFAULT_LEVELS[PinCodes.platform], message(Messages.pinPlatformInMultiPlatformBuild, familiarName(ref, { withDigest: false }), platform, why)]];
}

/** `sha256:` and the first 12 hex digits, as `docker images` shortens them, marked as cut. */
function briefDigest(digest: string): string {
  return `${digest.slice(0, digest.indexOf(':') + 1)}${shortDigest(digest)}…`;
}

function unpinnedMessage(use: ImageUse, name: string): Diagnostic['message'] {
  if (use.pin.pinnable) return message(Messages.pinUnpinned, name);
  const reason = use.pin.reason;
  switch (reason.kind) {
    case 'sharedArg':
      return message(Messages.pinUnpinnedShared, name, reason.arg, reason.users);
    case 'partialArg':
      return message(reason.choices ? Messages.pinUnpinnedPartialChoice : Messages.pinUnpinnedPartial, name, reason.arg);
    case 'overridden':
      return message(Messages.pinUnpinnedOverridden, name, reason.arg);
    case 'interpolated':
      return message(Messages.pinUnpinnedInterpolated, name, reason.variable ? `\${${reason.variable}}` : '?');
    case 'contextMatch':
      return message(Messages.pinUnpinnedContextMatch, name, reason.builder, basename(reason.owner), reason.context);
    default:
      return message(Messages.pinUnpinned, name);
  }
}

// --- silencing ------------------------------------------------------------------------------------------

/** `image-provenance: ignore`, optionally `=code,code`, in a `#`, `//` or `/*` comment. */
const IGNORE = /(?:#|\/\/|\/\*)\s*image-provenance:\s*ignore(?![\w-])(?:=([\w-]+(?:\s*,\s*[\w-]+)*))?/;

/** The comment that silences every pin diagnostic of the next line (what the quick fix inserts). */
export const IGNORE_COMMENT = 'image-provenance: ignore';

/**
 * Whether a comment silences `code` for an image on `line`: a comment line right above it, or (YAML, HCL,
 * where a comment may end a line) a comment at the end of the line itself. In a Dockerfile `#` starts a
 * comment only at the start of a line.
 */
export function isSilenced(text: string, lines: LineIndex, line: number, code: string, kind: BuildFile['kind']): boolean {
  const lineText = (n: number): string | undefined => {
    if (n < 0 || n >= lines.lineCount) return undefined;
    const start = lines.offset({ line: n, character: 0 });
    const end = n + 1 < lines.lineCount ? lines.offset({ line: n + 1, character: 0 }) : text.length;
    return text.slice(start, end);
  };
  const matches = (comment: string | undefined): boolean => {
    const m = comment === undefined ? null : IGNORE.exec(comment);
    if (!m) return false;
    return m[1] === undefined || m[1].split(',').some((c) => c.trim() === code);
  };
  const above = lineText(line - 1);
  if (above !== undefined && /^\s*(#|\/\/|\/\*)/.test(above) && matches(above)) return true;
  return kind !== 'dockerfile' && kind !== 'bake-json' && matches(lineText(line));
}
