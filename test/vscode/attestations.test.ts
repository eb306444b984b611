// Extension tests, in a real VS Code against the real registry: the attestations of the seeded images in the
// Images tree (under each platform, read when the platform is expanded), Show Attestations for Image…, Copy
// Provenance / SBOM as JSON, and the hover's read (warm: no request; the registry out of reach: what was read
// before, with its age). What is expected comes from what the runner seeds (test/host/testRegistry.ts with
// test/registry/harness/imageContent.ts attestationImage): node:22-slim is a BuildKit-style OCI index whose two
// platforms each have an attestation manifest in the index (platform unknown/unknown, annotations
// vnd.docker.reference.type/digest, as BuildKit docs/attestations/attestation-storage.md describes) holding SLSA
// v0.2 provenance without build args or steps (mode=min, as BuildKit's solver/llbsolver/provenance.go writes it)
// and an SPDX 2.3 SBOM of one MIT package "seed"; alpine:3.20 is a single Docker manifest and nginx:1.27 a
// Docker manifest list, neither with attestations.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ImageProvenanceApi } from '../../src/extension';
import { api, createIndexed, deleteIndexed, EXTENSION_ID, eventually, menuCommands, REFUSED, ref, row, rows, seeded, short, SLOW, withStallingMirror, workspaceUri, type Row } from './helpers';



/** The use rows of this test's Dockerfile, stage by stage, once the registry has described each image. */
async function useRows(a: ImageProvenanceApi, uri: vscode.Uri, ...images: string[]): Promise<Row[]> {
  const refs = images.map(ref);
  a.resolver.request(refs);
  await eventually(() => refs.every((r) => a.resolver.get(r)?.state === 'resolved'), `${images.join(', ')} to be looked up`, SLOW);
  const file = (await rows(a)).find((r) => r.item.resourceUri?.toString() === uri.toString());
  assert.ok(file, `${uri.toString()} is not in the tree`);
  const stages = await rows(a, file.node);
  return (await Promise.all(stages.map((stage) => rows(a, stage.node)))).flat();
}

/** A platform row's attestation rows, once read (a row says it is reading until then). */
async function attestationRows(a: ImageProvenanceApi, platform: Row): Promise<Row[]> {
  let list: Row[] = [];
  await eventually(
    async () => {
      list = await rows(a, platform.node);
      return !list.some((r) => r.label === 'reading attestations…');
    },
    `the attestations of ${platform.label} to be read`,
    SLOW,
  );
  return list;
}

/**
 * The test registry is Docker Hub's mirror and holds no referrers or cosign tags: asked for them, the client goes
 * on to Docker Hub, which the tests cannot reach. What was found stands; what could not be asked is one row that
 * names the cause.
 */
function assertPartlyRead(problems: Row | undefined): void {
  assert.equal(problems?.item.contextValue, 'attestationProblem');
  assert.match(problems.label, /^Read in part: /);
  assert.match(String(problems.item.tooltip), /registry-1\.docker\.io.*\(mirrors tried first: 127\.0\.0\.1:\d+ notFound\)/);
}

