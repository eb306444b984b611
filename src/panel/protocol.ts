// The attestation panel's messages, shared by the extension host (src/editor/panel) and the page
// (media/webview). Pure: no `vscode`, no `node:` (the page's type check has neither). The page says `ready` with
// its protocol version; the host answers with what to show. The page asks only narrow intents, and the host
// reads each through parsePageMessage: anything but exactly those shapes is refused (GitLens
// src/webviews/protocol.ts is the model: one typed union per direction).
//
// Everything the host sends is plain JSON whose strings are already localized; registry text in it is hostile
// and the page sets it as text only.

import type { CompareLabels, ComparisonView } from './compare';
import type { SbomExportFormat } from '../attest/sbomExport';
import type { ProvenanceDetail, ProvenanceLabels } from './provenanceDetail';
import type { SbomLabels, SbomTableWindow } from './sbomTable';

/** Bumped when a message changes shape: a page of another version gets nothing. */
export const PROTOCOL_VERSION = 6;

/** Bumped when PanelState changes shape: an older state is not restored. */
export const PANEL_STATE_VERSION = 2;

/** The panel's view type: the serializer, the activation event and the tests name it. */
export const PANEL_VIEW_TYPE = 'imageProvenance.attestations';

/** The panel's tabs, in the order shown. */
export const PANEL_TABS = ['overview', 'sbom', 'provenance'] as const;
export type PanelTab = (typeof PANEL_TABS)[number];

/** Where an attestation manifest was found (StorageForm in src/attest/discover.ts). */
export type FormCode = 'index' | 'referrer' | 'cosignTag' | 'referrerRepository';

/** What the Overview shows of one image: an index (or a single manifest) and its platforms. */
export interface Overview {
  /** The reference as the user knows it (`nginx:1.27-alpine`). */
  readonly image: string;
  /** What the reference points to: the index, or the single manifest. */
  readonly digest: string;
  /** Every platform of the index (empty for a single manifest). */
  readonly platforms: readonly string[];
  /** SBOMs attached to the index itself, and the platform their subject names. */
  readonly indexSboms?: { readonly count: number; readonly describes?: string };
  /** What could not be read of what is attached to the index itself. */
  readonly problems: readonly string[];
  readonly entries: readonly PlatformOverview[];
}

export interface PlatformOverview {
  /** `linux/amd64`; `''` for a single-platform image. */
  readonly platform: string;
  readonly digest: string;
  readonly forms: readonly FormCode[];
  /** When the image config says the image was created: RFC 3339 as written. */
  readonly created?: string;
  /** From the provenance, else the image's OCI annotations (`from` says which). */
  readonly source?: { readonly repository?: string; readonly revision?: string; readonly from: 'provenance' | 'annotations' };
  readonly provenance?: ProvenanceOverview;
  readonly sboms: readonly SbomOverview[];
  /**
   * The SBOM layers still being read, by digest (the first Overview, sent before the SBOMs are read): the SBOM
   * tab says they are loading and asks for the first one's rows at once; the host answers once it is read.
   */
  readonly sbomsPending?: readonly string[];
  /** Why an SBOM layer could not be read, each naming the layer: the SBOM tab says so (the problems list them too). */
  readonly sbomProblems?: readonly string[];
  readonly signatures: readonly SignatureOverview[];
  readonly explanations: readonly string[];
  readonly problems: readonly string[];
}

export interface ProvenanceOverview {
  readonly slsaVersion: string;
  readonly mode?: 'min' | 'max';
  readonly builder?: string;
  /** Finished, else started: RFC 3339 as written. */
  readonly builtAt?: string;
  readonly buildType?: string;
  readonly frontend?: string;
  readonly signed: boolean;
  readonly forms: readonly FormCode[];
}

export interface SbomOverview {
  /** The layer the document was read from: names it across reads and in the page's requests. */
  readonly digest: string;
  /** `SPDX-2.3`, `CycloneDX 1.6`: the version written, else the format. */
  readonly format: string;
  /** What it describes, localized: the final image, a scanned stage, … */
  readonly scope: string;
  readonly packages: number;
  readonly signed: boolean;
  readonly forms: readonly FormCode[];
}

export interface SignatureOverview {
  readonly digest: string;
  readonly artifactType?: string;
  /** The digest it signs: the platform image, or one of its attestation manifests. */
  readonly signs: string;
  readonly forms: readonly FormCode[];
}

