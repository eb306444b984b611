// Image manifests and indexes as registries serve them: parsing, platforms, digests. Where attestations sit in
// an index is src/attest/storage.ts.
// Pure: no I/O, no vscode; node:crypto for hashing.
//
// Sources:
// - OCI image-spec manifest.md, image-index.md, descriptor.md (digest grammar, registered algorithms,
//   "implementations SHOULD reject manifests whose mediaType they do not know")
// - Docker image manifest v2 schema 2 (distribution docs/spec/manifest-v2-2.md)
// - BuildKit docs/attestations/attestation-storage.md (the index entries that are not platforms)
// - containerd/platforms FormatAll (the platform text)

import { createHash } from 'node:crypto';
import { REFERENCE_ANNOTATIONS } from '../attest/storage';
import { isDigest } from '../reference/imageReference';

/** Wire strings, defined once. */
export const MEDIA_TYPES = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerSchema1: 'application/vnd.docker.distribution.manifest.v1+json',
  dockerSchema1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
} as const;

/**
 * The Accept order for manifest requests. The OCI index comes first: distribution 2.8 answers 404 for
 * an index when the Accept header lacks its type.
 */
export const MANIFEST_MEDIA_TYPES: readonly string[] = Object.freeze([
  MEDIA_TYPES.ociIndex,
  MEDIA_TYPES.ociManifest,
  MEDIA_TYPES.dockerManifestList,
  MEDIA_TYPES.dockerManifest,
]);

const INDEX_TYPES: ReadonlySet<string> = new Set([MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerManifestList]);
const SCHEMA1_TYPES: ReadonlySet<string> = new Set([MEDIA_TYPES.dockerSchema1, MEDIA_TYPES.dockerSchema1Signed]);

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
  /** `os.version` on the wire; set by Windows images. */
  osVersion?: string;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform;
  annotations?: Record<string, string>;
  artifactType?: string;
}

export type ParsedManifest =
  | { kind: 'index'; mediaType: string; manifests: Descriptor[]; subject?: Descriptor; artifactType?: string; annotations?: Record<string, string> }
  | { kind: 'image'; mediaType: string; config: Descriptor; layers: Descriptor[]; subject?: Descriptor; artifactType?: string; annotations?: Record<string, string> };

export type ParsedIndex = Extract<ParsedManifest, { kind: 'index' }>;
export type ParsedImageManifest = Extract<ParsedManifest, { kind: 'image' }>;

/** The bytes are not a manifest we can read. The message is plain and quotes at most a short piece of the body. */
export class ManifestFormatError extends Error {
  override readonly name = 'ManifestFormatError';
}

/**
 * Reads a manifest or index strictly. The body's `mediaType` says what it is when present; else the
 * Content-Type header (parameters ignored). Without either (OCI 1.0 made `mediaType` optional, and
 * bytes re-read from the cache come without a header), the shape decides between the two OCI types;
 * Docker's types always carry `mediaType`. Throws ManifestFormatError.
 */
