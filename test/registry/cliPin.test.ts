// Registry tier, end to end: `image-provenance pin` (dist/cli.js, built by `node scripts/build.mjs`) as a child
// process against a real registry (distribution 2.8) on 127.0.0.1, which Docker reaches over plain HTTP without
// any setting (moby api/swagger.yaml RegistryServiceConfig.InsecureRegistryCIDRs), so the tool does too.
// Expected digests are the ones computed while seeding (harness/seed.ts), never read back from the tool.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { startRegistry, type RunningRegistry } from './harness/registry';
import { seedImage, type SeededIndex } from './harness/seed';

const CLI = resolve('dist/cli.js');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe('registry tier: image-provenance pin, end to end', function () {
  let registry: RunningRegistry;
  let app: SeededIndex;
  let workspace: string;

  before(async () => {
    assert.ok(existsSync(CLI), `${CLI} is missing: run node scripts/build.mjs first`);
    registry = await startRegistry({});
    app = await seedImage(registry.url, 'demo/app', '1');
  });
  after(async () => {
    await registry?.close();
  });
  beforeEach(async () => {
    workspace = await mkdtemp(join(tmpdir(), 'image-provenance-cli-pin-'));
  });
  afterEach(async () => {
    await rm(workspace, { recursive: true, force: true });
  });

  const write = async (files: Record<string, string>): Promise<void> => {
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(workspace, path)), { recursive: true });
      await writeFile(join(workspace, path), text);
    }
  };
  const read = (path: string): Promise<string> => readFile(join(workspace, path), 'utf8');
  const cli = (...args: string[]): Promise<Run> =>
    new Promise((done) => {
      const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: workspace, DOCKER_CONFIG: join(workspace, '.docker') };
      execFile(process.execPath, [CLI, ...args], { env, cwd: workspace, timeout: 30_000 }, (error, stdout, stderr) => {
        done({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
      });
    });
  const image = () => `${registry.host}/demo/app:1`;

  it('pins every unpinned image to its verified index digest, keeping flags, stage names and quotes; a missing image is skipped, exit 1', async () => {
    const dockerfile = `FROM --platform=$BUILDPLATFORM ${image()} AS build\nFROM ${registry.host}/demo/missing:1\nCOPY --from=build /out /out\n`;
    const compose = `services:\n  web:\n    image: "${image()}" # the app\n`;
    await write({ 'app/Dockerfile': dockerfile, 'compose.yaml': compose });
    const run = await cli('pin');
    assert.equal(run.code, 1, run.stderr);
    assert.equal(await read('app/Dockerfile'), dockerfile.replace(`${image()} AS`, `${image()}@${app.indexDigest} AS`));
    assert.equal(await read('compose.yaml'), compose.replace(`"${image()}"`, `"${image()}@${app.indexDigest}"`));
    assert.deepEqual(run.stdout.split('\n').filter(Boolean).sort(), [`app/Dockerfile:1: ${image()} → ${app.indexDigest}`, `compose.yaml:3: ${image()} → ${app.indexDigest}`]);
    assert.match(run.stderr, new RegExp(`^app/Dockerfile:2: ${registry.host}/demo/missing:1 — skipped: ${registry.host}/demo/missing:1: `, 'm'));
    assert.doesNotMatch(run.stderr, /\n\s+at /);
  });

  it('--dry-run prints a unified diff and changes nothing', async () => {
    const dockerfile = `# base\nFROM ${image()}\nRUN true\n`;
    await write({ Dockerfile: dockerfile });
    const run = await cli('pin', '--dry-run');
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, ['--- a/Dockerfile', '+++ b/Dockerfile', '@@ -1,3 +1,3 @@', ' # base', `-FROM ${image()}`, `+FROM ${image()}@${app.indexDigest}`, ' RUN true', ''].join('\n'));
    assert.equal(await read('Dockerfile'), dockerfile);
  });

  it('--platform pins each image to that platform’s image', async () => {
    await write({ Dockerfile: `FROM ${image()}\n` });
    const run = await cli('pin', '--platform', 'linux/arm64');
    assert.equal(run.code, 0, run.stderr);
    // linux/arm64 is linux/arm64/v8 (containerd's default variant).
    assert.equal(await read('Dockerfile'), `FROM ${image()}@${app.platformDigests['linux/arm64/v8']}\n`);
  });

  it('--update moves a stale pin to what the tag points to now and leaves current and unpinned images alone', async () => {
    const moved = await seedImage(registry.url, 'demo/moving', '1', { salt: 'first' });
    const moving = `${registry.host}/demo/moving:1`;
    await write({ Dockerfile: `FROM ${moving}@${moved.indexDigest} AS a\nFROM ${image()}@${app.indexDigest} AS b\nFROM ${image()} AS c\n` });
    const now = await seedImage(registry.url, 'demo/moving', '1', { salt: 'second' });
    assert.notEqual(now.indexDigest, moved.indexDigest);
    const run = await cli('pin', '--update');
    assert.equal(run.code, 0, run.stderr);
    assert.equal(await read('Dockerfile'), `FROM ${moving}@${now.indexDigest} AS a\nFROM ${image()}@${app.indexDigest} AS b\nFROM ${image()} AS c\n`);
    assert.equal(run.stdout, `Dockerfile:1: ${moving}@${moved.indexDigest} → ${now.indexDigest}\n`);
  });

  it('paths: only the build files named (or under the folders named) are pinned', async () => {
    await write({ 'a/Dockerfile': `FROM ${image()}\n`, 'b/Dockerfile': `FROM ${image()}\n` });
    const run = await cli('pin', 'a');
    assert.equal(run.code, 0, run.stderr);
    assert.equal(await read('a/Dockerfile'), `FROM ${image()}@${app.indexDigest}\n`);
    assert.equal(await read('b/Dockerfile'), `FROM ${image()}\n`);
  });

  it('usage errors: exit 2 with the usage line, nothing written', async () => {
    await write({ Dockerfile: `FROM ${image()}\n` });
    for (const [args, says] of [
      [['pin', '--platform', 'linux'], '--platform "linux" is not os/arch[/variant]'],
      [['pin', '--update', '--platform', 'linux/amd64'], '--platform pins unpinned images to one platform; --update keeps each pin on its own platform'],
      [['pin', '--force'], "Unknown option '--force'"],
    ] as const) {
      const run = await cli(...args);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.ok(run.stderr.startsWith(`image-provenance: ${says}`), run.stderr);
      assert.ok(run.stderr.includes('Usage: image-provenance pin [--update]'), run.stderr);
    }
    assert.equal(await read('Dockerfile'), `FROM ${image()}\n`);
    const help = await cli('pin', '--help');
    assert.equal(help.code, 0);
    assert.ok(help.stdout.startsWith('Usage: image-provenance pin [--update] [--platform os/arch[/variant]] [--dry-run] [paths…]'));
  });
});
