import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { parseDockerfile } from '../../src/dockerfile/parseDockerfile';
import { argPinChoices, type BuildFile, type ImageUse, type Range } from '../../src/model/buildFile';
import { formatMessage } from '../../src/model/messages';
import { pinDiagnostics } from '../../src/pin/pinDiagnostics';
import { pinStatus } from '../../src/pin/pinStatus';
import { applyEdits, planArgPin, planPin, planPinAll, planUnpin, settledArgForm, type ArgPinForm, type PinEdit } from '../../src/pin/planEdits';
import { BuildFileIndex } from '../../src/workspace/buildFileIndex';

// Unit tier: pinning a reference only partly made of ARGs (`FROM node:${VERSION}`), issue 11 item 18.
// Every expected text is written by hand from what the tools do with it:
// - BuildKit pulls by digest when a reference has both a tag and a digest, and never looks the tag up:
//   moby/buildkit util/pull/pull.go `Puller.Resolve` takes `p.Src.Digest()`, and containerd
//   core/remotes/docker/resolver.go `dockerResolver.Resolve` asks only `manifests/<digest>` when the
//   reference has one. So `node:${VERSION}@sha256:…` pulls that digest whatever VERSION is.
// - Renovate substitutes ARG defaults into FROM and rewrites the ARG lines and the FROM line it found
//   the value and the digest in: renovatebot/renovate lib/modules/manager/dockerfile/extract.ts
//   (`extractPackageFile`, `processDepForAutoReplace`, `getAutoReplaceTemplate`). It updates both the
//   version ARG and a digest after the expansion, or in a companion `ARG X_DIGEST=sha256:…` on its own
//   line (its ARG regex reads one name per ARG line), and when it pins `FROM node:${VERSION}` itself it
//   writes the digest into the version ARG's default: `ARG VERSION=22@sha256:…`.

const D1 = `sha256:${'a1'.repeat(32)}`;
const D2 = `sha256:${'b2'.repeat(32)}`;
const DF = '/p/Dockerfile';