export function parseManifest(bytes: Uint8Array, contentType: string | undefined): ParsedManifest {
  const root = parseJson(bytes);
  if (!isObject(root)) throw new ManifestFormatError(`the manifest is not a JSON object (found ${typeName(root)})`);

  const header = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
  const body = root['mediaType'];
  if (body !== undefined && typeof body !== 'string') throw new ManifestFormatError(`the manifest's mediaType is ${typeName(body)}, not a string`);
  if (root['schemaVersion'] === 1 || SCHEMA1_TYPES.has(body ?? header)) {
    throw new ManifestFormatError('the manifest is a Docker image manifest v2 schema 1; schema 1 is not supported (push the image again with a current Docker or BuildKit)');
  }
  const mediaType = body ?? (MANIFEST_MEDIA_TYPES.includes(header) ? header : header === '' ? inferredType(root) : undefined);
  if (mediaType === undefined && header === '') {
    throw new ManifestFormatError('the manifest has neither a mediaType nor a Content-Type, and its fields do not tell an index from an image manifest');
  }
  if (mediaType === undefined || !MANIFEST_MEDIA_TYPES.includes(mediaType)) {
    throw new ManifestFormatError(`the manifest's media type ${quote(mediaType ?? header)} is not one of the four this extension reads (OCI index, OCI manifest, Docker manifest list, Docker manifest v2)`);
  }

  const schemaVersion = root['schemaVersion'];
  if (schemaVersion !== 2) {
    throw new ManifestFormatError(schemaVersion === undefined ? 'the manifest has no schemaVersion' : `the manifest's schemaVersion is ${show(schemaVersion)}, not 2`);
  }

  const annotations = optional(root, 'annotations', annotationMap);
  const subject = optional(root, 'subject', descriptor);
  const artifactType = optional(root, 'artifactType', string);
  const extras = { ...(subject && { subject }), ...(artifactType !== undefined && { artifactType }), ...(annotations && { annotations }) };

  if (INDEX_TYPES.has(mediaType)) {
    return { kind: 'index', mediaType, manifests: required(root, 'manifests', descriptorList), ...extras };
  }
  return { kind: 'image', mediaType, config: required(root, 'config', descriptor), layers: required(root, 'layers', descriptorList), ...extras };
}

/** OCI 1.0 bodies without `mediaType`: `manifests` makes an index, `config` an image manifest, both is ambiguous. */
function inferredType(root: Record<string, unknown>): string | undefined {
  const index = 'manifests' in root;
  const image = 'config' in root || 'layers' in root;
  if (index === image) return undefined;
  return index ? MEDIA_TYPES.ociIndex : MEDIA_TYPES.ociManifest;
}

function parseJson(bytes: Uint8Array): unknown {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ManifestFormatError('the manifest is not UTF-8 text');
  }
  if (text.trim() === '') throw new ManifestFormatError('the manifest is empty');
  try {
    return JSON.parse(text);
  } catch (error) {
    // Not V8's message: it quotes the body.
    const position = error instanceof Error ? /\bposition (\d+)/.exec(error.message)?.[1] : undefined;
    throw new ManifestFormatError(position === undefined ? 'the manifest is not valid JSON' : `the manifest is not valid JSON (at character ${position})`);
  }
}

type Reader<T> = (value: unknown, where: string) => T;

function required<T>(object: Record<string, unknown>, key: string, read: Reader<T>, where = ''): T {
  const value = object[key];
  if (value === undefined || value === null) throw new ManifestFormatError(`the manifest has no ${where}${key}`);
  return read(value, `${where}${key}`);
}

/** `null` counts as absent, as for Go's decoders, which write a nil map without omitempty as null. */
function optional<T>(object: Record<string, unknown>, key: string, read: Reader<T>, where = ''): T | undefined {
  const value = object[key];
  return value === undefined || value === null ? undefined : read(value, `${where}${key}`);
}

const string: Reader<string> = (value, where) => {
  if (typeof value !== 'string') throw wrongType(where, 'a string', value);
  return value;
};

const descriptorList: Reader<Descriptor[]> = (value, where) => {
  if (!Array.isArray(value)) throw wrongType(where, 'an array', value);
  return value.map((item, i) => descriptor(item, `${where}[${i}]`));
};

/** OCI descriptor.md: mediaType, digest and size are required; platform, annotations and artifactType optional. */
const descriptor: Reader<Descriptor> = (value, where) => {
  if (!isObject(value)) throw wrongType(where, 'an object', value);
  const at = `${where}.`;
  const result: Descriptor = {
    mediaType: required(value, 'mediaType', string, at),
    digest: required(value, 'digest', digest, at),
    size: required(value, 'size', size, at),
  };
  const platform = optional(value, 'platform', platformOf, at);
  const annotations = optional(value, 'annotations', annotationMap, at);
  const artifactType = optional(value, 'artifactType', string, at);
  if (platform) result.platform = platform;
  if (annotations) result.annotations = annotations;
  if (artifactType !== undefined) result.artifactType = artifactType;
  return result;
};

