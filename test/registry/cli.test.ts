// Registry tier, end to end: the built command-line tool (dist/cli.js, `node scripts/build.mjs` makes it) run as
// a child process against a real registry (distribution 2.8) seeded with BuildKit-shaped attestations (SLSA v0.2
// provenance as `mode=min` writes it, and an SPDX SBOM; see harness/imageContent.ts attestationImage), with
// credentials from a Docker config as the Docker CLI keeps them. The registry listens on 127.0.0.1, which Docker
// reaches over plain HTTP (moby api/swagger.yaml RegistryServiceConfig: 127.0.0.0/8 and ::1/128 are insecure by
// default), and so must the tool, without any setting.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DockerConfigDir, basicHeader } from './fixtures';
import { startRegistry, type RunningRegistry } from './harness/registry';
import { pushKeptAttestation } from './harness/attestationForms';
import { seedImage, type SeededIndex } from './harness/seed';

const CLI = resolve('dist/cli.js');
const USER = 'ci';
const PASSWORD = 'cli-Secret-9f3a';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe('registry tier: the image-provenance command line, end to end', function () {
  let registry: RunningRegistry;
  let app: SeededIndex;
  let docker: DockerConfigDir;

  before(async () => {
    assert.ok(existsSync(CLI), `${CLI} is missing: run node scripts/build.mjs first`);
    registry = await startRegistry({ htpasswd: { users: { [USER]: PASSWORD } } });
    app = await seedImage(registry.url, 'demo/cli', '1', { auth: { username: USER, password: PASSWORD } });
    docker = await DockerConfigDir.create();
    await docker.write({ auths: { [registry.host]: { auth: basicHeader(USER, PASSWORD).slice('Basic '.length) } } });
  });
  after(async () => {
    await registry?.close();
    await docker?.close();
  });

  const cli = (...args: string[]): Promise<Run> => cliIn(process.cwd(), ...args);
  const cliIn = (cwd: string, ...args: string[]): Promise<Run> =>
    new Promise((done) => {
      const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: docker.home, DOCKER_CONFIG: docker.dir };
      execFile(process.execPath, [CLI, ...args], { env, cwd, timeout: 20_000 }, (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        done({ code, stdout, stderr });
      });
    });
  const image = () => `${registry.host}/demo/cli:1`;

  it('prints per platform the storage form, predicate types, provenance, SBOM and why mode=min matters', async () => {
    const run = await cli('attestations', image());
    assert.equal(run.stderr, '');
    assert.equal(run.code, 0);
    const blocks = run.stdout.split('\n\n');
    assert.equal(blocks[0], `${image()}  ${app.indexDigest}`);
    for (const [i, platform] of ['linux/amd64', 'linux/arm64/v8'].entries()) {
      const block = blocks[i + 1]!.split('\n');
      assert.equal(block[0], `${platform}  ${app.platformDigests[platform]}`);
      assert.deepEqual(block.slice(1, 5), [
        '  Stored:           in the image index',
        '  Predicate types:  https://slsa.dev/provenance/v0.2, https://spdx.dev/Document',
        '  Provenance:       SLSA v0.2, mode=min, builder https://github.com/example/builder, built 2026-01-01T00:00:01Z, base busybox',
        '  SBOM:             1 package, SPDX-2.3, the final image; licenses MIT (1)',
      ]);
      assert.match(block[5]!, /^ {2}Note: {13}The provenance is mode=min, .*Docker Scout's supply chain attestations policy needs an SBOM and mode=max/);
    }
  });

  it('--json prints the normalized models, messages in words', async () => {
    const run = await cli('attestations', image(), '--json');
    assert.equal(run.code, 0, run.stderr);
    const json = JSON.parse(run.stdout) as {
      image: string;
      digest: string;
      platforms: { platform: string; digest: string; provenance: { slsaVersion: string; mode: string }; sboms: { scopeText: string; sbom: { packages: { name: string }[] } }[]; explanations: { kind: string; message: string }[] }[];
    };
    assert.equal(json.image, image());
    assert.equal(json.digest, app.indexDigest);
    assert.deepEqual(
      json.platforms.map((p) => [p.platform, p.digest, p.provenance.slsaVersion, p.provenance.mode, p.sboms.map((s) => [s.scopeText, s.sbom.packages.map((pkg) => pkg.name)]), p.explanations.map((e) => e.kind)]),
      ['linux/amd64', 'linux/arm64/v8'].map((platform) => [platform, app.platformDigests[platform], 'v0.2', 'min', [['the final image', ['seed']]], ['provenanceMin']]),
    );
    assert.match(json.platforms[0]!.explanations[0]!.message, /^The provenance is mode=min/);
  });

  it('--platform prints that platform only; without a variant it matches every variant', async () => {
    const run = await cli('attestations', image(), '--platform', 'linux/arm64');
    assert.equal(run.code, 0, run.stderr);
    assert.ok(run.stdout.includes(`linux/arm64/v8  ${app.platformDigests['linux/arm64/v8']}`), run.stdout);
    assert.ok(!run.stdout.includes('linux/amd64'), run.stdout);
  });

  it('a platform the image lacks: exit 1, naming the platforms it has', async () => {
    const run = await cli('attestations', image(), '--platform=linux/s390x');
    assert.deepEqual([run.code, run.stdout, run.stderr], [1, '', `image-provenance: ${image()} has no platform linux/s390x; it has linux/amd64, linux/arm64/v8\n`]);
  });

  it('an unknown image: exit 1, one line naming the image, no stack trace', async () => {
    const missing = `${registry.host}/demo/missing:1`;
    const run = await cli('attestations', missing);
    assert.equal(run.code, 1);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, new RegExp(`^image-provenance: ${missing.replace(/[.]/g, '\\.')}`));
    assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
    assert.doesNotMatch(run.stderr, /\n\s+at /);
    assert.ok(!run.stderr.includes(PASSWORD));
  });

  it('without the Docker config\'s credentials the registry says so, exit 1', async () => {
    const run = await new Promise<Run>((done) => {
      const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: docker.home, DOCKER_CONFIG: join(docker.home, 'nowhere') };
      execFile(process.execPath, [CLI, 'attestations', image()], { env, timeout: 20_000 }, (error, stdout, stderr) => done({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr }));
    });
    assert.equal(run.code, 1);
    assert.match(run.stderr, new RegExp(`^image-provenance: ${image().replace(/[.]/g, '\\.')}`));
  });

  it('usage errors: exit 2 with the command\'s usage line, nothing looked up', async () => {
    for (const [args, says] of [
      [['attestations'], 'attestations needs an image'],
      [['attestations', image(), '--platform', 'linux'], '--platform "linux" is not os/arch[/variant]'],
      [['attestations', image(), '--verbose'], "Unknown option '--verbose'"],
      [['attestations', 'Not An Image'], '"Not An Image" is not an image reference: An image reference cannot contain white space.'],
    ] as const) {
      const run = await cli(...args);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.ok(run.stderr.startsWith(`image-provenance: ${says}`), run.stderr);
      assert.ok(run.stderr.includes('Usage: image-provenance attestations <image>'), run.stderr);
      assert.ok(run.stderr.includes('Run "image-provenance attestations --help" for more.'), run.stderr);
    }
  });

  it('an unknown command or none: exit 2 with the list of commands', async () => {
    for (const [args, says] of [
      [['attest', image()], 'unknown command "attest"'],
      [[], 'a command is needed'],
    ] as const) {
      const run = await cli(...args);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.ok(run.stderr.startsWith(`image-provenance: ${says}`), run.stderr);
      assert.match(run.stderr, /Usage: image-provenance <command> \[options\]/);
      assert.match(run.stderr, /^ {2}attestations +what an image's attestations say/m);
    }
  });

  it('--help lists the commands; a command\'s --help prints its options; both on stdout, exit 0', async () => {
    const top = await cli('--help');
    assert.equal(top.code, 0);
    assert.ok(top.stdout.startsWith('Usage: image-provenance <command> [options]'), top.stdout);
    assert.match(top.stdout, /^ {2}attestations +what an image's attestations say/m);
    const own = await cli('attestations', '--help');
    assert.equal(own.code, 0);
    assert.equal(own.stderr, '');
    assert.ok(own.stdout.startsWith('Usage: image-provenance attestations <image> [--platform os/arch[/variant]] [--referrer-repository <repo>] [--json]'));
    assert.match(own.stdout, /--referrer-repository <repo> +also read the referrers kept in this repository/);
  });

  // Docker Scout's referrer repository (`docker scout attest list --referrer-repository`): attestations kept as
  // referrers in another repository, found with the option or through imageProvenance.referrerRepositories in the
  // workspace's .vscode/settings.json (comments allowed, as VS Code writes it).
  describe('a referrer repository', () => {
    let workspace: string;
    before(async () => {
      const hardened = await seedImage(registry.url, 'demo/hardened', '1', { attestations: false, platforms: ['linux/amd64'], auth: { username: USER, password: PASSWORD } });
      const platform = hardened.manifests[hardened.platformDigests['linux/amd64']!]!;
      await pushKeptAttestation(registry.url, 'kept/demo/hardened', { platform: { os: 'linux', architecture: 'amd64' }, manifest: platform }, { auth: { username: USER, password: PASSWORD } });
      workspace = await mkdtemp(join(tmpdir(), 'cli-workspace-'));
      await mkdir(join(workspace, '.vscode'));
      await writeFile(join(workspace, '.vscode', 'settings.json'), `{\n  // where the attestations are kept\n  "imageProvenance.referrerRepositories": { "${registry.host}/demo": "${registry.host}/kept/demo", },\n}\n`);
    });
    after(async () => {
      if (workspace) await rm(workspace, { recursive: true, force: true });
    });

    const expectKept = (run: Run) => {
      assert.equal(run.code, 0, run.stderr);
      const lines = run.stdout.split('\n');
      assert.ok(lines.includes('  Stored:           referrer repository'), run.stdout);
      assert.ok(lines.includes(`  Note:             The attestations are kept in ${registry.host}/kept/demo/hardened, a separate referrer repository (as Docker Scout keeps them for hardened images), not next to the image.`), run.stdout);
    };

    it('--referrer-repository reads the attestations kept there', async () => {
      expectKept(await cli('attestations', `${registry.host}/demo/hardened:1`, '--referrer-repository', `${registry.host}/kept/demo/hardened`));
    });

    it('imageProvenance.referrerRepositories in .vscode/settings.json maps the image to it', async () => {
      expectKept(await cliIn(workspace, 'attestations', `${registry.host}/demo/hardened:1`));
      const without = await cli('attestations', `${registry.host}/demo/hardened:1`);
      assert.ok(!without.stdout.includes('referrer repository'), without.stdout);
    });

    it('a repository without its registry host is a usage error', async () => {
      const run = await cli('attestations', `${registry.host}/demo/hardened:1`, '--referrer-repository', 'kept/demo');
      assert.equal(run.code, 2);
      assert.ok(run.stderr.startsWith('image-provenance: --referrer-repository "kept/demo" is not a repository with its registry host, e.g. registry.scout.docker.com/myorg/app'), run.stderr);
    });
  });
});
