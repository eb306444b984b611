// Registry tier, end to end: `image-provenance verify` (dist/cli.js) against a real registry (distribution 2.8)
// reached through a pull-through mirror that is a fault-injecting proxy of our own (harness/faultProxy.ts: a FAKE
// mirror, forwarding to the real registry, that serves altered bytes, or a body that never ends, on demand),
// configured as the extension configures it, in the workspace's .vscode/settings.json.
//
// What BuildKit says of such a blob, which the report quotes: containerd content/local/writer.go (Commit) checks
// the size first, "unexpected commit size %d, expected %d", then "unexpected commit digest %s, expected %s".
// Which host is blamed: containerd remotes/docker/fetcher.go (Fetch) takes the mirrors in order, then the
// registry, and writes the bytes of the first that answers with the blob.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './cliRun';
import { flipped, startFaultProxy, type FaultProxy } from './harness/faultProxy';
import { startRegistry, type RunningRegistry } from './harness/registry';
import { seedImage, type SeededIndex } from './harness/seed';

interface PlatformBlobs {
  config: { digest: string; size: number };
  layers: { digest: string; size: number }[];
}

describe('registry tier: image-provenance verify, through a mirror that alters bytes (a fake, fault-injecting mirror)', function () {
  let registry: RunningRegistry;
  let mirror: FaultProxy;
  let app: SeededIndex;
  let workspace: string;
  let plainWorkspace: string;

  before(async () => {
    registry = await startRegistry();
    app = await seedImage(registry.url, 'demo/app', '1');
    mirror = await startFaultProxy(registry.url);
    workspace = await mkdtemp(join(tmpdir(), 'cli-verify-'));
    await mkdir(join(workspace, '.vscode'));
    // As a user writes it: VS Code's settings.json allows comments. Both hosts are loopback: plain HTTP, as Docker.
    await writeFile(join(workspace, '.vscode', 'settings.json'), `{\n  // the team's pull-through cache\n  "imageProvenance.registry.hosts": { "${registry.host}": { "mirrors": ["${mirror.host}"] } }\n}\n`);
    plainWorkspace = await mkdtemp(join(tmpdir(), 'cli-verify-plain-'));
  });
  after(async () => {
    await mirror?.close();
    await registry?.close();
    for (const dir of [workspace, plainWorkspace]) if (dir) await rm(dir, { recursive: true, force: true });
  });
  afterEach(() => {
    mirror.fault = undefined;
  });

  const image = () => `${registry.host}/demo/app:1`;
  const verify = (...args: string[]) => runCli(workspace, workspace, ['verify', ...args]);
  /** The seeded platform manifest's blobs, read from the bytes pushed (not from the tool). */
  const blobsOf = (platform: string): PlatformBlobs => JSON.parse(app.manifests[app.platformDigests[platform]!]!.bytes.toString('utf8')) as PlatformBlobs;

  it('reads every config and layer through the mirror; all match: exit 0, each blob and its host listed', async () => {
    const run = await verify(image(), '--all-platforms');
    assert.equal(run.stderr, '');
    assert.equal(run.code, 0);
    const expected = [`${image()}  ${app.indexDigest}`];
    for (const platform of ['linux/amd64', 'linux/arm64/v8']) {
      const { config, layers } = blobsOf(platform);
      expected.push('', `${platform}  ${app.platformDigests[platform]}`, `  ok        config    ${config.digest}  ${config.size} bytes  from ${mirror.host} (mirror)`);
      layers.forEach((l, i) => expected.push(`  ok        layer ${i + 1}   ${l.digest}  ${l.size} bytes  from ${mirror.host} (mirror)`));
    }
    const lines = run.stdout.split('\n');
    assert.deepEqual(lines.slice(0, expected.length), expected);
    assert.match(lines[expected.length + 1]!, new RegExp(`^${image().replace(/[.]/g, '\\.')}: all 4 blobs \\(.*\\) of linux/amd64, linux/arm64/v8 match the digests and sizes their manifests name\\.$`));
    // Streamed from the mirror, every blob asked once, the registry itself not asked for any.
    const blobRequests = mirror.requests.filter((r) => r.method === 'GET' && r.path.includes('/blobs/')).map((r) => r.path.slice(r.path.lastIndexOf('/') + 1));
    assert.deepEqual(blobRequests.sort(), ['linux/amd64', 'linux/arm64/v8'].flatMap((p) => [blobsOf(p).config.digest, ...blobsOf(p).layers.map((l) => l.digest)]).sort());
  });

  it('a layer the mirror alters: exit 1, the layer, its platform, the mirror, and BuildKit\'s "unexpected commit digest" with both digests', async () => {
    const layer = blobsOf('linux/arm64/v8').layers[0]!;
    const altered = `sha256:${createHash('sha256').update(flipped(app.blobs[layer.digest]!.bytes)).digest('hex')}`;
    mirror.fault = { kind: 'wrongBody', path: new RegExp(`/blobs/${layer.digest}$`) };
    const run = await verify(image(), '--platform', 'linux/arm64');
    assert.equal(run.code, 1);
    assert.equal(run.stderr, '');
    const lines = run.stdout.split('\n');
    assert.ok(lines.includes(`  MISMATCH  layer 1   ${layer.digest}  ${layer.size} bytes  from ${mirror.host} (mirror)`), run.stdout);
    assert.ok(!run.stdout.includes('linux/amd64'), 'only the platform asked for');
    assert.ok(lines.includes(`${image()}: 1 of 2 blobs of linux/arm64/v8 do not match their manifests or could not be read.`), run.stdout);
    assert.ok(
      lines.includes(
        `Layer 1 of linux/arm64/v8 (${layer.digest}): ${mirror.host} served bytes that hash to ${altered}. BuildKit fails on such a blob with "unexpected commit digest ${altered}, expected ${layer.digest}" (containerd checks every blob it writes). The mirror ${mirror.host} serves altered or corrupt content: delete the blob from its storage (a pull-through cache fetches it again), or take the mirror out of the registry settings until it is fixed.`,
      ),
      run.stdout,
    );
  });

  it('a body that never ends: reading stops past the size the manifest names, and BuildKit\'s "unexpected commit size" is named', async () => {
    const { config } = blobsOf('linux/amd64');
    mirror.fault = { kind: 'endlessBody', path: new RegExp(`/blobs/${config.digest}$`) };
    const run = await verify(image(), '--platform', 'linux/amd64');
    assert.equal(run.code, 1);
    assert.ok(run.stdout.includes(`  MISMATCH  config    ${config.digest}  ${config.size} bytes  from ${mirror.host} (mirror)`), run.stdout);
    assert.ok(
      run.stdout.includes(`The config of linux/amd64 (${config.digest}): ${mirror.host} kept sending past the ${config.size} bytes the manifest names (reading stopped there). BuildKit fails on such a blob with "unexpected commit size".`),
      run.stdout,
    );
  });

  it('without a mirror, the registry that served altered bytes is named as the registry itself', async () => {
    // The fault proxy stands in for the registry here: the image is named by its host.
    const layer = blobsOf('linux/amd64').layers[0]!;
    mirror.fault = { kind: 'wrongBody', path: new RegExp(`/blobs/${layer.digest}$`) };
    const run = await runCli(plainWorkspace, plainWorkspace, ['verify', `${mirror.host}/demo/app:1`, '--platform', 'linux/amd64']);
    assert.equal(run.code, 1);
    assert.ok(run.stdout.includes(`  MISMATCH  layer 1   ${layer.digest}  ${layer.size} bytes  from ${mirror.host}\n`), run.stdout);
    assert.ok(run.stdout.includes(`The registry itself served it: the blob it stores is corrupt, or a proxy between here and ${mirror.host} rewrites responses.`), run.stdout);
  });

  it('a mirror that lacks a blob (503) is passed over for the registry, which serves it intact', async () => {
    const { config } = blobsOf('linux/amd64');
    mirror.fault = { kind: 'status503', path: new RegExp(`/blobs/${config.digest}$`) };
    const run = await verify(image(), '--platform', 'linux/amd64');
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.ok(run.stdout.includes(`  ok        config    ${config.digest}  ${config.size} bytes  from ${registry.host}\n`), run.stdout);
  });

  it('--help, and usage errors exit 2 with the usage line; a platform the image lacks exits 1 naming those it has', async () => {
    const help = await verify('--help');
    assert.deepEqual([help.code, help.stderr], [0, '']);
    assert.ok(help.stdout.startsWith('Usage: image-provenance verify <image> [--platform os/arch[/variant] | --all-platforms] [--format text|json]\n'), help.stdout);
    for (const [args, says] of [
      [[], 'verify needs an image'],
      [[image(), '--platform', 'linux/amd64', '--all-platforms'], '--platform and --all-platforms exclude each other'],
      [[image(), '--format', 'xml'], '--format "xml" is not one of text, json'],
    ] as const) {
      const r = await verify(...args);
      assert.equal(r.code, 2, r.stderr);
      assert.ok(r.stderr.startsWith(`image-provenance: ${says}`), r.stderr);
      assert.ok(r.stderr.includes('Usage: image-provenance verify <image>'), r.stderr);
    }
    const missing = await verify(image(), '--platform', 'linux/s390x');
    assert.deepEqual([missing.code, missing.stdout, missing.stderr], [1, '', `image-provenance: ${image()} has no platform linux/s390x; it has linux/amd64, linux/arm64/v8\n`]);
  });
});
