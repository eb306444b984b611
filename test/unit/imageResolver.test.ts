// Unit tier: the resolver of a workspace's images, without VS Code and without a registry: the lookups are a
// stand-in that answers when the test says so, and listens to its signal as every request of the real client
// does (undici's `request` adds an abort listener per request: undici lib/core/util.js addAbortListener).
import * as assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { canonicalName, parseImageReference, type ImageRef } from '../../src/reference/imageReference';
import type { RegistryClient } from '../../src/registry/client';
import { RegistryError, type RegistryErrorKind } from '../../src/registry/errors';
import type { ImageDetails } from '../../src/registry/imageDetails';
import { BuildFileIndex } from '../../src/workspace/buildFileIndex';
import { ImageResolver, type LookupBatch } from '../../src/workspace/imageResolver';

const DIGEST = `sha256:${'d'.repeat(64)}`;

interface Pending {
  readonly ref: ImageRef;
  readonly signal: AbortSignal;
  answer(details?: Partial<ImageDetails>): void;
  fail(kind: RegistryErrorKind, message: string): void;
}

/** Lookups that wait for the test; a cancelled one rejects as the client does (`cancelled`). */
function stagedLookups() {
  const pending: Pending[] = [];
  const asked: string[] = [];
  const describe = (_client: RegistryClient, ref: ImageRef, signal?: AbortSignal): Promise<ImageDetails> =>
    new Promise<ImageDetails>((resolve, reject) => {
      asked.push(canonicalName(ref));
      const host = ref.registry;
      const cancelled = () => reject(new RegistryError('cancelled', ref.original, host, `${ref.original}: cancelled`));
      signal?.addEventListener('abort', cancelled, { once: true });
      pending.push({
        ref,
        signal: signal!,
        answer: (details = {}) => resolve({ digest: DIGEST, mediaType: 'application/vnd.oci.image.index.v1+json', kind: 'index', platforms: [], attestations: 0, host, ...details }),
        fail: (kind, message) => reject(new RegistryError(kind, ref.original, host, `${ref.original}: ${message}`)),
      });
    });
  return { pending, asked, describe };
}

function workspace(images: readonly string[]): BuildFileIndex {
  const index = new BuildFileIndex();
  index.set('file:///w/Dockerfile', images.map((image, i) => `FROM ${image} AS s${i}\n`).join(''));
  return index;
}

function ref(text: string): ImageRef {
  const parsed = parseImageReference(text);
  if (!parsed.ok) throw new Error(text);
  return parsed.ref;
}

const log = { info: () => undefined, warn: () => undefined };
const client = async (): Promise<RegistryClient> => ({ close: async () => undefined }) as unknown as RegistryClient;