/** The page's words, localized by the host. `{0}` is filled by the page. */
export interface PanelLabels {
  readonly overview: string;
  readonly sbom: string;
  readonly noSbom: string;
  readonly noProvenance: string;
  /** The Provenance tab's own words. */
  readonly provenanceDetail: ProvenanceLabels;
  readonly indexDigest: string;
  readonly platform: string;
  readonly singlePlatform: string;
  readonly digest: string;
  readonly stored: string;
  readonly created: string;
  readonly source: string;
  readonly sourceFromAnnotations: string;
  readonly provenance: string;
  readonly builder: string;
  readonly built: string;
  readonly buildType: string;
  readonly frontend: string;
  readonly sboms: string;
  readonly onePackage: string;
  readonly packages: string;
  readonly indexSboms: string;
  readonly indexSbomsDescribing: string;
  readonly signatures: string;
  readonly signedNotVerified: string;
  readonly signs: string;
  readonly notes: string;
  readonly problems: string;
  readonly nothingFound: string;
  readonly copy: string;
  readonly forms: Readonly<Record<FormCode, string>>;
  /** The SBOM tab's own words. */
  readonly sbomTab: SbomLabels;
}

/** Host → page. */
export type HostMessage =
  /**
   * The read is under way; the page keeps `ref` and `digest` in its state, so a reload restores the panel. No
   * digest while the image's tag is being resolved (such a panel is not restored).
   */
  | { readonly type: 'reading'; readonly ref: string; readonly digest?: string; readonly base?: string; readonly text: string }
  | ShowMessage
  /** The Overview once the SBOMs are read, after a `show` whose Overview had SBOMs pending: the page keeps its tab and platform. */
  | { readonly type: 'sboms'; readonly overview: Overview }
  /** No digest when the image's tag could not be resolved. */
  | { readonly type: 'failed'; readonly ref: string; readonly digest?: string; readonly base?: string; readonly text: string }
  /** The Provenance tab of every platform that has a provenance (by its platform digest). */
  | { readonly type: 'provenance'; readonly details: readonly ProvenanceDetail[] }
  /** The raw provenance statement of a platform the page asked for; no `json` when there is none (or it could not be read: `text` says why). */
  | { readonly type: 'statement'; readonly platform: string; readonly json?: unknown; readonly text?: string }
  /** Compare mode: what changes from the old digest (the pin) to the new one (the tag's). */
  | { readonly type: 'compare'; readonly comparison: ComparisonView; readonly labels: CompareLabels; readonly selected?: string }
  /** A window of one SBOM document's rows, asked for by the page (`requestRows`): `sbom` is the layer digest naming it. */
  | { readonly type: 'rows'; readonly sbom: string; readonly window: SbomTableWindow }
  /**
   * While the page waits for an SBOM document's first `rows`: its first rows as they arrive, before the document
   * is whole or its digest checked, and how many of its bytes are in. The page shows them as still being read,
   * with nothing that needs the whole document; `rows` replaces them, and an Overview (`sboms`) naming the
   * document's problem withdraws them. No `window` when only the bytes in changed.
   */
  | { readonly type: 'rowsReading'; readonly sbom: string; readonly window?: SbomTableWindow; readonly bytes: number; readonly size: number };

/** What to show of an image: its Overview, the platform chosen (by digest) and the tab, both as last kept. */
export interface ShowMessage {
  readonly type: 'show';
  readonly overview: Overview;
  readonly labels: PanelLabels;
  readonly selected?: string;
  readonly tab?: PanelTab;
}

/** Page → host: the only intents the host acts on. */
export type PageMessage =
  | { readonly type: 'ready'; readonly version: number }
  /** The platform the page now shows, by its digest (one the host offered). */
  | { readonly type: 'selectPlatform'; readonly digest: string }
  | { readonly type: 'copyText'; readonly text: string }
  /** Open a link the host offered (ProvenanceOffer.links), on a click. */
  | { readonly type: 'openLink'; readonly url: string }
  /** Open the panel of an image the host offered (a material, ProvenanceOffer.images) at that digest. */
  | { readonly type: 'openImage'; readonly ref: string; readonly digest: string }
  /** The raw provenance statement of a platform, by its digest. */
  | { readonly type: 'requestStatement'; readonly platform: string }
  /** The rows of an SBOM document the host showed, by its layer digest: the first window, or the one from row `start` on. */
  | { readonly type: 'requestRows'; readonly sbom: string; readonly start?: number }
  /** Save an SBOM document the host showed, in one of the export formats. */
  | { readonly type: 'exportSbom'; readonly sbom: string; readonly format: SbomExportFormat };

/** What the page keeps with `setState`: enough to read the same image again after a window reload. */
export interface PanelState {
  readonly version: number;
  readonly ref: string;
  readonly digest: string;
  /** The platform shown, by its digest. */
  readonly platform?: string;
  /** The tab shown. */
  readonly tab?: PanelTab;
  /** Compare mode: the old digest, compared with `digest`. */
  readonly base?: string;
}

