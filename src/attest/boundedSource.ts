// At most a few requests of one summary in flight at once: discovery and the layer reads ask for independent
// things together (a platform's referrers and cosign tags, the manifests found, the provenance and SBOM layers),
// which cuts latency without adding a request, while a registry is never flooded by one image.

import type { AttestationSource } from './discover';

/** Requests of one summary in flight at most: a platform's four probes (referrers, three cosign tags) at once, under the client's per-host limit. */
export const MAX_CONCURRENT_REQUESTS = 4;

/** The same source, each call waiting for one of `limit` slots; slots are only held by calls to the source itself. */
export function boundedSource(source: AttestationSource, limit: number = MAX_CONCURRENT_REQUESTS): AttestationSource {
  let running = 0;
  const waiting: (() => void)[] = [];
  const slot = async <T>(call: () => Promise<T>): Promise<T> => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    else running++;
    try {
      return await call();
    } finally {
      // The slot passes straight to the next waiter, so `running` counts it still.
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
  return {
    manifest: (digest, signal) => slot(() => source.manifest(digest, signal)),
    referrers: (digest, signal) => slot(() => source.referrers(digest, signal)),
    tagged: (tag, signal) => slot(() => source.tagged(tag, signal)),
    blob: (digest, options) => slot(() => source.blob(digest, options)),
  };
}