/**
 * OCI descriptor.md's grammar, `algorithm:encoded`. The algorithms we can verify must be lowercase hex
 * of their exact length; others (e.g. a future blake3 layer) only need the grammar, so that one
 * unusual layer does not make the whole manifest unreadable.
 */
const digest: Reader<string> = (value, where) => {
  const text = string(value, where);
  const algorithm = text.slice(0, text.indexOf(':'));
  const ok = VERIFIABLE_ALGORITHMS.has(algorithm) ? isDigest(text) : DIGEST_GRAMMAR.test(text);
  if (!ok) throw new ManifestFormatError(`the manifest's ${where} ${quote(text)} is not a digest (algorithm:hex)`);
  return text;
};

const DIGEST_GRAMMAR = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const VERIFIABLE_ALGORITHMS: ReadonlySet<string> = new Set(['sha256', 'sha384', 'sha512']);

const size: Reader<number> = (value, where) => {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new ManifestFormatError(`the manifest's ${where} is ${typeof value === 'number' ? show(value) : typeName(value)}, not a size in bytes`);
  }
  return value;
};

const platformOf: Reader<Platform> = (value, where) => {
  if (!isObject(value)) throw wrongType(where, 'an object', value);
  const at = `${where}.`;
  const platform: Platform = { os: required(value, 'os', string, at), architecture: required(value, 'architecture', string, at) };
  const variant = optional(value, 'variant', string, at);
  const osVersion = optional(value, 'os.version', string, at);
  if (variant !== undefined) platform.variant = variant;
  if (osVersion !== undefined) platform.osVersion = osVersion;
  return platform;
};

const annotationMap: Reader<Record<string, string>> = (value, where) => {
  if (!isObject(value)) throw wrongType(where, 'an object', value);
  const result: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    // defineProperty: a `__proto__` key stays an annotation instead of replacing the prototype.
    Object.defineProperty(result, key, { value: string(v, `${where}[${quote(key)}]`), enumerable: true, writable: true, configurable: true });
  }
  return result;
};

function wrongType(where: string, expected: string, value: unknown): ManifestFormatError {
  return new ManifestFormatError(`the manifest's ${where} is ${typeName(value)}, not ${expected}`);
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** At most 80 characters of text from the body, quoted. */
function quote(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}

/** A short JSON value from the body as JSON, at most 80 characters of it. */
function show(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 80 ? `${json.slice(0, 80)}…` : json;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The entries a user can pick as a platform. Not: BuildKit attestation manifests (and, as its storage
 * doc says, any entry with another `vnd.docker.reference.type`), OCI artifacts listed in the index
 * (`artifactType`), entries without a platform, and `unknown/unknown`, which BuildKit sets precisely so
 * that runtimes never pick the entry.
 */
export function platformEntries(index: ParsedIndex): Descriptor[] {
  return index.manifests.filter(
    (entry) =>
      entry.annotations?.[REFERENCE_ANNOTATIONS.type] === undefined &&
      entry.artifactType === undefined &&
      entry.platform !== undefined &&
      !(entry.platform.os === 'unknown' && entry.platform.architecture === 'unknown'),
  );
}

/** containerd's FormatAll: `linux/arm64/v8`, `windows(10.0.20348.2340)/amd64`. */
export function formatPlatform(p: Platform): string {
  if (p.os === '') return 'unknown';
  const os = p.osVersion ? `${p.os}(${p.osVersion})` : p.os;
  return [os, p.architecture, p.variant].filter((part) => part !== undefined && part !== '').join('/');
}

export function sha256Digest(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/**
 * Whether `bytes` hash to `digest`. The digest must be well formed (lowercase hex of the algorithm's
 * length) for sha256, sha384 or sha512; anything else, including an algorithm we cannot compute, is
 * false rather than trusted.
 */
export function verifyDigest(bytes: Uint8Array, digest: string): boolean {
  if (!isDigest(digest)) return false;
  const colon = digest.indexOf(':');
  return createHash(digest.slice(0, colon)).update(bytes).digest('hex') === digest.slice(colon + 1);
}
