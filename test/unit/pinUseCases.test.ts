// Unit tier: the pinning use-cases without VS Code: which digest a pin writes (tag, platform, stale pin's
// update), that it is verified before it is returned, and a bulk run's lookups, plan, skips and edits. The
// registry is a table of what each reference answers; verification is recorded. DESIGN.md "Registry": before a
// digest is written into a file, the manifest bytes are fetched and their sha256 checked against it.
import * as assert from 'node:assert/strict';
import { formatMessage } from '../../src/model/messages';
import { chooseDigest, PinLookupError, type PinLookups } from '../../src/pin/chooseDigest';
import { applyBulk, filesToPin, lookUpBulk, planBulk } from '../../src/pin/pinAll';
import { applyEdits } from '../../src/pin/planEdits';
import { canonicalName, familiarName, parseImageReference, type ImageRef } from '../../src/reference/imageReference';
import { RegistryError } from '../../src/registry/errors';
import type { ImageDetails, PlatformImage } from '../../src/registry/imageDetails';
import { BuildFileIndex } from '../../src/workspace/buildFileIndex';

const d = (c: string): string => `sha256:${c.repeat(64)}`;
const INDEX = d('1');
const AMD64 = d('2');
const ARM64 = d('3');
const NEW_INDEX = d('4');
const NEW_AMD64 = d('5');

function ref(text: string): ImageRef {
  const parsed = parseImageReference(text);
  if (!parsed.ok) throw new Error(text);
  return parsed.ref;
}

const platforms = (amd64: string, arm64: string): PlatformImage[] => [
  { platform: 'linux/amd64', digest: amd64 },
  { platform: 'linux/arm64/v8', digest: arm64 },
];

/** A registry whose `node:22` moved from INDEX to NEW_INDEX; `gone:1` is not there; everything is recorded. */
function registry(answers: Record<string, ImageDetails | RegistryError>) {
  const verified: string[] = [];
  const described: string[] = [];
  const lookups: PinLookups = {
    describe: async (r) => {
      const key = familiarName(r);
      described.push(key);
      const answer = answers[key] ?? new RegistryError('notFound', key, r.registry, `${key}: not found`);
      if (answer instanceof RegistryError) throw answer;
      return answer;
    },
    verify: async (r, digest) => {
      verified.push(`${familiarName(r, { withDigest: false })}@${digest}`);
    },
  };
  return { lookups, verified, described };
}

const index = (digest: string, p: PlatformImage[], extra: Partial<ImageDetails> = {}): ImageDetails => ({ digest, mediaType: 'application/vnd.oci.image.index.v1+json', kind: 'index', platforms: p, attestations: 0, host: 'registry-1.docker.io', ...extra });

const MOVED: Record<string, ImageDetails> = {
  'node:22': index(NEW_INDEX, platforms(NEW_AMD64, d('6'))),
  [`node:22@${INDEX}`]: index(INDEX, platforms(AMD64, ARM64), { tagDigest: NEW_INDEX, tagPlatforms: platforms(NEW_AMD64, d('6')) }),
  [`node:22@${AMD64}`]: { ...index(AMD64, [{ platform: 'linux/amd64', digest: AMD64 }]), kind: 'image' as const, tagDigest: NEW_INDEX, tagPlatforms: platforms(NEW_AMD64, d('6')) },
};
const noPick = async (): Promise<PlatformImage | undefined> => assert.fail('no platform pick expected');

