// Digests as the OCI image spec writes them, computed with node:crypto: the harness's own, independent
// of the client under test, so tests compare the client's answers against these.
import { createHash } from 'node:crypto';

export function sha256Digest(bytes: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}
