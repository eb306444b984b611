// One attestation layer's bytes → an in-toto statement. Pure: no I/O, no vscode.
//
// Shapes read (and where they are defined):
// - in-toto Statement v0.1 and v1 (`_type`, `subject`, `predicateType`, `predicate`): in-toto/attestation
//   spec/v1/statement.md; BuildKit writes v1 (moby/buildkit exporter/attestation/make.go,
//   makeInTotoStatement), docker/buildkit-syft-scanner wrote v0.1.
// - DSSE envelopes (`payloadType`, base64 `payload`, `signatures`): secure-systems-lab/dsse envelope.md;
//   cosign's `.att` tags and `application/vnd.in-toto.*+dsse` layers.
// - Sigstore bundles v0.3 (`mediaType`, `verificationMaterial`, `dsseEnvelope`): sigstore/protobuf-specs
//   bundle.proto; what actions/attest pushes as a referrer.
// - A bare predicate (no statement around it): its type comes from the layer annotation
//   `in-toto.io/predicate-type` (moby/buildkit exporter/containerimage/writer.go sets it on every layer).
// Hostile input: bounded size and depth; never throws, returns a problem message instead.

import { message, Messages, type Message } from '../model/messages';
import { arrayField, isObject, stringField, stringMap, type JsonObject } from './jsonFields';

/** Wire strings of layer contents, defined once. */
export const IN_TOTO = {
  mediaType: 'application/vnd.in-toto+json',
  predicateTypeAnnotation: 'in-toto.io/predicate-type',
  statementV01: 'https://in-toto.io/Statement/v0.1',
  statementV1: 'https://in-toto.io/Statement/v1',
} as const;

export const PREDICATE_TYPES = {
  slsaProvenanceV02: 'https://slsa.dev/provenance/v0.2',
  slsaProvenanceV1: 'https://slsa.dev/provenance/v1',
  spdx: 'https://spdx.dev/Document',
  cycloneDx: 'https://cyclonedx.org/bom',
} as const;

/** Sigstore bundles' media types, every version (`…bundle.v0.3+json`, `…bundle+json;version=0.2`). */
export const SIGSTORE_BUNDLE_PREFIX = 'application/vnd.dev.sigstore.bundle';

export interface StatementSubject {
  name: string;
  /** Algorithm → hex, as written (`{ sha256: "…" }`). */
  digest: Record<string, string>;
}

export interface InTotoStatement {
  /** The statement's `_type`; undefined for a bare predicate. */
  statementType: string | undefined;
  predicateType: string;
  /** As written: may be empty, or name something other than the image (the index annotation links it). */
  subject: StatementSubject[];
  predicate: unknown;
  /** How the statement was wrapped. */
  envelope: 'none' | 'dsse' | 'sigstoreBundle';
  /**
   * `unverified` when the envelope carries signatures: this reader never checks them, and nothing
   * may present such a statement as verified.
   */
  signature: 'none' | 'unverified';
  /** Things worth knowing that did not stop the reading. */
  warnings: Message[];
}

export type StatementResult = { ok: true; statement: InTotoStatement } | { ok: false; problem: Message };

/** What the manifest says about the layer. */
export interface LayerInfo {
  mediaType?: string;
  annotations?: Record<string, string>;
}

export interface StatementLimits {
  maxBytes: number;
  maxDepth: number;
}

/**
 * SBOMs of large images run to tens of megabytes (python:3.13's SPDX: ~610 packages, files listed);
 * 128 MiB leaves room for 100,000 packages. Real attestations nest about 15 levels (an LLB op in a
 * max-mode provenance); 64 stops pathological nesting before anything walks it recursively.
 */
export const DEFAULT_STATEMENT_LIMITS: StatementLimits = Object.freeze({ maxBytes: 128 * 1024 * 1024, maxDepth: 64 });

/**
 * A statement's package list already read from its bytes as they arrived (PackageStream): the offsets of its `[`
 * and `]` in the bytes, and its elements, each parsed by JSON.parse.
 */
export interface StreamedList {
  readonly key: 'packages' | 'components';
  readonly start: number;
  readonly end: number;
  readonly elements: unknown[];
}

