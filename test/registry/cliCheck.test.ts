// Registry tier, end to end: `image-provenance check` (dist/cli.js, built by scripts/build.mjs) run as a child
// process on a workspace written here, against a real registry (distribution 2.8) seeded with BuildKit-shaped
// images (harness/seed.ts: an OCI index, SLSA v0.2 provenance as buildx's implicit mode=min writes it, an SPDX
// SBOM). What each finding says follows from what the registry answers; the SARIF output is validated against
// the official SARIF 2.1.0 schema (test/fixtures/sarif-schema-2.1.0.README.md says where it came from) with ajv.
import * as assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startRegistry, type RunningRegistry } from './harness/registry';
import { sarifSchemaErrors } from './sarifSchema';
import { seedImage, type SeededIndex } from './harness/seed';

const CLI = resolve('dist/cli.js');

/** A loopback port nothing listens on: one the system just gave out, let go of again. */
function closedPort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => done(port));
    });
  });
}
const MISSING = `sha256:${'f0'.repeat(32)}`;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe('registry tier: image-provenance check and scan, end to end', function () {
  let registry: RunningRegistry;
  let older: SeededIndex;
  let current: SeededIndex;
  let workspace: string;

  before(async () => {
    assert.ok(existsSync(CLI), `${CLI} is missing: run node scripts/build.mjs first`);
    registry = await startRegistry();
    // An older build first: the tag then moves to the current one, as after a rebuild upstream.
    older = await seedImage(registry.url, 'demo/base', '1', { salt: 'an older build' });
    current = await seedImage(registry.url, 'demo/base', '1');
    workspace = await mkdtemp(join(tmpdir(), 'image-provenance-check-'));
    await mkdir(join(workspace, 'app'));
    await mkdir(join(workspace, '.vscode'));
    const host = registry.host;
    await writeFile(
      join(workspace, 'app/Dockerfile'),
      [`FROM ${host}/demo/base:1 AS unpinned`, `FROM ${host}/demo/base:1@${older.indexDigest} AS stale`, `FROM ${host}/demo/gone:1@${MISSING} AS gone`, `# image-provenance: ignore=unpinned`, `FROM ${host}/demo/base:1`, ''].join('\n'),
    );
  });
  after(async () => {
    await registry?.close();
    if (workspace) await rm(workspace, { recursive: true, force: true });
  });

  const settings = (values: Record<string, unknown>) => writeFile(join(workspace, '.vscode/settings.json'), `// the workspace's settings\n${JSON.stringify(values, null, 2)}\n`);
  const cli = (...args: string[]): Promise<Run> =>
    new Promise((done) => {
      const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: workspace, DOCKER_CONFIG: join(workspace, 'no-docker-config') };
      execFile(process.execPath, [CLI, ...args], { env, cwd: workspace, timeout: 20_000 }, (error, stdout, stderr) => {
        done({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
      });
    });
  const image = (name: string) => `${registry.host}/${name}`;

  it('lists what the registry says about each pin, one line each, and exits 1 on an error', async () => {
    await settings({});
    const run = await cli('check');
    assert.equal(run.stderr, '');
    assert.equal(run.code, 1);
    const brief = (d: string) => `sha256:${d.slice(7, 19)}…`;
    assert.deepEqual(run.stdout.split('\n'), [
      `app/Dockerfile:1:6: hint unpinned: ${image('demo/base:1')} is not pinned to a digest: the tag can move to different content.`,
      `app/Dockerfile:2:6: warning stale-pin: Stale pin: the tag ${image('demo/base:1')} now points to ${brief(current.indexDigest)}, not the pinned ${brief(older.indexDigest)}.`,
      `app/Dockerfile:3:6: error pin-not-found: Pinned digest not found: the registry (${registry.host}) has no manifest ${MISSING} for ${image('demo/gone:1')}. Likely causes: the tag moved and the content it pointed to was garbage-collected; the digest was copied from another registry, or from a mirror serving content the registry does not have; a typo.`,
      '3 problems in 1 build file (1 error, 1 warning, 1 hint)',
      '',
    ]);
  });

  it('--fail-on sets the level that fails: none never, note counts hints', async () => {
    await settings({ 'imageProvenance.checks.severity': { 'pin-not-found': 'off', 'stale-pin': 'off' } });
    assert.equal((await cli('check')).code, 0);
    assert.equal((await cli('check', '--fail-on', 'warning')).code, 0);
    assert.equal((await cli('check', '--fail-on', 'note')).code, 1);
    await settings({});
    assert.equal((await cli('check', '--fail-on', 'none')).code, 0);
  });

  it('the attestation checks read what BuildKit attached: mode=min provenance (buildx default), an SPDX SBOM', async () => {
    await settings({ 'imageProvenance.checks.severity': { unpinned: 'off', 'stale-pin': 'off', 'pin-not-found': 'off', 'missing-sbom': 'error', 'missing-provenance': 'error', 'provenance-mode-min': 'warning' } });
    const run = await cli('check', '--format', 'json');
    assert.equal(run.code, 0, run.stderr);
    const { findings } = JSON.parse(run.stdout) as { findings: { file: string; line: number; column: number; severity: string; check: string; message: string }[] };
    // Both uses of demo/base:1 (the tag's index, and the older pin's) carry mode=min provenance and an SBOM.
    assert.deepEqual(
      findings.map((f) => [f.file, f.line, f.check, f.severity]),
      [
        ['app/Dockerfile', 1, 'provenance-mode-min', 'warning'],
        ['app/Dockerfile', 2, 'provenance-mode-min', 'warning'],
        ['app/Dockerfile', 5, 'provenance-mode-min', 'warning'],
      ],
    );
    assert.ok(findings[0]!.message.startsWith(`${image('demo/base:1')} has mode=min provenance: build arguments, build steps and the Dockerfile are not recorded`), findings[0]!.message);
  });

  it('SARIF output validates against the SARIF 2.1.0 schema and carries the same findings', async () => {
    await settings({});
    const run = await cli('check', '--format', 'sarif', '--fail-on', 'none');
    assert.equal(run.code, 0, run.stderr);
    const sarif = JSON.parse(run.stdout) as { runs: { invocations: unknown[]; results: { ruleId: string; level: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[] };
    assert.equal(sarifSchemaErrors(sarif), '');
    assert.deepEqual(sarif.runs[0]!.invocations, [{ executionSuccessful: true }]);
    assert.deepEqual(
      sarif.runs[0]!.results.map((r) => [r.ruleId, r.level, r.locations[0]!.physicalLocation.artifactLocation.uri, r.locations[0]!.physicalLocation.region.startLine]),
      [
        ['unpinned', 'note', 'app/Dockerfile', 1],
        ['stale-pin', 'warning', 'app/Dockerfile', 2],
        ['pin-not-found', 'error', 'app/Dockerfile', 3],
      ],
    );
  });

  it('an image the files pull that cannot be looked up: exit 2 whatever --fail-on says, naming it and why; the findings still printed', async () => {
    // A registry that is not running: a loopback port just let go of, so the connection is refused.
    const offline = `127.0.0.1:${await closedPort()}`;
    await mkdir(join(workspace, 'offline'));
    await writeFile(join(workspace, 'offline/Dockerfile'), `FROM ${offline}/demo/app:1@${MISSING}\nFROM ${offline}/demo/tool:1\n`);
    try {
      await settings({});
      const run = await cli('check', 'offline', '--fail-on', 'none');
      assert.equal(run.code, 2);
      // The unpinned image is a finding whatever the registry says; whether the pinned digest exists is not known.
      assert.deepEqual(run.stdout.split('\n'), [`offline/Dockerfile:2:6: hint unpinned: ${offline}/demo/tool:1 is not pinned to a digest: the tag can move to different content.`, '1 problem in 1 build file (1 hint)', '']);
      const refused = `${offline} refused the connection (is the registry running, and is the port right?)`;
      assert.deepEqual(run.stderr.split('\n').sort(), [
        '',
        `image-provenance: ${offline}/demo/app:1@${MISSING}: ${refused}`,
        `image-provenance: ${offline}/demo/tool:1: ${refused}`,
        'image-provenance: 2 images could not be looked up, so not every check was made',
      ]);
      // The SARIF log says so too: the run did not do all its work, and why (SARIF 2.1.0 §3.20 invocation).
      const sarif = await cli('check', 'offline', '--format', 'sarif', '--fail-on', 'none');
      assert.equal(sarif.code, 2);
      const log = JSON.parse(sarif.stdout) as { runs: { invocations: { executionSuccessful: boolean; toolExecutionNotifications: { level: string; message: { text: string } }[] }[]; results: { ruleId: string }[] }[] };
      assert.equal(sarifSchemaErrors(log), '');
      const [invocation] = log.runs[0]!.invocations;
      assert.deepEqual(
        [invocation!.executionSuccessful, invocation!.toolExecutionNotifications.map((n) => `${n.level} ${n.message.text}`).sort(), log.runs[0]!.results.map((r) => r.ruleId)],
        [false, [`error ${offline}/demo/app:1@${MISSING}: ${refused}`, `error ${offline}/demo/tool:1: ${refused}`], ['unpinned']],
      );
    } finally {
      await rm(join(workspace, 'offline'), { recursive: true });
    }
  });

  it('an image the workspace publishes that cannot be looked up (for drift) is a warning, not a failure', async () => {
    const offline = `127.0.0.1:${await closedPort()}`;
    await mkdir(join(workspace, 'published'));
    // Compose builds and tags the image: drift would read its provenance. Its Dockerfile's pin is current.
    await writeFile(join(workspace, 'published/Dockerfile'), `FROM ${image('demo/base:1')}@${current.indexDigest}\n`);
    await writeFile(join(workspace, 'published/compose.yaml'), `services:\n  web:\n    image: ${offline}/acme/web:dev\n    build: .\n`);
    try {
      await settings({});
      const run = await cli('check', 'published', '--fail-on', 'note');
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout, 'No problems in 2 build files\n');
      assert.equal(run.stderr, `image-provenance: warning: drift not checked: ${offline}/acme/web:dev: ${offline} refused the connection (is the registry running, and is the port right?)\n`);
    } finally {
      await rm(join(workspace, 'published'), { recursive: true });
    }
  });

  it('a setting that cannot be used is a configuration error: exit 2, naming it', async () => {
    await settings({ 'imageProvenance.checks.severity': { 'stale-pin': 'loud' } });
    const run = await cli('check');
    assert.equal(run.code, 2);
    assert.equal(run.stdout, '');
    assert.equal(run.stderr, `image-provenance: imageProvenance.checks.severity in ${join(workspace, '.vscode/settings.json')}: "loud" for stale-pin is not one of error, warning, information, hint, off\n`);
    await settings({});
  });

  it('usage errors: exit 2 with the usage line', async () => {
    const run = await cli('check', '--format', 'xml');
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^image-provenance: --format "xml" is not one of text, json, sarif\n\nUsage: image-provenance check \[paths…\]/);
  });

  it('--help and -h of check and scan: their options on stdout, exit 0', async () => {
    for (const [command, usage, option] of [
      ['check', 'Usage: image-provenance check [paths…] [--format text|json|sarif] [--fail-on error|warning|note|none]', /^ {2}--fail-on error\|warning\|note\|none +exit 1 when a finding is at this level or above/m],
      ['scan', 'Usage: image-provenance scan [paths…] [--format text|json]', /^ {2}--format text\|json +text \(default\): an indented tree/m],
    ] as const) {
      for (const flag of ['--help', '-h']) {
        const run = await cli(command, flag);
        assert.deepEqual([run.code, run.stderr, run.stdout.split('\n')[0]], [0, '', usage], `${command} ${flag}`);
        assert.match(run.stdout, option);
      }
    }
  });

  it('scan prints the tree: file, stages, images, without asking the registry', async () => {
    const run = await cli('scan');
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(run.stdout.split('\n').slice(0, 5), [
      'app/Dockerfile',
      '  stage unpinned',
      `    ${image('demo/base:1')}  (from, line 1, unpinned)`,
      '  stage stale',
      `    ${image(`demo/base:1@${older.indexDigest}`)}  (from, line 2, pinned)`,
    ]);
  });
  it('scan --format json: the same tree as objects, each image with its text, kind, line and state', async () => {
    const run = await cli('scan', '--format', 'json');
    assert.equal(run.code, 0, run.stderr);
    const use = (written: string, line: number, state: string) => ({ image: written, written, kind: 'from', line, state });
    assert.deepEqual(JSON.parse(run.stdout), [
      {
        file: 'app/Dockerfile',
        kind: 'dockerfile',
        images: [],
        units: [
          { kind: 'stage', name: 'unpinned', images: [use(image('demo/base:1'), 1, 'unpinned')] },
          { kind: 'stage', name: 'stale', images: [use(image(`demo/base:1@${older.indexDigest}`), 2, 'pinned')] },
          { kind: 'stage', name: 'gone', images: [use(image(`demo/gone:1@${MISSING}`), 3, 'pinned')] },
          // The fourth stage has no name: it is called by its index, as BuildKit numbers stages.
          { kind: 'stage', name: '3', images: [use(image('demo/base:1'), 5, 'unpinned')] },
        ],
      },
    ]);
  });

  it('scan | head: a reader that goes away ends the output quietly, and the exit code is the run\'s own', async () => {
    const run = await new Promise<{ code: number | null; stderr: string }>((done) => {
      const child = spawn(process.execPath, [CLI, 'scan', '--format', 'json'], { cwd: workspace, env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: workspace } });
      // The pipe's reading end closed before the tool writes, as when `head` has read all it wanted.
      child.stdout.destroy();
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('close', (code) => done({ code, stderr }));
    });
    assert.deepEqual([run.code, run.stderr], [0, '']);
  });
});