/** Lets the resolver's awaits (the client promise, then the lookup) run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('unit: image resolver (the workspace images use-case, without VS Code)', () => {
  const resolvers: ImageResolver[] = [];
  afterEach(() => resolvers.splice(0).forEach((r) => r.dispose()));
  const resolverFor = (index: BuildFileIndex, describe: ReturnType<typeof stagedLookups>['describe']): ImageResolver => {
    const resolver = new ImageResolver(index, client, log, () => ({}), describe);
    resolvers.push(resolver);
    return resolver;
  };

  it('looks each distinct image up once while active, tells listeners which changed, and settles the batch with its counts', async () => {
    const images = ['alpine:3.21', 'node:22', 'alpine:3.21', 'ghcr.io/o/app:1'];
    const { pending, asked, describe } = stagedLookups();
    const resolver = resolverFor(workspace(images), describe);
    const changes: (readonly string[] | undefined)[] = [];
    const batches: Promise<LookupBatch>[] = [];
    resolver.onDidChange((keys) => changes.push(keys));
    resolver.onDidStartLookups((batch) => batches.push(batch));

    resolver.setActive(true);
    await settle();
    assert.deepEqual([...asked].sort(), ['docker.io/library/alpine:3.21', 'docker.io/library/node:22', 'ghcr.io/o/app:1']);
    assert.deepEqual(changes, [asked]);
    assert.equal(batches.length, 1);
    assert.deepEqual(resolver.get(ref('alpine:3.21')), { state: 'pending' });

    const lookup = (image: string): Pending => pending.find((p) => canonicalName(p.ref) === canonicalName(ref(image)))!;
    lookup('alpine:3.21').answer();
    lookup('node:22').fail('notFound', 'manifest unknown');
    lookup('ghcr.io/o/app:1').answer();
    assert.deepEqual(await batches[0], { looked: 3, failed: 1, failing: 1, unreachable: [] });
    assert.equal(resolver.get(ref('alpine:3.21'))?.state, 'resolved');
    assert.equal(resolver.get(ref('node:22'))?.state, 'failed');
    assert.deepEqual(changes.slice(1).flat().sort(), [...asked].sort());
  });

  it('an inactive resolver asks nothing for the index; request() asks for the images an editor shows', async () => {
    const { asked, describe } = stagedLookups();
    const resolver = resolverFor(workspace(['alpine:3.21']), describe);
    await settle();
    assert.deepEqual(asked, []);
    resolver.request([ref('busybox:1')]);
    await settle();
    assert.deepEqual(asked, ['docker.io/library/busybox:1']);
  });

  it('lookups sharing the generation add one abort listener to it, not one each (no MaxListenersExceededWarning)', async () => {
    const images = Array.from({ length: 30 }, (_, i) => `registry.example/app${i}:1`);
    const { pending, describe } = stagedLookups();
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => void warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const resolver = resolverFor(workspace(images), describe);
      resolver.setActive(true);
      await settle();
      assert.equal(pending.length, 30);
      const signals = new Set(pending.map((p) => p.signal));
      assert.equal(signals.size, 30, 'each lookup has a signal of its own');
      // The generation is what reset() aborts: it reaches every lookup through one listener.
      const generation = (resolver as unknown as { aborter: AbortController }).aborter.signal;
      assert.equal(getEventListeners(generation, 'abort').length, 1);
      resolver.reset();
      assert.ok(pending.every((p) => p.signal.aborted), 'a reset ends every lookup');
      await settle();
      assert.deepEqual(
        warnings.map((w) => w.name),
        [],
      );
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('a batch says which hosts could not be reached; Retry asks the failed images again', async () => {
    const { pending, asked, describe } = stagedLookups();
    const resolver = resolverFor(workspace(['app0:1', 'app1:1', 'ghcr.io/o/other:1']), describe);
    const batches: Promise<LookupBatch>[] = [];
    resolver.onDidStartLookups((batch) => batches.push(batch));
    resolver.setActive(true);
    await settle();
    for (const p of pending.filter((p) => p.ref.registry === 'docker.io')) p.fail('network', 'the host name of registry-1.docker.io could not be resolved (DNS)');
    pending.find((p) => p.ref.registry === 'ghcr.io')!.answer();
    assert.deepEqual(await batches[0], { looked: 3, failed: 2, failing: 2, unreachable: ['docker.io'] });
    resolver.retry();
    await settle();
    assert.deepEqual(asked.slice(3).sort(), ['docker.io/library/app0:1', 'docker.io/library/app1:1']);
  });

  it('a lookup that fails for another reason counts as failed, not unreachable, and ends no other lookup', async () => {
    const { pending, describe } = stagedLookups();
    const resolver = resolverFor(workspace(['app0:1', 'app1:1']), describe);
    const batches: Promise<LookupBatch>[] = [];
    resolver.onDidStartLookups((batch) => batches.push(batch));
    resolver.setActive(true);
    await settle();
    pending[0]!.fail('notFound', 'manifest unknown');
    await settle();
    assert.equal(pending[1]!.signal.aborted, false, 'a missing image says nothing about the registry');
    pending[1]!.answer();
    assert.deepEqual(await batches[0], { looked: 2, failed: 1, failing: 1, unreachable: [] });
  });

  it('after a change looks only at the files that changed, and at the Dockerfiles their builds build as built (issue 15)', async () => {
    const { pending, asked, describe } = stagedLookups();
    const index = workspace(['alpine:3.21']);
    const resolver = resolverFor(index, describe);
    resolver.setActive(true);
    await settle();
    let walks = 0;
    for (const method of ['files', 'byImage'] as const) {
      const whole = index[method].bind(index) as () => never;
      index[method] = () => (walks++, whole());
    }
    index.set('file:///w/api/Dockerfile', 'ARG BASE=node:20\nFROM ${BASE}\n');
    // compose-go loader: a service's build args are the Dockerfile's ARG values (docker/compose build: `BuildArgs`).
    index.set('file:///w/compose.yaml', 'services:\n  api:\n    build:\n      context: api\n      args:\n        BASE: node:22\n', 'compose');
    const idle = resolver.whenIdle();
    await settle();
    for (const lookup of pending) lookup.answer();
    await idle;
    assert.deepEqual(asked, ['docker.io/library/alpine:3.21', 'docker.io/library/node:20', 'docker.io/library/node:22']);
    assert.equal(walks, 0, 'no walk of the whole workspace for a change to two files');
  });
});
