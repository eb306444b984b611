// STUB — being written by a helper; see the helper's prompt for the API.
import type { Message } from '../model/messages';
export interface ImageRef {
  readonly original: string;
  readonly registry: string;
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}
export interface ReferenceError {
  readonly reason: string;
  readonly message: Message;
}
export type ParsedReference = { readonly ok: true; readonly ref: ImageRef } | { readonly ok: false; readonly error: ReferenceError };
export function parseImageReference(text: string): ParsedReference {
  return { ok: true, ref: { original: text, registry: 'docker.io', repository: text } };
}
export function shortDigest(digest: string): string { return digest.slice(7, 19); }
export function familiarName(ref: ImageRef): string { return ref.original; }
