// Offline, in the real extension host (issue 15: the Images view's progress and badge never ended offline, with
// bursts of work every ~20 s, and Node warned of too many abort listeners whenever lookups started). The unreachable
// registry is a fake, named as such: a TCP server that accepts connections and never answers, what a firewall that
// drops packets looks like from here (no registry can be asked to do it): the TLS handshake an https registry needs
// never ends, and undici's connect timeout (the request timeout setting) fires, as it would for a lost SYN.
import * as assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import * as vscode from 'vscode';
import { parseImageReference, type ImageRef } from '../../src/reference/imageReference';
import type { LookupBatch } from '../../src/workspace/imageResolver';
import { api, createIndexed, deleteIndexed, eventually, workspaceUri } from './helpers';

const TIMEOUT_SECONDS = 4;

function parseRef(text: string): ImageRef {
  const parsed = parseImageReference(text);
  if (!parsed.ok) throw new Error(`bad test reference ${text}`);
  return parsed.ref;
}
/** `imageProvenance.registry.maxConcurrentRequests`'s default: requests in flight per host. */
const PER_HOST = 6;

/** A fault server standing for a registry (each use says what it fakes), with the Dockerfile that names its images. */
interface FaultRegistry {
  readonly host: string;
  /** The connections it was asked to take. */
  readonly sockets: Socket[];
  readonly uri: () => vscode.Uri;
}

/**
 * Starts `onConnection`'s server before the suite's tests, the Images view showing and the request timeout at
 * TIMEOUT_SECONDS (over plain HTTP with `plainHttp`), and undoes it all after them.
 */