const at = (r: Range) => `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;

function use(file: BuildFile, text: string, nth = 0): ImageUse {
  const found = file.uses.filter((u) => u.text === text)[nth];
  assert.ok(found, `no use ${JSON.stringify(text)} in ${file.uses.map((u) => u.text).join(', ')}`);
  return found;
}

/** The text after applying a plan's edits, all of them. */
function apply(text: string, edits: readonly PinEdit[]): string {
  const result = applyEdits(text, edits);
  assert.deepEqual(result.skipped, []);
  return result.text;
}

/** Pins the use written as `written` in `text` in the given form, and returns the new text. */
function pinAs(text: string, written: string, form: ArgPinForm, digest = D1): string {
  const plan = planArgPin(use(parseDockerfile(DF, text), written), digest, DF, form);
  assert.ok(plan.ok, `refused: ${JSON.stringify(!plan.ok && plan.reason)}`);
  return apply(text, plan.edits);
}

describe('arg pinning (unit): what the reader offers for a reference partly from ARGs', () => {
  it('offers the digest after the reference and a companion ARG after the ARG it pairs with', () => {
    const file = parseDockerfile(DF, 'ARG VERSION=22\nARG OTHER=x\nFROM node:${VERSION} AS app\n');
    const from = use(file, 'node:${VERSION}');
    assert.equal(from.pin.pinnable, false);
    const choices = argPinChoices(from);
    assert.ok(choices);
    // The reference as written, FROM's own word (columns 5..20 of line 2).
    assert.deepEqual([at(choices.afterExpansion.range), choices.afterExpansion.text], ['2:5-2:20', 'node:${VERSION}']);
    // Named after the image; written after line 0, where VERSION is declared (global scope, which FROM reads).
    assert.deepEqual(choices.companion, { offered: true, name: 'NODE_DIGEST', after: { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 14 } }, text: 'ARG VERSION=22' }, indent: '', eol: '\n' });
  });

  it('offers no companion ARG for an ARG that feeds other images too, and says which', () => {
    const file = parseDockerfile(DF, 'ARG V=22\nFROM node:${V} AS a\nFROM node:${V}-slim AS b\n');
    for (const text of ['node:${V}', 'node:${V}-slim']) {
      const choices = argPinChoices(use(file, text));
      assert.ok(choices, text);
      assert.deepEqual(choices.companion, { offered: false, kind: 'sharedArg', arg: 'V', users: 2 });
      // The digest after the reference stays possible: it edits this reference alone.
      assert.equal(choices.afterExpansion.text, text);
    }
  });

  it('offers no choice when a build argument from outside the file sets a variable of the reference', () => {
    const file = parseDockerfile(DF, 'ARG VERSION=22\nFROM node:${VERSION}\n', { buildArgs: { VERSION: '20' } });
    const from = use(file, 'node:${VERSION}');
    assert.equal(from.resolved, 'node:20');
    assert.deepEqual(from.pin, { pinnable: false, reason: { kind: 'partialArg', arg: 'VERSION' } });
  });

  it('gives each companion ARG a name no word of the file uses, that `${…}` can refer to', () => {
    const names = (text: string) =>
      parseDockerfile(DF, text).uses.map((u) => {
        const companion = argPinChoices(u)?.companion;
        return companion?.offered ? companion.name : companion?.kind;
      });
    // `NODE_DIGEST` is already a word of the file (in a comment), and two images are named node.
    assert.deepEqual(names('# NODE_DIGEST is ours\nARG A=20\nARG B=22\nFROM node:${A} AS a\nFROM node:${B} AS b\n'), ['NODE_DIGEST_2', 'NODE_DIGEST_3']);
    // The last path segment's letters and digits, the rest as `_`; a variable name cannot start with a digit.
    assert.deepEqual(names('ARG A=1\nARG B=2\nFROM ghcr.io/acme/my.app-x:${A} AS a\nFROM localhost:5000/3dfx:${B} AS b\n'), ['MY_APP_X_DIGEST', 'IMAGE_3DFX_DIGEST']);
  });

  it('reads a digest written after the expansion, in a companion ARG, or in the version ARG as pinned, with the edit site', () => {
    const summary = (text: string, written: string) => {
      const u = use(parseDockerfile(DF, text), written);
      return u.pin.pinnable ? `${at(u.pin.range)} ${u.pin.text}${u.pin.viaArg ? ` via ${u.pin.viaArg}` : ''}${u.pin.digestOnly ? ' (digest only)' : ''} → ${u.resolved}` : `not ${u.pin.reason.kind}`;
    };
    assert.equal(summary(`ARG V=22\nFROM node:\${V}@${D1} AS a\n`, `node:\${V}@${D1}`), `1:14-1:86 @${D1} → node:22@${D1}`);
    assert.equal(summary(`ARG V=22\nFROM "node:\${V}"@${D1}\n`, `"node:\${V}"@${D1}`), `1:16-1:88 @${D1} → node:22@${D1}`);
    assert.equal(summary(`ARG V=22\nARG NODE_DIGEST=${D1}\nFROM node:\${V}@\${NODE_DIGEST}\n`, 'node:${V}@${NODE_DIGEST}'), `1:16-1:87 ${D1} via NODE_DIGEST (digest only) → node:22@${D1}`);
    assert.equal(summary(`ARG V=22@${D1}\nFROM node:\${V}\n`, 'node:${V}'), `0:6-0:80 22@${D1} via V → node:22@${D1}`);
    // A companion ARG that two images read is one default for both: not edited for one of them.
    assert.equal(summary(`ARG V=22\nARG D=${D1}\nFROM node:\${V}@\${D} AS a\nFROM node:\${V}-slim@\${D} AS b\n`, 'node:${V}@${D}'), 'not sharedArg');
  });
});

describe('arg pinning (unit): planning and round trips', () => {
  it('writes the digest after the reference, and reads it back as a pin that can be updated and unpinned', () => {
    const original = 'ARG VERSION=22\nFROM --platform=$BUILDPLATFORM node:${VERSION} AS build\n';
    const pinned = pinAs(original, 'node:${VERSION}', 'digestAfterExpansion');
    assert.equal(pinned, `ARG VERSION=22\nFROM --platform=$BUILDPLATFORM node:\${VERSION}@${D1} AS build\n`);

    const read = use(parseDockerfile(DF, pinned), `node:\${VERSION}@${D1}`);
    assert.equal(read.reference?.digest, D1);
    assert.equal(read.reference?.tag, '22');
    // The tag moved: the pin is stale, and its update goes where the digest is written.
    const status = pinStatus(read.reference!, { state: 'resolved', details: { digest: D1, tagDigest: D2, mediaType: 'application/vnd.oci.image.index.v1+json', kind: 'index', platforms: [], attestations: 0, host: 'registry-1.docker.io' } });
    assert.deepEqual(status, { kind: 'stale', tagDigest: D2, update: { digest: D2 } });
    const update = planPin(read, D2, DF);
    assert.ok(update.ok && update.edit);
    assert.equal(apply(pinned, [update.edit]), original.replace('node:${VERSION}', `node:\${VERSION}@${D2}`));
    const unpin = planUnpin(read, DF);
    assert.ok(unpin.ok && unpin.edit);
    assert.equal(apply(pinned, [unpin.edit]), original);
  });

  it('writes a companion ARG after the version ARG and `@${…}` after the reference; an update edits the ARG alone', () => {
    const original = 'ARG VERSION=22\r\nARG OTHER=1\r\nFROM node:${VERSION} AS app\r\nRUN true\r\n';
    const pinned = pinAs(original, 'node:${VERSION}', 'companionArg');
    // The file's own line breaks.
    assert.equal(pinned, `ARG VERSION=22\r\nARG NODE_DIGEST=${D1}\r\nARG OTHER=1\r\nFROM node:\${VERSION}@\${NODE_DIGEST} AS app\r\nRUN true\r\n`);

    const read = use(parseDockerfile(DF, pinned), 'node:${VERSION}@${NODE_DIGEST}');
    assert.equal(read.resolved, `node:22@${D1}`);
    const update = planPin(read, D2, DF);
    assert.ok(update.ok && update.edit);
    assert.equal(apply(pinned, [update.edit]), pinned.replace(`NODE_DIGEST=${D1}`, `NODE_DIGEST=${D2}`));
    // Unpinning would mean deleting a line and part of the reference: the user's to do.
    assert.deepEqual(planUnpin(read, DF), { ok: false, reason: { kind: 'digestArg', arg: 'NODE_DIGEST' } });
  });

  it('puts the companion ARG of COPY --from and RUN --mount in the stage, right before the instruction, indented like it', () => {
    const original = 'FROM alpine:3.20\nARG TOOLS=1.36\n  COPY --from=busybox:${TOOLS} /bin/busybox /bin/\n';
    assert.equal(
      pinAs(original, 'busybox:${TOOLS}', 'companionArg'),
      `FROM alpine:3.20\nARG TOOLS=1.36\n  ARG BUSYBOX_DIGEST=${D1}\n  COPY --from=busybox:\${TOOLS}@\${BUSYBOX_DIGEST} /bin/busybox /bin/\n`,
    );
    const mount = 'FROM alpine:3.20\nARG UV=0.5\nRUN --mount=from=ghcr.io/astral-sh/uv:${UV},source=/uv,target=/bin/uv \\\n    uv venv\n';
    assert.equal(pinAs(mount, 'ghcr.io/astral-sh/uv:${UV}', 'digestAfterExpansion'), mount.replace('uv:${UV}', `uv:\${UV}@${D1}`));
    assert.equal(
      pinAs(mount, 'ghcr.io/astral-sh/uv:${UV}', 'companionArg'),
      `FROM alpine:3.20\nARG UV=0.5\nARG UV_DIGEST=${D1}\nRUN --mount=from=ghcr.io/astral-sh/uv:\${UV}@\${UV_DIGEST},source=/uv,target=/bin/uv \\\n    uv venv\n`,
    );
  });

  it('writes the implied `latest` of a reference without a tag, as a plain pin does', () => {
    const original = 'ARG REGISTRY=ghcr.io\nFROM ${REGISTRY}/acme/app\n';
    assert.equal(pinAs(original, '${REGISTRY}/acme/app', 'digestAfterExpansion'), `ARG REGISTRY=ghcr.io\nFROM \${REGISTRY}/acme/app:latest@${D1}\n`);
    assert.equal(pinAs(original, '${REGISTRY}/acme/app', 'companionArg'), `ARG REGISTRY=ghcr.io\nARG APP_DIGEST=${D1}\nFROM \${REGISTRY}/acme/app:latest@\${APP_DIGEST}\n`);
  });

  it('updates and unpins the digest Renovate writes into the version ARG', () => {
    const pinned = `ARG VERSION=22@${D1}\nFROM node:\${VERSION}\n`;
    const read = use(parseDockerfile(DF, pinned), 'node:${VERSION}');
    const update = planPin(read, D2, DF);
    assert.ok(update.ok && update.edit);
    assert.equal(apply(pinned, [update.edit]), `ARG VERSION=22@${D2}\nFROM node:\${VERSION}\n`);
    const unpin = planUnpin(read, DF);
    assert.ok(unpin.ok && unpin.edit);
    assert.equal(apply(pinned, [unpin.edit]), 'ARG VERSION=22\nFROM node:${VERSION}\n');
  });

  it('refuses a companion ARG where none is offered, saying why, and a bad digest', () => {
    const file = parseDockerfile(DF, 'ARG V=22\nFROM node:${V} AS a\nFROM node:${V}-slim AS b\n');
    assert.deepEqual(planArgPin(use(file, 'node:${V}'), D1, DF, 'companionArg'), { ok: false, reason: { kind: 'noCompanion', refusal: { offered: false, kind: 'sharedArg', arg: 'V', users: 2 } } });
    assert.deepEqual(planArgPin(use(file, 'node:${V}'), 'sha256:abc', DF, 'digestAfterExpansion'), { ok: false, reason: { kind: 'invalidDigest', digest: 'sha256:abc' } });
    const overridden = parseDockerfile(DF, 'ARG V=22\nFROM node:${V}\n', { buildArgs: { V: '20' } });
    assert.deepEqual(planArgPin(use(overridden, 'node:${V}'), D1, DF, 'digestAfterExpansion'), { ok: false, reason: { kind: 'notPinnable', reason: { kind: 'partialArg', arg: 'V' } } });
  });

  it('pins a use that got its pin site meanwhile (typed by hand while the list was open) where that site is', () => {
    const pinned = `ARG V=22\nFROM node:\${V}@${D1}\n`;
    const plan = planArgPin(use(parseDockerfile(DF, pinned), `node:\${V}@${D1}`), D2, DF, 'companionArg');
    assert.ok(plan.ok);
    assert.equal(apply(pinned, plan.edits), `ARG V=22\nFROM node:\${V}@${D2}\n`);
  });

  it('settles on the form a setting names only where this use offers it', () => {
    const choices = argPinChoices(use(parseDockerfile(DF, 'ARG V=22\nFROM node:${V} AS a\nFROM node:${V}-slim AS b\n'), 'node:${V}'))!;
    assert.equal(settledArgForm('ask', choices), undefined);
    assert.equal(settledArgForm('digestAfterExpansion', choices), 'digestAfterExpansion');
    assert.equal(settledArgForm('companionArg', choices), undefined);
  });

  // Round trips over generated Dockerfiles: what a pin adds is exactly what an unpin removes.
  const version = fc.stringMatching(/^[0-9][a-z0-9.-]{0,8}$/);
  const hex = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 });
  const digest = hex.map((h) => `sha256:${h}`);
  const layout = fc.record({
    version,
    image: fc.constantFrom('node', 'ghcr.io/acme/app', 'localhost:5000/x'),
    reference: fc.constantFrom('${V}', '$V', '${V}-slim', '"${V}"', 'v${V}', '${V:-1}'),
    flags: fc.constantFrom('', '--platform=$BUILDPLATFORM '),
    alias: fc.constantFrom('', ' AS app'),
    eol: fc.constantFrom('\n', '\r\n'),
    instruction: fc.constantFrom('FROM', 'COPY'),
  });
  const dockerfileOf = (l: { version: string; image: string; reference: string; flags: string; alias: string; eol: string; instruction: string }) => {
    const written = `${l.image}:${l.reference}`;
    const text =
      l.instruction === 'FROM'
        ? ['ARG V=' + l.version, `FROM ${l.flags}${written}${l.alias}`, 'RUN true', ''].join(l.eol)
        : ['FROM alpine:3.20', 'ARG V=' + l.version, `COPY --from=${written} / /`, ''].join(l.eol);
    return { text, written };
  };

  it('pin after the expansion, update, unpin: the original bytes', () => {
    fc.assert(
      fc.property(layout, digest, digest, (l, d1, d2) => {
        const { text, written } = dockerfileOf(l);
        const pinned = pinAs(text, written, 'digestAfterExpansion', d1);
        assert.equal(pinned, text.replace(written, `${written}@${d1}`));
        const read = use(parseDockerfile(DF, pinned), `${written}@${d1}`);
        assert.equal(read.reference?.digest, d1);
        const update = planPin(read, d2, DF);
        assert.ok(update.ok);
        const updated = update.edit ? apply(pinned, [update.edit]) : pinned;
        assert.equal(updated, text.replace(written, `${written}@${d2}`));
        const unpin = planUnpin(use(parseDockerfile(DF, updated), `${written}@${d2}`), DF);
        assert.ok(unpin.ok && unpin.edit);
        assert.equal(apply(updated, [unpin.edit]), text);
      }),
    );
  });

  it('pin with a companion ARG, update: only the ARG default changes; the ARG line and `@${…}` are the only additions', () => {
    fc.assert(
      fc.property(layout, digest, digest, (l, d1, d2) => {
        const { text, written } = dockerfileOf(l);
        const pinned = pinAs(text, written, 'companionArg', d1);
        const name = argPinChoices(use(parseDockerfile(DF, text), written))!.companion;
        assert.ok(name.offered);
        const withDigestArg = `${written}@\${${name.name}}`;
        // Removing the two additions gives the original back.
        assert.equal(pinned.replace(`${name.indent}ARG ${name.name}=${d1}${l.eol}`, '').replace(withDigestArg, written), text);
        const read = use(parseDockerfile(DF, pinned), withDigestArg);
        assert.equal(read.reference?.digest, d1);
        const update = planPin(read, d2, DF);
        assert.ok(update.ok);
        assert.equal(update.edit ? apply(pinned, [update.edit]) : pinned, pinned.replace(`=${d1}`, `=${d2}`));
      }),
    );
  });
});

describe('arg pinning (unit): Pin All', () => {
  const dockerfile = 'ARG VERSION=22\nFROM node:${VERSION} AS app\nFROM alpine:3.20\n';

  it('skips a reference partly from ARGs unless a form is named, and pins it in that form', () => {
    const file = parseDockerfile(DF, dockerfile);
    const asked = planPinAll([file], () => D1);
    assert.deepEqual(asked.files.map((f) => f.edits.map((e) => e.newText)), [[`alpine:3.20@${D1}`]]);
    assert.deepEqual(asked.skipped.map((s) => [s.use.text, s.reason]), [['node:${VERSION}', { kind: 'chooseForm', arg: 'VERSION' }]]);

    const after = planPinAll([file], () => D1, 'digestAfterExpansion');
    assert.deepEqual(after.skipped, []);
    assert.equal(apply(dockerfile, after.files[0]!.edits), `ARG VERSION=22\nFROM node:\${VERSION}@${D1} AS app\nFROM alpine:3.20@${D1}\n`);

    const companion = planPinAll([file], () => D1, 'companionArg');
    assert.equal(apply(dockerfile, companion.files[0]!.edits), `ARG VERSION=22\nARG NODE_DIGEST=${D1}\nFROM node:\${VERSION}@\${NODE_DIGEST} AS app\nFROM alpine:3.20@${D1}\n`);
    // Listed once, with the edit that writes its digest.
    assert.deepEqual(companion.changed.filter((c) => c.use.text === 'node:${VERSION}').map((c) => c.edit.newText), [`ARG VERSION=22\nARG NODE_DIGEST=${D1}`]);
  });

  it('skips a companion ARG it cannot write, and a reference a build of the Dockerfile gives other values', () => {
    const shared = parseDockerfile(DF, 'ARG V=22\nFROM node:${V} AS a\nFROM node:${V}-slim AS b\n');
    const plan = planPinAll([shared], () => D1, 'companionArg');
    assert.deepEqual(plan.files, []);
    assert.deepEqual(plan.skipped.map((s) => s.reason.kind), ['noCompanion', 'noCompanion']);

    // Compose's api service builds the Dockerfile's app stage with VERSION=20: a digest of node:22 there would
    // pull node:22 for it. (Without the target it would build the last stage only, and never pull node.)
    const index = new BuildFileIndex();
    index.set('/w/compose.yaml', 'services:\n  api:\n    build:\n      context: .\n      target: app\n      args:\n        VERSION: "20"\n', 'compose');
    index.set('/w/Dockerfile', dockerfile);
    const linked = index.linked('/w/compose.yaml', 0);
    assert.ok(linked);
    const all = planPinAll([index.get('/w/Dockerfile')!, linked], (u) => (u.resolved === 'node:20' ? D2 : D1), 'digestAfterExpansion');
    assert.deepEqual(all.files.map((f) => [f.path, f.edits.map((e) => e.newText)]), [['/w/Dockerfile', [`alpine:3.20@${D1}`]]]);
    assert.deepEqual(
      all.skipped.map((s) => [s.use.resolved, s.reason]),
      [
        ['node:22', { kind: 'buildOverride', arg: 'VERSION' }],
        ['node:20', { kind: 'notPinnable', reason: { kind: 'partialArg', arg: 'VERSION' } }],
      ],
    );
  });

  it('keeps a companion ARG and its `@${…}` together when another pin edits the same line', () => {
    // Two ARGs declared on one line: both companion lines would replace that line; the second waits.
    const text = 'ARG A=20 B=22\nFROM node:${A} AS a\nFROM python:${B} AS b\n';
    const plan = planPinAll([parseDockerfile(DF, text)], () => D1, 'companionArg');
    assert.equal(apply(text, plan.files[0]!.edits), `ARG A=20 B=22\nARG NODE_DIGEST=${D1}\nFROM node:\${A}@\${NODE_DIGEST} AS a\nFROM python:\${B} AS b\n`);
    assert.deepEqual(plan.skipped.map((s) => [s.use.text, s.reason.kind]), [['python:${B}', 'overlap']]);
  });
});

describe('arg pinning (unit): diagnostics', () => {
  it('says where the digest can go, and what a --build-arg then does', () => {
    const file = parseDockerfile(DF, 'ARG VERSION=22\nFROM node:${VERSION}\n');
    const [d] = pinDiagnostics(file, '', () => undefined, { unpinned: 'hint', stale: 'warning' });
    assert.ok(d);
    assert.equal(d.code, 'unpinned');
    assert.equal(
      formatMessage(d.message),
      'node:22 is not pinned to a digest: only part of the reference comes from ARG VERSION, so the digest can go after the reference or into a companion ARG. Either way the digest then wins over a --build-arg VERSION=… until it is updated too.',
    );
  });
});

describe('arg pinning (unit): Pin All over several readings of one Dockerfile', () => {
  // The Dockerfile on its own, and as a Compose service that passes it nothing builds it: one reference, two readings.
  const dockerfile = 'ARG VERSION=22\nFROM node:${VERSION} AS app\n';
  function readings(): { alone: BuildFile; built: BuildFile } {
    const index = new BuildFileIndex();
    index.set('/w/compose.yaml', 'services:\n  api:\n    build: .\n', 'compose');
    index.set('/w/Dockerfile', dockerfile);
    return { alone: index.get('/w/Dockerfile')!, built: index.linked('/w/compose.yaml', 0)! };
  }

  it('pins a reference read twice once, and lists it once', () => {
    const { alone, built } = readings();
    const plan = planPinAll([alone, built], () => D1, 'digestAfterExpansion');
    assert.deepEqual(plan.files.map((f) => [f.path, f.edits.map((e) => e.newText)]), [['/w/Dockerfile', [`node:\${VERSION}@${D1}`]]]);
    assert.deepEqual(plan.changed.map((c) => c.use.text), ['node:${VERSION}']);
  });

  it('skips it when a reading has no digest, or the readings were given different ones', () => {
    const { alone, built } = readings();
    const partly = planPinAll([alone, built], (_use, file) => (file === alone ? D1 : undefined), 'digestAfterExpansion');
    assert.deepEqual([partly.files, partly.skipped.map((s) => s.reason)], [[], [{ kind: 'noDigest' }]]);
    const none = planPinAll([alone, built], () => undefined, 'digestAfterExpansion');
    assert.deepEqual(none.skipped.map((s) => s.reason), [{ kind: 'noDigest' }]);
    const different = planPinAll([alone, built], (_use, file) => (file === alone ? D1 : D2), 'digestAfterExpansion');
    assert.deepEqual([different.files, different.skipped.map((s) => s.reason)], [[], [{ kind: 'conflict', digests: [D1, D2] }]]);
  });
});

describe('arg pinning (unit): Pin All, what is left out and in what order edits come', () => {
  it('leaves stages and scratch out whatever the form, as it does without one', () => {
    const file = parseDockerfile(DF, 'ARG VERSION=22\nFROM node:${VERSION} AS app\nFROM app\nFROM scratch\nCOPY --from=app / /\n');
    const plan = planPinAll([file], () => D1, 'companionArg');
    assert.deepEqual(plan.skipped, []);
    assert.equal(plan.changed.length, 1);
  });

  it('without a form, lists a reference whose variable a build sets from outside as not pinnable, not as a choice to make', () => {
    const file = parseDockerfile(DF, 'ARG VERSION=22\nFROM node:${VERSION}\n', { buildArgs: { VERSION: '20' } });
    assert.deepEqual(planPinAll([file], () => D1).skipped.map((s) => s.reason), [{ kind: 'notPinnable', reason: { kind: 'partialArg', arg: 'VERSION' } }]);
  });

  it('gives a file its edits in document order, a companion ARG line and the pins around it included', () => {
    const text = 'ARG VERSION=22\nFROM alpine:3.20 AS base\nFROM node:${VERSION} AS app\n';
    const plan = planPinAll([parseDockerfile(DF, text)], () => D1, 'companionArg');
    assert.deepEqual(plan.files[0]!.edits.map((e) => at(e.range)), ['0:0-0:14', '1:5-1:16', '2:5-2:20']);
    assert.equal(apply(text, plan.files[0]!.edits), `ARG VERSION=22\nARG NODE_DIGEST=${D1}\nFROM alpine:3.20@${D1} AS base\nFROM node:\${VERSION}@\${NODE_DIGEST} AS app\n`);
  });
});

describe('arg pinning (unit): planning over a model that contradicts itself', () => {
  // The parsers never give these; the planner still writes nothing rather than guess.
  const read = (text: string, written: string) => use(parseDockerfile(DF, text), written);

  it('has nothing to do for a use already pinned to that digest, whatever the form', () => {
    const pinned = read(`ARG V=22\nFROM node:\${V}@${D1}\n`, `node:\${V}@${D1}`);
    assert.deepEqual(planArgPin(pinned, D1, DF, 'companionArg'), { ok: true, edits: [] });
  });

  it('refuses a reference partly from ARGs without a parsed reference, or whose reference or word already has a digest', () => {
    const partial = read('ARG V=22\nFROM node:${V}\n', 'node:${V}');
    assert.deepEqual(planArgPin({ ...partial, reference: undefined }, D1, DF, 'digestAfterExpansion'), { ok: false, reason: { kind: 'noReference' } });
    assert.deepEqual(planArgPin({ ...partial, reference: { ...partial.reference!, digest: D2 } }, D1, DF, 'digestAfterExpansion'), { ok: false, reason: { kind: 'siteMismatch', text: 'node:${V}' } });
    const choices = argPinChoices(partial)!;
    assert.ok(!partial.pin.pinnable && partial.pin.reason.kind === 'partialArg');
    const withAt: ImageUse = { ...partial, pin: { pinnable: false, reason: { ...partial.pin.reason, choices: { ...choices, afterExpansion: { ...choices.afterExpansion, text: 'node:${V}@x' } } } } };
    assert.deepEqual(planArgPin(withAt, D1, DF, 'digestAfterExpansion'), { ok: false, reason: { kind: 'siteMismatch', text: 'node:${V}@x' } });
  });

  it('refuses a companion ARG whose default is not the digest the reference has', () => {
    const companion = read(`ARG V=22\nARG NODE_DIGEST=${D1}\nFROM node:\${V}@\${NODE_DIGEST}\n`, 'node:${V}@${NODE_DIGEST}');
    assert.deepEqual(planPin({ ...companion, reference: { ...companion.reference!, digest: D2 } }, D2, DF), { ok: false, reason: { kind: 'siteMismatch', text: D1 } });
  });
});
