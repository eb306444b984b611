// Verify Image Content in the real extension host, against the test registry (the fixture workspace's Docker Hub
// mirror), then through a FAKE mirror of our own in front of it (test/registry/harness/faultProxy.ts) that
// alters one layer's bytes. The expected digests come from the registry's manifest, read here over HTTP, and
// from flipping the layer's bytes here; not from the extension.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as vscode from 'vscode';
import { verifyImageContentCommand } from '../../src/editor/registry/verifyCommand';
import type { TreeNode } from '../../src/editor/tree/nodes';
import type { ImageProvenanceApi } from '../../src/extension';
import type { ContentVerification } from '../../src/registry/verifyContent';
import { flipped, startFaultProxy, type FaultProxy } from '../registry/harness/faultProxy';
import { api, createIndexed, deleteIndexed, eventually, ref, row, rows, seeded, SLOW, workspaceUri, type Row } from './helpers';

interface Manifest {
  config: { digest: string; size: number };
  layers: { digest: string; size: number }[];
}

async function fromRegistry(path: string, accept?: string): Promise<Buffer> {
  const response = await fetch(`http://${seeded().host}/v2/library/node/${path}`, accept ? { headers: { accept } } : {});
  assert.equal(response.status, 200, path);
  return Buffer.from(await response.arrayBuffer());
}

