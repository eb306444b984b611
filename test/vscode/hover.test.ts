// Extension tests, in a real VS Code against the real registry: the hover on an image says where its tag points
// now, whether the pin in the file is current or stale, the platforms, and offers what the CodeLens offers; on
// a stage it says why there is nothing to look up. Expected digests and platforms come from what the test
// registry was seeded with (test/host/testRegistry.ts), not from the extension.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { parseImageReference } from '../../src/reference/imageReference';
import { api, createIndexed, deleteIndexed, eventually, seeded, short, SLOW, workspaceUri } from './helpers';


function parseImageReferenceOk(text: string) {
  const parsed = parseImageReference(text);
  assert.ok(parsed.ok, text);
  return parsed.ref;
}

/** The hovers VS Code shows at a place, as plain text and the command links they hold. */
async function hoverAt(uri: vscode.Uri, position: vscode.Position): Promise<{ text: string; links: string[] }> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position);
  const markdown = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : '')));
  const text = markdown.join('\n');
  // appendText escapes Markdown and writes spaces as &nbsp;: undo both to read what the hover shows.
  return { text: text.replace(/&nbsp;/g, ' ').replace(/\\([\\`*_{}[\]()#+\-.!])/g, '$1'), links: [...text.matchAll(/\]\((command:[^?)]+)/g)].map((m) => m[1]!) };
}

describe('Hover on images', () => {
  const uris: vscode.Uri[] = [];
  after(async () => deleteIndexed(await api(), uris.splice(0)));

  it('says where the tag points, that an old pin is stale, and the platforms, with the action to take', async () => {
    const a = await api();
    const { images, outdated } = seeded();
    const now = images['node:22-slim']!;
    const old = outdated['node:22-slim']!.digest;
    const uri = await createIndexed(a, workspaceUri('hover/Dockerfile'), `FROM node:22-slim AS build\nFROM node:22-slim@${old}\nFROM build\n`);
    uris.push(uri);
    await vscode.window.showTextDocument(uri);
    const unpinned = new vscode.Position(0, 8);
    // The first hover asks for the image; once it is looked up, the hover says what the registry said.
    await hoverAt(uri, unpinned);
    for (const ref of ['node:22-slim', `node:22-slim@${old}`]) {
      const parsed = parseImageReference(ref);
      assert.ok(parsed.ok);
      a.resolver.request([parsed.ref]);
      await eventually(() => a.resolver.get(parsed.ref)?.state === 'resolved', `${ref} to be looked up`, SLOW);
    }
    // The attestations are read the first time a hover asks; the next hover shows them.
    await hoverAt(uri, unpinned);
    await a.resolver.hoverAttestations(parseImageReferenceOk('node:22-slim'), now.digest, { platform: 'linux/amd64', digest: now.platforms['linux/amd64']! });
    const first = await hoverAt(uri, unpinned);
    assert.match(first.text, new RegExp(`The tag points to ${now.digest}`));
    assert.match(first.text, new RegExp(`Platforms: ${Object.keys(now.platforms).join(', ')}`));
    // Pin digest and Show attestations; then the SBOM line, a link to the panel's SBOM tab.
    assert.deepEqual(first.links, ['command:imageProvenance.pin', 'command:imageProvenance.showAttestations', 'command:imageProvenance.showAttestations']);
    // The seeded images carry BuildKit-style attestations in their index: SLSA v0.2 provenance without build args or
    // steps (mode=min, as BuildKit's provenance.go writes it) and an SPDX SBOM of one MIT package
    // (test/registry/harness/imageContent.ts attestationImage).
    assert.ok(first.text.includes('Provenance: SLSA v0.2, mode=min'), first.text);
    assert.ok(first.text.includes('Builder: https://github.com/example/builder'), first.text);
    assert.ok(first.text.includes('SBOM: 1 package'), first.text);
    assert.ok(first.text.includes('Top licenses: MIT'), first.text);
    assert.ok(first.text.includes('The provenance is mode=min'), first.text);
    assert.ok(first.text.includes('Pin digest'), first.text);

    const second = await hoverAt(uri, new vscode.Position(1, 8));
    assert.ok(second.text.includes(`Pinned here to ${short(old)}: stale, the tag has moved.`), second.text);
    assert.ok(second.text.includes('Update pin'), second.text);

    const stage = await hoverAt(uri, new vscode.Position(2, 6));
    assert.ok(stage.text.includes('Refers to the build stage "build" of this file, not to an image.'), stage.text);
    assert.deepEqual(stage.links, []);
    assert.ok(first.text.includes('Attestations of linux/amd64:'), first.text);
  });
});