/** The hover VS Code shows at a place, as plain text, and its command links with their arguments. */
async function hoverAt(uri: vscode.Uri, position: vscode.Position): Promise<{ text: string; links: { command: string; args: unknown[] }[] }> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position);
  const markdown = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
  const text = markdown.replace(/&nbsp;/g, ' ').replace(/\\([\\`*_{}[\]()#+\-.!])/g, '$1');
  const links = [...markdown.matchAll(/\]\(command:([^?)]+)\?([^ )]*)/g)].map((m) => ({ command: m[1]!, args: JSON.parse(decodeURIComponent(m[2]!)) as unknown[] }));
  return { text, links };
}

describe('Attestations in the tree, the commands and the hover', () => {
  const uris: vscode.Uri[] = [];
  let dockerfile: vscode.Uri;

  before(async () => {
    const a = await api();
    await a.imagesTree.setGroupBy('file');
    dockerfile = await createIndexed(a, workspaceUri('attestations/Dockerfile'), 'FROM node:22-slim AS app\nFROM alpine:3.20 AS single\nFROM nginx:1.27 AS list\nFROM --platform=linux/arm64 node:22-slim AS arm\n');
    uris.push(dockerfile);
  });
  afterEach(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));
  after(async () => deleteIndexed(await api(), uris.splice(0)));

  it('lists under each platform its provenance, its SBOM and where they are stored, and explains what is missing', async () => {
    const a = await api();
    const image = seeded().images['node:22-slim']!;
    const [node] = await useRows(a, dockerfile, 'node:22-slim', 'alpine:3.20', 'nginx:1.27');
    assert.equal(node?.label, 'node:22-slim');
    const platforms = await rows(a, node.node);
    assert.deepEqual(platforms.map((p) => p.label), ['linux/amd64', 'linux/arm64/v8']);
    assert.equal(platforms[0]!.item.collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);

    // Expanding a platform starts its read: a row says so until it is done.
    const first = await rows(a, platforms[0]!.node);
    assert.deepEqual(first.map((r) => r.label), ['reading attestations…']);
    const amd64 = await attestationRows(a, platforms[0]!);
    const [provenance, sbom, explanation, problems, ...more] = amd64;
    assert.deepEqual(
      [provenance, sbom, explanation].map((r) => [r?.label, r?.description, r?.item.contextValue]),
      [
        ['Provenance: SLSA v0.2, mode=min', 'in the image index', 'attestation attestation-provenance'],
        ['SBOM: 1 package', 'in the image index', 'attestation attestation-sbom'],
        [explanation?.label, '', 'attestationExplanation explanation-provenanceMin'],
      ],
    );
    assert.match(explanation!.label, /^The provenance is mode=min/);
    assertPartlyRead(problems);
    assert.deepEqual(more, []);
    assert.match(String(provenance!.item.tooltip), /Builder: https:\/\/github\.com\/example\/builder/);
    assert.match(String(provenance!.item.tooltip), /Built: 2026-01-01T00:00:01Z/);
    assert.match(String(sbom!.item.tooltip), /^SPDX-2\.3, the final image/);
    // The rows' menus: the panel from any attestation row, each copy from its own kind of row.
    const extensionPath = vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath;
    assert.deepEqual(menuCommands(extensionPath, String(provenance!.item.contextValue)), ['imageProvenance.copyProvenance', 'imageProvenance.showAttestations']);
    assert.deepEqual(menuCommands(extensionPath, String(sbom!.item.contextValue)), ['imageProvenance.copySbom', 'imageProvenance.showAttestations']);
    // Read once per platform and kept: the row and the resolver agree on what was read.
    const read = a.resolver.platformAttestations(ref('node:22-slim'), image.digest, { platform: 'linux/amd64', digest: image.platforms['linux/amd64']! });
    assert.equal(read.state, 'read');
  });

  it('explains an image without attestations instead of showing nothing', async () => {
    const a = await api();
    const [, alpine, nginx] = await useRows(a, dockerfile, 'node:22-slim', 'alpine:3.20', 'nginx:1.27');
    const [single] = await rows(a, alpine!.node);
    assert.equal(single?.label, 'linux/arm64/v8');
    const singleRows = await attestationRows(a, single);
    assert.deepEqual(singleRows.map((r) => r.item.contextValue), ['attestationExplanation explanation-noAttestations', 'attestationProblem']);
    assertPartlyRead(singleRows[1]);
    // A single manifest is what the docker driver and --load push (docker/buildx build/build.go).
    assert.match(singleRows[0]!.label, /^No attestation found\. This is a single image manifest/);
    assert.ok(singleRows[0]!.item.iconPath instanceof vscode.ThemeIcon && singleRows[0]!.item.iconPath.id === 'info');
    const [listPlatform] = await rows(a, nginx!.node);
    const listRows = await attestationRows(a, listPlatform!);
    assert.deepEqual(listRows.map((r) => r.item.contextValue), ['attestationExplanation explanation-noAttestations', 'attestationProblem']);
    assert.match(listRows[0]!.label, /^No attestation found\./);
    assert.ok(!listRows[0]!.label.includes('single image manifest'), listRows[0]!.label);
  });

  it('never shows an attestation manifest (unknown/unknown) as a platform, grouped by file or by image', async () => {
    const a = await api();
    const image = seeded().images['node:22-slim']!;
    const platforms = Object.keys(image.platforms);
    const [node] = await useRows(a, dockerfile, 'node:22-slim');
    assert.deepEqual((await rows(a, node!.node)).map((r) => r.label), platforms);
    await a.imagesTree.setGroupBy('image');
    try {
      const group = row(await rows(a), 'node:22-slim');
      const uses = await rows(a, group.node);
      assert.ok(uses.length >= 2, 'both uses of node:22-slim are listed under it');
      for (const use of uses) {
        const labels = (await rows(a, use.node)).map((r) => r.label);
        assert.deepEqual(labels, platforms, `${use.label}: ${labels.join(', ')}`);
      }
    } finally {
      await a.imagesTree.setGroupBy('file');
    }
  });

  it('opens the image’s panel for any reference, from the palette’s argument or a tree row, once per image', async () => {
    const a = await api();
    const image = seeded().images['node:22-slim']!;
    await vscode.commands.executeCommand('imageProvenance.showAttestations', 'node:22-slim');
    const panel = a.panels.get(ref('node:22-slim'), image.digest);
    assert.ok(panel, 'no panel for node:22-slim');
    assert.equal(panel.panel.viewType, 'imageProvenance.attestations');
    // The window tells the extension host about its tabs a moment later.
    const activeTab = () => vscode.window.tabGroups.activeTabGroup.activeTab;
    await eventually(() => activeTab()?.label === 'Attestations: node:22-slim', 'the panel’s tab to be the active one');
    const input = activeTab()!.input;
    assert.ok(input instanceof vscode.TabInputWebview);
    assert.match(input.viewType, /imageProvenance\.attestations$/);
    // The page starts under the CSP, says ready with the protocol's version, and only then gets the overview.
    await eventually(() => panel.delivered === 'show', 'the page to be sent the overview', SLOW);
    assert.deepEqual(panel.state(), { version: 2, ref: 'node:22-slim', digest: image.digest });
    // Each platform's created time, as its image config says it (test/registry/harness/imageContent.ts platformImage).
    assert.deepEqual(panel.overview?.entries.map((e) => [e.platform, e.created]), [['linux/amd64', '2026-01-01T00:00:00Z'], ['linux/arm64/v8', '2026-01-01T00:00:00Z']]);

    // Asked again: the same panel comes forward, no second one opens.
    await vscode.commands.executeCommand('imageProvenance.showAttestations', 'node:22-slim');
    assert.equal(a.panels.get(ref('node:22-slim'), image.digest), panel);
    const webviewTabs = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview);
    await eventually(() => webviewTabs().length === 1, 'one webview tab');
    assert.deepEqual(webviewTabs().map((t) => t.label), ['Attestations: node:22-slim']);

    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const [, alpine] = await useRows(a, dockerfile, 'node:22-slim', 'alpine:3.20');
    await vscode.commands.executeCommand('imageProvenance.showAttestations', alpine!.node);
    assert.ok(a.panels.get(ref('alpine:3.20'), seeded().images['alpine:3.20']!.digest), 'no panel for alpine:3.20');
    await eventually(() => activeTab()?.label === 'Attestations: alpine:3.20', 'the alpine panel’s tab to be the active one');

    // From the palette: an input box offering the image under the cursor.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const editor2 = await vscode.window.showTextDocument(dockerfile);
    editor2.selection = new vscode.Selection(2, 7, 2, 7);
    const shown = vscode.commands.executeCommand('imageProvenance.showAttestations');
    // No API says an input box is open: the pause is the time the window takes to draw it.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    await shown;
    assert.ok(a.panels.get(ref('nginx:1.27'), seeded().images['nginx:1.27']!.digest), 'no panel for nginx:1.27');
    await eventually(() => activeTab()?.label === 'Attestations: nginx:1.27', 'the nginx panel’s tab to be the active one');
  });

  it('opens the panel at once, naming the image, while the registry still answers the tag lookup, and it becomes the image’s panel', async function () {
    // A loaded machine can take many seconds to start a webview's page: the lookup is kept waiting longer than that.
    this.timeout(150_000);
    const a = await api();
    const image = seeded().images['node:22-slim']!;
    // The tag lookup stays unanswered until the mirror is closed.
    await withStallingMirror(/\/manifests\/22-slim$/, async (mirror) => {
      await vscode.commands.executeCommand('imageProvenance.clearCache');
      const shown = vscode.commands.executeCommand('imageProvenance.showAttestations', 'node:22-slim');
      await eventually(() => a.panels.getResolving(ref('node:22-slim')) !== undefined, 'the panel to open');
      await eventually(() => a.panels.getResolving(ref('node:22-slim'))?.delivered !== undefined, 'the page to say what it reads', 100_000);
      const resolving = a.panels.getResolving(ref('node:22-slim'))!;
      assert.deepEqual(resolving.delivered, { type: 'reading', ref: 'node:22-slim', text: 'Reading the attestations of node:22-slim…' });
      assert.ok(mirror.injected > 0, 'the tag lookup is still unanswered');
      assert.equal(a.panels.get(ref('node:22-slim'), image.digest), undefined);
      await mirror.close();
      await shown;
      const panel = a.panels.get(ref('node:22-slim'), image.digest);
      assert.equal(panel?.panel, resolving.panel, 'the panel that opened is the image’s, not a second one');
      assert.equal(a.panels.getResolving(ref('node:22-slim')), undefined);
      await eventually(() => panel.delivered === 'show', 'the page to be sent the overview', SLOW);
      assert.deepEqual(panel.state(), { version: 2, ref: 'node:22-slim', digest: image.digest });
    });
  });

  it('says in the panel why a reference could not be resolved, naming the image', async () => {
    const a = await api();
    const missing = `${seeded().host}/library/node:no-such-tag`;
    await vscode.commands.executeCommand('imageProvenance.showAttestations', missing);
    const resolving = a.panels.getResolving(ref(missing));
    assert.ok(resolving, 'the panel stays open');
    await eventually(() => resolving.delivered?.type === 'failed', 'the page to be told the failure', SLOW);
    const failed = resolving.delivered as { type: 'failed'; ref: string; text: string };
    assert.equal(failed.ref, missing);
    // distribution answers MANIFEST_UNKNOWN for a tag it does not have (registry/handlers/manifests.go GetManifest).
    assert.match(failed.text, new RegExp(`^The attestations of ${missing.replace(/[.]/g, '\\.')} could not be read: .*no-such-tag.*not found`), failed.text);
  });

  it('acts only on the intents the panel offers, in their exact shapes, and ignores the rest', async () => {
    const a = await api();
    const image = seeded().images['node:22-slim']!;
    await vscode.commands.executeCommand('imageProvenance.showAttestations', 'node:22-slim');
    const panel = a.panels.get(ref('node:22-slim'), image.digest)!;
    await eventually(() => panel.delivered === 'show', 'the page to be sent the overview', SLOW);
    await vscode.env.clipboard.writeText('before');
    for (const refused of [
      { type: 'copyText', text: 'x', command: 'workbench.action.terminal.new' },
      { type: 'runCommand', command: 'workbench.action.terminal.new' },
      { type: 'openLink', url: 'javascript:alert(1)' },
      { type: 'copyText', text: 'x'.repeat(20_000) },
      JSON.parse('{"type":"copyText","text":"x","__proto__":{"polluted":true}}') as unknown,
      'copyText',
    ]) {
      await panel.receive(refused);
    }
    assert.equal(await vscode.env.clipboard.readText(), 'before');
    // A platform the panel did not offer is not taken; one it offered is, and kept for a restore.
    await panel.receive({ type: 'selectPlatform', digest: `sha256:${'0'.repeat(64)}` });
    assert.equal(panel.state().platform, undefined);
    await panel.receive({ type: 'selectPlatform', digest: image.platforms['linux/arm64/v8']! });
    assert.equal(panel.state().platform, image.platforms['linux/arm64/v8']);
    await panel.receive({ type: 'copyText', text: image.digest });
    assert.equal(await vscode.env.clipboard.readText(), image.digest);
  });

  it('Provenance tab: opens only the https links and the material images it offered, and sends the raw statement', async () => {
    // The seeded provenance (test/registry/harness/imageContent.ts defaultStatements) names the builder
    // https://github.com/example/builder and one material, pkg:docker/busybox@1.36 at sha256:111…, which
    // moby/buildkit util/purl PURLToRef reads as busybox:1.36 at that digest.
    const a = await api();
    const image = seeded().images['node:22-slim']!;
    const arm64 = image.platforms['linux/arm64/v8']!;
    await vscode.commands.executeCommand('imageProvenance.showAttestations', 'node:22-slim');
    const panel = a.panels.get(ref('node:22-slim'), image.digest)!;
    await eventually(() => panel.delivered === 'show', 'the page to be sent the overview', SLOW);
    await vscode.commands.executeCommand('imageProvenance.showLog');
    const log = () => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'output' && d.getText().includes('attestation panel of node:22-slim'))?.getText() ?? '';

    // Not offered, or not https: ignored, and logged by the message's type only.
    // Plain http of the very link it offers is refused too: only https becomes a link.
    for (const url of ['https://evil.example/x', 'javascript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'http://github.com/example/builder']) await panel.receive({ type: 'openLink', url });
    await panel.receive({ type: 'openImage', ref: 'busybox:1.36', digest: `sha256:${'2'.repeat(64)}` });
    // A reference that is no reference at all, at the offered material's digest: not offered either.
    await panel.receive({ type: 'openImage', ref: '../../<script>:1.36', digest: `sha256:${'1'.repeat(64)}` });
    await panel.receive({ type: 'requestStatement', platform: `sha256:${'0'.repeat(64)}` });
    await eventually(() => log().includes('(requestStatement: not offered)'), 'the refused intents in the log', SLOW);
    assert.ok(log().includes('ignored a message it does not accept (openLink: not offered)'), log());
    assert.ok(log().includes('ignored a message it does not accept (openLink)'), log());
    assert.ok(log().includes('ignored a message it does not accept (openImage: not offered)'), log());
    assert.ok(!log().includes('alert(1)') && !log().includes('evil.example') && !log().includes('<script>'), 'a refused message is logged by its type only');
    assert.ok(!log().includes('opens https://evil.example') && !log().includes('opens http://'), log());
    assert.equal(log().match(/ignored a message it does not accept \(openImage: not offered\)/g)?.length, 2, log());
    assert.equal(a.panels.get(ref('busybox:1.36'), `sha256:${'2'.repeat(64)}`), undefined);

    // Offered: the builder's page is handed to vscode.env.openExternal. VS Code's own link protection then asks
    // whether to open that external website (workbench trustedDomainsValidator); the test window refuses every
    // dialog, and that refusal, with VS Code's question, comes back to the log: the URL reached VS Code's opener.
    await panel.receive({ type: 'openLink', url: 'https://github.com/example/builder' });
    await eventually(() => log().includes('The attestation panel of node:22-slim opens https://github.com/example/builder'), 'the opened link in the log', SLOW);
    await eventually(() => /https:\/\/github\.com\/example\/builder could not be opened: .*open the external website\?/.test(log()), 'VS Code’s link protection to ask about the builder’s page', SLOW);

    // An offered material: its own panel, at the digest the build used (busybox:1.36 is not served here, so no index holds it).
    await panel.receive({ type: 'openImage', ref: 'busybox:1.36', digest: `sha256:${'1'.repeat(64)}` });
    assert.ok(a.panels.get(ref('busybox:1.36'), `sha256:${'1'.repeat(64)}`), 'no panel for the busybox material');

    // The raw statement of a platform, as Copy Provenance reads it.
    const posted: unknown[] = [];
    const sent = panel.panel.webview.postMessage.bind(panel.panel.webview);
    panel.panel.webview.postMessage = (message: unknown) => (posted.push(message), sent(message));
    await panel.receive({ type: 'requestStatement', platform: arm64 });
    const statement = posted.find((m): m is { type: 'statement'; platform: string; json: { predicateType: string; subject: { digest: { sha256: string } }[] } } => (m as { type?: string }).type === 'statement');
    assert.ok(statement, 'no statement sent');
    assert.equal(statement.platform, arm64);
    assert.equal(statement.json.predicateType, 'https://slsa.dev/provenance/v0.2');
    assert.equal(`sha256:${statement.json.subject[0]!.digest.sha256}`, arm64);
  });

  it('restores a panel from the state its page kept, and drops one whose state it cannot read', async () => {
    const a = await api();
    const image = seeded().images['node:22-slim']!;
    // What VS Code does after a window reload: a panel of the view type, handed to the serializer with the state.
    const restored = vscode.window.createWebviewPanel('imageProvenance.attestations', 'restoring', vscode.ViewColumn.Active);
    await a.panels.deserializeWebviewPanel(restored, { version: 2, ref: 'node:22-slim', digest: image.digest, platform: image.platforms['linux/arm64/v8'], tab: 'sbom' });
    const panel = a.panels.get(ref('node:22-slim'), image.digest);
    assert.equal(panel?.panel, restored);
    assert.equal(restored.title, 'Attestations: node:22-slim');
    await eventually(() => panel.delivered === 'show', 'the restored page to be sent the overview', SLOW);
    assert.equal(panel.state().platform, image.platforms['linux/arm64/v8']);
    assert.equal(panel.state().tab, 'sbom');

    const stale = vscode.window.createWebviewPanel('imageProvenance.attestations', 'stale', vscode.ViewColumn.Active);
    let disposed = false;
    stale.onDidDispose(() => (disposed = true));
    await a.panels.deserializeWebviewPanel(stale, { version: 1, ref: 'node:22-slim', digest: image.digest });
    assert.ok(disposed, 'a panel with a state of another version is closed');
  });

  it('copies the provenance statement and the SBOM document of a platform as JSON', async () => {
    const a = await api();
    const image = seeded().images['node:22-slim']!;
    const [node] = await useRows(a, dockerfile, 'node:22-slim');
    const [, arm64] = await rows(a, node!.node);
    const attestations = await attestationRows(a, arm64!);
    await vscode.env.clipboard.writeText('');
    await vscode.commands.executeCommand('imageProvenance.copyProvenance', row(attestations, 'Provenance: SLSA v0.2, mode=min').node);
    const provenance = JSON.parse(await vscode.env.clipboard.readText()) as { _type: string; predicateType: string; subject: { digest: { sha256: string } }[]; predicate: { builder: { id: string } } };
    assert.equal(provenance._type, 'https://in-toto.io/Statement/v0.1');
    assert.equal(provenance.predicateType, 'https://slsa.dev/provenance/v0.2');
    assert.equal(`sha256:${provenance.subject[0]!.digest.sha256}`, image.platforms['linux/arm64/v8']);
    assert.equal(provenance.predicate.builder.id, 'https://github.com/example/builder');

    await vscode.commands.executeCommand('imageProvenance.copySbom', row(attestations, 'SBOM: 1 package').node);
    const sbom = JSON.parse(await vscode.env.clipboard.readText()) as { spdxVersion: string; packages: { name: string; versionInfo: string; licenseConcluded: string }[] };
    assert.equal(sbom.spdxVersion, 'SPDX-2.3');
    assert.deepEqual(sbom.packages.map((p) => [p.name, p.versionInfo, p.licenseConcluded]), [['seed', '1.0.0', 'MIT']]);
  });

  it('hovers the platform the build pulls, offers the panel, and asks nothing the second time', async () => {
    const a = await api();
    await useRows(a, dockerfile, 'node:22-slim');
    await vscode.window.showTextDocument(dockerfile);
    const arm = new vscode.Position(3, 30);
    // The first hover starts the quick read of linux/arm64 (the --platform written); the next one shows it.
    await hoverAt(dockerfile, arm);
    await eventually(async () => (await hoverAt(dockerfile, arm)).text.includes('Attestations of linux/arm64/v8:'), 'the attestations to show in the hover', SLOW);
    await a.resolver.whenIdle();
    const client = await a.resolver.registry;
    const before = client.stats.requests;
    const warm = await hoverAt(dockerfile, arm);
    assert.equal(client.stats.requests, before, 'a warm hover sends no request');
    assert.ok(warm.text.includes('Provenance: SLSA v0.2, mode=min'), warm.text);
    assert.ok(warm.text.includes('SBOM: 1 package'), warm.text);

    const show = warm.links.find((l) => l.command === 'imageProvenance.showAttestations');
    assert.deepEqual(show?.args, ['node:22-slim']);
    await vscode.commands.executeCommand(show!.command, ...show!.args);
    const panel = a.panels.get(ref('node:22-slim'), seeded().images['node:22-slim']!.digest);
    assert.ok(panel, 'the hover link opens the panel');

    // The SBOM line opens the SBOM tab of the platform the hover read; the panel already open switches to them.
    const arm64 = seeded().images['node:22-slim']!.platforms['linux/arm64/v8']!;
    const sbom = warm.links.filter((l) => l.command === 'imageProvenance.showAttestations').find((l) => l.args.length === 2);
    assert.deepEqual(sbom?.args, ['node:22-slim', { tab: 'sbom', platform: arm64 }]);
    await vscode.commands.executeCommand(sbom!.command, ...sbom!.args);
    assert.deepEqual([panel.state().tab, panel.state().platform], ['sbom', arm64]);
    // A command link anyone could write: a tab or platform that is not one is left out.
    await vscode.commands.executeCommand('imageProvenance.showAttestations', 'node:22-slim', { tab: 'constructor', platform: 'linux/arm64' });
    assert.deepEqual([panel.state().tab, panel.state().platform], ['sbom', arm64]);
  });

  it('says in the log which referrer repository entries cannot be used', async () => {
    const a = await api();
    const config = vscode.workspace.getConfiguration('imageProvenance');
    const before = config.inspect('referrerRepositories')?.workspaceValue;
    // Docker tells a registry host from a path by a dot, a port or `localhost` (distribution/reference
    // normalize.go, splitDockerDomain): `not a host` and `no-dot` are neither.
    await config.update('referrerRepositories', { 'not a host': 'registry.scout.docker.com', 'dhi.io': 'no-dot' }, vscode.ConfigurationTarget.Workspace);
    try {
      a.resolver.request([ref('node:22-slim')]);
      await eventually(() => a.resolver.get(ref('node:22-slim'))?.state === 'resolved', 'node:22-slim to be looked up with the new settings', SLOW);
      await vscode.commands.executeCommand('imageProvenance.showLog');
      const log = () => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'output' && d.getText().includes('referrerRepositories'))?.getText() ?? '';
      await eventually(() => log().includes('"no-dot"'), 'the referrer repository problems in the log', SLOW);
      assert.ok(log().includes('The key "not a host" of imageProvenance.referrerRepositories is not a registry host or a host with a repository path, e.g. docker.io/myorg.'), log());
      assert.ok(log().includes('The referrer repository "no-dot" for "dhi.io" is not a registry host or a host with a repository path, e.g. registry.scout.docker.com/myorg.'), log());
    } finally {
      await config.update('referrerRepositories', before, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('shows the attestations read before, with their age, when the registry cannot be asked', async () => {
    const a = await api();
    const image = seeded().images['node:22-slim']!;
    await useRows(a, dockerfile, 'node:22-slim');
    await a.resolver.hoverAttestations(ref('node:22-slim'), image.digest, { platform: 'linux/amd64', digest: image.platforms['linux/amd64']! });
    const config = vscode.workspace.getConfiguration('imageProvenance.registry');
    const hosts = config.inspect('hosts')?.workspaceValue;
    // The mirror refuses connections and Docker Hub is out of reach here: the registry cannot be asked.
    await config.update('hosts', { 'docker.io': { mirrors: [REFUSED] }, [REFUSED]: { http: true } }, vscode.ConfigurationTarget.Workspace);
    try {
      a.resolver.request([ref('node:22-slim')]);
      await eventually(() => a.resolver.get(ref('node:22-slim'))?.state === 'failed', 'node:22-slim to fail', SLOW);
      await vscode.window.showTextDocument(dockerfile);
      const offline = await hoverAt(dockerfile, new vscode.Position(0, 7));
      assert.ok(offline.text.includes('The registry could not be asked'), offline.text);
      assert.match(offline.text, new RegExp(`Attestations of ${short(image.digest)}, read (just now|1 minute ago|\\d+ minutes ago):`));
      assert.ok(offline.text.includes('Provenance: SLSA v0.2, mode=min'), offline.text);
    } finally {
      await config.update('hosts', hosts, vscode.ConfigurationTarget.Workspace);
      a.resolver.request([ref('node:22-slim')]);
      await eventually(() => a.resolver.get(ref('node:22-slim'))?.state === 'resolved', 'node:22-slim to be looked up again', SLOW);
    }
  });
});
