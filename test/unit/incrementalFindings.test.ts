// Unit tier: the checks' findings kept per file (issue 15). After a change, only the files it can reach are
// checked again: the file itself, the Dockerfiles its builds build, the files that read an image the registry
// said something new about. Findings come from the same `fileFindings` the Problems panel and `check` use.
import * as assert from 'node:assert/strict';
import { checkLevels } from '../../src/checks/catalog';
import { IncrementalFindings } from '../../src/checks/incrementalFindings';
import { fileFindings, type CheckSettings, type RegistryAnswers } from '../../src/checks/workspaceChecks';
import type { BuildFile } from '../../src/model/buildFile';
import type { Resolution } from '../../src/pin/pinStatus';
import { canonicalName, parseImageReference, type ImageRef } from '../../src/reference/imageReference';
import { BuildFileIndex } from '../../src/workspace/buildFileIndex';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const NEWER = `sha256:${'b'.repeat(64)}`;

const settings: CheckSettings = { levels: checkLevels({}).levels, allowedImages: [] };

function ref(text: string): ImageRef {
  const parsed = parseImageReference(text);
  if (!parsed.ok) throw new Error(text);
  return parsed.ref;
}

/** The registry's answers, changed by the test; the paths each update checked. */
function checked(index: BuildFileIndex) {
  const resolutions = new Map<string, Resolution>();
  const answers: RegistryAnswers = { resolutionOf: (r) => resolutions.get(canonicalName(r)), attestationsOf: () => undefined };
  const paths: string[] = [];
  const findingsOf = (file: BuildFile, recorded: RegistryAnswers) => (paths.push(file.path), fileFindings(index, file, settings, recorded));
  const findings = new IncrementalFindings(index);
  const update = () => {
    paths.length = 0;
    const changed = findings.update(findingsOf, answers);
    return { checked: [...paths].sort(), changed };
  };
  /** A pinned image resolved: its pinned digest, and what its tag points to now (src/pin/pinStatus.ts `pinStatus`). */
  const resolve = (image: string, tagDigest: string) =>
    resolutions.set(canonicalName(ref(image)), { state: 'resolved', details: { digest: DIGEST, tagDigest, mediaType: 'application/vnd.oci.image.index.v1+json', kind: 'index', platforms: [], attestations: 0, host: 'registry-1.docker.io' } });
  return { findings, update, resolve };
}

describe('unit: findings kept per file, checked again only where a change reaches (issue 15)', () => {
  it('checks every file once, then only the file that changed', () => {
    const index = new BuildFileIndex();
    for (let i = 0; i < 5; i++) index.set(`/w/s${i}/Dockerfile`, `FROM alpine:3.${i}\n`);
    const { findings, update } = checked(index);
    index.onDidChange((paths) => findings.filesChanged(paths));
    assert.equal(update().checked.length, 5);

    index.set('/w/s2/Dockerfile', 'FROM alpine:3.2\nRUN true\n');
    assert.deepEqual(update(), { checked: ['/w/s2/Dockerfile'], changed: new Map() }, 'same findings: nothing to publish');
    assert.deepEqual(update().checked, [], 'nothing changed since');

    index.delete('/w/s3/Dockerfile');
    assert.deepEqual(update(), { checked: [], changed: new Map([['/w/s3/Dockerfile', undefined]]) });
  });

  it('checks again the files that read an image the registry answered for, and publishes what changed', () => {
    const index = new BuildFileIndex();
    index.set('/w/a/Dockerfile', `FROM alpine:3.21@${DIGEST}\n`);
    index.set('/w/b/Dockerfile', 'FROM node:22\n');
    const { findings, update, resolve } = checked(index);
    index.onDidChange((paths) => findings.filesChanged(paths));
    update();

    // A pin whose tag now points elsewhere is stale (src/pin/pinStatus.ts `pinStatus`, src/pin/pinDiagnostics.ts).
    resolve(`alpine:3.21@${DIGEST}`, NEWER);
    findings.imagesChanged([canonicalName(ref(`alpine:3.21@${DIGEST}`))]);
    const { checked: paths, changed } = update();
    assert.deepEqual(paths, ['/w/a/Dockerfile']);
    assert.deepEqual([...changed.keys()], ['/w/a/Dockerfile']);
    assert.ok(changed.get('/w/a/Dockerfile')!.some((f) => f.code === 'stale-pin'), JSON.stringify(changed.get('/w/a/Dockerfile')));

    findings.imagesChanged(undefined);
    assert.equal(update().checked.length, 2, 'a reset checks every file');
  });

  it('a Compose file that changes its build checks the Dockerfile it builds again (its platforms come from the build)', () => {
    const index = new BuildFileIndex();
    index.set('/w/Dockerfile', 'FROM alpine:3.21\n');
    index.set('/w/other/Dockerfile', 'FROM node:22\n');
    index.set('/w/compose.yaml', 'services:\n  api:\n    build: .\n', 'compose');
    const { findings, update } = checked(index);
    index.onDidChange((paths) => findings.filesChanged(paths));
    update();

    index.set('/w/compose.yaml', 'services:\n  api:\n    build:\n      context: .\n      platforms: [linux/amd64, linux/arm64]\n', 'compose');
    assert.deepEqual(update().checked, ['/w/Dockerfile', '/w/compose.yaml']);
  });
});
