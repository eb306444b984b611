import { strict as assert } from 'node:assert';
import type { BuildFile, BuildFileKind, Range } from '../../src/model/buildFile';
import { formatMessage, message, Messages } from '../../src/model/messages';
import { pinDiagnostics, type PinDiagnostic, type PinDiagnosticOptions } from '../../src/pin/pinDiagnostics';
import type { Resolution } from '../../src/pin/pinStatus';
import type { ImageRef } from '../../src/reference/imageReference';
import { RegistryError } from '../../src/registry/errors';
import type { ImageDetails, PlatformImage } from '../../src/registry/imageDetails';
import { parseBuildFile } from '../../src/workspace/parseBuildFile';

// Unit tier: pin diagnostics over real parser output (Dockerfile, Compose, Bake HCL), with the resolver's
// answers written out by hand per image. Ranges are counted by hand from the texts below.

const digest = (hex: string): string => `sha256:${hex.repeat(64 / hex.length)}`;
const OLD_INDEX = digest('01');
const OLD_ARM64 = digest('03');
const NEW_INDEX = digest('a1');
const NEW_AMD64 = digest('a2');
const NEW_ARM64 = digest('a3');
const SINGLE = digest('b1');
const OTHER = digest('ee');
const HOST = 'registry-1.docker.io';

const NEW_PLATFORMS: PlatformImage[] = [
  { platform: 'linux/amd64', digest: NEW_AMD64 },
  { platform: 'linux/arm64/v8', digest: NEW_ARM64 },
];

const PATHS: Record<BuildFileKind, string> = {
  dockerfile: '/p/Dockerfile',
  compose: '/p/compose.yaml',
  'bake-hcl': '/p/docker-bake.hcl',
  'bake-json': '/p/docker-bake.json',
};

function parse(kind: BuildFileKind, text: string): BuildFile {
  return parseBuildFile(PATHS[kind], kind, text, { readFile: () => undefined, variables: {} });
}

// What the resolver found, by the reference as written (after substitution).
const index = (digestNow: string, tagDigest: string, tagPlatforms?: PlatformImage[]): Resolution => ({
  state: 'resolved',
  details: {
    tagDigest,
    ...(tagPlatforms && { tagPlatforms }),
    digest: digestNow,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    kind: 'index',
    platforms: [],
    attestations: 0,
    host: HOST,
  } satisfies ImageDetails,
});
const image = (digestNow: string, platform: string, tagDigest: string, tagPlatforms?: PlatformImage[]): Resolution => ({
  state: 'resolved',
  details: {
    tagDigest,
    ...(tagPlatforms && { tagPlatforms }),
    digest: digestNow,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    kind: 'image',
    platforms: [{ platform, digest: digestNow }],
    attestations: 0,
    host: HOST,
  } satisfies ImageDetails,
});
const failure = (error: RegistryError): Resolution => ({ state: 'failed', error });

const DEFAULTS: PinDiagnosticOptions = { unpinned: 'hint', stale: 'warning' };

function run(file: BuildFile, text: string, resolutions: Record<string, Resolution> = {}, options: Partial<PinDiagnosticOptions> = {}): PinDiagnostic[] {
  return pinDiagnostics(file, text, (ref) => resolutions[ref.original], { ...DEFAULTS, ...options });
}

/** Parses `text` as `kind` and returns its pin diagnostics. */
function diagnose(kind: BuildFileKind, text: string, resolutions: Record<string, Resolution> = {}, options: Partial<PinDiagnosticOptions> = {}): PinDiagnostic[] {
  return run(parse(kind, text), text, resolutions, options);
}