/** Longer copies are refused: a digest, a purl or a line of the report is far shorter. */
export const MAX_COPY_LENGTH = 16_384;
/** Longer URLs are refused: no link the host offers comes near it. */
export const MAX_URL_LENGTH = 2048;
/** A reference is at most 255 characters of name plus a tag and a digest (distribution/reference). */
const MAX_REFERENCE_LENGTH = 512;
const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** A page's message if it is exactly one of PageMessage's shapes, else undefined (the host ignores it). */
export function parsePageMessage(value: unknown): PageMessage | undefined {
  if (!isPlainObject(value)) return undefined;
  const type = value['type'];
  switch (type) {
    case 'ready':
      return hasExactly(value, ['type', 'version']) && Number.isSafeInteger(value['version']) ? { type, version: value['version'] as number } : undefined;
    case 'selectPlatform':
      return hasExactly(value, ['type', 'digest']) && isDigest(value['digest']) ? { type, digest: value['digest'] } : undefined;
    case 'copyText': {
      const text = value['text'];
      return hasExactly(value, ['type', 'text']) && typeof text === 'string' && text.length > 0 && text.length <= MAX_COPY_LENGTH ? { type, text } : undefined;
    }
    case 'openLink': {
      // Only https ever becomes a link (webUrl in src/attest/sourceLinks.ts); the host checks it offered this one.
      const url = value['url'];
      return hasExactly(value, ['type', 'url']) && typeof url === 'string' && url.length <= MAX_URL_LENGTH && url.startsWith('https://') ? { type, url } : undefined;
    }
    case 'openImage': {
      const ref = value['ref'];
      return hasExactly(value, ['type', 'ref', 'digest']) && typeof ref === 'string' && ref.length > 0 && ref.length <= MAX_REFERENCE_LENGTH && isDigest(value['digest'])
        ? { type, ref, digest: value['digest'] }
        : undefined;
    }
    case 'requestStatement':
      return hasExactly(value, ['type', 'platform']) && isDigest(value['platform']) ? { type, platform: value['platform'] } : undefined;
    case 'requestRows': {
      const start = value['start'];
      if (start === undefined) return hasExactly(value, ['type', 'sbom']) && isDigest(value['sbom']) ? { type, sbom: value['sbom'] } : undefined;
      return hasExactly(value, ['type', 'sbom', 'start']) && isDigest(value['sbom']) && Number.isSafeInteger(start) && (start as number) >= 0 ? { type, sbom: value['sbom'], start: start as number } : undefined;
    }
    case 'exportSbom': {
      const format = value['format'];
      return hasExactly(value, ['type', 'sbom', 'format']) && isDigest(value['sbom']) && (format === 'spdx' || format === 'cyclonedx' || format === 'csv') ? { type, sbom: value['sbom'], format } : undefined;
    }
    default:
      return undefined;
  }
}

/** A restored panel's state if it is one this version wrote, else undefined. */
export function parsePanelState(value: unknown): PanelState | undefined {
  if (!isPlainObject(value)) return undefined;
  const { version, ref, digest, platform, tab, base } = value;
  const keys = ['version', 'ref', 'digest', ...(platform !== undefined ? ['platform'] : []), ...(tab !== undefined ? ['tab'] : []), ...(base !== undefined ? ['base'] : [])];
  if (!hasExactly(value, keys) || version !== PANEL_STATE_VERSION) return undefined;
  if (typeof ref !== 'string' || ref.length === 0 || ref.length > MAX_REFERENCE_LENGTH || !isDigest(digest)) return undefined;
  if (platform !== undefined && !isDigest(platform)) return undefined;
  if (tab !== undefined && !PANEL_TABS.includes(tab as PanelTab)) return undefined;
  if (base !== undefined && !isDigest(base)) return undefined;
  return { version, ref, digest, ...(platform !== undefined && { platform }), ...(tab !== undefined && { tab: tab as PanelTab }), ...(base !== undefined && { base }) };
}

/** Fails to compile when a union gains a member a switch does not handle. */
export function unhandled(value: never): never {
  throw new Error(`unhandled message ${JSON.stringify(value)}`);
}

function isDigest(value: unknown): value is string {
  return typeof value === 'string' && DIGEST.test(value);
}

/** An object made by JSON or structured clone: no array, no class, no prototype of its own choosing. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

/** Exactly these own keys (an own `__proto__` or `constructor` is one too many). */
function hasExactly(value: Record<string, unknown>, keys: readonly string[]): boolean {
  const own = Reflect.ownKeys(value);
  return own.length === keys.length && keys.every((k) => Object.prototype.hasOwnProperty.call(value, k));
}
