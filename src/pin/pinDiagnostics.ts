// Diagnostics about pins: an image that is not pinned, a pin the tag has moved away from, a pinned digest
// the registry does not have or serves wrong content for, and a platform pin in a multi-platform build.
// Pure: the edge publishes them and attaches the quick fixes.
//
// Silenced per line by a comment `image-provenance: ignore` (or `ignore=unpinned,stale-pin`) on the line
// above the image or, in YAML and HCL, at the end of its line; per workspace by settings.

import type { BuildFile, Diagnostic, ImageUse, Severity } from '../model/buildFile';
import { pulledImage } from '../model/buildFile';
import { LineIndex } from '../model/lineIndex';
import { message, Messages } from '../model/messages';
import { familiarName, type ImageRef } from '../reference/imageReference';
import { pinStatus, type PinStatus, type Resolution } from './pinStatus';

export const PinCodes = {
  unpinned: 'unpinned',
  stale: 'stale-pin',
  notFound: 'pin-not-found',
  mismatch: 'pin-mismatch',
  platform: 'platform-pin',
} as const;
export type PinCode = (typeof PinCodes)[keyof typeof PinCodes];

/** A severity, or `off` for none at all. */
export type Level = Severity | 'off';

export interface PinDiagnosticOptions {
  /** For images not pinned (default `hint`). */
  readonly unpinned: Level;
  /** For pins the tag has moved away from (default `warning`). */
  readonly stale: Level;
  /** Images to say nothing about (a setting's patterns). */
  readonly ignored?: (ref: ImageRef) => boolean;
  /** The platforms the builds of this file target, when one of them targets several (Bake `platforms`). */
  readonly buildPlatforms?: readonly string[];
  /** In a Compose or Bake file: the platforms of each unit (service, target) that builds for several. */
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
  const name = familiarName(ref);
  switch (status.kind) {
    case 'unpinned':
      return [[PinCodes.unpinned, options.unpinned, unpinnedMessage(use, familiarName(ref, { withDigest: false }))]];
    case 'stale': {
      const pinned = ref.digest!;
      const m = status.update
        ? message(Messages.pinStale, name, status.tagDigest, pinned)
        : message(Messages.pinStaleNoPlatform, familiarName(ref, { withDigest: false }), status.tagDigest, status.platform ?? '?');
      return [[PinCodes.stale, options.stale, m], ...platformFinding(use, ref, resolution, options)];
    }
    case 'notFound':
      return [[PinCodes.notFound, 'error', message(Messages.pinNotFound, familiarName(ref, { withDigest: false }), status.error.host, ref.digest!)]];
    case 'mismatch': {
      const { details } = status.error;
      return [[PinCodes.mismatch, 'error', message(Messages.pinMismatch, familiarName(ref, { withDigest: false }), status.error.host, details.expected ?? ref.digest!, details.actual ?? '?')]];
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
  return [[PinCodes.platform, 'warning', message(Messages.pinPlatformInMultiPlatformBuild, familiarName(ref, { withDigest: false }), platform, why)]];
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