const at = (r: Range): string => `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
/** `code severity @range` for each diagnostic, in order. */
const summary = (found: readonly PinDiagnostic[]): string[] => found.map((d) => `${d.code} ${d.severity} @${at(d.range)}`);

describe('pinDiagnostics', () => {
  describe('unpinned images', () => {
    it('hints at an unpinned image, at the use’s range, looked up or not', () => {
      const text = 'FROM node:22 AS app\nFROM redis:7\n';
      const file = parse('dockerfile', text);
      const found = run(file, text, { 'node:22': index(NEW_INDEX, NEW_INDEX, NEW_PLATFORMS) });
      assert.deepEqual(summary(found), ['unpinned hint @0:5-0:12', 'unpinned hint @1:5-1:12']);
      assert.deepEqual(found[0], {
        range: file.uses[0]!.range,
        severity: 'hint',
        message: message(Messages.pinUnpinned, 'node:22'),
        code: 'unpinned',
        use: 0,
        status: { kind: 'unpinned', target: { digest: NEW_INDEX } },
      });
      // redis:7 was not looked up: still unpinned, just without a target.
      assert.deepEqual(found[1]!.status, { kind: 'unpinned' });
      assert.equal(found[1]!.use, 1);
      assert.deepEqual(found[1]!.message, message(Messages.pinUnpinned, 'redis:7'));
    });

    it('follows the unpinned severity: off gives none, warning gives warnings', () => {
      const text = 'FROM node:22\n';
      assert.deepEqual(diagnose('dockerfile', text, {}, { unpinned: 'off' }), []);
      assert.deepEqual(summary(diagnose('dockerfile', text, {}, { unpinned: 'warning' })), ['unpinned warning @0:5-0:12']);
      assert.deepEqual(summary(diagnose('dockerfile', text, {}, { unpinned: 'error' })), ['unpinned error @0:5-0:12']);
    });

    it('explains an image that comes from an ARG other images share', () => {
      const text = 'ARG BASE=node:22\nFROM $BASE AS a\nFROM ${BASE} AS b\n';
      const found = diagnose('dockerfile', text);
      assert.deepEqual(summary(found), ['unpinned hint @1:5-1:10', 'unpinned hint @2:5-2:12']);
      for (const d of found) {
        assert.deepEqual(d.message, message(Messages.pinUnpinnedShared, 'node:22', 'BASE', 2));
        assert.match(formatMessage(d.message), /default of ARG BASE, which 2 images use/);
      }
      assert.deepEqual(
        found.map((d) => d.use),
        [0, 1],
      );
    });

    it('names the image without the implied registry', () => {
      const text = 'services:\n  web:\n    image: ghcr.io/o/web:1\n';
      const found = diagnose('compose', text);
      assert.deepEqual(summary(found), ['unpinned hint @2:11-2:26']);
      assert.deepEqual(found[0]!.message, message(Messages.pinUnpinned, 'ghcr.io/o/web:1'));
    });
  });

  describe('pinned images', () => {
    it('says nothing about a current pin', () => {
      const text = `FROM node:22@${NEW_INDEX}\n`;
      assert.deepEqual(diagnose('dockerfile', text, { [`node:22@${NEW_INDEX}`]: index(NEW_INDEX, NEW_INDEX) }), []);
    });

    it('says nothing about a pin not (yet) looked up, or whose lookup failed for another reason', () => {
      const text = `FROM node:22@${OLD_INDEX}\n`;
      assert.deepEqual(diagnose('dockerfile', text), []);
      assert.deepEqual(diagnose('dockerfile', text, { [`node:22@${OLD_INDEX}`]: { state: 'pending' } }), []);
      assert.deepEqual(diagnose('dockerfile', text, { [`node:22@${OLD_INDEX}`]: failure(new RegistryError('network', 'node:22', HOST, 'node:22: connection refused')) }), []);
    });

    it('warns about a stale pin, naming the pinned digest and the tag’s new one', () => {
      const text = `FROM node:22@${OLD_INDEX} AS app\n`;
      const resolutions = { [`node:22@${OLD_INDEX}`]: index(OLD_INDEX, NEW_INDEX, NEW_PLATFORMS) };
      const found = diagnose('dockerfile', text, resolutions);
      // `node:22@` + 71 characters of digest, from column 5
      assert.deepEqual(summary(found), ['stale-pin warning @0:5-0:84']);
      assert.deepEqual(found[0]!.status, { kind: 'stale', tagDigest: NEW_INDEX, update: { digest: NEW_INDEX } });
      // What is wrong comes first, then the tag that moved; digests as short as `docker images` shows them.
      assert.equal(formatMessage(found[0]!.message), 'Stale pin: the tag node:22 now points to sha256:a1a1a1a1a1a1…, not the pinned sha256:010101010101….');
      assert.deepEqual(found[0]!.message, message(Messages.pinStale, 'node:22', 'sha256:a1a1a1a1a1a1…', 'sha256:010101010101…'));
      assert.deepEqual(diagnose('dockerfile', text, resolutions, { stale: 'off' }), []);
      assert.deepEqual(summary(diagnose('dockerfile', text, resolutions, { stale: 'error' })), ['stale-pin error @0:5-0:84']);
      // The unpinned severity has nothing to do with it.
      assert.deepEqual(summary(diagnose('dockerfile', text, resolutions, { unpinned: 'off' })), ['stale-pin warning @0:5-0:84']);
    });

    it('says when a stale platform pin has no image of its platform to be updated to', () => {
      const text = `FROM node:22@${OLD_ARM64}\n`;
      const amd64Only: PlatformImage[] = [
        { platform: 'linux/amd64', digest: NEW_AMD64 },
        { platform: 'linux/s390x', digest: OTHER },
      ];
      const found = diagnose('dockerfile', text, { [`node:22@${OLD_ARM64}`]: image(OLD_ARM64, 'linux/arm64/v8', NEW_INDEX, amd64Only) });
      assert.deepEqual(summary(found), ['stale-pin warning @0:5-0:84']);
      assert.equal(formatMessage(found[0]!.message), 'Stale pin: the tag node:22 now points to sha256:a1a1a1a1a1a1…, which has no linux/arm64/v8 image to update the pinned one to.');
    });

    it('reports a pinned digest the registry does not have as an error with its likely causes', () => {
      const text = `FROM node:22@${OLD_INDEX}\n`;
      const error = new RegistryError('notFound', 'node:22', HOST, 'node:22: manifest unknown', { status: 404 });
      // Not a stale-pin finding: the stale severity does not turn it off.
      const found = diagnose('dockerfile', text, { [`node:22@${OLD_INDEX}`]: failure(error) }, { stale: 'off', unpinned: 'off' });
      assert.deepEqual(summary(found), ['pin-not-found error @0:5-0:84']);
      assert.deepEqual(found[0]!.status, { kind: 'notFound', error });
      assert.deepEqual(found[0]!.message, message(Messages.pinNotFound, 'node:22', HOST, OLD_INDEX));
      const shown = formatMessage(found[0]!.message);
      assert.ok(shown.startsWith(`Pinned digest not found: the registry (${HOST}) has no manifest ${OLD_INDEX} for node:22.`), shown);
      assert.match(shown, /Likely causes: .*garbage-collected.*another registry.*a typo/);
    });

    it('reports content that does not hash to the pinned digest as an error with its likely causes', () => {
      const text = `FROM node:22@${OLD_INDEX}\n`;
      const error = new RegistryError('digestMismatch', 'node:22', 'mirror.example', 'node:22: digest mismatch', { expected: OLD_INDEX, actual: OTHER });
      const found = diagnose('dockerfile', text, { [`node:22@${OLD_INDEX}`]: failure(error) });
      assert.deepEqual(summary(found), ['pin-mismatch error @0:5-0:84']);
      assert.deepEqual(found[0]!.message, message(Messages.pinMismatch, 'node:22', 'mirror.example', OLD_INDEX, OTHER));
      const shown = formatMessage(found[0]!.message);
      assert.ok(shown.startsWith(`Pinned content does not match its digest: what mirror.example serves for ${OLD_INDEX} of node:22 hashes to ${OTHER}.`), shown);
      assert.match(shown, /Likely causes: .*mirror or proxy.*platform digest/);
    });

    it('a digest-only reference gets no stale finding (no tag), but a missing digest is still an error', () => {
      const text = `FROM node@${OLD_INDEX}\n`;
      const noTag: Resolution = { state: 'resolved', details: { digest: OLD_INDEX, mediaType: 'application/vnd.oci.image.index.v1+json', kind: 'index', platforms: [], attestations: 0, host: HOST } };
      assert.deepEqual(diagnose('dockerfile', text, { [`node@${OLD_INDEX}`]: noTag }), []);
      const error = new RegistryError('notFound', 'node', HOST, 'node: manifest unknown');
      assert.deepEqual(summary(diagnose('dockerfile', text, { [`node@${OLD_INDEX}`]: failure(error) })), ['pin-not-found error @0:5-0:81']);
    });
  });

  describe('platform pins in multi-platform builds', () => {
    // A pin to today's arm64 image of golang:1.23: current, on its platform.
    const ref = `golang:1.23@${NEW_ARM64}`;
    const resolutions = { [ref]: image(NEW_ARM64, 'linux/arm64/v8', NEW_INDEX, NEW_PLATFORMS) };

    it('warns when the stage runs on the build platform ($BUILDPLATFORM)', () => {
      const text = `FROM --platform=$BUILDPLATFORM ${ref} AS build\n`;
      const found = diagnose('dockerfile', text, resolutions);
      // the reference starts at 31 and is 12 + 71 characters long
      assert.deepEqual(summary(found), ['platform-pin warning @0:31-0:114']);
      assert.deepEqual(found[0]!.status, { kind: 'current', platform: 'linux/arm64/v8' });
      assert.deepEqual(found[0]!.message, message(Messages.pinPlatformInMultiPlatformBuild, 'golang:1.23', 'linux/arm64/v8', '--platform=$BUILDPLATFORM'));
      assert.match(formatMessage(found[0]!.message), /^Platform pin in a multi-platform build: golang:1\.23 is pinned to its linux\/arm64\/v8 image only/);
    });

    it('warns when the build targets several platforms', () => {
      const text = `FROM ${ref}\n`;
      const found = diagnose('dockerfile', text, resolutions, { buildPlatforms: ['linux/amd64', 'linux/arm64'] });
      assert.deepEqual(summary(found), ['platform-pin warning @0:5-0:88']);
      assert.deepEqual(found[0]!.message, message(Messages.pinPlatformInMultiPlatformBuild, 'golang:1.23', 'linux/arm64/v8', 'linux/amd64, linux/arm64'));
    });

    it('says nothing for a literal --platform, or a build of one platform', () => {
      assert.deepEqual(diagnose('dockerfile', `FROM --platform=linux/arm64 ${ref}\n`, resolutions, { buildPlatforms: ['linux/arm64'] }), []);
      // The literal platform is what every build of this stage pulls, however many platforms the build has.
      assert.deepEqual(diagnose('dockerfile', `FROM --platform=linux/arm64 ${ref}\n`, resolutions, { buildPlatforms: ['linux/amd64', 'linux/arm64'] }), []);
      assert.deepEqual(diagnose('dockerfile', `FROM ${ref}\n`, resolutions, { buildPlatforms: ['linux/arm64'] }), []);
      assert.deepEqual(diagnose('dockerfile', `FROM ${ref}\n`, resolutions), []);
    });

    it('says nothing for an index pin in a multi-platform build', () => {
      const text = `FROM --platform=$BUILDPLATFORM golang:1.23@${NEW_INDEX}\n`;
      assert.deepEqual(diagnose('dockerfile', text, { [`golang:1.23@${NEW_INDEX}`]: index(NEW_INDEX, NEW_INDEX, undefined) }, { buildPlatforms: ['linux/amd64', 'linux/arm64'] }), []);
    });

    it('gives both the stale and the platform warning for a stale platform pin', () => {
      const old = `golang:1.23@${OLD_ARM64}`;
      const text = `FROM --platform=$BUILDPLATFORM ${old}\n`;
      const found = diagnose('dockerfile', text, { [old]: image(OLD_ARM64, 'linux/arm64/v8', NEW_INDEX, NEW_PLATFORMS) });
      assert.deepEqual(summary(found), ['stale-pin warning @0:31-0:114', 'platform-pin warning @0:31-0:114']);
      assert.deepEqual(found[0]!.status, { kind: 'stale', tagDigest: NEW_INDEX, update: { digest: NEW_ARM64, platform: 'linux/arm64/v8' }, platform: 'linux/arm64/v8' });
    });

    it('says nothing when the tag itself is that one image: there is no index to pin instead', () => {
      // The tag names a single linux/amd64 image and the file pins exactly that: pinned or not, every
      // platform pulls this image, and "pin the index digest" would write the same digest again.
      const single = `tool:1@${SINGLE}`;
      const text = `FROM --platform=$BUILDPLATFORM ${single}\n`;
      const found = diagnose('dockerfile', text, { [single]: image(SINGLE, 'linux/amd64', SINGLE) }, { buildPlatforms: ['linux/amd64', 'linux/arm64'] });
      assert.deepEqual(summary(found), []);
    });
  });

  describe('what it says nothing about', () => {
    it('stages, scratch and unresolved variables: not even looked up', () => {
      const text = `FROM golang:1.23@${NEW_INDEX} AS build\nFROM build\nFROM scratch\nARG X\nFROM $X\nCOPY --from=build /a /b\n`;
      const file = parse('dockerfile', text);
      assert.equal(file.uses.length, 5);
      const asked: string[] = [];
      const found = pinDiagnostics(
        file,
        text,
        (r: ImageRef) => {
          asked.push(r.original);
          return index(NEW_INDEX, NEW_INDEX);
        },
        DEFAULTS,
      );
      assert.deepEqual(found, []);
      assert.deepEqual(asked, [`golang:1.23@${NEW_INDEX}`]);
    });

    it('images the `ignored` option names', () => {
      const text = `FROM node:22\nFROM redis:7@${OLD_INDEX}\nFROM ghcr.io/o/app:1\n`;
      const resolutions = { [`redis:7@${OLD_INDEX}`]: index(OLD_INDEX, NEW_INDEX) };
      assert.deepEqual(summary(diagnose('dockerfile', text, resolutions)), ['unpinned hint @0:5-0:12', 'stale-pin warning @1:5-1:84', 'unpinned hint @2:5-2:20']);
      const ignored = (r: ImageRef): boolean => r.registry === 'docker.io';
      const found = diagnose('dockerfile', text, resolutions, { ignored });
      assert.deepEqual(summary(found), ['unpinned hint @2:5-2:20']);
      // `use` still indexes the file's uses.
      assert.equal(found[0]!.use, 2);
    });
  });

  describe('silencing comments', () => {
    it('Dockerfile: a comment line right above silences that image only', () => {
      const text = '# image-provenance: ignore\nFROM node:22\nFROM redis:7\n';
      assert.deepEqual(summary(diagnose('dockerfile', text)), ['unpinned hint @2:5-2:12']);
    });

    it('Dockerfile and Compose with CRLF line ends', () => {
      assert.deepEqual(summary(diagnose('dockerfile', '# image-provenance: ignore\r\nFROM node:22\r\nFROM redis:7\r\n')), ['unpinned hint @2:5-2:12']);
      const compose = 'services:\r\n  a:\r\n    # image-provenance: ignore=unpinned\r\n    image: nginx:1\r\n  b:\r\n    image: redis:7 # image-provenance: ignore=unpinned\r\n';
      assert.deepEqual(diagnose('compose', compose), []);
    });

    it('Dockerfile: a comment two lines above does not silence', () => {
      const text = 'FROM alpine:3.20 AS a\n# image-provenance: ignore\nRUN true\nFROM node:22\n';
      assert.deepEqual(summary(diagnose('dockerfile', text)), ['unpinned hint @0:5-0:16', 'unpinned hint @3:5-3:12']);
      const blank = '# image-provenance: ignore\n\nFROM node:22\n';
      assert.deepEqual(summary(diagnose('dockerfile', blank)), ['unpinned hint @2:5-2:12']);
    });

    it('Dockerfile: trailing text after FROM’s image is not a comment, and does not silence', () => {
      const text = 'FROM node:22 # image-provenance: ignore\n';
      const file = parse('dockerfile', text);
      // The parser reads it as extra arguments of FROM, and still reads the image.
      assert.deepEqual(
        file.diagnostics.map((d) => d.code),
        ['from-extra-arguments'],
      );
      assert.deepEqual(summary(run(file, text)), ['unpinned hint @0:5-0:12']);
    });

    it('Dockerfile: ignore=<code> silences only the codes it names', () => {
      const old = `golang:1.23@${OLD_ARM64}`;
      const resolutions = { [old]: image(OLD_ARM64, 'linux/arm64/v8', NEW_INDEX, NEW_PLATFORMS) };
      const withComment = (comment: string) => `${comment}\nFROM --platform=$BUILDPLATFORM ${old}\n`;
      assert.deepEqual(summary(diagnose('dockerfile', withComment('# image-provenance: ignore=stale-pin'), resolutions)), ['platform-pin warning @1:31-1:114']);
      assert.deepEqual(summary(diagnose('dockerfile', withComment('# image-provenance: ignore=platform-pin'), resolutions)), ['stale-pin warning @1:31-1:114']);
      assert.deepEqual(summary(diagnose('dockerfile', withComment('# image-provenance: ignore=unpinned'), resolutions)), ['stale-pin warning @1:31-1:114', 'platform-pin warning @1:31-1:114']);
      assert.deepEqual(diagnose('dockerfile', withComment('# image-provenance: ignore=stale-pin,platform-pin'), resolutions), []);
      assert.deepEqual(diagnose('dockerfile', withComment('# image-provenance: ignore=platform-pin, stale-pin'), resolutions), []);
      assert.deepEqual(diagnose('dockerfile', withComment('# image-provenance: ignore'), resolutions), []);
      // Only the image below the comment.
      const two = `# image-provenance: ignore=unpinned\nFROM node:22\nFROM redis:7\n`;
      assert.deepEqual(summary(diagnose('dockerfile', two)), ['unpinned hint @2:5-2:12']);
    });

    it('Compose: a comment line above, or a comment ending the image’s line', () => {
      const text = [
        'services:',
        '  api:',
        '    # image-provenance: ignore',
        '    image: nginx:1.27',
        '  web:',
        '    image: redis:7 # image-provenance: ignore',
        '  db:',
        '    image: postgres:16',
        '  cache:',
        '    image: memcached:1 # image-provenance: ignore=stale-pin',
        '',
      ].join('\n');
      assert.deepEqual(summary(diagnose('compose', text)), ['unpinned hint @7:11-7:22', 'unpinned hint @9:11-9:22']);
    });

    it('Bake HCL: `#`, `//` and `/* */` comments above, `#` and `//` comments ending the line', () => {
      const text = [
        'target "app" {',
        '  contexts = {',
        '    // image-provenance: ignore',
        '    golang = "docker-image://golang:1.23"',
        '    # image-provenance: ignore',
        '    py = "docker-image://python:3.12"',
        '    node = "docker-image://node:22" // image-provenance: ignore',
        '    rust = "docker-image://rust:1" # image-provenance: ignore',
        '    /* image-provenance: ignore */',
        '    ruby = "docker-image://ruby:3"',
        '    alpine = "docker-image://alpine:3.20"',
        '  }',
        '}',
        '',
      ].join('\n');
      const file = parse('bake-hcl', text);
      assert.deepEqual(
        file.uses.map((u) => u.text),
        ['golang:1.23', 'python:3.12', 'node:22', 'rust:1', 'ruby:3', 'alpine:3.20'],
      );
      assert.deepEqual(summary(run(file, text)), ['unpinned hint @10:29-10:40']);
    });

    it('Bake HCL: a matrix line read once per generated target gives one diagnostic per code', () => {
      const pinned = `golang:1.23@${OLD_ARM64}`;
      const text = [
        'target "app" {',
        '  matrix = { v = ["1", "2", "3"] }',
        '  name = "app-${v}"',
        '  contexts = {',
        `    golang = "docker-image://${pinned}"`,
        '    node = "docker-image://node:22"',
        '  }',
        '}',
        '',
      ].join('\n');
      const file = parse('bake-hcl', text);
      assert.equal(file.uses.length, 6, file.uses.map((u) => u.text).join(', '));
      const found = run(file, text, { [pinned]: image(OLD_ARM64, 'linux/arm64/v8', NEW_INDEX, NEW_PLATFORMS) }, { buildPlatforms: ['linux/amd64', 'linux/arm64'] });
      assert.deepEqual(summary(found), ['stale-pin warning @4:29-4:112', 'platform-pin warning @4:29-4:112', 'unpinned hint @5:27-5:34']);
      // Each names the first use read at that place.
      assert.equal(file.uses[found[0]!.use]!.text, pinned);
      assert.equal(file.uses[found[2]!.use]!.text, 'node:22');
      assert.equal(found[0]!.use, found[1]!.use);
    });
  });
});