/**
 * With `streamed`, the list is not read again: the rest of the bytes is, with a placeholder where the list was,
 * which its elements then replace. The result is JSON.parse's whole (the elements were parsed by it, the rest is);
 * when the placeholder is not where the list was read from (the document names its list twice: JSON.parse keeps
 * the last), the bytes are read whole.
 */
export function readStatement(bytes: Uint8Array, layer: LayerInfo = {}, limits: StatementLimits = DEFAULT_STATEMENT_LIMITS, streamed?: StreamedList): StatementResult {
  const root = (streamed && readAround(bytes, limits, streamed)) || readJson(bytes, limits);
  if (!root.ok) return root;
  const warnings: Message[] = [];
  const annotated = layer.annotations?.[IN_TOTO.predicateTypeAnnotation] || undefined;
  const value = root.value;

  if ('payloadType' in value) {
    return fromEnvelope(value, 'dsse', annotated, limits, warnings);
  }
  const bundleType = stringField(value, 'mediaType');
  if (bundleType?.startsWith(SIGSTORE_BUNDLE_PREFIX) || 'dsseEnvelope' in value) {
    const envelope = value['dsseEnvelope'];
    if (!isObject(envelope)) return fail(Messages.attestBundleWithoutEnvelope);
    return fromEnvelope(envelope, 'sigstoreBundle', annotated, limits, warnings);
  }
  return fromStatement(value, annotated, { envelope: 'none', signature: 'none', warnings });
}

function fromEnvelope(
  envelope: JsonObject,
  kind: 'dsse' | 'sigstoreBundle',
  annotated: string | undefined,
  limits: StatementLimits,
  warnings: Message[],
): StatementResult {
  const payloadType = envelope['payloadType'];
  if (payloadType !== IN_TOTO.mediaType) {
    return fail(Messages.attestDssePayloadType, typeof payloadType === 'string' ? payloadType : String(JSON.stringify(payloadType) ?? 'nothing'));
  }
  const payload = decodeBase64(envelope['payload']);
  if (!payload) return fail(Messages.attestDsseBadPayload);
  const inner = readJson(payload, limits);
  if (!inner.ok) return inner;
  const signed = arrayField(envelope, 'signatures').some((s) => isObject(s) && stringField(s, 'sig') !== undefined);
  // The payload must be a statement: an envelope inside an envelope is not a form any tool writes.
  return fromStatement(inner.value, annotated, { envelope: kind, signature: signed ? 'unverified' : 'none', warnings });
}

function fromStatement(
  value: JsonObject,
  annotated: string | undefined,
  wrapping: Pick<InTotoStatement, 'envelope' | 'signature' | 'warnings'>,
): StatementResult {
  const { warnings } = wrapping;
  const statementType = stringField(value, '_type');
  const looksLikeStatement = statementType !== undefined || ('predicateType' in value && 'predicate' in value);
  if (!looksLikeStatement) {
    // A bare predicate: what it is comes from the layer annotation alone.
    if (annotated === undefined) return fail(Messages.attestNoPredicateType, IN_TOTO.predicateTypeAnnotation);
    return { ok: true, statement: { statementType: undefined, predicateType: annotated, subject: [], predicate: value, ...wrapping } };
  }
  if (statementType !== undefined && statementType !== IN_TOTO.statementV01 && statementType !== IN_TOTO.statementV1) {
    warnings.push(message(Messages.attestUnknownStatementType, statementType));
  }
  const written = stringField(value, 'predicateType');
  const predicateType = written ?? annotated;
  if (predicateType === undefined) return fail(Messages.attestNoPredicateType, IN_TOTO.predicateTypeAnnotation);
  if (written !== undefined && annotated !== undefined && written !== annotated) {
    warnings.push(message(Messages.attestPredicateTypeMismatch, annotated, written));
  }
  const predicate = value['predicate'];
  if (predicate === undefined || predicate === null) return fail(Messages.attestNoPredicate);
  return { ok: true, statement: { statementType, predicateType, subject: subjects(value['subject'], warnings), predicate, ...wrapping } };
}