describe('unit: pinning use-cases (choose, verify, plan; no VS Code)', () => {
  it("an unpinned image gets its tag's digest, verified before it is returned", async () => {
    const { lookups, verified } = registry(MOVED);
    assert.deepEqual(await chooseDigest(ref('node:22'), 'default', lookups, noPick), { digest: NEW_INDEX });
    assert.deepEqual(verified, [`node:22@${NEW_INDEX}`]);
  });

  it("a stale index pin moves to the tag's digest; a stale platform pin to the same platform's new image", async () => {
    const { lookups, verified } = registry(MOVED);
    assert.deepEqual(await chooseDigest(ref(`node:22@${INDEX}`), 'default', lookups, noPick), { digest: NEW_INDEX });
    assert.deepEqual(await chooseDigest(ref(`node:22@${AMD64}`), 'default', lookups, noPick), { digest: NEW_AMD64, platform: 'linux/amd64' });
    // The platform-pin warning's fix: the index, whatever the pin was.
    assert.deepEqual(await chooseDigest(ref(`node:22@${AMD64}`), 'index', lookups, noPick), { digest: NEW_INDEX });
    assert.deepEqual(verified, [`node:22@${NEW_INDEX}`, `node:22@${NEW_AMD64}`, `node:22@${NEW_INDEX}`]);
  });

  it('a platform pin asks which platform; a dismissed pick writes nothing and verifies nothing', async () => {
    const { lookups, verified } = registry(MOVED);
    const offered: string[][] = [];
    const pick = (choice: string | undefined) => async (_image: ImageRef, options: readonly PlatformImage[]) => (offered.push(options.map((p) => p.platform)), options.find((p) => p.platform === choice));
    assert.deepEqual(await chooseDigest(ref('node:22'), 'platform', lookups, pick('linux/amd64')), { digest: NEW_AMD64, platform: 'linux/amd64' });
    assert.equal(await chooseDigest(ref('node:22'), 'platform', lookups, pick(undefined)), undefined);
    assert.deepEqual(offered, [
      ['linux/amd64', 'linux/arm64/v8'],
      ['linux/amd64', 'linux/arm64/v8'],
    ]);
    assert.deepEqual(verified, [`node:22@${NEW_AMD64}`]);
  });

  it('a pinned digest the registry does not have is replaced by the tag’s digest now', async () => {
    const gone = d('9');
    const { lookups } = registry({ ...MOVED, [`node:22@${gone}`]: new RegistryError('notFound', 'node:22', 'registry-1.docker.io', 'node:22: manifest unknown') });
    assert.deepEqual(await chooseDigest(ref(`node:22@${gone}`), 'default', lookups, noPick), { digest: NEW_INDEX });
  });

  it('refusals are core messages: a platform the moved tag lacks, a pin by digest alone', async () => {
    const { lookups } = registry({ [`node:22@${AMD64}`]: { ...MOVED[`node:22@${AMD64}`]!, tagPlatforms: [{ platform: 'linux/arm64/v8', digest: d('6') }] }, [`node@${AMD64}`]: index(AMD64, []) });
    await assert.rejects(chooseDigest(ref(`node:22@${AMD64}`), 'default', lookups, noPick), (error: unknown) => {
      assert.ok(error instanceof PinLookupError);
      assert.equal(error.reason.template, 'the tag now points to {0}, which has no {1} image');
      assert.equal(formatMessage(error.reason), 'the tag now points to 444444444444, which has no linux/amd64 image');
      return true;
    });
    await assert.rejects(chooseDigest(ref(`node@${AMD64}`), 'default', lookups, noPick), { message: 'it is pinned by digest alone: there is no tag to update it from' });
  });

  it('a digest whose manifest does not verify is never returned', async () => {
    const { lookups } = registry(MOVED);
    const mismatch = new RegistryError('digestMismatch', 'node:22', 'mirror.local', `node:22: manifest ${NEW_INDEX} from mirror.local hashes to ${d('8')} instead`);
    await assert.rejects(chooseDigest(ref('node:22'), 'default', { ...lookups, verify: async () => Promise.reject(mismatch) }, noPick), mismatch);
  });

  describe('bulk runs', () => {
    const DOCKERFILE = 'file:///w/Dockerfile';
    const text = `FROM node:22 AS build\nFROM gone:1 AS other\nFROM node:22@${INDEX} AS pinned\nFROM build\n`;
    const workspace = () => {
      const idx = new BuildFileIndex();
      idx.set(DOCKERFILE, text);
      return idx;
    };

    it('Pin All: one lookup per image, verified digests written, the rest skipped with why; existing pins left alone', async () => {
      const { lookups, described, verified } = registry(MOVED);
      const idx = workspace();
      const options = { mode: 'pin' as const, argSetting: 'ask' as const };
      const found = await lookUpBulk(filesToPin(idx), lookups, options);
      assert.deepEqual(described.sort(), ['gone:1', 'node:22']);
      assert.deepEqual(verified, [`node:22@${NEW_INDEX}`]);
      const { plan, skipped } = planBulk(filesToPin(idx), found, options);
      assert.deepEqual(
        skipped.map((s) => [s.line, s.image, formatMessage(s.reason), formatMessage(s.cause.words), s.cause.registry]),
        [[2, 'gone:1', 'gone:1: not found', 'not found in the registry', 'docker.io']],
      );
      const written: Record<string, string> = {};
      const run = await applyBulk(plan, skipped, async (path, edits) => {
        const applied = applyEdits(text, edits);
        written[path] = applied.text;
        return { applied: edits.filter((e) => !applied.skipped.includes(e)) };
      });
      assert.deepEqual(written, { [DOCKERFILE]: text.replace('FROM node:22 AS', `FROM node:22@${NEW_INDEX} AS`) });
      assert.deepEqual(run.changed, [{ path: DOCKERFILE, line: 1, image: 'node:22', digest: NEW_INDEX }]);
      assert.deepEqual(run.files, [DOCKERFILE]);
      assert.equal(run.cancelled, false);
    });

    it('Update Stale Pins: only pins are looked up; a stale one moves, and a file that changed meanwhile is reported, not written', async () => {
      const { lookups, described } = registry(MOVED);
      const idx = workspace();
      const options = { mode: 'update' as const, argSetting: 'ask' as const };
      const found = await lookUpBulk(filesToPin(idx), lookups, options);
      assert.deepEqual(described, [`node:22@${INDEX}`]);
      assert.deepEqual(found.targets.get(canonicalName(ref(`node:22@${INDEX}`))), { digest: NEW_INDEX });
      const { plan, skipped } = planBulk(filesToPin(idx), found, options);
      assert.deepEqual(skipped, []);
      const run = await applyBulk(plan, skipped, async () => ({ applied: [] }));
      assert.deepEqual(run.changed, []);
      assert.deepEqual(
        run.skipped.map((s) => [s.line, s.image, formatMessage(s.reason), formatMessage(s.cause.words)]),
        [[3, `node:22@${INDEX}`, 'the file changed while the digests were looked up', 'the file changed meanwhile']],
      );
    });

    it('cancelled before a file: nothing written to it, and said so', async () => {
      const { lookups } = registry(MOVED);
      const idx = workspace();
      const options = { mode: 'pin' as const, argSetting: 'ask' as const };
      const { plan, skipped } = planBulk(filesToPin(idx), await lookUpBulk(filesToPin(idx), lookups, options), options);
      const run = await applyBulk(plan, skipped, async () => assert.fail('a cancelled run writes nothing'), () => true);
      assert.equal(run.cancelled, true);
      assert.deepEqual(
        run.skipped.filter((s) => s.image === 'node:22').map((s) => formatMessage(s.reason)),
        ['cancelled'],
      );
    });
  });
});