describe('Verify Image Content', () => {
  let dockerfile: vscode.Uri;
  let mirror: FaultProxy | undefined;

  before(async () => {
    const a = await api();
    await a.imagesTree.setGroupBy('file');
    dockerfile = await createIndexed(a, workspaceUri('verify/Dockerfile'), 'FROM node:22-slim\n');
  });
  after(async () => {
    await mirror?.close();
    await deleteIndexed(await api(), [dockerfile]);
  });

  /** The linux/amd64 row under the Dockerfile's node:22-slim, once looked up. */
  async function amd64Row(a: ImageProvenanceApi): Promise<Row> {
    a.resolver.request([ref('node:22-slim')]);
    await eventually(() => a.resolver.get(ref('node:22-slim'))?.state === 'resolved', 'node:22-slim to be looked up', SLOW);
    const file = (await rows(a)).find((r) => r.item.resourceUri?.toString() === dockerfile.toString());
    assert.ok(file);
    const [stage] = await rows(a, file.node);
    const [use] = await rows(a, stage!.node);
    assert.match(String(use!.item.contextValue), /\bresolved\b/);
    return row(await rows(a, use!.node), 'linux/amd64');
  }

  it('on a platform row: streams its config and layer from the mirror, and all match', async () => {
    const a = await api();
    const platform = seeded().images['node:22-slim']!.platforms['linux/amd64']!;
    const manifest = JSON.parse((await fromRegistry(`manifests/${platform}`, 'application/vnd.oci.image.manifest.v1+json')).toString('utf8')) as Manifest;
    const result = await vscode.commands.executeCommand<ContentVerification>('imageProvenance.verifyImageContent', (await amd64Row(a)).node);
    assert.deepEqual(
      result.platforms.map((p) => [p.platform, p.digest, p.blobs.map((b) => [b.role, b.digest, b.size, b.outcome.kind, 'host' in b.outcome ? b.outcome.host : ''])]),
      [['linux/amd64', platform, [['config', manifest.config.digest, manifest.config.size, 'match', seeded().host], ...manifest.layers.map((l) => ['layer', l.digest, l.size, 'match', seeded().host])]]],
    );
  });

  it('through a mirror that alters a layer: the mismatch, with the bytes\' real digest and the mirror that served them', async () => {
    const a = await api();
    const platform = seeded().images['node:22-slim']!.platforms['linux/amd64']!;
    const manifest = JSON.parse((await fromRegistry(`manifests/${platform}`, 'application/vnd.oci.image.manifest.v1+json')).toString('utf8')) as Manifest;
    const layer = manifest.layers[0]!;
    const altered = `sha256:${createHash('sha256').update(flipped(await fromRegistry(`blobs/${layer.digest}`))).digest('hex')}`;
    mirror = await startFaultProxy(`http://${seeded().host}`);
    mirror.fault = { kind: 'wrongBody', path: new RegExp(`/blobs/${layer.digest}$`) };
    const config = vscode.workspace.getConfiguration('imageProvenance.registry');
    const hosts = config.inspect('hosts')?.workspaceValue;
    await config.update('hosts', { 'docker.io': { mirrors: [mirror.host] }, [mirror.host]: { http: true }, [seeded().host]: { http: true } }, vscode.ConfigurationTarget.Workspace);
    try {
      const result = await vscode.commands.executeCommand<ContentVerification>('imageProvenance.verifyImageContent', (await amd64Row(a)).node);
      const blob = result.platforms[0]!.blobs.find((b) => b.digest === layer.digest);
      assert.deepEqual(blob?.outcome, { kind: 'mismatch', host: mirror.host, servedFrom: mirror.host, mirror: true, actualDigest: altered, actualSize: layer.size, overflow: false });
      assert.ok(mirror.requests.some((r) => r.path.endsWith(`/blobs/${layer.digest}`)), 'the layer came through the mirror');
    } finally {
      await config.update('hosts', hosts, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('Cancel stops the downloads at once and reports the verification cancelled, not failed', async () => {
    const a = await api();
    const platform = seeded().images['node:22-slim']!.platforms['linux/amd64']!;
    const manifest = JSON.parse((await fromRegistry(`manifests/${platform}`, 'application/vnd.oci.image.manifest.v1+json')).toString('utf8')) as Manifest;
    const layer = manifest.layers[0]!;
    // The mirror sends the layer's headers and half its bytes, then nothing: only Cancel ends that download.
    const stalling = await startFaultProxy(`http://${seeded().host}`);
    stalling.fault = { kind: 'stall', phase: 'body', path: new RegExp(`/blobs/${layer.digest}$`) };
    const config = vscode.workspace.getConfiguration('imageProvenance.registry');
    const [hosts, timeout] = [config.inspect('hosts')?.workspaceValue, config.inspect('timeoutSeconds')?.workspaceValue];
    await config.update('hosts', { 'docker.io': { mirrors: [stalling.host] }, [stalling.host]: { http: true }, [seeded().host]: { http: true } }, vscode.ConfigurationTarget.Workspace);
    // Longer than the test may take: a download that went on after Cancel would end the test, not a timeout.
    await config.update('timeoutSeconds', 3600, vscode.ConfigurationTarget.Workspace);
    try {
      const logged: string[] = [];
      const log = { info: (line: string) => logged.push(`info ${line}`), error: (line: string) => logged.push(`error ${line}`) } as unknown as vscode.LogOutputChannel;
      const node = (await amd64Row(a)).node;
      // The command as the Images view runs it, with a token the test cancels where a user presses the notification's Cancel.
      const cancel = new vscode.CancellationTokenSource();
      const verifying = verifyImageContentCommand({ index: a.index, tree: a.imagesTree, treeView: {} as vscode.TreeView<TreeNode>, resolver: a.resolver, log }, node, cancel.token);
      const download = () => stalling.requests.find((r) => r.path.endsWith(`/blobs/${layer.digest}`));
      await eventually(() => download()?.status === 200, 'the layer download to start, and stall', SLOW);
      cancel.cancel();
      assert.equal(await verifying, 'cancelled');
      assert.deepEqual(logged, ['info Verify Image Content: node:22-slim: cancelled']);
      // The stalled download's connection is closed: nothing goes on streaming in the background.
      await eventually(() => download()?.finished !== undefined, 'the stalled download to be closed', SLOW);
    } finally {
      await config.update('hosts', hosts, vscode.ConfigurationTarget.Workspace);
      await config.update('timeoutSeconds', timeout, vscode.ConfigurationTarget.Workspace);
      await stalling.close();
    }
  });

  it('is offered on resolved image and platform rows, and in build files\' editor context menu', async () => {
    const manifest = vscode.extensions.getExtension('image-provenance.image-provenance')!.packageJSON as { contributes: { menus: Record<string, { command: string; when?: string }[]> } };
    const menus = manifest.contributes.menus;
    assert.ok(menus['view/item/context']!.some((m) => m.command === 'imageProvenance.verifyImageContent' && /resolved\|platformImage/.test(m.when ?? '')));
    const editor = menus['editor/context']!.find((m) => m.command === 'imageProvenance.verifyImageContent');
    const names = new RegExp(/^resourceFilename =~ \/(.*)\/$/.exec(editor!.when!)![1]!);
    assert.deepEqual(
      ['Dockerfile', 'Dockerfile.dev', 'app.Dockerfile', 'Containerfile', 'compose.yaml', 'docker-compose.override.yml', 'docker-bake.hcl', 'docker-bake.json', 'package.json', 'compose.txt'].filter((n) => names.test(n)),
      ['Dockerfile', 'Dockerfile.dev', 'app.Dockerfile', 'Containerfile', 'compose.yaml', 'docker-compose.override.yml', 'docker-bake.hcl', 'docker-bake.json'],
    );
  });
});