function subjects(value: unknown, warnings: Message[]): StatementSubject[] {
  if (!Array.isArray(value)) return [];
  const result: StatementSubject[] = [];
  let skipped = 0;
  for (const entry of value) {
    const name = isObject(entry) && typeof entry['name'] === 'string' ? entry['name'] : undefined;
    if (name === undefined || !isObject(entry) || !isObject(entry['digest'])) {
      skipped++;
      continue;
    }
    result.push({ name, digest: stringMap(entry['digest']) });
  }
  if (skipped > 0) warnings.push(message(Messages.attestBadSubjects, skipped));
  return result;
}

type JsonRead = { ok: true; value: JsonObject } | { ok: false; problem: Message };

function readJson(bytes: Uint8Array, limits: StatementLimits): JsonRead {
  if (bytes.byteLength > limits.maxBytes) return fail(Messages.attestTooLarge, bytes.byteLength, limits.maxBytes);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return fail(Messages.attestNotUtf8);
  }
  if (text.trim() === '') return fail(Messages.attestEmpty);
  // Before parsing: nothing deeper than the limit is built, and the bytes are cheaper to scan than the tree.
  if (nestingExceeds(bytes, limits.maxDepth)) return fail(Messages.attestTooDeep, limits.maxDepth);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return fail(Messages.attestNotJson);
  }
  if (!isObject(value)) return fail(Messages.attestNotObject);
  return { ok: true, value };
}

/**
 * The statement around a list read as it arrived (StreamedList); undefined when anything is not as the stream
 * saw it, for the whole read to decide (and to say what is wrong).
 */
function readAround(bytes: Uint8Array, limits: StatementLimits, streamed: StreamedList): JsonRead | undefined {
  if (bytes.byteLength > limits.maxBytes || streamed.start >= streamed.end || streamed.end >= bytes.byteLength) return undefined;
  // The list's bytes lie between a `[` and a `]` outside any string: what is left splits at ASCII, whole UTF-8.
  const head = bytes.subarray(0, streamed.start);
  const tail = bytes.subarray(streamed.end + 1);
  if (nestingExceeds([head, tail], limits.maxDepth)) return undefined;
  const placeholder = `image-provenance: the list read as it arrived ${Math.random()} ${Math.random()}`;
  let value: unknown;
  try {
    const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
    value = JSON.parse(`${decoder.decode(head)}${JSON.stringify(placeholder)}${decoder.decode(tail)}`);
  } catch {
    return undefined;
  }
  if (!isObject(value)) return undefined;
  const predicate = value['predicate'];
  const holder = isObject(predicate) && predicate[streamed.key] === placeholder ? predicate : value[streamed.key] === placeholder ? value : undefined;
  if (!holder) return undefined;
  holder[streamed.key] = streamed.elements;
  return { ok: true, value };
}

/**
 * Whether JSON text nests arrays and objects deeper than `maxDepth` (the root object is level 1), its bytes given
 * in parts (split outside strings). Brackets inside strings do not count: a string's bytes are skipped to its
 * closing quote, escapes included. On text that is not JSON the answer does not matter: JSON.parse refuses it next.
 */
function nestingExceeds(parts: Uint8Array | readonly Uint8Array[], maxDepth: number): boolean {
  let depth = 0;
  for (const bytes of parts instanceof Uint8Array ? [parts] : parts) {
    let inString = false;
    for (let i = 0; i < bytes.length; i++) {
      const byte = bytes[i];
      if (inString) {
        if (byte === 0x5c /* \ */) i++;
        else if (byte === 0x22 /* " */) inString = false;
      } else if (byte === 0x22) inString = true;
      else if (byte === 0x7b /* { */ || byte === 0x5b /* [ */) {
        if (++depth > maxDepth) return true;
      } else if (byte === 0x7d /* } */ || byte === 0x5d /* ] */) depth--;
    }
  }
  return false;
}

/** Standard base64 (Go's encoding/json writes []byte so); URL-safe and unpadded forms are accepted too. */
function decodeBase64(value: unknown): Uint8Array | undefined {
  if (typeof value !== 'string') return undefined;
  const standard = value.replace(/\s+/g, '').replace(/-/g, '+').replace(/_/g, '/');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(standard)) return undefined;
  let binary: string;
  try {
    binary = atob(standard);
  } catch {
    return undefined;
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function fail(template: string, ...args: (string | number)[]): { ok: false; problem: Message } {
  return { ok: false, problem: message(template, ...args) };
}