function faultRegistry(folder: string, onConnection: (socket: Socket) => void, plainHttp = false): FaultRegistry {
  const config = () => vscode.workspace.getConfiguration('imageProvenance.registry');
  const sockets: Socket[] = [];
  const fault = { host: '', sockets, uri: () => workspaceUri(`${folder}/Dockerfile`) };
  let server: Server;
  let timeoutBefore: unknown;
  let hostsBefore: unknown;
  const settled = async () => {
    await new Promise((resolve) => setTimeout(resolve, 300));
    await (await api()).resolver.whenIdle();
  };

  before(async () => {
    server = createServer((socket) => {
      sockets.push(socket);
      socket.on('error', () => undefined);
      onConnection(socket);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    fault.host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    const a = await api();
    await vscode.commands.executeCommand('imageProvenance.images.focus');
    await eventually(() => a.imagesView.visible, 'the Images view to show');
    timeoutBefore = config().inspect('timeoutSeconds')?.workspaceValue;
    hostsBefore = config().inspect('hosts')?.workspaceValue;
    // A new setting makes a new client (and looks every image up again): wait for that before the test's lookups.
    await config().update('timeoutSeconds', TIMEOUT_SECONDS, vscode.ConfigurationTarget.Workspace);
    if (plainHttp) await config().update('hosts', { ...(hostsBefore as object | undefined), [fault.host]: { http: true } }, vscode.ConfigurationTarget.Workspace);
    await settled();
  });

  after(async () => {
    const a = await api();
    await deleteIndexed(a, [fault.uri()]);
    await vscode.workspace.fs.delete(workspaceUri(folder), { recursive: true, useTrash: false });
    if (plainHttp) await config().update('hosts', hostsBefore, vscode.ConfigurationTarget.Workspace);
    await config().update('timeoutSeconds', timeoutBefore, vscode.ConfigurationTarget.Workspace);
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
    await settled();
  });

  return fault;
}

/**
 * Writes a Dockerfile of 4 × PER_HOST images on `fault`'s host and waits for the view's lookups of them: their
 * outcome, how long they took, and how many batches of lookups started (after `then`, which runs before the
 * listener goes).
 */
async function lookUpMany(fault: FaultRegistry, then: (images: string[], outcome: LookupBatch, took: number, batches: () => number) => Promise<void>): Promise<void> {
  const a = await api();
  const images = Array.from({ length: 4 * PER_HOST }, (_, i) => `${fault.host}/team/app${i}:1`);
  const batches: { started: number; outcome: Promise<LookupBatch> }[] = [];
  const started = a.resolver.onDidStartLookups((outcome) => batches.push({ started: performance.now(), outcome }));
  try {
    await createIndexed(a, fault.uri(), images.map((image, i) => `FROM ${image} AS s${i}\n`).join(''));
    await eventually(() => batches.length > 0, 'the view to look the new images up');
    const outcome = await batches[0]!.outcome;
    await then(images, outcome, performance.now() - batches[0]!.started, () => batches.length);
  } finally {
    started.dispose();
  }
}

describe('offline: the Images view’s lookups of a registry that cannot be reached', function () {
  this.timeout(90_000);
  // Node warns once per signal, when its eleventh listener is added: heard from before the reset that makes the
  // signal the lookups share (the fault registry's setup), so that the relookup of the fixture's images is heard too.
  const warnings: string[] = [];
  const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
  before(() => process.on('warning', onWarning));
  after(() => process.off('warning', onWarning));
  // A black hole: it takes connections and never says a word, not even the TLS handshake.
  const fault = faultRegistry('offline', () => undefined);

  it('ends its progress within the request timeout, says on the badge how many lookups failed, and then asks nothing more', async () => {
    const a = await api();
    const { host, sockets } = fault;
    await lookUpMany(fault, async (images, outcome, took, batches) => {
      // The first requests wait out the timeout together; the ones queued behind them fail at once, not in turn
      // (24 lookups, 6 at a time, took four timeouts one after another).
      assert.ok(took < 1.5 * TIMEOUT_SECONDS * 1000, `the lookups took ${Math.round(took)} ms, the timeout is ${TIMEOUT_SECONDS} s`);
      assert.ok(sockets.length <= PER_HOST, `${sockets.length} connections were opened to a host that never answered`);
      assert.equal(outcome.looked, images.length);
      assert.equal(outcome.failed, images.length);
      assert.deepEqual(outcome.unreachable, [host]);

      // The badge on the view (and its activity-bar icon) counts every image whose lookup failed, and names the host.
      await eventually(() => a.imagesView.badge?.value === outcome.failing, `the badge to say ${outcome.failing}, it says ${a.imagesView.badge?.value}`);
      assert.ok(outcome.failing >= images.length);
      assert.equal(a.imagesView.badge?.tooltip, `The lookups of ${outcome.failing} images failed. Unreachable: ${host}.`);

      // Then quiet: no lookup started again, no connection tried, until the user asks (Retry).
      const connections = sockets.length;
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      assert.equal(batches(), 1, 'lookups started again on their own');
      assert.equal(sockets.length, connections, 'the unreachable host was asked again on its own');
      // Many lookups sharing the view's signal add one abort listener to it (Node warns past ten).
      assert.deepEqual(warnings.filter((w) => w.startsWith('MaxListenersExceededWarning')), []);
    });
  });
});

// The other half of issue 15's offline finding: a registry that takes each request and answers none (a hung
// registry, a proxy holding requests). The fault server is a fake again, named as such: a TCP server that reads
// whatever comes and never writes, set up as a plain-HTTP registry so that requests are sent and wait for an answer.
describe('offline: the Images view’s lookups of a registry that takes requests and never answers', function () {
  this.timeout(90_000);
  const fault = faultRegistry('offline-silent', (socket) => socket.resume(), true);

  it('ends its progress after one request timeout: the lookups queued behind it fail at once, naming the host and the cause', async () => {
    const a = await api();
    const { host, sockets } = fault;
    await lookUpMany(fault, async (images, outcome, took) => {
      // Before: the first request (the registry's auth probe) waited out the timeout, then the 24 lookups did, 6 at
      // a time: five timeouts one after another.
      assert.ok(took < 1.5 * TIMEOUT_SECONDS * 1000, `the lookups took ${Math.round(took)} ms, the timeout is ${TIMEOUT_SECONDS} s`);
      assert.equal(sockets.length, 1, `${sockets.length} connections were opened to a host that never answered`);
      assert.deepEqual(outcome, { looked: images.length, failed: images.length, failing: outcome.failing, unreachable: [host] });
      const last = a.resolver.get(parseRef(images.at(-1)!));
      assert.equal(last?.state === 'failed' && last.error.message, `${images.at(-1)}: not tried: ${host} did not answer an earlier request within ${TIMEOUT_SECONDS * 1000} ms`);
      await eventually(() => a.imagesView.badge?.tooltip === `The lookups of ${outcome.failing} images failed. Unreachable: ${host}.`, `the badge to name ${host}`);
    });
  });
});
