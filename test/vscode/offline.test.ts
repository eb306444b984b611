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

describe('offline: the Images view’s lookups of a registry that cannot be reached', function () {
  this.timeout(90_000);
  let blackHole: Server;
  let host: string;
  const sockets: Socket[] = [];
  const uri = () => workspaceUri('offline/Dockerfile');
  const config = () => vscode.workspace.getConfiguration('imageProvenance.registry');
  let timeoutBefore: unknown;
  // Node warns once per signal, when its eleventh listener is added: heard from before the reset that makes the
  // signal the lookups share, so that the relookup of the fixture's images is heard too.
  const warnings: string[] = [];
  const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);

  before(async () => {
    process.on('warning', onWarning);
    blackHole = createServer((socket) => {
      sockets.push(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
    host = `127.0.0.1:${(blackHole.address() as AddressInfo).port}`;
    const a = await api();
    await vscode.commands.executeCommand('imageProvenance.images.focus');
    await eventually(() => a.imagesView.visible, 'the Images view to show');
    timeoutBefore = config().inspect('timeoutSeconds')?.workspaceValue;
    // A new setting makes a new client (and looks every image up again): wait for that before the test's lookups.
    await config().update('timeoutSeconds', TIMEOUT_SECONDS, vscode.ConfigurationTarget.Workspace);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await a.resolver.whenIdle();
  });

  after(async () => {
    process.off('warning', onWarning);
    const a = await api();
    await deleteIndexed(a, [uri()]);
    await vscode.workspace.fs.delete(workspaceUri('offline'), { recursive: true, useTrash: false });
    await config().update('timeoutSeconds', timeoutBefore, vscode.ConfigurationTarget.Workspace);
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => blackHole.close(resolve));
    await new Promise((resolve) => setTimeout(resolve, 300));
    await a.resolver.whenIdle();
  });

  it('ends its progress within the request timeout, says on the badge how many lookups failed, and then asks nothing more', async () => {
    const a = await api();
    const images = Array.from({ length: 4 * PER_HOST }, (_, i) => `${host}/team/app${i}:1`);
    const batches: { started: number; outcome: Promise<LookupBatch> }[] = [];
    const started = a.resolver.onDidStartLookups((outcome) => batches.push({ started: performance.now(), outcome }));
    try {
      await createIndexed(a, uri(), images.map((image, i) => `FROM ${image} AS s${i}\n`).join(''));
      await eventually(() => batches.length > 0, 'the view to look the new images up');
      const outcome = await batches[0]!.outcome;
      const took = performance.now() - batches[0]!.started;

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
      assert.equal(batches.length, 1, 'lookups started again on their own');
      assert.equal(sockets.length, connections, 'the unreachable host was asked again on its own');
      // Many lookups sharing the view's signal add one abort listener to it (Node warns past ten).
      assert.deepEqual(warnings.filter((w) => w.startsWith('MaxListenersExceededWarning')), []);
    } finally {
      started.dispose();
    }
  });
});

// The other half of issue 15's offline finding: a registry that takes each request and answers none (a hung
// registry, a proxy holding requests). The fault server is a fake again, named as such: a TCP server that reads
// whatever comes and never writes, set up as a plain-HTTP registry so that requests are sent and wait for an answer.
describe('offline: the Images view’s lookups of a registry that takes requests and never answers', function () {
  this.timeout(90_000);
  let silent: Server;
  let host: string;
  const sockets: Socket[] = [];
  const uri = () => workspaceUri('offline-silent/Dockerfile');
  const config = () => vscode.workspace.getConfiguration('imageProvenance.registry');
  let timeoutBefore: unknown;
  let hostsBefore: unknown;

  before(async () => {
    silent = createServer((socket) => {
      sockets.push(socket);
      socket.on('error', () => undefined);
      socket.resume();
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    host = `127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const a = await api();
    await vscode.commands.executeCommand('imageProvenance.images.focus');
    await eventually(() => a.imagesView.visible, 'the Images view to show');
    timeoutBefore = config().inspect('timeoutSeconds')?.workspaceValue;
    hostsBefore = config().inspect('hosts')?.workspaceValue;
    await config().update('timeoutSeconds', TIMEOUT_SECONDS, vscode.ConfigurationTarget.Workspace);
    await config().update('hosts', { ...(hostsBefore as object | undefined), [host]: { http: true } }, vscode.ConfigurationTarget.Workspace);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await a.resolver.whenIdle();
  });

  after(async () => {
    const a = await api();
    await deleteIndexed(a, [uri()]);
    await vscode.workspace.fs.delete(workspaceUri('offline-silent'), { recursive: true, useTrash: false });
    await config().update('hosts', hostsBefore, vscode.ConfigurationTarget.Workspace);
    await config().update('timeoutSeconds', timeoutBefore, vscode.ConfigurationTarget.Workspace);
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
    await new Promise((resolve) => setTimeout(resolve, 300));
    await a.resolver.whenIdle();
  });

  it('ends its progress after one request timeout: the lookups queued behind it fail at once, naming the host and the cause', async () => {
    const a = await api();
    const images = Array.from({ length: 4 * PER_HOST }, (_, i) => `${host}/team/app${i}:1`);
    const batches: { started: number; outcome: Promise<LookupBatch> }[] = [];
    const started = a.resolver.onDidStartLookups((outcome) => batches.push({ started: performance.now(), outcome }));
    try {
      await createIndexed(a, uri(), images.map((image, i) => `FROM ${image} AS s${i}\n`).join(''));
      await eventually(() => batches.length > 0, 'the view to look the new images up');
      const outcome = await batches[0]!.outcome;
      const took = performance.now() - batches[0]!.started;

      // Before: the first request (the registry's auth probe) waited out the timeout, then the 24 lookups did, 6 at
      // a time: five timeouts one after another.
      assert.ok(took < 1.5 * TIMEOUT_SECONDS * 1000, `the lookups took ${Math.round(took)} ms, the timeout is ${TIMEOUT_SECONDS} s`);
      assert.equal(sockets.length, 1, `${sockets.length} connections were opened to a host that never answered`);
      assert.deepEqual(outcome, { looked: images.length, failed: images.length, failing: outcome.failing, unreachable: [host] });
      const last = a.resolver.get(parseRef(images.at(-1)!));
      assert.equal(last?.state === 'failed' && last.error.message, `${images.at(-1)}: not tried: ${host} did not answer an earlier request within ${TIMEOUT_SECONDS * 1000} ms`);
      await eventually(() => a.imagesView.badge?.tooltip === `The lookups of ${outcome.failing} images failed. Unreachable: ${host}.`, `the badge to name ${host}`);
    } finally {
      started.dispose();
    }
  });
});
